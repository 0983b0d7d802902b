"""Write HDF5 chunks of data-chunk iterators compressed on every core.

HDF5 runs its filters (shuffle, gzip) on the calling thread, one chunk at a time,
so hdmf's iterative write compresses on one core while the others idle. Here the
chunks an iterator yields are encoded exactly as HDF5's own ``shuffle`` and
``deflate`` filters would store them (a byte shuffle, then a zlib stream) on a
pool of threads (zlib and numpy copies release the GIL) and stored with
``H5Dwrite_chunk`` (h5py's ``write_direct_chunk``), in order, by the writing thread.
:mod:`poseconv.nwb.write.hdmf_queue` hands the queue to hdmf.
The file is an ordinary HDF5 file with an ordinary filter pipeline: every HDF5
reader decompresses it, and nothing records how it was written.

Only the case that can be written exactly is taken: a chunked dataset of a plain
little-endian numeric type whose pipeline is ``[]``, ``[shuffle]``, ``[deflate]``
or ``[shuffle, deflate]``, and an iterator chunk that covers whole HDF5 chunks (or
the dataset's edge). Everything else goes through hdmf's usual ``dset[...] = data``.

The deflate stream is zlib's at the dataset's gzip level. By default
(``strategy="adaptive"``) each shuffled byte plane is deflated on its own: planes
of near-random bytes (the low mantissa bytes of measured values) are stored, the
rest run-length coded (zlib's ``Z_RLE``). On pose data that is about three times as
fast as HDF5's own deflate for a few percent more bytes, and it is a standard zlib
stream that any inflater decodes to the same bytes.
"""

from __future__ import annotations

import os
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Literal

import numpy as np
from hdmf.backends.hdf5.h5_utils import HDF5IODataChunkIteratorQueue

__all__ = ["ParallelChunkQueue", "deflate", "default_workers", "encode_chunk"]

Strategy = Literal["adaptive", "rle", "default"]
_STRATEGIES = ("adaptive", "rle", "default")
# Chunks being encoded at once, per worker: enough to keep every core busy, few enough to bound memory.
_IN_FLIGHT_PER_WORKER = 4


def default_workers() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _DirectPlan:
    """How the chunks of one dataset are encoded: shuffle or not, deflate level, fill value."""

    def __init__(self, dataset: Any, shuffle: bool, level: int | None) -> None:
        self.dataset = dataset
        self.chunks = tuple(int(n) for n in dataset.chunks)
        self.shape = tuple(int(n) for n in dataset.shape)
        self.dtype = dataset.dtype
        self.shuffle = shuffle
        self.level = level
        self.fill = dataset.fillvalue


def _plan_for(dataset: Any) -> _DirectPlan | None:
    """Return how to write ``dataset`` chunk by chunk, or None when only HDF5 itself can."""
    import h5py

    if dataset.chunks is None or dataset.dtype.kind not in "fiub" or dataset.dtype.byteorder == ">":
        return None
    if not np.little_endian and dataset.dtype.itemsize > 1:
        return None
    plist = dataset.id.get_create_plist()
    filters = [plist.get_filter(i) for i in range(plist.get_nfilters())]
    codes = [f[0] for f in filters]
    shuffle, deflate = h5py.h5z.FILTER_SHUFFLE, h5py.h5z.FILTER_DEFLATE
    if codes not in ([], [shuffle], [deflate], [shuffle, deflate]):
        return None
    level = None
    if deflate in codes:
        cd_values = filters[codes.index(deflate)][2]
        level = int(cd_values[0]) if len(cd_values) else 6
    return _DirectPlan(dataset, shuffle=shuffle in codes, level=level)


