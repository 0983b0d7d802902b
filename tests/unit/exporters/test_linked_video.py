"""Which video frame each pose frame is, and where an NWB file's video is looked for."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from poseconv.errors import InvalidOptionError, InvalidSourceFileError
from poseconv.exporters.linked_video import LinkedVideo, find_linked_video, video_frame_indices
from poseconv.model import FrameTiming


def _video(timing=None, starting_frames=(0,)):
    return LinkedVideo(tuple(f"v{i}.mp4" for i in range(len(starting_frames))), starting_frames, timing, "test")


def test_without_video_times_pose_frame_i_is_video_frame_i():
    assert video_frame_indices(FrameTiming(rate=30.0, starting_time=5.0), 10, [0, 3], _video()).tolist() == [0, 3]
    with pytest.raises(InvalidOptionError, match="outside the poses"):
        video_frame_indices(None, 10, [10], _video())


def test_starting_time_offsets_and_rates_map_through_time():
    video = _video(FrameTiming(rate=30.0, starting_time=10.0))
    # Poses start 1 s into the video and are taken at half its rate.
    poses = FrameTiming(rate=15.0, starting_time=11.0)
    assert video_frame_indices(poses, 20, [0, 1, 4], video).tolist() == [30, 32, 38]
    with pytest.raises(InvalidOptionError, match="no video frame at its time"):
        video_frame_indices(FrameTiming(rate=30.0, starting_time=0.0), 10, [0], video)


def test_timestamps_pick_the_nearest_video_frame():
    video = _video(FrameTiming(timestamps=np.array([0.0, 0.1, 0.2, 0.3])))
    poses = FrameTiming(timestamps=np.array([0.01, 0.19, 0.31]))
    assert video_frame_indices(poses, 3, range(3), video).tolist() == [0, 2, 3]
    with pytest.raises(InvalidOptionError, match="no video frame"):
        video_frame_indices(FrameTiming(timestamps=np.array([0.9])), 1, [0], video)


def test_a_video_of_one_frame_is_the_frame_of_a_pose_at_its_time():
    # Its ImageSeries has one timestamp (a video of one frame has no rate): "index 1 is out of bounds".
    video = _video(FrameTiming(timestamps=np.array([0.0])))
    assert video_frame_indices(FrameTiming(timestamps=np.array([0.0])), 1, [0], video).tolist() == [0]
    # Half a frame is judged by the poses' step when the video has none.
    poses = FrameTiming(rate=30.0, starting_time=0.01)
    assert video_frame_indices(poses, 3, [0], video).tolist() == [0]
    with pytest.raises(InvalidOptionError, match="pose frame 1 .* no video frame"):
        video_frame_indices(poses, 3, [0, 1], video)


def test_starting_frames_split_frames_across_files():
    video = _video(starting_frames=(0, 100, 250))
    assert [video.locate(j) for j in (0, 99, 100, 260)] == [(0, 0), (0, 99), (1, 0), (2, 10)]


def _nwb(path, *, external=None, original=None, extra_series=()):
    with h5py.File(path, "w") as f:
        f.attrs["nwb_version"] = "2.8.0"
        acquisition = f.create_group("acquisition")
        pose = f.create_group("processing/behavior/PoseEstimation")
        pose.attrs["neurodata_type"] = "PoseEstimation"
        if external is not None:
            series = acquisition.create_group("Video")
            series.attrs["neurodata_type"] = "ImageSeries"
            series.create_dataset("external_file", data=[s.encode() for s in external])
            series["external_file"].attrs["starting_frame"] = np.arange(len(external)) * 10
            series.create_dataset("timestamps", data=np.arange(20) / 10.0)
            pose["source_video"] = h5py.SoftLink("/acquisition/Video")
        if original is not None:
            pose.create_dataset("original_videos", data=[original.encode()])
        for name in extra_series:
            other = acquisition.create_group(name)
            other.attrs["neurodata_type"] = "ImageSeries"
            other.create_dataset("external_file", data=[f"{name}.mp4".encode()])
    return path


def test_source_video_paths_are_relative_to_the_nwb_file(tmp_path):
    (tmp_path / "videos").mkdir()
    for name in ("a.mp4", "b.mp4"):
        (tmp_path / "videos" / name).write_bytes(b"")
    path = _nwb(tmp_path / "f.nwb", external=["videos/a.mp4", "videos/b.mp4"])
    video = find_linked_video(path, ["/processing/behavior/PoseEstimation"])
    assert video.files == (tmp_path / "videos/a.mp4", tmp_path / "videos/b.mp4")
    assert video.starting_frames == (0, 10)
    assert video.timing.timestamps[1] == 0.1
    assert "source_video" in video.found_through


def test_original_videos_then_acquisition_and_a_clear_error(tmp_path):
    (tmp_path / "cam2.mp4").write_bytes(b"")
    path = _nwb(tmp_path / "f.nwb", original="C:\\lab\\cam1.mp4", extra_series=["cam1", "cam2"])
    video = find_linked_video(path, ["/processing/behavior/PoseEstimation"], video_key="cam1")
    assert video.files == (tmp_path / "cam2.mp4",) and video.timing is None
    (tmp_path / "cam2.mp4").unlink()
    with pytest.raises(InvalidSourceFileError, match="looked for") as err:
        find_linked_video(path, ["/processing/behavior/PoseEstimation"], video_key="cam1")
    message = str(err.value)
    assert "original_videos" in message and "cam1.mp4" in message and "--video-path" in message
    assert message.index("cam1.mp4 (named by the ImageSeries") < message.index("cam2.mp4")
    bare = _nwb(tmp_path / "bare.nwb")
    with pytest.raises(InvalidSourceFileError, match="links no video"):
        find_linked_video(bare, ["/processing/behavior/PoseEstimation"])


def test_the_camera_of_the_poses_names_its_video(tmp_path):
    for name in ("cam1.mp4", "top.mp4"):
        (tmp_path / name).write_bytes(b"")
    path = _nwb(tmp_path / "f.nwb", extra_series=["cam1", "top"])
    with h5py.File(path, "a") as f:
        f.create_group("general/devices/TopCamera").attrs["neurodata_type"] = "Device"
        f["acquisition/top/device"] = h5py.SoftLink("/general/devices/TopCamera")
        f["processing/behavior/PoseEstimation/devices"] = h5py.SoftLink("/general/devices/TopCamera")
    # The device wins over an ImageSeries named like the poses' video.
    video = find_linked_video(path, ["/processing/behavior/PoseEstimation"], video_key="cam1")
    assert video.files == (tmp_path / "top.mp4",) and "device" in video.found_through


def write_stored_video_nwb(path, *, n_video_frames: int = 3, n_pose_frames: int = 5):
    """Write poses whose ``source_video`` holds its frames in the file (neuroconv's InternalVideoInterface)."""
    from datetime import UTC, datetime

    from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
    from pynwb import NWBHDF5IO, NWBFile
    from pynwb.image import ImageSeries

    nwbfile = NWBFile("s", "x", datetime(2024, 5, 1, tzinfo=UTC))
    video = ImageSeries(name="cam", data=np.zeros((n_video_frames, 4, 6, 3), dtype="uint8"), unit="n.a.", rate=30.0)
    nwbfile.add_acquisition(video)
    behavior = nwbfile.create_processing_module("behavior", "poses")
    skeleton = Skeleton(name="mouse", nodes=["nose", "tail"])
    behavior.add(Skeletons(skeletons=[skeleton]))
    series = [
        PoseEstimationSeries(
            name=node,
            data=np.full((n_pose_frames, 2), 2.0),
            confidence=np.ones(n_pose_frames),
            unit="pixels",
            reference_frame="top left",
            rate=30.0,
        )
        for node in skeleton.nodes
    ]
    behavior.add(
        PoseEstimation(name="PoseEstimation", pose_estimation_series=series, skeleton=skeleton, source_video=video)
    )
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def test_a_source_video_stored_in_the_file_is_said_so(tmp_path):
    # neuroconv's InternalVideoInterface: plot said the file linked "no source_video", inspect "file: not found".
    from poseconv.exporters.linked_video import stored_source_videos

    path = write_stored_video_nwb(tmp_path / "f.nwb")
    container = "/processing/behavior/PoseEstimation"
    stored = stored_source_videos(path, [container])
    assert stored[container].name == "/acquisition/cam" and stored[container].n_frames == 3
    with pytest.raises(InvalidSourceFileError) as err:
        find_linked_video(path, [container])
    message = str(err.value)
    assert "source_video '/acquisition/cam' (3 frames) is stored in the NWB file" in message, message
    assert "--video-path" in message and "no source_video" not in message
    # A video file given for it keeps the stored series' frame times.
    (tmp_path / "cam.mp4").write_bytes(b"")
    given = find_linked_video(path, [container], override=tmp_path / "cam.mp4")
    assert given.files == (tmp_path / "cam.mp4",) and given.timing.rate == 30.0
