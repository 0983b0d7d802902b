"""Read-ahead for NWB Zarr stores at a URL: the chunks a reader will ask for next, fetched in one concurrent batch.

An NWB Zarr store keeps every dataset in arrays of its own, most of them one small chunk (each
series' ``starting_time``, ``reference_frame``, ``unit`` ...): reading a file's poses asks for
thousands of keys, one after another, each a request whose time is the server's latency (2,248
requests for the 27 tracks x 24 nodes of SLEAP's ``centered_pair_predictions.slp``). The
consolidated metadata (``.zmetadata``) names every array with its shape and chunks, so every key
that can be read is known once the store is open. :class:`ReadAhead` lists them in path order
(the order poseconv's readers walk a file: container by container, series by series) and, when
a key is missing from its cache, fetches it together with the keys that follow it, up to
:data:`WINDOW_KEYS` keys and :data:`WINDOW_BYTES` bytes of array data, in one concurrent batch
(fsspec's ``cat`` of many URLs). What was fetched is kept in a cache bounded by
:data:`CACHE_BYTES` and read from there.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["CACHE_BYTES", "CONCURRENT_READS", "WINDOW_BYTES", "WINDOW_KEYS", "ReadAhead", "chunk_keys"]

#: Most keys fetched in one batch.
WINDOW_KEYS = 512

#: Requests under way at once while a batch is fetched. Against a server 20 ms away, 2,875 keys took 19.2 s
#: 4 at a time, 8.5 s 16 at a time, 6.5 s 32 at a time; a small server that answers one request per thread
#: (Python's http.server) slows down as more arrive together (7.0 s at 4, 14.1 s at 16, 46 s at fsspec's
#: default of 1,280, against 9.3 s one at a time).
CONCURRENT_READS = 16

#: Most bytes of array data (chunk shape x item size, before compression) fetched ahead in one batch: a
#: reader that wants one series of a large store fetches at most this much beyond it.
WINDOW_BYTES = 32 * 1024 * 1024

#: Most bytes of fetched chunks kept; the least recently read go first.
CACHE_BYTES = 64 * 1024 * 1024

# Arrays poseconv's readers never read, left out of the read-ahead.
_NOT_READ = ("specifications/",)

# Item size assumed for arrays of variable-length text (their chunks are small JSON or vlen-encoded lists).
_OBJECT_ITEM_SIZE = 64


def chunk_keys(path: str, meta: dict[str, Any]) -> Iterable[tuple[str, int]]:
    """Yield ``(key, raw bytes)`` of every chunk of the array at ``path`` described by its ``.zarray`` ``meta``.

    Parameters
    ----------
    path : str
        The array's path in the store (no leading or trailing ``/``).
    meta : dict
        Its ``.zarray`` metadata (zarr v2: ``shape``, ``chunks``, ``dtype``, ``dimension_separator``).
    """
    import numpy as np

    shape, chunks = meta.get("shape") or [], meta.get("chunks") or []
    if len(shape) != len(chunks) or any(c <= 0 for c in chunks) or 0 in shape:
        return
    try:
        dtype = np.dtype(meta.get("dtype"))
    except (TypeError, ValueError):  # A structured dtype written as lists, or one numpy does not know.
        dtype = None
    itemsize = _OBJECT_ITEM_SIZE if dtype is None or dtype.hasobject else dtype.itemsize
    raw = math.prod(chunks) * itemsize
    separator = meta.get("dimension_separator") or "."
    counts = [math.ceil(n / c) for n, c in zip(shape, chunks, strict=True)]
    prefix = f"{path}/" if path else ""
    for index in itertools.product(*(range(n) for n in counts)) if counts else [(0,)]:
        yield prefix + separator.join(map(str, index)), raw


class ReadAhead:
    """The keys of a store in reading order, and the chunks fetched ahead of the reader."""

    def __init__(self) -> None:
        self._order: dict[str, int] = {}
        self._keys: list[str] = []
        self._sizes: list[int] = []
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cached_bytes = 0
        self._absent: set[str] = set()

    def plan(self, consolidated: bytes) -> None:
        """List every chunk key of the arrays a consolidated ``.zmetadata`` describes, in path order."""
        try:
            metadata = json.loads(consolidated).get("metadata") or {}
        except (ValueError, AttributeError):
            return  # zarr reports a damaged .zmetadata itself, when it opens the store.
        arrays = sorted(
            key[: -len(".zarray")].rstrip("/")
            for key in metadata
            # The cached namespaces: no poseconv reader reads them (pynwb reads them through hdmf-zarr).
            if key.endswith(".zarray") and not key.startswith(_NOT_READ)
        )
        for path in arrays:
            meta = metadata[f"{path}/.zarray" if path else ".zarray"]
            for key, raw in chunk_keys(path, meta if isinstance(meta, dict) else {}):
                self._order[key] = len(self._keys)
                self._keys.append(key)
                self._sizes.append(raw)

    def read(self, keys: Sequence[str], fetch: Callable[[list[str]], dict[str, bytes]]) -> dict[str, bytes]:
        """Return the values of ``keys`` that exist, fetching the missing ones with the keys planned after them.

        Parameters
        ----------
        keys : sequence of str
            The keys asked for.
        fetch : callable
            Reads a list of keys concurrently; returns the values of those that exist (a missing key is left out).
        """
        wanted = [key for key in keys if key not in self._cache and key not in self._absent]
        if wanted:
            batch = self._window(wanted)
            found = fetch(batch)
            for key in batch:
                if key in found:
                    self._keep(key, found[key])
                elif key in self._order:
                    self._absent.add(key)  # Not written (a chunk of fill values): asked again, no request.
            # Keys outside the plan (none when the store is consolidated) are returned as read, never kept.
            extra = {key: found[key] for key in wanted if key in found and key not in self._cache}
        else:
            extra = {}
        out = {}
        for key in keys:
            if key in self._cache:
                self._cache.move_to_end(key)
                out[key] = self._cache[key]
            elif key in extra:
                out[key] = extra[key]
        return out

    def _window(self, wanted: list[str]) -> list[str]:
        """``wanted`` and the planned keys after its last, not read yet, within the window's limits."""
        batch = list(dict.fromkeys(wanted))
        start = max((self._order[key] for key in wanted if key in self._order), default=None)
        if start is None:
            return batch
        raw = sum(self._sizes[self._order[key]] for key in batch if key in self._order)
        chosen = set(batch)
        for index in range(start + 1, len(self._keys)):
            if len(batch) >= WINDOW_KEYS or raw >= WINDOW_BYTES:
                break
            key = self._keys[index]
            if key in chosen or key in self._cache or key in self._absent:
                continue
            batch.append(key)
            raw += self._sizes[index]
        return batch

    def _keep(self, key: str, value: bytes) -> None:
        if key not in self._order:
            return
        old = self._cache.pop(key, None)
        if old is not None:
            self._cached_bytes -= len(old)
        self._cache[key] = value
        self._cached_bytes += len(value)
        while self._cached_bytes > CACHE_BYTES and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._cached_bytes -= len(dropped)
