"""NWB Zarr stores read from a URL: a store whose groups cannot be found is said, never read as empty."""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from poseconv import open_nwb, read_nwb
from poseconv.errors import InvalidSourceFileError
from tests.fixtures.remote_failures import assert_same_poses


@pytest.fixture
def unconsolidated(small_nwb, tmp_path):
    """The store as NWBZarrIO.write(..., consolidate_metadata=False) leaves it: no .zmetadata."""
    store = tmp_path / "u.nwb.zarr"
    shutil.copytree(small_nwb["s.nwb.zarr"], store)
    (store / ".zmetadata").unlink()
    return store


def test_a_store_without_zmetadata_on_a_server_that_does_not_list_folders_is_said(unconsolidated, range_server):
    # S3 (DANDI's bucket) and nginx without autoindex list no folder; the store read as holding no poses (read_nwb
    # gave [], inspect "no PoseEstimation found", exit 0).
    shutil.copytree(unconsolidated, range_server.root / "u.nwb.zarr")
    url = range_server.url("u.nwb.zarr")
    with pytest.raises(InvalidSourceFileError, match="no consolidated metadata") as caught:
        read_nwb(url)
    message = str(caught.value)
    assert message.startswith(f"{url}: ") and "zarr.consolidate_metadata" in message and "download the store" in message
    with pytest.raises(InvalidSourceFileError, match="no consolidated metadata"), open_nwb(url):
        pass


def test_a_store_without_zmetadata_at_a_dandi_zarr_url_is_said_as_at_a_zarr_url(unconsolidated, range_server):
    # DANDI's zarr/<id>/ URL has no .zarr ending: the folder is no object (HTTP 404), the store is tried, and its
    # "no consolidated metadata" was replaced by the folder's "not found (HTTP 404). Check the URL".
    shutil.copytree(unconsolidated, range_server.root / "zarr" / "3f2a-uuid")
    url = range_server.url("zarr/3f2a-uuid/")
    with pytest.raises(InvalidSourceFileError, match="no consolidated metadata") as caught:
        read_nwb(url)
    # "HTTP 404", not "404": the server's random port may hold those digits (40461 did, in a plain clone's run).
    assert str(caught.value).startswith(f"{url}: ") and "HTTP 404" not in str(caught.value)
    with pytest.raises(InvalidSourceFileError, match=r"not found \(HTTP 404\)"):
        read_nwb(range_server.url("zarr/no-such-id/"))


