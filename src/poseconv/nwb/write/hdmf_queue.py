"""The one place poseconv reaches into a dependency's private state: hdmf's queue of data-chunk iterators.

``HDF5IO.write(..., exhaust_dci=False)`` collects the iterators of the file in a
``HDF5IODataChunkIteratorQueue`` (a public class) kept in a private attribute of the IO,
and exhausts it at the end of the write. hdmf has no public way to hand the IO another
queue, and HDF5 runs its filters on the calling thread; replacing the queue with
:class:`~poseconv.nwb.write.chunk_encoding.ParallelChunkQueue` lets every core compress
(``benchmarks/README.md``, "Both cores compress"). When the attribute is missing (another
hdmf), the file is written as usual on one core; ``tests/unit/nwb/write/test_hdmf_queue.py``
fails on such an hdmf, naming its version.
"""

from __future__ import annotations

from typing import Any

from hdmf.backends.hdf5.h5_utils import HDF5IODataChunkIteratorQueue

from .chunk_encoding import ParallelChunkQueue, Strategy

__all__ = ["QUEUE_ATTRIBUTE", "install_parallel_chunk_queue"]

# hdmf keeps its queue of iterators in this private attribute of HDF5IO (hdmf 3.x to 6.x).
QUEUE_ATTRIBUTE = "_HDF5IO__dci_queue"


def install_parallel_chunk_queue(io: Any, *, workers: int | None = None, strategy: Strategy = "adaptive") -> bool:
    """Make an open ``HDF5IO`` / ``NWBHDF5IO`` exhaust its iterators with :class:`ParallelChunkQueue`.

    Parameters
    ----------
    io : hdmf.backends.hdf5.HDF5IO
        The IO object, before ``write``.
    workers : int, optional
        Encoding threads; all cores by default.
    strategy : {"adaptive", "rle", "default"}, default: "adaptive"
        How to deflate (see :func:`~poseconv.nwb.write.chunk_encoding.deflate`).

    Returns
    -------
    bool
        False when this hdmf keeps its queue elsewhere; the IO then writes as usual (one core).
    """
    queue = getattr(io, QUEUE_ATTRIBUTE, None)
    if not isinstance(queue, HDF5IODataChunkIteratorQueue) or len(queue):
        return False
    setattr(io, QUEUE_ATTRIBUTE, ParallelChunkQueue(workers=workers, strategy=strategy))
    return True
