"""Lightning Pose predictions given as Lightning Pose labels: refused in Lightning Pose's words."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import poseconv
from poseconv.errors import InvalidSourceFileError
from poseconv.readers.deeplabcut.labels_table import read_deeplabcut_labels_table
from poseconv.readers.lightningpose import read_lightning_pose_labels
from tests.fixtures.deeplabcut import write_dlc_file

POSITIONS = {"nose": np.array([[1.0, 2.0], [3.0, 4.0]]), "tail": np.array([[5.0, 6.0], [7.0, 8.0]])}
SCORES = {"nose": np.array([0.9, 0.8]), "tail": np.array([0.7, 0.6])}


@pytest.fixture(scope="module")
def predictions(tmp_path_factory):
    # A Lightning Pose predictions CSV: DeepLabCut's header, the model type as the scorer, frames as rows.
    folder = tmp_path_factory.mktemp("lp")
    return write_dlc_file(folder / "video.csv", POSITIONS, likelihood=SCORES, scorer="heatmap_tracker")


@pytest.mark.parametrize("reader", [read_lightning_pose_labels, poseconv.read_lightning_pose_labels])
def test_lightning_pose_predictions_as_its_labels_are_called_lightning_poses(predictions, reader):
    with warnings.catch_warnings(), pytest.raises(InvalidSourceFileError) as raised:
        warnings.simplefilter("ignore")
        reader(predictions)
    message = str(raised.value)
    assert "a Lightning Pose predictions CSV" in message and "CollectedData.csv" in message, message
    assert "DeepLabCut" not in message and "CollectedData_<scorer>" not in message, message


def test_deeplabcut_labels_keep_deeplabcuts_words(predictions):
    with pytest.raises(InvalidSourceFileError, match=r"machinelabels .*CollectedData_<scorer> file of the folder"):
        read_deeplabcut_labels_table(predictions)
