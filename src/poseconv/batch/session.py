"""One session, in a worker: build its interfaces, check its metadata, write its NWB file.

:func:`check_session` and :func:`convert_session` run in worker processes (or
Dask workers) and never raise: every failure comes back as
:class:`~poseconv.batch.report.Problem` s or a failed
:class:`~poseconv.batch.report.SessionResult`, so one session cannot stop the
others. The writing is :class:`~poseconv.interfaces.converter.PoseConverterPipe`'s,
as for every entry point: atomic, so a failure (or a killed worker) never leaves
a half-written file under the real name.

Metadata of a session, from lowest to highest precedence: the interfaces'
defaults; the spec's ``metadata``; the session's fields (``session_id``,
``session_start_time``, ``subject``); the session's ``metadata``; and, for one
pose file only, that file's ``metadata`` (the converter's ``input_metadata``).
Every problem is reported at the place in the spec that sets the value.
"""

from __future__ import annotations

import contextlib
import copy
import pickle
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any

from ..metadata.defaults import merge_metadata
from ..metadata.empty_fields import drop_empty_text
from ..metadata.schema_messages import schema_problems
from ..output import check_writable, dangling_link, remove_partials
from ..timing import load_timestamps
from .dry_run import dry_run_session
from .jobs import SessionJob
from .report import Problem, SessionNote, SessionResult, UnmatchedEntry, one_line
from .spec import format_location, to_json
from .spec_words import in_spec_words

__all__ = ["check_session", "convert_session", "dangling_link", "load_timestamps", "remove_partials"]


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
    layers = [
        _Layer("metadata", to_json(job.global_metadata)),
        _Layer(root, fields, moved),
        _Layer(f"{root}.metadata", to_json(job.session_metadata)),
    ]
    for layer in layers:
        # A field left empty ("", as a form leaves it) is not given (compose_metadata's rule): a layer below
        # keeps its value, as the spec's Subject.sex under a session's form with no sex filled in.
        for block in layer.values.values():
            if isinstance(block, dict):
                drop_empty_text(block)
    return layers


def _in_spec_words(notes: list[str], job: SessionJob) -> list[str]:
    """Return a session's warnings with their metadata paths and arguments at their places in the spec."""
    layers = _session_layers(job)
    inputs = [_Layer(f"{spec.location}.metadata", to_json(spec.metadata)) for spec in job.inputs if spec.metadata]

    def locate(path: tuple[str, ...]) -> str:
        # The one pose file whose own metadata sets it, else the session's layers, highest precedence first.
        own = [where for layer in inputs if (where := layer.location(path)) is not None]
        if len(own) == 1:
            return own[0]
        for layer in reversed(layers):
            if (where := layer.location(path)) is not None:
                return where
        return format_location(path, f"{job.location}.metadata")

    return [in_spec_words(note, locate) for note in notes]


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


# -- building -----------------------------------------------------------------------------------


@dataclass
class _Built:
    """A session's interfaces, its converter and the metadata it is written with."""

    interfaces: dict[str, Any] = field(default_factory=dict)
    converter: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: The spec-wide keyed entries this session has no input for, dropped from its metadata.
    unmatched: list[UnmatchedEntry] = field(default_factory=list)
    #: poseconv's warnings raised while building (reading the files, setting the frame times).
    notes: list[str] = field(default_factory=list)


# Sessions checked by this worker and not yet converted, by job: the conversion writes from what the
# check built (the files read once). The executor sends a session's conversion back to the worker that
# checked it; a session converted elsewhere (or evicted) is built again.
_CHECKED: dict[bytes, _Built] = {}
# Built sessions a worker keeps: they hold the files' headers and frame numbers, not their values.
MAX_CHECKED = 64


def _build_interfaces(job: SessionJob, built: _Built) -> None:
    from .registry import get_interface_class

    for spec in job.inputs:
        # A step that fails is this input's problem, reported where the spec sets it.
        step = spec.location
        try:
            interface = get_interface_class(spec.interface)(**copy.deepcopy(spec.source_data))
            if spec.timestamps_file is not None:
                step = f"{spec.location}.timestamps_file"
                interface.set_aligned_timestamps(load_timestamps(spec.timestamps_file))
            if spec.is_pose:
                step = f"{spec.location}.sampling_frequency"
                interface.get_timestamps()
            if spec.starting_time is not None:
                step = f"{spec.location}.starting_time"
                interface.set_aligned_starting_time(spec.starting_time)
        except Exception as err:  # noqa: BLE001 - plug-in boundary: any reader or interface (a lab's own too)
            # may fail in any way; the error is recorded as this input's Problem, at the step that failed.
            built.problems.append(Problem(step, one_line(err), job.index))
            continue
        built.interfaces[spec.name] = interface


