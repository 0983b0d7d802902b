"""The keys of a consolidated NWB Zarr store are read ahead of the reader, in bounded batches and a bounded cache."""

from __future__ import annotations

import json

import pytest

from poseconv.nwb.read import zarr_readahead
from poseconv.nwb.read.zarr_readahead import ReadAhead, chunk_keys


def _zmetadata(arrays: dict[str, dict]) -> bytes:
    metadata = {".zgroup": {"zarr_format": 2}}
    for path, meta in arrays.items():
        metadata[f"{path}/.zarray"] = {"dimension_separator": ".", "dtype": "<f8", **meta}
    return json.dumps({"metadata": metadata, "zarr_consolidated_format": 1}).encode()


class Fetcher:
    """Stands in for the store's concurrent read: records each batch, answers every key but ``absent``."""

    def __init__(self, absent: set[str] = frozenset()) -> None:
        self.batches: list[list[str]] = []
        self.absent = absent

    def __call__(self, batch: list[str]) -> dict[str, bytes]:
        self.batches.append(list(batch))
        return {key: key.encode() for key in batch if key not in self.absent}


def test_chunk_keys_cover_every_chunk_with_the_array_separator():
    keys = list(chunk_keys("a/data", {"shape": [5, 2], "chunks": [2, 2], "dtype": "<f4"}))
    assert keys == [("a/data/0.0", 16), ("a/data/1.0", 16), ("a/data/2.0", 16)]
    nested = list(chunk_keys("b", {"shape": [3, 3], "chunks": [2, 2], "dtype": "<i2", "dimension_separator": "/"}))
    assert [key for key, _ in nested] == ["b/0/0", "b/0/1", "b/1/0", "b/1/1"]
    assert list(chunk_keys("s", {"shape": [1], "chunks": [1], "dtype": "|O"})) == [("s/0", 64)]
    assert list(chunk_keys("empty", {"shape": [0, 2], "chunks": [1, 2], "dtype": "<f8"})) == []


def test_a_missing_key_is_fetched_with_the_keys_after_it_and_then_read_from_the_cache():
    ahead = ReadAhead()
    ahead.plan(_zmetadata({f"s{i}/data": {"shape": [4], "chunks": [4]} for i in range(5)}))
    fetch = Fetcher()
    assert ahead.read(["s1/data/0"], fetch) == {"s1/data/0": b"s1/data/0"}
    assert fetch.batches == [["s1/data/0", "s2/data/0", "s3/data/0", "s4/data/0"]]
    assert ahead.read(["s3/data/0", "s4/data/0"], fetch) == {"s3/data/0": b"s3/data/0", "s4/data/0": b"s4/data/0"}
    assert len(fetch.batches) == 1
    ahead.read(["s0/data/0"], fetch)  # Before the first read: fetched with nothing that is already kept.
    assert fetch.batches[1] == ["s0/data/0"]


def test_a_key_that_is_not_there_is_asked_for_once():
    ahead = ReadAhead()
    ahead.plan(_zmetadata({"a": {"shape": [2], "chunks": [1]}}))
    fetch = Fetcher(absent={"a/1"})
    assert ahead.read(["a/0", "a/1"], fetch) == {"a/0": b"a/0"}
    assert ahead.read(["a/1"], fetch) == {} and len(fetch.batches) == 1


def test_a_key_outside_the_plan_is_read_but_not_kept():
    ahead = ReadAhead()  # An unconsolidated store: nothing planned.
    fetch = Fetcher()
    assert ahead.read(["x/0"], fetch) == {"x/0": b"x/0"}
    assert ahead.read(["x/0"], fetch) == {"x/0": b"x/0"} and len(fetch.batches) == 2


def test_a_batch_stops_at_the_window_and_the_cache_keeps_the_latest(monkeypatch):
    monkeypatch.setattr(zarr_readahead, "WINDOW_BYTES", 3 * 8)
    monkeypatch.setattr(zarr_readahead, "CACHE_BYTES", 4 * len(b"big/0"))
    ahead = ReadAhead()
    ahead.plan(_zmetadata({"big": {"shape": [10], "chunks": [1]}}))
    fetch = Fetcher()
    ahead.read(["big/0"], fetch)
    assert fetch.batches == [["big/0", "big/1", "big/2"]]  # 3 chunks of 8 bytes: the window is full.
    ahead.read(["big/3"], fetch)
    assert fetch.batches[1] == ["big/3", "big/4", "big/5"]
    # Four keys fit: big/1 and big/2 went (big/0 was read since it came), so big/1 is read again.
    ahead.read(["big/0"], fetch)
    assert len(fetch.batches) == 2
    ahead.read(["big/1"], fetch)
    assert len(fetch.batches) == 3 and fetch.batches[2][0] == "big/1"


@pytest.mark.parametrize("damaged", [b"not json", b"[1, 2]"])
def test_a_damaged_consolidated_metadata_plans_nothing(damaged):
    ahead = ReadAhead()
    ahead.plan(damaged)
    fetch = Fetcher()
    ahead.read(["a/0"], fetch)
    assert fetch.batches == [["a/0"]]
