"""poseconv.nwb.write.storage: the order HDF5 keeps of a group's members; backend names."""

from __future__ import annotations

import h5py
import pytest

from poseconv.errors import InvalidOptionError
from poseconv.nwb.write.storage import backend_name, creation_order, get_pose_backend_configuration


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


def test_backend_names_are_taken_in_any_case_and_others_refused():
    assert backend_name("HDF5") == "hdf5"
    assert backend_name("Zarr") == "zarr"
    assert backend_name(None) is None
    with pytest.raises(InvalidOptionError, match=r"--backend='zip': give one of hdf5, zarr"):
        backend_name("zip", name="--backend")


def test_get_pose_backend_configuration_takes_a_name_in_capitals():
    # It looked BACKEND_CONFIGURATIONS up with the name as given: a bare KeyError: 'Zarr'.
    from datetime import UTC, datetime

    from pynwb import NWBFile

    nwbfile = NWBFile(session_description="s", identifier="i", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    assert get_pose_backend_configuration(nwbfile, backend="Zarr").backend == "zarr"
    with pytest.raises(InvalidOptionError, match="give one of hdf5, zarr"):
        get_pose_backend_configuration(nwbfile, backend="zip")
