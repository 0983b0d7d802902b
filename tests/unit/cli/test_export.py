"""``poseconv export`` of several videos: one file each, named as the tools name theirs (cli/export.py)."""

from __future__ import annotations

import pytest

from tests.fixtures.sleap import write_two_video_predictions
from tests.integration.test_cli import poseconv

sio = pytest.importorskip("sleap_io")


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
