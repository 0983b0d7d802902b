"""Adding poses to an existing NWB file: what is checked before writing, and the copy that replaces it.

Every entry point appends through :class:`~poseconv.interfaces.converter.PoseNWBConverter`
(``append_on_disk_nwbfile=True``; ``poseconv convert --append``): :func:`check_appendable` before
any input is read, :func:`prepare_append` once the metadata is known, and :func:`atomic_append`,
a copy under a temporary name that replaces the file when complete, so a failed append leaves the
file as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib
import json
import os
import re
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .appending_poses import refuse_unwritable_poses
from .errors import InvalidOptionError, PoseconvWarning
from .model.location import locked_by_writer
from .output import OutputError, atomic_output, folder_problem

__all__ = ["atomic_append", "check_append_arguments", "check_appendable", "prepare_append"]

# The NWBFile fields stored at the file's root; the others are in /general.
_ROOT_FIELDS = ("session_description", "identifier", "timestamps_reference_time", "file_create_date")
# The Subject fields that say which animal the file is of: another value is another animal, not a detail.
_SUBJECT_IDENTITY = ("Subject.subject_id", "Subject.species")
# A field the file does not hold (None could be a value).
_ABSENT = object()

# The namespace an NWB extension caches ("ndx-multisubjects"), whose package's module is "ndx_multisubjects".
_EXTENSION_NAMESPACE = re.compile(r"^ndx(-[a-z0-9]+)+$")


def check_appendable(path: str | Path, *, zarr: bool = False) -> Path:
    """Check, before reading any input, that poses can be added to the NWB file ``path``; return it as a Path.

    Raises :class:`OutputError` when the file is missing, not an HDF5 NWB file (nor a Zarr store hdmf-zarr
    reads, when ``zarr``: :func:`_check_zarr_appendable`), holds poses of an earlier ndx-pose that
    the installed one cannot write back (:func:`~poseconv.appending_poses.refuse_unwritable_poses`),
    is read-only, its folder is not writable (the appended copy is written beside it), or pynwb
    cannot load the extension specs it caches (:func:`_load_cached_extensions`).
    """
    import h5py

    from .errors import InvalidSourceFileError
    from .model.location import input_not_here, url_as_path
    from .nwb.read.store import is_zarr_folder, probe_nwb_file

    path = Path(path)
    if (url := url_as_path(path)) is not None:
        # Said before "not found": poseconv reads NWB files at URLs, but an append writes the file.
        raise OutputError(
            f"{url}: is a URL; appending writes the NWB file, so it needs a path on this computer: download the "
            "file first and give the local copy."
        )
    if is_zarr_folder(path):
        if zarr:
            return _check_zarr_appendable(path)
        raise OutputError(
            f"{path}: is an NWB Zarr store, appended to with the HDF5 backend; append with backend='zarr' or "
            "none: run_conversion(nwbfile_path=..., append_on_disk_nwbfile=True) (poseconv convert --append "
            "takes the store's)."
        )
    if not path.is_file():
        # A link leading nowhere is said as such (ls lists it), as for every input (model.location).
        absent = (input_not_here(path) or "not found").rstrip(".")
        raise OutputError(
            f"{path}: {absent}; appending adds to an existing NWB file (for a new one: --output, or no "
            "append_on_disk_nwbfile)."
        )
    if not h5py.is_hdf5(path):
        raise OutputError(f"{path}: is not an HDF5 NWB file; poses can be appended to HDF5 NWB files only.")
    try:
        # Read in a child first: a damaged file must not hang or crash this process when opened below.
        probe_nwb_file(path)
    except InvalidSourceFileError as err:
        raise OutputError(str(err)) from None
    try:
        with h5py.File(path, "r") as handle:
            is_nwb = "nwb_version" in handle.attrs
            if is_nwb:  # said before writability: making the file writable would not help
                refuse_unwritable_poses(path, handle)
    except OSError as err:
        if (locked := locked_by_writer(f"{type(err).__name__}: {err}")) is not None:
            # Replacing the file under the program writing it would lose both.
            raise OutputError(f"{path}: {locked}") from None
        raise OutputError(f"{path}: cannot be opened as HDF5 ({err}).") from None
    if not is_nwb:
        raise OutputError(f"{path}: is an HDF5 file but not an NWB file (it has no nwb_version).")
    if not os.access(path, os.W_OK):
        raise OutputError(
            f"{path}: is read-only; make it writable (chmod u+w) to add the poses to it, or write a new file."
        )
    if (problem := folder_problem(path.resolve().parent)) is not None:
        raise OutputError(f"{path}: {problem}")
    _load_cached_extensions(path)
    return path


def _check_zarr_appendable(path: Path) -> Path:
    """Check that poses can be added to the NWB Zarr store ``path``: readable by hdmf-zarr, writable."""
    import numcodecs.pickles

    from .errors import InvalidSourceFileError
    from .nwb.read.store import open_store

    try:
        root = open_store(path)
    except InvalidSourceFileError:
        root = None  # a store poseconv cannot open is said below, as hdmf-zarr fails to read it
    if root is not None:
        with root:  # before hdmf-zarr reads it, which fails on these poses inside hdmf
            refuse_unwritable_poses(path, root)
    if (problem := folder_problem(path.resolve().parent)) is not None:  # the copy appended to is written there
        raise OutputError(f"{path}: {problem}")
    # hdmf-zarr keeps untyped text (neuroconv's electrodes) Pickle-coded; numcodecs reads it if allowed (any, before).
    pickled = [
        array.parent.relative_to(path).as_posix()
        for array in sorted(path.rglob(".zarray"))
        if any(f.get("id") == "pickle" for f in json.loads(array.read_text()).get("filters") or ())
    ]
    if pickled and not getattr(numcodecs.pickles, "ALLOW_UNSAFE_PICKLE_DECODE", True):
        raise OutputError(
            f"{path}: holds data stored with numcodecs' Pickle codec ({', '.join(pickled[:3])}), which numcodecs "
            "refuses to read unless allowed (unpickling can run code), so nothing was appended. If you trust the "
            "store, append again with NUMCODECS_ALLOW_UNSAFE_PICKLE_DECODE=1, or write a new NWB file (--output)."
        )
    with _zarr_nwbfile(path):
        return path


@contextlib.contextmanager
def _zarr_nwbfile(path: Path) -> Iterator[Any]:
    """Yield the NWBFile of the Zarr store ``path``, read with hdmf-zarr; a store it cannot read is an OutputError."""
    from hdmf_zarr import NWBZarrIO

    try:
        with warnings.catch_warnings(action="ignore"):  # cached extension versions: the loaded ones are used
            nwbfile = (io := NWBZarrIO(str(path), mode="r")).read()
    except Exception as err:
        from .validation.run import unreadable_reason  # in one line, a store of training labels said as such

        after = "Into a Zarr store, append training labels after the predictions, not the other way round"
        raise OutputError(
            f"{path}: cannot be read as an NWB Zarr store: {unreadable_reason(path, err, training=after)}; "
            "nothing was written. Write the poses to a new NWB file (--output) instead."
        ) from None
    with io:
        yield nwbfile


def _load_cached_extensions(path: Path) -> None:
    """Import the installed packages of the extensions ``path`` caches; refuse it when pynwb cannot load its specs.

    neuroconv reads the file to append to with pynwb's ``load_namespaces=True``: each extension
    spec cached in the file is loaded beside the installed NWB schema, unless the extension's
    package is imported, whose spec is then used. sleap-io caches ndx-multisubjects 0.1.0, whose
    ``NWBFile`` copy of core 2.7 has an ``electrodes`` table that the installed core's
    ``ElectrodesTable`` cannot resolve; with ndx-multisubjects imported, the file reads (and
    pynwb, as with ``load_namespaces=False``, appends to it).

    Raises
    ------
    OutputError
        When the specs cannot be loaded even so, naming the extensions that are not installed.
    """
    import h5py
    from pynwb import NWBHDF5IO

    with h5py.File(path, "r") as handle:
        specifications = handle.get("specifications")
        cached = list(specifications) if isinstance(specifications, h5py.Group) else []
    missing = []
    for namespace in filter(_EXTENSION_NAMESPACE.match, cached):
        try:
            importlib.import_module(namespace.replace("-", "_"))
        except ImportError:  # not installed: its cached spec is what pynwb loads
            missing.append(namespace)
    try:
        with warnings.catch_warnings(action="ignore"):  # cached extension versions: the loaded ones are used
            NWBHDF5IO(str(path), mode="r", load_namespaces=True).close()
    except Exception as err:
        install = f"install {', '.join(missing)} (pip install {' '.join(missing)}), or " if missing else ""
        raise OutputError(
            f"{path}: pynwb cannot load the NWB extension specs the file caches ({type(err).__name__}: {err}); "
            f"poses are appended by pynwb reading the file with them, so nothing was written. To append, "
            f"{install}write the poses to a new NWB file (--output) instead."
        ) from None


def prepare_append(path: str | Path, converter: Any, metadata: dict | None) -> dict:
    """Return ``metadata`` with the file's session start time, refusing what cannot be appended, before writing.

    Appending keeps the file's start time: a different one given is an error (the poses would be
    timed on another clock). It keeps the file's other metadata too (neuroconv adds the poses to the
    file as read): a Subject of another animal (``subject_id``, ``species``) is an error, and any
    other NWBFile or Subject value given that the file holds otherwise, or lacks, is warned of as
    not written. Skeletons and cameras of the same name are reused (linked), as when poses are
    added beside a video interface's camera; a PoseEstimation or PoseTraining of the same name
    would be a second copy, and is an error naming the container to rename.

    Raises
    ------
    InvalidOptionError
        When the start times or subjects differ, or a container's name is taken.
    """
    from .nwb.read.store import is_zarr_folder

    path = Path(path)
    read = _read_zarr if is_zarr_folder(path) else _read_hdf5
    start, held, taken, skeletons = read(path, metadata or {}, converter)
    metadata = dict(metadata or {})
    nwbfile = dict(metadata.get("NWBFile") or {})
    given = nwbfile.get("session_start_time")
    if given is not None and _as_datetime(given) != start:
        raise InvalidOptionError(
            f"{path}: its session starts at {start.isoformat()}, not {_as_datetime(given).isoformat()}; appending "
            "keeps the file's start time: leave NWBFile.session_start_time out of the metadata (--session-start-time)."
        )
    _refuse_another_subject(path, held)
    metadata["NWBFile"] = {**nwbfile, "session_start_time": start}
    for per_input in converter.compose_metadata(metadata).per_input.values():
        _check_names_free(path, per_input.get("Pose") or {}, taken, skeletons)
    # Said once nothing refuses the append: the values given that the appended file will not hold.
    _warn_unwritten(path, held)
    return metadata


#: What an append checks in the file: its start time, the values given it holds, its behavior names and skeletons.
_Held = tuple[dt.datetime, list[tuple[str, Any, Any]], set[str], dict[str, tuple[list[str], list[Any]]]]


def _read_zarr(path: Path, metadata: dict, converter: Any) -> _Held:
    """Return what an append checks in the NWB Zarr store ``path``, read with hdmf-zarr."""
    with _zarr_nwbfile(path) as nwbfile:
        held = _held_metadata(functools.partial(_object_value, nwbfile), metadata, converter)
        behavior = nwbfile.processing.get("behavior")
        objects = behavior.data_interfaces if behavior is not None else {}
        skeletons = {
            name: (_plain(skeleton.nodes), [] if skeleton.edges is None else _plain(skeleton.edges))
            for name, skeleton in getattr(objects.get("Skeletons"), "skeletons", {}).items()
        }
        return nwbfile.session_start_time, held, set(objects), skeletons


def _object_value(nwbfile: Any, block: str, key: str) -> Any:
    """Return the value of metadata ``block``.``key`` in the NWBFile read, or _ABSENT."""
    owner = nwbfile.subject if block == "Subject" else nwbfile
    value = getattr(owner, key, None) if owner is not None else None
    if value is not None and hasattr(value, "__array__") and not isinstance(value, str | bytes):
        value = value[()]  # a Zarr array (keywords, experimenter)
    return _ABSENT if value is None else _plain(value)


def _read_hdf5(path: Path, metadata: dict, converter: Any) -> _Held:
    """Return what an append checks in the HDF5 NWB file ``path``."""
    import h5py

    with h5py.File(path, "r") as handle:
        start = _as_datetime(handle["session_start_time"][()])
        held = _held_metadata(functools.partial(_file_value, handle), metadata, converter)
        behavior = handle.get("processing/behavior")
        taken = set(behavior) if behavior is not None else set()
        skeletons = _file_skeletons(behavior)
    return start, held, taken, skeletons


def _as_datetime(value: Any) -> dt.datetime:
    """Return a date and time given as a datetime, ISO-8601 text, or the bytes h5py reads."""
    text = value.decode("utf-8") if isinstance(value, bytes) else value
    return text if isinstance(text, dt.datetime) else dt.datetime.fromisoformat(str(text))


def _held_metadata(value_of: Callable[[str, str], Any], metadata: dict, converter: Any) -> list[tuple[str, Any, Any]]:
    """Return (field, the file's value or _ABSENT, the value given) for each NWBFile or Subject value given.

    ``value_of(block, key)`` reads the file's value (:func:`_file_value`, :func:`_object_value`). A value is
    given when it is not the conversion's default (``converter.get_metadata()``, which API users edit and
    pass back whole); neuroconv's fresh UUID identifier of each ``get_metadata`` is a default too. The start
    time is checked apart.
    """
    blocks = {block: metadata.get(block) for block in ("NWBFile", "Subject")}
    if not any(isinstance(block, dict) and block for block in blocks.values()):
        return []
    defaults = converter.get_metadata()
    held = []
    for block, fields in blocks.items():
        default = defaults.get(block) or {}
        for key, value in (fields or {}).items() if isinstance(fields, dict) else ():
            if key == "session_start_time" or value is None or _same(default.get(key), value):
                continue
            if key == "identifier" and _is_uuid(value):
                continue
            held.append((f"{block}.{key}", value_of(block, key), value))
    return held


def _file_value(handle: Any, block: str, key: str) -> Any:
    """Return the value of metadata ``block``.``key`` in the open NWB file ``handle``, or _ABSENT."""
    import h5py

    if block == "Subject":
        # neuroconv's age__reference is the age dataset's attribute 'reference'.
        name, attribute = ("age", "reference") if key == "age__reference" else (key, None)
        node = handle.get(f"general/subject/{name}")
    else:
        name, attribute = ("source_script", "file_name") if key == "source_script_file_name" else (key, None)
        node = handle.get(name if name in _ROOT_FIELDS else f"general/{name}")
    if not isinstance(node, h5py.Dataset):
        return _ABSENT
    if attribute is not None:
        return _plain(node.attrs[attribute]) if attribute in node.attrs else _ABSENT
    return _plain(node[()])


def _plain(value: Any) -> Any:
    """Return an h5py or metadata value as text, a number, a datetime or a list of them, to compare and print."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()] if value.ndim else _plain(value.item())
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value.item() if isinstance(value, np.generic) else value


