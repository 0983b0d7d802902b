"""A session whose cameras run at different rates: refused in its format's words, or on the clock the user gives."""

from __future__ import annotations

import numpy as np
import pytest
import sleap_io

from poseconv.errors import InvalidOptionError, PoseconvWarning
from poseconv.interfaces import SLEAPSessionPoseInterface
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.video import write_video

START = "2024-01-01T00:00:00+00:00"


def write_session_at_rates(folder, rates=(30, 25), *, videos_here: bool = True, n_frames: int = 6):
    """Write a session .slp of two cameras, 'cam0' and 'cam1', whose videos record ``rates``; return its path.

    One track, a predicted instance per frame in each camera's video (frames 0-3). The videos are written
    beside it when ``videos_here``; otherwise only the .slp records their rates.
    """
    from sleap_io.model.camera import Camera, CameraGroup, RecordingSession

    skeleton, track = sleap_io.Skeleton(["a", "b"]), sleap_io.Track("mouse")
    cameras = [
        Camera(name=f"cam{i}", matrix=np.diag([500.0, 500.0, 1.0]), size=(64, 48), tvec=np.array([10.0 * i, 0, 0]))
        for i in range(len(rates))
    ]
    session = RecordingSession(camera_group=CameraGroup(cameras=cameras))
    videos = []
    for i, rate in enumerate(rates):
        path = folder / f"cam{i}.mp4"
        if videos_here:
            write_video(path, n_frames=n_frames, rate=rate)
        metadata = {"shape": [n_frames, 48, 64, 1], "fps": float(rate)}
        videos.append(sleap_io.Video(filename=str(path), backend_metadata=metadata, open_backend=False))
    for camera, video in zip(cameras, videos, strict=True):
        session.add_video(video, camera)
    frames = [
        sleap_io.LabeledFrame(
            video,
            f,
            [
                sleap_io.PredictedInstance.from_numpy(
                    np.column_stack([np.full((2, 2), 10.0 + f), [0.9, 0.8]]), skeleton=skeleton, track=track, score=0.9
                )
            ],
        )
        for video in videos
        for f in range(4)
    ]
    labels = sleap_io.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton], tracks=[track])
    labels.sessions.append(session)
    path = folder / "rig.slp"
    sleap_io.save_slp(labels, str(path))
    return path


@pytest.mark.parametrize("videos_here", [True, False], ids=["videos", "recorded_rates"])
def test_cameras_at_other_rates_are_refused_in_sleap_words(tmp_path, videos_here):
    # The refusal advised LightningPosePoseInterface and "--source lp-multiview" for a SLEAP file; with the videos
    # not here, the rate of 'cam0' recorded in the .slp was used for both cameras without a refusal.
    path = write_session_at_rates(tmp_path, videos_here=videos_here)
    interface = SLEAPSessionPoseInterface(file_path=path)
    where = ("cam0.mp4", "cam1.mp4") if videos_here else ("video fps recorded in rig.slp",) * 2
    with pytest.raises(InvalidOptionError) as caught:
        interface.get_timestamps()
    message = str(caught.value)
    assert f"'cam0' ({where[0]}, 30 fps) and 'cam1' ({where[1]}, 25 fps)" in message
    assert "--fps" in message and "--timestamps" in message
    assert "copy of rig.slp without its sessions" in message and "'cam1': video_indices=[1]" in message
    assert "Lightning" not in message and "lp-multiview" not in message
    with pytest.raises(InvalidOptionError, match="run at different rates"):
        interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=_metadata(interface))
    assert not (tmp_path / "out.nwb").exists()


def _metadata(interface):
    import datetime as dt

    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return metadata


@pytest.mark.parametrize("rate", [30.0, 25.0])
def test_a_rate_given_is_the_clock_of_every_camera(tmp_path, rate):
    # sampling_frequency=30 was refused as the videos were: the session could not be converted at all.
    path = write_session_at_rates(tmp_path)
    interface = SLEAPSessionPoseInterface(file_path=path, sampling_frequency=rate)
    said = r"'cam0' \(cam0.mp4, 30 fps\) and 'cam1' \(cam1.mp4, 25 fps\); a session is written on one clock, so your "
    with pytest.warns(
        PoseconvWarning, match=rf"{said}frame times \({rate:g} fps, sampling_frequency given by the user\)"
    ):
        times = interface.get_timestamps()
    np.testing.assert_allclose(times, np.arange(len(times)) / rate)


def test_timestamps_given_are_the_clock_of_every_camera(tmp_path):
    # The interface refused when made, so set_aligned_timestamps (poseconv convert --timestamps) could not help.
    path = write_session_at_rates(tmp_path)
    interface = SLEAPSessionPoseInterface(file_path=path)
    with pytest.raises(InvalidOptionError, match="run at different rates"):
        interface.get_original_timestamps()
    times = np.arange(6) / 40.0
    interface.set_aligned_timestamps(times)
    np.testing.assert_array_equal(interface.get_timestamps(), times)


def test_convert_takes_fps_for_a_session_whose_cameras_run_at_other_rates(tmp_path):
    from poseconv import read_multicamera

    path = write_session_at_rates(tmp_path)
    output = tmp_path / "rig.nwb"
    refused = poseconv_in_process("convert", path, "-o", output, "--session-start-time", START)
    assert refused.returncode != 0 and not output.exists()
    assert "run at different rates" in refused.stderr and "without its sessions" in refused.stderr, refused.stderr
    assert "lp-multiview" not in refused.stderr
    result = poseconv_in_process("convert", path, "-o", output, "--fps", "30", "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert "'cam1' (cam1.mp4, 25 fps); a session is written on one clock, so your frame times (30 fps" in result.stderr
    (session,) = read_multicamera(output)
    assert sorted(session.views) == ["cam0", "cam1"]
    for view in session.views.values():
        (key,) = view.videos
        np.testing.assert_allclose(view.timing[key].times(4), np.arange(4) / 30.0)


def test_a_deeplabcut_3d_session_at_other_rates_is_refused_in_deeplabcut_words(generated_dlc_3d_session, tmp_path):
    # The refusal advised LightningPosePoseInterface and "--source lp-multiview" for DeepLabCut files.
    from poseconv.interfaces import DeepLabCut3DPoseInterface

    videos = {
        camera: write_video(tmp_path / f"{camera}.mp4", n_frames=20, rate=rate)
        for camera, rate in [("left", 30), ("right", 25)]
    }
    interface = DeepLabCut3DPoseInterface(file_path=generated_dlc_3d_session["path"], video_file_paths=videos)
    with pytest.raises(InvalidOptionError) as caught:
        interface.get_timestamps()
    message = str(caught.value)
    assert "'left' (left.mp4, 30 fps) and 'right' (right.mp4, 25 fps)" in message
    assert "DeepLabCutPoseInterface" in message and "trial1_rightDLC_resnet50_rigJan1shuffle2_100.h5" in message
    assert "Lightning" not in message and "lp-multiview" not in message
    given = DeepLabCut3DPoseInterface(
        file_path=generated_dlc_3d_session["path"], video_file_paths=videos, sampling_frequency=30.0
    )
    with pytest.warns(PoseconvWarning, match="your frame times"):
        np.testing.assert_allclose(given.get_timestamps(), np.arange(20) / 30.0)
