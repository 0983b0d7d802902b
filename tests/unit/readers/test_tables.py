"""readers/tables: the HDF5 file of a collected table is closed by a reading thread, never by another one."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pandas as pd
import pytest

from poseconv.readers.tables import close_collected, open_h5_table


def _table(path):
    """A pandas table-format frame, as DeepLabCut writes it, opened for block reads; one block read."""
    pd.DataFrame({"x": np.arange(6.0), "y": np.arange(6.0) * 2}).to_hdf(path, key="df", format="table")
    table, reason = open_h5_table(path, "df")
    assert table is not None, reason
    np.testing.assert_array_equal(table.float32_exact_columns(), [True, True])
    return table


def test_a_table_collected_on_another_thread_leaves_its_file_to_the_next_read(tmp_path):
    table = _table(tmp_path / "a.h5")
    handle = table._handle
    # The collection happens on another thread (as on fsspec's event loop): the file is not closed there.
    worker = threading.Thread(target=table._finalizer)
    worker.start()
    worker.join()
    assert handle.id.valid
    close_collected()
    assert not handle.id.valid


def test_a_table_collected_on_its_own_thread_or_closed_closes_its_file(tmp_path):
    table = _table(tmp_path / "b.h5")
    handle = table._handle
    del table
    gc.collect()
    assert not handle.id.valid
    other = _table(tmp_path / "c.h5")
    handle = other._handle
    other.close()
    assert not handle.id.valid
    # A later read opens the file again.
    assert other._file().id.valid


def _dlc_like(path, index):
    columns = pd.MultiIndex.from_product(
        [["S"], ["nose"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    values = np.arange(len(index) * 3.0).reshape(-1, 3)
    # As DeepLabCut saves its predictions (auxiliaryfunctions.SaveData: to_hdf(format="table")).
    pd.DataFrame(values, index=index, columns=columns).to_hdf(path, key="df_with_missing", format="table", mode="w")
    table, reason = open_h5_table(path, "df_with_missing")
    assert table is not None, reason
    return table


def test_the_frame_index_is_read_whole_not_taken_from_its_first_and_last_rows(tmp_path, monkeypatch):
    import poseconv.readers.tables as tables

    # Slices of 10 rows, so that the index is compared over many slices.
    monkeypatch.setattr(tables, "_ROW_SLICE_BYTES", 320)
    in_order = np.arange(300)
    np.testing.assert_array_equal(_dlc_like(tmp_path / "a.h5", in_order).frame_index(), in_order)
    # The parts of a video joined out of order: first row 0, last row n - 1, frames 100-199 after 200-299.
    joined = np.concatenate([np.arange(100), np.arange(200, 250), np.arange(100, 200), np.arange(250, 300)])
    np.testing.assert_array_equal(_dlc_like(tmp_path / "b.h5", joined).frame_index(), joined)


def test_a_predictions_table_out_of_order_in_the_middle_is_refused_when_opened(tmp_path):
    from poseconv.errors import InvalidSourceFileError
    from poseconv.readers.deeplabcut.table import open_predictions

    joined = np.concatenate([np.arange(2000), np.arange(3000, 4000), np.arange(2000, 3000), np.arange(4000, 5000)])
    path = tmp_path / "videoDLC_resnet50_testJan1shuffle1_1000.h5"
    _dlc_like(path, joined).close()
    # Before any value is read (as run --check opens the file), not midway through a conversion.
    with pytest.raises(InvalidSourceFileError, match="out of order"):
        open_predictions(path)


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_short_rows_are_warned_of_whatever_ends_the_lines(tmp_path, end):
    import warnings

    from poseconv.readers.tables import CsvTable, exact_float_option

    # Excel for Mac's "CSV (Macintosh)" ends lines in CR alone: read as one line, its short row was not seen.
    lines = ["scorer,S,S,S", "bodyparts,nose,nose,nose", "coords,x,y,likelihood", "0,1,2,0.5", "1,3", "2,5,6,0.7"]
    path = tmp_path / "a.csv"
    path.write_bytes((end.join(lines) + end).encode())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = CsvTable(
            path=path, n_header=3, level_names=["scorer", "bodyparts", "coords"], read_csv_options=exact_float_option()
        )
    said = [str(w.message) for w in caught if "fewer values" in str(w.message)]
    assert len(said) == 1 and "the first at line 5 (2 values)" in said[0], said
    assert table.n_rows == 3