def _same(held: Any, given: Any) -> bool:
    """Whether the file's value ``held`` and the value ``given`` are the same (a text is a list of one)."""
    held, given = _plain(held), _plain(given)
    if isinstance(held, list) != isinstance(given, list):
        held, given = (held if isinstance(held, list) else [held]), (given if isinstance(given, list) else [given])
    if isinstance(held, list):
        return len(held) == len(given) and all(map(_same, held, given))
    if held == given or str(held) == str(given):
        return True
    try:  # dates and times (date_of_birth, timestamps_reference_time) written as ISO-8601 text, or given otherwise
        held, given = (
            _as_datetime(str(held) if isinstance(held, dt.date) else held),
            _as_datetime(str(given) if isinstance(given, dt.date) else given),
        )
    except (TypeError, ValueError):
        return False
    # A date or time given without a time zone (YAML's 2024-01-01) is the file's when its clock reads the same.
    naive = held.tzinfo is None or given.tzinfo is None
    return held == given or (naive and held.replace(tzinfo=None) == given.replace(tzinfo=None))


def _is_uuid(value: Any) -> bool:
    """Whether ``value`` is a UUID's text (neuroconv's default identifier)."""
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _refuse_another_subject(path: Path, held: list[tuple[str, Any, Any]]) -> None:
    """Refuse a Subject whose subject_id or species the file holds otherwise: another animal's poses.

    Raises
    ------
    InvalidOptionError
        Naming the field, the file's value and the value given.
    """
    for field, value, given in held:
        if field in _SUBJECT_IDENTITY and value is not _ABSENT and not _same(value, given):
            raise InvalidOptionError(
                f"{path}: its {field} is {value!r}, not {_plain(given)!r} as given: the file is of another animal. "
                "Appending adds poses to the file's subject, so nothing was written; leave Subject out of the "
                "metadata (the --metadata file) to append to this file, or write the poses to a new NWB file "
                "(--output)."
            )


