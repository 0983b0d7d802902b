"""Reading back the SLEAP identities written beside a PoseEstimation (poseconv.nwb.write.scores)."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.nwb.read.scores import read_instance_series


def _module(path, comments, data):
    handle = h5py.File(path, "w")
    series = handle.create_group("behavior/PoseEstimation_identity")
    series.create_dataset("data", data=np.asarray(data, dtype="int32"))
    series.attrs["comments"] = comments
    return handle


def test_the_names_come_from_the_comments_and_frames_past_the_data_have_none(tmp_path):
    comments = 'Frame times: fps. Identity names by index (JSON): ["mouse \\"A\\"", "B"]'
    with _module(tmp_path / "x.h5", comments, [1, 0, -1]) as handle:
        found = read_instance_series(handle["behavior"], "PoseEstimation", 4)
    assert found["identity_names"] == ('mouse "A"', "B")
    assert found["identities"].tolist() == [1, 0, -1, -1] and found["identities"].dtype == np.int32


@pytest.mark.parametrize(
    ("comments", "data"),
    [
        ("Frame times: fps.", [0]),
        ('Identity names by index (JSON): ["A"', [0]),
        ('Identity names by index (JSON): ["A"]', [1]),
    ],
    ids=["no-names", "bad-json", "index-past-names"],
)
def test_identities_without_their_names_are_refused(tmp_path, comments, data):
    with (
        _module(tmp_path / "x.h5", comments, data) as handle,
        pytest.raises(InvalidSourceFileError, match="PoseEstimation_identity: the SLEAP identities"),
    ):
        read_instance_series(handle["behavior"], "PoseEstimation", 1)
