"""EKS's IBL paw smoother output: its zero likelihood is no confidence, its right camera is mirrored.

eks ``ibl_paw_multicam_smoother.py`` (eks 4.2 and later, ``eks ibl_paw``) smooths ``paw_l`` and ``paw_r`` of IBL's
left and right cameras: it stacks an empty ``likelihood`` field (``MarkerArray(shape=...)``, zeros) onto the
ensemble's positions, interpolates the right camera at the left camera's timestamps, mirrors its x
(``img_width - x``) and swaps its paws, then writes ``multicam_left_results.csv`` and ``multicam_right_results.csv``
as ``ensemble_kalman_smoother_multicam`` builds them. They were written with the ensemble's confidence definition
and no word of any of it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from poseconv import read_lightning_pose_multiview
from poseconv.errors import PoseconvWarning
from poseconv.readers.deeplabcut.table import PIXEL_REFERENCE_FRAME
from poseconv.readers.lightningpose_columns import (
    EKS_CONFIDENCE_DEFINITION,
    IBL_PAW_CONFIDENCE_DEFINITION,
    IBL_PAW_RIGHT_REFERENCE_FRAME,
)

LABELS = ["x", "y", "likelihood", "x_ens_median", "y_ens_median", "x_ens_var", "y_ens_var"]
LABELS += ["x_posterior_var", "y_posterior_var"]


def write_ibl_paw_output(save_dir, *, likelihood=0.0, n_frames=20):
    """Write the two CSVs of the IBL paw smoother (``make_dlc_pandas_index`` and ``pd.DataFrame(camera_arr.T)``)."""
    save_dir.mkdir(parents=True, exist_ok=True)
    index = pd.MultiIndex.from_product(
        [["ensemble-kalman_tracker"], ["paw_l", "paw_r"], LABELS], names=["scorer", "bodyparts", "coords"]
    )
    rng = np.random.default_rng(9)
    for camera in ("left", "right"):
        values = rng.uniform(0, 128, (n_frames, len(index)))
        values[:, index.get_level_values("coords") == "likelihood"] = likelihood
        pd.DataFrame(values, columns=index).to_csv(save_dir / f"multicam_{camera}_results.csv")
    return save_dir


def test_the_zero_likelihood_is_no_confidence_and_the_right_camera_is_said_mirrored(tmp_path):
    folder = write_ibl_paw_output(tmp_path / "eks_out")
    with pytest.warns(PoseconvWarning) as caught:
        data = read_lightning_pose_multiview(folder, find_side_files=False)
    said = [str(w.message) for w in caught if "IBL paw smoother" in str(w.message)]
    assert len(said) == 2 and all("likelihood 0 in every row): no confidence" in text for text in said)
    assert all("the left camera's frames within the right camera's recording" in text for text in said)
    right = next(text for text in said if "multicam_right_results.csv" in text)
    assert "mirrored x (img_width - x" in right and "swapped paw_l and paw_r" in right
    assert list(data.cameras) == ["left", "right"]
    for view in data.views.values():
        (track,) = view.tracks
        assert track.confidence_definition == IBL_PAW_CONFIDENCE_DEFINITION
        assert "no confidence" in track.confidence_definition and "(0 to 1)" not in track.confidence_definition
        np.testing.assert_array_equal(np.asarray(track.confidence), np.zeros((20, 2)))  # kept as written
    assert data.views["left"].reference_frame == PIXEL_REFERENCE_FRAME
    assert data.views["right"].reference_frame == IBL_PAW_RIGHT_REFERENCE_FRAME
    assert "img_width" in IBL_PAW_RIGHT_REFERENCE_FRAME and "swapped" in IBL_PAW_RIGHT_REFERENCE_FRAME


def test_eks_smoothing_of_paws_with_likelihoods_keeps_the_ensemble_s_definition(tmp_path):
    # The same keypoints and names from EKS's multi-camera smoother of real models: a mean likelihood, not zeros.
    folder = write_ibl_paw_output(tmp_path / "eks_out", likelihood=0.8)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        data = read_lightning_pose_multiview(folder, find_side_files=False)
    for view in data.views.values():
        assert view.tracks[0].confidence_definition == EKS_CONFIDENCE_DEFINITION
        assert view.reference_frame == PIXEL_REFERENCE_FRAME
