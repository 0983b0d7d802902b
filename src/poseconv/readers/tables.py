"""Block-wise access to pandas tables as DeepLabCut writes them (``.h5`` table format, ``.csv``).

DeepLabCut stores its predictions with ``DataFrame.to_hdf(key, format="table")``:
a PyTables table whose rows are ``(index, values_block_0[, values_block_1 ...])``,
each block an array of float columns in the order pandas records in the
block's items. :class:`PandasH5Table` reads row ranges of that table with h5py,
maps block columns to the frame's columns with pandas' own
description of the table, and checks the mapping against ``HDFStore.select`` on
the first rows before it is used. Tables it cannot map (fixed format, other
dtypes) are left to pandas by the caller.

CSV has no random access, so :class:`CsvTable` parses the file once in row
chunks into a temporary binary file and reads blocks from a memory map of it;
memory stays bounded and the values are pandas' parse of the text.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ..errors import PoseconvWarning
from ..model.frame_tables import FrameTable
from .safety.safe_pickle import open_pandas_store

__all__ = [
    "CsvTable",
    "H5FileTable",
    "NotNumericError",
    "PandasH5Table",
    "close_collected",
    "exact_float_option",
    "open_h5_table",
    "warn_if_rows_short",
]

# Rows compared with HDFStore.select before the raw block mapping is trusted.
_CHECK_ROWS = 512
# Bytes of table rows read at once.
_ROW_SLICE_BYTES = 2 * 2**20
# Rows parsed at once when caching a CSV.
_CSV_CHUNK_ROWS = 65536


def exact_float_option() -> dict[str, str]:
    """Return the ``pandas.read_csv`` options that parse floats exactly (bit for bit as written)."""
    # pandas 3 parses floats exactly by default and deprecates the option; pandas 2 needs it.
    import pandas as pd

    return {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


class NotNumericError(ValueError):
    """A CSV cell that should hold a number holds something else."""


class H5FileTable(FrameTable):
    """A :class:`FrameTable` whose values are read with h5py from ``self.path``.

    The file is opened on the first read, kept open for the next blocks, closed by
    :meth:`close` or when the table is collected, and reopened if read again; a pickled
    copy (e.g. for a process pool) reopens it too.
    """

    path: Path
    _handle: Any = None
    _finalizer: Any = None

    def _file(self) -> Any:
        close_collected()
        if self._handle is None or not self._handle.id.valid:
            import h5py

            self._handle = h5py.File(self.path, mode="r")
            # Close the file when the table is garbage collected, not only at exit.
            self._finalizer = weakref.finalize(self, _close_quietly, self._handle, threading.get_ident())
        return self._handle

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.update(_handle=None, _finalizer=None, _cache=type(self._cache)(), _heads={})
        return state

    def close(self) -> None:
        """Close the HDF5 file; a later read reopens it."""
        super().close()
        # Asked for, not collected: closed here, on the caller's thread.
        if self._finalizer is not None and self._finalizer.detach() is not None:
            self._handle.close()
        self._handle = None


class PandasH5Table(H5FileTable):
    """Rows of a pandas table-format frame in an HDF5 file, read with h5py.

    Parameters
    ----------
    path : pathlib.Path
        The ``.h5`` file.
    key : str
        The table's key in the store.
    columns : pandas.Index
        The frame's columns (levels named), in frame order.
    block_columns : list of (str, numpy.ndarray)
        For each PyTables block column, the frame positions of its columns.
    frame_numbers : numpy.ndarray or None
        See :class:`~poseconv.model.frame_tables.FrameTable`.
    n_rows : int
        Rows of the table.
    """

    def __init__(
        self,
        *,
        path: Path,
        key: str,
        columns: Any,
        block_columns: list[tuple[str, np.ndarray]],
        frame_numbers: np.ndarray | None,
        n_rows: int,
    ) -> None:
        super().__init__(n_rows=n_rows, n_columns=len(columns), frame_numbers=frame_numbers)
        self.path = Path(path)
        self.key = key
        self.columns = columns
        self.block_columns = block_columns

    def _table(self) -> Any:
        # The rows are read with h5py (already loaded for writing, and one HDF5 library for both
        # reading and writing); pandas/PyTables only describes the table when it is opened.
        return self._file()[f"/{self.key.strip('/')}/table"]

    def _read_columns(self, start: int, stop: int) -> np.ndarray:
        table = self._table()
        out = np.empty((self.n_columns, stop - start), dtype="float64")
        # Rows are read a slice at a time and transposed into the column-major block: the record
        # buffer stays small (about 2 MiB) and the transposition works within the CPU caches.
        step = max(1, _ROW_SLICE_BYTES // max(1, table.dtype.itemsize))
        for first in range(start, stop, step):
            last = min(stop, first + step)
            rows = table[first:last]
            for name, positions in self.block_columns:
                out[positions, first - start : last - start] = rows[name].T
        return out

    def frame_index(self) -> np.ndarray:
        """Return the frame number of each row, from the table's whole index column.

        All of it, not its first and last rows: a table whose first row is frame 0 and last frame
        ``n - 1`` may still hold frames out of order in between (the analyses of a video's parts joined
        in the wrong order and saved as DeepLabCut saves them), which the reader refuses when it opens
        the file (``parse_frame_index``), as ``run --check`` does, not midway through a conversion.
        Read in slices, each compared with the frames ``0 .. n - 1`` of DeepLabCut's predictions on a
        whole video: a million rows in about 0.2 s, with no copy of the column kept.
        """
        table = self._table()
        index = table.fields("index")
        step = max(1, _ROW_SLICE_BYTES // 32)
        for first in range(0, self.n_rows, step):
            last = min(self.n_rows, first + step)
            if not np.array_equal(index[first:last], np.arange(first, last)):
                return np.asarray(index[()])
        return np.arange(self.n_rows, dtype="int64")


# Files of tables collected on a thread that must not close them, until a reading thread does.
_COLLECTED: list[Any] = []
_COLLECTED_LOCK = threading.Lock()


def _close_quietly(handle: Any, opener: int) -> None:
    # The garbage collector runs finalizers on whatever thread allocates: fsspec's event-loop thread
    # too, while the main thread holds h5py's lock reading a URL and waits for that loop. Closing
    # there would wait for the lock forever, so only the thread that opened the file closes it;
    # others leave it to the next read (close_collected).
    if threading.get_ident() != opener:
        with _COLLECTED_LOCK:
            _COLLECTED.append(handle)
        return
    # Closing at collection must never raise.
    with contextlib.suppress(Exception):
        handle.close()


def close_collected() -> None:
    """Close the files of tables that were collected on another thread than the one reading them."""
    with _COLLECTED_LOCK:
        handles = list(_COLLECTED)
        _COLLECTED.clear()
    for handle in handles:
        with contextlib.suppress(Exception):
            handle.close()


def open_h5_table(path: Path, key: str) -> tuple[PandasH5Table | None, str]:
    """Map a pandas table-format frame for block reads, or say why it cannot be.

    Parameters
    ----------
    path : pathlib.Path
        The ``.h5`` file.
    key : str
        Key of the frame in the store.

    Returns
    -------
    (PandasH5Table or None, str)
        The table (frame numbers not yet set), or None and the reason to read it with pandas instead.
    """
    with open_pandas_store(path) as store:
        storer = store.get_storer(key)
        if type(storer).__name__ != "AppendableFrameTable":
            return None, f"not an appendable table ({type(storer).__name__})"
        storer.infer_axes()
        if getattr(storer, "is_transposed", False):
            return None, "transposed table"
        head = store.select(key, start=0, stop=min(storer.nrows, _CHECK_ROWS))
        columns = head.columns
        if not all(np.dtype(dtype) == np.float64 for dtype in head.dtypes):
            return None, "not all columns are float64"
        index_axes = storer.index_axes
        if len(index_axes) != 1 or index_axes[0].cname != "index":
            return None, "no single 'index' column"
        if head.index.dtype.kind in "mM":
            # Stored as int64 nanoseconds: pandas gives the dates or durations, which the reader refuses by name.
            return None, "rows labelled by dates or durations"
        if head.index.dtype.kind in "OSU":
            # Stored as bytes: pandas gives the text (images of a time-lapse, SuperAnimal's "frame0000" labels).
            return None, "rows labelled by text"
        labels = list(columns)
        position_of = {label: i for i, label in enumerate(labels)}
        if len(position_of) != len(labels):
            return None, "duplicate column labels"
        block_columns = []
        seen: set[int] = set()
        for axis in storer.values_axes:
            items = list(axis.values)
            if np.dtype(axis.dtype) != np.float64 or any(item not in position_of for item in items):
                return None, f"block {axis.cname} does not map onto the frame's float columns"
            positions = np.array([position_of[item] for item in items], dtype="intp")
            seen.update(positions.tolist())
            block_columns.append((axis.cname, positions))
        if seen != set(range(len(labels))):
            return None, "blocks do not cover every column"
        n_rows = int(storer.nrows)
    table = PandasH5Table(
        path=path, key=key, columns=columns, block_columns=block_columns, frame_numbers=None, n_rows=n_rows
    )
    # Trust the mapping only if it reproduces pandas' own reading of the first rows, bit for bit.
    raw = table._read_columns(0, len(head)).T
    expected = head.to_numpy(dtype="float64")
    if raw.shape != expected.shape or raw.tobytes() != np.ascontiguousarray(expected).tobytes():
        table.close()
        return None, "raw block read differs from pandas"
    return table, ""


class CsvTable(FrameTable):
    """A DeepLabCut CSV parsed once into a temporary binary file and read back in blocks.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.
    n_header : int
        Header rows (3 single-animal, 4 multi-animal).
    level_names : list of str
        Names of the column levels.
    read_csv_options : dict
        Extra options for ``pandas.read_csv`` (exact float parsing on pandas 2).
    frame_column : bool, default: True
        Whether the first column holds the frame numbers; without it, row k is frame k.
    """

    keep_whole_when_reread = False  # blocks come from a memory map

    def __init__(
        self, *, path: Path, n_header: int, level_names: list[str], read_csv_options: dict, frame_column: bool = True
    ) -> None:
        import pandas as pd

        self.path = Path(path)
        handle, cache = tempfile.mkstemp(prefix="poseconv-", suffix=".f8")
        self.cache_path = Path(cache)
        # The cache lives as long as this table: removed when it is collected (and at exit).
        self._finalizer = weakref.finalize(self, _remove_quietly, self.cache_path)
        index_parts = []
        columns = None
        index_col = 0 if frame_column else None
        n_rows = 0
        with os.fdopen(handle, "wb") as out:
            reader = pd.read_csv(
                self.path,
                header=list(range(n_header)),
                index_col=index_col,
                chunksize=_CSV_CHUNK_ROWS,
                **read_csv_options,
            )
            with reader:
                for chunk in reader:
                    if columns is None:
                        columns = chunk.columns.set_names(level_names)
                    index_parts.append(np.asarray(chunk.index))
                    try:
                        values = chunk.to_numpy(dtype="float64")
                    except (TypeError, ValueError) as err:
                        raise NotNumericError(str(err)) from err
                    np.ascontiguousarray(values).tofile(out)
                    n_rows += len(chunk)
        if columns is None:
            columns = pd.read_csv(self.path, header=list(range(n_header)), index_col=index_col, nrows=0).columns
            columns = columns.set_names(level_names)
        self.columns = columns
        if frame_column:
            self.index = np.concatenate(index_parts) if index_parts else np.empty(0, dtype="int64")
        else:
            self.index = np.arange(n_rows, dtype="int64")
        if n_rows:
            cut = warn_if_rows_short(
                self.path,
                n_header=n_header,
                n_fields=len(columns) + int(frame_column),
                n_rows=n_rows,
                last_row=self.index[-1],
            )
            if cut is not None and cut - int(frame_column) >= 0:
                # The last value a cut row holds is itself cut ("363.0927" written as "36"): not a value.
                cached = np.memmap(self.cache_path, dtype="float64", mode="r+", shape=(n_rows, len(columns)))
                cached[n_rows - 1, cut - int(frame_column)] = np.nan
                cached.flush()
                del cached
        super().__init__(n_rows=n_rows, n_columns=len(columns))
        self._map: np.ndarray | None = None

    def _read_columns(self, start: int, stop: int) -> np.ndarray:
        if self._map is None:
            if self.n_rows == 0 or self.n_columns == 0:
                return np.empty((self.n_columns, stop - start))
            self._map = np.memmap(self.cache_path, dtype="float64", mode="r", shape=(self.n_rows, self.n_columns))
        return np.ascontiguousarray(self._map[start:stop].T)

    def close(self) -> None:
        """Drop the memory map; the cache file stays until the table is collected."""
        super().close()
        self._map = None


def _count_commas(path: Path, *, skip_lines: int) -> int:
    """Return how many commas ``path`` holds after its first ``skip_lines`` lines (numpy: ~3 GB/s)."""
    buffer = bytearray(1 << 23)
    view = np.frombuffer(buffer, dtype=np.uint8)
    commas = 0
    with _lines(path) as lines:
        # Each character is one byte (latin-1): the header's characters are the bytes to skip.
        start = sum(len(line) for line in itertools.islice(lines, skip_lines))
    with path.open("rb") as handle:
        handle.seek(start)
        while n := handle.readinto(buffer):
            commas += int(np.count_nonzero(view[:n] == ord(",")))
    return commas


def _lines(path: Path) -> TextIO:
    """Open ``path`` to be read line by line, each byte one character, line ends kept.

    Lines end in LF or CRLF, or in CR alone where no LF ends the first (Excel for Mac's "CSV (Macintosh)"):
    split on LF only, such a file would be one line.
    """
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    # A CR as the last byte read may be the first half of a CRLF.
    cr_only = b"\r" in head[:-1] and b"\n" not in head
    return path.open(encoding="latin-1", newline="\r" if cr_only else "\n")


def _ends_a_line(path: Path) -> bool:
    """Whether the file's last byte ends a line (pandas and the tools end every CSV so)."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) in (b"\n", b"\r")


def warn_if_rows_short(path: Path, *, n_header: int, n_fields: int, n_rows: int, last_row: Any) -> int | None:
    """Warn when rows have fewer values than the header: an interrupted export, or a damaged or edited file.

    pandas fills the missing values of a short row with NaN without a word, which would hide a
    damaged file among the frames a tool could not track. Full rows of numbers hold exactly
    ``n_fields - 1`` commas each, so the file is counted once (bytes, fast) and read line by line
    only when commas are missing. A file that does not end a line was cut in its last row: when that
    row is short, its last value was cut too, and its position among the fields is returned (the
    caller reads it as NaN); None otherwise.
    """
    import warnings

    ends_a_line = _ends_a_line(path)
    short: list[tuple[int, int]] = []
    last_line = 0
    if _count_commas(path, skip_lines=n_header) < n_rows * (n_fields - 1):
        with _lines(path) as lines:
            for number, text in enumerate(lines, start=1):
                if number > n_header and text.strip():
                    last_line = number
                    if text.count(",") < n_fields - 1:
                        short.append((number, text.count(",") + 1))
    cut = None
    if len(short) == 1 and short[0][0] == last_line:
        found = short[0][1]
        cut = found - 1 if not ends_a_line else None
        message = (
            f"its last row (line {last_line}, frame {last_row}) has {found} of {n_fields} values: the file looks "
            "cut short (an interrupted export or copy). The missing values are read as NaN"
            + (", and the last one it holds, cut in the middle, too" if cut is not None else "")
        )
    elif short:
        first, found = short[0]
        message = (
            f"{len(short)} row(s) have fewer values than the header's {n_fields}, the first at line {first} "
            f"({found} values): the file was damaged or edited. The missing values are read as NaN"
        )
    elif not ends_a_line:
        message = (
            f"it does not end its last line (frame {last_row}), as the tools always do: it may be cut short (an "
            "interrupted copy), and that row's last value cut in the middle. It is read as written"
        )
    else:
        return None
    warnings.warn(
        f"{path}: {message}; export the file again from the tool to be sure nothing else is lost.",
        PoseconvWarning,
        stacklevel=3,
    )
    return cut


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
