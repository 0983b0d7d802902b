"""readers/tables: the HDF5 file of a collected table is closed by a reading thread, never by another one."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pandas as pd

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
