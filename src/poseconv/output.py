"""Where a conversion writes: the output checks and the atomic write, for every entry point.

An NWB file (or NWB Zarr store, a folder) is written under a hidden temporary name in its
folder and renamed when complete, so a failure, Ctrl-C or a cluster's ``SIGTERM`` never leaves a
half-written file under the real name, and an existing file is replaced only
when the user said so. Appending to an existing file (:mod:`poseconv.appending`) works on a copy written so too.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from .errors import PoseconvError
from .full_disk import is_disk_full, keep_refused, no_room, storage_error
from .model.location import broken_link, url_as_path
from .signals import signals_raise

__all__ = [
    "OutputError",
    "atomic_output",
    "check_not_a_folder",
    "check_output",
    "check_writable",
    "dangling_link",
    "folder_problem",
    "output_name_problem",
    "partial_path",
    "process_running",
    "remove_partials",
    "replace",
    "signals_raise",
]


class OutputError(PoseconvError, ValueError):
    """The output cannot be written: it exists, its folder is missing or not writable."""


#: How each entry point that writes an NWB file says to append to one, by how it says to overwrite it
#: (``flag``): the pose interfaces and converters, and ``poseconv convert``, whose ``--append`` names the file.
_APPEND_FLAGS = {
    "overwrite=True": "append_on_disk_nwbfile=True",
    "overwrite=True (--overwrite)": "append_on_disk_nwbfile=True (--append)",
    "--overwrite": "--append {path} in place of --output",
}


def check_output(
    path: str | Path, *, overwrite: bool, flag: str = "overwrite=True", zarr: bool = False, append: str | None = None
) -> Path:
    """Check, before reading any input, that ``path`` can be written; return it as a Path.

    ``overwrite`` allows replacing an existing file; ``flag`` is how the user says so, for the message
    (``--overwrite`` on the command line). ``append`` is how the user says to add to the file instead
    (``{path}`` stands for the file), by default the entry point's of ``flag``; "" for a write that cannot
    append. ``zarr``: the write is a Zarr store's, which may replace a store of any name
    (:func:`check_not_a_folder`). Raises :class:`OutputError` when the file exists (without ``overwrite``),
    or its folder is missing or not writable.
    """
    path = Path(path)
    check_not_a_folder(path, zarr=zarr)
    if path.exists() and not overwrite:
        # Replacing the file deletes what else it holds (another interface's data): adding to it is said too.
        append = _APPEND_FLAGS.get(flag, "") if append is None else append
        add = f" or {append.format(path=path)} to add to it" if append else ""
        raise OutputError(f"{path}: already exists; pass {flag} to replace it{add}.")
    _check_folder(path)
    return path


def check_writable(path: str | Path, *, creates_folder: bool = False) -> None:
    """Check that a file can be written at ``path``: not a folder there, its folder exists and takes files.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    creates_folder : bool, default: False
        The writer creates a missing folder (then its nearest existing parent must take files).

    Raises
    ------
    OutputError
        Naming ``path``, what is wrong and what to do.
    """
    path = Path(path)
    check_not_a_folder(path)
    _check_folder(path, creates_folder=creates_folder)


def _check_folder(path: Path, *, creates_folder: bool = False) -> None:
    """Refuse a file whose folder is missing (unless the writer creates it), is a file, or takes no files."""
    if (url := url_as_path(path)) is not None:
        raise OutputError(f"{url}: is a URL; poseconv writes files on this computer: give a local path.")
    if (dangling := dangling_link(path.parent)) is not None:  # resolved, it would be "does not exist"
        raise OutputError(f"{path.parent}: {dangling}")
    try:
        folder = path.resolve().parent
    except RuntimeError:  # a symbolic link that loops (Python 3.11's Path.resolve): said as every input's is
        raise OutputError(f"{path}: {broken_link(path) or 'is a symbolic link that loops'}") from None
    if not folder.is_dir():
        blocker = _existing_ancestor(folder)
        if not blocker.is_dir():
            raise OutputError(f"{path}: {blocker} is a file, not a folder; choose another output folder.")
        if not creates_folder:
            raise OutputError(f"{path}: the folder {folder} does not exist; create it first.")
    problem = folder_problem(folder)
    if problem is not None:
        raise OutputError(f"{path}: {problem}")


def dangling_link(folder: str | Path) -> str | None:
    """Say which symbolic link on ``folder`` or a parent leads nowhere (a drive not mounted); else None.

    Such a folder passes the checks of a missing folder (its nearest existing parent takes files), and
    making it fails with a bare FileExistsError: the link is there, what it points at is not.
    """
    folder = Path(folder)
    link = next((p for p in (*reversed(folder.parents), folder) if p.is_symlink() and not p.exists()), None)
    if link is None:
        return None
    where = "is a symbolic link" if link == folder else f"is in {link}, a symbolic link"
    return (
        f"{where} to {os.readlink(link)}, which does not exist (a drive not mounted, a folder moved); mount it or "
        "point that link at an existing folder."
    )


def output_name_problem(path: str | Path, backend: str = "hdf5") -> str | None:
    """Return why ``path`` cannot name a new NWB output of ``backend``; None when it can.

    An HDF5 NWB file ends in ``.nwb`` and an NWB Zarr store in ``.nwb.zarr``, as DANDI and the NWB
    tools expect. ``poseconv convert`` and specs hold to both; the interfaces to the first (neuroconv
    lets a Zarr store take any name, and its interface tests write ``x.nwb`` stores).
    """
    # Said before the suffix: "-o results" names a folder, whatever its name ends in.
    if (unusable := _unusable_path(Path(path))) is not None:
        return unusable
    zarr_name = Path(path).name.lower().endswith(".zarr")
    if backend == "zarr":
        return None if zarr_name else "the zarr backend writes an NWB Zarr store; name it .nwb.zarr."
    if zarr_name:
        return "the hdf5 backend writes an HDF5 NWB file; name it .nwb (or choose the zarr backend)."
    return None if Path(path).suffix.lower() == ".nwb" else "the output must end in .nwb."


def _folder_problem_at(path: Path, zarr: bool = False) -> str | None:
    """Return why ``path``, a folder other than an NWB Zarr store, cannot be the output; None when it is none.

    A folder named ``.zarr`` is replaced when it holds an NWB Zarr store (:func:`_holds_nwb_store`); so is a folder
    of any name when the write is a Zarr store's (``zarr``): neuroconv lets a store take any name, and a store
    written as ``session.nwb`` is replaced by the next write of it (with overwrite), as one named ``.nwb.zarr`` is.
    A Zarr store of anything else (imaging frames, a model) is refused: replacing it would delete its data.
    """
    if not path.is_dir():
        return None
    store_named = zarr or path.suffix.lower() == ".zarr"
    if store_named and _holds_nwb_store(path):
        return None
    leave = "not a file; it is left as it is. Give the name of the file to write in it."
    if store_named and any((path / marker).is_file() for marker in (".zgroup", "zarr.json")):
        return (
            "holds a Zarr store that is not an NWB file (its root attributes name no NWBFile), which a write would "
            "delete; it is left as it is. Choose another name for the output."
        )
    # Usually "-o results/": the user named the folder the file goes in.
    return f"is a folder{' that is not a Zarr store' if store_named else ''}, {leave}"


#: Bytes of a store's root attributes read at most: an NWB file's are a few hundred.
_MAX_ROOT_ATTRIBUTES = 1 << 20


def _holds_nwb_store(path: Path) -> bool:
    """Whether the folder ``path`` holds an NWB Zarr store: its root attributes name an NWBFile of ``core``.

    hdmf-zarr writes them in the root's ``.zattrs`` (Zarr v2), Zarr v3 in ``zarr.json``'s ``attributes``.
    """
    for name, inside in ((".zattrs", None), ("zarr.json", "attributes")):
        try:
            with open(path / name, "rb") as handle:
                text = handle.read(_MAX_ROOT_ATTRIBUTES + 1)
            attributes = json.loads(text) if len(text) <= _MAX_ROOT_ATTRIBUTES else None
        except (OSError, ValueError):
            continue  # absent, unreadable or not JSON: no NWB root here
        if inside is not None and isinstance(attributes, dict):
            attributes = attributes.get(inside)
        if isinstance(attributes, dict) and (attributes.get("neurodata_type"), attributes.get("namespace")) == (
            "NWBFile",
            "core",
        ):
            return True
    return False


def check_not_a_folder(path: str | Path, *, zarr: bool = False) -> None:
    """Refuse an output path that is a folder other than an NWB Zarr store, or too long a name for a file.

    Replacing a folder would delete its files. ``zarr``: the write is a Zarr store's, and a store there is
    replaced whatever its name (a folder that is not a store is still refused).

    Raises
    ------
    OutputError
        Naming ``path`` and saying to give the name of a file in it (or a shorter name).
    """
    problem = _unusable_path(Path(path), zarr)
    if problem is not None:
        raise OutputError(f"{path}: {problem}")


def _unusable_path(path: Path, zarr: bool = False) -> str | None:
    """Return why no file can be written at ``path`` (too long a name, a folder there); None when one can."""
    # The length first: the system answers nothing else about a name it cannot hold ("File name too long").
    return _name_length_problem(path) or _folder_problem_at(path, zarr)


def _existing_ancestor(folder: Path) -> Path:
    """Return ``folder`` or its nearest parent that exists."""
    folder = folder.resolve()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def folder_problem(folder: str | Path) -> str | None:
    """Return why NWB files cannot be written in ``folder`` (created when missing); None when they can.

    Nothing is created: a missing folder is checked at its nearest existing parent, where it would be
    created. Tests by writing a temporary file, since permission bits do not tell (root, read-only mounts).

    Parameters
    ----------
    folder : str or pathlib.Path
        The output folder.

    Returns
    -------
    str or None
        What is wrong and what to do.
    """
    folder = Path(folder)
    existing = _existing_ancestor(folder)
    if not existing.is_dir():
        return f"{existing} is a file, not a folder; choose another output folder."
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        return f"cannot write in {existing} ({reason}); choose a writable folder."
    return None


# Longest file name (bytes) where the system does not say; 255 on every common file system.
_NAME_MAX = 255
# What a temporary name adds to the output's stem: ".", ".<8 hex>.<process ID>-<computer>.partial" (room for
# any process ID, so that every process cuts a long stem alike and finds the others' temporary files).
_PARTIAL_EXTRA = len(".") + len(".12345678.4294967295-abcdef.partial")
# The rest of a temporary name after ".<stem>": without the writer (poseconv before it was recorded), or with it.
_PARTIAL_TAIL = r"\.[0-9a-f]{8}(?:\.(?P<pid>[0-9]+)-(?P<host>[0-9a-f]{6}))?\.partial"


def _name_max(folder: Path) -> int:
    """Return the longest file name, in bytes, the file system of ``folder`` (or its nearest parent) takes."""
    try:
        return os.pathconf(_existing_ancestor(folder), "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return _NAME_MAX


def _name_length_problem(path: Path) -> str | None:
    """Return why the name of ``path`` is too long for its file system; None when it fits."""
    limit = _name_max(path.parent)
    length = len(path.name.encode())
    if length <= limit:
        return None
    return f"the name is {length} bytes long; this file system takes names of up to {limit}. Choose a shorter name."


def _partial_stem(path: Path) -> str:
    """Return the output's stem, cut so that its temporary name fits the file system's limit."""
    budget = _name_max(path.parent) - _PARTIAL_EXTRA - len(path.suffix.encode())
    # Cut by bytes, not letters (an "é" takes two): a cut letter is dropped whole.
    return path.stem.encode()[: max(budget, 1)].decode(errors="ignore")


@functools.cache
def _host_tag() -> str:
    """Return a short tag of this computer's name: a process ID in a temporary name is looked up only here."""
    return hashlib.blake2b(socket.gethostname().encode(), digest_size=3).hexdigest()


