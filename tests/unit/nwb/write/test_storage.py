"""poseconv.nwb.write.storage: the order HDF5 keeps of a group's members."""

from __future__ import annotations

import h5py
import pytest

from poseconv.nwb.write.storage import creation_order


def test_groups_made_in_the_block_list_their_members_as_written(tmp_path):
    with creation_order(), h5py.File(tmp_path / "f.h5", "w") as handle:
        group = handle.create_group("pose")
        for name in ("snout", "leftear", "tailbase"):
            group.create_group(name)
    with h5py.File(tmp_path / "f.h5", "r") as handle:
        assert list(handle["pose"]) == ["snout", "leftear", "tailbase"]


def test_h5py_s_default_is_restored_even_when_the_block_fails():
    before = h5py.get_config().track_order
    with pytest.raises(RuntimeError), creation_order():
        assert h5py.get_config().track_order is True
        raise RuntimeError("write failed")
    assert h5py.get_config().track_order == before
