"""Lazy arrays over the stored series of one ``PoseEstimation``, for tools that read long recordings.

:class:`StoredSeriesArray` is a :class:`~poseconv.model.frames.LazyArray` of
``(frames, nodes, dims)`` positions or ``(frames, nodes)`` confidence whose values are
the h5py datasets of the container's series, read only for the frames asked for, as
float64 (float32 datasets give back the same values; ``conversion`` and ``offset`` are
applied). ``select(j)`` is node ``j`` alone, which reads that node's dataset only.
``poseconv plot``, ``inspect`` and ``export`` use them through
``NWBPoseFile.read(..., lazy=True)`` so that memory does not grow with the recording.
They are valid while the file is open.

Each read of a chunked dataset takes whole chunks, and a read that ends inside a chunk keeps that
chunk (as stored, one per dataset) for the read that follows: a reader of small steps (512 frames
for an overlay) or of blocks that do not fall on chunk boundaries decompresses (or, from a URL,
fetches) every chunk once, without an HDF5 chunk cache holding chunks of every series
(:func:`~poseconv.nwb.read.store.open_store` opens files with a small one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...model.frames import LazyArray

__all__ = ["StoredSeriesArray"]


class StoredSeriesArray(LazyArray):
    """``(frames, nodes[, dims])`` float64 values read from one h5py dataset per node.

    Parameters
    ----------
    datasets : sequence of h5py.Dataset or None
        One per node, ``(frames, dims)`` or ``(frames,)``; None for a node without values (NaN).
    n_frames : int
        Frames of the track.
    n_dims : int or None
        Coordinates per node for positions; None for confidence (one value per node and frame).
    scales : sequence of (float, float), optional
        ``(conversion, offset)`` per node; stored * conversion + offset is the value.
    squeeze : bool, default: False
        A single node with the node axis dropped (what ``select(j)`` returns).
    """

    block_frames = 65536

    def __init__(
        self,
        datasets: Sequence[Any],
        n_frames: int,
        n_dims: int | None,
        scales: Sequence[tuple[float, float]] | None = None,
        *,
        squeeze: bool = False,
    ) -> None:
        self.datasets = list(datasets)
        self.n_dims = n_dims
        self.scales = list(scales) if scales is not None else [(1.0, 0.0)] * len(self.datasets)
        self.squeeze = squeeze and len(self.datasets) == 1
        trailing = () if n_dims is None else (n_dims,)
        nodes = () if self.squeeze else (len(self.datasets),)
        self.shape = (int(n_frames), *nodes, *trailing)
        self.dtype = np.dtype("float64")
        # Per dataset: (first frame, values) of the chunk the last read ended inside, or None.
        self._held: list[tuple[int, np.ndarray] | None] = [None] * len(self.datasets)

    def __repr__(self) -> str:
        return f"StoredSeriesArray(shape={self.shape})"

    def read(self, start: int, stop: int) -> np.ndarray:
        """Return frames ``[start, stop)`` as a new float64 array, NaN where a node has no value."""
        start, stop = max(0, int(start)), min(self.shape[0], int(stop))
        trailing = () if self.n_dims is None else (self.n_dims,)
        shape = (max(0, stop - start), len(self.datasets), *trailing)
        # Filled with NaN only where some node is absent or ends early; usually every value is overwritten.
        whole = all(dataset is not None and len(dataset) >= stop for dataset in self.datasets)
        out = np.empty(shape) if whole and self._fills_trailing() else np.full(shape, np.nan)
        for j, dataset in enumerate(self.datasets):
            if dataset is None or start >= min(stop, len(dataset)):
                continue
            # As stored (float32 or float64): the assignment below casts to float64 exactly, in one copy.
            values = self._stored(j, start, min(stop, len(dataset)))
            conversion, offset = self.scales[j]
            if self.n_dims is not None and (conversion != 1.0 or offset != 0.0):
                values = values.astype("float64") * conversion + offset
            if self.n_dims is None:
                out[: len(values), j] = values.reshape(len(values))
            else:
                values = values.reshape(len(values), -1)
                out[: len(values), j, : values.shape[1]] = values
        return out[:, 0] if self.squeeze else out

    def _stored(self, j: int, start: int, stop: int) -> np.ndarray:
        """Return rows ``[start, stop)`` of dataset ``j`` as stored, reading each of its chunks once.

        The rows of the chunk the previous read ended inside are taken from the copy kept then; the rest is
        read in whole chunks, and the chunk this read ends inside is kept for the next (a copy: a view would
        keep the whole read alive).
        """
        dataset = self.datasets[j]
        parts = []
        held = self._held[j]
        if held is not None and held[0] <= start < held[0] + len(held[1]):
            parts.append(held[1][start - held[0] : stop - held[0]])
            start += len(parts[0])
        if start < stop:
            chunks = getattr(dataset, "chunks", None)
            rows = int(chunks[0]) if chunks else 0
            first = start - start % rows if rows else start
            end = min(len(dataset), -(-stop // rows) * rows) if rows else stop
            values = dataset[first:end]
            parts.append(values[start - first : stop - first])
            last = (stop - 1) - (stop - 1) % rows if rows else stop
            self._held[j] = (last, values[last - first :].copy()) if stop < end else None
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _fills_trailing(self) -> bool:
        """Whether every dataset holds all ``n_dims`` values of a frame (a 2D series in a 3D array does not)."""
        if self.n_dims is None:
            return True
        return all(dataset.ndim == 2 and dataset.shape[1] == self.n_dims for dataset in self.datasets)

    def select(self, *key: Any) -> LazyArray:
        """Node ``key[0]`` alone (an int), or the nodes it lists, reading nothing."""
        if self.squeeze or len(key) != 1:
            raise IndexError("StoredSeriesArray.select takes one node index or a sequence of node indices.")
        (index,) = key
        if isinstance(index, (int, np.integer)):
            j = int(index)
            return StoredSeriesArray([self.datasets[j]], self.shape[0], self.n_dims, [self.scales[j]], squeeze=True)
        picks = np.arange(len(self.datasets))[index]
        return StoredSeriesArray(
            [self.datasets[j] for j in picks], self.shape[0], self.n_dims, [self.scales[j] for j in picks]
        )
