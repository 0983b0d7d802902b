"""``poseconv convert`` of DeepLabCut's filterpredictions outputs: every container's description says the poses
were filtered, from which file, and that the filter is not recorded (nothing DeepLabCut writes records it)."""

from __future__ import annotations

import pytest
from pynwb import NWBHDF5IO

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import DLC, MULTI_ANIMAL_DIR

START = "2024-05-01T10:00:00+00:00"
MULTI_STEM = "m3v1mp4shortDLC_effnet_b0_multi_mouseApr12shuffle1_5"
SINGLE_STEM = "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10"


@pytest.mark.parametrize(
    ("source", "unfiltered", "filters"),
    [
        # DeepLabCut >= 2.1.10: a tracked file filtered, its name ending in "_filtered".
        (MULTI_ANIMAL_DIR / f"{MULTI_STEM}_el_filtered.h5", f"{MULTI_STEM}_el.h5", "or a cubic spline;"),
        # DeepLabCut 2.0.7 to 2.1.8: "filtered" with no underscore, when it had no spline.
        (DLC / f"TEST-Alex-2019-11-04/videos/{SINGLE_STEM}filtered.h5", f"{SINGLE_STEM}.h5", "or an ARIMA model;"),
    ],
)
def test_every_container_of_filtered_predictions_says_it_was_filtered(tmp_path, source, unfiltered, filters):
    out = tmp_path / "filtered.nwb"
    result = poseconv_in_process("convert", source, "-o", out, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    with NWBHDF5IO(out, "r") as io:
        behavior = io.read().processing["behavior"]
        descriptions = [
            container.description
            for container in behavior.data_interfaces.values()
            if type(container).__name__ == "PoseEstimation"
        ]
    assert descriptions
    for description in descriptions:
        said = f"Filtered predictions: DeepLabCut's filterpredictions smoothed the x and y of {unfiltered} over time"
        assert said in description, description
        assert filters in description and "which one, and its parameters, is not recorded" in description


def test_the_unfiltered_predictions_are_not_said_filtered(tmp_path):
    out = tmp_path / "raw.nwb"
    source = MULTI_ANIMAL_DIR / f"{MULTI_STEM}_el.h5"
    result = poseconv_in_process("convert", source, "-o", out, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    with NWBHDF5IO(out, "r") as io:
        container = io.read().processing["behavior"]["PoseEstimation_individual1"]
        assert "filterpredictions" not in container.description
