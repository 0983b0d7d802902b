"""Series read back from an NWB file block by block (poseconv.nwb.read.stored_series)."""

from __future__ import annotations

import numpy as np

from poseconv.nwb.read.stored_series import StoredSeriesArray


def test_nodes_absent_or_ending_early_read_as_nan():
    full = np.arange(10, dtype="float32").reshape(5, 2)
    short = np.arange(6, dtype="float64").reshape(3, 2)
    array = StoredSeriesArray([full, short, None], n_frames=5, n_dims=2)
    block = array.read(1, 5)
    assert block.dtype == np.float64 and block.shape == (4, 3, 2)
    np.testing.assert_array_equal(block[:, 0], full[1:5])
    np.testing.assert_array_equal(block[:2, 1], short[1:3])
    assert np.isnan(block[2:, 1]).all() and np.isnan(block[:, 2]).all()


def test_a_two_d_node_in_a_three_d_container_has_nan_depth():
    flat = np.ones((4, 2))
    deep = np.full((4, 3), 2.0)
    block = StoredSeriesArray([flat, deep], n_frames=4, n_dims=3).read(0, 4)
    np.testing.assert_array_equal(block[:, 0, :2], flat)
    assert np.isnan(block[:, 0, 2]).all()
    np.testing.assert_array_equal(block[:, 1], deep)


def test_every_value_present_is_read_as_stored():
    x = np.random.default_rng(0).random((7, 2)).astype("float32")
    y = np.random.default_rng(1).random((7, 2))
    block = StoredSeriesArray([x, y], n_frames=7, n_dims=2).read(0, 7)
    assert not np.isnan(block).any()
    np.testing.assert_array_equal(block[:, 0], x.astype("float64"))
    np.testing.assert_array_equal(block[:, 1], y)
    confidence = StoredSeriesArray([x[:, 0], y[:, 0]], n_frames=7, n_dims=None).read(2, 7)
    np.testing.assert_array_equal(confidence, np.stack([x[2:, 0], y[2:, 0]], axis=1).astype("float64"))
