"""A CSV of one header row given as Lightning Pose predictions is said to be what it is.

EKS writes a flat table from SLEAP predictions (``eks/utils.py`` ``convert_slp_dlc``: columns
``<instance>_<keypoint>_<x|y|likelihood>``, ``to_csv(f"{slp_file}.csv", index=False)``): it holds positions,
but its rows are the .slp's labeled frames, its instances are in each frame's order and a missing point is 0,
so it is refused pointing to the .slp. Lightning Pose's metrics (a column per keypoint) stay metrics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.readers.lightningpose import read_lightning_pose
from tests.fixtures.cli import poseconv_in_process

NODES = ("head", "thorax")


def _eks_sleap_table(path):
    """Write the table as convert_slp_dlc writes it: two instances, values as written (NaN as 0, score + 1e-6)."""
    columns = [f"{j}_{node}_{coord}" for j in (1, 2) for node in NODES for coord in ("x", "y", "likelihood")]
    pd.DataFrame(np.random.default_rng(0).uniform(0, 9, (5, len(columns))), columns=columns).to_csv(path, index=False)
    return path


def test_the_flat_table_eks_writes_from_sleap_predictions_points_to_the_slp(tmp_path):
    # Before, --source lp said "LightningPose metrics files (temporal norm, PCA errors) hold no keypoint
    # positions", untrue of this file.
    path = _eks_sleap_table(tmp_path / "preds.slp.csv")
    with pytest.raises(InvalidSourceFileError) as raised:
        read_lightning_pose(path)
    said = str(raised.value)
    assert "metrics" not in said
    assert "flat table EKS writes from SLEAP predictions (eks.utils.convert_slp_dlc" in said
    assert "Convert the SLEAP file it was made from (preds.slp)" in said
    result = poseconv_in_process("convert", path, "--source", "lp", "-o", tmp_path / "out.nwb", "--fps", "10")
    assert result.returncode == 1 and "(preds.slp) with poseconv convert" in result.stderr, result.stderr


def test_another_flat_table_of_positions_is_not_called_metrics(tmp_path):
    path = tmp_path / "poses.csv"
    columns = [f"{node}_{coord}" for node in NODES for coord in ("x", "y", "likelihood")]
    pd.DataFrame(np.ones((3, len(columns))), columns=columns).to_csv(path)
    with pytest.raises(InvalidSourceFileError, match=r"a flat table of positions \(<keypoint>_x") as raised:
        read_lightning_pose(path)
    assert "metrics" not in str(raised.value)


@pytest.mark.parametrize("with_set", [False, True])
def test_a_metrics_table_is_still_called_metrics(tmp_path, with_set):
    path = tmp_path / "s1_temporal_norm.csv"
    table = pd.DataFrame(np.ones((3, 2)), columns=["nose_x_top", "tail"])
    if with_set:
        table["set"] = "train"
    table.to_csv(path)
    with pytest.raises(InvalidSourceFileError, match="LightningPose metrics files .* hold no keypoint positions"):
        read_lightning_pose(path)
