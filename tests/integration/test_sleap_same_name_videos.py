r"""A ``.slp`` of two sessions whose videos have one name (``C:\day1\top.mp4``, ``C:\day2\top.mp4``), one copy beside.

Before, every entry point linked both videos to that copy, without a word: both containers shared its ImageSeries
and camera, so day 2's poses were declared as estimated on day 1's video. Now none is linked (each keeps its
recorded path), a warning says how to choose, and the way it gives links the video chosen.
"""

from __future__ import annotations

import shutil
import warnings
from datetime import UTC, datetime

import numpy as np
import pytest
from pynwb import NWBHDF5IO

from poseconv import PoseNWBConverter
from poseconv.batch.runner import run_batch
from poseconv.errors import PoseconvWarning
from poseconv.interfaces import SLEAPPoseInterface
from tests.fixtures.cli import one_session_spec, poseconv_in_process
from tests.fixtures.sleap import SLEAP_REPO

sio = pytest.importorskip("sleap_io")

VIDEO = SLEAP_REPO / "tests/data/videos/small_robot_3_frame.mp4"
START = "2024-05-01T10:00:00+00:00"
WARNING = "nothing says which one it is, so none is linked"


@pytest.fixture
def same_name(tmp_path):
    """``s2/same_name.slp``: 3 predicted frames of track "mouse" on each of two videos recorded as
    ``C:\\day1\\top.mp4`` and ``C:\\day2\\top.mp4``, and ``s2/top.mp4`` (3 frames, 10 Hz) beside it."""
    folder = tmp_path / "s2"
    folder.mkdir()
    shutil.copy(VIDEO, folder / "top.mp4")
    skeleton, track = sio.Skeleton(["head", "tail"]), sio.Track("mouse")
    videos = [sio.Video(filename=rf"C:\day{day}\top.mp4", open_backend=False) for day in (1, 2)]
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[10.0 + 100 * v + f, 20.0], [30.0, 40.0]]),
                    skeleton=skeleton,
                    point_scores=np.array([0.9, 0.8]),
                    score=0.9,
                    track=track,
                )
            ],
        )
        for v, video in enumerate(videos)
        for f in range(3)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = sio.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton], tracks=[track])
        sio.save_slp(labels, str(folder / "same_name.slp"))
    return folder / "same_name.slp"


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


def test_convert_of_one_video_with_its_file_links_that_file(same_name):
    out = same_name.parent / "out.nwb"
    video = same_name.parent / "top.mp4"
    args = ("-O", "video_indices=[1]", "--video", video, "--session-start-time", START)
    result = poseconv_in_process("convert", same_name, "-o", out, *args)
    assert result.returncode == 0, result.stderr
    assert _linked(out) == (["top.mp4"], ["Video top_2 Camera Device"])


def test_run_links_neither_video(same_name, tmp_path):
    spec = one_session_spec(tmp_path, f"{{file_path: '{same_name}', sampling_frequency: 10}}", start=f"'{START}'")
    report = run_batch(spec, jobs=1)
    assert report.ok, report.to_dict()
    (session,) = report.sessions
    assert any(WARNING in w for w in session.warnings), session.warnings
    assert _linked(tmp_path / "nwb" / "s1.nwb") == ([], ["Video top Camera Device", "Video top_2 Camera Device"])


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
