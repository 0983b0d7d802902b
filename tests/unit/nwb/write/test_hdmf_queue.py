"""hdmf still keeps its iterator queue where :mod:`poseconv.nwb.write.hdmf_queue` replaces it."""

from __future__ import annotations

from importlib.metadata import version

from pynwb import NWBHDF5IO

from poseconv.nwb.write.chunk_encoding import ParallelChunkQueue
from poseconv.nwb.write.hdmf_queue import QUEUE_ATTRIBUTE, install_parallel_chunk_queue


def test_hdmf_keeps_its_queue_in_the_private_attribute(tmp_path):
    with NWBHDF5IO(tmp_path / "x.nwb", "w") as io:
        installed = install_parallel_chunk_queue(io, workers=2)
        assert installed, (
            f"hdmf {version('hdmf')} no longer keeps its HDF5IODataChunkIteratorQueue in HDF5IO.{QUEUE_ATTRIBUTE}: "
            "poseconv writes HDF5 on one core with it. Find where this hdmf keeps the queue (or a public hook) "
            "and update poseconv/nwb/write/hdmf_queue.py."
        )
        assert isinstance(getattr(io, QUEUE_ATTRIBUTE), ParallelChunkQueue)
