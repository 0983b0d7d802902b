"""Check a spec without reading any data, and turn each valid session into a job.

These are the checks that need no worker: the spec against its JSON Schema,
unique session IDs and output files, every named file and folder present,
every interface importable, its arguments valid for its source schema, and
the metadata blocks valid as far as they go (against the metadata schema
with nothing required, since they are completed by the interfaces later).
What needs the data (building the interfaces, the full metadata) is checked
by :func:`poseconv.batch.session.check_session` in the workers.

Problems in one session make that session invalid; problems outside the
sessions (the spec's own fields, its metadata, its interface classes) stop
the whole run, since every session depends on them.
"""

from __future__ import annotations

import contextlib
import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..metadata.checks import start_time_problem
from ..metadata.compose import schema_problems
from ..output import folder_problem
from ..timing import TIMESTAMP_SUFFIXES as _TIMESTAMP_SUFFIXES
from .report import Problem, one_line
from .spec import ConversionSpec, PoseSpec, SessionSpec, format_location, load_spec_document, spec_schema, to_json

__all__ = ["InputJob", "Plan", "SessionJob", "plan_spec", "schema_problems"]


# pydantic's words for what the JSON Schema cannot check, in the words of this spec.
_PYDANTIC_MESSAGES = {
    "timezone_aware": "needs a time zone, e.g. 2024-05-01T10:30:00+02:00 or 2024-05-01T08:30:00Z.",
    "datetime_from_date_parsing": "is not an ISO-8601 date and time, e.g. 2024-05-01T10:30:00+02:00.",
    "datetime_parsing": "is not an ISO-8601 date and time, e.g. 2024-05-01T10:30:00+02:00.",
}


@dataclass(frozen=True)
class InputJob:
    """One interface of a session, with everything a worker needs to build it.

    Attributes
    ----------
    name : str
        Its key in the session's converter.
    interface : str
        The interface name, resolvable by :func:`~poseconv.batch.registry.get_interface_class`.
    location : str
        Where it is in the spec (``sessions[0].pose[1]``).
    is_pose : bool
        Whether it is a poseconv pose interface (keyed Pose metadata of its own).
    source_data : dict
        Constructor arguments, paths made absolute.
    conversion_options : dict
        Options of ``add_to_nwbfile``.
    metadata : dict
        Metadata for this input only (pose inputs).
    timestamps_file : str or None
        Frame times to set (pose inputs).
    starting_time : float or None
        Shift of the times.
    """

    name: str
    interface: str
    location: str
    is_pose: bool
    source_data: dict[str, Any]
    conversion_options: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    timestamps_file: str | None = None
    starting_time: float | None = None


@dataclass(frozen=True)
class SessionJob:
    """One session to check and convert; picklable, so it can go to a process or a Dask worker.

    Attributes
    ----------
    index : int
        Position in the spec.
    session_id : str
        Its ID.
    output : pathlib.Path
        Its NWB file.
    inputs : tuple of InputJob
        Its interfaces, pose files first.
    global_metadata : dict
        The spec's ``metadata``.
    session_start_time : str or None
        ISO-8601 text.
    subject : dict
        The session's ``subject``.
    session_metadata : dict
        The session's ``metadata``.
    stub_test : bool
        Write a quick test file (``stub_test=True`` for every interface that takes it).
    """

    index: int
    session_id: str
    output: Path
    inputs: tuple[InputJob, ...]
    global_metadata: dict[str, Any] = field(default_factory=dict)
    session_start_time: str | None = None
    subject: dict[str, Any] = field(default_factory=dict)
    session_metadata: dict[str, Any] = field(default_factory=dict)
    stub_test: bool = False

    @property
    def location(self) -> str:
        """``sessions[<index>]``."""
        return f"sessions[{self.index}]"


