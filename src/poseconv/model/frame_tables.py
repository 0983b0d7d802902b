"""Frame tables: a pose file's values, one row per frame, read in aligned blocks of frames.

A pose file is a table: one row per frame, one column per (individual, node, axis)
or confidence value. :class:`FrameTable` reads such a table in aligned blocks of
frames and keeps the last few blocks, so the many series cut from one table (one
per node, data and confidence) are served by a single read of each block when
they are written side by side. Readers subclass it for their files; the lazy
views of its columns that tracks hold are in :mod:`poseconv.model.frames`.

Values are never converted: a table returns its float64 values bit for bit, and
NaN (the reader's fill) for frames that have no row.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from typing import Any

import numpy as np

from ..errors import InvalidSourceFileError, PoseconvError

__all__ = [
    "ArrayTable",
    "FrameTable",
    "block_frames_for",
    "float32_exact_rows",
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
# A table up to this size keeps the blocks its exactness pass read, for the writer that follows: read
# once, not twice (a third of a batch session's conversion at 100,000 frames), for a bounded cost.
KEEP_FROM_PASS_BYTES = 32 * 2**20


def float32_exact_rows(values: np.ndarray) -> np.ndarray:
    """Return, per row of a 2-D array, whether every value survives float64 -> float32 -> float64.

    Every value must come back bit for bit, so values beyond float32's range or precision are not
    exact; nor is a NaN with a payload (R's ``NA_real_``, a signalling NaN), which float32 cannot hold.
    A plain NaN, of either sign, is exact.

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
    # Bits, not ==: a NaN never equals itself, and one with a payload must not pass for a plain one.
    exact = single.astype(np.float64).view(np.uint64) == values.view(np.uint64)
    return exact.all(axis=1)


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
        # Tables of the first frames only (:meth:`head`), by frame count.
        self._heads: dict[int, FrameTable] = {}

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
        # The exactness pass answers for the frames of the time base: asked again for the new one.
        self._float32_exact = None

    def close(self) -> None:
        """Release files held open and blocks kept; reading again reopens them."""
        self.forget_blocks()

    def forget_blocks(self) -> None:
        """Drop the cached blocks, e.g. after a stub write read the first one; the files stay open."""
        self._cache.clear()
        self._dropped.clear()
        self._capacity = CACHED_BLOCKS
        self._heads.clear()

    def head(self, n_frames: int) -> FrameTable:
        """Return a table of the first ``n_frames`` frames that reads only their rows (stub conversions).

        Its one block is those frames: a stub of 100 frames reads 100 rows of the source, not the
        first block of this table (up to 65,536 rows). Asked twice for the same frames, it is the
        same table, so every series of a stub shares one read.

        Parameters
        ----------
        n_frames : int
            Frames to keep (at most this table's).

        Returns
        -------
        FrameTable
            The first frames, with this table's values, dtype and missing frames.
        """
        n_frames = max(0, min(self.n_frames, int(n_frames)))
        if n_frames not in self._heads:
            self._heads[n_frames] = _HeadTable(self, n_frames)
        return self._heads[n_frames]

    def _block(self, index: int) -> np.ndarray:
        """Return block ``index`` column-major, ``(n_columns, frames)``, from the cache or the source.

        Blocks are kept column-major because every series takes a few whole columns of
        them: one transposition per block instead of a strided gather per series.
        """
        block = self._cache.get(index)
        if block is not None:
            self._cache.move_to_end(index)
            return block
        block = self._source_block(index)
        self.blocks_read += 1
        if index in self._dropped and self.keep_whole_when_reread and self._whole_bytes() <= KEEP_WHOLE_BYTES:
            self._capacity = -(-self.n_frames // self.block_frames)
        self._cache[index] = block
        while len(self._cache) > self._capacity:
            self._dropped.add(self._cache.popitem(last=False)[0])
        return block

    def _whole_bytes(self) -> int:
        """Bytes of the whole table as blocks hold it (every frame of the time base, every column)."""
        return self.n_frames * self.n_columns * self.dtype.itemsize

    def _source_block(self, index: int) -> np.ndarray:
        """Read block ``index`` from the source, read-only and column-major, NaN for frames without a row."""
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
        return block

    def float32_exact_columns(self) -> np.ndarray:
        """Return, per column, whether every value survives float64 -> float32 -> float64 (:func:`float32_exact_rows`).

        The first call reads the table's rows once, a block at a time, and stops early once no
        column can be exact; later calls return the remembered answer, so all series cut from one
        table share one pass. A table of up to :data:`KEEP_FROM_PASS_BYTES` whose blocks cost a
        read keeps them for the writer that follows (it is then read once in all); a larger one is
        read beside the block cache, so that the pass neither holds more than one block nor makes
        the writer's reads look like re-reads.

        Returns
        -------
        numpy.ndarray of bool
            ``(n_columns,)``.
        """
        if self._float32_exact is None:
            exact = np.ones(self.n_columns, dtype=bool)
            n_blocks = -(-self.n_frames // self.block_frames)
            if self.keep_whole_when_reread and self._whole_bytes() <= KEEP_FROM_PASS_BYTES:
                self._capacity = max(self._capacity, n_blocks)
                # Frames without a row read as NaN, which is exact: the blocks answer as the rows do.
                blocks = (self._block(index) for index in range(n_blocks))
            else:
                step = self.block_frames
                blocks = (self._read_source(at, min(self.n_rows, at + step)) for at in range(0, self.n_rows, step))
            for block in blocks:
                exact &= float32_exact_rows(block)
                if not exact.any():
                    break
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


class _HeadTable(FrameTable):
    """The first frames of a :class:`FrameTable`, read from its source in one block of their own (see ``head``)."""

    def __init__(self, table: FrameTable, n_frames: int) -> None:
        self.table = table
        self.dtype = table.dtype
        if table.frame_numbers is None:
            rows, frame_numbers = min(n_frames, table.n_rows), None
        else:
            rows = int(np.searchsorted(table.frame_numbers, n_frames))
            frame_numbers = table.frame_numbers[:rows]
        super().__init__(
            n_rows=rows,
            n_columns=table.n_columns,
            frame_numbers=frame_numbers,
            n_frames=n_frames,
            block_frames=max(1, n_frames),
        )

    def _read_columns(self, start: int, stop: int) -> np.ndarray:
        # The table's own reading: its checks of the rows and its errors naming the file.
        return self.table._read_source(start, stop)
