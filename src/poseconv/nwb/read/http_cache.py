"""The block cache of remote HDF5 files: what h5py reads of a URL is fetched once, in as few requests as can be."""

from __future__ import annotations

import time
from collections import OrderedDict
from itertools import groupby
from typing import Any

from fsspec.caching import BaseCache, register_cache

from ...errors import InvalidSourceFileError

__all__ = ["MAX_BLOCKS", "RunBlockCache"]

# Tries of a request whose connection broke (a dropped connection on a long read of a large DANDI file).
_ATTEMPTS = 3


def _dropped_errors() -> tuple[type[BaseException], ...]:
    import aiohttp

    return (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError)


def _timeout_errors() -> tuple[type[BaseException], ...]:
    from fsspec.exceptions import FSTimeoutError

    return (FSTimeoutError,)


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
        super().__init__(blocksize, fetcher, size)
        self.maxblocks = maxblocks
        self.url = url
        self.blocks: OrderedDict[int, bytes] = OrderedDict()

    def _request(self, begin: int, end: int) -> bytes:
        """Fetch bytes ``[begin, end)``; a connection that broke is tried again, then said in words.

        h5py passes an exception of a read on to its caller, so what a user sees is this message
        (naming the URL) rather than aiohttp's or fsspec's.
        """
        for attempt in range(_ATTEMPTS):
            try:
                return self.fetcher(begin, end)
            except (ConnectionError, *_dropped_errors()) as err:
                if attempt + 1 < _ATTEMPTS:
                    time.sleep(0.5 * 2**attempt)
                    continue
                raise InvalidSourceFileError(
                    f"{self.url}: the connection broke while reading it ({type(err).__name__}: {err}), {_ATTEMPTS} "
                    "times; try again later, or download the file and give its path."
                ) from err
            except (TimeoutError, *_timeout_errors()) as err:
                raise InvalidSourceFileError(
                    f"{self.url}: the server stopped answering while it was read ({type(err).__name__}); try "
                    "again later, or download the file and give its path."
                ) from err
            except ValueError as err:
                if "range" not in str(err).lower():
                    raise
                # A server that sends the whole file for every request (python -m http.server).
                raise InvalidSourceFileError(
                    f"{self.url}: the server does not answer Range requests, so the file cannot be read in parts; "
                    "download it and give its path."
                ) from err
        raise AssertionError("unreachable")  # pragma: no cover

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


# fsspec finds caches by name (``fs.open(..., cache_type=RunBlockCache.name)``).
register_cache(RunBlockCache, clobber=True)
