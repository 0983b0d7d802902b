"""``poseconv export`` of several videos: one file each, named as the tools name theirs (cli/export.py)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.integration.test_cli import poseconv

sio = pytest.importorskip("sleap_io")


def _two_videos(path):
    """A .slp of predictions on two videos, three frames each."""
    skeleton = sio.Skeleton(["head", "tail"])
    videos = [sio.Video(filename=f"cam{k}.mp4", open_backend=False) for k in (1, 2)]
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=t,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[t, 1.0], [2.0, 3.0]]), point_scores=np.array([0.9, 0.8]), score=0.9, skeleton=skeleton
                )
            ],
        )
        for video in videos
        for t in range(3)
    ]
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=videos), str(path))
    return path


@pytest.mark.parametrize(
    ("to", "name", "written"),
    [
        # SLEAP's endings of two suffixes stay whole: the video goes before them.
        ("sleap-analysis", "session1.analysis.h5", ["session1_cam1.analysis.h5", "session1_cam2.analysis.h5"]),
        ("sleap-analysis", "session1.h5", ["session1_cam1.h5", "session1_cam2.h5"]),
        ("movement", "session1.nc", ["session1_cam1.nc", "session1_cam2.nc"]),
    ],
)
def test_the_files_of_several_videos_keep_the_outputs_ending(tmp_path, to, name, written):
    source = _two_videos(tmp_path / "two.slp")
    out = tmp_path / "out"
    out.mkdir()
    poseconv("export", source, "--to", to, out / name)
    assert sorted(p.name for p in out.iterdir()) == written
