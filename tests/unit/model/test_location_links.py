"""A path through a broken symbolic link is said to be one, not "not found", by every existence check."""

from __future__ import annotations

import os

import pytest

from poseconv.batch.paths import missing_path
from poseconv.errors import InvalidSourceFileError
from poseconv.model.location import broken_link, require_file
from poseconv.readers.safety.input_checks import check_input_file
from tests.fixtures.cli import poseconv_in_process


@pytest.fixture
def links(tmp_path):
    os.symlink(tmp_path / "l2", tmp_path / "l1")
    os.symlink(tmp_path / "l1", tmp_path / "l2")
    os.symlink(tmp_path / "l1", tmp_path / "loop.h5")
    os.symlink(tmp_path / "gone.h5", tmp_path / "dangling.h5")
    os.symlink(tmp_path / "moved", tmp_path / "videos")
    (tmp_path / "there.h5").write_bytes(b"x")
    os.symlink(tmp_path / "there.h5", tmp_path / "good.h5")
    return tmp_path


def test_what_is_wrong_with_each_link(links):
    assert "loops" in broken_link(links / "loop.h5")
    assert f"a symbolic link to {links / 'gone.h5'}, which does not exist" in broken_link(links / "dangling.h5")
    assert broken_link(links / "videos/cam.mp4").startswith(f"is in {links / 'videos'}, a symbolic link to")
    # A link that leads to a file, and a path with no link, are nothing to say.
    assert broken_link(links / "good.h5") is None and broken_link(links / "nothing.h5") is None


@pytest.mark.parametrize(("name", "said"), [("loop.h5", "loops"), ("dangling.h5", "which does not exist")])
def test_every_entry_point_says_the_link_is_broken(links, name, said):
    path = links / name
    with pytest.raises(InvalidSourceFileError, match=said):
        check_input_file(path, suffixes={".h5"}, what="DeepLabCut predictions")
    with pytest.raises(InvalidSourceFileError, match=said):
        require_file(path, "video")
    assert said in missing_path(path, "file")
    result = poseconv_in_process("inspect", path)
    assert result.returncode != 0 and said in result.stderr and "not found" not in result.stderr, result.stderr


def test_a_missing_file_is_still_not_found(tmp_path):
    assert missing_path(tmp_path / "nope.h5", "file") == f"file not found: {tmp_path / 'nope.h5'}"
    assert "file not found" in poseconv_in_process("inspect", tmp_path / "nope.h5").stderr
