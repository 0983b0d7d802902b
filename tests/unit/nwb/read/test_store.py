"""The group and dataset questions of poseconv.nwb.read.store answer alike on h5py and zarr objects."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import zarr
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import InvalidSourceFileError
from poseconv.nwb.read.store import (
    child_groups,
    is_dataset,
    is_group,
    neurodata_type,
    open_nwbfile_object,
    open_store,
    text,
    texts,
)


def _fill(root):
    group = root.create_group("pose")
    group.attrs["neurodata_type"] = "PoseEstimation"
    series = group.create_group("nose")
    series.attrs["neurodata_type"] = "PoseEstimationSeries"
    group.create_dataset("nodes", data=np.array([b"nose", b"tail"]))
    group.create_dataset("scorer", data=np.array(b"DLC"))
    return root


@pytest.fixture(params=["h5py", "zarr"])
def root(request, tmp_path):
    if request.param == "h5py":
        with h5py.File(tmp_path / "x.h5", "w") as handle:
            yield _fill(handle)
    else:
        yield _fill(zarr.group())


def test_the_same_answers_on_h5py_and_zarr(root):
    group = root["pose"]
    assert is_group(group) and not is_dataset(group)
    assert is_dataset(group["nodes"]) and not is_group(group["nodes"])
    assert not is_dataset(np.zeros(2))
    assert neurodata_type(group) == "PoseEstimation"
    assert list(child_groups(group, "PoseEstimationSeries")) == ["nose"]
    assert texts(group["nodes"]) == ["nose", "tail"]
    assert text(group["scorer"]) == "DLC"


def test_open_store_refuses_what_is_not_an_hdf5_file(tmp_path):
    with pytest.raises(InvalidSourceFileError, match="file not found"):
        open_store(tmp_path / "missing.nwb")
    with pytest.raises(InvalidSourceFileError, match="is a directory"):
        open_store(tmp_path)
    (tmp_path / "x.nwb").write_text("not hdf5")
    with pytest.raises(InvalidSourceFileError, match="not an HDF5 NWB file"):
        open_store(tmp_path / "x.nwb")


def test_an_in_memory_file_is_read_as_stored_and_stays_writable(tmp_path):
    from pynwb import NWBHDF5IO

    nwbfile = mock_NWBFile()
    with open_nwbfile_object(nwbfile) as (root, path):
        assert path is None
        assert "general" in root
    with NWBHDF5IO(tmp_path / "after.nwb", "w") as io:
        io.write(nwbfile)
    with NWBHDF5IO(tmp_path / "after.nwb", "r") as io, open_nwbfile_object(io.read()) as (root, path):
        assert path == tmp_path / "after.nwb"
        assert "general" in root