def _warn_unwritten(path: Path, held: list[tuple[str, Any, Any]]) -> None:
    """Warn of the NWBFile and Subject values given that the appended file will not hold."""
    other = [
        f"{field} is {value!r}, not {_plain(given)!r} as given"
        for field, value, given in held
        if value is not _ABSENT and not _same(value, given)
    ]
    absent = [field for field, value, _ in held if value is _ABSENT]
    said = [f"The file keeps its own: {'; '.join(other)}."] if other else []
    if absent:
        said.append(f"Not written, as the file has none: {', '.join(absent)}.")
    if said:
        warnings.warn(
            f"{path}: appending adds the poses only; the file's NWBFile and Subject metadata stay as written. "
            f"{' '.join(said)} Leave them out of the metadata to append without this warning, or write the poses to "
            "a new NWB file (--output) to have them.",
            PoseconvWarning,
            stacklevel=3,
        )


def _file_skeletons(behavior: Any) -> dict[str, tuple[list[str], list[Any]]]:
    """Return the nodes and edges of each skeleton in ``processing/behavior/Skeletons`` of an open file.

    ``behavior`` is the h5py group (or None).
    """
    group = behavior.get("Skeletons") if behavior is not None else None
    found = {}
    for name, skeleton in group.items() if group is not None else ():
        nodes = skeleton.get("nodes") if hasattr(skeleton, "get") else None
        if nodes is not None:
            edges = skeleton.get("edges")
            found[name] = (
                [v.decode() if isinstance(v, bytes) else str(v) for v in nodes[()]],
                [] if edges is None else edges[()].tolist(),
            )
    return found


