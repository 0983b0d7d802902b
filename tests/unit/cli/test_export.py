"""``poseconv export`` of several videos: one file each, named as the tools name theirs (cli/export.py)."""

from __future__ import annotations

import pytest

from tests.fixtures.sleap import write_two_video_predictions
from tests.integration.test_cli import poseconv

sio = pytest.importorskip("sleap_io")

START = "2024-05-01T10:30:00+02:00"


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
    source = write_two_video_predictions(tmp_path / "two.slp")
    out = tmp_path / "out"
    out.mkdir()
    poseconv("export", source, "--to", to, out / name)
    assert sorted(p.name for p in out.iterdir()) == written


def test_a_3d_session_to_slp_says_its_3d_poses_are_not_written(tmp_path, generated_dlc_3d_session):
    # A .slp session holds the cameras and their 2D poses: the triangulated points were left out without a word,
    # while --to sleap-analysis and --to slp --container said so.
    nwb = tmp_path / "s.nwb"
    poseconv("convert", generated_dlc_3d_session["path"], "--fps", 30, "-o", nwb, "--session-start-time", START)
    result = poseconv("export", nwb, "--to", "slp", tmp_path / "o.slp")
    assert "3D poses (mouse1, mouse2) are not written: --to slp holds 2D poses" in result.stderr, result.stderr
    assert (tmp_path / "o.slp").exists()
