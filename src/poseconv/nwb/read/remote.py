"""NWB files read from a URL, fetching only the bytes the readers touch.

An ``http(s)://`` URL (a DANDI asset: ``https://dandiarchive.s3.amazonaws.com/blobs/...``, or
``https://api.dandiarchive.org/api/assets/<id>/download/``, which redirects there) is read
through fsspec's HTTP filesystem (aiohttp underneath): an HDF5 file as a file object h5py
reads from, through a block cache (:class:`~poseconv.nwb.read.http_cache.RunBlockCache`), so opening a file reads its
metadata and a series read fetches the chunks of that series only;
a Zarr store (a URL ending in ``.zarr``, or any URL that is not an HDF5 file) as a key-value
store whose consolidated metadata (``.zmetadata``) is read once, then its chunks in concurrent batches
(:mod:`~poseconv.nwb.read.zarr_readahead`).
The redirect of an API URL is followed once, when the file is opened, not at every read.

Opening is tried again after a server error, as every read is (:mod:`~poseconv.nwb.read.http_retry`), and
a server that stops answering is given up on after :data:`READ_TIMEOUT` seconds of silence (aiohttp's own
default waits 300 s in all for each request).

``s3://bucket/key`` URLs are read over HTTPS from the bucket's public endpoint
(``https://bucket.s3.amazonaws.com/key``, :func:`http_url`): DANDI's buckets are public, so no AWS client
or credentials are needed. Requests go through the proxy of ``HTTPS_PROXY`` / ``HTTP_PROXY`` when one is set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from ...errors import InvalidSourceFileError
from ...model.location import is_credential, is_url, url_name

__all__ = [
    "BLOCK_SIZE",
    "CONNECT_TIMEOUT",
    "HDF5_SIGNATURE",
    "READ_TIMEOUT",
    "http_url",
    "is_url",
    "open_url",
    "url_name",
]

#: Bytes per cached block when h5py reads a remote HDF5 file. HDF5 metadata lies in small pieces
#: all over a file (each dataset's header next to its chunks): small blocks fetch little beyond
#: what is read (64 KiB blocks fetched three times as much to open a 12 MB file of 24 series, for
#: 20 % fewer requests). A chunk spanning several missing blocks is still one request.
BLOCK_SIZE = 16 * 1024

#: First bytes of an HDF5 file (at offset 0 for NWB files; HDF5 also allows 512, 1024, ...).
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

#: Seconds a server may stay silent while answering a request (between two parts of its answer) before the read
#: is given up on: a stalled server is then said at once instead of after aiohttp's 300 s per request.
READ_TIMEOUT = 30.0

#: Seconds to connect to a server.
CONNECT_TIMEOUT = 30.0

# What a URL that holds something else than an NWB file or store is said to be.
_NEITHER = "{url}: neither an HDF5 NWB file nor an NWB Zarr store (no .zgroup or .zmetadata at that URL)."

# Query fields of a signed S3 URL (a presigned GET, signature version 4 or 2), valid for a limited time only.


def http_url(url: str) -> str:
    """Return the HTTPS URL of ``url``: ``s3://bucket/key`` becomes the bucket's public endpoint.

    The key is everything after ``s3://bucket/`` (S3 keys may hold ``?``, ``#`` and ``%``), sent quoted; a bucket
    whose name has dots is put in the path (``https://s3.amazonaws.com/bucket/key``): in the host name it would fall
    outside the ``*.s3.amazonaws.com`` certificate.
    """
    if not url.lower().startswith("s3://"):
        return url
    bucket, _, key = url[len("s3://") :].partition("/")
    if not bucket:
        raise InvalidSourceFileError(f"{url}: an s3:// URL names a bucket and a key (s3://bucket/path/file.nwb).")
    path = quote(key, safe="/~")
    if "." in bucket:
        return f"https://s3.amazonaws.com/{bucket}/{path}"
    return f"https://{bucket}.s3.amazonaws.com/{path}"


def _filesystem() -> Any:
    import aiohttp
    import fsspec

    # No limit on a whole answer (a large chunk over a slow link takes what it takes), only on silence. trust_env:
    # the proxy of HTTPS_PROXY / HTTP_PROXY (and NO_PROXY) is used, as curl, pip and dandi use it.
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=CONNECT_TIMEOUT, sock_read=READ_TIMEOUT)
    return fsspec.filesystem("http", client_kwargs={"timeout": timeout, "trust_env": True})


def _dandi_web_page(url: str) -> str | None:
    """Say so when ``url`` is a page of DANDI's web site (a dandiset's file list), not a file; else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    on_site = host == "dandiarchive.org" or (host.endswith(".dandiarchive.org") and not host.startswith("api"))
    if not on_site or "dandiset" not in f"{parts.path}#{parts.fragment}":
        return None
    return (
        f"{url}: is a page of DANDI's web site, not the NWB file. Give the file's asset download URL, "
        "https://api.dandiarchive.org/api/assets/<asset id>/download/ (on the dandiset's Files page, the file's "
        "menu has it; `dandi ls dandi://DANDI/<dandiset>/<path>` prints its asset_id), or download it with "
        "`dandi download` and give its path."
    )