def partial_path(path: Path) -> Path:
    """Return a hidden, unique temporary name next to ``path`` (same folder: the rename is atomic).

    The name fits the file system even when ``path``'s own name is near its limit, and records the
    writing process and computer, so that :func:`remove_partials` can tell a leftover of a process
    that ended from a file being written.
    """
    writer = f"{os.getpid()}-{_host_tag()}"
    return path.with_name(f".{_partial_stem(path)}.{uuid.uuid4().hex[:8]}.{writer}.partial{path.suffix}")


def remove_partials(path: Path) -> None:
    """Remove the temporary files that processes which have ended left for ``path`` (they could not clean up).

    Only ``path``'s own: a name :func:`partial_path` gives for it, not one of an output whose stem starts with
    its stem (``m1.day2.nwb`` for ``m1.nwb``). A temporary file whose process still runs is being written and
    stays, as does one written on another computer (a cluster's worker), whose process cannot be looked up.
    """
    if not path.parent.is_dir():
        return
    stem = f".{_partial_stem(path)}"
    own = re.compile(re.escape(stem) + _PARTIAL_TAIL + re.escape(path.suffix))
    for candidate in path.parent.glob(f"{glob.escape(stem)}.*"):
        found = own.fullmatch(candidate.name)
        if found is not None and _writer_ended(candidate, found["pid"], found["host"]):
            # Gone already (another run cleaning up) or, on Windows, open in the process writing it.
            with contextlib.suppress(OSError):
                _remove(candidate)


