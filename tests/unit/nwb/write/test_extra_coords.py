"""Extra coords (EKS's ensemble columns) beside a PoseEstimation: series names made unique, values read back."""

from __future__ import annotations

import h5py
import numpy as np
import pandas as pd
import pytest

from poseconv import read_nwb
from tests.fixtures.cli import poseconv_in_process

START = "2024-01-01T00:00:00+00:00"
SCORER = "ensemble-kalman_tracker"


def write_eks(path, extras):
    """An EKS CSV: x, y, likelihood of each keypoint, then its ``extras`` columns, each with its own values."""
    columns = {}
    for k, (keypoint, coords) in enumerate(extras.items()):
        for c, coord in enumerate(("x", "y", "likelihood", *coords)):
            columns[(SCORER, keypoint, coord)] = np.arange(8) + 100.0 * k + c / 10
    frame = pd.DataFrame(columns)
    frame.columns = frame.columns.set_names(["scorer", "bodyparts", "coords"])
    frame.to_csv(path)
    return path


@pytest.mark.parametrize(
    ("extras", "names"),
    [
        # "<node>_<group>": tail + ens_var and tail_ens + var are both "tail_ens_var".
        (
            {"tail": ("x_ens_var", "y_ens_var"), "tail_ens": ("x_var", "y_var")},
            {"tail_ens_var", "tail_ens_var_2"},
        ),
        # "/" becomes "_" in an NWB name: kp/3 + var and kp_3 + var; the name NWB takes as it is keeps it.
        ({"kp/3": ("x_var", "y_var"), "kp_3": ("x_var", "y_var")}, {"kp_3_var", "kp_3_var_2"}),
    ],
)
def test_clashing_series_names_are_made_unique_and_read_back_to_their_keypoint(tmp_path, extras, names):
    # The second series of one name was refused by hdmf ("... already exists in 'time_series'"), no file named.
    source = write_eks(tmp_path / "eks.csv", extras)
    output = tmp_path / "eks.nwb"
    result = poseconv_in_process("convert", source, "-o", output, "--fps", "30", "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    with h5py.File(output, "r") as nwb:
        assert set(nwb["processing/behavior/PoseEstimationExtraCoords"]) == names
        if "kp_3_var" in names:
            # kp_3's own name is kept for it; kp/3 gets the other.
            assert '"node": "kp_3"' in nwb["processing/behavior/PoseEstimationExtraCoords/kp_3_var"].attrs["comments"]
    (pose,) = read_nwb(output)
    table = pd.read_csv(source, header=[0, 1, 2], index_col=0)
    nodes = pose.skeletons[pose.tracks[0].skeleton].nodes
    for extra in pose.tracks[0].extra_coords:
        values = np.asarray(extra.values)
        for j, node in enumerate(extra.nodes or nodes):
            for c, column in enumerate(extra.columns):
                np.testing.assert_array_equal(values[:, j, c], table[(SCORER, node, column)].to_numpy())


def test_a_float32_series_says_the_storage_rule(tmp_path):
    # Stored as float32 where exact, as the pose series are; its comments say so, as theirs do.
    source = tmp_path / "eks.csv"
    frame = pd.DataFrame({(SCORER, "nose", coord): np.arange(4) / 4 for coord in ("x", "y", "likelihood", "x_var")})
    frame.columns = frame.columns.set_names(["scorer", "bodyparts", "coords"])
    frame.to_csv(source)
    output = tmp_path / "eks.nwb"
    result = poseconv_in_process("convert", source, "-o", output, "--fps", "30", "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    with h5py.File(output, "r") as nwb:
        series = nwb["processing/behavior/PoseEstimationExtraCoords/nose_var"]
        assert series["data"].dtype == np.float32
        assert "stored as float32 where exact" in series.attrs["comments"]