def _dandi_zarr_asset(url: str, status: object) -> str | None:
    """Say so when ``url`` is the download URL of a DANDI Zarr asset (which DANDI refuses, HTTP 400); else None.

    DANDI's API gives a download link for a blob asset (an ``.nwb`` file) only; for a Zarr asset it answers 400,
    "Unable to provide download link for zarr assets. Please browse the zarr files directly" (dandi-archive,
    ``AssetViewSet.download``). The path is matched, not the host: DANDI's staging and other instances serve the
    same API.
    """
    parts = urlsplit(url)
    match = re.fullmatch(r"(.*/api/assets/[^/]+/)download/?", parts.path)
    if status != 400 or match is None:
        return None
    metadata = f"{parts.scheme}://{parts.netloc}{match.group(1)}"
    return (
        f"{url}: DANDI gives no download URL for this asset (HTTP 400): it is a Zarr asset (a store of many files), "
        "whose files are read where they are. Give the store's URL, https://dandiarchive.s3.amazonaws.com/zarr/"
        f"<zarr id>/ (the asset's contentUrl there, in its metadata at {metadata}), or download it with "
        "`dandi download` and give its path."
    )


def _fetch_error(url: str, err: BaseException) -> InvalidSourceFileError:
    import aiohttp

    from .http_retry import ATTEMPTS, retried_status

    cause = err.__cause__
    if isinstance(err, FileNotFoundError) and cause is not None and getattr(cause, "status", None) != 404:
        # fsspec says "not found" for any failed request (a refused connection too): the cause tells.
        err = cause
    if isinstance(err, aiohttp.TooManyRedirects):
        # aiohttp's says "TooManyRedirects: 0" (status 0).
        return InvalidSourceFileError(
            f"{url}: could not be read: the server redirected it too many times (a redirect loop); check the URL, "
            "or download the file and give its path."
        )
    status = getattr(err, "status", None) or getattr(err, "code", None)
    later = "try again later, or download the file and give its path."
    if (zarr_asset := _dandi_zarr_asset(url, status)) is not None:
        return InvalidSourceFileError(zarr_asset)
    if isinstance(err, FileNotFoundError) or status == 404:
        return InvalidSourceFileError(f"{url}: not found (HTTP 404). Check the URL of the NWB file.")
    if status == 403 and any(is_credential(item.split("=", 1)[0]) for item in urlsplit(url).query.split("&")):
        return InvalidSourceFileError(
            f"{url}: access denied (HTTP 403): this is a signed URL, which works for a limited time only and may "
            "have expired. Get a new one (for a DANDI asset, give its https://api.dandiarchive.org/api/assets/"
            "<asset id>/download/ URL, which leads to a fresh one each time), or download the file and give its path."
        )
    if status in (401, 403):
        return InvalidSourceFileError(
            f"{url}: access denied (HTTP {status}); poseconv reads public URLs only (for an embargoed DANDI "
            "asset, download it with `dandi download` first)."
        )
    if isinstance(err, TimeoutError):
        return InvalidSourceFileError(f"{url}: could not be read: the server did not answer in time; {later}")
    if isinstance(err, (aiohttp.ClientConnectorError, ConnectionRefusedError)):
        # No answer at all: a host name that does not resolve, a refused connection, a certificate refused, a proxy.
        return InvalidSourceFileError(
            f"{url}: could not be read: no connection to the server ({type(err).__name__}: {err}). Check the URL "
            "and the network (behind a proxy, set HTTPS_PROXY / HTTP_PROXY), or download the file and give its path."
        )
    if isinstance(status, int):
        reason = getattr(err, "message", "") or ""
        answered = f"the server answered HTTP {status}{f' ({reason})' if reason else ''}"
        if retried_status(status):
            return InvalidSourceFileError(
                f"{url}: could not be opened: {answered}, {ATTEMPTS} times (a server error or a request to slow "
                f"down); {later}"
            )
        return InvalidSourceFileError(
            f"{url}: could not be opened: {answered}; check the URL, or download the file and give its path."
        )
    return InvalidSourceFileError(f"{url}: could not be read ({type(err).__name__}: {err}).")


