"""LightningPose reader: what each scorer's likelihood means, and the model its config names, in the NWB file."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from poseconv.errors import PoseconvWarning
from poseconv.readers.lightningpose import read_lightning_pose
from poseconv.readers.lightningpose_columns import (
    EKS_CONFIDENCE_DEFINITION,
    HEATMAP_CONFIDENCE_DEFINITION,
    REGRESSION_CONFIDENCE_DEFINITION,
)
from poseconv.validation.pose_checks import says_unit_interval

KEYPOINTS = ("nose", "tail")


def write_predictions(path, scorer, *, extra=(), likelihood=0.5, n_frames=6):
    """Write a predictions CSV as Lightning Pose's PredictionHandler (or EKS) does, with ``extra`` coords."""
    columns = {}
    for k, keypoint in enumerate(KEYPOINTS):
        columns[(scorer, keypoint, "x")] = np.arange(n_frames) + 10.0 * k
        columns[(scorer, keypoint, "y")] = np.arange(n_frames) + 20.0 * k
        columns[(scorer, keypoint, "likelihood")] = np.full(n_frames, likelihood)
        for coord in extra:
            columns[(scorer, keypoint, coord)] = np.ones(n_frames)
    frame = pd.DataFrame(columns)
    frame.columns = frame.columns.set_names(["scorer", "bodyparts", "coords"])
    frame.to_csv(path)
    return path


def definition_of(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        return read_lightning_pose(path, find_side_files=False).tracks[0].confidence_definition


@pytest.mark.parametrize(
    "scorer", ["heatmap_tracker", "heatmap_mhcrnn_tracker", "heatmap_multiview_transformer_tracker"]
)
def test_heatmap_models_likelihood_is_the_heatmap_s(tmp_path, scorer):
    definition = definition_of(write_predictions(tmp_path / "p.csv", scorer))
    assert definition == HEATMAP_CONFIDENCE_DEFINITION
    assert "softmax" in definition and says_unit_interval(definition)


def test_a_regression_model_s_zeros_are_said_to_be_no_confidence(tmp_path):
    # Lightning Pose's regression_tracker writes 0 as every likelihood ("no notion of confidence"); it was
    # written with the heatmap model's definition, as if every keypoint had been predicted with no confidence.
    path = write_predictions(tmp_path / "p.csv", "regression_tracker", likelihood=0.0)
    with pytest.warns(PoseconvWarning, match=r"p\.csv: .*regression model.*: no confidence; the likelihood column"):
        pose = read_lightning_pose(path, find_side_files=False)
    (track,) = pose.tracks
    assert track.confidence_definition == REGRESSION_CONFIDENCE_DEFINITION
    assert "heatmap" not in track.confidence_definition and "no confidence" in track.confidence_definition
    # Kept as written.
    np.testing.assert_array_equal(np.asarray(track.confidence), np.zeros((6, 2)))


def test_eks_likelihood_is_the_ensemble_members_mean(tmp_path):
    # eks.core.ensemble: the likelihood column is the mean of the members' likelihoods.
    path = write_predictions(
        tmp_path / "eks.csv",
        "ensemble-kalman_tracker",
        extra=("x_ens_median", "y_ens_median", "x_ens_var", "y_ens_var", "x_posterior_var", "y_posterior_var"),
    )
    definition = definition_of(path)
    assert definition == EKS_CONFIDENCE_DEFINITION
    assert "mean of the likelihoods the members of the ensemble" in definition and says_unit_interval(definition)


def test_eks_before_its_2025_columns_wrote_no_likelihood(tmp_path):
    # EKS's 2024 smoothers filled the likelihood column with NaN beside x_var, y_var, zscore.
    path = write_predictions(
        tmp_path / "eks.csv", "ensemble-kalman_tracker", extra=("x_var", "y_var", "zscore"), likelihood=np.nan
    )
    assert "EKS wrote no likelihood" in definition_of(path)


def test_an_unknown_model_type_is_not_given_a_meaning_it_may_not_have(tmp_path):
    definition = definition_of(write_predictions(tmp_path / "p.csv", "newmodel_tracker"))
    assert "newmodel_tracker" in definition and "does not know" in definition
    assert not says_unit_interval(definition)


def write_config(path, model):
    path.write_text(yaml.safe_dump({"data": {"keypoint_names": list(KEYPOINTS)}, "model": model}))
    return path


def test_the_config_s_model_is_said_in_the_description(tmp_path):
    # model_type, model_name and backbone of the config were read but reached no NWB object.
    from poseconv.metadata.defaults import default_pose_metadata

    predictions = write_predictions(tmp_path / "p.csv", "heatmap_tracker")
    config = write_config(
        tmp_path / "config.yaml",
        {"model_type": "heatmap", "model_name": "toy", "backbone": "resnet50_animal_ap10k"},
    )
    pose = read_lightning_pose(predictions, config_file_path=config, find_side_files=False)
    assert pose.notes["model"] == (
        "Model: LightningPose model_type heatmap, model_name toy, backbone resnet50_animal_ap10k "
        "(read from config.yaml)."
    )
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert container["description"].endswith(pose.notes["model"])
    # A config naming no model, or none: no sentence.
    bare = write_config(tmp_path / "bare.yaml", {})
    assert "model" not in read_lightning_pose(predictions, config_file_path=bare, find_side_files=False).notes
    assert "model" not in read_lightning_pose(predictions, find_side_files=False).notes
