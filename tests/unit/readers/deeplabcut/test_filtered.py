"""Predictions DeepLabCut's filterpredictions smoothed (``..._filtered.h5``) say so in their description."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from poseconv.metadata.defaults import default_pose_metadata
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.filtered import filtered_note
from tests.fixtures.deeplabcut import write_dlc_file

SCORER = "DLC_resnet50_testJan1shuffle1_100"
NOT_RECORDED = "which one, and its parameters, is not recorded"


@pytest.mark.parametrize(
    ("name", "unfiltered", "filters"),
    [
        # DeepLabCut >= 2.1.10: filepath.replace(".h5", "_filtered.h5"), of a tracked file too; the .csv beside it.
        (f"vid{SCORER}_filtered.h5", f"vid{SCORER}.h5", "an ARIMA model or a cubic spline"),
        (f"vid{SCORER}_el_filtered.csv", f"vid{SCORER}_el.h5", "an ARIMA model or a cubic spline"),
        (f"vid{SCORER}_bx_filtered.h5", f"vid{SCORER}_bx.h5", "an ARIMA model or a cubic spline"),
        # DeepLabCut 2.0.7 to 2.1.8 (CheckifPostProcessing): no underscore, and no spline yet.
        (f"vid{SCORER}filtered.h5", f"vid{SCORER}.h5", "a median filter (the default) or an ARIMA model;"),
    ],
)
def test_filterpredictions_outputs_are_said_filtered(name, unfiltered, filters):
    said = filtered_note(Path(name), SCORER)
    assert said.startswith(f"Filtered predictions: DeepLabCut's filterpredictions smoothed the x and y of {unfiltered}")
    assert filters in said and NOT_RECORDED in said
    # Only the spline changes the likelihood, and only DeepLabCut >= 2.1.10 has it.
    assert ("set to 0.01" in said) == ("spline" in said)


@pytest.mark.parametrize(
    "name",
    [
        f"vid{SCORER}.h5",
        f"vid{SCORER}_el.h5",
        # "filtered" in the video's name, before the scorer, says nothing of the poses.
        f"filtered_vid{SCORER}.h5",
        f"vid_filtered{SCORER}_el.h5",
        f"vid{SCORER}_el_unfiltered.h5",
        "renamed_filtered.h5",
    ],
)
def test_other_names_are_not_said_filtered(name):
    assert filtered_note(Path(name), SCORER) is None


def test_the_description_of_filtered_predictions_says_so(tmp_path):
    positions = {"nose": np.full((4, 2), 10.0), "tail": np.full((4, 2), 20.0)}
    likelihood = {part: np.full(4, 0.9) for part in positions}
    for name in (f"vid{SCORER}.h5", f"vid{SCORER}_filtered.h5"):
        path = write_dlc_file(tmp_path / name, positions, likelihood=likelihood, scorer=SCORER)
        pose = read_deeplabcut(path, find_side_files=False)
        (estimation,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
        assert ("Filtered predictions: DeepLabCut's filterpredictions" in estimation["description"]) == (
            "_filtered" in name
        )
    assert f"of vid{SCORER}.h5 over time" in estimation["description"]
