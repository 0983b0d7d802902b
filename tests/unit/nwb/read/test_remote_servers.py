"""Opening NWB files at URLs of servers that misbehave: wrong ranges, errors at open, loops, stalls, odd URLs.

A server (or a proxy) answering 206 with another range than asked was read as the asked bytes ("the file is
damaged", or h5py's KeyError); a 503 when the file was opened was not tried again as reads are; a redirect
loop said "TooManyRedirects: 0", a 503/429 at open aiohttp's exception text, an expired signed URL "public
URLs only", an empty file "no Range"; a stalled server was waited on for 300 s; DANDI references and web
pages were taken for local paths or files.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

import pytest

from poseconv import read_nwb
from poseconv.errors import InvalidSourceFileError
from tests.fixtures.http_server import RangeServer, range_handler, serving_folder
from tests.fixtures.remote_failures import assert_same_poses

# Every request whose path starts with one of these is answered as the name says (see _handler).
MODES = ("shift", "offset", "short", "busy", "loop", "signed", "stall", "s416", "api")


class OddServer(RangeServer):
    """A :class:`RangeServer` that also plays servers that misbehave, one per first path segment (:data:`MODES`)."""

    busy_left: int = 0
    released: threading.Event

    def __init__(self, root, port) -> None:
        super().__init__(root=root, port=port)
        self.released = threading.Event()


def _handler(server: OddServer) -> type[BaseHTTPRequestHandler]:
    base = range_handler(server)

    class Handler(base):
        def _mode(self) -> tuple[str, str]:
            path = urlsplit(self.path).path
            mode, _, rest = path.lstrip("/").partition("/")
            return (mode, rest) if mode in MODES else ("", path.lstrip("/"))

        def _answer(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _refused(self, mode: str) -> bool:
            """Answer the request of a mode that fails whatever is asked; whether it did."""
            if mode == "busy":
                with server.lock:
                    server.busy_left -= 1
                    busy = server.busy_left >= 0
                if busy:
                    self._answer(503, body=b"<Error><Code>SlowDown</Code></Error>")
                    return True
            if mode == "loop":
                self._answer(302, {"Location": self.path})
                return True
            if mode == "signed":
                self._answer(403, body=b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message>")
                return True
            if mode == "s416":
                self._answer(416)
                return True
            if mode == "api" and self.path.endswith("/download/"):
                # DANDI's API for a Zarr asset (dandi-archive AssetViewSet.download).
                self._answer(400, body=b'"Unable to provide download link for zarr assets. Please browse the zarr"')
                return True
            return False

        def do_HEAD(self) -> None:  # noqa: N802 - the name http.server calls
            mode, rest = self._mode()
            if not self._refused(mode):
                self.path = f"/{rest}"
                super().do_HEAD()

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            mode, rest = self._mode()
            if self._refused(mode):
                return
            if mode == "stall":
                server.released.wait(10)
                return
            target = (server.root / rest).resolve()
            spec = self.headers.get("Range", "")
            if mode not in ("shift", "offset", "short") or not spec.startswith("bytes="):
                self.path = f"/{rest}"
                super().do_GET()
                return
            data = target.read_bytes()
            first, _, last = spec[len("bytes=") :].partition("-")
            start, stop = int(first), min(len(data), int(last) + 1)
            # Each tells the truth in its Content-Range; none sends the range asked (past the file's first block).
            begin, end = start, stop
            if mode == "shift" and start > 0:
                begin = max(0, start - 16)  # more bytes, from earlier
            if mode == "offset" and start > 0:
                begin, end = max(0, start - 16), max(0, start - 16) + (stop - start)  # as many bytes, from earlier
            if mode == "short":
                end = start + max(1, (stop - start) // 2)
            self._answer(206, {"Content-Range": f"bytes {begin}-{end - 1}/{len(data)}"}, data[begin:end])

    return Handler


@pytest.fixture
def odd_server(tmp_path, small_nwb) -> Iterator[OddServer]:
    """Serve ``s.nwb`` (and an empty ``empty.nwb``) with the misbehaving modes, on a free local port."""
    with serving_folder(tmp_path / "odd", OddServer, _handler) as state:
        shutil.copy(small_nwb["s.nwb"], state.root / "s.nwb")
        (state.root / "empty.nwb").write_bytes(b"")
        try:
            yield state
        finally:
            state.released.set()


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch):
    monkeypatch.setattr("poseconv.nwb.read.http_retry.FIRST_WAIT", 0.0)


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("shift", r"the server answered bytes \d+-\d+ for a Range of bytes \d+-\d+"),
        ("offset", r"the server answered bytes \d+-\d+ for a Range of bytes \d+-\d+"),
        ("short", r"the server answered 8192 bytes for a Range of 16384 \(bytes 0-16383\)"),
    ],
)
def test_an_answer_of_another_range_than_asked_is_said_not_read_as_the_file(odd_server, mode, said):
    url = odd_server.url(f"{mode}/s.nwb")
    with pytest.raises(InvalidSourceFileError, match=said) as caught:
        read_nwb(url)
    message = str(caught.value)
    assert message.startswith(url) and "download it and give its path" in message and "damaged" not in message


def test_a_server_busy_when_the_file_is_opened_is_asked_again(odd_server, small_nwb):
    # S3's 503 SlowDown on the first requests (fsspec's HEAD, then its GET): opened at the third try.
    odd_server.busy_left = 2
    assert_same_poses(read_nwb(odd_server.url("busy/s.nwb")), read_nwb(small_nwb["s.nwb"]))


def test_a_server_still_busy_is_said_in_words(odd_server):
    odd_server.busy_left = 100
    url = odd_server.url("busy/s.nwb")
    with pytest.raises(InvalidSourceFileError) as caught:
        read_nwb(url)
    message = str(caught.value)
    assert message.startswith(f"{url}: could not be opened: the server answered HTTP 503 (Service Unavailable), 3")
    assert "try again later" in message and "ClientResponseError" not in message
    # Three tries of fsspec's HEAD and GET; the zarr store it is not (a server error says nothing of that).
    assert odd_server.busy_left == 100 - 6


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("loop/s.nwb", "the server redirected it too many times (a redirect loop)"),
        ("loop/s.nwb.zarr", "the server redirected it too many times (a redirect loop)"),
        ("signed/s.nwb?X-Amz-Signature=abc&X-Amz-Expires=60", "this is a signed URL, which works for a limited time"),
        ("s416/s.nwb", "could not be opened: the server answered HTTP 416 (Requested Range Not Satisfiable)"),
        ("empty.nwb", "the file is empty (0 bytes)"),
    ],
)
def test_urls_that_cannot_be_opened_say_why_in_words(odd_server, path, said):
    url = odd_server.url(path)
    with pytest.raises(InvalidSourceFileError) as caught:
        read_nwb(url)
    message = str(caught.value)
    assert message.startswith(url) and said in message, message
    assert not any(words in message for words in ("HTTP 0", "ClientResponseError", "TooManyRedirects", "Range requ"))


def test_a_stalled_server_is_given_up_on_after_the_read_timeout(odd_server, monkeypatch):
    monkeypatch.setattr("poseconv.nwb.read.remote.READ_TIMEOUT", 0.3)
    url = odd_server.url("stall/s.nwb")
    began = time.monotonic()
    with pytest.raises(InvalidSourceFileError, match="the server stopped answering while it was read") as caught:
        read_nwb(url)
    assert time.monotonic() - began < 5 and str(caught.value).startswith(url)


def test_the_download_url_of_a_dandi_zarr_asset_says_to_give_the_stores_url(odd_server):
    # DANDI answers HTTP 400 for a Zarr asset's download URL: it was "HTTP 400 (Bad Request); check the URL".
    url = odd_server.url("api/api/assets/bc578d52/download") + "/"
    with pytest.raises(InvalidSourceFileError) as caught:
        read_nwb(url)
    message = str(caught.value)
    assert message.startswith(f"{url}: DANDI gives no download URL for this asset (HTTP 400): it is a Zarr asset")
    assert "https://dandiarchive.s3.amazonaws.com/zarr/<zarr id>/" in message
    assert f"{odd_server.url('api/api/assets/bc578d52')}/)" in message
    with pytest.raises(InvalidSourceFileError, match=r"not found \(HTTP 404\)"):
        read_nwb(odd_server.url("api/api/assets/bc578d52") + "/")  # Not the download URL: not said to be a Zarr asset.


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("dandi://DANDI/000123/sub-1/sub-1_behavior.nwb", "dandi://DANDI/000123/sub-1/sub-1_behavior.nwb"),
        ("DANDI:000123/draft", "DANDI:000123/draft"),
    ],
)
def test_a_dandi_reference_says_to_give_the_assets_download_url(given, named):
    with pytest.raises(InvalidSourceFileError) as caught:
        read_nwb(given)
    message = str(caught.value)
    assert message.startswith(f"{named}: is a DANDI reference") and "file not found" not in message
    assert "api.dandiarchive.org/api/assets/<asset id>/download/" in message and f"dandi ls '{named}'" in message


def test_a_page_of_dandis_web_site_is_refused_before_any_request():
    # Without network: refused from the URL alone (it answered an HTML page, "neither an HDF5 NWB file nor Zarr").
    for url in (
        "https://dandiarchive.org/dandiset/000123/draft/files?location=sub-1%2F",
        "https://gui.dandiarchive.org/#/dandiset/000123",
    ):
        with pytest.raises(InvalidSourceFileError, match="is a page of DANDI's web site, not the NWB file") as caught:
            read_nwb(url)
        assert "/api/assets/<asset id>/download/" in str(caught.value)
