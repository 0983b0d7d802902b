"""Image coordinates are not relabelled: a unit other than pixels on a 2D series is refused unless its frame is said."""

from __future__ import annotations

import pytest

from poseconv.metadata.compose import compose_metadata

FRAME = "(0, 0) is the top-left corner of the video frame, in pixels."


def _defaults(unit):
    series = {"nose": {"name": "nose", "unit": unit, "reference_frame": FRAME}}
    return {"Pose": {"PoseEstimations": {"PoseEstimation": {"name": "PoseEstimation", "PoseEstimationSeries": series}}}}


def _problems(series, unit="pixels", own=False):
    user = {"Pose": {"PoseEstimations": {"PoseEstimation": {"PoseEstimationSeries": {"nose": series}}}}}
    given = {"input_metadata": {"pose": user}} if own else {"metadata": user}
    composed = compose_metadata({"pose": _defaults(unit)}, pose_inputs=["pose"], known_blocks={"Pose"}, **given)
    return [(problem.path, problem.input, problem.message) for problem in composed.problems]


UNIT = ("Pose", "PoseEstimations", "PoseEstimation", "PoseEstimationSeries", "nose", "unit")


@pytest.mark.parametrize("own", [False, True])
def test_centimetres_on_pixel_coordinates_are_refused_at_the_unit(own):
    [(path, which, message)] = _problems({"unit": "cm"}, own=own)
    assert path == UNIT and which == ("pose" if own else None)
    assert message.startswith("'cm' would relabel pixels: the pose file's positions are image coordinates in pixels")
    assert "give the series' reference_frame too" in message


@pytest.mark.parametrize(
    ("series", "unit"),
    [
        ({"unit": "px"}, "pixels"),  # Another name of the same unit.
        ({"unit": "Pixels"}, "pixels"),
        ({"unit": "cm", "reference_frame": "(0, 0) is the arena's corner; positions in cm."}, "pixels"),  # Scaled.
        ({"unit": "mm"}, "n.a."),  # 3D poses: the calibration's unit is the lab's to say.
    ],
)
def test_pixels_by_another_name_scaled_values_with_their_frame_and_3d_units_are_taken(series, unit):
    assert _problems(series, unit) == []
