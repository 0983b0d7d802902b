"""Opening an NWB file for reading, and the few group and dataset questions the readers ask.

Every reader in :mod:`poseconv.nwb.read` walks the stored groups and datasets through the
h5py-style API that h5py and zarr share: ``group["name"]``, ``name in group``,
``group.items()``, ``.attrs``, ``dataset[()]`` and slices, ``.shape``, ``.name``. The
backend-specific calls stay here: :func:`open_store` (the only place a file is opened: an
HDF5 file, an NWB Zarr store, or a URL of either) and :func:`link_target` (how a soft link is
told apart from the object it points to). An NWB Zarr store's groups are
:class:`~poseconv.nwb.read.zarr_groups.ZarrGroup`, which read hdmf-zarr's links as h5py reads
soft links, so the walk is the same on both. h5py is
used rather than pynwb on purpose: files written by other tools cache extension specs that
clash with the installed ones (sleap-io caches ``ndx-multisubjects``), and ndx-pose 0.4
refuses to build some older files; the stored groups read as written.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from ...model.location import is_url, location_name, require_content, where_linked
from ...model.location import location as nwb_location

__all__ = [
    "EMPTY_TEXT",
    "base_name",
    "child_groups",
    "damage_named",
    "damaged_file_error",
    "decode",
    "is_dataset",
    "is_group",
    "is_nwb_location",
    "is_url",
    "is_zarr_folder",
    "link_target",
    "linked",
    "local_file",
    "local_folder",
    "location_name",
    "member",
    "members",
    "neurodata_type",
    "nwb_location",
    "open_nwbfile_object",
    "open_store",
    "parent_path",
    "probe_nwb_file",
    "text",
    "texts",
    "visit_groups",
]

# Stored texts that mean "nothing" (what some writers put in optional text fields).
EMPTY_TEXT = ("", "{}", "None", "null")

#: Bytes of HDF5's chunk cache of each dataset of a file opened for reading: one chunk of a pose series
#: of a many-node file ((8192, 2) float32, as nwb.write.storage chunks a table of 600 columns). HDF5 keeps
#: up to this much of every dataset read while the file is open; its default (8 MiB with HDF5 2, 1 MiB
#: before) held every series whole: `poseconv plot` of 10 animals x 20 nodes x 200,000 frames took 624 MB.
#: Series read in blocks take whole chunks and keep the one a block ends inside themselves
#: (:class:`~poseconv.nwb.read.stored_series.StoredSeriesArray`), so no chunk is decompressed twice.
READ_CHUNK_CACHE_BYTES = 64 * 1024
#: Hash slots of that cache (a prime, as HDF5 advises): HDF5 2's default, 8191, took 64 KiB per dataset.
READ_CHUNK_CACHE_SLOTS = 127
# A local file and one at a URL are read with the same cache.
_READ_CHUNK_CACHE = {"rdcc_nbytes": READ_CHUNK_CACHE_BYTES, "rdcc_nslots": READ_CHUNK_CACHE_SLOTS}


def open_store(path: str | Path) -> Any:
    """Open an NWB file for reading and return its root group.

    Parameters
    ----------
    path : str or pathlib.Path
        An NWB file stored in HDF5, an NWB Zarr store (a folder, as hdmf-zarr's ``NWBZarrIO``
        and neuroconv's Zarr backend write it), or the ``http(s)://`` or ``s3://`` URL of
        either (:mod:`poseconv.nwb.read.remote`: only the bytes read are fetched).

    Returns
    -------
    h5py.File or ZarrGroup
        The root group; close it when done (it is a context manager).

    Raises
    ------
    InvalidSourceFileError
        When the file is missing, a folder that is no Zarr store, not HDF5, or the URL cannot be read.
    """
    import h5py

    if is_url(path):
        from .remote import open_url

        return open_url(str(path), chunk_cache=_READ_CHUNK_CACHE)
    path = Path(path).expanduser()
    require_content(path)
    if not path.exists():
        raise InvalidSourceFileError(f"{path}: file not found. Check the path of the NWB file.")
    if path.is_dir():
        return _open_zarr_folder(path)
    if path.is_file() and not h5py.is_hdf5(path):
        raise InvalidSourceFileError(
            f"{path}: not an HDF5 NWB file: it is not an HDF5 file (no HDF5 signature at its start), nor an NWB "
            "Zarr store."
        )
    probe_nwb_file(path)
    try:
        return h5py.File(path, "r", **_READ_CHUNK_CACHE)
    except OSError as err:
        raise InvalidSourceFileError(f"{path}: not an HDF5 NWB file ({err}).") from err


def probe_nwb_file(path: Path) -> None:
    """Read the structure of the HDF5 NWB file ``path`` in a child process first; raise if it is damaged.

    A damaged header can make HDF5 loop, crash or allocate without bound, as in any HDF5 input
    (:func:`poseconv.readers.safety.isolation.probe`, once per version of the file): only a file the
    child got through is opened here.

    Raises
    ------
    InvalidSourceFileError
        When reading the structure fails, crashes, runs out of memory or hangs.
    """
    from ...readers.safety.isolation import HDF5_STRUCTURE, probe, walk_hdf5

    probe(path, walk_hdf5, what=HDF5_STRUCTURE, advice="Write it again, or copy it again from where it came from.")


def _open_zarr_folder(path: Path) -> Any:
    from .zarr_groups import open_zarr

    if not is_zarr_folder(path):
        raise InvalidSourceFileError(
            f"{path}: is a directory, not an NWB Zarr store (it has no .zgroup); give an .nwb file or an .nwb.zarr "
            "folder."
        )
    try:
        return open_zarr(str(path))
    except (KeyError, ValueError) as err:
        raise InvalidSourceFileError(f"{path}: not a readable NWB Zarr store ({err}).") from err


def is_zarr_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a Zarr group (an NWB Zarr store)."""
    path = Path(path)
    return path.is_dir() and ((path / ".zgroup").is_file() or (path / ".zmetadata").is_file())


def is_nwb_location(value: str | Path) -> bool:
    """Whether ``value`` names an NWB file: an ``.nwb`` file, an NWB Zarr store, or a URL (read as NWB)."""
    if is_url(value):
        return True
    path = Path(value)
    name = path.name.lower()
    return path.suffix.lower() == ".nwb" or name.endswith(".nwb.zarr") or is_zarr_folder(path)


def local_folder(value: str | Path) -> Path | None:
    """Return the folder external files of the NWB file ``value`` are relative to; None for a URL.

    Relative ``external_file`` paths are relative to the NWB file's folder (for a Zarr store, the
    folder holding the store), the NWB and DANDI convention. A file read from a URL has no folder
    on this machine: its relative paths name nothing here.
    """
    return None if is_url(value) else Path(value).resolve().parent


def local_file(recorded: str, folder: Path | None) -> Path | None:
    """Return an external file an NWB file records, on this machine (relative to ``folder``); None when not here.

    NWB stores external files relative to the NWB file (DANDI's convention); a URL has no folder here.
    """
    candidate = Path(recorded)
    if not candidate.is_absolute():
        if folder is None:
            return None
        candidate = folder / candidate
    # Where it is named (a DataLad dataset's video is a link into .git/annex/objects), not where a link leads.
    return where_linked(candidate) if candidate.is_file() else None


@contextmanager
def open_nwbfile_object(nwbfile: Any) -> Iterator[tuple[Any, Path | str | None]]:
    """Yield the root group of a ``pynwb.NWBFile`` and the path (or URL) it was read from (None when built in memory).

    A file read from disk is opened again from its path; a file built in this process is
    written to an HDF5 file in memory first, so the same readers read it as they read a file.
    """
    source = getattr(nwbfile, "container_source", None)
    if source and (is_url(source) or Path(source).is_file() or is_zarr_folder(source)):
        with open_store(source) as root:
            yield root, nwb_location(source)
        return
    import h5py
    from pynwb import NWBHDF5IO

    with h5py.File(io.BytesIO(), "w") as root:
        # The IO is not closed: that would close the file it was given before it is read.
        NWBHDF5IO(file=root, mode="w").write(nwbfile)
        yield root, None


def decode(value: Any) -> str:
    """Return a stored string (bytes or str) as str."""
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def text(value: Any) -> str | None:
    """Decode a stored string (dataset or attribute value) to str; None when empty or absent."""
    if value is None:
        return None
    if is_dataset(value):
        value = value[()]
    if isinstance(value, np.ndarray):
        if value.size == 0:
            return None
        value = value.reshape(-1)[0]
    stripped = decode(value).strip()
    return None if stripped in EMPTY_TEXT else stripped


def texts(values: Any) -> list[str]:
    """Decode a stored string dataset (or its values) to a list of str; empty for None."""
    if values is None:
        return []
    if is_dataset(values):
        values = values[()]
    return [decode(v) for v in np.atleast_1d(values).reshape(-1)]


def neurodata_type(obj: Any) -> str | None:
    """Return the ``neurodata_type`` attribute of a group or dataset, or None."""
    value = obj.attrs.get("neurodata_type")
    return None if value is None else decode(value)


def is_group(obj: Any) -> bool:
    """Whether ``obj`` is a group (it has members), not a dataset."""
    return hasattr(obj, "keys") and not hasattr(obj, "dtype")


def is_dataset(obj: Any) -> bool:
    """Whether ``obj`` is a stored dataset (an array read when sliced), not a group or a numpy array."""
    return hasattr(obj, "shape") and hasattr(obj, "dtype") and hasattr(obj, "attrs")


def parent_path(obj: Any) -> str:
    """Return the path of the group holding ``obj``."""
    return str(PurePosixPath(obj.name).parent)


def link_target(parent: Any, name: str) -> str | None:
    """Return the path a soft link ``name`` of ``parent`` points to; None when the member is not a soft link."""
    import h5py

    link = parent.get(name, getlink=True)
    return link.path if isinstance(link, h5py.SoftLink) else None


def _stored_here(group: Any, name: str) -> bool:
    """Whether ``group`` (HDF5) has a hard link ``name``: an object stored in it, whether or not it opens.

    h5py answers ``name in group`` False, ``group.get(name)`` None and ``group.items()`` None for an object
    whose header is damaged (its checksum fails), as for one that is not there; the link, kept in ``group``,
    still says it is. A Zarr store's members have no header of their own to be damaged.
    """
    import h5py

    if not isinstance(group, h5py.Group) or "/" in name:
        return False
    key = name.encode("utf-8")
    return bool(group.id.links.exists(key)) and group.id.links.get_info(key).type == h5py.h5l.TYPE_HARD


def member(group: Any, name: str) -> Any | None:
    """Return member ``name`` of ``group`` (a soft link followed); None when it has none or a link dangles.

    A member stored there that does not open (a damaged header) raises HDF5's error (``KeyError``), which
    :func:`damage_named` turns into one naming the file: it is damage, not absence (``name in group`` and
    ``group.get(name)`` cannot tell the two apart).
    """
    found = group.get(name)
    if found is None and _stored_here(group, name):
        return group[name]
    return found


def members(group: Any) -> list[tuple[str, Any]]:
    """Return ``(name, object)`` of every member of ``group`` (soft links followed, dangling ones left out).

    A member stored there that does not open raises, as in :func:`member`, rather than being left out.
    """
    found = []
    for name, child in group.items():
        if child is None:
            child = member(group, name)
        if child is not None:
            found.append((name, child))
    return found


def child_groups(group: Any, kind: str) -> dict[str, Any]:
    """Return the member groups of ``group`` whose ``neurodata_type`` is ``kind``, by name.

    A member that does not open raises (:func:`member`): a damaged container is not a container left out.
    """
    return {name: child for name, child in members(group) if is_group(child) and neurodata_type(child) == kind}


# Types whose subtrees hold no container a reader looks for: skipped, not walked. A PoseTraining holds a
# group per labeled frame and per instance (thousands), which a walk of every object opened one by one.
_HOLD_NO_CONTAINERS = frozenset({"PoseTraining", "Skeletons", "PoseEstimationSeries"})


def visit_groups(root: Any, kind: str) -> list[Any]:
    """Return every group of the file of type ``kind``, once each (links are not followed), in file order.

    The subtrees of types that hold no pose container (training frames, skeletons, series) are not walked.
    """
    import h5py

    found = []
    # A loop, not a recursive closure: a closure that calls itself is a reference cycle, which would keep the
    # groups found alive until a garbage collection, run in whichever thread allocates then (fsspec's, for a
    # URL), where closing them waits for h5py's lock that the reading thread holds.
    pending = [(root, name) for name in reversed(list(root)) if name != "specifications"]
    while pending:
        group, name = pending.pop()
        # Soft and external links point at objects found where they are stored, or outside the file. h5py says
        # no link at all for an object whose header is damaged: that one is opened, and its error raised.
        if not isinstance(group.get(name, getlink=True), h5py.HardLink) and not _stored_here(group, name):
            continue
        child = group[name]
        if not is_group(child):
            continue
        child_type = neurodata_type(child)
        if child_type == kind:
            found.append(child)
        if child_type not in _HOLD_NO_CONTAINERS:
            # Reversed onto the stack: members are taken in file order, each subtree before the next member.
            pending.extend((child, grandchild) for grandchild in reversed(list(child)))
    return found


def linked(root: Any, parent: Any, name: str) -> tuple[str, Any] | None:
    """Return ``(path, object)`` of member ``name`` of ``parent``, a soft link followed to its target.

    The path is the target's (where the object is stored), not the link's; None when ``parent``
    has no such member or the link dangles.
    """
    target = link_target(parent, name)
    if target is not None:
        return (target, root[target]) if target in root else None
    # A member stored there that does not open raises (member): damage, not a member the group lacks.
    found = member(parent, name)
    return None if found is None else (found.name, found)


def base_name(path: str) -> str:
    """Return the last part of a stored path."""
    return PurePosixPath(path).name


def damaged_file_error(path: str | Path, err: BaseException) -> InvalidSourceFileError | None:
    """Return the error to raise for ``err`` when it is HDF5 saying the file is damaged; None otherwise.

    HDF5 reports an object or a chunk it cannot decode as ``RuntimeError`` ("bad local heap
    signature"), ``KeyError`` ("Unable to synchronously open object") or ``OSError`` ("Can't
    synchronously read data (filter returned failure ...)"); other errors (a lost connection to a
    URL) are what they say.
    """
    message = str(err.args[0]) if err.args else type(err).__name__
    hdf5_words = ("Unable to", "Can't synchronously", "Can't read", "filter returned failure")
    if not isinstance(err, RuntimeError) and not any(words in message for words in hdf5_words):
        return None
    return InvalidSourceFileError(
        f"{path}: part of the file cannot be read ({message}): the file is damaged. "
        "Copy it again, or write it again from its source."
    )


@contextmanager
def damage_named(path: str | Path) -> Iterator[None]:
    """Turn HDF5's errors for damaged bytes met in the block into one naming ``path`` (:func:`damaged_file_error`)."""
    try:
        yield
    except (KeyError, OSError, RuntimeError) as err:
        damaged = damaged_file_error(path, err)
        if damaged is None:
            raise
        raise damaged from None
