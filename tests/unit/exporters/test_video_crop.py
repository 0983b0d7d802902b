"""The crop's corner the exports that link the whole video add to poses in a crop's pixels."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from poseconv.exporters.video_crop import crop_corner, on_video


@pytest.mark.parametrize(
    ("notes", "corner"),
    [
        ({"videos": {"v": {"crop": [100, 50, 400, 250]}}}, [100, 50]),  # readers' [x1, y1, x2, y2]
        ({"cropping_parameters": [10, 50, 5, 40]}, [10, 5]),  # DeepLabCut's reader: [x1, x2, y1, y2]
        ({"videos": {"other": {"crop": [100, 50, 400, 250]}}}, None),
        ({"cropping_parameters": None}, None),  # cropped by a box DeepLabCut did not record
        ({"cropping_parameters": [0, 64, 0, 48]}, None),  # the whole frame
        ({}, None),
    ],
)
def test_crop_corner(notes, corner):
    found = crop_corner(SimpleNamespace(notes=notes), "v")
    assert (found is None) if corner is None else found.tolist() == corner


def test_on_video_moves_x_and_y_and_keeps_nan():
    positions = np.array([[[1.0, 2.0, 3.0], [np.nan, np.nan, np.nan]]])
    moved = on_video(positions, np.array([10.0, 5.0]))
    np.testing.assert_array_equal(moved, [[[11.0, 7.0, 3.0], [np.nan, np.nan, np.nan]]])
    assert positions[0, 0, 0] == 1.0  # the array given is not changed
    assert on_video(positions, None) is positions
