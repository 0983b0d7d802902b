"""NWB Zarr stores read from a URL: every key read tried again as an HDF5 URL's reads are, never read as missing.

zarr reads a store given as an fsspec mapper through its ``FSStore`` (zarr.storage
``_normalize_store_arg_v2``), which turns any ``OSError`` of a read into a missing key (its default
``exceptions=(KeyError, PermissionError, IOError)``): a refused or reset connection (aiohttp's
``ClientOSError``) while a chunk is read then reads as the array's fill value, silently, and
aiohttp's other errors (a dropped connection, HTTP 500/503) escape as they are. :class:`RetryingStore`
counts only a missing key (HTTP 404) as missing, refuses a missing chunk as damage (as a store folder
lacking one is refused), and reads every key through
:func:`~poseconv.nwb.read.http_retry.read_with_retries`, the helper of HDF5 URLs' block cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from zarr.storage import FSStore

from ...errors import InvalidSourceFileError
from .http_retry import read_with_retries, retried_status
from .zarr_groups import ZarrGroup, missing_chunks_problem, open_zarr
from .zarr_readahead import CONCURRENT_READS, ReadAhead

__all__ = ["RetryingStore", "UnlistedStoreError", "open_zarr_url"]

# zarr's metadata keys (zarr.storage: group_meta_key, array_meta_key, attrs_key); small, and read again by
# every membership test of an unconsolidated store, so kept once read.
_METADATA_KEYS = (".zgroup", ".zarray", ".zattrs")

# The consolidated metadata (zarr.convenience.consolidate_metadata), which names every array of the store.
_CONSOLIDATED_KEY = ".zmetadata"


class UnlistedStoreError(InvalidSourceFileError):
    """A Zarr store found at a URL whose groups cannot be found: no consolidated metadata, no folder listing.

    Its own class because a URL that is no object of its own (a DANDI ``zarr/<id>/`` folder) is said as missing
    (HTTP 404) when no store is there either, and as this when one is.
    """


class RetryingStore(FSStore):
    """A read-only zarr store of an HTTP URL whose reads are tried again, then said in words naming the URL.

    Parameters
    ----------
    url : str
        The store's URL as the user gave it (named in errors).
    fs : fsspec.AbstractFileSystem
        The HTTP filesystem.
    target : str
        The URL requests go to (``s3://`` URLs as the bucket's HTTPS endpoint).
    """

    def __init__(self, url: str, fs: Any, target: str) -> None:
        # Only a key that is not there is missing (FSMap turns HTTP 404 into KeyError); not a failed read.
        super().__init__(target.rstrip("/"), fs=fs, mode="r", exceptions=(KeyError,))
        self.url = url.rstrip("/")
        self._metadata: dict[str, bytes] = {}
        self._ahead = ReadAhead()
        # Whether a key has been read: a refusal before is of the store (private), after of a key (cut short).
        self._opened = False

    def _read(self, key: str | Callable[[], str], read: Any) -> Any:
        """Return ``read()`` tried again (:func:`read_with_retries`); ``key`` (or the function giving it) is named."""
        named = (lambda: f"{self.url}/{key()}") if callable(key) else f"{self.url}/{key}"
        return read_with_retries(named, read, thing="store", opened=lambda: self._opened)

    def __getitem__(self, key: str) -> bytes:
        if key in self._metadata:
            return self._metadata[key]
        if key.rsplit("/", 1)[-1] in (*_METADATA_KEYS, _CONSOLIDATED_KEY):
            value = self._read(key, lambda: FSStore.__getitem__(self, key))
            self._opened = True
            if key == _CONSOLIDATED_KEY:
                self._ahead.plan(value)
            else:
                self._metadata[key] = value
            return value
        return self.getitems([key], contexts={})[key]

    def getitems(self, keys: Sequence[str], *, contexts: Mapping[str, Any]) -> Mapping[str, Any]:
        """Read the chunks ``keys`` with those planned after them (:class:`ReadAhead`), concurrently as FSStore does.

        A key whose read failed is read again. A chunk that is not there (HTTP 404) is refused: hdmf-zarr writes
        every chunk (see :func:`~poseconv.nwb.read.zarr_groups.missing_chunks_problem`), and zarr would read the
        array's fill value in its place, silently, as a store folder lacking it is refused.
        """
        found = self._ahead.read(keys, self._fetch)
        missing = [key for key in keys if key not in found]
        if missing:
            raise InvalidSourceFileError(self._missing_chunk(missing[0]))
        return found

    def _missing_chunk(self, key: str) -> str:
        """Say that the chunk ``key`` is not at the URL, naming its array (the folder above with a ``.zarray``)."""
        parts = key.split("/")
        for end in range(len(parts) - 1, 0, -1):
            array = "/".join(parts[:end])
            try:
                meta = json.loads(self[f"{array}/.zarray"])
            except KeyError:
                continue
            chunk = "/".join(parts[end:])
            return missing_chunks_problem(
                self.url, f"/{array}", f"its chunk file {chunk} (HTTP 404 at the URL)", meta.get("fill_value")
            )
        return missing_chunks_problem(self.url, "", f"its chunk file {key} (HTTP 404 at the URL)", "its fill value")

    def _fetch(self, batch: list[str]) -> dict[str, bytes]:
        """Read ``batch`` concurrently; a key whose read failed is read again (the others are not), then said."""
        found: dict[str, bytes] = {}
        pending = list(batch)

        def once() -> dict[str, bytes]:
            urls = {f"{self.map.root.rstrip('/')}/{key}": key for key in pending}
            # fsspec reads a list of URLs concurrently, CONCURRENT_READS at a time; a missing key (HTTP 404) comes
            # back as a FileNotFoundError instance, any other failure as its own exception.
            results = self.fs.cat(list(urls), on_error="return", batch_size=CONCURRENT_READS)
            failed = []
            for url, key in urls.items():
                value = results.get(url, FileNotFoundError(url))
                if isinstance(value, FileNotFoundError):
                    continue
                if isinstance(value, BaseException):
                    failed.append((key, value))
                else:
                    found[key] = value
                    self._opened = True
            pending[:] = [key for key, _ in failed]
            if failed:
                raise failed[0][1]
            return found

        # The key named is one whose read failed (once() leaves only those pending), not the batch's first.
        return self._read(lambda: pending[0], once)

    def __contains__(self, key: object) -> bool:
        # FSStore asks fsspec's exists(), which answers False for a failed request (HTTP 500, a dropped
        # connection): a group would be read as absent. Reading the key says which it is.
        key = str(key)
        if key.rsplit("/", 1)[-1] not in (*_METADATA_KEYS, _CONSOLIDATED_KEY):
            return key in self._ahead.read([key], self._fetch)  # A chunk asked after, not read: absent is no error.
        try:
            self[key]
        except KeyError:
            return False
        return True

    def listdir(self, path: str | None = None) -> list[str]:
        """Names in folder ``path``; none when the server does not list folders (S3, nginx without autoindex)."""

        def list_once() -> list[str]:
            import aiohttp

            try:
                return list(FSStore.listdir(self, path))
            except aiohttp.ClientResponseError as err:
                if retried_status(err.status):
                    raise
                return []  # A folder URL refused (403, 405): the server lists nothing.

        return self._read(path or "", list_once)


def open_zarr_url(url: str, fs: Any, target: str) -> ZarrGroup:
    """Open the NWB Zarr store at ``url``; refuse one whose groups cannot be found.

    Parameters
    ----------
    url : str
        The URL given (named in errors).
    fs : fsspec.AbstractFileSystem
        The HTTP filesystem.
    target : str
        The URL requests go to.

    Returns
    -------
    ZarrGroup
        The store's root group, whose reads go through :class:`RetryingStore`.

    Raises
    ------
    UnlistedStoreError
        When the store has no consolidated metadata and the server does not list its folders.
    InvalidSourceFileError
        When a read of the store fails (after its retries).
    KeyError, ValueError
        When there is no Zarr group at ``url`` (see :func:`~poseconv.nwb.read.zarr_groups.open_zarr`).
    """
    root = open_zarr(RetryingStore(url, fs, target))
    if not root.consolidated and not root.keys():
        # hdmf-zarr records no group's members (only attributes and links in .zattrs): without .zmetadata
        # (NWBZarrIO.write(..., consolidate_metadata=False)) they are found by listing folders. An NWB file's
        # root always has members (general, processing, ...), so none listed means the server does not list.
        raise UnlistedStoreError(
            f"{url}: this NWB Zarr store has no consolidated metadata (.zmetadata) and the server does not list "
            "its folders (S3 and DANDI's bucket do not), so its groups cannot be found. Consolidate it where it "
            "was written (zarr.consolidate_metadata(path_of_the_store)) and upload its .zmetadata, or download "
            "the store and give its path."
        )
    return root