def _writer_ended(partial: Path, pid: str | None, host: str | None) -> bool:
    """Return whether the process that wrote the temporary file ``partial`` has ended (nothing writes it now)."""
    if pid is None:
        # Named by a poseconv that did not record its writer; this one names none so.
        return True
    if host != _host_tag():
        return False
    if os.name == "nt":  # pragma: no cover - Windows
        # os.kill(pid, 0) would end the process there. Windows refuses to remove a file a process has open,
        # so the removal itself tells; a Zarr store's files are opened one at a time, so a store stays.
        return not partial.is_dir()
    return not process_running(int(pid))


def process_running(pid: int) -> bool:
    """Return whether process ``pid`` of this computer runs (another user's too); POSIX systems."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        # OverflowError: a number no process ID reaches (a temporary name edited by hand).
        return False
    except OSError:
        # Another user's process (PermissionError): it runs.
        return True
    try:
        # A process that ended and was not yet waited for (a zombie) keeps its ID but writes nothing.
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


@contextlib.contextmanager
def atomic_output(path: str | Path, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it becomes ``path``, otherwise it is removed.

    The temporary files of ``path`` that ended processes left (:func:`remove_partials`) are removed first.

    Parameters
    ----------
    path : str or pathlib.Path
        The final NWB file (or Zarr store).
    overwrite : bool, default: True
        Replace what is at ``path``. Without it, a file that appeared there while this one was
        written (another conversion to the same output) is left as it is and :class:`OutputError`
        is raised: the check before writing cannot see what comes after it.

    Yields
    ------
    pathlib.Path
        Where to write.
    """
    path = Path(path)
    # What a killed writer of this output left (SIGKILL, the out-of-memory killer: no cleanup ran); a file whose
    # writer still runs stays. Never a reason not to write: a folder that cannot be listed is said by the write.
    with contextlib.suppress(OSError):
        remove_partials(path)
    partial = partial_path(path)
    refused: list[BaseException] = []
    with signals_raise():
        # h5py closes a dataset it drops where no error can be raised: Python prints it and the writer goes on.
        previous = sys.unraisablehook
        sys.unraisablehook = functools.partial(keep_refused, partial.name, refused, previous)
        try:
            yield partial
            if refused:  # the writer went on after h5py's "Exception ignored": the file lacks those bytes
                raise refused[0]
            _put_in_place(partial, path, overwrite)
        except Exception as err:
            # Writers say it in their own words ("NetCDF: HDF error"): a full disk or file size limit tells.
            # Only for a failed write: a bug or a bad value stays what it is, on a nearly full disk too.
            full = is_disk_full(err) or refused or (storage_error(err) and no_room(partial))
            if isinstance(err, PoseconvError) or not full:
                raise
            raise disk_full(path) from err
        finally:
            sys.unraisablehook = previous
            _remove(partial)


