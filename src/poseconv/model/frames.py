"""Lazy arrays: what a track holds instead of a numpy array, read only where asked.

:class:`ColumnView` is what a reader puts into a :class:`~poseconv.model.PoseTrack`
instead of a numpy array: columns of a :class:`~poseconv.model.frame_tables.FrameTable`
with ``shape``, ``dtype`` and numpy-like indexing, reading only the frames asked
for. The tables themselves (read block by block) are in
:mod:`poseconv.model.frame_tables`; their names are also importable from here.

Values are never converted: a view returns the table's float64 values bit for
bit, and NaN (the reader's fill) for frames that have no row.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from . import frame_tables
from .frame_tables import ArrayTable, FrameTable, block_frames_for, float32_exact_rows

__all__ = [
    "ArrayTable",
    "ColumnView",
    "FrameTable",
    "IsValue",
    "NO_DETECTION",
    "LazyArray",
    "block_frames_for",
    "float32_exact_rows",
    "is_lazy_array",
    "missing_points",
    "read_frames",
    "undetected_points",
    "without_padding",
]


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

    def head(self, n_frames: int) -> LazyArray:
        """Return this array over its first ``n_frames`` frames, read without reading more (stub conversions).

        Itself by default (its reads already take only the frames asked for); views of a
        :class:`FrameTable` read those frames alone instead of the block that holds them.
        """
        return self

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
            True for float32 values and for float64 values that float32 holds bit for bit (a plain NaN too).
        """
        if self.dtype not in (np.float32, np.float64):
            return False
        stop = self.shape[0] if n_frames is None else min(self.shape[0], int(n_frames))
        step = int(getattr(self, "block_frames", 0) or frame_tables.MAX_BLOCK_FRAMES)
        for start in range(0, stop, step):
            block = np.asarray(self.read(start, min(stop, start + step)))
            if not float32_exact_rows(block.reshape(1, -1))[0]:
                return False
        return True


def is_lazy_array(values: Any) -> bool:
    """Return True when ``values`` is a :class:`LazyArray` (kept as is by the model, read in blocks by the writer)."""
    return isinstance(values, LazyArray)


#: What DeepLabCut 3 writes for x, y and likelihood of an animal it did not detect in a frame (its
#: outputs are padded to the number of animals). Kept as written; summaries, plots and checks count it missing.
NO_DETECTION = -1.0


def undetected_points(positions: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Return ``(frames, nodes)``, True where every coordinate and the confidence are :data:`NO_DETECTION`.

    That is DeepLabCut 3's padding for an animal it did not detect in a frame; no other tool writes it.

    Parameters
    ----------
    positions : numpy.ndarray
        ``(frames, nodes, dims)`` coordinates.
    confidence : numpy.ndarray
        ``(frames, nodes)`` scores.
    """
    # Coordinate by coordinate: numpy reduces a 2- or 3-long last axis far slower than it compares columns.
    undetected = confidence == NO_DETECTION
    for axis in range(positions.shape[2]):
        undetected &= positions[..., axis] == NO_DETECTION
    return undetected


def without_padding(positions: np.ndarray, confidence: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Return ``positions`` and ``confidence`` with DeepLabCut 3's padding (:func:`undetected_points`) made NaN.

    For what draws or exports poses as absent where there is none (a plot, SLEAP's files); the arrays
    given are not changed.
    """
    if confidence is None:
        return positions, confidence
    padded = undetected_points(positions, confidence)
    if not padded.any():
        return positions, confidence
    return np.where(padded[..., None], np.nan, positions), np.where(padded, np.nan, confidence)


def missing_points(positions: np.ndarray, confidence: np.ndarray | None = None) -> np.ndarray:
    """Return ``(frames, nodes)``, True where a node has no position in a frame.

    A node is missing when a coordinate is NaN or, given the confidence, when the values are
    DeepLabCut 3's padding (:func:`undetected_points`).

    Parameters
    ----------
    positions : numpy.ndarray
        ``(frames, nodes, dims)`` coordinates.
    confidence : numpy.ndarray, optional
        ``(frames, nodes)`` scores; without them no value counts as padding.
    """
    gone = np.isnan(positions[..., 0])
    for axis in range(1, positions.shape[2]):
        gone |= np.isnan(positions[..., axis])
    if confidence is not None:
        gone |= undetected_points(positions, confidence)
    return gone


def read_frames(values: Any, start: int, stop: int, dtype: str | None = "float64") -> np.ndarray:
    """Return frames ``[start, stop)`` of a model array, lazy (read now) or in memory, as numpy.

    Parameters
    ----------
    values : LazyArray or array-like
        A track's positions, confidence or per-frame values.
    start, stop : int
        The frames.
    dtype : str or None, default: "float64"
        The dtype returned; None keeps the array's own.
    """
    return np.asarray(values.read(start, stop) if is_lazy_array(values) else values[start:stop], dtype=dtype)


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

    def head(self, n_frames: int) -> ColumnView:
        """Return this view over the table's first ``n_frames`` frames, which reads only those rows."""
        if int(n_frames) >= self.shape[0]:
            return self
        return ColumnView(self.table.head(n_frames), self.column_map)

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

    def head(self, n_frames: int) -> IsValue:
        """Return the comparison over the first ``n_frames`` frames of the view (see :meth:`LazyArray.head`)."""
        return IsValue(self.view.head(n_frames), self.value)
