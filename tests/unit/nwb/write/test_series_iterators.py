"""Series iterators: float32 storage where every value is exact, float64 otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.model.frames import ArrayTable, ColumnView, float32_exact_rows
from poseconv.nwb.write.series_iterators import PoseSeriesIterator, series_values, storage_dtype


def _float32_values(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """float64 values computed in float32 (what DeepLabCut and SLEAP store), with some NaN."""
    values = (rng.random(shape, dtype=np.float32) * 640).astype(np.float64)
    values[rng.random(shape) < 0.1] = np.nan
    return values


def test_exact_rows_count_nan_and_refuse_what_float32_cannot_hold():
    rows = np.array(
        [
            [1.5, np.nan, -0.0, np.inf],  # exact, NaN included
            [0.1, 1.0, 2.0, 3.0],  # 0.1 has no float32 twin
            [1e300, 1.0, 2.0, 3.0],  # beyond float32's range
            [1e-310, 1.0, 2.0, 3.0],  # below float32's smallest subnormal
        ]
    )
    assert float32_exact_rows(rows).tolist() == [True, False, False, False]
    assert not float32_exact_rows(np.ones((1, 3), dtype="int64"))[0]


def test_storage_dtype_of_arrays_and_lazy_columns():
    rng = np.random.default_rng(0)
    values = _float32_values(rng, (5000, 3))
    assert storage_dtype(values) == np.float32
    values[4000, 1] = 0.1
    assert storage_dtype(values) == np.float64
    # Only the frames written count (stub conversions).
    assert storage_dtype(values, n_frames=100) == np.float32
    table = ArrayTable(values, block_frames=1024)
    assert storage_dtype(ColumnView(table, np.array([0, 2]))) == np.float32
    assert storage_dtype(ColumnView(table, np.array([1]))) == np.float64
    assert storage_dtype(ColumnView(table, np.array([1])), n_frames=3000) == np.float32
    assert table.float32_exact_columns().tolist() == [True, False, True]


def test_the_exactness_pass_keeps_no_block_and_is_shared_by_the_table(monkeypatch):
    values = _float32_values(np.random.default_rng(1), (5000, 4))
    table = ArrayTable(values, block_frames=1024)
    calls = []
    original = table._read_columns
    monkeypatch.setattr(table, "_read_columns", lambda a, b: calls.append((a, b)) or original(a, b))
    for column in range(4):
        assert storage_dtype(ColumnView(table, np.array([column]))) == np.float32
    assert len(calls) == 5  # one pass of 5 blocks for the four columns
    assert table.blocks_read == 0 and not table._cache


def test_iterator_writes_float32_chunks_that_read_back_as_the_same_float64_bits():
    values = _float32_values(np.random.default_rng(2), (3000, 4, 2))
    iterator = series_values(values, 1, 3000)
    assert iterator.dtype == np.float32
    chunks = [chunk.data for chunk in iterator]
    assert all(chunk.dtype == np.float32 for chunk in chunks)
    back = np.concatenate(chunks).astype(np.float64)
    expected = values[:, 1]
    nan = np.isnan(expected)
    assert np.array_equal(np.isnan(back), nan)
    assert np.array_equal(back[~nan].view(np.uint64), expected[~nan].view(np.uint64))
    assert np.asarray(iterator).dtype == np.float32 and iterator[5].dtype == np.float32


def test_iterator_keeps_float64_when_one_value_is_not_exact():
    values = _float32_values(np.random.default_rng(3), (300, 2))
    values[299, 0] = 1 / 3
    iterator = series_values(values[:, None, :], 0, 300)
    assert iterator.dtype == np.float64
    assert np.concatenate([chunk.data for chunk in iterator]).tobytes() == values.tobytes()


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_other_dtypes_are_stored_as_they_are(dtype):
    values = np.zeros((10, 2), dtype=dtype)
    assert storage_dtype(values) == np.dtype(dtype)
    assert PoseSeriesIterator(values, dtype=storage_dtype(values)).dtype == np.dtype(dtype)
