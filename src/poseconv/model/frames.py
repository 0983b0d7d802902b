"""Frame tables read block by block, and lazy array views of their columns.

A pose file is a table: one row per frame, one column per (individual, node, axis)
or confidence value. :class:`FrameTable` reads such a table in aligned blocks of
frames and keeps the last few blocks, so the many series cut from one table (one
per node, data and confidence) are served by a single read of each block when
they are written side by side. :class:`ColumnView` is what a reader puts into a
:class:`~poseconv.model.PoseTrack` instead of a numpy array: it has ``shape``,
``dtype`` and numpy-like indexing, and reads only the frames asked for.

Values are never converted: a view returns the table's float64 values bit for
bit, and NaN (the reader's fill) for frames that have no row.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from typing import Any

import numpy as np

from ..errors import InvalidSourceFileError, PoseconvError

__all__ = [
    "ArrayTable",
    "ColumnView",
    "FrameTable",
    "IsValue",
    "LazyArray",
    "float32_exact_rows",
    "is_lazy_array",
]

# A block of about this many bytes (all columns of the table) is read at once.
TARGET_BLOCK_BYTES = 64 * 2**20
MIN_BLOCK_FRAMES = 1024
MAX_BLOCK_FRAMES = 65536
# Blocks kept: the one being served and the next, so writers that run slightly ahead still hit.
CACHED_BLOCKS = 2
# A table up to this size is kept whole once a block it dropped is asked for again: a writer that
# takes one series at a time (neuroconv's own) would otherwise read the whole table once per series.
KEEP_WHOLE_BYTES = 256 * 2**20


def float32_exact_rows(values: np.ndarray) -> np.ndarray:
    """Return, per row of a 2-D array, whether every value survives float64 -> float32 -> float64.

    NaN counts as exact (its position is what a reader needs back); any other value must
    come back bit for bit, so values beyond float32's range or precision are not exact.

    Parameters
    ----------
    values : numpy.ndarray
        ``(rows, n)`` values; only float64 (and float32) arrays can be exact.

    Returns
    -------
    numpy.ndarray of bool
        ``(rows,)``.
    """
    values = np.asarray(values)
    if values.dtype == np.float32:
        return np.ones(values.shape[0], dtype=bool)
    if values.dtype != np.float64:
        return np.zeros(values.shape[0], dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        single = values.astype(np.float32)
    # float32 == float64 compares in float64 (numpy casts in small buffers, no whole-array copy).
    return np.logical_or(single == values, np.isnan(values)).all(axis=1)


def block_frames_for(n_columns: int, itemsize: int = 8, target_bytes: int | None = None) -> int:
    """Return the frames per block: a power of two near ``target_bytes`` of all columns.

    Parameters
    ----------
    n_columns : int
        Columns of the table.
    itemsize : int, default: 8
        Bytes per value.
    target_bytes : int, optional
        Bytes of a block; :data:`TARGET_BLOCK_BYTES` by default.

    Returns
    -------
    int
        Between ``MIN_BLOCK_FRAMES`` and ``MAX_BLOCK_FRAMES``.
    """
    target = TARGET_BLOCK_BYTES if target_bytes is None else target_bytes
    frames = target // max(1, n_columns * itemsize)
    power = 1 << max(0, int(frames).bit_length() - 1)
    return int(min(MAX_BLOCK_FRAMES, max(MIN_BLOCK_FRAMES, power)))


class LazyArray(ABC):
    """Marker base of array-likes that read their values on demand (see :func:`is_lazy_array`)."""

    shape: tuple[int, ...]
    dtype: np.dtype

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self.shape)

    def __len__(self) -> int:
        return int(self.shape[0])

    def __getitem__(self, key: Any) -> np.ndarray:
        """Numpy-like indexing; reads only the frames selected (fancy frame indices read all)."""
        if not isinstance(key, tuple):
            key = (key,)
        if any(k is Ellipsis for k in key):
            position = next(i for i, k in enumerate(key) if k is Ellipsis)
            fill = (slice(None),) * (self.ndim - len(key) + 1)
            key = key[:position] + fill + key[position + 1 :]
        frames, rest = (key[0], key[1:]) if key else (slice(None), ())
        if isinstance(frames, (int, np.integer)):
            index = int(frames) + (self.shape[0] if frames < 0 else 0)
            if not 0 <= index < self.shape[0]:
                raise IndexError(f"Frame {frames} is out of range for {self.shape[0]} frames.")
            return self.read(index, index + 1)[0][rest] if rest else self.read(index, index + 1)[0]
        if isinstance(frames, slice):
            start, stop, step = frames.indices(self.shape[0])
            if step > 0:
                values = self.read(start, stop)[::step] if stop > start else self.read(0, 0)
            else:
                values = self.read(stop + 1, start + 1)[::-1][::-step] if start > stop else self.read(0, 0)
            return values[(slice(None), *rest)] if rest else values
        # Fancy frame indices: read the whole view once, then index with numpy.
        return np.asarray(self.read(0, self.shape[0]))[key]

    @abstractmethod
    def read(self, start: int, stop: int) -> np.ndarray:
        """Return frames ``[start, stop)`` as a numpy array."""

    @abstractmethod
    def select(self, *key: Any) -> LazyArray:
        """Return a lazy view of the trailing dimensions indexed by ``key``, reading nothing."""

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        values = self[:]
        return values if dtype is None else values.astype(dtype, copy=False)

    def forget_blocks(self) -> None:
        """Drop the values this array keeps from earlier reads (a later read reads the source again).

        Nothing by default; views of a :class:`FrameTable` forget the table's cached blocks.
        """
        return None

    def float32_exact(self, n_frames: int | None = None) -> bool:
        """Return whether every value of the first ``n_frames`` frames survives float64 -> float32 -> float64.

        Reads the frames block by block (one block in memory at a time).

        Parameters
        ----------
        n_frames : int, optional
            Frames to check (the first ones); all by default.

        Returns
        -------
        bool
            True for float32 values and for float64 values that float32 holds exactly (NaN included).
        """
        if self.dtype not in (np.float32, np.float64):
            return False
        stop = self.shape[0] if n_frames is None else min(self.shape[0], int(n_frames))
        step = int(getattr(self, "block_frames", 0) or MAX_BLOCK_FRAMES)
        for start in range(0, stop, step):
            block = np.asarray(self.read(start, min(stop, start + step)))
            if not float32_exact_rows(block.reshape(1, -1))[0]:
                return False
        return True


def is_lazy_array(values: Any) -> bool:
    """Return True when ``values`` is a :class:`LazyArray` (kept as is by the model, read in blocks by the writer)."""
    return isinstance(values, LazyArray)


class FrameTable(ABC):
    """A frame-indexed table of float values read in aligned blocks of frames.

    Subclasses implement :meth:`_read_columns`. Rows are the table's own rows; when
    ``frame_numbers`` is given, row ``i`` holds frame ``frame_numbers[i]`` (strictly
    increasing) and frames without a row read as NaN.

    Parameters
    ----------
    n_rows : int
        Rows of the table.
    n_columns : int
        Columns of the table.
    frame_numbers : numpy.ndarray, optional
        Frame number of each row; None when row ``i`` is frame ``i``.
    n_frames : int, optional
        Frames of the time base; by default one past the last frame number.
    block_frames : int, optional
        Frames per block; by default from :func:`block_frames_for`.
    """

    dtype = np.dtype("float64")
    # Whether to keep the table whole (up to KEEP_WHOLE_BYTES) once a dropped block is asked for
    # again; tables whose blocks are cheap to make again (already in memory, memory-mapped) do not.
    keep_whole_when_reread = True

    def __init__(
        self,
        *,
        n_rows: int,
        n_columns: int,
        frame_numbers: np.ndarray | None = None,
        n_frames: int | None = None,
        block_frames: int | None = None,
    ) -> None:
        self.n_rows = int(n_rows)
        self.n_columns = int(n_columns)
        self.frame_numbers = None if frame_numbers is None else np.asarray(frame_numbers, dtype="int64")
        if n_frames is None:
            if self.frame_numbers is None:
                n_frames = self.n_rows
            else:
                n_frames = int(self.frame_numbers[-1]) + 1 if len(self.frame_numbers) else 0
        self.n_frames = int(n_frames)
        self.block_frames = int(block_frames or block_frames_for(self.n_columns, self.dtype.itemsize))
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._dropped: set[int] = set()
        self._capacity = CACHED_BLOCKS
        self.blocks_read = 0
        self._float32_exact: np.ndarray | None = None

    @abstractmethod
    def _read_columns(self, start: int, stop: int) -> np.ndarray:
        """Return rows ``[start, stop)`` column-major: a C-contiguous ``(n_columns, stop - start)`` array."""

    def set_frames(self, frame_numbers: np.ndarray | None, n_frames: int) -> None:
        """Set which frame each row holds and the length of the time base.

        Parameters
        ----------
        frame_numbers : numpy.ndarray or None
            Strictly increasing frame number of each row; None when row ``i`` is frame ``i``.
        n_frames : int
            Frames of the time base (at least one past the last frame number).
        """
        self.frame_numbers = None if frame_numbers is None else np.asarray(frame_numbers, dtype="int64")
        self.n_frames = int(n_frames)
        self.forget_blocks()

    def close(self) -> None:
        """Release files held open and blocks kept; reading again reopens them."""
        self.forget_blocks()

    def forget_blocks(self) -> None:
        """Drop the cached blocks, e.g. after a stub write read the first one; the files stay open."""
        self._cache.clear()
        self._dropped.clear()
        self._capacity = CACHED_BLOCKS

    def _block(self, index: int) -> np.ndarray:
        """Return block ``index`` column-major, ``(n_columns, frames)``, from the cache or the source.

        Blocks are kept column-major because every series takes a few whole columns of
        them: one transposition per block instead of a strided gather per series.
        """
        block = self._cache.get(index)
        if block is not None:
            self._cache.move_to_end(index)
            return block
        start = index * self.block_frames
        stop = min(self.n_frames, start + self.block_frames)
        if self.frame_numbers is None:
            block = self._read_source(start, min(stop, self.n_rows))
            if block.shape[1] < stop - start:
                # The time base is longer than the table (metadata says so): the rest is missing.
                padded = np.full((self.n_columns, stop - start), np.nan)
                padded[:, : block.shape[1]] = block
                block = padded
        else:
            lo, hi = np.searchsorted(self.frame_numbers, [start, stop])
            block = np.full((self.n_columns, stop - start), np.nan)
            if hi > lo:
                block[:, self.frame_numbers[lo:hi] - start] = self._read_source(int(lo), int(hi))
        block.flags.writeable = False
        self.blocks_read += 1
        whole_bytes = self.n_frames * self.n_columns * self.dtype.itemsize
        if index in self._dropped and self.keep_whole_when_reread and whole_bytes <= KEEP_WHOLE_BYTES:
            self._capacity = -(-self.n_frames // self.block_frames)
        self._cache[index] = block
        while len(self._cache) > self._capacity:
            self._dropped.add(self._cache.popitem(last=False)[0])
        return block

    def float32_exact_columns(self) -> np.ndarray:
        """Return, per column, whether every value survives float64 -> float32 -> float64 (NaN counts as exact).

        The first call reads the table's rows once, a block at a time, beside the block cache (so
        that this pass neither keeps blocks nor makes the writer's reads look like re-reads), and
        stops early once no column can be exact; later calls return the remembered answer, so all
        series cut from one table share one pass.

        Returns
        -------
        numpy.ndarray of bool
            ``(n_columns,)``.
        """
        if self._float32_exact is None:
            exact = np.ones(self.n_columns, dtype=bool)
            for start in range(0, self.n_rows, self.block_frames):
                if not exact.any():
                    break
                exact &= float32_exact_rows(self._read_source(start, min(self.n_rows, start + self.block_frames)))
            self._float32_exact = exact
        return self._float32_exact

    def _read_source(self, start: int, stop: int) -> np.ndarray:
        # Values are read while the NWB file is written: a damaged file must still fail with a clear error.
        try:
            return self._read_columns(start, stop)
        except PoseconvError:
            raise
        except Exception as err:
            # Any failure of the source's reader (h5py, pandas, a lazy reader of a plug-in) is re-raised with
            # the file and the rows, as the error every writer expects from a damaged file.
            raise InvalidSourceFileError(
                f"{getattr(self, 'path', None) or 'the pose file'}: rows {start} to {stop - 1} cannot be read "
                f"({type(err).__name__}: {err}); the file is damaged or changed during the conversion."
            ) from err

    def read_frames(self, start: int, stop: int, columns: np.ndarray | None = None) -> np.ndarray:
        """Return frames ``[start, stop)`` of ``columns`` (all columns when None) as a new array.

        Parameters
        ----------
        start, stop : int
            Frame range, clipped to ``[0, n_frames)``.
        columns : numpy.ndarray of int, optional
            Column indices; the result has shape ``(frames, *columns.shape)``.

        Returns
        -------
        numpy.ndarray
            C-contiguous float64 values, NaN where a frame has no row.
        """
        start = max(0, int(start))
        stop = min(self.n_frames, int(stop))
        columns = np.arange(self.n_columns) if columns is None else np.asarray(columns, dtype="intp")
        out = np.empty((max(0, stop - start), *columns.shape), dtype=self.dtype)
        position = start
        while position < stop:
            index = position // self.block_frames
            block_start = index * self.block_frames
            block = self._block(index)
            upto = min(stop, block_start + block.shape[1])
            # (*columns.shape, frames) rows of the block, written frame-major.
            segment = block[columns, position - block_start : upto - block_start]
            out[position - start : upto - start] = np.moveaxis(segment, -1, 0)
            position = upto
        return out


class ArrayTable(FrameTable):
    """A :class:`FrameTable` over a 2-D array already in memory (tables pandas had to read whole).

    Parameters
    ----------
    values : numpy.ndarray
        ``(rows, columns)`` float64.
    **kwargs
        As :class:`FrameTable` (``frame_numbers``, ``n_frames``).
    """

    keep_whole_when_reread = False

    def __init__(self, values: np.ndarray, **kwargs: Any) -> None:
        self.values = np.asarray(values, dtype="float64")
        super().__init__(n_rows=self.values.shape[0], n_columns=self.values.shape[1], **kwargs)

    def _read_columns(self, start: int, stop: int) -> np.ndarray:
        return np.ascontiguousarray(self.values[start:stop].T)


class ColumnView(LazyArray):
    """A lazy ``(frames, *column_map.shape)`` array whose values are columns of a :class:`FrameTable`.

    Indexing reads only the frames selected and always returns a numpy array;
    :meth:`select` narrows the trailing dimensions without reading anything.

    Parameters
    ----------
    table : FrameTable
        The table.
    column_map : numpy.ndarray of int
        Table column of each trailing element, e.g. ``(nodes, dims)`` for positions.
    """

    def __init__(self, table: FrameTable, column_map: np.ndarray) -> None:
        self.table = table
        self.column_map = np.asarray(column_map, dtype="intp")
        if self.column_map.size and (self.column_map.min() < 0 or self.column_map.max() >= table.n_columns):
            raise ValueError(f"Column indices must be within the table's {table.n_columns} columns.")
        self.shape = (table.n_frames, *self.column_map.shape)
        self.dtype = table.dtype

    @property
    def block_frames(self) -> int:
        """Frames the table reads at once; writers align their chunks to it."""
        return self.table.block_frames

    def __repr__(self) -> str:
        return f"ColumnView(shape={self.shape}, table={type(self.table).__name__})"

    def select(self, *key: Any) -> ColumnView:
        """Return a view of the trailing dimensions indexed by ``key`` (numpy rules), reading nothing."""
        return ColumnView(self.table, self.column_map[key])

    def read(self, start: int, stop: int) -> np.ndarray:
        """Return frames ``[start, stop)`` as a numpy array."""
        return self.table.read_frames(start, stop, self.column_map)

    def forget_blocks(self) -> None:
        """Drop the table's cached blocks (shared by every view of the table)."""
        self.table.forget_blocks()

    def float32_exact(self, n_frames: int | None = None) -> bool:
        """Return whether every value of the first ``n_frames`` frames survives float64 -> float32 -> float64.

        As :meth:`LazyArray.float32_exact`, but for the whole view the table's per-column answer is
        used (one pass over the table for all its views); for fewer frames (stub conversions) only
        those frames are read.
        """
        if self.dtype not in (np.float32, np.float64):
            return False
        if n_frames is not None and int(n_frames) < self.shape[0]:
            return super().float32_exact(n_frames)
        return bool(self.table.float32_exact_columns()[self.column_map.reshape(-1)].all())


class IsValue(LazyArray):
    """A lazy boolean view: True where ``view`` equals ``value`` (e.g. a 0/1 flag column of a table).

    Parameters
    ----------
    view : LazyArray
        Values to compare.
    value : float
        The value that reads as True; anything else (NaN included) reads as False.
    """

    def __init__(self, view: LazyArray, value: float) -> None:
        self.view = view
        self.value = value
        self.shape = tuple(view.shape)
        self.dtype = np.dtype(bool)

    def __repr__(self) -> str:
        return f"IsValue({self.view!r} == {self.value!r})"

    @property
    def block_frames(self) -> int | None:
        """Frames the underlying table reads at once (None when it has no blocks); writers align their chunks to it."""
        return getattr(self.view, "block_frames", None)

    def read(self, start: int, stop: int) -> np.ndarray:
        """Return frames ``[start, stop)`` as a boolean numpy array."""
        return np.asarray(self.view.read(start, stop)) == self.value

    def select(self, *key: Any) -> IsValue:
        """Return a view of the trailing dimensions indexed by ``key``, reading nothing."""
        return IsValue(self.view.select(*key), self.value)

    def forget_blocks(self) -> None:
        """Drop what the compared view keeps from earlier reads."""
        self.view.forget_blocks()
