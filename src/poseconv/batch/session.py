"""One session, in a worker: build its interfaces, check its metadata, write its NWB file atomically.

:func:`check_session` and :func:`convert_session` run in worker processes (or
Dask workers) and never raise: every failure comes back as
:class:`~poseconv.batch.report.Problem` s or a failed
:class:`~poseconv.batch.report.SessionResult`, so one session cannot stop the
others. The NWB file is written under a hidden temporary name in the output
folder and renamed when complete, so a failure (or a killed worker) never
leaves a half-written file under the real name, and a re-run that finds the
real name can trust it is whole.

Metadata of a session, from lowest to highest precedence: the interfaces'
defaults; the spec's ``metadata``; the session's fields (``session_id``,
``session_start_time``, ``subject``); the session's ``metadata``; and, for one
pose file only, that file's ``metadata``. Every pose file keeps metadata of
its own, since the keys of its containers (``PoseEstimation``,
``PoseEstimation_<animal>``) may well be the same as another file's; the
session-wide ``Pose`` entries apply to every pose file that has those keys.
"""

from __future__ import annotations

import copy
import os
import time
import traceback
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..metadata.defaults import merge_metadata, track_for_container_key
from .plan import SessionJob, schema_problems
from .report import Problem, SessionResult, one_line
from .spec import format_location, to_json

__all__ = ["check_session", "convert_session", "load_timestamps", "remove_partials"]

_POSE_BLOCKS = ("PoseEstimations", "Skeletons")


def load_timestamps(path: str | Path) -> np.ndarray:
    """Read one time (seconds) per frame from ``.npy`` or a text file with one number per line.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.npy``, ``.csv``, ``.tsv`` or ``.txt``; a text file may start with one header line.

    Returns
    -------
    numpy.ndarray
        1-D float64 times.

    Raises
    ------
    ValueError
        When the file does not hold one number per frame.
    """
    path = Path(path)
    if path.suffix.lower() == ".npy":
        values = np.load(path, allow_pickle=False)
    else:
        delimiter = {".csv": ",", ".tsv": "\t"}.get(path.suffix.lower())
        try:
            values = np.loadtxt(path, delimiter=delimiter, dtype="float64", ndmin=1)
        except ValueError:
            # One header line ("timestamp", "time_s", ...) is common in exported frame times.
            values = np.loadtxt(path, delimiter=delimiter, dtype="float64", ndmin=1, skiprows=1)
    values = np.asarray(values, dtype="float64")
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"{path.name}: expected one time per line (one column), found shape {values.shape}.")
    return values


# -- metadata layers ----------------------------------------------------------------------------


@dataclass
class _Layer:
    """One source of metadata values and where it sits in the spec."""

    root: str
    values: dict[str, Any]
    # Paths that the spec holds elsewhere than root + path (the session's own fields).
    moved: dict[tuple[str, ...], str] = field(default_factory=dict)

    def location(self, path: tuple[Any, ...]) -> str | None:
        """Return where ``path`` is set in the spec, or None when this layer does not set it."""
        node: Any = self.values
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        for prefix, where in self.moved.items():
            if tuple(path[: len(prefix)]) == prefix:
                return format_location(path[len(prefix) :], where)
        return format_location(path, self.root)


def _session_layers(job: SessionJob) -> list[_Layer]:
    """Return the user's metadata layers of a session, lowest precedence first."""
    root = job.location
    fields: dict[str, Any] = {"NWBFile": {"session_id": job.session_id}}
    if job.session_start_time is not None:
        fields["NWBFile"]["session_start_time"] = job.session_start_time
    if job.subject:
        fields["Subject"] = copy.deepcopy(job.subject)
    moved = {
        ("NWBFile", "session_id"): f"{root}.session_id",
        ("NWBFile", "session_start_time"): f"{root}.session_start_time",
        ("Subject",): f"{root}.subject",
    }
    return [
        _Layer("metadata", to_json(job.global_metadata)),
        _Layer(root, fields, moved),
        _Layer(f"{root}.metadata", to_json(job.session_metadata)),
    ]


