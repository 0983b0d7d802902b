r"""A ``.slp`` of two sessions whose videos have one name (``C:\day1\top.mp4``, ``C:\day2\top.mp4``), one copy beside.

Before, every entry point linked both videos to that copy, without a word: both containers shared its ImageSeries
and camera, so day 2's poses were declared as estimated on day 1's video. Now none is linked (each keeps its
recorded path), a warning says how to choose, and the way it gives links the video chosen. Following that way
(``video_indices=[k]`` with the video's file) is said nothing of, and the error of a missing frame rate gives that
way, not ``video_file_path=`` alone, which a file of two videos refuses. Training labels, whose interface takes no
video, are told to point the file to each video (SLEAP's Replace Videos), which links each. Labels converted with
their poses (``include_training_data``) are said of once, for the videos of poses or training frames left without a
file, with both ways.
"""

from __future__ import annotations

import shutil
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from pynwb import NWBHDF5IO

from poseconv import PoseNWBConverter
from poseconv.batch.runner import run_batch
from poseconv.errors import MetadataError, PoseconvWarning
from poseconv.interfaces import SLEAPPoseInterface, SLEAPSessionPoseInterface
from tests.fixtures.cli import one_session_spec, poseconv_in_process
from tests.fixtures.sleap import SLEAP_REPO, SLP_MIN_SESSION

sio = pytest.importorskip("sleap_io")

VIDEO = SLEAP_REPO / "tests/data/videos/small_robot_3_frame.mp4"
START = "2024-05-01T10:00:00+00:00"
WARNING = "nothing says which one it is, so none is linked"
# The missing-rate error's way for poses of two videos (video_file_path= alone is refused there).
EACH_VIDEO = "or each video with its poses, one at a time: video_indices=[k] and video_file_path="
ALONE = "video_file_path= alone (--video) is for poses of one video."


def _write_same_name(folder: Path, *, user: bool | tuple[int, ...] = False) -> Path:
    """Write ``folder/same_name.slp`` (3 frames of track "mouse" on each of two videos recorded as
    ``C:\\day1\\top.mp4`` and ``C:\\day2\\top.mp4``; predicted, or placed by a user: on every video, or on the
    videos of the indices ``user`` gives) and ``top.mp4`` beside it."""
    folder.mkdir()
    shutil.copy(VIDEO, folder / "top.mp4")
    skeleton, track = sio.Skeleton(["head", "tail"]), sio.Track("mouse")
    videos = [sio.Video(filename=rf"C:\day{day}\top.mp4", open_backend=False) for day in (1, 2)]
    placed = {0, 1} if user is True else set(user or ())

    def instance(points, v):
        if v in placed:
            return sio.Instance.from_numpy(points, skeleton=skeleton, track=track)
        scores = np.array([0.9, 0.8])
        return sio.PredictedInstance.from_numpy(points, skeleton=skeleton, point_scores=scores, score=0.9, track=track)

    frames = [
        sio.LabeledFrame(
            video=video, frame_idx=f, instances=[instance(np.array([[10.0 + 100 * v + f, 20.0], [30.0, 40.0]]), v)]
        )
        for v, video in enumerate(videos)
        for f in range(3)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = sio.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton], tracks=[track])
        sio.save_slp(labels, str(folder / "same_name.slp"))
    return folder / "same_name.slp"


@pytest.fixture
def same_name(tmp_path):
    """``s2/same_name.slp``: 3 predicted frames of track "mouse" on each of two videos recorded as
    ``C:\\day1\\top.mp4`` and ``C:\\day2\\top.mp4``, and ``s2/top.mp4`` (3 frames, 10 Hz) beside it."""
    return _write_same_name(tmp_path / "s2")


def _linked(nwb_path) -> tuple[list[str], list[str]]:
    """The files of the NWB file's external ImageSeries (with / between folders), and its devices."""
    with NWBHDF5IO(nwb_path, "r") as io:
        nwbfile = io.read()
        series = [o for o in nwbfile.acquisition.values() if hasattr(o, "external_file")]
        files = sorted(str(name).replace("\\", "/") for o in series for name in o.external_file[:])
        return files, sorted(nwbfile.devices)