def test_a_store_without_zmetadata_is_read_from_a_server_that_lists_folders(unconsolidated, small_nwb):
    # python -m http.server lists folders (and ignores Range, which a store's key reads do not use).
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(unconsolidated.parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        remote = read_nwb(f"http://127.0.0.1:{httpd.server_address[1]}/u.nwb.zarr")
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
    assert_same_poses(remote, read_nwb(small_nwb["s.nwb.zarr"]))


def test_a_chunk_whose_connection_was_reset_is_read_again_not_read_as_missing(monkeypatch):
    # zarr's FSStore counts any OSError of a read as a missing key, which reads as the array's fill value: a
    # connection reset by the server (aiohttp's ClientOSError is an OSError) gave zeros, silently.
    import fsspec

    from poseconv.nwb.read.zarr_http import RetryingStore

    monkeypatch.setattr("poseconv.nwb.read.http_retry.FIRST_WAIT", 0.0)
    fs = fsspec.filesystem("memory")
    fs.pipe("/reset/x/0.0", b"chunk")
    store = RetryingStore("https://example.org/reset", fs, "/reset")
    calls = []
    cat = fs.cat

    def reset_once(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 1:
            raise ConnectionResetError(104, "Connection reset by peer")
        return cat(path, *args, **kwargs)

    monkeypatch.setattr(fs, "cat", reset_once)
    assert store["x/0.0"] == b"chunk" and len(calls) == 2
    with pytest.raises(InvalidSourceFileError, match="lacks its chunk file x/1.0"):
        store["x/1.0"]  # A chunk that is not there is damage, not the fill value (see the test below).
    assert "x/0.0" in store and "x/9.9" not in store


def test_a_store_at_a_url_lacking_a_chunk_file_is_refused_as_on_disk(small_nwb, range_server):
    # An upload that did not finish: zarr read the missing chunk as its fill value, positions and confidence 0.0
    # in every frame, with no word, where the same store on disk is refused.
    store = range_server.root / "s.nwb.zarr"
    shutil.copytree(small_nwb["s.nwb.zarr"], store)
    series = next(p for p in store.glob("processing/behavior/*/*") if (p / "data" / ".zarray").is_file())
    for chunk in (series / "data").glob("[0-9]*"):
        chunk.unlink()
    with pytest.raises(InvalidSourceFileError, match="lacks") as on_disk:
        read_nwb(store)
    url = range_server.url("s.nwb.zarr")
    with pytest.raises(InvalidSourceFileError) as caught:
        read_nwb(url)
    message = str(caught.value)
    name = "/" + str((series / "data").relative_to(store))
    assert message.startswith(f"{url}: the Zarr array {name} lacks its chunk file 0")
    assert message.endswith(str(on_disk.value).split(" chunk file(s)", 1)[1])


def test_a_store_is_read_in_concurrent_batches_not_one_request_at_a_time(small_nwb, tmp_path):
    # Every series of an NWB Zarr store is a few one-chunk arrays (data, confidence, starting_time, unit, ...): read
    # one request after another, a file of 27 tracks x 24 nodes made 2,248 requests, each waiting for the server.
    import time

    from tests.fixtures.http_server import RangeServer, range_handler, serving

    state = RangeServer(root=tmp_path.resolve(), port=0)
    shutil.copytree(small_nwb["s.nwb.zarr"], tmp_path / "s.nwb.zarr")
    in_flight, most = [0], [0]
    lock = threading.Lock()

    class Slow(range_handler(state)):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            with lock:
                in_flight[0] += 1
                most[0] = max(most[0], in_flight[0])
            time.sleep(0.05)  # A server's latency, during which other reads can be under way.
            try:
                super().do_GET()
            finally:
                with lock:
                    in_flight[0] -= 1

    with serving(state, Slow):
        remote = read_nwb(state.url("s.nwb.zarr"))
        chunk_reads = [r for r in state.requests if "/.z" not in r]
    assert_same_poses(remote, read_nwb(small_nwb["s.nwb.zarr"]))
    assert most[0] > 10 and len(chunk_reads) > 20


def test_a_refused_chunk_of_a_store_at_a_url_is_named_the_key_that_failed(small_nwb, tmp_path):
    # S3 answers 403 for a key that is not there (without ListBucket): the error named the first key of the
    # read-ahead batch (another array's), and blamed a signed URL that expired on a URL that is not signed.
    from tests.fixtures.http_server import RangeServer, range_handler, serving

    state = RangeServer(root=tmp_path.resolve(), port=0)
    store = tmp_path / "s.nwb.zarr"
    shutil.copytree(small_nwb["s.nwb.zarr"], store)
    chunk = next(p for p in sorted(store.glob("processing/behavior/*/*/data/0*")))
    chunk.unlink()
    key = str(chunk.relative_to(tmp_path))

    class Refusing(range_handler(state)):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            if self.path.endswith(key):
                self.send_error(403)
                return
            super().do_GET()

    with serving(state, Refusing), pytest.raises(InvalidSourceFileError) as caught:
        read_nwb(state.url("s.nwb.zarr"))
    message = str(caught.value)
    assert message.startswith(f"{state.url(key)}: the server answered HTTP 403")
    assert "missing from the store or refused (a store cut short?" in message and "signed" not in message


def test_a_store_refused_from_its_first_read_is_said_as_refused_access_not_cut_short(small_nwb, tmp_path):
    # A private or embargoed store answers 403 to every key: its .zmetadata was said as a key missing from a store
    # that had opened, "a store cut short", with the advice to upload it again.
    from tests.fixtures.http_server import RangeServer, range_handler, serving

    state = RangeServer(root=tmp_path.resolve(), port=0)
    shutil.copytree(small_nwb["s.nwb.zarr"], tmp_path / "s.nwb.zarr")

    class Refusing(range_handler(state)):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            self.send_error(403)

        do_HEAD = do_GET  # noqa: N815 - the name http.server calls

    with serving(state, Refusing), pytest.raises(InvalidSourceFileError) as caught:
        read_nwb(state.url("s.nwb.zarr"))
    message = str(caught.value)
    assert message.startswith(state.url("s.nwb.zarr")) and "HTTP 403" in message
    assert "access denied" in message and "download the store" in message
    assert "cut short" not in message and "after the store had opened" not in message


def test_a_missing_store_url_is_said_not_found_and_a_store_url_with_a_query_is_refused(small_nwb, range_server):
    # A mistyped .nwb.zarr URL was "neither an HDF5 NWB file nor an NWB Zarr store", where a mistyped .nwb is "not
    # found (HTTP 404)"; a store URL with a query (?versionId=1) the same, its keys read after the '?'.
    shutil.copytree(small_nwb["s.nwb.zarr"], range_server.root / "s.nwb.zarr")
    url = range_server.url("typo.nwb.zarr")
    with pytest.raises(
        InvalidSourceFileError, match=r"not found \(HTTP 404 for its .zmetadata and .zgroup\)"
    ) as caught:
        read_nwb(url)
    assert str(caught.value).startswith(f"{url}: ") and "neither" not in str(caught.value)
    url = range_server.url("s.nwb.zarr") + "?versionId=1"
    with pytest.raises(InvalidSourceFileError, match="cannot carry a query") as caught:
        read_nwb(url)
    assert str(caught.value).startswith(f"{url}: ") and "without them" in str(caught.value)
    with pytest.raises(InvalidSourceFileError, match=r"not found \(HTTP 404\)"):
        read_nwb(range_server.url("zarr/no-such-id") + "/?versionId=1")  # Not tried as a store: a missing URL.
