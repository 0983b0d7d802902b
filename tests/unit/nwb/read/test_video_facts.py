"""What a PoseEstimation says of its video: a linked video that will not open is damage, not no video."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.nwb.read.store import damage_named
from poseconv.nwb.read.video_facts import video_facts


def test_a_damaged_source_video_is_damage_not_a_video_left_unsaid(tmp_path):
    # h5py's group.get answers None for a member whose header fails its checksum: read from a URL (not walked in a
    # child first), the video and its frame size and times were read as not recorded.
    path = tmp_path / "v.h5"
    with h5py.File(path, "w", libver="latest") as handle:
        video = handle.create_group("pose/source_video")
        video.attrs["neurodata_type"] = "ImageSeries"
        video["external_file"] = np.array([b"cam.mp4"])
        video["dimension"] = np.array([640, 480])
        address = h5py.h5o.get_info(video.id).addr
    with h5py.File(path, "r") as handle:
        assert video_facts(handle["pose"], path, None, None)["original_video"] == "cam.mp4"
    data = bytearray(path.read_bytes())
    assert data[address : address + 4] == b"OHDR"
    for i in range(address + 20, address + 40):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    damaged = r"^v\.nwb: part of the file cannot be read"
    with h5py.File(path, "r") as handle, pytest.raises(InvalidSourceFileError, match=damaged), damage_named("v.nwb"):
        video_facts(handle["pose"], path, None, None)
