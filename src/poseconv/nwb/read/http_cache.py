"""The block cache of remote HDF5 files: what h5py reads of a URL is fetched once, in as few requests as can be.

Every answer is checked to be the bytes asked for: fsspec's ``HTTPFile`` takes any 206 answer as the range it
asked (whatever its ``Content-Range`` says) and returns what it read, so a server (or a proxy) that answers
another range or fewer bytes gave h5py bytes of other offsets, read as a checksum error ("the file is
damaged"), or as wrong values where no checksum covers them.
"""

from __future__ import annotations

import gc
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby
from typing import Any

from fsspec.asyn import sync
from fsspec.caching import BaseCache, register_cache
from fsspec.implementations.http import HTTPFile

from ...errors import InvalidSourceFileError
from .http_retry import read_with_retries

__all__ = ["MAX_BLOCKS", "RunBlockCache"]

#: Blocks kept in memory per open file (least recently used dropped first): 16 MiB of 16 KiB blocks.
MAX_BLOCKS = 1024


class RunBlockCache(BaseCache):
    """An LRU cache of fixed-size blocks of a remote file that fetches each run of missing blocks in one request.

    fsspec's ``blockcache`` sends one request per block (a 1 MB chunk read in 64 KiB blocks is 16
    round trips) and its ``mmap`` cache backs every file by a temporary file of the file's full
    size; this keeps at most ``maxblocks`` blocks in memory and reads a run of adjacent missing
    blocks with one Range request.

    Parameters
    ----------
    blocksize : int
        Bytes per block.
    fetcher : callable
        ``fetcher(start, stop)`` returns those bytes of the file.
    size : int
        Size of the file.
    maxblocks : int, default: MAX_BLOCKS
        Blocks kept.
    """

    name = "poseconv-runs"

    def __init__(
        self, blocksize: int, fetcher: Any, size: int, maxblocks: int = MAX_BLOCKS, url: str | None = None
    ) -> None:
        super().__init__(blocksize, _checked_fetcher(fetcher, url), size)
        self.maxblocks = maxblocks
        self.url = url
        self.blocks: OrderedDict[int, bytes] = OrderedDict()

    def _request(self, begin: int, end: int) -> bytes:
        """Fetch bytes ``[begin, end)``; a dropped connection or a server error is tried again, then said in words.

        h5py passes an exception of a read on to its caller, so what a user sees is this message
        (naming the URL) rather than aiohttp's or fsspec's.
        """
        try:
            with _no_collection():
                data = read_with_retries(str(self.url), lambda: self.fetcher(begin, end))
        except InvalidSourceFileError:
            raise
        except ValueError as err:
            if "range" not in str(err).lower():
                raise
            # A server that sends the whole file for every request (python -m http.server).
            raise InvalidSourceFileError(
                f"{self.url}: the server does not answer Range requests, so the file cannot be read in parts; "
                "download it and give its path."
            ) from err
        if len(data) != end - begin:
            raise InvalidSourceFileError(
                f"{self.url}: the server answered {len(data)} bytes for a Range of {end - begin} (bytes "
                f"{begin}-{end - 1}), so the file cannot be read in parts; download it and give its path."
            )
        return data

    def _fetch(self, start: int | None, stop: int | None) -> bytes:
        start = 0 if start is None else start
        stop = self.size if stop is None else min(stop, self.size)
        if start >= stop:
            return b""
        first, last = start // self.blocksize, (stop - 1) // self.blocksize
        wanted = range(first, last + 1)
        missing = [i for i in wanted if i not in self.blocks]
        self.hit_count += len(wanted) - len(missing)
        for _, run in groupby(enumerate(missing), key=lambda pair: pair[1] - pair[0]):
            numbers = [number for _, number in run]
            begin = numbers[0] * self.blocksize
            data = self._request(begin, min((numbers[-1] + 1) * self.blocksize, self.size))
            self.total_requested_bytes += len(data)
            self.miss_count += len(numbers)
            for k, number in enumerate(numbers):
                self.blocks[number] = data[k * self.blocksize : (k + 1) * self.blocksize]
        for number in wanted:
            self.blocks.move_to_end(number)
        out = b"".join(self.blocks[number] for number in wanted)
        while len(self.blocks) > max(self.maxblocks, len(wanted)):
            self.blocks.popitem(last=False)
        return out[start - first * self.blocksize : stop - first * self.blocksize]


class _Collector:
    """How many reads wait now, and whether the collector was on before the first of them (and turned off by it)."""

    lock = threading.Lock()
    waiting = 0
    turned_off = False


@contextmanager
def _no_collection() -> Iterator[None]:
    """Keep the garbage collector from running on its own while a read of h5py's waits on fsspec's thread.

    h5py holds its lock while it reads, and the read waits for fsspec's event-loop thread. A collection
    started there (by any allocation past the threshold) that frees an h5py object of a garbage cycle
    (a caught error's traceback, pynwb's parent links) waits for that lock: both threads wait for ever.
    Reads of other threads count in; the collector is turned on again after the last of them, only if
    the first turned it off and it is still off.
    """
    entered = False
    try:
        with _Collector.lock:
            _Collector.waiting += 1
            entered = True
            if _Collector.waiting == 1:
                _Collector.turned_off = gc.isenabled()
                gc.disable()
        yield
    finally:
        # Also when an exception (a signal's) came in part way: the count and the collector are put back.
        with _Collector.lock:
            _Collector.waiting -= int(entered)
            if _Collector.waiting == 0 and _Collector.turned_off and not gc.isenabled():
                _Collector.turned_off = False
                gc.enable()


def _checked_fetcher(fetcher: Any, url: str | None) -> Any:
    """Return ``fetcher``, or for an fsspec ``HTTPFile``'s own a fetcher that checks the answer's ``Content-Range``."""
    file = getattr(fetcher, "__self__", None)
    if not isinstance(file, HTTPFile):
        return fetcher
    return lambda start, stop: sync(file.loop, _read_range, file, start, stop, url or file.url)


_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/")


async def _read_range(file: HTTPFile, start: int, stop: int, url: str) -> bytes:
    """Return bytes ``[start, stop)`` of ``file``'s URL, as ``HTTPFile.async_fetch_range`` does, the range checked.

    An answer whose ``Content-Range`` starts elsewhere than asked is an error naming ``url``; a whole-file answer
    (200) is read for the first bytes of the file only, and is a ``ValueError`` naming "range" otherwise (the
    server does not answer Range requests), as fsspec's is.
    """
    kwargs = dict(file.kwargs)
    headers = {**kwargs.pop("headers", {}), "Range": f"bytes={start}-{stop - 1}"}
    answer = await file.session.get(file.fs.encode_url(file.url), headers=headers, **kwargs)
    async with answer:
        answer.raise_for_status()
        if answer.status == 206:
            given = _CONTENT_RANGE.match(answer.headers.get("Content-Range", ""))
            if given is not None and int(given[1]) != start:
                raise InvalidSourceFileError(
                    f"{url}: the server answered bytes {given[1]}-{given[2]} for a Range of bytes {start}-{stop - 1}, "
                    "so the file cannot be read in parts; download it and give its path."
                )
            return await answer.read()
        if start > 0:
            raise ValueError("The HTTP server does not answer range requests.")
        parts, length = [], 0
        while length < stop and (part := await answer.content.read(2**20)):
            parts.append(part)
            length += len(part)
        return b"".join(parts)[:stop]


# fsspec finds caches by name (``fs.open(..., cache_type=RunBlockCache.name)``).
register_cache(RunBlockCache, clobber=True)