def _check_names_free(path: Path, pose: dict, taken: set[str], skeletons: dict[str, tuple[list, list]]) -> None:
    """Refuse a container whose name the file holds, or a skeleton whose name it holds with other nodes or edges."""
    from .metadata.checks import skeleton_clash
    from .nwb.read.pose_containers import same_source

    sections = ("PoseEstimations", "MultiCameraPoseEstimations")
    blocks = [(f"{section}: {key}", entry) for section in sections for key, entry in (pose.get(section) or {}).items()]
    blocks += [("PoseTraining", pose["PoseTraining"])] if pose.get("PoseTraining") else []
    for where, entry in blocks:  # where: its metadata path in full (a "Pose: ... X:" was taken as written)
        if entry.get("name") in taken:  # guessed appended when it has their source: another tool's is not
            again = " (were these poses appended before?)" if same_source(path, entry) else ""
            raise InvalidOptionError(
                f"{path}: already holds '{entry['name']}' in processing/behavior{again}; to add them as a second "
                f"container, give it another name in the metadata (Pose: {where}: name: ...; on the command line in "
                "the --metadata file)."
            )
    for key, entry in (pose.get("Skeletons") or {}).items():
        # A skeleton of the same name, nodes and edges is linked; another would be a second, clashing one.
        clash = skeleton_clash(*skeletons[entry["name"]], entry) if entry.get("name") in skeletons else None
        if clash is not None:
            raise InvalidOptionError(
                f"{path}: already has a skeleton named '{entry['name']}' with {clash}; give this one another name in "
                f"the metadata (Pose: Skeletons: {key}: name: ...; on the command line in the --metadata file)."
            )