@dataclass
class Plan:
    """A checked spec: the jobs of its valid sessions and every problem found.

    Attributes
    ----------
    spec_path : pathlib.Path
        The spec file.
    output_folder : pathlib.Path
        Where the NWB files go.
    sessions : list of tuple
        ``(index, session_id, output)`` for every session, valid or not.
    jobs : list of SessionJob
        The sessions that can be checked with their data: those without problems, and those
        whose only problems are in their metadata.
    problems : list of Problem
        Every problem found, in spec order.
    lines : dict of str to int
        Line of each location in a YAML spec.
    """

    spec_path: Path
    output_folder: Path
    sessions: list[tuple[int, str, Path]] = field(default_factory=list)
    jobs: list[SessionJob] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def spec_wide_problems(self) -> list[Problem]:
        """The problems that concern every session."""
        return [p for p in self.problems if p.session is None]

    def with_line(self, problem: Problem) -> Problem:
        """Return ``problem`` with the line of its location (or of the nearest enclosing one)."""
        if problem.line is not None or not self.lines:
            return problem
        location = problem.location
        while location:
            if location in self.lines:
                return Problem(problem.location, problem.message, problem.session, self.lines[location])
            cut = max(location.rfind("."), location.rfind("["))
            location = location[:cut] if cut > 0 else ""
        return problem


# -- JSON Schema problems -----------------------------------------------------------------------


@functools.cache
def _spec_validator() -> Any:
    from jsonschema import Draft7Validator

    return Draft7Validator(spec_schema())


def _drop_required(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _drop_required(v) for k, v in node.items() if not (k == "required" and isinstance(v, list))}
    if isinstance(node, list):
        return [_drop_required(v) for v in node]
    return node


@functools.cache
def _partial_metadata_validator(block: str | None = None) -> Any:
    """Return the validator of metadata overrides (or of one block): the metadata schema, nothing required."""
    from jsonschema import Draft7Validator

    from ..metadata.schema import metadata_schema

    schema = _drop_required(metadata_schema())
    if block is not None:
        # Blocks refer to root definitions (Devices) or their own (Pose); keep both reachable.
        schema = {**schema["properties"][block], "definitions": schema.get("definitions", {})}
    return Draft7Validator(schema)


def _metadata_problems(
    metadata: Mapping[str, Any], root: str, session: int | None, block: str | None = None
) -> list[Problem]:
    """Problems of a metadata override (or of one block of it, e.g. a session's ``subject``)."""
    return [
        Problem(format_location(path, root), message, session)
        for path, message in schema_problems(_partial_metadata_validator(block), to_json(dict(metadata)))
    ]


# -- paths --------------------------------------------------------------------------------------


def _resolve(folder: Path, text: str) -> Path:
    path = Path(text).expanduser()
    return path if path.is_absolute() else folder / path


def _path_kind(key: str, prop: Mapping[str, Any]) -> str | None:
    """``file``, ``folder`` or ``any`` for arguments that name paths; None otherwise."""
    fmt = prop.get("format") or (prop.get("items") or {}).get("format")
    if fmt == "file-path" or key.endswith(("file_path", "file_paths")):
        return "file"
    if fmt == "directory-path" or key.endswith(("folder_path", "folder_paths", "directory_path")):
        return "folder"
    if key.endswith(("_path", "_paths")):
        return "any"
    return None


def _missing(path: Path, kind: str) -> str | None:
    if kind == "file" and not path.is_file():
        return f"file not found: {path}" if not path.exists() else f"not a file: {path}"
    if kind == "folder" and not path.is_dir():
        return f"folder not found: {path}" if not path.exists() else f"not a folder: {path}"
    if kind == "any" and not path.exists():
        return f"not found: {path}"
    return None


