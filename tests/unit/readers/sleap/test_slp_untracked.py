"""Instances without a track on the array path: SLEAP's rules, as the object reader applies them."""

from __future__ import annotations

import numpy as np
import pytest
import sleap_io as sio

from poseconv.errors import InvalidSourceFileError
from poseconv.readers.sleap import read_sleap
from poseconv.readers.sleap.slp import pose_from_labels
from poseconv.readers.sleap.slp_index import PREDICTED, REPLACED, USER, SlpIndex, read_slp_index
from poseconv.readers.sleap.slp_objects import load_labels
from poseconv.readers.sleap.slp_untracked import untracked_slots
from tests.unit.readers.sleap.test_slp_arrays import assert_same

KINDS = (USER, PREDICTED, REPLACED)
U, P, R = KINDS


def slots(row, kind, *, single, ids=None, from_predicted=None):
    ids = np.arange(len(row)) if ids is None else np.asarray(ids)
    links = (ids, None if from_predicted is None else np.asarray(from_predicted))
    return untracked_slots(np.asarray(row), np.asarray(kind), links, np.full(len(row), single), KINDS)


def test_single_animal_the_user_instance_replaced_the_prediction_beside_it():
    # Rows: prediction only; prediction and user; user only.
    slot, kind = slots([0, 1, 1, 2], [P, P, U, U], single=True)
    assert slot.tolist() == [0, 0, 0, 0]
    assert kind.tolist() == [P, R, U, U]


def test_several_animals_users_first_then_predictions_a_corrected_one_in_its_users_slot():
    # Row 0: two predictions and two users, the second user corrected from the first prediction.
    # Row 1: a user corrected from a prediction of row 0 (another frame: no link), and a prediction.
    row = [0, 0, 0, 0, 1, 1]
    kind = [P, P, U, U, U, P]
    from_predicted = [-1, -1, -1, 0, 1, -1]
    slot, new_kind = slots(row, kind, single=False, from_predicted=from_predicted)
    assert slot.tolist() == [1, 2, 0, 1, 0, 1]
    assert new_kind.tolist() == [R, P, U, U, U, P]
    # Without from_predicted (no such column), every prediction is another animal.
    slot, new_kind = slots(row, kind, single=False)
    assert slot.tolist() == [2, 3, 0, 1, 0, 1] and new_kind.tolist() == kind


def test_two_users_from_one_prediction_are_left_to_the_objects():
    assert slots([0, 0, 0], [P, U, U], single=False, from_predicted=[-1, 0, 0]) == (
        "two untracked user instances corrected from one prediction"
    )


def test_crowded_frames_are_refused_by_both_paths_alike_and_split_by_order(generated_crowded_untracked):
    path = generated_crowded_untracked.path
    index = read_slp_index(path)
    assert isinstance(index, SlpIndex) and np.concatenate(index.crowded[0]).tolist() == [1]
    messages = []
    for read in (lambda: read_sleap(path), lambda: pose_from_labels(path, load_labels(path))):
        with pytest.raises(InvalidSourceFileError, match="1 frame") as error:
            read()
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    fast = read_sleap(path, untracked="by_order")
    assert_same(pose_from_labels(path, load_labels(path), untracked="by_order"), fast)
    assert fast.track_names() == ["untracked_0", "untracked_1"]


def test_a_single_animal_video_beside_a_crowded_one(tmp_path):
    """The single-animal rule is decided per video: one video may have one animal, another several."""
    rng = np.random.default_rng(11)
    skeleton = sio.Skeleton(["a", "b"], name="s")
    videos = [sio.Video(filename=f"v{i}.mp4", open_backend=False) for i in range(2)]

    def predicted():
        points = rng.normal(size=(2, 2))
        return sio.PredictedInstance.from_numpy(points, point_scores=rng.uniform(size=2), score=0.5, skeleton=skeleton)

    def user(source=None):
        instance = sio.Instance.from_numpy(rng.normal(size=(2, 2)), skeleton=skeleton)
        instance.from_predicted = source
        return instance

    first, second = predicted(), predicted()
    frames = [
        # One animal: the user instance replaced the prediction, linked or not.
        sio.LabeledFrame(video=videos[0], frame_idx=0, instances=[predicted(), user()]),
        sio.LabeledFrame(video=videos[0], frame_idx=1, instances=[predicted()]),
        sio.LabeledFrame(video=videos[1], frame_idx=0, instances=[first, second, user(second)]),
    ]
    labels = sio.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton])
    path = tmp_path / "mixed.slp"
    sio.save_slp(labels, str(path))
    index = read_slp_index(path)
    assert isinstance(index, SlpIndex) and index.single_animal == {0: True, 1: False}
    fast = read_sleap(path, untracked="by_order")
    assert_same(pose_from_labels(path, load_labels(path), untracked="by_order"), fast)
    # Video 0: the user instance replaced the prediction of its frame; video 1: the linked one.
    replaced = {(t.video, t.name): t.replaced_predictions for t in fast.tracks}
    assert all(r is not None for key, r in replaced.items() if key[1] == "untracked_0")


def _project_after_inference(path, *, untracked_prediction: bool = False) -> None:
    """Tracked predictions of two animals in every frame, two untracked user labels in frames 3 and 9.

    ``untracked_prediction``: frame 5 also holds an untracked prediction, which predicted_only would keep.
    """
    rng = np.random.default_rng(11)
    skeleton = sio.Skeleton(["a", "b", "c"])
    video = sio.Video(filename="/elsewhere/p.mp4", backend_metadata={"shape": (20, 64, 64, 1)})
    tracks = [sio.Track("track_0"), sio.Track("track_1")]

    def prediction(track=None):
        return sio.PredictedInstance.from_numpy(rng.uniform(0, 60, (3, 2)), skeleton=skeleton, track=track, score=0.9)

    frames = []
    for frame in range(20):
        instances = [prediction(track) for track in tracks]
        if frame in (3, 9):
            instances += [sio.Instance.from_numpy(rng.uniform(0, 60, (3, 2)), skeleton=skeleton) for _ in range(2)]
        if untracked_prediction and frame == 5:
            instances.append(prediction())
        frames.append(sio.LabeledFrame(video=video, frame_idx=frame, instances=instances))
    sio.save_slp(sio.Labels(frames, videos=[video], skeletons=[skeleton], tracks=tracks), str(path))


@pytest.mark.parametrize("untracked_prediction", [False, True])
def test_untracked_labels_beside_tracked_predictions_say_predicted_only_with_training(tmp_path, untracked_prediction):
    # A SLEAP project after inference was refused with advice that does not fit it (track in SLEAP, --source
    # sleap-labels, which drops every prediction, --untracked by_order); predicted_only with the training data
    # converts it as it is meant, and is said first, by both paths alike.
    path = tmp_path / "proj.slp"
    _project_after_inference(path, untracked_prediction=untracked_prediction)
    messages = []
    for read in (lambda: read_sleap(path), lambda: pose_from_labels(path, load_labels(path))):
        with pytest.raises(InvalidSourceFileError, match=r"2 frame\(s\) of video 'p'") as error:
            read()
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    said = "predicted_only=True, include_training_data=True (poseconv convert -O predicted_only=true --training"
    assert (said in messages[0]) is not untracked_prediction
    if not untracked_prediction:
        assert messages[0].index("predicted_only") < messages[0].index("untracked='by_order'")
        assert [track.name for track in read_sleap(path, predicted_only=True).tracks] == ["track_0", "track_1"]
