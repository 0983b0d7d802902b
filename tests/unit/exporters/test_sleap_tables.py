"""The .slp label tables: which instances are a user's where the poses do not record it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sleap_io as sio

from poseconv.exporters.sleap import to_sleap_labels, write_slp
from poseconv.testing.mock import mock_pose_data


@pytest.fixture(params=["write_slp", "to_sleap_labels"])
def instance_kinds(request):
    """The instance of each frame, from the file ``write_slp`` writes or the Labels ``to_sleap_labels`` returns.

    The Python API's ``to_sleap_labels`` kept the old rule after ``export --to slp`` was fixed.
    """

    def kinds(pose, tmp_path):
        if request.param == "write_slp":
            labels = sio.load_slp(str(write_slp(pose, tmp_path / "x.slp")))
        else:
            labels = to_sleap_labels(pose)
        return {lf.frame_idx: lf.instances[0] for lf in labels.labeled_frames}

    return kinds


@pytest.mark.parametrize("software", ["DeepLabCut", "LightningPose", "unknown"])
def test_another_tools_prediction_without_scores_stays_a_prediction(tmp_path, software, instance_kinds):
    # A DeepLabCut frame whose likelihoods are NaN and whose x, y are set (stitched, interpolated, written by
    # movement) became a user Instance: SLEAP trains on those and prefers them over predictions.
    pose = mock_pose_data(n_frames=4, source_software=software)
    confidence = pose.tracks[0].confidence.copy()
    confidence[2] = np.nan
    pose = dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], confidence=confidence)])
    kinds = instance_kinds(pose, tmp_path)
    assert all(type(instance) is sio.PredictedInstance for instance in kinds.values())
    assert np.isnan(kinds[2].score) and np.isnan(kinds[2].points["score"]).all()
    np.testing.assert_array_equal(kinds[2].numpy(), pose.tracks[0].positions[2])


def test_sleaps_unscored_instance_is_a_user_instance_where_no_kind_is_recorded(tmp_path, instance_kinds):
    # SLEAP's analysis files give user instances no scores and record no kind.
    pose = mock_pose_data(n_frames=4, source_software="SLEAP")
    confidence = pose.tracks[0].confidence.copy()
    confidence[2] = np.nan
    pose = dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], confidence=confidence)])
    kinds = instance_kinds(pose, tmp_path)
    assert type(kinds[2]) is sio.Instance
    assert all(type(kinds[t]) is sio.PredictedInstance for t in (0, 1, 3))


def test_poses_without_any_confidence_are_user_instances(tmp_path, instance_kinds):
    kinds = instance_kinds(mock_pose_data(n_frames=3, with_confidence=False), tmp_path)
    assert all(type(instance) is sio.Instance for instance in kinds.values())


@pytest.mark.parametrize("missing", [0, 1])
def test_a_point_with_one_coordinate_keeps_it(tmp_path, instance_kinds, missing):
    # SLEAP files hold points with x NaN and y set: the export wrote them invisible, so every reader lost y.
    pose = mock_pose_data(n_frames=3)
    positions = pose.tracks[0].positions.copy()
    positions[1, 0, missing] = np.nan
    pose = dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], positions=positions)])
    kinds = instance_kinds(pose, tmp_path)
    np.testing.assert_array_equal(kinds[1].numpy()[0], positions[1, 0])