def _resolve_source_data(
    source_data: Mapping[str, Any], schema: Mapping[str, Any], data_folder: Path, locate: Any, session: int
) -> tuple[dict[str, Any], list[Problem]]:
    """Make the path arguments absolute and check they exist."""
    properties = schema.get("properties", {})
    resolved: dict[str, Any] = {}
    problems = []
    for key, value in source_data.items():
        kind = _path_kind(key, properties.get(key, {}))
        if kind is None or value is None:
            resolved[key] = value
            continue
        if isinstance(value, str):
            path = _resolve(data_folder, value)
            resolved[key] = str(path)
            if (message := _missing(path, kind)) is not None:
                problems.append(Problem(locate(key), message, session))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            paths = [_resolve(data_folder, v) for v in value]
            resolved[key] = [str(p) for p in paths]
            for i, path in enumerate(paths):
                if (message := _missing(path, kind)) is not None:
                    problems.append(Problem(f"{locate(key)}[{i}]", message, session))
        else:
            resolved[key] = value
    return resolved, problems


# -- sessions -----------------------------------------------------------------------------------


def _interface_class(name: str, location: str, session: int | None) -> tuple[type | None, list[Problem]]:
    from .registry import get_interface_class

    try:
        return get_interface_class(name), []
    except Exception as err:  # noqa: BLE001 - an interface module may fail to import in any way
        return None, [Problem(location, one_line(err), session)]


def _source_problems(cls: type, kwargs: Mapping[str, Any], locate: Any, session: int) -> list[Problem]:
    from jsonschema import Draft7Validator

    try:
        schema = cls.get_source_schema()
    except Exception as err:  # noqa: BLE001 - a third-party interface's schema may not build
        return [Problem(locate(None), f"{cls.__name__}.get_source_schema() failed: {one_line(err)}", session)]
    problems = []
    for path, message in schema_problems(Draft7Validator(schema), to_json(dict(kwargs))):
        key = path[0] if path else None
        problems.append(Problem(format_location(path[1:], locate(key)), message, session))
    return problems


def _plan_pose(pose: Any, j: int, index: int, data_folder: Path) -> tuple[InputJob | None, list[Problem]]:
    from .registry import is_pose_interface

    root = f"sessions[{index}].pose[{j}]"
    problems: list[Problem] = []
    file_path = _resolve(data_folder, pose.file_path)
    if (message := _missing(file_path, "file")) is not None:
        problems.append(Problem(f"{root}.file_path", message, index))
    kwargs: dict[str, Any] = {"file_path": str(file_path)}
    if pose.video_file_path is not None:
        video = _resolve(data_folder, pose.video_file_path)
        kwargs["video_file_path"] = str(video)
        if (message := _missing(video, "file")) is not None:
            problems.append(Problem(f"{root}.video_file_path", message, index))
    if pose.sampling_frequency is not None:
        kwargs["sampling_frequency"] = pose.sampling_frequency
    for key in set(kwargs) & set(pose.source_data):
        problems.append(Problem(f"{root}.source_data.{key}", f"give it as {root}.{key} instead.", index))
    timestamps_file = None
    if pose.timestamps_file is not None:
        path = _resolve(data_folder, pose.timestamps_file)
        timestamps_file = str(path)
        if (message := _missing(path, "file")) is not None:
            problems.append(Problem(f"{root}.timestamps_file", message, index))
        elif path.suffix.lower() not in _TIMESTAMP_SUFFIXES:
            problems.append(
                Problem(f"{root}.timestamps_file", f"expected one of {', '.join(_TIMESTAMP_SUFFIXES)}.", index)
            )

    name = pose.interface
    if name is None and not problems:
        from ..catalog import detect_format

        try:
            # Routed by content: a .slp holding a calibrated session converts as a session.
            name = detect_format(file_path).interface_name
        except Exception as err:  # noqa: BLE001 - reported as the file's problem
            from ..video import is_video_path

            # Naming an interface does not help a video: it belongs in the pose entry's video_file_path.
            hint = "" if is_video_path(file_path) else f" Name it with {root}.interface."
            problems.append(Problem(f"{root}.file_path", f"{one_line(err)}{hint}", index))
    if name is None:
        return None, problems
    cls, found = _interface_class(name, f"{root}.interface", index)
    problems += found
    if cls is None:
        return None, problems
    if not is_pose_interface(cls):
        problems.append(
            Problem(
                f"{root}.interface",
                f"{cls.__name__} is not a poseconv pose interface; list it under sessions[{index}].interfaces.",
                index,
            )
        )
        return None, problems

    own_fields = set(kwargs)  # file_path, video_file_path, sampling_frequency: fields of the pose entry itself

    def locate(key: str | None) -> str:
        if key is None:
            return root
        return f"{root}.{key}" if key in own_fields else f"{root}.source_data.{key}"

    extra, path_problems = _resolve_source_data(pose.source_data, cls.get_source_schema(), data_folder, locate, index)
    problems += path_problems
    kwargs.update(extra)
    problems += _source_problems(cls, kwargs, locate, index)
    problems += _metadata_problems(pose.metadata, f"{root}.metadata", index)
    job = InputJob(
        name=pose.name or f"Pose{j}",
        interface=name,
        location=root,
        is_pose=True,
        source_data=kwargs,
        conversion_options=dict(pose.conversion_options),
        metadata=dict(pose.metadata),
        timestamps_file=timestamps_file,
        starting_time=pose.starting_time,
    )
    return job, problems


