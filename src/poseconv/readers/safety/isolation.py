"""Look at a possibly damaged HDF5 file in a forked child first, so that the HDF5 library cannot take the session down.

HDF5 trusts the sizes a file's object headers claim. A few flipped bits can make it
allocate tens of gigabytes for one header (the operating system then kills the
process), crash (PyTables on some damaged files), or loop. :func:`probe` runs a check
of the file's structure in a forked child whose address space is limited
(:func:`memory_budget` above what it inherits: :data:`CHILD_MEMORY_BYTES`, or the MiB the
environment variable :data:`MEMORY_VARIABLE` gives) and which is killed after
:data:`PROBE_SECONDS`; only a file the child got through is opened in the process
itself. Each version of a file (:func:`~poseconv.readers.safety.file_versions.file_version`) is
probed once per check.

A child that runs out of memory after growing up to the limit is reported as needing more
than the limit (a file of a very large structure, or damage that makes HDF5 allocate without
end: no one can tell which), with the variable that raises it; one that fails a single
allocation bigger than all the room left is reported as damaged, for the structure check reads
metadata only and no valid header or attribute claims that much.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import InvalidOptionError, InvalidSourceFileError
from ...model.location import locked_by_writer
from .file_versions import FileVersion, file_version

__all__ = [
    "CHILD_MEMORY_BYTES",
    "HDF5_STRUCTURE",
    "MEMORY_VARIABLE",
    "PROBE_SECONDS",
    "is_out_of_memory",
    "memory_budget",
    "passed_checks",
    "probe",
    "trust_checks",
    "walk_hdf5",
]

# Address space a probe may use beyond what the child inherits: metadata only is read, one object at a
# time (walk_hdf5 takes tens of MiB for a file of 60,000 objects).
CHILD_MEMORY_BYTES = 2 * 2**30
#: The environment variable that sets, in MiB, the memory a probe may use instead of :data:`CHILD_MEMORY_BYTES`.
MEMORY_VARIABLE = "POSECONV_PROBE_MEMORY_MIB"
# Longest a probe may take: reading a file's structure takes milliseconds, 20-30 s for 60,000 objects.
PROBE_SECONDS = 60.0
#: What :func:`walk_hdf5` checks, as :func:`probe` names it: the structure check every HDF5 input gets.
HDF5_STRUCTURE = "its HDF5 structure"
_PROBED: set[tuple[str, FileVersion]] = set()
# Longest wait between two looks at a probe's child.
_POLL_SECONDS = 0.05
_FAILED = 2
# What a child that grew up to its memory limit reports (see _grew_to_the_limit).
_OUT_OF_BUDGET = "needs more memory than the check may use"


def walk_hdf5(path: Path, on_attribute: Callable[[Any], None] | None = None) -> None:
    """Open ``path`` with h5py and read every object header and attribute (no dataset values).

    Parameters
    ----------
    path : pathlib.Path
        The HDF5 file.
    on_attribute : callable, optional
        Called with the value of every attribute.
    """
    import h5py

    with h5py.File(path, "r") as file:
        _read_attributes(file, on_attribute)
        # Each object is read and let go in turn (visititems goes on while the callback returns None):
        # holding every object open until the end kept tens of KiB of HDF5 state per object, and the
        # NWB file of 12,000 pose series poseconv writes for 60 tracks of 200 nodes took 2.7 GiB.
        file.visititems(lambda _name, item: _read_attributes(item, on_attribute))


def _read_attributes(owner: Any, on_attribute: Callable[[Any], None] | None) -> None:
    attributes = owner.attrs
    for key in attributes:
        value = attributes[key]
        if on_attribute is not None:
            on_attribute(value)


def memory_budget() -> int:
    """Return the bytes of address space a probe's child may use beyond what it inherits.

    :data:`CHILD_MEMORY_BYTES`, unless the environment variable :data:`MEMORY_VARIABLE` gives
    a number of MiB.

    Raises
    ------
    InvalidOptionError
        When the variable is set to something other than a whole number of MiB above 0.
    """
    value = os.environ.get(MEMORY_VARIABLE, "").strip()
    if not value:
        return CHILD_MEMORY_BYTES
    try:
        mib = int(value)
    except ValueError:
        mib = 0
    if mib <= 0:
        raise InvalidOptionError(
            f"{MEMORY_VARIABLE}={value!r}: not a whole number of MiB above 0; set it to the memory the check "
            f"of an HDF5 file's structure may use (for example {MEMORY_VARIABLE}=8192 for 8 GiB), or unset it "
            f"for the default of {CHILD_MEMORY_BYTES // 2**20} MiB."
        )
    return mib * 2**20


def is_out_of_memory(error: BaseException) -> bool:
    """Return whether ``error`` says memory ran out (Python's or the HDF5 library's own wording)."""
    return isinstance(error, MemoryError) or "memory allocation failed" in str(error)


def probe(
    path: Path,
    check: Callable[[Path], None],
    *,
    what: str,
    covers: tuple[str, ...] = (),
    advice: str = "Export it again from the tool.",
) -> None:
    """Run ``check(path)`` in a forked child with bounded memory and time; raise if it fails there.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    check : callable
        Reads the file's structure; raises on a file it refuses. Runs in the process itself
        where there is no ``fork`` (Windows).
    what : str
        What ``check`` does, for messages and the once-per-file cache ("its HDF5 structure").
    covers : tuple of str, optional
        The other checks (their ``what``) that ``check`` includes: once it passes, they are not
        run again on this version of the file.
    advice : str, optional
        What the message of a damaged file tells to do.

    Raises
    ------
    InvalidSourceFileError
        When the check raises (its message, when it is poseconv's), crashes, runs out of
        memory or hangs.
    InvalidOptionError
        When :data:`MEMORY_VARIABLE` is set to something that is not a number of MiB.
    """
    version = (what, file_version(path))
    if version in _PROBED:
        return
    budget = memory_budget()
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: no cheap way to isolate it
        check(path)
        _PROBED.update((name, version[1]) for name in (what, *covers))
        return
    from h5py._objects import phil

    read_end, write_end = os.pipe()
    # h5py serialises HDF5 calls with one lock; holding it while forking means no other thread
    # of this process holds it, so the child cannot start with it locked forever.
    with phil:
        pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        _run_child(path, check, read_end, write_end, budget)
    os.close(write_end)
    message = _wait(pid, read_end)
    if message is not None:
        raise InvalidSourceFileError(_refusal(path, what, message, advice, budget))
    _PROBED.update((name, version[1]) for name in (what, *covers))


def _refusal(path: Path, what: str, message: str, advice: str, budget: int) -> str:
    """Word what the child of :func:`probe` reported (``message``) for ``path``."""
    if (locked := locked_by_writer(message)) is not None:
        return f"{path}: {locked}"
    if message.startswith(str(path)):
        return message
    if message == _OUT_OF_BUDGET:
        # Not called damaged: a valid file of a very large structure grows the same way.
        mib = budget // 2**20
        return (
            f"{path}: reading {what} needed more than {mib} MiB of memory, the most the check run before "
            f"opening a file may use (it stops a damaged file from exhausting the machine). If the file holds "
            f"that large a structure, allow more with the environment variable {MEMORY_VARIABLE} (for example "
            f"{MEMORY_VARIABLE}={4 * mib}); otherwise it may be damaged: {advice}"
        )
    return f"{path}: the file is damaged: reading {what} {message}. {advice}"


def passed_checks(path: str | Path) -> tuple[tuple[str, FileVersion], ...]:
    """Return the checks the current version of ``path`` passed in this process, for another process to trust.

    Empty when the file cannot be looked at.
    """
    try:
        version = file_version(path)
    except (OSError, ValueError):
        return ()
    return tuple(sorted(check for check in _PROBED if check[1] == version))


def trust_checks(checks: tuple[tuple[str, FileVersion], ...]) -> None:
    """Count ``checks`` passed in another process (:func:`passed_checks`) as passed here.

    They name the version of the file they were run on: a file changed since is checked again.
    """
    _PROBED.update((str(what), tuple(version)) for what, version in checks)  # type: ignore[misc]


def _run_child(  # pragma: no cover
    path: Path, check: Callable[[Path], None], read_end: int, write_end: int, budget: int
) -> None:
    import faulthandler
    import gc

    # Only the forking thread lives on in the child: a finalizer of the parent's garbage run here by
    # the cycle collector (an fsspec file closed through an event loop whose thread is gone, a table
    # closed under a lock another thread held) would wait forever, and a good file be called
    # damaged after PROBE_SECONDS. The child exits without freeing anything: nothing to collect.
    gc.disable()
    # The parent reports a crash; the child's traceback would only be noise.
    faulthandler.disable()
    os.close(read_end)
    status, limit = 0, None
    try:
        limit = _limit_memory(budget)
        check(path)
    except InvalidSourceFileError as err:
        status, text = _FAILED, str(err)
    except BaseException as err:  # noqa: BLE001 - every failure is reported to the parent
        status = _FAILED
        if not is_out_of_memory(err):
            text = f"fails ({type(err).__name__}: {err})"
        elif limit is not None and _grew_to_the_limit(limit, budget):
            text = _OUT_OF_BUDGET
        else:
            text = "claims more memory than it can hold"
    if status:
        with contextlib.suppress(OSError):
            os.write(write_end, text.encode("utf-8", "replace")[:4000])
    os._exit(status)


def _limit_memory(budget: int) -> int | None:  # pragma: no cover - runs in the child
    """Cap the child's address space ``budget`` bytes above its size, so that a runaway allocation fails.

    Returns the limit set, or None where it could not be set.
    """
    try:
        import resource

        limit = _status_bytes("VmSize") + budget
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, StopIteration, ValueError):
        return None  # no /proc (macOS) or no permission: the time limit still applies
    return limit


def _grew_to_the_limit(limit: int, budget: int) -> bool:  # pragma: no cover - runs in the child
    """Whether the child's address space reached within a quarter of ``budget`` of ``limit`` before memory ran out.

    If not, what failed was one allocation bigger than a quarter of the budget: a size a damaged
    header claims, as no valid header or attribute of a structure holds that much.
    """
    try:
        return _status_bytes("VmPeak") > limit - budget // 4
    except MemoryError:
        return True  # not even the few bytes to read it are left
    except (OSError, StopIteration, ValueError):
        return False


def _status_bytes(field: str) -> int:  # pragma: no cover - runs in the child
    """Return the bytes ``field`` of /proc/self/status gives (``VmSize``, ``VmPeak``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:")) * 1024


def _wait(pid: int, read_end: int) -> str | None:
    """Wait for the child; return None when it succeeded, else what went wrong."""
    deadline = time.monotonic() + PROBE_SECONDS
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return f"hangs (still running after {PROBE_SECONDS:.0f} s)"
            # Woken when the child ends (its end of the pipe closes) or writes why it failed, not on a
            # fixed tick: a probe takes milliseconds. Bounded, in case another fork holds the pipe open.
            select.select([read_end], [], [], min(_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        if os.WIFSIGNALED(status):
            return f"crashes the HDF5 library (signal {os.WTERMSIG(status)})"
        if os.WEXITSTATUS(status) == 0:
            return None
        with os.fdopen(read_end, "rb") as pipe:
            read_end = -1
            return pipe.read().decode("utf-8", "replace") or "fails"
    finally:
        if read_end >= 0:
            os.close(read_end)
