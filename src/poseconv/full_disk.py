"""What a write refused for room looks like, in the words of every writer poseconv uses.

h5py, PyTables and netCDF each say it their own way: an ``OSError`` with ``ENOSPC``, HDF5's message holding
``errno = 28``, PyTables' ``NoSuchNodeError`` for a node never written, netCDF's bare ``RuntimeError: NetCDF:
HDF error``, or nothing at all (h5py reports a dataset it could not flush as "Exception ignored" and goes
on). :mod:`poseconv.output` turns them into one message; these functions tell them apart from a writer's
other errors (a bug, a bad value, a permission), which must reach the user as they are.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # pragma: no cover - Windows: no file size limit
    resource = None

__all__ = ["is_disk_full", "keep_refused", "no_room", "storage_error"]

#: errno of a write refused for room: no space left, disk quota exceeded, file size limit (ulimit -f).
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
# The file size limit (ulimit -f) when there is none.
_NO_LIMIT = resource.RLIM_INFINITY if resource else -1
#: Packages whose own exceptions are failed writes (an HDF5 or netCDF layer under the writer).
_STORAGE_PACKAGES = ("tables", "h5py", "netCDF4", "zarr", "numcodecs")


def is_disk_full(err: BaseException) -> bool:
    """Whether ``err`` is a write refused for lack of room (HDF5 reports the errno in its message only)."""
    if isinstance(err, OSError) and err.errno in _NO_ROOM:
        return True
    return any(f"errno = {number}," in str(err) or os.strerror(number) in str(err) for number in _NO_ROOM)


def storage_error(err: BaseException) -> bool:
    """Whether ``err`` may be a write the storage refused without saying why: I/O, HDF5, netCDF, PyTables.

    Not a value, a key or a type error (a bug, bad data), and not a permission refused, which say
    what is wrong themselves, also on a disk that happens to be nearly full.
    """
    if isinstance(err, PermissionError):
        return False
    return isinstance(err, (OSError, RuntimeError)) or type(err).__module__.split(".")[0] in _STORAGE_PACKAGES


def no_room(partial: Path) -> bool:
    """Whether the disk holding ``partial`` has under 1 MiB free, or a file of it reached the file size limit."""
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0] if resource else _NO_LIMIT
    try:
        files = [partial] if partial.is_file() else [f for f in partial.rglob("*") if f.is_file()]
        largest = max((f.stat().st_size for f in files), default=0)
        return shutil.disk_usage(partial.parent).free < 1 << 20 or (limit != _NO_LIMIT and largest >= limit)
    except OSError:
        return False


def keep_refused(name: str, refused: list[BaseException], previous: Any, report: sys.UnraisableHookArgs) -> None:
    """Keep (unprinted) a write of the file ``name`` refused for room, which h5py reports as "Exception ignored".

    A ``sys.unraisablehook``: any other report goes to ``previous``, the hook it stands in for.
    """
    if report.exc_value is not None and is_disk_full(report.exc_value) and name in str(report.exc_value):
        refused.append(report.exc_value)
    else:
        previous(report)