def _pieces(plan: _DirectPlan, chunk: Any) -> list[tuple[tuple[int, ...], np.ndarray]] | None:
    """Split an iterator chunk into whole HDF5 chunks, or None when it does not align with them."""
    selection = chunk.selection
    if not isinstance(selection, tuple) or len(selection) != len(plan.shape):
        return None
    data = np.asarray(chunk.data)
    if data.dtype != plan.dtype:
        return None
    starts, stops = [], []
    for axis, item in enumerate(selection):
        if not isinstance(item, slice) or item.step not in (None, 1):
            return None
        start, stop, _ = item.indices(plan.shape[axis])
        size = plan.chunks[axis]
        # Whole chunks only, except at the dataset's edge.
        if start % size or (stop % size and stop != plan.shape[axis]) or stop <= start:
            return None
        starts.append(start)
        stops.append(stop)
    if data.shape != tuple(b - a for a, b in zip(starts, stops, strict=True)):
        return None
    pieces = []
    grids = [range(a, b, size) for a, b, size in zip(starts, stops, plan.chunks, strict=True)]
    for offset in np.ndindex(*(len(g) for g in grids)):
        corner = tuple(grids[axis][i] for axis, i in enumerate(offset))
        local = tuple(
            slice(c - a, min(c + size, b) - a) for c, a, b, size in zip(corner, starts, stops, plan.chunks, strict=True)
        )
        pieces.append((corner, data[local]))
    return pieces


def encode_chunk(values: np.ndarray, plan: _DirectPlan, strategy: str) -> bytes:
    """Return the bytes HDF5 stores for one chunk: padded to the chunk shape, shuffled, deflated.

    Parameters
    ----------
    values : numpy.ndarray
        The chunk's values (smaller than the chunk shape at the dataset's edge).
    plan : _DirectPlan
        The dataset's chunk shape, filters and fill value.
    strategy : {"adaptive", "rle", "default"}
        How to deflate (see :func:`deflate`).

    Returns
    -------
    bytes
        What HDF5's shuffle and deflate filters store for the chunk: inflating it gives
        exactly the shuffled bytes HDF5 would have compressed.
    """
    if values.shape != plan.chunks:
        # Edge chunks are stored whole; HDF5 fills the part outside the dataset with the fill value.
        full = np.full(plan.chunks, plan.fill, dtype=plan.dtype)
        full[tuple(slice(0, n) for n in values.shape)] = values
        values = full
    raw = np.ascontiguousarray(values, dtype=plan.dtype).reshape(-1).view(np.uint8)
    itemsize = plan.dtype.itemsize
    shuffled = plan.shuffle and itemsize > 1 and raw.size > itemsize
    if shuffled:
        # HDF5's shuffle: byte 0 of every element, then byte 1 of every element, ...
        raw = np.ascontiguousarray(raw.reshape(-1, itemsize).T).reshape(-1)
    if plan.level is None:
        return raw.tobytes()
    return deflate(raw, plan.level, strategy, planes=itemsize if shuffled else 1)