def _plan_interface(
    key: str, entry: Any, defaults: Mapping[str, str], index: int, data_folder: Path
) -> tuple[InputJob | None, list[Problem]]:
    from .registry import is_pose_interface

    root = format_location(("interfaces", key), f"sessions[{index}]")
    name = entry.interface or defaults.get(key)
    if name is None:
        return None, [
            Problem(
                f"{root}.interface",
                f"no interface class: name it here or under the spec's top-level interfaces.{key}.",
                index,
            )
        ]
    cls, problems = _interface_class(name, f"{root}.interface" if entry.interface else f"interfaces.{key}", index)
    if cls is None:
        return None, problems

    def locate(field_name: str | None) -> str:
        return f"{root}.source_data" + (f".{field_name}" if field_name is not None else "")

    schema = {}
    with contextlib.suppress(Exception):  # a schema that does not build is reported by _source_problems
        schema = cls.get_source_schema()
    source_data, path_problems = _resolve_source_data(entry.source_data, schema, data_folder, locate, index)
    problems += path_problems + _source_problems(cls, source_data, locate, index)
    job = InputJob(
        name=key,
        interface=name,
        location=root,
        is_pose=is_pose_interface(cls),
        source_data=source_data,
        conversion_options=dict(entry.conversion_options),
        starting_time=entry.starting_time,
    )
    return job, problems


def _output_of(session: Mapping[str, Any] | SessionSpec, index: int, output_folder: Path) -> tuple[str, Path]:
    if isinstance(session, SessionSpec):
        session_id, name = session.session_id, session.nwbfile_name
    else:
        raw_id = session.get("session_id") if isinstance(session, Mapping) else None
        session_id = raw_id if isinstance(raw_id, str) and raw_id else f"#{index}"
        raw_name = session.get("nwbfile_name") if isinstance(session, Mapping) else None
        name = raw_name if isinstance(raw_name, str) else None
    return session_id, output_folder / (name or f"{session_id}.nwb")