def _session_metadata(job: SessionJob) -> tuple[dict[str, Any], list[_Layer]]:
    """Return the user's metadata of a session (its layers merged) and the layers, to locate problems."""
    layers = _session_layers(job)
    metadata: dict[str, Any] = {}
    for layer in layers:
        metadata = merge_metadata(metadata, copy.deepcopy(layer.values))
    return metadata, layers


def _converter(job: SessionJob, built: _Built) -> Any:
    """Return the session's converter over the interfaces built."""
    from ..interfaces.converter import PoseConverterPipe

    specs = [spec for spec in job.inputs if spec.name in built.interfaces]
    input_metadata = {spec.name: to_json(spec.metadata) for spec in specs if spec.is_pose and spec.metadata}
    return PoseConverterPipe(built.interfaces, input_metadata=input_metadata)


# The blocks whose entries are keyed by the pose files' keys: a pose file's own metadata may give them.
_KEYED_BLOCKS = (("Pose",), ("Devices",), ("Behavior",))


def _build_metadata(job: SessionJob, built: _Built) -> None:
    specs = {spec.name: spec for spec in job.inputs if spec.name in built.interfaces}
    built.metadata, layers = _session_metadata(job)
    for problem in built.converter.metadata_problems(built.metadata):
        if problem.input is not None and problem.input in specs:
            where = format_location(problem.path, f"{specs[problem.input].location}.metadata")
            built.problems.append(Problem(where, problem.message, job.index))
            continue
        if problem.input is None and problem.path[:1] in _KEYED_BLOCKS:
            # One pose input: its problems name no input, but its own metadata may set the value.
            own = [n for n, spec in specs.items() if _Layer("", to_json(spec.metadata)).location(problem.path)]
            if len(own) == 1:
                where = format_location(problem.path, f"{specs[own[0]].location}.metadata")
                built.problems.append(Problem(where, problem.message, job.index))
                continue
        if problem.path[:1] in _KEYED_BLOCKS and "matches no" in problem.message:
            where = [layer.location(problem.path) for layer in layers]
            if where[0] is not None and where[1:] == [None] * (len(where) - 1):
                # The spec's own keyed entries (containers, cameras, videos) apply to the sessions that have
                # their keys: dropped from this session's metadata, so that what the check passes is what the
                # conversion writes; the runner reports an entry that no session has.
                _drop(built.metadata, problem.path)
                built.unmatched.append(UnmatchedEntry(where[0], problem.message, job.index))
                continue
        location, text = _locate(problem.path, layers, job, problem.message)
        built.problems.append(Problem(location, text, job.index))


def _drop(metadata: dict[str, Any], path: tuple[Any, ...]) -> None:
    """Remove the entry at ``path`` from ``metadata`` (in place), and the blocks it leaves empty."""
    parents = [metadata]
    for part in path[:-1]:
        parents.append(parents[-1][part])
    parents[-1].pop(path[-1], None)
    for parent, part in zip(reversed(parents[:-1]), reversed(path[:-1]), strict=True):
        if parent[part]:
            break
        del parent[part]


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
        elif options.get("stub_test") is True:
            # A test file at the session's own path would be taken as done (and skipped) by the real run.
            built.problems.append(
                Problem(
                    f"{spec.location}.conversion_options.stub_test",
                    "would write a test file at the session's own path, which the real run then skips as done; "
                    "run `poseconv run --stub` instead (its test files go to the output folder's nwb_stub/).",
                    job.index,
                )
            )
        for path, message in schema_problems(Draft7Validator(schema), options):
            built.problems.append(
                Problem(format_location(path, f"{spec.location}.conversion_options"), message, job.index)
            )
        built.options[spec.name] = options


def _build(job: SessionJob, *, dry_run: bool = False) -> _Built:
    from ..errors import PoseconvWarning
    from ..readers.safety.isolation import trust_checks

    # Checked in a child of the planning process already: not forked for again while unchanged.
    trust_checks(job.checked_files)
    built = _Built()
    with contextlib.ExitStack() as composing:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", PoseconvWarning)
            _build_interfaces(job, built)
            if not built.problems:
                built.converter = _converter(job, built)
                # The metadata check and the dry run compose the same metadata: once.
                composing.enter_context(built.converter.composing_once())
                _build_metadata(job, built)
                _build_options(job, built)
        said = [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]
        built.notes = list(dict.fromkeys(_in_spec_words(said, job)))
        if built.problems:
            return built
        # Known from the metadata, as the check has it: said by run --check as by run.
        built.notes += _dandi_notes(job, built.converter.compose_metadata(built.metadata).shared)
        if dry_run:
            # What the dry run adds to an in-memory file must not change what the conversion writes.
            metadata = copy.deepcopy(built.metadata)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                dry_run_session(job, built)
            built.metadata = metadata
    built.problems = list(dict.fromkeys(built.problems))
    return built


