"""Data-chunk iterators that stream pose series from the model to the NWB file.

Each ``PoseEstimationSeries`` gets one :class:`PoseSeriesIterator` for its
``data`` (``(frames, dims)``) and one for its ``confidence`` (``(frames,)``). They
are hdmf ``GenericDataChunkIterator`` subclasses, so hdmf writes them chunk by
chunk and neuroconv's backend configuration takes their chunk shape as the
dataset's. They read from the track's arrays only the frames of the chunk being
written: a lazy :class:`~poseconv.model.frames.ColumnView` reads one block of its table,
a numpy array is sliced. One buffer is one chunk, so a writer that takes one chunk
of every series in turn (hdmf with ``exhaust_dci=False``) reads each block of a
table once for all the series cut from it.

Values are stored as float32 where that is exact: when every value of a float64
series' ``data`` (or of its ``confidence``) survives float64 -> float32 -> float64
unchanged, bit for bit (a plain NaN does; one with a payload does not), the dataset is float32, otherwise float64 (see
:func:`storage_dtype`). DeepLabCut and SLEAP compute in float32 and store float64, so
their values fit, in half the bytes; read back as float64 they are the same bits.

The iterators also behave as read-only arrays (``shape``, ``len``, indexing,
``numpy.asarray``), so an in-memory ``NWBFile`` can be inspected before it is
written, and they start again from frame 0 whenever hdmf sets up a dataset from
them, so writing the same in-memory file twice writes the data twice.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hdmf.data_utils import GenericDataChunkIterator

from ...model.frame_tables import float32_exact_rows
from ...model.frames import is_lazy_array

__all__ = ["FLOAT32_WHERE_EXACT", "PoseSeriesIterator", "head", "series_values", "storage_dtype"]

#: The storage rule, as written in the ``comments`` of every PoseEstimationSeries.
FLOAT32_WHERE_EXACT = (
    "Values are stored as float32 where exact (every value of a dataset round-trips "
    "float64->float32->float64 unchanged); otherwise as float64."
)


def storage_dtype(values: Any, n_frames: int | None = None) -> np.dtype:
    """Return the dtype to store the first ``n_frames`` frames of ``values`` in.

    float32 when ``values`` are float64 and float32 holds every one of them exactly (bit
    for bit: :func:`~poseconv.model.frame_tables.float32_exact_rows`), else the values' own dtype.

    The check is a first pass over the values, before the file is written: HDF5 fixes a
    dataset's type when it creates it, which hdmf does before it writes the first chunk,
    so a value found inexact while writing would mean writing the whole file again. A lazy
    table answers for all its columns in one pass (see
    :meth:`poseconv.model.frame_tables.FrameTable.float32_exact_columns`) that every series cut
    from the table shares: a large table is read one block at a time, so memory stays flat, and
    a small one keeps its blocks for the writer; the pass stops at the first block where no
    column can be exact.

    Parameters
    ----------
    values : numpy.ndarray or poseconv.model.frames.LazyArray
        ``(frames, ...)`` values of one series.
    n_frames : int, optional
        Frames that will be written (the first ones); all by default.

    Returns
    -------
    numpy.dtype
        ``float32`` or the dtype of ``values``.
    """
    dtype = np.dtype(values.dtype)
    if dtype != np.float64:
        return dtype
    if is_lazy_array(values):
        exact = values.float32_exact(n_frames)
    else:
        array = np.asarray(values[:n_frames] if n_frames is not None else values)
        exact = bool(float32_exact_rows(array.reshape(1, -1))[0]) if array.size else True
    return np.dtype("float32") if exact else dtype


class PoseSeriesIterator(GenericDataChunkIterator):
    """Stream the first ``n_frames`` frames of an array along its first axis, one chunk at a time.

    Parameters
    ----------
    values : numpy.ndarray or poseconv.model.frames.LazyArray
        ``(frames, ...)`` values of one series.
    n_frames : int, optional
        Frames to write (the first ones); all by default.
    chunk_frames : int, optional
        Frames per chunk (and per buffer); by default
        :func:`poseconv.nwb.write.storage.chunk_frames`.
    dtype : numpy.dtype, optional
        dtype to store (e.g. float32 from :func:`storage_dtype`); the values' own by default.
        Values are cast to it chunk by chunk.
    """

    def __init__(
        self,
        values: Any,
        *,
        n_frames: int | None = None,
        chunk_frames: int | None = None,
        dtype: Any = None,
    ) -> None:
        from .storage import chunk_frames as default_chunk_frames

        self._values = values
        self._dtype_stored = np.dtype(values.dtype if dtype is None else dtype)
        total = int(values.shape[0])
        self._n_frames = total if n_frames is None else max(0, min(total, int(n_frames)))
        if self._n_frames == 0:
            raise ValueError("A series iterator needs at least one frame; write an empty array instead.")
        self._trailing = tuple(int(n) for n in values.shape[1:])
        block_frames = getattr(values, "block_frames", None)
        frames = chunk_frames or default_chunk_frames(self._n_frames, block_frames=block_frames)
        frames = max(1, min(int(frames), self._n_frames))
        shape = (frames, *self._trailing)
        super().__init__(chunk_shape=shape, buffer_shape=shape, display_progress=False)

    # -- GenericDataChunkIterator --------------------------------------------------------------

    def _get_data(self, selection: tuple[slice, ...]) -> np.ndarray:
        frames = selection[0]
        if is_lazy_array(self._values):
            block = self._values.read(frames.start, frames.stop)
        else:
            block = np.asarray(self._values[frames.start : frames.stop])
        rest = selection[1:]
        if rest and any(s != slice(0, n) for s, n in zip(rest, self._trailing, strict=True)):
            block = block[(slice(None), *rest)]
        return block.astype(self._dtype_stored, copy=False)

    def _get_maxshape(self) -> tuple[int, ...]:
        return (self._n_frames, *self._trailing)

    def _get_dtype(self) -> np.dtype:
        return self._dtype_stored

    def _rewind(self) -> None:
        frames = self.buffer_shape[0]
        full = tuple(slice(0, n) for n in self._trailing)
        self.buffer_selection_generator = (
            (slice(start, min(start + frames, self._n_frames)), *full) for start in range(0, self._n_frames, frames)
        )

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except StopIteration:
            # Ready for another full pass: the same in-memory file may be written again.
            self._rewind()
            raise

    def recommended_data_shape(self) -> tuple[int, ...]:
        """Return the full shape; hdmf asks right before it starts iterating, so start from frame 0."""
        self._rewind()
        return self.maxshape

    # -- read-only array behaviour ---------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the dataset this iterator writes."""
        return self.maxshape

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self.maxshape)

    def __len__(self) -> int:
        return self._n_frames

    def __getitem__(self, key: Any) -> np.ndarray:
        if not isinstance(key, tuple):
            key = (key,)
        frames = key[0] if key else slice(None)
        if isinstance(frames, slice):
            start, stop, step = frames.indices(self._n_frames)
            if step == 1:
                return self._stored(self._values[(slice(start, stop), *key[1:])])
        elif isinstance(frames, (int, np.integer)):
            index = int(frames) + (self._n_frames if frames < 0 else 0)
            if not 0 <= index < self._n_frames:
                raise IndexError(f"Frame {frames} is out of range for {self._n_frames} frames.")
            return self._stored(self._values[(index, *key[1:])])
        return self._stored(self._values[: self._n_frames])[key]

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        values = self._stored(self._values[: self._n_frames])
        return values if dtype is None else values.astype(dtype, copy=False)

    def _stored(self, values: Any) -> np.ndarray:
        # Read as written: in the dtype stored (the same values, float32 only where exact).
        return np.asarray(values).astype(self._dtype_stored, copy=False)

    def __repr__(self) -> str:
        return f"PoseSeriesIterator(shape={self.maxshape}, chunk_shape={self.chunk_shape})"


def series_values(values: Any, index: int, n_frames: int) -> Any:
    """Return what the writer stores for node ``index`` of a track array: an iterator, or an empty array.

    Parameters
    ----------
    values : numpy.ndarray or poseconv.model.frames.LazyArray
        ``(frames, nodes, dims)`` positions or ``(frames, nodes)`` confidence.
    index : int
        Node index.
    n_frames : int
        Frames to write.

    Returns
    -------
    PoseSeriesIterator or numpy.ndarray
        ``(n_frames, dims)`` or ``(n_frames,)`` values, streamed (float32 where exact, see
        :func:`storage_dtype`); a plain empty array when there are no frames.
    """
    column = values.select(index) if is_lazy_array(values) else values[:, index]
    if n_frames <= 0:
        return np.empty((0, *column.shape[1:]), dtype="float64")
    column = head(column, n_frames)
    return PoseSeriesIterator(column, n_frames=n_frames, dtype=storage_dtype(column, n_frames))


def head(values: Any, n_frames: int) -> Any:
    """Return the first ``n_frames`` frames of ``values`` to write: a lazy array reads only them (stubs).

    An array written whole is returned as it is.
    """
    if is_lazy_array(values) and n_frames < values.shape[0]:
        return values.head(n_frames)
    return values