@contextlib.contextmanager
def atomic_append(path: str | Path) -> Iterator[Path]:
    """Yield a copy of the existing file ``path`` to add to; on success it replaces ``path``, otherwise it is removed.

    The copy costs the file's size in time and disk space, which is the price of never leaving a
    half-appended file: HDF5 cannot undo a write.

    Parameters
    ----------
    path : str or pathlib.Path
        The existing NWB file (or Zarr store).

    Yields
    ------
    pathlib.Path
        The copy to append to.
    """
    path = Path(path)
    with atomic_output(path) as partial:
        (shutil.copytree if path.is_dir() else shutil.copy2)(path, partial)  # a Zarr store, or an HDF5 file
        yield partial


def check_append_arguments(path: Path, nwbfile: Any, backend_configuration: Any) -> None:
    """Refuse what an append cannot honour, as neuroconv's ``run_conversion`` does, instead of dropping it.

    Raises
    ------
    InvalidOptionError
        When an in-memory ``nwbfile`` or a ``backend_configuration`` is given with ``append_on_disk_nwbfile``.
    """
    if nwbfile is not None:
        raise InvalidOptionError(
            f"{path}: cannot append to the file on disk and also add to an in-memory NWBFile (nwbfile=...), whose "
            "contents would not be written. Remove nwbfile to append to the file, or write the in-memory file "
            "with overwrite=True instead."
        )
    if backend_configuration is not None:
        raise InvalidOptionError(
            f"{path}: cannot append with a backend_configuration: the file is read and the poses added to it "
            "before it is configured, so a configuration built beforehand does not describe what is written. "
            "Give backend= instead (the configuration is then derived after the poses are added)."
        )
