"""SLEAP analysis .h5 export: what the layout has no place for is named in a warning, not dropped unsaid."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.exporters.sleap_analysis import write_sleap_analysis
from poseconv.model import ExtraCoords
from poseconv.testing.mock import mock_pose_data
from tests.fixtures.sleap import with_replaced_predictions

N_FRAMES = 5


def _said(pose, path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_sleap_analysis(pose, path)
    return [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]


def test_extra_columns_are_named(tmp_path):
    # Before, the Ensemble Kalman Smoother's columns were left out of the file with nothing said.
    pose = mock_pose_data(n_frames=N_FRAMES)
    ens_var = ExtraCoords("ens_var", ("x_ens_var", "y_ens_var"), np.ones((N_FRAMES, 3, 2)))
    pose = dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], extra_coords=(ens_var,))])
    (warning,) = _said(pose, tmp_path / "eks.analysis.h5")
    assert "x_ens_var, y_ens_var" in warning and "--to movement" in warning and "--to dlc" in warning


def test_user_instances_and_the_predictions_they_replaced_are_named(tmp_path):
    pose = with_replaced_predictions(mock_pose_data(n_frames=N_FRAMES, n_individuals=2, source_software="SLEAP"))
    (warning,) = _said(pose, tmp_path / "proofread.analysis.h5")
    assert "user_labeled; tracks animal0)" in warning and "predictions user instances replaced" in warning
    assert "--to slp" in warning and "extra columns" not in warning


@pytest.mark.parametrize("user", [None, False], ids=["no-flags", "predictions-only"])
def test_poses_with_nothing_left_out_say_nothing(tmp_path, user):
    pose = mock_pose_data(n_frames=N_FRAMES, source_software="SLEAP")
    flags = None if user is None else np.zeros(N_FRAMES, dtype=bool)
    pose = dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], user_labeled=flags)])
    assert not _said(pose, tmp_path / "predictions.analysis.h5")


def test_identities_are_named(tmp_path):
    pose = mock_pose_data(n_frames=N_FRAMES, source_software="SLEAP")
    identities = np.array([0, -1, -1, 0, -1], dtype="int32")
    track = dataclasses.replace(pose.tracks[0], identities=identities, identity_names=("mouseA",))
    (warning,) = _said(dataclasses.replace(pose, tracks=[track]), tmp_path / "reid.analysis.h5")
    assert "identities (SLEAP Identity; tracks animal0)" in warning and "--to slp" in warning
