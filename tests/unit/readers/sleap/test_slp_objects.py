"""The ``.slp`` read from sleap-io's objects: instances named only by their ``Identity`` (sleap-io re-ID, SLP 2.5).

An untracked instance joins the track its identity names; where the frame already holds an instance of that
track (same kind and skeleton), it used to be moved anyway and the two resolved by their order in the frame, so
the tracked instance could be replaced by the identity's, with a warning blaming a repeated instance.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from poseconv.readers.sleap import read_sleap

sio = pytest.importorskip("sleap_io")

TRACKED, IDENTIFIED = np.array([[1.0, 1.0], [2.0, 2.0]]), np.array([[50.0, 50.0], [60.0, 60.0]])


def _write(path, *, identity_first: bool, identity_user: bool = False):
    """Frame 0: a prediction of track 'A' and an untracked instance of identity 'A'; frame 1: the latter alone."""
    skeleton = sio.Skeleton(nodes=["a", "b"], edges=[("a", "b")], name="s")
    video = sio.Video(filename="/nonexistent/x.mp4", open_backend=False)
    track, identity = sio.Track("A"), sio.Identity("A")

    def identified():
        if identity_user:
            return sio.Instance.from_numpy(IDENTIFIED, skeleton=skeleton, identity=identity)
        return sio.PredictedInstance.from_numpy(
            IDENTIFIED, point_scores=np.full(2, 0.5), score=0.5, skeleton=skeleton, identity=identity
        )

    tracked = sio.PredictedInstance.from_numpy(
        TRACKED, point_scores=np.full(2, 0.9), score=0.9, skeleton=skeleton, track=track, tracking_score=0.9
    )
    first = [identified(), tracked] if identity_first else [tracked, identified()]
    frames = [
        sio.LabeledFrame(video=video, frame_idx=0, instances=first),
        sio.LabeledFrame(video=video, frame_idx=1, instances=[identified()]),
    ]
    labels = sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[track])
    labels.identities = [identity]
    sio.save_slp(labels, str(path))
    return path


@pytest.mark.parametrize("identity_first", [False, True])
def test_an_instance_with_its_own_track_keeps_it_against_an_identity_naming_that_track(tmp_path, identity_first):
    path = _write(tmp_path / "reid.slp", identity_first=identity_first)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_sleap(path)
    tracks = {track.name: track for track in pose.tracks}
    assert list(tracks) == ["A", "untracked"]
    # Track 'A' holds its tracked instance in frame 0, whatever the order; the identity's own frame 1 joins it.
    np.testing.assert_array_equal(tracks["A"].positions[:, 0], [TRACKED[0], IDENTIFIED[0]])
    np.testing.assert_array_equal(tracks["untracked"].positions[0, 0], IDENTIFIED[0])
    assert np.isnan(tracks["untracked"].positions[1]).all()
    said = [str(w.message) for w in caught]
    assert not any("as in SLEAP's analysis export" in text for text in said), said
    clash = [text for text in said if "already has an instance of" in text]
    assert len(clash) == 1 and clash[0].startswith(f"{path}: ") and "track 'A' in 1 frame(s) (first 0)" in clash[0]


def test_an_identity_of_another_kind_still_joins_the_track(tmp_path):
    # A user instance named 'A' beside a prediction of 'A': the user instance is the track's, as before.
    pose = read_sleap(_write(tmp_path / "reid.slp", identity_first=False, identity_user=True))
    assert [track.name for track in pose.tracks] == ["A"]
    track = pose.tracks[0]
    np.testing.assert_array_equal(track.positions[:, 0], [IDENTIFIED[0], IDENTIFIED[0]])
    np.testing.assert_array_equal(track.replaced_predictions.positions[0, 0], TRACKED[0])
