"""Lazy arrays: IsValue, a boolean view of a lazy column, read like a numpy array."""

from __future__ import annotations

import numpy as np

from poseconv.model.frames import ArrayTable, ColumnView, IsValue, is_lazy_array


def test_is_value_reads_like_the_comparison():
    values = np.array([[1.0, 0.0], [np.nan, 1.0], [0.0, 0.0], [1.0, np.nan]])
    flags = IsValue(ColumnView(ArrayTable(values), np.arange(2)), 1.0)
    assert is_lazy_array(flags) and flags.shape == (4, 2) and flags.dtype == np.bool_
    np.testing.assert_array_equal(np.asarray(flags), values == 1.0)
    np.testing.assert_array_equal(flags[1:3], values[1:3] == 1.0)
    np.testing.assert_array_equal(flags[-1], values[-1] == 1.0)
    column = flags.select(1)
    assert column.shape == (4,) and np.asarray(column).tolist() == [False, True, False, False]


def test_missing_points_counts_nan_and_deeplabcut_3_padding():
    from poseconv.model.frames import NO_DETECTION, missing_points, undetected_points

    positions = np.array([[[1.0, 2.0], [np.nan, 2.0]], [[NO_DETECTION, NO_DETECTION], [NO_DETECTION, 5.0]]])
    confidence = np.array([[0.5, 0.5], [NO_DETECTION, NO_DETECTION]])
    assert undetected_points(positions, confidence).tolist() == [[False, False], [True, False]]
    assert missing_points(positions, confidence).tolist() == [[False, True], [True, False]]
    # Without the confidence, -1 is a coordinate like any other.
    assert missing_points(positions).tolist() == [[False, True], [False, False]]
    three_d = np.full((1, 1, 3), NO_DETECTION)
    assert undetected_points(three_d, np.array([[NO_DETECTION]])).tolist() == [[True]]
