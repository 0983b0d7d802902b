"""The forked structure check (:mod:`poseconv.readers.safety.isolation`): threads, memory, many objects."""

from __future__ import annotations

import gc
import os
import threading

import h5py
import pytest

from poseconv.errors import InvalidOptionError, InvalidSourceFileError
from poseconv.readers.safety import isolation


class _ClosedUnderLock:
    """Garbage whose finalizer takes a lock, as a file closed through another thread's event loop does."""

    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock
        self.cycle = self

    def __del__(self) -> None:
        with self.lock:
            pass


def test_a_good_file_passes_while_another_thread_holds_what_the_parents_garbage_waits_for(tmp_path, monkeypatch):
    # A pytest worker or a notebook has threads (fsspec's event loop, a thread pool) and garbage not yet
    # collected; in the child only the forking thread lives, so a finalizer waiting on them never returned
    # and the good file was refused as "hangs (still running after 60 s)".
    monkeypatch.setattr(isolation, "PROBE_SECONDS", 5.0)
    path = tmp_path / "good.h5"
    with h5py.File(path, "w") as file:
        for index in range(2000):
            file.create_group(f"g{index}").attrs["n"] = index
    lock = threading.Lock()
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            held.set()
            release.wait()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    held.wait()
    # The garbage must outlive the fork uncollected, as it may in any process: the collector is off in
    # this process until then, and on again in the child, as in a process that never turned it off.
    gc.disable()
    fork = os.fork

    def fork_with_the_collector_on() -> int:
        pid = fork()
        if pid == 0:
            gc.enable()
        return pid

    monkeypatch.setattr(os, "fork", fork_with_the_collector_on)
    try:
        _ClosedUnderLock(lock)
        isolation.probe(path, isolation.walk_hdf5, what="a test of the structure check")
    finally:
        release.set()
        thread.join()
        gc.enable()
        gc.collect()


def _groups(path, count):
    with h5py.File(path, "w") as file:
        for index in range(count):
            file.create_group(f"g{index}").attrs["n"] = index


def _open_objects() -> int:
    return h5py.h5f.get_obj_count(h5py.h5f.OBJ_ALL, h5py.h5f.OBJ_ALL)


def test_the_structure_walk_holds_one_object_open_at_a_time(tmp_path):
    # Every object was held open until the end, tens of KiB of HDF5 state each: the NWB file poseconv
    # writes for 60 tracks of 200 nodes (60,000 objects) needed 2.7 GiB and was refused as damaged.
    path = tmp_path / "many.h5"
    _groups(path, 300)
    before = _open_objects()
    open_while_reading = []
    isolation.walk_hdf5(path, lambda _value: open_while_reading.append(_open_objects()))
    assert len(open_while_reading) == 300
    assert max(open_while_reading) - before < 10


def _grow(_path):
    """Take memory a MiB at a time until there is none, as a very large structure would."""
    blocks = []
    while True:
        blocks.append(bytearray(2**20))


def _claim(_path):
    """Ask for more memory at once than the whole limit, as a damaged header's size does."""
    bytearray(2**31)


def test_a_check_that_grows_past_the_memory_limit_is_not_called_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv(isolation.MEMORY_VARIABLE, "64")
    path = tmp_path / "large.h5"
    _groups(path, 3)
    with pytest.raises(InvalidSourceFileError) as raised:
        isolation.probe(path, _grow, what="a test of the memory limit", advice="Write it again.")
    message = str(raised.value)
    assert message.startswith(f"{path}: reading a test of the memory limit needed more than 64 MiB of memory")
    assert "POSECONV_PROBE_MEMORY_MIB=256" in message
    assert message.endswith("otherwise it may be damaged: Write it again.")
    assert "the file is damaged" not in message


def test_one_claim_beyond_the_memory_limit_is_called_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv(isolation.MEMORY_VARIABLE, "64")
    path = tmp_path / "claims.h5"
    _groups(path, 3)
    with pytest.raises(InvalidSourceFileError) as raised:
        isolation.probe(path, _claim, what="a test of the memory limit", advice="Write it again.")
    assert str(raised.value) == (
        f"{path}: the file is damaged: reading a test of the memory limit claims more memory than it can hold. "
        "Write it again."
    )


def test_the_memory_limit_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(isolation.MEMORY_VARIABLE, raising=False)
    assert isolation.memory_budget() == isolation.CHILD_MEMORY_BYTES
    monkeypatch.setenv(isolation.MEMORY_VARIABLE, " 8192 ")
    assert isolation.memory_budget() == 8 * 2**30
    monkeypatch.setenv(isolation.MEMORY_VARIABLE, "8G")
    path = tmp_path / "small.h5"
    _groups(path, 1)
    with pytest.raises(InvalidOptionError, match=r"POSECONV_PROBE_MEMORY_MIB='8G': not a whole number of MiB"):
        isolation.probe(path, isolation.walk_hdf5, what="a test of the memory limit")
