"""SLEAP exports record the video's shape and grayscale as the source did, read back with sleap-io.

What the NWB file knows of each video (its frame count and size, from the ``ImageSeries``, the size the
tool recorded of a video the writing machine did not have, or the video file when it is here) goes into
the exported ``.slp``'s and analysis file's video metadata, so SLEAP knows the video without opening it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sleap_io as sio

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.video import write_video

START = "2024-05-03T11:26:42+02:00"
pytestmark = pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")


def poseconv(*args: object) -> None:
    """Run the CLI (in this process)."""
    result = poseconv_in_process(*args)
    assert result.returncode == 0, f"rc={result.returncode}\n{result.stdout}\n{result.stderr}"


def _labels(videos: list[sio.Video], frames: int, step: int = 2) -> sio.Labels:
    """Predictions of a 3-node skeleton on the first ``frames`` frames of each video, every ``step``-th frame."""
    rng = np.random.default_rng(0)
    skeleton = sio.Skeleton(["head", "thorax", "tail"], edges=[("head", "thorax"), ("thorax", "tail")], name="fly")
    labeled = [
        sio.LabeledFrame(
            video=video,
            frame_idx=frame,
            instances=[
                sio.PredictedInstance.from_numpy(
                    rng.uniform(0, 40, (3, 2)), skeleton=skeleton, point_scores=rng.uniform(0, 1, 3), score=0.9
                )
            ],
        )
        for video in videos
        for frame in range(0, frames, step)
    ]
    return sio.Labels(labeled, videos=videos, skeletons=[skeleton])


def _exports(nwb: Path, folder: Path) -> tuple[list[sio.Video], list[sio.Video]]:
    """Export ``nwb`` to .slp and to SLEAP analysis files; return their videos, read without opening them."""
    poseconv("export", nwb, "--to", "slp", folder / "back.slp")
    poseconv("export", nwb, "--to", "sleap-analysis", folder / "back.analysis.h5")
    slp = sio.load_slp(str(folder / "back.slp"), open_videos=False).videos
    analyses = sorted(folder.glob("back*.analysis.h5"))
    return slp, [sio.load_analysis_h5(str(path)).videos[0] for path in analyses]


def test_a_video_not_here_keeps_the_frame_count_and_size_the_source_recorded(tmp_path):
    # Before, the size was said only in the NWB file's description: the exports recorded the rate alone.
    videos = [
        sio.Video(filename=str(tmp_path / "gone" / name), backend_metadata={"shape": shape}, open_backend=False)
        for name, shape in (("a.mp4", [20, 100, 120, 1]), ("b.mp4", [7, 50, 60, 3]))
    ]
    _labels(videos, 7).save(str(tmp_path / "source.slp"))
    source = sio.load_slp(str(tmp_path / "source.slp"), open_videos=False)
    nwb = tmp_path / "converted.nwb"
    poseconv("convert", tmp_path / "source.slp", "-o", nwb, "--fps", "30", "--session-start-time", START)
    slp, analyses = _exports(nwb, tmp_path)
    for expected, got in zip(source.videos, slp, strict=True):
        # NWB records no colour channels: a video not here gets SLEAP's default, 3.
        assert tuple(got.shape[:3]) == tuple(expected.shape[:3])
    assert tuple(slp[1].shape) == tuple(source.videos[1].shape)
    assert [tuple(video.shape[:3]) for video in analyses] == [(20, 100, 120), (7, 50, 60)]


def test_a_video_here_keeps_its_shape_and_grayscale(tmp_path):
    # Before, a gray video stored as colour (yuv420p) was recorded with 3 channels, and no grayscale flag.
    video = sio.load_video(str(write_video(tmp_path / "gray.mp4", n_frames=20)))
    source = _labels([video], 10)
    expected = (tuple(video.shape), video.grayscale)
    assert expected == ((20, 48, 64, 1), True)
    source.save(str(tmp_path / "source.slp"))
    nwb = tmp_path / "converted.nwb"
    poseconv("convert", tmp_path / "source.slp", "-o", nwb, "--session-start-time", START)
    slp, analyses = _exports(nwb, tmp_path)
    assert [(tuple(v.shape), v.grayscale) for v in slp + analyses] == [expected, expected]


def test_an_nwb_file_of_sleap_io_keeps_the_shape_of_its_video_here(tmp_path):
    # Before, sleap-io's NWB file, which records no frame size, gave an export with no shape though the video is here.
    video = sio.load_video(str(write_video(tmp_path / "gray.mp4", n_frames=20)))
    labels = _labels([video], 10, step=1)  # sleap-io 0.9.5's save_nwb fails on frames without instances
    nwb = tmp_path / "sleap_io.nwb"
    sio.save_nwb(labels, str(nwb))
    slp, analyses = _exports(nwb, tmp_path)
    assert [(tuple(v.shape), v.grayscale) for v in slp + analyses] == [((20, 48, 64, 1), True)] * 2
