"""Look at a possibly damaged HDF5 file in a forked child first, so that the HDF5 library cannot take the session down.

HDF5 trusts the sizes a file's object headers claim. A few flipped bits can make it
allocate tens of gigabytes for one header (the operating system then kills the
process), crash (PyTables on some damaged files), or loop. :func:`probe` runs a check
of the file's structure in a forked child whose address space is limited
(:data:`CHILD_MEMORY_BYTES` above what it inherits) and which is killed after
:data:`PROBE_SECONDS`; only a file the child got through is opened in the process
itself. Each version of a file (:func:`~poseconv.readers.safety.file_versions.file_version`) is
probed once per check.
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

from ...errors import InvalidSourceFileError
from ...model.location import locked_by_writer
from .file_versions import FileVersion, file_version

__all__ = [
    "CHILD_MEMORY_BYTES",
    "HDF5_STRUCTURE",
    "PROBE_SECONDS",
    "is_out_of_memory",
    "passed_checks",
    "probe",
    "trust_checks",
    "walk_hdf5",
]

# Address space a probe may use beyond what the child inherits: metadata only is read.
CHILD_MEMORY_BYTES = 2 * 2**30
# Longest a probe may take: reading a file's structure takes milliseconds.
PROBE_SECONDS = 60.0
#: What :func:`walk_hdf5` checks, as :func:`probe` names it: the structure check every HDF5 input gets.
HDF5_STRUCTURE = "its HDF5 structure"
_PROBED: set[tuple[str, FileVersion]] = set()
# Longest wait between two looks at a probe's child.
_POLL_SECONDS = 0.05
_FAILED = 2


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
        owners: list[Any] = [file]
        file.visititems(lambda _name, item: owners.append(item))
        for owner in owners:
            attributes = owner.attrs
            for key in attributes:
                value = attributes[key]
                if on_attribute is not None:
                    on_attribute(value)


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
    """
    version = (what, file_version(path))
    if version in _PROBED:
        return
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
        _run_child(path, check, read_end, write_end)
    os.close(write_end)
    message = _wait(pid, read_end)
    if message is not None:
        if (locked := locked_by_writer(message)) is not None:
            raise InvalidSourceFileError(f"{path}: {locked}")
        raise InvalidSourceFileError(
            message
            if message.startswith(str(path))
            else f"{path}: the file is damaged: reading {what} {message}. {advice}"
        )
    _PROBED.update((name, version[1]) for name in (what, *covers))


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


def _run_child(path: Path, check: Callable[[Path], None], read_end: int, write_end: int) -> None:  # pragma: no cover
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
    status = 0
    try:
        _limit_memory()
        check(path)
    except InvalidSourceFileError as err:
        status, text = _FAILED, str(err)
    except BaseException as err:  # noqa: BLE001 - every failure is reported to the parent
        status = _FAILED
        text = (
            "claims more memory than it can hold" if is_out_of_memory(err) else f"fails ({type(err).__name__}: {err})"
        )
    if status:
        with contextlib.suppress(OSError):
            os.write(write_end, text.encode("utf-8", "replace")[:4000])
    os._exit(status)


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    """Cap the child's address space so that a runaway allocation fails instead of exhausting the machine."""
    try:
        import resource

        with open("/proc/self/status", encoding="ascii") as status:
            size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
        limit = size_kb * 1024 + CHILD_MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, StopIteration, ValueError):
        pass  # no /proc (macOS) or no permission: the time limit still applies


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
