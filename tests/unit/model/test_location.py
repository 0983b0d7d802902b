"""Where a file was read from, and whether its content is here (poseconv.model.location)."""

from __future__ import annotations

from poseconv.model.location import content_not_here


def test_small_files_that_are_no_placeholder_are_left_to_the_readers(tmp_path):
    (tmp_path / "tiny.csv").write_text("scorer,a\nbodyparts,b\n")
    (tmp_path / "elsewhere.slp").symlink_to(tmp_path / "missing.slp")
    assert content_not_here(tmp_path / "tiny.csv") is None
    assert content_not_here(tmp_path / "elsewhere.slp") is None