def test_convert_links_neither_video_and_says_how_to_choose(same_name):
    out = same_name.parent / "out.nwb"
    result = poseconv_in_process("convert", same_name, "-o", out, "--session-start-time", START, "--fps", 10)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(WARNING) == 1, result.stderr
    assert "video_indices=[k] and video_file_path=" in result.stderr
    # Before: one ImageSeries "Video top" of s2/top.mp4 and one camera for both videos.
    assert _linked(out) == ([], ["Video top Camera Device", "Video top_2 Camera Device"])


def test_convert_of_training_labels_says_a_way_they_take_and_it_links_each_video(tmp_path):
    labels = _write_same_name(tmp_path / "labels", user=True)
    out = labels.parent / "out.nwb"
    args = ("--source", "sleap-labels", "-o", out, "--overwrite", "--session-start-time", START)
    result = poseconv_in_process("convert", labels, *args)
    assert result.returncode == 0, result.stderr
    (said,) = [line for line in result.stderr.splitlines() if WARNING in line]
    # Before: "video_indices=[k] and video_file_path=", which SLEAPTrainingDataInterface refuses.
    assert "video_indices=[k]" not in said and "File > Replace Videos" in said, said
    refused = poseconv_in_process(
        "convert", labels, *args, "-O", "video_indices=[1]", "--video", labels.parent / "top.mp4"
    )
    assert refused.returncode != 0 and "takes no video_indices" in refused.stderr
    # The way given, followed: each video beside the file under a name of its own, the file pointed to it.
    copies = [shutil.copy(VIDEO, labels.parent / f"top_day{day}.mp4") for day in (1, 2)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fixed = sio.load_slp(str(labels), open_videos=False)
        fixed.replace_filenames(new_filenames=copies, open_videos=False)
        fixed.save(str(labels))
    result = poseconv_in_process("convert", labels, *args)
    assert result.returncode == 0 and "not where the file records" not in result.stderr, result.stderr
    assert _linked(out)[0] == ["top_day1.mp4", "top_day2.mp4"]


def test_convert_of_one_video_with_its_file_links_that_file(same_name):
    out = same_name.parent / "out.nwb"
    video = same_name.parent / "top.mp4"
    args = ("-O", "video_indices=[1]", "--video", video, "--session-start-time", START)
    result = poseconv_in_process("convert", same_name, "-o", out, *args)
    assert result.returncode == 0, result.stderr
    assert _linked(out) == (["top.mp4"], ["Video top_2 Camera Device"])
    # The warning's advice, followed: before, the warning came all the same.
    assert "not where the file records" not in result.stderr, result.stderr


def test_convert_of_one_video_without_its_file_still_says_why(same_name):
    out = same_name.parent / "out.nwb"
    args = ("-O", "video_indices=[1]", "--fps", 10, "--session-start-time", START)
    result = poseconv_in_process("convert", same_name, "-o", out, *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(WARNING) == 1, result.stderr


def test_convert_without_a_rate_says_how_to_give_each_video(same_name):
    result = poseconv_in_process(
        "convert", same_name, "-o", same_name.parent / "out.nwb", "--session-start-time", START
    )
    assert result.returncode != 0
    (error,) = [line for line in result.stderr.splitlines() if "error:" in line]
    # Before: "or the video with video_file_path= (--video)", which this file of two videos refuses.
    assert "no frame rate is recorded" in error and EACH_VIDEO in error and error.endswith(ALONE), error
    # One video chosen: --video gives it.
    one = ("-O", "video_indices=[1]", "--session-start-time", START)
    result = poseconv_in_process("convert", same_name, "-o", same_name.parent / "one.nwb", *one)
    assert "or the video with video_file_path= (--video)." in result.stderr and EACH_VIDEO not in result.stderr


def _run_one(tmp_path, pose: str):
    """Run a spec of one session with the pose entry ``pose``; return that session's result, converted."""
    report = run_batch(one_session_spec(tmp_path, pose, start=f"'{START}'"), jobs=1)
    assert report.ok, report.to_dict()
    (session,) = report.sessions
    return session


def test_run_links_neither_video(same_name, tmp_path):
    session = _run_one(tmp_path, f"{{file_path: '{same_name}', sampling_frequency: 10}}")
    assert any(WARNING in w for w in session.warnings), session.warnings
    assert _linked(tmp_path / "nwb" / "s1.nwb") == ([], ["Video top Camera Device", "Video top_2 Camera Device"])


def test_run_of_one_video_with_its_file_links_it_without_a_warning(same_name, tmp_path):
    video = same_name.parent / "top.mp4"
    pose = f"{{file_path: '{same_name}', source_data: {{video_indices: [1]}}, video_file_path: '{video}'}}"
    session = _run_one(tmp_path, pose)
    assert not any("not where the file records" in w for w in session.warnings), session.warnings
    # Linked relative to the NWB file, in nwb/.
    assert _linked(tmp_path / "nwb" / "s1.nwb") == (["../s2/top.mp4"], ["Video top_2 Camera Device"])


def test_run_without_a_rate_says_how_to_give_each_video(same_name, tmp_path):
    report = run_batch(one_session_spec(tmp_path, f"{{file_path: '{same_name}'}}", start=f"'{START}'"), jobs=1)
    assert not report.ok
    said = str(report.to_dict())
    assert "no frame rate is recorded" in said and EACH_VIDEO in said and ALONE in said, said


def test_pose_converter_links_neither_video(same_name, tmp_path):
    class Converter(PoseNWBConverter):
        data_interface_classes = {"SLEAPPose": SLEAPPoseInterface}

    with pytest.warns(PoseconvWarning, match=WARNING):
        converter = Converter({"SLEAPPose": {"file_path": str(same_name), "sampling_frequency": 10.0}})
    assert [info.path for info in converter.data_interface_objects["SLEAPPose"].pose.videos.values()] == [None, None]
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        converter.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    assert _linked(tmp_path / "out.nwb") == ([], ["Video top Camera Device", "Video top_2 Camera Device"])


def test_pose_interface_of_one_video_with_its_file_says_nothing_of_the_other(same_name):
    video = same_name.parent / "top.mp4"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        interface = SLEAPPoseInterface(file_path=same_name, video_indices=[1], video_file_path=video)
    assert not [w for w in caught if "not where the file records" in str(w.message)]
    assert interface.pose.videos["top_2"].path == video
    with pytest.warns(PoseconvWarning, match=WARNING):
        SLEAPPoseInterface(file_path=same_name, video_indices=[1], sampling_frequency=10.0)


def test_pose_interface_without_a_rate_says_how_to_give_each_video(same_name):
    with pytest.warns(PoseconvWarning, match=WARNING):
        interface = SLEAPPoseInterface(file_path=same_name)
    with pytest.raises(MetadataError, match="no frame rate is recorded") as raised:
        interface.get_original_timestamps()
    assert EACH_VIDEO in str(raised.value) and str(raised.value).endswith(ALONE)


@pytest.fixture
def session_of_one_name(tmp_path):
    """The 8-camera minimal session, each camera's video recorded as ``D:\\rig\\cam<i>\\video.mp4``, and one
    ``video.mp4`` (bytes, never opened) beside it: the camera videos' names are the same."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = sio.load_slp(str(SLP_MIN_SESSION), open_videos=False)
        originals = [Path(video.filename).name for video in labels.videos]
        names = [rf"D:\rig\cam{i}\video.mp4" for i in range(len(labels.videos))]
        labels.replace_filenames(new_filenames=names, open_videos=False)
        labels.save(str(tmp_path / "session.slp"))
        cameras = {str(camera.name): labels.sessions[0].get_video(camera) for camera in labels.sessions[0].cameras}
        by_camera = {name: originals[labels.videos.index(video)] for name, video in cameras.items()}
    (tmp_path / "video.mp4").write_bytes(b"a video")
    return tmp_path / "session.slp", {name: VIDEO.parent / file for name, file in by_camera.items()}


def test_session_interface_says_it_of_the_cameras_given_no_video(session_of_one_name):
    slp, videos = session_of_one_name

    def said(**options) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            SLEAPSessionPoseInterface(file_path=slp, sampling_frequency=10.0, **options)
        return [str(w.message) for w in caught if WARNING in str(w.message)]

    assert len(said()) == 1
    first = dict(list(videos.items())[:1])
    assert len(said(video_file_paths=first)) == 1
    # Every camera given its video, as the warning says: before, it was said all the same.
    assert said(video_file_paths=videos) == []


# The way out of labels converted with their poses: the poses' one video at a time, or the file pointed to each.
WITH_POSES = "(the training frames of that video take it too); or, for every video's poses and training frames"
# The way out of labels converted alone, which is not true of labels converted with their poses.
ALONE_LABELS = "Training labels take no video_file_path"


def _unlinked(**source_data) -> list[str]:
    """The warnings a SLEAPPoseInterface of ``source_data`` gives that videos are not linked to the file beside."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SLEAPPoseInterface(include_training_data=True, **source_data)
    return [str(w.message) for w in caught if "not where the file records" in str(w.message)]


def test_pose_interface_with_training_data_says_it_once_for_poses_and_labels(tmp_path):
    labels = _write_same_name(tmp_path / "labels", user=True)
    # Before: twice, the poses' way and the labels' ("Training labels take no video_file_path").
    for options in ({}, {"video_indices": [1]}):
        (said,) = _unlinked(file_path=labels, sampling_frequency=10.0, **options)
        assert WARNING in said and WITH_POSES in said and "File > Replace Videos" in said, said
        assert ALONE_LABELS not in said, said
    # Video 1 with its file: its poses and training frames take it; video 0's training frames have none.
    (said,) = _unlinked(file_path=labels, video_indices=[1], video_file_path=labels.parent / "top.mp4")
    # Before: "Training labels take no video_file_path (--video) nor video_indices", given both.
    assert WITH_POSES in said and ALONE_LABELS not in said, said


def test_pose_interface_with_training_data_of_the_video_given_says_nothing(tmp_path):
    # Training frames on video 1 only: given its file, no video converted is left without one.
    labels = _write_same_name(tmp_path / "labels", user=(1,))
    # Before: the labels' warning, of both videos.
    assert _unlinked(file_path=labels, video_indices=[1], video_file_path=labels.parent / "top.mp4") == []
    (said,) = _unlinked(file_path=labels, video_indices=[0], video_file_path=labels.parent / "top.mp4")
    assert WITH_POSES in said, said


def test_convert_with_training_data_of_the_video_given_links_it_without_a_warning(tmp_path):
    labels = _write_same_name(tmp_path / "labels", user=(1,))
    out = labels.parent / "out.nwb"
    args = ("--source", "sleap", "--training", "-o", out, "--session-start-time", START)
    result = poseconv_in_process(
        "convert", labels, *args, "-O", "video_indices=[1]", "--video", labels.parent / "top.mp4"
    )
    assert result.returncode == 0, result.stderr
    # Before: "Training labels take no video_file_path (--video) nor video_indices", which this command gave.
    assert "not where the file records" not in result.stderr, result.stderr
    assert _linked(out) == (["top.mp4"], ["Video top_2 Camera Device"])
    result = poseconv_in_process("convert", labels, *args, "--overwrite", "--fps", 10)
    assert result.returncode == 0, result.stderr
    # Before: twice (the poses' warning and the labels').
    assert result.stderr.count(WARNING) == 1 and WITH_POSES in result.stderr, result.stderr


def test_run_with_training_data_of_the_video_given_links_it_without_a_warning(tmp_path):
    labels = _write_same_name(tmp_path / "labels", user=(1,))
    video = labels.parent / "top.mp4"
    source_data = "{video_indices: [1], include_training_data: true}"
    pose = f"{{file_path: '{labels}', source_data: {source_data}, video_file_path: '{video}'}}"
    session = _run_one(tmp_path, pose)
    assert not any("not where the file records" in w for w in session.warnings), session.warnings
    assert _linked(tmp_path / "nwb" / "s1.nwb") == (["../labels/top.mp4"], ["Video top_2 Camera Device"])
