"""MultiCameraPoseEstimation read-back (the round trips are in tests/unit/nwb/write/test_multicamera.py)."""

from __future__ import annotations

from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.nwb.read.multicamera import read_multicamera


def test_file_without_multicamera_containers_reads_as_empty(tmp_path):
    path = tmp_path / "empty.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(mock_NWBFile())
    assert read_multicamera(path) == []
