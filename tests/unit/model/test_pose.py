"""PoseData's validating constructor."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.model import ExtraCoords, FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from poseconv.testing.mock import mock_pose_data


def _pose(**track_overrides):
    track = dict(name="a", skeleton="S", video="v", positions=np.zeros((3, 2, 2)), confidence=np.ones((3, 2)))
    track.update(track_overrides)
    return PoseData.from_tracks(
        source_software="X",
        source_file="f.h5",
        skeletons=[Skeleton("S", ("n0", "n1"), ((0, 1),))],
        videos=[VideoInfo("v")],
        tracks=[PoseTrack(**track)],
    )


def test_valid_pose_is_float64():
    pose = _pose(positions=np.zeros((3, 2, 2), dtype="float32"))
    assert pose.tracks[0].positions.dtype == np.float64


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (dict(positions=np.zeros((3, 3, 2))), "positions must be"),
        (dict(positions=np.zeros((3, 2, 4))), "positions must be"),
        (dict(confidence=np.ones((2, 2))), "confidence must be"),
        (dict(skeleton="T"), "unknown skeleton"),
        (dict(video="w"), "unknown video"),
        (dict(extra_coords=(ExtraCoords("z", ("z",), np.ones((3, 2, 1)), nodes=("n1",)),)), r"must be \(3, 1, 1\)"),
        (dict(extra_coords=(ExtraCoords("z", ("z",), np.ones((3, 1, 1)), nodes=("n9",)),)), r"nodes \('n9',\) once"),
        (dict(extra_coords=(ExtraCoords("z", ("z",), np.ones((3, 2, 1)), nodes=("n1", "n1")),)), "once"),
    ],
)
def test_invalid_tracks_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        _pose(**overrides)


def test_skeleton_checks_edges_and_duplicates():
    with pytest.raises(ValueError, match="edge"):
        Skeleton("S", ("a", "b"), ((0, 2),))
    with pytest.raises(ValueError, match="duplicate"):
        Skeleton("S", ("a", "a"))
    # A str was taken as its letters: Skeleton("S", "ab") had the nodes 'a' and 'b'.
    with pytest.raises(ValueError, match=r"'S': nodes must be a list of names, got 'ab'; one node is \[name\]"):
        Skeleton("S", "ab")
    assert Skeleton("S", ["ab"]).nodes == ("ab",)


def test_frame_timing_needs_exactly_one_source():
    with pytest.raises(ValueError, match="exactly one"):
        FrameTiming()
    with pytest.raises(ValueError, match="positive"):
        FrameTiming(rate=0)
    np.testing.assert_allclose(FrameTiming(rate=4.0, starting_time=1.0).times(3), [1.0, 1.25, 1.5])


def test_select_tracks_names_the_available_ones():
    pose = mock_pose_data(n_individuals=3)
    assert pose.select_tracks(["animal2"]).track_names() == ["animal2"]
    with pytest.raises(KeyError, match="available individuals/tracks"):
        pose.select_tracks(["nope"])
    # One name as a str was looked up letter by letter (KeyError: ['a', 'n', ...]).
    assert pose.select_tracks("animal2").track_names() == ["animal2"]


def test_replaced_predictions_are_checked_like_their_track():
    import dataclasses

    from tests.fixtures.sleap import with_replaced_predictions

    pose = with_replaced_predictions(mock_pose_data(n_frames=4))
    track = pose.tracks[0]
    checked = PoseData.from_tracks(
        source_software="SLEAP",
        source_file="x.slp",
        skeletons=pose.skeletons.values(),
        videos=pose.videos.values(),
        tracks=[track],
    )
    assert checked.tracks[0].replaced_predictions.positions.dtype == np.float64
    for wrong, message in (
        (dataclasses.replace(track.replaced_predictions, name="other"), "name, skeleton and video"),
        (
            dataclasses.replace(
                track.replaced_predictions,
                positions=np.zeros((3, 3, 2)),
                confidence=None,
                instance_scores=None,
                tracking_scores=None,
            ),
            "3 frames, not 4",
        ),
        (dataclasses.replace(track.replaced_predictions, replaced_predictions=track.replaced_predictions), "own"),
    ):
        with pytest.raises(ValueError, match=message):
            PoseData.from_tracks(
                source_software="SLEAP",
                source_file="x.slp",
                skeletons=pose.skeletons.values(),
                videos=pose.videos.values(),
                tracks=[dataclasses.replace(track, replaced_predictions=wrong)],
            )


def test_extra_coords_of_some_nodes_keep_those_nodes():
    extra = ExtraCoords("zscore", ("zscore",), np.arange(3.0).reshape(3, 1, 1), nodes=["n1"])
    (track,) = _pose(extra_coords=(extra,)).tracks
    assert track.extra_coords[0].nodes == ("n1",)
    np.testing.assert_array_equal(track.extra_coords[0].values[:, 0, 0], [0.0, 1.0, 2.0])