def _plan_session(
    session: SessionSpec, index: int, head: ConversionSpec, data_folder: Path, output: Path, stub_test: bool
) -> tuple[SessionJob | None, list[Problem]]:
    root = f"sessions[{index}]"
    problems: list[Problem] = []
    inputs: list[InputJob] = []
    for j, pose in enumerate(session.pose):
        job, found = _plan_pose(pose, j, index, data_folder)
        problems += found
        if job is not None:
            inputs.append(job)
    for key, entry in session.interfaces.items():
        job, found = _plan_interface(key, entry, head.interfaces, index, data_folder)
        problems += found
        if job is not None:
            inputs.append(job)
    if not session.pose and not session.interfaces:
        problems.append(Problem(root, "no pose files and no interfaces: nothing to convert.", index))
    names: dict[str, str] = {}
    for job in inputs:
        if job.name in names:
            problems.append(
                Problem(f"{job.location}.name", f"{job.name!r} is also the name of {names[job.name]}.", index)
            )
        names.setdefault(job.name, job.location)
    # Metadata problems do not stop the session from being checked with its data, which finds the rest.
    metadata_problems = _metadata_problems(session.subject, f"{root}.subject", index, block="Subject")
    metadata_problems += _metadata_problems(session.metadata, f"{root}.metadata", index)
    if problems:
        return None, problems + metadata_problems
    job = SessionJob(
        index=index,
        session_id=session.session_id,
        output=output,
        inputs=tuple(inputs),
        global_metadata=copy.deepcopy(head.metadata),
        session_start_time=session.session_start_time.isoformat() if session.session_start_time else None,
        subject=dict(session.subject),
        session_metadata=dict(session.metadata),
        stub_test=stub_test,
    )
    return job, metadata_problems


def _validate_session(raw: Any, index: int) -> tuple[SessionSpec | None, list[Problem]]:
    """Return the session parsed by pydantic, or None and what pydantic found beyond the schema."""
    try:
        return SessionSpec.model_validate(raw), []
    except Exception as err:  # noqa: BLE001 - pydantic's checks beyond the schema
        problems = []
        for item in getattr(err, "errors", lambda: [])():
            message = _PYDANTIC_MESSAGES.get(item["type"], item["msg"])
            if item["type"] in _PYDANTIC_MESSAGES:
                # The same words and suggested value as --session-start-time and metadata files.
                message = start_time_problem(item.get("input")) or message
            problems.append(Problem(format_location(item["loc"], f"sessions[{index}]"), message, index))
        return None, problems


def _salvage(raw: Any, index: int, data_folder: Path) -> list[Problem]:
    """Return the problems of the valid parts of a session that is invalid as a whole.

    Each pose entry that is valid on its own is checked (its files, its format), and the
    subject and metadata mappings against the metadata schema, so that one run lists them all.
    """
    if not isinstance(raw, dict):
        return []
    problems: list[Problem] = []
    root = f"sessions[{index}]"
    for j, entry in enumerate(raw.get("pose") if isinstance(raw.get("pose"), list) else []):
        try:
            pose = PoseSpec.model_validate(entry)
        except Exception:  # noqa: BLE001, S112 - the schema reports what is wrong with the entry
            continue
        problems += _plan_pose(pose, j, index, data_folder)[1]
    if isinstance(raw.get("subject"), dict):
        problems += _metadata_problems(raw["subject"], f"{root}.subject", index, block="Subject")
    if isinstance(raw.get("metadata"), dict):
        problems += _metadata_problems(raw["metadata"], f"{root}.metadata", index)
    return problems


class _SpecHead(ConversionSpec):
    """The spec with its sessions left unparsed, so each session is validated on its own."""

    sessions: list[Any]  # type: ignore[assignment]


