"""A user instance corrected from a prediction across tracking: given a track from an untracked one, or not.

Such a pose was in two containers, its track's and the untracked one, in those frames, without a word (a
swap between two tracks is said). SLEAP's ``from_predicted`` says the user instance is the animal of that
prediction: an untracked prediction corrected into track A's user instance is A's replaced prediction; a
user instance left without a track, made from A's prediction, cannot be put in A, and is said.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.readers.sleap import read_sleap

sio = pytest.importorskip("sleap_io")

CORRECTED = (2, 4)


def write_corrections(path, *, user_tracked: bool):
    """Predictions on 6 frames, user instances corrected from them in frames 2 and 4.

    ``user_tracked``: untracked predictions, user instances of track A; else predictions of A, untracked user
    instances. Prediction of frame f at 10 * f, its correction at 10 * f + 5.
    """
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename=str(path.parent / "vid.mp4"), open_backend=False)
    a = sio.Track("A")
    frames = []
    for f in range(6):
        predicted = sio.PredictedInstance.from_numpy(
            np.full((2, 2), 10.0 * f),
            point_scores=np.ones(2),
            score=0.9,
            skeleton=skeleton,
            track=None if user_tracked else a,
        )
        instances = [predicted]
        if f in CORRECTED:
            user = sio.Instance.from_numpy(
                np.full((2, 2), 10.0 * f + 5), skeleton=skeleton, track=a if user_tracked else None
            )
            user.from_predicted = predicted
            instances.append(user)
        frames.append(sio.LabeledFrame(video=video, frame_idx=f, instances=instances))
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[a]), str(path))
    return path


def _read(path, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_sleap(path, **options)
    return pose, [w for w in caught if issubclass(w.category, PoseconvWarning)]


def _x(track):
    return np.asarray(track.positions)[:6, 0, 0]


def test_an_untracked_prediction_corrected_into_a_track_is_that_track_s_replaced_prediction(tmp_path):
    pose, said = _read(write_corrections(tmp_path / "corr.slp", user_tracked=True))
    tracks = {t.name: t for t in pose.tracks}
    np.testing.assert_array_equal(_x(tracks["A"]), [np.nan, np.nan, 25, np.nan, 45, np.nan])
    np.testing.assert_array_equal(_x(tracks["A"].replaced_predictions), [np.nan, np.nan, 20, np.nan, 40, np.nan])
    # Not also an untracked animal in those frames.
    np.testing.assert_array_equal(_x(tracks["untracked"]), [0, 10, np.nan, 30, np.nan, 50])
    assert not said


def test_predicted_only_keeps_every_prediction_untracked(tmp_path):
    pose, _ = _read(write_corrections(tmp_path / "corr.slp", user_tracked=True), predicted_only=True)
    assert [t.name for t in pose.tracks] == ["untracked"]
    np.testing.assert_array_equal(_x(pose.tracks[0]), [0, 10, 20, 30, 40, 50])


def test_an_untracked_correction_of_a_track_s_prediction_is_said(tmp_path):
    pose, said = _read(write_corrections(tmp_path / "corr2.slp", user_tracked=False))
    tracks = {t.name: t for t in pose.tracks}
    np.testing.assert_array_equal(_x(tracks["A"]), [0, 10, 20, 30, 40, 50])
    np.testing.assert_array_equal(_x(tracks["untracked"]), [np.nan, np.nan, 25, np.nan, 45, np.nan])
    [warning] = said
    assert "frame(s) [2, 4]" in str(
        warning.message
    ) and "without a track was corrected from the prediction of track 'A'" in str(warning.message)
    assert warning.filename == __file__  # the line that called read_sleap