def _job_key(job: SessionJob) -> bytes:
    # The whole job: a session changed between the check and the conversion is built again.
    return pickle.dumps(job)


def check_session(job: SessionJob, keep: bool = False) -> list[Problem | SessionNote]:
    """Read a session's data and check everything short of writing: interfaces, timing, metadata, options.

    The pose files are also added, first frames only, to an in-memory NWB file, which
    finds metadata that does not fit the data (e.g. skeleton nodes that are not the file's).

    Parameters
    ----------
    job : SessionJob
        The session.
    keep : bool, default: False
        Keep a valid session's interfaces in this process for :func:`convert_session`, which
        then writes from them instead of reading the files again.

    Returns
    -------
    list of Problem or SessionNote
        Empty when the session can be converted, but for :class:`~poseconv.batch.report.UnmatchedEntry`
        ones (keyed entries of the spec's metadata that this session has no input for, left out) and
        :class:`~poseconv.batch.report.SessionNote` ones (poseconv's warnings, which the conversion
        gives too).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            built = _build(job, dry_run=True)
    except Exception as err:  # noqa: BLE001 - process boundary: a worker reports, never raises; the error is
        # recorded, with its type, as the session's Problem, and the other sessions go on.
        return [Problem(job.location, f"unexpected error: {type(err).__name__}: {one_line(err)}", job.index)]
    if keep and not built.problems:
        while len(_CHECKED) >= MAX_CHECKED:
            _CHECKED.pop(next(iter(_CHECKED)))
        _CHECKED[_job_key(job)] = built
    return [*built.problems, *built.unmatched, *(SessionNote(note, job.index) for note in built.notes)]


# -- writing ------------------------------------------------------------------------------------


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

    # What a killed run left of this output is removed by the run's plan and by the write (atomic_output).
    built = _CHECKED.pop(_job_key(job), None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PoseconvWarning)
        try:
            built = built or _build(job)
            if built.problems:
                return result("failed", "; ".join(str(p) for p in built.problems))
            # Checked when the spec was, but a file may have taken the folder's name since, or a drive been
            # unmounted: said so, not as a bare FileExistsError.
            if (dangling := dangling_link(job.output.parent)) is not None:
                return result("failed", f"{job.output.parent}: {dangling}")
            check_writable(job.output, creates_folder=True)
            job.output.parent.mkdir(parents=True, exist_ok=True)
            built.converter.run_conversion(
                nwbfile_path=job.output,
                metadata=built.metadata,
                overwrite=overwrite,
                backend=job.backend,
                conversion_options=built.options,
            )
        except Exception as err:  # noqa: BLE001 - process boundary: a worker reports, never raises; the error
            # and its traceback are recorded in the session's result, and the other sessions go on.
            return result("failed", f"{type(err).__name__}: {one_line(err)}", traceback.format_exc())
    written = [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]
    written = _in_spec_words(_said_by_the_check(written, built.notes), job)
    return result("converted", notes=list(dict.fromkeys([*built.notes, *written])))


def _dandi_notes(job: SessionJob, metadata: dict[str, Any]) -> list[str]:
    """Say what DANDI will refuse about the subject: the file is valid NWB, but cannot be published as is.

    What is missing is said at the session's ``subject``; each value refused (the age, a species, a sex, a
    weight, a subject_id) where the spec sets it: the spec's ``metadata.Subject`` as a session's ``subject``
    (the converter says them when writing too, as ``metadata['Subject'][...]``, for the Python API:
    :func:`convert_session` keeps these).
    """
    from ..metadata.checks import age_problem, dandi_subject_gap
    from ..metadata.dandi_subject import refused_subject_values

    subject = metadata.get("Subject") if isinstance(metadata.get("Subject"), dict) else {}
    missing = dandi_subject_gap(metadata.get("Subject"), values=False)
    notes = [] if missing is None else [f"{job.location}.subject: {missing}; set it there."]
    age = age_problem(subject.get("age"))
    refused = ([("age", age)] if age is not None else []) + refused_subject_values(subject)
    layers = _session_layers(job) if refused else []
    for key, why in refused:
        where, said = _locate(("Subject", key), layers, job, why)
        notes.append(f"{where}: {said}")
    return notes


def _said_by_the_check(written: list[str], notes: list[str]) -> list[str]:
    """Return the warnings of writing a session but those its check's notes say already, in the spec's words."""
    # The converter's words for a Subject value DANDI refuses (metadata['Subject']['age']: ...), which
    # _dandi_notes says at its place in the spec.
    said = [w.partition("]: ")[2] for w in written]
    return [
        w
        for w, why in zip(written, said, strict=True)
        if not (w.startswith("metadata['Subject'][") and why and any(why in n for n in notes))
    ]