def _locate(path: tuple[Any, ...], layers: list[_Layer], job: SessionJob, message: str) -> tuple[str, str]:
    """Return the spec location to fix a metadata problem at, and the message to show."""
    for layer in reversed(layers):
        where = layer.location(path)
        if where is not None:
            return where, message
    if tuple(path) == ("NWBFile", "session_start_time"):
        return f"{job.location}.session_start_time", "required, but missing (and not in the spec's metadata either)."
    dotted = format_location(path)
    return f"{job.location}.metadata.{dotted}", f"{message} (a value the interfaces filled in; set it here to fix it)"


def _without_pose(metadata: Mapping[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in metadata.items() if k != "Pose"}


def _restrict_pose(layer: Mapping[str, Any], keys: Mapping[str, set[str]]) -> dict[str, Any]:
    """Return the layer with only the Pose entries whose keys a pose file has."""
    result = _without_pose(layer)
    pose = layer.get("Pose")
    if isinstance(pose, dict):
        result["Pose"] = {
            block: {k: v for k, v in entries.items() if k in keys.get(block, set())}
            if block in _POSE_BLOCKS and isinstance(entries, dict)
            else copy.deepcopy(entries)
            for block, entries in pose.items()
        }
    return result


def _pose_keys(metadata: Mapping[str, Any]) -> dict[str, set[str]]:
    pose = metadata.get("Pose") or {}
    return {block: set(pose.get(block) or {}) for block in _POSE_BLOCKS}


def _disambiguate(defaults: dict[str, dict[str, Any]], interfaces: Mapping[str, Any]) -> None:
    """Rename, in place, default container names that two pose files share (video name, then input name)."""
    taken: set[str] = set()
    for name, metadata in defaults.items():
        tracks = track_for_container_key(interfaces[name].pose)
        for key, entry in metadata["Pose"]["PoseEstimations"].items():
            video = tracks[key].video if key in tracks else None
            candidates = [entry["name"], *([f"{entry['name']}_{video}"] if video else []), f"{entry['name']}_{name}"]
            entry["name"] = next((c for c in candidates if c not in taken), f"{entry['name']}_{uuid.uuid4().hex[:6]}")
            taken.add(entry["name"])


def _separate_skeletons(job: SessionJob, built: _Built, defaults: Mapping[str, dict[str, Any]]) -> None:
    """Give skeletons that differ (nodes or edges) but share a name distinct names, or report the clash.

    The writer shares a skeleton between containers by name, so two different skeletons under
    one name would silently become the first. A default name is made unique; a name the user
    chose is theirs to change.
    """
    specs = {spec.name: spec for spec in job.inputs}
    seen: dict[str, tuple[Any, str]] = {}
    for name, metadata in built.per_input.items():
        for key, entry in metadata["Pose"]["Skeletons"].items():
            shape = (list(entry.get("nodes", [])), [list(e) for e in entry.get("edges", [])])
            if entry["name"] in seen and seen[entry["name"]][0] != shape:
                default = defaults[name]["Pose"]["Skeletons"].get(key, {}).get("name")
                if entry["name"] != default:
                    built.problems.append(
                        Problem(
                            f"{specs[name].location}.metadata",
                            f"skeleton {entry['name']!r} differs from the one of that name in "
                            f"{seen[entry['name']][1]}; give it another name.",
                            job.index,
                        )
                    )
                    continue
                candidates = (f"{entry['name']}_{name}", *(f"{entry['name']}_{name}{i}" for i in range(2, 100)))
                entry["name"] = next(c for c in candidates if c not in seen)
            seen.setdefault(entry["name"], (shape, specs[name].location))


# -- building -----------------------------------------------------------------------------------


@dataclass
class _Built:
    """A session's interfaces and the metadata each one is written with."""

    interfaces: dict[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)
    per_input: dict[str, dict[str, Any]] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _build_interfaces(job: SessionJob, built: _Built) -> None:
    from ..errors import MetadataError
    from .registry import get_interface_class

    for spec in job.inputs:
        try:
            interface = get_interface_class(spec.interface)(**copy.deepcopy(spec.source_data))
        except Exception as err:  # noqa: BLE001 - any reader or interface error is this input's problem
            built.problems.append(Problem(spec.location, one_line(err), job.index))
            continue
        if spec.timestamps_file is not None:
            try:
                interface.set_aligned_timestamps(load_timestamps(spec.timestamps_file))
            except Exception as err:  # noqa: BLE001
                built.problems.append(Problem(f"{spec.location}.timestamps_file", one_line(err), job.index))
                continue
        if spec.is_pose:
            try:
                interface.get_timestamps()
            except MetadataError:
                built.problems.append(
                    Problem(
                        f"{spec.location}.sampling_frequency",
                        "the pose files record no frame rate; set sampling_frequency (Hz) or timestamps_file.",
                        job.index,
                    )
                )
                continue
        if spec.starting_time is not None:
            try:
                interface.set_aligned_starting_time(spec.starting_time)
            except Exception as err:  # noqa: BLE001
                built.problems.append(Problem(f"{spec.location}.starting_time", one_line(err), job.index))
                continue
        built.interfaces[spec.name] = interface


def _merged_schema(interfaces: list[Any]) -> dict[str, Any]:
    """Merge the metadata schemas of several interfaces, as ``NWBConverter.get_metadata_schema`` does."""
    import json

    import neuroconv
    from neuroconv.utils import dict_deep_update
    from neuroconv.utils.json_schema import unroot_schema

    path = Path(neuroconv.__file__).parent / "schemas" / "base_metadata_schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for interface in interfaces:
        schema = dict_deep_update(schema, unroot_schema(interface.get_metadata_schema()))
    return schema


def _validate(metadata: dict[str, Any], schema: dict[str, Any], layers: list[_Layer], job: SessionJob) -> list[Problem]:
    from jsonschema import Draft7Validator

    problems = []
    for path, message in schema_problems(Draft7Validator(schema), metadata):
        location, text = _locate(path, layers, job, message)
        problems.append(Problem(location, text, job.index))
    start = (metadata.get("NWBFile") or {}).get("session_start_time")
    if isinstance(start, str):
        try:
            parsed = datetime.fromisoformat(start)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            location, _ = _locate(("NWBFile", "session_start_time"), layers, job, "")
            problems.append(
                Problem(location, f"{start!r} is not an ISO-8601 date and time with a time zone.", job.index)
            )
    return problems


def _build_metadata(job: SessionJob, built: _Built) -> None:
    from neuroconv.tools.nwb_helpers import get_default_nwbfile_metadata

    specs = {spec.name: spec for spec in job.inputs if spec.name in built.interfaces}
    pose_names = [name for name, spec in specs.items() if spec.is_pose]
    other_names = [name for name, spec in specs.items() if not spec.is_pose]
    base = to_json(get_default_nwbfile_metadata())
    for name in other_names:
        base = merge_metadata(base, to_json(built.interfaces[name].get_metadata()))
    pose_defaults = {name: to_json(built.interfaces[name].get_metadata()) for name in pose_names}
    if len(pose_defaults) > 1:
        _disambiguate(pose_defaults, built.interfaces)
    for defaults in pose_defaults.values():
        base = merge_metadata(base, _without_pose(defaults))
    layers = _session_layers(job)

    # The session's Pose entries must name a container (or skeleton) of one of its pose files. The spec's
    # entries are not checked: they apply to the sessions that have their keys (single- or multi-animal).
    all_keys = {block: set().union(*(_pose_keys(d)[block] for d in pose_defaults.values())) for block in _POSE_BLOCKS}
    for layer in layers[1:]:
        for block, keys in _pose_keys(layer.values).items():
            for key in sorted(keys - all_keys[block]):
                built.problems.append(
                    Problem(
                        format_location(("Pose", block, key), layer.root),
                        f"no pose file of {job.location} has this key; its keys are {sorted(all_keys[block])}.",
                        job.index,
                    )
                )

    shared = base
    for layer in layers:
        shared = merge_metadata(shared, _without_pose(layer.values))
    built.shared = shared
    if other_names:
        schema = _merged_schema([built.interfaces[name] for name in other_names])
        built.problems += _validate(_without_pose(shared), schema, layers, job)

    names_used: dict[str, str] = {}
    for name in pose_names:
        spec = specs[name]
        keys = _pose_keys(pose_defaults[name])
        metadata = merge_metadata(base, {"Pose": pose_defaults[name]["Pose"]})
        for layer in layers:
            metadata = merge_metadata(metadata, _restrict_pose(layer.values, keys))
        own = to_json(spec.metadata)
        for block, unknown in _pose_keys(own).items():
            for key in sorted(unknown - keys[block]):
                built.problems.append(
                    Problem(
                        format_location(("metadata", "Pose", block, key), spec.location),
                        f"this file has no such key; its keys are {sorted(keys[block])}.",
                        job.index,
                    )
                )
        metadata = merge_metadata(metadata, own)
        input_layers = [*layers, _Layer(f"{spec.location}.metadata", own)]
        built.problems += _validate(metadata, built.interfaces[name].get_metadata_schema(), input_layers, job)
        for entry in metadata["Pose"]["PoseEstimations"].values():
            if entry.get("name") in names_used:
                built.problems.append(
                    Problem(
                        spec.location,
                        f"writes a PoseEstimation named {entry['name']!r}, as {names_used[entry['name']]} does; "
                        f"rename one in {spec.location}.metadata.Pose.PoseEstimations.",
                        job.index,
                    )
                )
            names_used.setdefault(entry.get("name"), spec.location)
        built.per_input[name] = metadata
    _separate_skeletons(job, built, pose_defaults)


def _build_options(job: SessionJob, built: _Built) -> None:
    from jsonschema import Draft7Validator

    for spec in job.inputs:
        interface = built.interfaces.get(spec.name)
        if interface is None:
            continue
        options = to_json(spec.conversion_options)
        schema = interface.get_conversion_options_schema()
        if job.stub_test and "stub_test" in schema.get("properties", {}):
            options.setdefault("stub_test", True)
        for path, message in schema_problems(Draft7Validator(schema), options):
            built.problems.append(
                Problem(format_location(path, f"{spec.location}.conversion_options"), message, job.index)
            )
        built.options[spec.name] = options


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _dry_run(job: SessionJob, built: _Built) -> None:
    """Add the first frames of every pose file to an in-memory NWB file, to find what only the writer sees.

    The writer checks the metadata against the data (skeleton nodes against the file's,
    links between entries); other interfaces are left out, as their stub may not be cheap.
    """
    from neuroconv.tools.nwb_helpers import make_nwbfile_from_metadata

    try:
        nwbfile = make_nwbfile_from_metadata(copy.deepcopy(built.shared))
    except Exception as err:  # noqa: BLE001 - pynwb's own checks of NWBFile and Subject
        built.problems.append(Problem(job.location, f"the NWBFile or Subject metadata: {one_line(err)}", job.index))
        return
    specs = {spec.name: spec for spec in job.inputs}
    for name, metadata in built.per_input.items():
        try:
            built.interfaces[name].add_to_nwbfile(
                nwbfile, metadata=metadata, stub_test=True, external_files_relative_to=job.output.parent
            )
        except Exception as err:  # noqa: BLE001 - reported as this pose file's problem
            built.problems.append(Problem(f"{specs[name].location}.metadata", one_line(err), job.index))


def _build(job: SessionJob, *, dry_run: bool = False) -> _Built:
    built = _Built()
    _build_interfaces(job, built)
    if built.problems:
        return built
    _build_metadata(job, built)
    _build_options(job, built)
    if dry_run and not built.problems:
        _dry_run(job, built)
    built.problems = _dedupe(built.problems)
    return built


def check_session(job: SessionJob) -> list[Problem]:
    """Read a session's data and check everything short of writing: interfaces, timing, metadata, options.

    The pose files are also added, first frames only, to an in-memory NWB file, which
    finds metadata that does not fit the data (e.g. skeleton nodes that are not the file's).

    Parameters
    ----------
    job : SessionJob
        The session.

    Returns
    -------
    list of Problem
        Empty when the session can be converted.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _build(job, dry_run=True).problems
    except Exception as err:  # noqa: BLE001 - a worker reports, never raises
        return [Problem(job.location, f"unexpected error: {type(err).__name__}: {one_line(err)}", job.index)]


# -- writing ------------------------------------------------------------------------------------


def _converter(built: _Built) -> Any:
    from ..interfaces.converter import PoseNWBConverter

    class SessionConverter(PoseNWBConverter):
        """The session's interfaces, already built; each pose file written with its own metadata."""

        def __init__(self) -> None:
            # The interfaces have read their files; NWBConverter's __init__ would build them again.
            self.verbose = False
            self.data_interface_objects = dict(built.interfaces)
            self.data_interface_classes = {name: type(i) for name, i in built.interfaces.items()}

        def validate_metadata(self, metadata: dict, append_mode: bool = False) -> None:
            # Checked layer by layer (with spec locations) before writing; see _build_metadata.
            return None

        def add_to_nwbfile(self, nwbfile: Any, metadata: dict | None = None, conversion_options: dict | None = None):
            from ..interfaces.base import BasePoseInterface

            options = conversion_options or {}
            # Pose last, so it links to the cameras and videos another interface wrote (as PoseNWBConverter does).
            order = sorted(self.data_interface_objects.items(), key=lambda item: isinstance(item[1], BasePoseInterface))
            for name, interface in order:
                interface.add_to_nwbfile(
                    nwbfile=nwbfile, metadata=built.per_input.get(name, metadata), **options.get(name, {})
                )

    return SessionConverter()


def _partial_path(output: Path) -> Path:
    # Hidden, unique and in the same folder: the rename is atomic and relative video paths stay right.
    return output.with_name(f".{output.stem}.{uuid.uuid4().hex[:8]}.partial{output.suffix}")


def remove_partials(output: Path) -> None:
    """Remove the temporary files a killed worker left for ``output`` (it could not clean up itself).

    Within a run one session writes one output at a time, so any such file is stale.
    """
    if output.parent.is_dir():
        for stale in output.parent.glob(f".{output.stem}.*.partial{output.suffix}"):
            if stale.is_file():
                stale.unlink()


def convert_session(job: SessionJob, overwrite: bool = False) -> SessionResult:
    """Check and write one session's NWB file; never raises.

    Parameters
    ----------
    job : SessionJob
        The session.
    overwrite : bool, default: False
        Replace an existing NWB file; without it an existing file means the session is skipped.

    Returns
    -------
    SessionResult
        ``converted``, ``skipped`` or ``failed`` (with the reason); on failure nothing is
        left at the output path, and an existing file there is untouched.
    """
    start = time.perf_counter()

    def result(status: str, reason: str = "", detail: str = "", notes: list[str] | None = None) -> SessionResult:
        return SessionResult(
            index=job.index,
            session_id=job.session_id,
            output=job.output,
            status=status,  # type: ignore[arg-type]
            reason=reason,
            seconds=round(time.perf_counter() - start, 3),
            detail=detail,
            warnings=notes or [],
        )

    if job.output.exists() and not overwrite:
        return result("skipped", "the NWB file exists already (use --overwrite to convert again).")
    from ..errors import PoseconvWarning

    remove_partials(job.output)
    partial = _partial_path(job.output)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PoseconvWarning)
        try:
            built = _build(job)
            if built.problems:
                return result("failed", "; ".join(str(p) for p in built.problems))
            job.output.parent.mkdir(parents=True, exist_ok=True)
            _converter(built).run_conversion(
                nwbfile_path=partial, metadata=built.shared, overwrite=True, conversion_options=built.options
            )
            os.replace(partial, job.output)
        except Exception as err:  # noqa: BLE001 - a worker reports, never raises
            return result("failed", f"{type(err).__name__}: {one_line(err)}", traceback.format_exc())
        finally:
            if partial.exists():
                partial.unlink()
    notes = list(dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)))
    return result("converted", notes=notes)