def _entropy_bits(plane: np.ndarray) -> float:
    """Shannon entropy in bits per byte of a sample of ``plane``."""
    counts = np.bincount(plane[:: max(1, plane.size // 16384)], minlength=256)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log2(p)).sum())


def deflate(raw: np.ndarray, level: int, strategy: str, planes: int = 1) -> bytes:
    """Compress ``raw`` bytes into one zlib stream (what HDF5's deflate filter stores).

    Parameters
    ----------
    raw : numpy.ndarray of uint8
        Contiguous bytes (shuffled, when ``planes`` > 1).
    level : int
        zlib level (1-9); 0 stores.
    strategy : {"adaptive", "rle", "default"}
        ``"default"`` is what HDF5 does; ``"rle"`` lets zlib match only runs, about twice
        as fast on shuffled floats for a few percent more bytes; ``"adaptive"`` deflates each
        shuffled byte plane on its own: planes of near-random bytes (low mantissa bytes of
        measured values) are stored as they are, for they do not compress, and the others
        run-length coded. All three are standard zlib streams.
    planes : int, default: 1
        Byte planes in ``raw`` (the element size after a shuffle).

    Returns
    -------
    bytes
        A zlib stream (header, deflate blocks, Adler-32).
    """
    if strategy not in _STRATEGIES:
        raise ValueError(f"Unknown deflate strategy {strategy!r}; choose one of {list(_STRATEGIES)}.")
    if strategy != "adaptive" or planes == 1 or level == 0:
        chosen = zlib.Z_DEFAULT_STRATEGY if strategy == "default" else zlib.Z_RLE
        encoder = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS, 8, chosen)
        return encoder.compress(raw) + encoder.flush()
    # Raw deflate segments, each ended by a full flush (byte-aligned, no final bit, no back
    # references across it), concatenate into one valid deflate stream.
    parts = [_ZLIB_HEADER]
    for plane in raw.reshape(planes, -1):
        if _entropy_bits(plane) > _STORE_ABOVE_BITS:
            encoder = zlib.compressobj(0, zlib.DEFLATED, -zlib.MAX_WBITS)
        else:
            encoder = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, 8, zlib.Z_RLE)
        parts.append(encoder.compress(plane))
        parts.append(encoder.flush(zlib.Z_FULL_FLUSH))
    parts.append(_FINAL_EMPTY_BLOCK)
    parts.append(zlib.adler32(raw).to_bytes(4, "big"))
    return b"".join(parts)


# zlib header: deflate with a 32 KiB window, "fastest" level flag, check bits (0x7801 % 31 == 0).
_ZLIB_HEADER = b"\x78\x01"
# A final, empty stored block: ends the deflate stream.
_FINAL_EMPTY_BLOCK = zlib.compressobj(0, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)
# Byte planes with more entropy than this (bits per byte) would shrink by under 6 %: stored.
_STORE_ABOVE_BITS = 7.5


class ParallelChunkQueue(HDF5IODataChunkIteratorQueue):
    """hdmf's queue of data-chunk iterators, exhausted with chunks encoded on a thread pool.

    Iterators are taken in turn, one chunk each, as hdmf does; the chunks of
    datasets that can be written directly are encoded by ``workers`` threads and
    stored in order by the calling thread, the others are written by HDF5.

    Parameters
    ----------
    workers : int, optional
        Encoding threads; all cores by default.
    strategy : {"adaptive", "rle", "default"}, default: "adaptive"
        How to deflate (see :func:`deflate`).
    """

    def __init__(self, *, workers: int | None = None, strategy: Strategy = "adaptive") -> None:
        super().__init__()
        if strategy not in _STRATEGIES:
            raise ValueError(f"Unknown deflate strategy {strategy!r}; choose one of {list(_STRATEGIES)}.")
        self.workers = workers or default_workers()
        self.strategy = strategy
        self.chunks_direct = 0
        self.chunks_hdf5 = 0

    def exhaust_queue(self) -> None:
        """Write every chunk of every queued iterator; on error, nothing further is written."""
        if not self:
            return
        pending: deque[tuple[Any, tuple[int, ...], Future]] = deque()
        limit = self.workers * _IN_FLIGHT_PER_WORKER
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="poseconv-deflate") as pool:
            try:
                for dataset, plan, chunk in self._chunks():
                    pieces = None if plan is None else _pieces(plan, chunk)
                    if pieces is None:
                        # Same chunks may be pending for this dataset; HDF5 must not see them out of order.
                        self._drain(pending, 0)
                        dataset.id.extend(chunk.get_min_bounds())
                        dataset[chunk.selection] = chunk.data
                        self.chunks_hdf5 += 1
                        continue
                    for corner, values in pieces:
                        pending.append((dataset, corner, pool.submit(encode_chunk, values, plan, self.strategy)))
                        self._drain(pending, limit)
                self._drain(pending, 0)
            except BaseException:
                for _, _, future in pending:
                    future.cancel()
                raise

    def _chunks(self) -> Iterator[tuple[Any, _DirectPlan | None, Any]]:
        # hdmf's round robin: one chunk of each iterator in turn, until all are exhausted. Plans are
        # kept per dataset for this call only (while the queue holds the datasets, ids are unique).
        plans: dict[int, _DirectPlan | None] = {}
        while self:
            dataset, data = self.popleft()
            try:
                chunk = next(data)
            except StopIteration:
                continue
            self.append(dataset=dataset, data=data)
            if id(dataset) not in plans:
                plans[id(dataset)] = _plan_for(dataset)
            yield dataset, plans[id(dataset)], chunk

    def _drain(self, pending: deque, keep: int) -> None:
        while len(pending) > keep:
            dataset, corner, future = pending.popleft()
            dataset.id.write_direct_chunk(corner, future.result(), filter_mask=0)
            self.chunks_direct += 1
