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
