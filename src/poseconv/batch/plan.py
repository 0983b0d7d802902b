"""Check a spec without reading any data, and turn each valid session into a job.

These are the checks that need no worker: the spec against its JSON Schema,
unique session IDs and output files, the spec-wide folders, metadata and
interface names, and each session's inputs (:mod:`poseconv.batch.inputs`: every
named file and folder present, every interface importable, its arguments valid
for its source schema) and metadata blocks valid as far as they go (against the
metadata schema with nothing required, since they are completed by the
interfaces later). The jobs are :mod:`poseconv.batch.jobs`' dataclasses.
What needs the data (building the interfaces, the full metadata) is checked
by :func:`poseconv.batch.session.check_session` in the workers.

Problems in one session make that session invalid; problems outside the
sessions (the spec's own fields, its metadata, its interface classes) stop
the whole run, since every session depends on them.
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..metadata.checks import space_problem, text_space_problems
from ..metadata.names import input_name
from ..metadata.schema_messages import schema_problems
from ..output import dangling_link, folder_problem, output_name_problem
from .across_sessions import (
    dandi_name_problems,
    identifier_problems,
    repeated_input_problems,
    shared_pose_file_problems,
    subject_problems,
)
from .clashes import STUB_FOLDER, Clashes
from .detection import Detections
from .inputs import (
    interface_class,
    metadata_problems,
    missing_path,
    plan_interface,
    plan_pose,
    pose_field_hint,
    resolve_path,
    windows_path_problem,
)
from .jobs import NOT_TEXT, InputJob, Plan, SessionJob
from .paths import output_path_as_folders
from .report import Problem, one_line
from .spec import (
    ConversionSpec,
    InvalidSpecError,
    PoseSpec,
    SessionSpec,
    format_location,
    load_spec_document,
    spec_schema,
    to_json,
    unquoted_non_text,
)

# InputJob, SessionJob and Plan live in .jobs and schema_problems in poseconv.metadata.compose;
# they stay importable from here, where they were first.
__all__ = ["STUB_FOLDER", "InputJob", "Plan", "SessionJob", "plan_spec", "schema_problems"]


#: Said of a spec that is a table of sessions (.csv, .tsv, a spreadsheet), which reads as YAML text or not at all.
_TABLE_HINT = (
    " A conversion spec is a YAML or JSON file (docs/batch.md); a table of sessions is not read: write its rows as "
    "the spec's sessions."
)


@functools.cache
def _spec_validator() -> Any:
    from jsonschema import Draft7Validator

    return Draft7Validator(spec_schema())


def _output_of(
    session: Mapping[str, Any] | SessionSpec, index: int, output_folder: Path, backend: str = "hdf5"
) -> tuple[str, Path]:
    if isinstance(session, SessionSpec):
        session_id, name = session.session_id, session.nwbfile_name
    else:
        raw_id = session.get("session_id") if isinstance(session, Mapping) else None
        session_id = raw_id if isinstance(raw_id, str) and raw_id else f"#{index}"
        raw_name = session.get("nwbfile_name") if isinstance(session, Mapping) else None
        name = raw_name if isinstance(raw_name, str) else None
    # Read as batch/paths reads the spec's input paths: a Windows spec's sub-m1\file.nwb is a folder and a file.
    name = output_path_as_folders(name) if name else name
    default = f"{session_id}.nwb.zarr" if backend == "zarr" else f"{session_id}.nwb"
    return session_id, output_folder / (name or default)


def _backend_problems(output: Path, backend: str, index: int) -> list[Problem]:
    """Return a problem when the output's name does not fit the backend (.nwb for hdf5, .nwb.zarr for zarr)."""
    problem = output_name_problem(output, backend)
    return [] if problem is None else [Problem(f"sessions[{index}].nwbfile_name", problem, index)]