def _may_be_a_folder(err: FileNotFoundError) -> bool:
    """Whether a URL that did not open as a file may be a Zarr store's folder: refused or missing, not failing.

    A folder (a DANDI zarr/<id>/ store) is no object of its own (HTTP 404 or 403 on S3); a server error, a
    redirect loop or a connection that could not be made says nothing of what is there.
    """
    import aiohttp

    cause = err.__cause__
    if isinstance(cause, aiohttp.TooManyRedirects):
        return False
    status = getattr(cause, "status", None)
    return cause is None or (isinstance(status, int) and 400 <= status < 500 and status != 429)


def _is_zarr_url(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").lower().endswith(".zarr")


def _has_query(url: str) -> bool:
    """Whether ``url`` carries a query or a fragment, which a Zarr store's URL cannot (see :func:`_open_zarr_url`)."""
    parts = urlsplit(url)
    return bool(parts.query or parts.fragment)


def open_url(url: str, chunk_cache: Mapping[str, int] | None = None) -> Any:
    """Open the NWB file or Zarr store at ``url`` for reading; return its root group (close it when done).

    Parameters
    ----------
    url : str
        ``http(s)://`` or ``s3://`` URL of an NWB file (HDF5) or NWB Zarr store.
    chunk_cache : mapping, optional
        h5py's chunk cache settings of an HDF5 file (``rdcc_nbytes``, ``rdcc_nslots``), as for a local file.

    Returns
    -------
    h5py.File or ZarrGroup
        The root group.

    Raises
    ------
    InvalidSourceFileError
        When the URL cannot be read, or holds neither an HDF5 file nor a Zarr store.
    """
    import aiohttp

    from .http_cache import MAX_BLOCKS, RunBlockCache
    from .http_retry import open_with_retries

    target = http_url(url)
    if (page := _dandi_web_page(target)) is not None:
        raise InvalidSourceFileError(page)
    fs = _filesystem()
    if _is_zarr_url(target):
        return _open_zarr_url(url, fs, target)
    try:
        info = open_with_retries(lambda: fs.info(target))
    except FileNotFoundError as err:
        if not _may_be_a_folder(err):
            raise _fetch_error(url, err) from err
        # A folder URL (a DANDI zarr/<id>/ store) is no object of its own: it may be a Zarr store. Only when no
        # Zarr store is there either is the URL's own answer said; a store found whose groups cannot be (no
        # consolidated metadata) is said as such.
        return _open_zarr_url(url, fs, target, missing=_fetch_error(url, err))
    except (OSError, aiohttp.ClientError, ValueError) as err:
        raise _fetch_error(url, err) from err
    if info.get("size") == 0:
        raise InvalidSourceFileError(
            f"{url}: the file is empty (0 bytes): an upload or a copy that did not finish? Check the URL, or give "
            "the file's path."
        )
    if not info.get("size") or info.get("partial") is False:
        raise InvalidSourceFileError(
            f"{url}: the server does not give the file's size or does not answer Range requests, so the file "
            "cannot be read in parts; download it and give its path."
        )
    try:
        # Follow a redirect (DANDI's API) once; every read then goes to where the file is.
        final = str(info.get("url") or target)
        stream = fs.open(
            final,
            "rb",
            block_size=BLOCK_SIZE,
            cache_type=RunBlockCache.name,
            cache_options={"maxblocks": MAX_BLOCKS, "url": url},
            size=info.get("size"),
        )
    except (OSError, aiohttp.ClientError, ValueError) as err:
        raise _fetch_error(url, err) from err
    if stream.read(len(HDF5_SIGNATURE)) != HDF5_SIGNATURE:
        stream.close()
        # Not an HDF5 file: a Zarr store whose URL does not end in .zarr (a DANDI zarr/<id>/ URL).
        return _open_zarr_url(url, fs, target)
    stream.seek(0)
    return _open_hdf5_stream(url, stream, chunk_cache)


def _open_hdf5_stream(url: str, stream: Any, chunk_cache: Mapping[str, int] | None = None) -> Any:
    import h5py

    class RemoteFile(h5py.File):
        """An HDF5 file read from a URL; closing it closes the HTTP stream too."""

        def close(self) -> None:
            try:
                super().close()
            finally:
                stream.close()

    try:
        root = RemoteFile(stream, "r", **(chunk_cache or {}))
    except (TimeoutError, ConnectionError) as err:
        # Both are OSErrors too, raised by the reads (h5py passes them on), not by what the file holds.
        stream.close()
        raise _fetch_error(url, err) from err
    except OSError as err:
        stream.close()
        # The file begins as HDF5 does (checked before): HDF5 failing to open it is damage (a file cut short: an
        # upload that did not finish).
        raise _damaged(url, err) from err
    try:
        # The root group's header and member list, read now: a file on disk is walked whole in a child first
        # (store.probe_nwb_file); at a URL, damage there would otherwise reach the user as h5py's bare words at the
        # first read (for the whole file: its every reader starts here).
        root.attrs.keys()
        list(root)
    except (TimeoutError, ConnectionError) as err:
        root.close()
        raise _fetch_error(url, err) from err
    except (KeyError, OSError, RuntimeError) as err:
        root.close()
        raise _damaged(url, err) from err
    return root


def _damaged(url: str, err: BaseException) -> InvalidSourceFileError:
    """Say that the HDF5 file at ``url`` is damaged, as the same file on disk is said (store.probe_nwb_file)."""
    from ...readers.safety.isolation import HDF5_STRUCTURE

    message = str(err.args[0]) if err.args else ""
    return InvalidSourceFileError(
        f"{url}: the file is damaged: reading {HDF5_STRUCTURE} fails ({type(err).__name__}: {message}). Write it "
        "again, or copy it again from where it came from."
    )


def _open_zarr_url(url: str, fs: Any, target: str, missing: InvalidSourceFileError | None = None) -> Any:
    """Open the Zarr store at ``url``.

    ``missing``, when given, is raised when no store could be read there (no Zarr group, or its reads failing),
    not when one is found whose groups cannot be (:class:`~poseconv.nwb.read.zarr_http.UnlistedStoreError`).
    """
    import aiohttp
    from zarr.errors import GroupNotFoundError

    from .zarr_http import UnlistedStoreError, open_zarr_url

    if _has_query(target):
        # A store is read key by key at <store URL>/<key>: a query (an object's versionId, a signature) is of one
        # object, not of each key, and keys put after it would be no URL of the store's.
        if missing is not None:
            raise missing
        if not _is_zarr_url(target):
            raise InvalidSourceFileError(_NEITHER.format(url=url))
        raise InvalidSourceFileError(
            f"{url}: the URL of a Zarr store cannot carry a query (?...) or a fragment (#...): each of the store's "
            "files is read at a URL of its own, the store's URL followed by the file's key. Give the store's URL "
            "without them, or download the store and give its path."
        )
    try:
        return open_zarr_url(url, fs, target)
    except UnlistedStoreError:
        raise
    except (InvalidSourceFileError, OSError, aiohttp.ClientError) as err:
        if missing is not None:
            raise missing from err
        if isinstance(err, InvalidSourceFileError):
            raise
        raise _fetch_error(url, err) from err
    except (KeyError, ValueError) as err:
        if missing is not None:
            raise missing from err
        if _is_zarr_url(target) and isinstance(err, (KeyError, GroupNotFoundError)):
            # The store reads a key as missing only on HTTP 404 (RetryingStore): .zmetadata, .zgroup and .zarray
            # all answered it. A mistyped .nwb.zarr URL is said as a mistyped .nwb one is.
            raise InvalidSourceFileError(
                f"{url}: not found (HTTP 404 for its .zmetadata and .zgroup). Check the URL of the NWB Zarr store."
            ) from err
        raise InvalidSourceFileError(_NEITHER.format(url=url)) from err
