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


class _ChunkedDataset:
    """A dataset of ``rows``-frame chunks recording the chunks each read touches (HDF5 decompresses each)."""

    def __init__(self, values: np.ndarray, rows: int) -> None:
        self.values = values
        self.chunks = (rows, *values.shape[1:])
        self.ndim = values.ndim
        self.shape = values.shape
        self.touched: list[int] = []

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, key: slice) -> np.ndarray:
        start, stop, _ = key.indices(len(self.values))
        rows = self.chunks[0]
        self.touched.extend(range(start // rows, -(-stop // rows)))
        return self.values[key]


def test_small_or_unaligned_reads_take_each_chunk_once():
    # A small chunk cache per dataset (store.open_store) no longer holds a chunk between reads: an overlay's
    # 512-frame steps over 4096-frame chunks would decompress each chunk 8 times, blocks across a chunk twice.
    rng = np.random.default_rng(3)
    data = _ChunkedDataset(rng.random((10_000, 2)).astype("float32"), rows=4096)
    scores = _ChunkedDataset(rng.random(10_000).astype("float32"), rows=4096)
    positions = StoredSeriesArray([data], n_frames=10_000, n_dims=2)
    confidence = StoredSeriesArray([scores], n_frames=10_000, n_dims=None)
    for step in (512, 3000):
        data.touched.clear()
        scores.touched.clear()
        for start in range(0, 10_000, step):
            np.testing.assert_array_equal(positions.read(start, start + step)[:, 0], data.values[start : start + step])
            np.testing.assert_array_equal(
                confidence.read(start, start + step)[:, 0], scores.values[start : start + step]
            )
        assert data.touched == [0, 1, 2] and scores.touched == [0, 1, 2]


def test_a_read_elsewhere_reads_its_own_chunks():
    # The chunk kept serves the next read only: a jump back or ahead reads the chunks it falls in.
    values = np.arange(20_000, dtype="float32")
    stored = _ChunkedDataset(values, rows=4096)
    array = StoredSeriesArray([stored], n_frames=20_000, n_dims=None)
    np.testing.assert_array_equal(array.read(5000, 5100)[:, 0], values[5000:5100])
    np.testing.assert_array_equal(array.read(100, 200)[:, 0], values[100:200])
    np.testing.assert_array_equal(array.read(19_000, 20_000)[:, 0], values[19_000:])
    np.testing.assert_array_equal(array.read(4000, 4200)[:, 0], values[4000:4200])
    assert stored.touched == [1, 0, 4, 0, 1]
