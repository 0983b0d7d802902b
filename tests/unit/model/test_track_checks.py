"""The checks PoseData.from_tracks runs on a track's identities and a skeleton's symmetries."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from poseconv.model import PoseData, Skeleton
from poseconv.testing.mock import mock_pose_data


def _with_identities(identities, names):
    pose = mock_pose_data(n_frames=3)
    track = dataclasses.replace(pose.tracks[0], identities=identities, identity_names=names)
    return PoseData.from_tracks(
        source_software=pose.source_software,
        source_file=pose.source_file,
        skeletons=list(pose.skeletons.values()),
        videos=list(pose.videos.values()),
        tracks=[track],
        timing=pose.timing,
    )


def test_identities_are_int32_indices_into_the_names():
    [track] = _with_identities([0, -1, 1], ["a", "b"]).tracks
    assert track.identities.dtype == np.int32 and track.identity_names == ("a", "b")


@pytest.mark.parametrize("identities", [[0, 2, -1], [-2, 0, 0]])
def test_an_index_past_the_names_is_refused(identities):
    with pytest.raises(ValueError, match="index into its 2 identity_names"):
        _with_identities(identities, ["a", "b"])


def test_symmetries_are_pairs_of_nodes_once_lower_index_first():
    skeleton = Skeleton(name="fly", nodes=("head", "wingL", "wingR"), symmetries=[(2, 1), (1, 2)])
    assert skeleton.symmetries == ((1, 2),)
    with pytest.raises(ValueError, match=r"symmetry \(1, 3\) but only 3 nodes"):
        Skeleton(name="fly", nodes=("head", "wingL", "wingR"), symmetries=[(1, 3)])