def _name_clashes(inputs: list[InputJob], index: int) -> list[Problem]:
    """Return a problem for every input whose name an earlier input of the session has."""
    problems = []
    names: dict[str, str] = {}
    for job in inputs:
        if job.name in names:
            problems.append(
                Problem(f"{job.location}.name", f"{job.name!r} is also the name of {names[job.name]}.", index)
            )
        names.setdefault(job.name, job.location)
    return problems


@dataclass(frozen=True)
class _Context:
    """What planning every session shares: where relative paths start, stub files, detections, ``--overwrite``."""

    data_folder: Path
    stub_test: bool = False
    detections: Detections | None = None
    overwrite: bool = False


def _pose_files_to_detect(raw_sessions: list[Any], data_folder: Path) -> list[str]:
    """Return the pose files of the spec whose format is detected from their content (no ``interface`` named).

    Named as :func:`~poseconv.batch.inputs.plan_pose` names them; entries that are not mappings,
    or whose file is missing, are left to the plan to report.
    """
    paths = []
    for raw in raw_sessions:
        entries = raw.get("pose") if isinstance(raw, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and entry.get("interface") is None and isinstance(entry.get("file_path"), str):
                path = resolve_path(data_folder, entry["file_path"])
                if path.is_file():
                    paths.append(str(path))
    return paths


def _plan_session(
    session: SessionSpec, index: int, head: ConversionSpec, context: _Context, output: Path
) -> tuple[SessionJob | None, list[Problem]]:
    root = f"sessions[{index}]"
    problems: list[Problem] = []
    inputs: list[InputJob] = []
    data_folder = context.data_folder
    # Pose files are named in the converter by their file, as `poseconv convert` names them.
    taken = {*session.interfaces, *(pose.name for pose in session.pose if pose.name)}
    names = []
    for pose in session.pose:
        names.append(pose.name or input_name(pose.file_path, taken))
        taken.add(names[-1])
    planned = [
        plan_pose(pose, j, index, data_folder, context.detections, names[j]) for j, pose in enumerate(session.pose)
    ]
    planned += [
        plan_interface(key, entry, head.interfaces, index, data_folder) for key, entry in session.interfaces.items()
    ]
    for job, found in planned:
        problems += found
        if job is not None:
            inputs.append(job)
    if not session.pose and not session.interfaces:
        problems.append(Problem(root, "no pose files and no interfaces: nothing to convert.", index))
    problems += _name_clashes(inputs, index) + repeated_input_problems(inputs, index)
    # Metadata problems do not stop the session from being checked with its data, which finds the rest.
    found_in_metadata = metadata_problems(session.subject, f"{root}.subject", index, block="Subject")
    found_in_metadata += metadata_problems(session.metadata, f"{root}.metadata", index)
    if problems:
        return None, problems + found_in_metadata
    job = SessionJob(
        index=index,
        session_id=session.session_id,
        output=output,
        inputs=tuple(inputs),
        global_metadata=copy.deepcopy(head.metadata),
        session_start_time=session.session_start_time.isoformat() if session.session_start_time else None,
        subject=dict(session.subject),
        session_metadata=dict(session.metadata),
        stub_test=context.stub_test,
        backend=head.backend,
        checked_files=_checked_files(inputs),
    )
    return job, found_in_metadata


def _checked_files(inputs: list[InputJob]) -> tuple[tuple[str, tuple[str, int, int, int, int]], ...]:
    """Return the safety checks the pose files passed while their format was detected, for the workers to trust."""
    from ..readers.safety.isolation import passed_checks

    paths = [spec.source_data.get("file_path") for spec in inputs if spec.is_pose]
    return tuple(check for path in paths if path is not None for check in passed_checks(path))


def _validate_session(raw: Any, index: int) -> tuple[SessionSpec | None, list[Problem]]:
    """Return the session parsed by pydantic, or None and what pydantic found beyond the schema."""
    try:
        return SessionSpec.model_validate(raw), []
    except ValidationError as err:
        # A start time's message is start_time_problem's: the words and value of --session-start-time.
        return None, [Problem(format_location(e["loc"], f"sessions[{index}]"), e["msg"], index) for e in err.errors()]


def _salvage(raw: Any, index: int, context: _Context) -> list[Problem]:
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
        except ValidationError:
            # Not swallowed: the JSON Schema has reported what is wrong with this entry already.
            continue
        problems += plan_pose(pose, j, index, context.data_folder, context.detections)[1]
    if isinstance(raw.get("subject"), dict):
        problems += metadata_problems(raw["subject"], f"{root}.subject", index, block="Subject")
    if isinstance(raw.get("metadata"), dict):
        problems += metadata_problems(raw["metadata"], f"{root}.metadata", index)
    return problems


class _SpecHead(ConversionSpec):
    """The spec with its sessions left unparsed, so each session is validated on its own."""

    sessions: list[Any]  # type: ignore[assignment]


def _schema_check(plan: Plan, document: dict[str, Any]) -> dict[int, list[Problem]]:
    """Add the spec-wide JSON Schema problems to ``plan``; return those of each session."""
    by_session: dict[int, list[Problem]] = {}
    for path, message in schema_problems(_spec_validator(), document):
        session = path[1] if len(path) > 1 and path[0] == "sessions" and isinstance(path[1], int) else None
        problem = Problem(format_location(path), pose_field_hint(path, message), session)
        if session is None:
            plan.problems.append(problem)
        else:
            by_session.setdefault(session, []).append(problem)
    return by_session


def _writes_in(folder: Path, raw_sessions: Any, backend: str, overwrite: bool) -> bool:
    """Whether the run writes a session's NWB file in ``folder``: every session's with ``overwrite``.

    Otherwise a session whose file is there is skipped (:mod:`poseconv.batch.runner`), so a finished batch in
    a folder made read-only since (archived, a colleague's share) is re-run and checked without writing in it.
    """
    if overwrite or not isinstance(raw_sessions, list) or not raw_sessions:
        return True
    # os.path.exists, not Path.exists: a name too long or a folder not searchable is no file there, not an error.
    return not all(os.path.exists(_output_of(raw, i, folder, backend)[1]) for i, raw in enumerate(raw_sessions))


def _check_head(
    plan: Plan,
    document: dict[str, Any],
    base: Path,
    output_folder: Path | None,
    data_folder: Path | None,
    *,
    stub_test: bool = False,
    overwrite: bool = False,
) -> tuple[_SpecHead | None, Path]:
    """Check what every session depends on (folders, metadata, interfaces); return the head and the data folder.

    With a head, the output folder is the stub folder of ``stub_test`` on return; its writability is checked
    only when a session's file will be written in it (:func:`_writes_in`).
    """
    try:
        head = _SpecHead.model_validate(document)
    except ValidationError as err:
        plan.problems += [Problem(format_location(item["loc"]), item["msg"]) for item in err.errors()]
        return None, base
    data_root = data_folder or (resolve_path(base, head.data_folder) if head.data_folder else base)
    if output_folder is None:
        plan.output_folder = resolve_path(base, head.output_folder)
    # A folder given on the command line is said by its flag, not at the spec's line it replaces.
    data_at = "data_folder" if data_folder is None else "--data-folder"
    output_at = "output_folder" if output_folder is None else "--output-folder"
    sessions_folder = plan.output_folder / STUB_FOLDER if stub_test else plan.output_folder
    writes = _writes_in(sessions_folder, document.get("sessions"), head.backend, overwrite)
    if not data_root.is_dir():
        windows = windows_path_problem(data_root, relative_hint=False)
        plan.problems.append(Problem(data_at, windows or missing_path(data_root, "folder") or "not a folder"))
    if (windows := windows_path_problem(plan.output_folder, relative_hint=False)) is not None:
        plan.problems.append(Problem(output_at, windows))
    elif writes and (problem := dangling_link(plan.output_folder) or folder_problem(plan.output_folder)) is not None:
        # Found here, once, rather than as the same failure of every session.
        plan.problems.append(Problem(output_at, f"{plan.output_folder}: {problem}"))
    plan.problems += metadata_problems(head.metadata, "metadata", None)
    plan.problems += [
        Problem(format_location(path, "metadata"), text) for path, text in text_space_problems(head.metadata)
    ]
    for key, name in head.interfaces.items():
        plan.problems += interface_class(name, format_location(("interfaces", key)), None)[1]
    if stub_test:
        _to_stub_folder(plan, checked=writes)
    return head, data_root


def _to_stub_folder(plan: Plan, *, checked: bool) -> None:
    """Send a stub run's files to the stub folder of the output folder; check it as the output folder is checked."""
    plan.output_folder = plan.output_folder / STUB_FOLDER
    if not checked or any(problem.location in ("output_folder", "--output-folder") for problem in plan.problems):
        return
    if (problem := folder_problem(plan.output_folder)) is not None:
        plan.problems.append(Problem("output_folder", f"{plan.output_folder}: {problem}"))


def _subfolder_problem(
    output: Path, output_folder: Path, index: int, seen: dict[Path, str | None], overwrite: bool = False
) -> list[Problem]:
    """Return why the folder an ``nwbfile_name`` puts a session's file in cannot hold it (``seen``: by folder).

    The output folder itself is checked once for the whole spec; a folder of its own, e.g. ``sub-m1/``, is
    made when the session is written, which a file of that name would stop with a bare FileExistsError.
    A session whose file is there is skipped unless ``overwrite``: its folder, read-only perhaps, is not written in.
    """
    folder = output.parent
    if folder.resolve() == output_folder.resolve() or (not overwrite and os.path.exists(output)):
        return []
    if folder not in seen:
        blocker = next((path for path in (folder, *folder.parents) if path.exists()), None)
        dangling = dangling_link(folder)
        seen[folder] = f"{folder}: {dangling}" if dangling else folder_problem(folder)
        if blocker is not None and not blocker.is_dir():
            seen[folder] = (
                f"{blocker} is a file, so the folder {folder} cannot be made; rename or move that file, or "
                "choose another nwbfile_name."
            )
    problem = seen[folder]
    return [] if problem is None else [Problem(f"sessions[{index}].nwbfile_name", problem, index)]


def _space_problems(raw: Any, index: int) -> list[Problem]:
    """Return the problems of a session's texts with a space at an end: its ID, its subject's, its metadata's."""
    if not isinstance(raw, dict):
        return []
    root = f"sessions[{index}]"
    found = [(("session_id",), space_problem(raw.get("session_id")))]
    found += [(("subject", *path[1:]), text) for path, text in text_space_problems({"Subject": raw.get("subject")})]
    found += [(("metadata", *path), text) for path, text in text_space_problems(raw.get("metadata"))]
    return [Problem(format_location(path, root), text, index) for path, text in found if text is not None]


def _plan_sessions(
    plan: Plan, raw_sessions: list[Any], by_session: dict[int, list[Problem]], head: _SpecHead | None, context: _Context
) -> None:
    """Check every session of the spec; add its problems to ``plan``, and its job when it has none."""
    clashes = Clashes(plan.output_folder, context.stub_test)
    folders: dict[Path, str | None] = {}
    backend = head.backend if head is not None else "hdf5"
    for index, raw in enumerate(raw_sessions):
        session_id, output = _output_of(raw, index, plan.output_folder, backend)
        plan.sessions.append((index, session_id, output))
        found_by_schema = by_session.get(index, [])
        # A name the schema refused (not .nwb) is said once.
        said = {problem.location for problem in found_by_schema}
        named = [p for p in _backend_problems(output, backend, index) if p.location not in said]
        problems = clashes.problems(raw, index, session_id, output) + named
        # Not in the way of a job: found with the rest of the session's metadata problems.
        plan.problems += _space_problems(raw, index)
        if not problems and head is not None and not plan.spec_wide_problems:
            problems = _subfolder_problem(output, plan.output_folder, index, folders, context.overwrite)
        plan.problems += found_by_schema + problems
        if head is None:
            continue
        session = None
        if not found_by_schema:
            # pydantic would only repeat the schema's findings in other words.
            session, found = _validate_session(raw, index)
            plan.problems += found
        if session is None:
            # Still check what can be checked (files, subject, metadata): every problem in one pass.
            known = {(p.location, p.message) for p in plan.problems}
            plan.problems += [p for p in _salvage(raw, index, context) if (p.location, p.message) not in known]
            continue
        # A clashing ID or output still gets every other check, but no job.
        job, found = _plan_session(session, index, head, context, output)
        plan.problems += found
        if job is not None and not problems:
            plan.jobs.append(job)


def plan_spec(
    spec_path: Path,
    *,
    output_folder: Path | None = None,
    data_folder: Path | None = None,
    stub_test: bool = False,
    workers: Any = None,
    overwrite: bool = False,
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
        Plan quick test files (the first frames only), in the output folder's :data:`STUB_FOLDER`.
    workers : LocalExecutor, optional
        Workers that detect the pose files' formats while the sessions are planned
        (:mod:`poseconv.batch.detection`); without, each file is read here.
    overwrite : bool, default: False
        Plan a run that converts sessions whose NWB file exists again; otherwise none is written in a read-only folder.

    Returns
    -------
    Plan
        Jobs and problems; nothing is written.
    """
    spec_path = Path(spec_path)
    base = spec_path.resolve().parent
    plan = Plan(spec_path=spec_path, output_folder=output_folder or base)
    # A table of sessions (a lab's sheet) is no spec: say what a spec is, not only what this is not.
    kind = _TABLE_HINT if spec_path.suffix.lower() in (".csv", ".tsv", ".xlsx", ".xls") else ""
    try:
        document, lines = load_spec_document(spec_path)
    except (InvalidSpecError, UnicodeDecodeError) as err:
        # Whatever YAML makes of a table (a tab, a "name: x" header), the table is what is wrong.
        said = f"{spec_path}: not a YAML or JSON mapping." if kind else one_line(err)
        plan.problems.append(Problem("spec", said + kind))
        return plan
    except OSError as err:
        plan.problems.append(Problem("spec", one_line(err)))
        return plan
    plan.lines = {format_location(path): line for path, line in lines.items()}
    if not isinstance(document, dict):
        # An empty file (or comments only) is said to be one.
        said = "is empty; it must be a mapping" if document is None else "must be a mapping"
        plan.problems.append(Problem("spec", f"{said} with 'sessions' (and 'metadata', ...).{kind}"))
        return plan

    document = to_json(document)
    raw_sessions = document.get("sessions") if isinstance(document.get("sessions"), list) else []
    by_session = _schema_check(plan, document)
    head, data_root = None, base
    if not plan.problems:
        head, data_root = _check_head(
            plan, document, base, output_folder, data_folder, stub_test=stub_test, overwrite=overwrite
        )
    if stub_test and head is None:  # with a head, _check_head moves to it and checks it
        _to_stub_folder(plan, checked=False)
    detections = None
    if workers is not None and head is not None:
        paths = _pose_files_to_detect(raw_sessions, data_root)
        detections = Detections(workers, paths) if paths else None
    # Not waited for when planning stops early (an interrupt): closing the executor ends the detections.
    _plan_sessions(plan, raw_sessions, by_session, head, _Context(data_root, stub_test, detections, overwrite))
    if head is not None:
        plan.problems += identifier_problems(document, raw_sessions) + dandi_name_problems(document, raw_sessions)
        plan.problems += subject_problems(document, raw_sessions)
        plan.problems += shared_pose_file_problems(plan.jobs)
    if detections is not None:
        detections.wait()
    if spec_path.suffix.lower() != ".json" and any(NOT_TEXT in p.message for p in plan.problems):
        plan.as_written = unquoted_non_text(spec_path)
    plan.problems = [plan.with_line(p) for p in plan.problems]
    return plan