def disk_full(path: Path) -> OutputError:
    """Return the error of an output the disk had no room for (nothing of it is left)."""
    return OutputError(
        f"{path}: not written, the disk (or your quota) has no room left in {path.parent}; nothing of it is "
        "left there. Free some space or write it elsewhere, then run again."
    )


def _put_in_place(partial: Path, path: Path, overwrite: bool) -> None:
    """:func:`replace` (or :func:`_place_new`), with an error naming ``path`` when the system refuses."""
    try:
        if overwrite:
            replace(partial, path)
        else:
            _place_new(partial, path)
    except FileExistsError:
        raise OutputError(
            f"{path}: appeared while this was written (another conversion to the same output?); it is left as it "
            "was and nothing was written. Pass overwrite=True (--overwrite) to replace it, or choose another name."
        ) from None
    except OSError as err:
        reason = err.strerror or type(err).__name__
        if path.exists():
            # Windows refuses to replace a file another program has open; any system a read-only or locked one.
            raise OutputError(
                f"{path}: cannot be replaced ({reason}); another program may have it open, or it is read-only or "
                "locked. Close it there (or choose another output name); it is left as it was."
            ) from None
        raise OutputError(f"{path}: cannot be written ({reason}); choose a folder that takes new files.") from None


def _place_new(partial: Path, path: Path) -> None:
    """Put ``partial`` at ``path`` only when nothing is there (FileExistsError otherwise), in one step.

    A file is hard-linked (which fails when ``path`` exists, however late it appeared) and the
    temporary name then removed; a store is renamed (which fails onto a store that holds files).
    """
    if partial.is_dir() or not _links(partial, path):
        if os.path.lexists(path):
            raise FileExistsError(path)
        os.rename(partial, path)


def _links(partial: Path, path: Path) -> bool:
    """Hard-link ``partial`` as ``path``; False where the file system has no hard links (FileExistsError raised)."""
    try:
        os.link(partial, path)
    except FileExistsError:
        raise
    except OSError:
        return False
    return True


def replace(partial: Path, path: Path) -> None:
    """Put the complete file or Zarr store ``partial`` at ``path``, replacing what is there.

    A file replaces a file in one rename. A store cannot be renamed over one: the old one is renamed
    aside, put back if the rename fails, and removed once the new one is in place. ``path`` holds the
    old output or the complete new one (or, between the two renames, nothing), never a half-written store.
    """
    check_not_a_folder(path, zarr=partial.is_dir())  # a store written replaces a store of any name
    if not (path.is_dir() or (partial.is_dir() and path.exists())):
        os.replace(partial, path)
        return
    old = partial_path(path)
    os.replace(path, old)
    try:
        os.replace(partial, path)
    except BaseException:
        os.replace(old, path)
        raise
    _remove(old)
