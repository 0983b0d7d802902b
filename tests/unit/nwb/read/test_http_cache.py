"""The block cache of remote files: right bytes, one request per run of missing blocks, bounded memory."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.nwb.read.http_cache import RunBlockCache

DATA = np.random.default_rng(0).integers(0, 256, size=10_000, dtype=np.uint8).tobytes()


def _cache(maxblocks: int = 100) -> tuple[RunBlockCache, list[tuple[int, int]]]:
    requests: list[tuple[int, int]] = []

    def fetch(start: int, stop: int) -> bytes:
        requests.append((start, stop))
        return DATA[start:stop]

    return RunBlockCache(100, fetch, len(DATA), maxblocks=maxblocks), requests


def test_reads_give_the_bytes_asked_for_and_fetch_each_run_of_missing_blocks_once():
    cache, requests = _cache()
    assert cache._fetch(150, 420) == DATA[150:420]
    assert requests == [(100, 500)]
    assert cache._fetch(450, 460) == DATA[450:460]
    assert len(requests) == 1
    # Blocks 0, 5 and 6 are missing, 1-4 are cached: two requests.
    assert cache._fetch(0, 700) == DATA[:700]
    assert requests[1:] == [(0, 100), (500, 700)]
    assert cache._fetch(9_950, None) == DATA[9_950:]
    assert cache._fetch(20_000, 30_000) == b""


def test_the_least_recently_used_blocks_are_dropped():
    cache, requests = _cache(maxblocks=3)
    cache._fetch(0, 100)
    cache._fetch(1_000, 1_300)
    assert len(cache.blocks) == 3 and 0 not in cache.blocks
    # A read larger than the cache keeps what it read until it returns.
    assert cache._fetch(2_000, 2_600) == DATA[2_000:2_600]
    assert len(cache.blocks) == 6


def test_an_answer_of_another_length_than_asked_is_an_error_naming_the_url():
    # A server or proxy that sent half the range (or more, from elsewhere): h5py read it as the bytes asked for.
    cache = RunBlockCache(100, lambda start, stop: DATA[start : start + (stop - start) // 2], len(DATA), url="u")
    with pytest.raises(
        InvalidSourceFileError, match=r"^u: the server answered 200 bytes for a Range of 400 \(bytes 100-499\)"
    ):
        cache._fetch(150, 420)
    # The file's last block is as long as what is left of the file.
    whole = RunBlockCache(100, lambda start, stop: DATA[start:stop], len(DATA) - 30, url="u")
    assert whole._fetch(9_900, None) == DATA[9_900 : len(DATA) - 30]


_COLLECTION_IN_THE_LOOP_THREAD = """
import gc, sys
from pathlib import Path

import h5py
import numpy as np

import poseconv.nwb.read.http_cache as http_cache
from poseconv.nwb.read.store import open_store
from tests.fixtures.http_server import RangeServer, range_handler, serving

folder = Path(sys.argv[1])
with h5py.File(folder / "served" / "a.h5", "w") as f:
    f.create_dataset("x", data=np.arange(200_000.0), chunks=(10_000,))
with h5py.File(folder / "local.h5", "w") as f:
    f.create_dataset("y", data=np.arange(10.0))
read_range = http_cache._read_range


async def allocating(*args):
    _ = [[] for _ in range(5_000)]  # past the threshold: a collection starts in fsspec's thread
    return await read_range(*args)


http_cache._read_range = allocating
gc.set_threshold(100, 1, 1)
state = RangeServer(root=folder / "served", port=0)
with serving(state, range_handler(state)), open_store(state.url("a.h5")) as root:
    local = h5py.File(folder / "local.h5", "r")

    class Holder:
        pass

    garbage = Holder()
    garbage.itself, garbage.dataset = garbage, local["y"]
    del garbage  # a cycle holding an h5py object, freed by the next collection
    print(root["x"][:].sum())
"""


def test_a_collection_in_fsspecs_thread_during_a_read_does_not_hang_it(tmp_path):
    # h5py's read held its lock and waited for fsspec's thread, where a collection freeing an h5py
    # object of a garbage cycle waited for the same lock. Run apart: a hung read would hold h5py's lock
    # in this process.
    import os
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "served").mkdir()
    script = tmp_path / "read.py"
    script.write_text(_COLLECTION_IN_THE_LOOP_THREAD)
    root = Path(__file__).resolve().parents[4]
    try:
        done = subprocess.run(
            [sys.executable, str(script), str(tmp_path)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the read of a URL hung: a collection in fsspec's thread waited for h5py's lock")
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) == float(np.arange(200_000.0).sum())


def test_the_collector_is_put_back_after_reads_even_one_stopped_part_way():
    import gc

    from poseconv.nwb.read import http_cache

    assert gc.isenabled()
    with http_cache._no_collection():
        assert not gc.isenabled()
        with http_cache._no_collection():  # a read of another thread, or a read within a read
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyboardInterrupt), http_cache._no_collection():
        raise KeyboardInterrupt  # Ctrl-C, or a signal poseconv turns into an exception
    assert gc.isenabled() and http_cache._Collector.waiting == 0
    gc.disable()
    try:
        with http_cache._no_collection():
            pass
        assert not gc.isenabled()  # a user's own gc.disable() is kept
    finally:
        gc.enable()
