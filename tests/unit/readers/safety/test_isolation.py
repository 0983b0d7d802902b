"""The forked structure check (:mod:`poseconv.readers.safety.isolation`) in a process with other threads."""

from __future__ import annotations

import gc
import os
import threading

import h5py

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
