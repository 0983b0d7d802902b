"""Reads of an opened URL that a dropped connection or a server error failed are tried again, then said in words.

S3 (DANDI's bucket) answers 500 InternalError and 503 SlowDown now and then and asks clients to retry; a GET
that met one, or a connection that dropped part way through a Zarr store's chunk, was an internal error
(aiohttp's ClientResponseError, ClientPayloadError) that named no URL.
"""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from poseconv import read_nwb
from poseconv.errors import InvalidSourceFileError
from tests.fixtures.remote_failures import assert_same_poses


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch):
    monkeypatch.setattr("poseconv.nwb.read.http_retry.FIRST_WAIT", 0.0)


def _serve(small_nwb, server, name):
    if name.endswith(".zarr"):
        shutil.copytree(small_nwb[name], server.root / name)
    else:
        shutil.copy(small_nwb[name], server.root / name)
    return server.url(name)


@pytest.mark.parametrize("name", ["s.nwb", "s.nwb.zarr"])
def test_reads_that_met_a_server_error_or_a_dropped_connection_are_tried_again(small_nwb, flaky_server, name):
    url = _serve(small_nwb, flaky_server, name)
    # The first GET (an HDF5 file's signature, a store's .zmetadata), then reads of metadata and chunks.
    flaky_server.fail = {1: 503, 3: 500, 5: "drop", 6: 429, 9: "drop", 12: 502}
    assert_same_poses(read_nwb(url), read_nwb(small_nwb[name]))


@pytest.mark.parametrize("name", ["s.nwb", "s.nwb.zarr"])
def test_a_server_that_keeps_failing_is_named_with_its_status_and_what_to_do(small_nwb, flaky_server, name):
    url = _serve(small_nwb, flaky_server, name)
    flaky_server.fail_from = (3, 503)
    with pytest.raises(
        InvalidSourceFileError, match=r"answered HTTP 503 \(Service Unavailable\) to a read, 3 times"
    ) as caught:
        read_nwb(url)
    message = str(caught.value)
    assert message.startswith(url) and "try again later, or download the" in message
    if name.endswith(".zarr"):
        # A store's chunks are read in concurrent batches: each read that failed was tried three times, no more.
        assert set(Counter(flaky_server.failed).values()) == {3}
    else:
        assert flaky_server.gets == 5  # the first two reads, then one read three times


@pytest.mark.parametrize("name", ["s.nwb", "s.nwb.zarr"])
def test_a_connection_that_keeps_dropping_is_named(small_nwb, flaky_server, name):
    url = _serve(small_nwb, flaky_server, name)
    if name.endswith(".zarr"):
        flaky_server.fail_path = ("/data/0.0", "drop")  # Chunks are read concurrently: the same ones drop each time.
    else:
        flaky_server.fail = dict.fromkeys(range(3, 6), "drop")
    with pytest.raises(InvalidSourceFileError, match="the connection broke while reading it") as caught:
        read_nwb(url)
    assert str(caught.value).startswith(url)


def test_a_read_refused_after_the_file_opened_is_not_tried_again(small_nwb, flaky_server):
    # A presigned URL (DANDI's redirect target) that expired between reads: 403, which trying again will not mend.
    url = _serve(small_nwb, flaky_server, "s.nwb")
    flaky_server.fail_from = (3, 403)
    with pytest.raises(InvalidSourceFileError, match=r"answered HTTP 403 \(Forbidden\) to a read after it had opened"):
        read_nwb(url)
    assert flaky_server.gets == 3
