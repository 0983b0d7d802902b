"""The append copy of poseconv.output: the file changes only when the whole append succeeded."""

from __future__ import annotations

import pytest

from poseconv.output import OutputError, atomic_append, check_appendable


def test_a_failed_append_leaves_the_file_and_no_copy(tmp_path):
    path = tmp_path / "session.nwb"
    path.write_bytes(b"original")
    with pytest.raises(RuntimeError, match="half way"), atomic_append(path) as copy:
        assert copy.parent == path.parent and copy.read_bytes() == b"original"
        copy.write_bytes(b"original + half")
        raise RuntimeError("half way")
    assert path.read_bytes() == b"original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.nwb"]


def test_a_finished_append_replaces_the_file(tmp_path):
    path = tmp_path / "session.nwb"
    path.write_bytes(b"original")
    with atomic_append(path) as copy:
        copy.write_bytes(b"original + poses")
    assert path.read_bytes() == b"original + poses"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.nwb"]


def test_only_existing_nwb_files_are_appendable(tmp_path):
    with pytest.raises(OutputError, match="not found; --append adds to an existing NWB file"):
        check_appendable(tmp_path / "absent.nwb")
    text = tmp_path / "notes.nwb"
    text.write_text("not hdf5")
    with pytest.raises(OutputError, match="not an HDF5 NWB file"):
        check_appendable(text)
