"""A user instance corrected from the prediction of another track (SLEAP's fix of an identity swap).

poseconv pairs a user instance with the prediction of its own track; where the user gave the correction another
track, the NWB description named the wrong track's container as where the replacing user instance is, silently.
"""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.nwb.layout import replaced_predictions_description
from poseconv.readers.sleap import read_sleap
from poseconv.readers.sleap.slp_index import SleapIoNeeded, SlpIndex, read_slp_index

sio = pytest.importorskip("sleap_io")


def _write(path, *, swap: bool):
    """Tracks f1, f2 predicted in frames 0-3; in frame 2 user instances made from the predictions (swapped or not)."""
    skeleton = sio.Skeleton(nodes=["a", "b"], edges=[("a", "b")])
    video = sio.Video(filename="/nonexistent/v.mp4", open_backend=False)
    f1, f2 = sio.Track("f1"), sio.Track("f2")
    frames = []
    for t in range(4):
        p1 = sio.PredictedInstance.from_numpy(
            np.array([[10.0, 10], [11, 11]]) + t, point_scores=np.full(2, 0.5), score=0.9, skeleton=skeleton, track=f1
        )
        p2 = sio.PredictedInstance.from_numpy(
            np.array([[50.0, 50], [51, 51]]) + t, point_scores=np.full(2, 0.6), score=0.8, skeleton=skeleton, track=f2
        )
        instances = [p1, p2]
        if t == 2:
            u1 = sio.Instance.from_numpy(p1.numpy() + 0.25, skeleton=skeleton, track=f2 if swap else f1)
            u2 = sio.Instance.from_numpy(p2.numpy() + 0.25, skeleton=skeleton, track=f1 if swap else f2)
            u1.from_predicted, u2.from_predicted = p1, p2
            instances += [u1, u2]
        frames.append(sio.LabeledFrame(video=video, frame_idx=t, instances=instances))
    sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[f1, f2]).save(str(path))
    return path


def test_a_swap_fixed_is_read_from_objects_and_warned_of(tmp_path):
    path = _write(tmp_path / "swap.slp", swap=True)
    assert isinstance(read_slp_index(path), SleapIoNeeded)  # one reader says it, once
    with pytest.warns(PoseconvWarning) as caught:
        pose = read_sleap(path)
    said = [str(w.message) for w in caught if "identity swap" in str(w.message)]
    assert len(said) == 2
    assert "a user instance of track 'f2' was corrected from the prediction of track 'f1'" in said[0]
    assert "frame(s) [2]" in said[0] and "links each user instance to the prediction of its own track" in said[0]
    # Pairs by track, as said: f1's pose in frame 2 is its user instance (made from f2's prediction).
    f1 = pose.tracks[0]
    np.testing.assert_array_equal(f1.positions[2], [[52.25, 52.25], [53.25, 53.25]])
    np.testing.assert_array_equal(f1.replaced_predictions.positions[2], [[12.0, 12], [13, 13]])


def test_corrections_of_their_own_track_are_read_from_arrays_without_a_word(tmp_path, recwarn):
    path = _write(tmp_path / "fixed.slp", swap=False)
    assert isinstance(read_slp_index(path), SlpIndex)
    read_sleap(path)
    assert not [w for w in recwarn if "identity swap" in str(w.message)]


def test_the_description_says_the_pairing_is_by_track():
    description = replaced_predictions_description("f1", "PoseEstimation_f1")
    assert "user instance of 'f1' (in 'PoseEstimation_f1') is the track's pose" in description
    assert "pairs a user instance with the prediction of its own track" in description