def plan_spec(
    spec_path: Path,
    *,
    output_folder: Path | None = None,
    data_folder: Path | None = None,
    stub_test: bool = False,
) -> Plan:
    """Check a spec file without reading data, and return a job per valid session.

    Parameters
    ----------
    spec_path : pathlib.Path
        The spec (YAML or JSON).
    output_folder : pathlib.Path, optional
        Overrides the spec's ``output_folder``.
    data_folder : pathlib.Path, optional
        Overrides the spec's ``data_folder``.
    stub_test : bool, default: False
        Plan quick test files (the first frames only).

    Returns
    -------
    Plan
        Jobs and problems; nothing is written.
    """
    spec_path = Path(spec_path)
    base = spec_path.resolve().parent
    plan = Plan(spec_path=spec_path, output_folder=output_folder or base)
    try:
        document, lines = load_spec_document(spec_path)
    except Exception as err:  # noqa: BLE001 - every reading error is the spec's problem
        plan.problems.append(Problem("spec", one_line(err)))
        return plan
    plan.lines = {format_location(path): line for path, line in lines.items()}
    if not isinstance(document, dict):
        plan.problems.append(Problem("spec", "must be a mapping with 'sessions' (and 'metadata', ...)."))
        return plan

    document = to_json(document)
    raw_sessions = document.get("sessions") if isinstance(document.get("sessions"), list) else []
    by_session: dict[int, list[Problem]] = {}
    for path, message in schema_problems(_spec_validator(), document):
        session = path[1] if len(path) > 1 and path[0] == "sessions" and isinstance(path[1], int) else None
        problem = Problem(format_location(path), message, session)
        if session is None:
            plan.problems.append(problem)
        else:
            by_session.setdefault(session, []).append(problem)
    head = None
    if not plan.problems:
        try:
            head = _SpecHead.model_validate(document)
        except Exception as err:  # noqa: BLE001 - pydantic's checks beyond the schema
            for item in getattr(err, "errors", lambda: [])():
                plan.problems.append(Problem(format_location(item["loc"]), item["msg"]))
    if head is not None:
        data_root = data_folder or (_resolve(base, head.data_folder) if head.data_folder else base)
        if output_folder is None:
            plan.output_folder = _resolve(base, head.output_folder)
        if not data_root.is_dir():
            plan.problems.append(Problem("data_folder", f"folder not found: {data_root}"))
        if (problem := folder_problem(plan.output_folder)) is not None:
            # Found here, once, rather than as the same failure of every session.
            plan.problems.append(Problem("output_folder", f"{plan.output_folder}: {problem}"))
        plan.problems += _metadata_problems(head.metadata, "metadata", None)
        for key, name in head.interfaces.items():
            plan.problems += _interface_class(name, format_location(("interfaces", key)), None)[1]

    seen_ids: dict[str, int] = {}
    seen_outputs: dict[Path, int] = {}
    for index, raw in enumerate(raw_sessions):
        session_id, output = _output_of(raw, index, plan.output_folder)
        plan.sessions.append((index, session_id, output))
        schema_problems_ = by_session.get(index, [])
        problems: list[Problem] = []
        if session_id in seen_ids:
            problems.append(
                Problem(
                    f"sessions[{index}].session_id", f"{session_id!r} is also sessions[{seen_ids[session_id]}].", index
                )
            )
        seen_ids.setdefault(session_id, index)
        if output.resolve() in seen_outputs:
            where = "nwbfile_name" if isinstance(raw, dict) and raw.get("nwbfile_name") else "session_id"
            problems.append(
                Problem(
                    f"sessions[{index}].{where}",
                    f"writes {output}, as sessions[{seen_outputs[output.resolve()]}] does.",
                    index,
                )
            )
        seen_outputs.setdefault(output.resolve(), index)
        if not output.resolve().is_relative_to(plan.output_folder.resolve()):
            problems.append(Problem(f"sessions[{index}].nwbfile_name", "must stay inside output_folder.", index))
        plan.problems += schema_problems_ + problems
        if head is None:
            continue
        session = None
        if not schema_problems_:
            # pydantic would only repeat the schema's findings in other words.
            session, found = _validate_session(raw, index)
            plan.problems += found
        if session is None:
            # Still check what can be checked (files, subject, metadata): every problem in one pass.
            known = {(p.location, p.message) for p in plan.problems}
            plan.problems += [p for p in _salvage(raw, index, data_root) if (p.location, p.message) not in known]
            continue
        # A clashing ID or output still gets every other check, but no job.
        job, found = _plan_session(session, index, head, data_root, output, stub_test)
        plan.problems += found
        if job is not None and not problems:
            plan.jobs.append(job)
    plan.problems = [plan.with_line(p) for p in plan.problems]
    return plan
