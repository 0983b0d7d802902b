"""Frame tables: blocks kept for the writer after the exactness pass, the first frames of stubs."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.model import frame_tables
from poseconv.model.frame_tables import FrameTable
from poseconv.model.frames import ColumnView, IsValue
from poseconv.nwb.write.series_iterators import series_values


class CountingTable(FrameTable):
    """A table over an array whose reads are counted, standing for a file (its blocks cost a read)."""

    def __init__(self, values: np.ndarray, **kwargs) -> None:
        self.values = values
        self.reads: list[tuple[int, int]] = []
        super().__init__(n_rows=values.shape[0], n_columns=values.shape[1], **kwargs)

    def _read_columns(self, start: int, stop: int) -> np.ndarray:
        self.reads.append((start, stop))
        return np.ascontiguousarray(self.values[start:stop].T)


def _float32_values(rows: int, columns: int, seed: int = 0) -> np.ndarray:
    values = np.random.default_rng(seed).uniform(0, 640, (rows, columns)).astype("float32").astype("float64")
    values[::7, 1] = np.nan
    return values


def test_a_small_table_keeps_the_blocks_of_its_exactness_pass_for_the_writer():
    values = _float32_values(1000, 4)
    table = CountingTable(values, block_frames=256)
    assert table.float32_exact_columns().tolist() == [True] * 4
    assert table.reads == [(0, 256), (256, 512), (512, 768), (768, 1000)]
    # The writer that follows (every series, frame after frame) reads nothing again.
    for column in range(4):
        np.testing.assert_array_equal(ColumnView(table, np.array([column]))[:], values[:, [column]])
    assert len(table.reads) == 4 and table.blocks_read == 4
    table.forget_blocks()
    assert not table._cache


def test_a_large_table_is_checked_beside_the_cache(monkeypatch):
    monkeypatch.setattr(frame_tables, "KEEP_FROM_PASS_BYTES", 1000 * 4 * 8 - 1)
    table = CountingTable(_float32_values(1000, 4), block_frames=256)
    assert table.float32_exact_columns().all()
    assert len(table.reads) == 4 and table.blocks_read == 0 and not table._cache


@pytest.mark.parametrize("keep", [True, False])
def test_the_exactness_pass_gives_the_same_answer_kept_or_not(monkeypatch, keep):
    if not keep:
        monkeypatch.setattr(frame_tables, "KEEP_FROM_PASS_BYTES", 0)
    values = _float32_values(600, 3)
    values[555, 2] = 0.1  # not a float32 value, in the last block
    # Rows hold frames with gaps (frames without a row read as NaN, which is exact).
    frame_numbers = np.arange(600) * 2
    table = CountingTable(values, frame_numbers=frame_numbers, block_frames=256)
    assert table.float32_exact_columns().tolist() == [True, True, False]
    assert (table.blocks_read > 0) is keep


def test_the_head_of_a_table_reads_only_its_frames():
    values = _float32_values(1000, 3)
    table = CountingTable(values, frame_numbers=np.arange(1000) + 5, block_frames=256)
    view = ColumnView(table, np.array([[0, 1], [2, 1]]))
    head = view.head(100)
    assert head.shape == (100, 2, 2) and head.table is view.head(100).table
    expected = np.full((100, 3), np.nan)
    expected[5:] = values[:95]
    np.testing.assert_array_equal(head[:], expected[:, [[0, 1], [2, 1]]])
    assert table.reads == [(0, 95)] and table.blocks_read == 0
    assert head.float32_exact() and view.head(5000) is view
    table.forget_blocks()
    assert view.head(100).table is not head.table


def test_a_stub_series_reads_the_stub_frames_only():
    values = _float32_values(5000, 3)
    table = CountingTable(values, block_frames=4096)
    flags = IsValue(ColumnView(table, np.arange(3)), 0.0).head(100)
    assert flags.shape == (100, 3)
    iterator = series_values(ColumnView(table, np.arange(3).reshape(3, 1)), 1, 100)
    assert iterator.dtype == np.float32
    written = np.concatenate([chunk.data for chunk in iterator]).astype("float64")
    np.testing.assert_array_equal(written, values[:100, [1]])
    # One read of the first 100 rows, for the exactness check and the data both.
    assert table.reads == [(0, 100)] and table.blocks_read == 0


def test_a_nan_with_a_payload_is_not_float32_exact():
    # R's NA_real_ and a signalling NaN lose their payload in float32; a plain NaN of either sign keeps its bits.
    rows = np.zeros((4, 2))
    rows.view(np.uint64)[:, 1] = [0x7FF8000000000000, 0xFFF8000000000000, 0x7FF00000000007A2, 0x7FF0000000000001]
    assert frame_tables.float32_exact_rows(rows).tolist() == [True, True, False, False]
