"""The default container names avoid the names of what poseconv writes beside another container."""

from __future__ import annotations

import dataclasses

from poseconv.metadata.container_names import container_names, names_beside
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.testing.mock import mock_pose_data


def _named(*names: str):
    pose = mock_pose_data(n_individuals=len(names), n_frames=3)
    return dataclasses.replace(
        pose, tracks=[dataclasses.replace(t, name=n) for t, n in zip(pose.tracks, names, strict=True)]
    )


def test_a_track_named_as_another_tracks_replaced_predictions_gets_another_container_name():
    # It was 'PoseEstimation_A_replaced_predictions', which readers took for A's replaced predictions.
    entries = default_pose_metadata(_named("A", "A_replaced_predictions"))["Pose"]["PoseEstimations"]
    assert {key: entry["name"] for key, entry in entries.items()} == {
        "PoseEstimation_A": "PoseEstimation_A",
        "PoseEstimation_A_replaced_predictions": "PoseEstimation_A_replaced_predictions_2",
    }


def test_every_name_written_beside_a_container_is_avoided():
    clashing = ["P_A_instance_score", "P_AExtraCoords", "P_A_replaced_predictions_tracking_score", "P_A_identity"]
    names = container_names(["P_A", *clashing, "P_B"])
    assert names == {"P_A": "P_A", **{key: f"{key}_2" for key in clashing}, "P_B": "P_B"}


def test_a_name_made_unique_is_checked_again():
    # 'A_replaced_predictions' becomes '..._2', whose replaced predictions another track's container is named as.
    keys = ["PoseEstimation_A", "PoseEstimation_A_replaced_predictions"]
    keys.append("PoseEstimation_A_replaced_predictions_2_replaced_predictions")
    names = container_names(keys)
    assert len(set(names.values())) == 3
    assert not {beside for name in names.values() for beside in names_beside(name)} & set(names.values())


def test_names_beside_a_track_are_those_it_writes():
    track = mock_pose_data(n_frames=3).tracks[0]
    assert names_beside("P", track) == {}
    scored = dataclasses.replace(track, instance_scores=[0.5, 0.5, 0.5])
    assert names_beside("P", dataclasses.replace(track, replaced_predictions=scored)) == {
        "P_replaced_predictions": "predictions a user instance replaced",
        "P_replaced_predictions_instance_score": "instance scores of the predictions a user instance replaced",
    }
    assert "P_user_labeled" in names_beside("P") and "PExtraCoords" in names_beside("P")
