"""Reads of a URL that a network or a busy server failed: tried again a few times, then said in a sentence.

One helper for every read of an opened URL, the Range requests of an HDF5 file's block cache
(:mod:`poseconv.nwb.read.http_cache`) and the key reads of a Zarr store
(:mod:`poseconv.nwb.read.zarr_http`): a connection that dropped part way (aiohttp's
``ClientPayloadError``) and a server error (HTTP 5xx, or 429 Too Many Requests) are tried again after a
short wait, as S3 asks of its clients for ``500 InternalError`` and ``503 SlowDown`` (Amazon S3 API
reference, "Error responses": "retry the request"). What still fails, and any other refusal, is an
:class:`~poseconv.errors.InvalidSourceFileError` naming the URL, what the server did and what to do,
not aiohttp's exception. Opening a URL (:func:`open_with_retries`) is tried again in the same cases; what
still fails is raised as it is, for the opener to say.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from ...errors import InvalidSourceFileError

__all__ = ["ATTEMPTS", "open_with_retries", "read_with_retries", "retried_status"]

T = TypeVar("T")

#: Tries of a read that failed in a way that may pass (a dropped connection, a server error).
ATTEMPTS = 3

#: Seconds waited before the second try; doubled before each next one.
FIRST_WAIT = 0.5


def retried_status(status: int | None) -> bool:
    """Whether an HTTP status asks the client to try again later (a server error, or Too Many Requests)."""
    return status is not None and (status >= 500 or status == 429)


def _dropped_errors() -> tuple[type[BaseException], ...]:
    import aiohttp

    return (ConnectionError, aiohttp.ClientPayloadError, aiohttp.ClientConnectionError)


def _timeout_errors() -> tuple[type[BaseException], ...]:
    from fsspec.exceptions import FSTimeoutError

    return (TimeoutError, FSTimeoutError)


def _final_error(url: str, err: BaseException, thing: str, opened: bool = True) -> InvalidSourceFileError:
    """Return the error said when a read failed for good; ``opened``: a read of it had succeeded before."""
    later = f"try again later, or download the {thing} and give its path."
    status = getattr(err, "status", None)
    if isinstance(err, _timeout_errors()):
        return InvalidSourceFileError(
            f"{url}: the server stopped answering while it was read ({type(err).__name__}); {later}"
        )
    if status is None:
        return InvalidSourceFileError(
            f"{url}: the connection broke while reading it ({type(err).__name__}: {err}), {ATTEMPTS} times; {later}"
        )
    import aiohttp

    if isinstance(err, aiohttp.TooManyRedirects):
        # aiohttp gives it status 0 ("HTTP 0"): a redirect loop, which waiting does not end.
        return InvalidSourceFileError(
            f"{url}: the server redirected it too many times (a redirect loop); check the URL, or download the "
            f"{thing} and give its path."
        )
    reason = getattr(err, "message", "") or ""
    answered = f"the server answered HTTP {status}{f' ({reason})' if reason else ''}"
    if retried_status(status):
        return InvalidSourceFileError(
            f"{url}: {answered} to a read, {ATTEMPTS} times (a server error or a request to slow down); {later}"
        )
    if status in (401, 403) and not opened:
        # Refused from the first read (a store's .zmetadata): the store is private, embargoed or no longer shared.
        return InvalidSourceFileError(
            f"{url}: {answered} to the first read of the {thing}: access denied (a private or embargoed {thing}, a "
            f"signed URL that expired, or access withdrawn); poseconv reads public URLs only (for an embargoed DANDI "
            f"asset, download it with `dandi download` first), or download the {thing} and give its path."
        )
    if status == 403 and thing == "store" and not _signed(url):
        # One key of a store that opened: S3 (and DANDI's bucket) answer 403, not 404, for a key that is not there
        # to whoever may not list the bucket. A store URL is no signed URL (keys are appended to it) to expire.
        return InvalidSourceFileError(
            f"{url}: {answered} to a read after the store had opened: this key is missing from the store or "
            f"refused (a store cut short? an upload that did not finish); upload the store again whole, or "
            f"download the {thing} and give its path."
        )
    if status in (401, 403):
        return InvalidSourceFileError(
            f"{url}: {answered} to a read after it had opened (a signed URL that expired, or access withdrawn); "
            f"open the URL again (for a DANDI asset, its api/assets/<id>/download/ URL), or download the {thing} "
            "and give its path."
        )
    return InvalidSourceFileError(f"{url}: {answered} to a read after it had opened; {later}")


def _signed(url: str) -> bool:
    """Whether ``url`` carries a signature or token in its query (a presigned URL, valid for a limited time)."""
    from urllib.parse import urlsplit

    from ...model.location import is_credential

    return any(is_credential(item.split("=", 1)[0]) for item in urlsplit(url).query.split("&"))


def _forget(err: BaseException) -> None:
    """Drop the tracebacks of a failed try, now, in this thread.

    fsspec's ``sync`` keeps the exception of its coroutine in a list its frame holds, and the exception's
    traceback holds that frame: a reference cycle, whose frames (through ``f_back``) keep the reader's
    h5py objects. Left to the garbage collector, it is freed in whichever thread collects, fsspec's
    event-loop thread among them, where freeing an h5py object waits for h5py's lock that the reading
    thread holds: the read after a retried one hung. (The block cache also keeps the collector from
    starting there while a read waits, for garbage of any origin: ``http_cache._no_collection``.)
    """
    seen: set[int] = set()
    pending: list[BaseException | None] = [err]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending += [current.__cause__, current.__context__]


def _may_pass(err: BaseException) -> bool:
    """Whether opening a URL failed in a way that trying again may pass: a server error, a dropped connection.

    fsspec's ``info`` raises ``FileNotFoundError`` for any failed request, the server's answer as its cause. A
    connection that could not be made at all (no server at that address, an unknown host) is not waited on.
    """
    import aiohttp

    while isinstance(err, FileNotFoundError) and err.__cause__ is not None:
        err = err.__cause__
    if isinstance(err, aiohttp.ClientResponseError):
        return retried_status(err.status)
    if isinstance(err, (*_timeout_errors(), aiohttp.ClientConnectorError)):
        return False
    return isinstance(err, _dropped_errors())


def open_with_retries(open_: Callable[[], T]) -> T:
    """Return ``open_()``, tried again as a read is (:func:`read_with_retries`); the last failure raised as it is.

    Parameters
    ----------
    open_ : callable
        Makes the requests that open it (fsspec's ``info``) and returns what they found.

    Returns
    -------
    object
        What ``open_`` returned.
    """
    for attempt in range(ATTEMPTS):
        try:
            return open_()
        except Exception as err:
            if attempt + 1 == ATTEMPTS or not _may_pass(err):
                raise
            _forget(err)
        time.sleep(FIRST_WAIT * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def read_with_retries(
    url: str | Callable[[], str],
    read: Callable[[], T],
    *,
    thing: str = "file",
    opened: Callable[[], bool] | None = None,
) -> T:
    """Return ``read()``, tried again when its connection dropped or the server answered an error to retry.

    Parameters
    ----------
    url : str or callable
        The URL read, named in the error; or a function giving it when the error is said (the key of a batch
        whose read failed, known only then).
    read : callable
        Makes the request and returns what it read.
    thing : str, default: "file"
        What the URL is ("file", "store"), for the advice to download it.
    opened : callable, optional
        Whether a read of it has succeeded, asked when the error is said: a refusal before any is of access to
        it, one after of what it lacks (a key missing from a store). None: it opened (an HDF5 file's size read).

    Returns
    -------
    object
        What ``read`` returned.

    Raises
    ------
    InvalidSourceFileError
        When the read still failed after :data:`ATTEMPTS` tries, timed out, or was refused (another HTTP
        error status).
    """
    import aiohttp

    def failed(err: BaseException) -> InvalidSourceFileError:
        return _final_error(url if isinstance(url, str) else url(), err, thing, opened is None or opened())

    for attempt in range(ATTEMPTS):
        try:
            return read()
        except aiohttp.ClientResponseError as err:
            if not retried_status(err.status) or attempt + 1 == ATTEMPTS:
                raise failed(err) from err
            _forget(err)
        except _timeout_errors() as err:
            # A stalled server already took the whole timeout: said at once rather than waited on again.
            raise failed(err) from err
        except _dropped_errors() as err:
            if attempt + 1 == ATTEMPTS:
                raise failed(err) from err
            _forget(err)
        time.sleep(FIRST_WAIT * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover
