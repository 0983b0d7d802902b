"""``poseconv export --training --to lp``: labels as Lightning Pose reads them, from a DeepLabCut project's NWB file."""

from __future__ import annotations

import numpy as np
import pandas as pd

from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels_table
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.training import GOLDEN_MOUSE_PROJECT, MULTI_MOUSE_PROJECT
from tests.integration.test_cli import START, assert_one_line_error, poseconv


@needs_shared_data
def test_deeplabcut_labels_export_to_a_csv_lightning_pose_reads(tmp_path):
    # The CSV had DeepLabCut's three index columns: Lightning Pose's read_csv(header=[0, 1, 2], index_col=0)
    # took two of them for values, and its float32 tensor failed on the image names.
    nwb = tmp_path / "labels.nwb"
    poseconv("convert", GOLDEN_MOUSE_PROJECT, "--source", "dlc-labels", "-o", nwb, "--session-start-time", START)
    poseconv("export", nwb, "--training", "--to", "lp", tmp_path / "CollectedData.csv")
    data = pd.read_csv(tmp_path / "CollectedData.csv", header=[0, 1, 2], index_col=0)
    (source,) = GOLDEN_MOUSE_PROJECT.glob("labeled-data/*/CollectedData_*.h5")
    original, _ = read_deeplabcut_labels_table(source)
    assert list(data.index) == ["/".join(parts) for parts in original.index]
    np.testing.assert_array_equal(np.asarray(data.to_numpy(), dtype="float32"), original.to_numpy("float32"))


@needs_shared_data
def test_multi_animal_labels_of_two_videos_are_refused_with_advice_that_works(tmp_path):
    # The refusal said "give a folder as OUT", which --to lp then refused ("--to lp writes .csv files").
    nwb = tmp_path / "labels.nwb"
    poseconv("convert", MULTI_MOUSE_PROJECT, "--source", "dlc-labels", "-o", nwb, "--session-start-time", START)
    result = poseconv("export", nwb, "--training", "--to", "lp", tmp_path / "CollectedData.csv", check_rc=None)
    assert_one_line_error(result, "the labels hold 4 animals (individual1, individual2, individual3, single)")
    assert "folder" not in result.stderr and "(--to dlc)" in result.stderr
    poseconv("export", nwb, "--training", "--to", "dlc", tmp_path / "project")
