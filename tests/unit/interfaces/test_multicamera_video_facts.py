"""Multi-camera sessions take from each camera's video what one camera's poses take: its frame size too."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from pynwb import NWBFile

from poseconv.interfaces import LightningPoseMultiViewInterface
from poseconv.model import PoseData, PoseTrack, Skeleton, VideoInfo
from poseconv.pose_source import fit_to_video
from poseconv.video import VideoProbe, probe_video
from tests.fixtures.lightningpose import LP_VIDEO, LP_VIEWS, write_lp_multiview_session

pytestmark = pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")


def _pose(n_frames: int = 5) -> PoseData:
    track = PoseTrack(name="m", skeleton="s", video="cam", positions=np.zeros((n_frames, 1, 2)))
    return PoseData(
        source_software="test",
        source_file="p.csv",
        skeletons={"s": Skeleton(name="s", nodes=("a",))},
        videos={"cam": VideoInfo(key="cam")},
        timing={},
        tracks=[track],
    )


def test_the_video_s_file_size_and_rate_are_the_probe_s_where_the_poses_record_none(tmp_path):
    probe = VideoProbe(
        path=tmp_path / "cam.mp4", n_frames=5, frame_size=(480, 640), timestamps=np.arange(5) / 30, constant_rate=30.0
    )
    info = fit_to_video(_pose(), "cam", probe).videos["cam"]
    assert (info.path, info.n_frames, info.frame_size, info.fps) == (probe.path, 5, (480, 640), 30.0)
    # What the pose file records stays its own.
    recorded = _pose()
    recorded.videos["cam"] = VideoInfo(key="cam", frame_size=(100, 200), fps=25.0)
    info = fit_to_video(recorded, "cam", probe).videos["cam"]
    assert (info.frame_size, info.fps) == ((100, 200), 25.0)


@pytest.mark.parametrize("given", [False, True], ids=["found beside the views", "video_file_paths"])
def test_every_view_s_video_is_written_with_its_frame_size(tmp_path, given):
    # Lightning Pose multi-view wrote 'Video <view>' without a dimension, single-view LP with one.
    files = write_lp_multiview_session(tmp_path / "model", with_metrics=False)
    videos = {view: files[view].with_suffix(".mp4") for view in LP_VIEWS} if given else None
    interface = LightningPoseMultiViewInterface(file_path=files["top"], video_file_paths=videos)
    nwbfile = NWBFile("s", "i", dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    interface.add_to_nwbfile(nwbfile, interface.get_metadata(), stub_test=True)
    height, width = probe_video(LP_VIDEO).frame_size
    written = {name: list(series.dimension) for name, series in nwbfile.acquisition.items()}
    assert written == {name: [width, height] for name in written} and len(written) == len(LP_VIEWS)
    for view in interface.session.views.values():
        assert {info.frame_size for info in view.videos.values()} == {(height, width)}
