"""Run a spec: check every session first, report every problem, then convert the valid ones in parallel.

1. :func:`~poseconv.batch.plan.plan_spec` checks the spec without reading data,
   and ``progress.planned`` takes it. A problem outside the sessions stops the run here.
2. Sessions whose NWB file exists are skipped (unless ``overwrite`` or
   ``check_only``): a file is only ever renamed into place once complete, so its
   presence means done, once it opens as an NWB file (a copy of the output folder
   cut short leaves files that do not: their sessions are problems). The temporary
   files that killed processes left for any session are removed first (not with
   ``check_only``).
3. :func:`~poseconv.batch.session.check_session` runs for the other sessions
   in the workers (building the interfaces, full metadata validation); local
   workers keep what they built for step 5.
4. Every problem is handed to ``progress.problems`` before anything is written.
   With ``strict`` any problem stops the run; with ``check_only`` it ends here.
5. :func:`~poseconv.batch.session.convert_session` runs for the valid sessions,
   each in the worker that checked it when that worker is free (the files are
   then read once); one failing never stops (or touches the files of) the others.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..model.location import content_not_here, locked_by_writer
from ..signals import signals_raise, signals_recorded
from .across_sessions import written_ids
from .check_problems import SharedProblems, unmatched_everywhere
from .executors import DaskExecutor, LocalExecutor, default_jobs
from .interrupted import mark_interrupted
from .jobs import Plan, SessionJob
from .plan import plan_spec
from .report import BatchInterrupted, BatchReport, Problem, SessionNote, SessionResult, UnmatchedEntry, one_line
from .session import check_session, convert_session, remove_partials

__all__ = ["Progress", "run_batch"]

#: Why a run stopped on a problem outside the sessions (the spec's fields, its metadata, its interfaces).
SPEC_WIDE_STOP = "the spec has problems that concern every session; nothing was converted."


class Progress:
    """Receives the run's events; the default does nothing. The CLI shows them with rich."""

    def planned(self, plan: Plan) -> None:
        """Take the checked spec (its sessions' inputs and outputs) before anything is written; raising stops it."""

    def problems(self, problems: Sequence[Problem]) -> None:
        """Every problem found, before anything is written (called once, possibly with none)."""

    def start(self, phase: str, total: int) -> None:
        """Start a phase (``"check"`` or ``"convert"``) over ``total`` sessions."""

    def advance(self, phase: str, result: SessionResult | None, job: SessionJob) -> None:
        """Count a session that finished its phase (``result`` is None for the check phase)."""

    def ended(self, report: BatchReport) -> None:
        """Take the report of a run ended by SIGTERM or SIGHUP (the process ends once this returns)."""

    def finished(self, report: BatchReport) -> None:
        """Take the final report of a run ended by its end or by Ctrl-C (a SIGTERM meanwhile gives it to ``ended``)."""


def _invalid(index: int, session_id: str, output: Path, problems: Sequence[Problem]) -> SessionResult:
    own = [p for p in problems if p.session == index]
    reason = str(own[0]) + (f" (and {len(own) - 1} more)" if len(own) > 1 else "") if own else "invalid"
    return SessionResult(index=index, session_id=session_id, output=output, status="invalid", reason=reason)


def _names_no_file_of_its_own(index: int, problems: Sequence[Problem]) -> bool:
    """Whether session ``index`` has a problem in the fields that name its NWB file (its ID, its ``nwbfile_name``).

    Its output path is then not its own (another session's ID or file, a name outside the output folder):
    a file there says nothing of this session, whose data may be in no file.
    """
    fields = tuple(f"sessions[{index}].{name}" for name in ("session_id", "nwbfile_name"))
    return any(p.session == index and p.location.startswith(fields) for p in problems)


def _triage(
    plan: Plan, report: BatchReport, results: dict[int, SessionResult], overwrite: bool, check_only: bool
) -> list[SessionJob]:
    """Add the results known before any worker runs (skipped, invalid) to ``results``; return the jobs to check.

    A session whose NWB file exists but does not open as one, or holds another session's data
    (:func:`_broken_output`), gets a problem and is checked, never skipped; ``check_only`` says so
    too, as the run would.
    """
    checkable = {job.index: job for job in plan.jobs}
    to_check: list[SessionJob] = []
    for index, session_id, output in plan.sessions:
        if not check_only:
            # What a killed run left (a skipped session is never converted, so its own cleanup would not run).
            remove_partials(output)
        # Two sessions of one ID or file: the first one's file is not the second's, which stays invalid.
        own_file = not _names_no_file_of_its_own(index, report.problems)
        job = checkable.get(index)
        ids = written_ids(job) if job is not None else (session_id, None)
        broken = _broken_output(output, ids) if own_file and not overwrite and output.exists() else None
        if broken is not None:
            report.problems.append(plan.with_line(Problem(f"sessions[{index}]", broken, index)))
        elif own_file and output.exists() and not overwrite and not check_only:
            # Done by an earlier run (files are renamed into place only when whole), so not checked again.
            results[index] = SessionResult(
                index=index,
                session_id=session_id,
                output=output,
                status="skipped",
                reason="its NWB file exists (--overwrite converts it again).",
            )
            report.problems = [p for p in report.problems if p.session != index]
            continue
        if index in checkable:
            to_check.append(checkable[index])
        else:
            results[index] = _invalid(index, session_id, output, report.problems)
    return to_check


def _broken_output(output: Path, ids: tuple[str | None, str | None]) -> str | None:
    """Return why the existing ``output`` is not this session's NWB file; None when it is (or may be) one.

    ``ids`` are the ``session_id`` and ``subject_id`` the session writes (None: set nowhere).

    Files are renamed into place only when whole, yet an output folder copied again (an interrupted
    rsync or cp, a full disk) or a ``touch`` leaves files that are not: taken as done, their sessions
    would never be converted. Only the root is opened (HDF5 checks the file's recorded end against
    its size), so hundreds of sessions cost little. A file another program has open for writing is
    not damaged and counts as there; so do a file this user may not read (a colleague's, in a shared
    output folder) and one whose content a DataLad dataset dropped (``datalad get`` brings it back:
    deleting the pointer would lose it).

    A whole file may still be another session's: one whose ``nwbfile_name`` named this session's file
    wrote it in an earlier run (then this session was invalid; fixed, the re-run would skip it). Its
    IDs are compared with ``ids`` (each only when both say one: a file without them is trusted).
    """
    if content_not_here(output):
        return None
    try:
        why, held = _why_not_nwb(output)
    except PermissionError:
        return None
    except Exception as err:  # noqa: BLE001 - whatever HDF5 or Zarr raise, the file does not open
        if locked_by_writer(f"{type(err).__name__}: {err}") is not None:
            return None
        why, held = _said(err), (None, None)
    if not why:
        return _someone_elses(output, held, ids)
    return (
        f"a damaged or incomplete file is at {output} (not an NWB file poseconv can open: {why}); delete it or run "
        "with --overwrite."
    )


def _why_not_nwb(output: Path) -> tuple[str, tuple[str | None, str | None]]:
    """Return why ``output`` does not open as an NWB file ("" when it does) and the session and subject IDs it holds.

    Two scalars besides the root's attributes: the skip stays quick. Raises what h5py or Zarr raise.
    """
    import h5py

    from ..nwb.read.store import is_zarr_folder
    from ..nwb.read.zarr_groups import open_zarr

    if output.is_dir():
        if not is_zarr_folder(output):
            return "a folder that is no NWB Zarr store (it has no .zgroup)", (None, None)
        root = open_zarr(str(output))
        return _nwb_root(root)
    if output.stat().st_size == 0:
        return "it is empty", (None, None)
    if not h5py.is_hdf5(output):
        return "it does not begin as an HDF5 file does", (None, None)
    with h5py.File(output, "r") as handle:
        return _nwb_root(handle)


def _nwb_root(root: Any) -> tuple[str, tuple[str | None, str | None]]:
    """Return why an opened file's ``root`` is no NWB file's ("" when it is one) and its session and subject IDs."""
    from ..nwb.read.store import text

    if "nwb_version" not in root.attrs:
        return "it has no nwb_version", (None, None)
    return "", (text(root.get("general/session_id")), text(root.get("general/subject/subject_id")))


def _someone_elses(output: Path, held: tuple[str | None, str | None], ids: tuple[str | None, str | None]) -> str | None:
    """Return the problem of an NWB file at a session's path that holds another session's IDs; None when it does not."""
    (held_session, held_subject), (session, subject) = held, ids
    differs = [(one, other) for one, other in ((held_session, session), (held_subject, subject)) if one and other]
    if all(one == other.strip() for one, other in differs):
        return None
    whose = f"session {held_session!r}" if held_session else "another session"
    if held_subject:
        whose += f" (subject {held_subject!r})"
    mine = f"{session!r}" + (f" (subject {subject!r})" if subject and held_subject and held_subject != subject else "")
    return f"{output} holds {whose}, not this session's {mine}: delete it or run with --overwrite."


def _said(err: BaseException) -> str:
    """Say in words why HDF5 or Zarr did not open a file (how much of it is there when HDF5 found it cut short)."""
    text = str(err.args[0]) if err.args else type(err).__name__
    if (cut := re.search(r"truncated file: eof = (\d+).*stored_eof = (\d+)", text)) is not None:
        return f"cut short: {int(cut.group(1)):,} of its {int(cut.group(2)):,} bytes are there"
    return f"{type(err).__name__}: {text}"


def _check(
    executor: Any,
    plan: Plan,
    report: BatchReport,
    to_check: list[SessionJob],
    results: dict[int, SessionResult],
    progress: Progress,
    keep: bool,
) -> dict[int, list[str]]:
    """Check the sessions in the workers; add their problems to ``report`` and mark the invalid ones.

    With ``keep``, each worker keeps the interfaces it built for the conversion of the same session.
    Returns poseconv's warnings of each session checked, which an invalid session's result has already.
    """
    progress.start("check", len(to_check))
    unmatched: dict[str, list[UnmatchedEntry]] = {}
    notes: dict[int, list[str]] = {}
    shared = SharedProblems(report.problems)
    for job, outcome in executor.run(check_session, to_check, keep):
        if isinstance(outcome, BaseException):
            outcome = [Problem(job.location, f"the check did not finish: {one_line(outcome)}", job.index)]
        notes[job.index] = [entry.message for entry in outcome if isinstance(entry, SessionNote)]
        for entry in outcome:
            if isinstance(entry, UnmatchedEntry):
                unmatched.setdefault(entry.location, []).append(entry)
        outcome = [p for p in outcome if isinstance(p, Problem) and not isinstance(p, UnmatchedEntry)]
        # In the plan's words first (a value as written): the plan may have found the same already.
        found = [plan.with_line(p) for p in outcome]
        # Invalid by its own problems, though one the shared metadata gives several sessions is listed once.
        own = [p for p in report.problems if p.session == job.index]
        own += [p for p in found if p not in own]
        shared.add(found)
        if own:
            results[job.index] = _invalid(job.index, job.session_id, job.output, own)
            results[job.index].warnings = notes[job.index]
        progress.advance("check", None, job)
    report.problems = shared.named({index: session_id for index, session_id, _ in plan.sessions})
    report.problems += [plan.with_line(p) for p in unmatched_everywhere(unmatched, len(plan.sessions))]
    report.problems.sort(key=lambda p: -1 if p.session is None else p.session)
    progress.problems(report.problems)
    return notes


def _convert(
    executor: Any, ready: list[SessionJob], overwrite: bool, results: dict[int, SessionResult], progress: Progress
) -> None:
    """Convert the valid sessions in the workers; a worker that fails leaves no partial file."""
    progress.start("convert", len(ready))
    for job, outcome in executor.run(convert_session, ready, overwrite):
        if isinstance(outcome, BaseException):
            remove_partials(job.output)
            outcome = SessionResult(
                index=job.index,
                session_id=job.session_id,
                output=job.output,
                status="failed",
                reason=f"{type(outcome).__name__}: {one_line(outcome)}",
            )
        results[job.index] = outcome
        progress.advance("convert", outcome, job)


def _stop_after_check(
    report: BatchReport,
    ready: list[SessionJob],
    results: dict[int, SessionResult],
    notes: dict[int, list[str]],
    *,
    strict: bool,
    check_only: bool,
    spec_wide: bool,
) -> None:
    """Mark the valid sessions checked and not converted (``--check``, ``--strict`` with problems, ``spec_wide``).

    Each with the warnings its check gave (``notes``), which its conversion would give. ``spec_wide``: a
    problem outside the sessions was found by their checks (a keyed metadata entry no session has).
    """
    why = " (check only)"
    if spec_wide and not check_only:
        # A misspelt key of the spec's metadata (found once every session was checked) concerns every session.
        report.stopped = SPEC_WIDE_STOP
        why = " (the spec's problems)"
    elif strict and report.problems and not check_only:
        report.stopped = "--strict: some sessions have problems, so none was converted."
        why = " (--strict)"
    for job in ready:
        results[job.index] = SessionResult(
            index=job.index,
            session_id=job.session_id,
            output=job.output,
            status="checked",
            reason="valid; not converted" + why,
            warnings=notes.get(job.index, []),
        )


def _run_sessions(
    executor: Any,
    plan: Plan,
    report: BatchReport,
    results: dict[int, SessionResult],
    progress: Progress,
    overwrite: bool,
    strict: bool,
    check_only: bool,
) -> None:
    """Run steps 2 to 5: triage, check and convert the sessions; their results go to ``results`` and ``report``."""
    to_check = _triage(plan, report, results, overwrite, check_only)
    # Local workers get their own sessions back for the conversion (LocalExecutor), so they keep
    # what the check built; a cluster's scheduler places tasks anywhere, so its workers keep nothing.
    keep = isinstance(executor, LocalExecutor) and not check_only
    notes = _check(executor, plan, report, to_check, results, progress, keep)
    ready = [job for job in to_check if job.index not in results]
    spec_wide = any(problem.session is None for problem in report.problems)
    if (strict and report.problems) or spec_wide or check_only:
        _stop_after_check(report, ready, results, notes, strict=strict, check_only=check_only, spec_wide=spec_wide)
    else:
        # A conversion gives its session's warnings itself (the check's among them): said once.
        _convert(executor, ready, overwrite, results, progress)
    report.sessions = [results[index] for index in sorted(results)]


def _ended(
    ended: BaseException,
    executor: Any,
    report: BatchReport,
    plan: Plan | None,
    results: dict[int, SessionResult],
    started: float,
    progress: Progress,
    *,
    overwrite: bool = False,
    check_only: bool = False,
) -> None:
    """Release the workers when a run ends otherwise than by its end; after Ctrl-C, raise :class:`BatchInterrupted`.

    Ctrl-C, SIGTERM and SIGHUP stop the workers now; the report says what was done by then: handed to
    ``progress.finished`` and raised with :class:`BatchInterrupted` after Ctrl-C, to ``progress.ended`` after
    SIGTERM or SIGHUP (the process ends once it returns). Signals that come meanwhile (GNU ``timeout`` signals
    the run, then its process group) are recorded, not raised, so that the report is made: a SIGTERM or SIGHUP
    among them makes the run one they ended. An error (an ``Exception``) is left to the caller. ``overwrite``:
    the run converts again the sessions whose NWB file exists, which the report's advice takes into account;
    ``check_only``: the run only checks (``--check``), so what is left is said not checked.
    """
    with signals_recorded() as later:
        if executor is not None:
            executor.close() if isinstance(ended, Exception) else executor.stop()
        ending = next((sig for sig in later if sig != signal.SIGINT), None)
        if isinstance(ended, SystemExit | GeneratorExit) or (isinstance(ended, Exception) and ending is None):
            return  # not an interruption: the caller's to say
        by_signal = ending is not None or not isinstance(ended, KeyboardInterrupt | Exception)
        how = "ended by a signal (SIGTERM or SIGHUP)" if by_signal else "interrupted"
        mark_interrupted(report, plan, results, started, how, overwrite=overwrite, check_only=check_only)
        if by_signal:
            progress.ended(report)
        else:
            progress.finished(report)
    if ending is not None:
        signal.raise_signal(ending)  # signals_raise's handler raises here: the run ends as that signal ends it
    if isinstance(ended, KeyboardInterrupt):
        raise BatchInterrupted(report) from ended


def run_batch(
    spec_path: Path,
    *,
    jobs: int | None = None,
    scheduler: Any = None,
    overwrite: bool = False,
    strict: bool = False,
    check_only: bool = False,
    stub_test: bool = False,
    output_folder: Path | None = None,
    data_folder: Path | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """Check a conversion spec, then convert each valid session to its own NWB file.

    Parameters
    ----------
    spec_path : pathlib.Path
        The spec (YAML or JSON; see ``schemas/conversion-spec.schema.json``).
    jobs : int, optional
        Worker processes on this machine; the number of CPUs by default.
    scheduler : str or distributed.Client, optional
        Run on this Dask cluster instead of local processes.
    overwrite : bool, default: False
        Convert sessions whose NWB file exists, replacing it; skipped otherwise (a file there
        that does not open as an NWB file is a problem of its session).
    strict : bool, default: False
        Convert nothing if any session has a problem.
    check_only : bool, default: False
        Check everything (sessions already converted too) and write nothing.
    stub_test : bool, default: False
        Write quick test files (``stub_test=True`` for every interface that takes it) in
        ``<output folder>/nwb_stub``, never at the sessions' own paths, where a real run would skip them.
    output_folder, data_folder : pathlib.Path, optional
        Override the spec's folders.
    progress : Progress, optional
        Receives the checked spec, the problems and the progress.

    Returns
    -------
    BatchReport
        The problems and one result per session.

    Raises
    ------
    BatchInterrupted
        On Ctrl-C, once the workers have stopped; its ``report`` says what was done by then.
    """
    progress = progress or Progress()
    started = time.time()
    if scheduler is None:
        # The workers' server imports neuroconv and pynwb while this process reads the spec.
        LocalExecutor.warm_up()
    # Local workers detect the pose files' formats while the spec is planned; with a cluster, the
    # planning reads them here, and the cluster is reached once the spec is known to be worth it.
    executor: Any = LocalExecutor(jobs or default_jobs()) if scheduler is None else None
    report = BatchReport(spec_path=Path(spec_path))
    plan: Plan | None = None
    results: dict[int, SessionResult] = {}
    with signals_raise():
        try:
            folders = {"output_folder": output_folder, "data_folder": data_folder}
            plan = plan_spec(spec_path, **folders, stub_test=stub_test, workers=executor, overwrite=overwrite)
            progress.planned(plan)
            report.problems = list(plan.problems)
            if plan.spec_wide_problems or not plan.sessions:
                progress.problems(report.problems)
                report.stopped = SPEC_WIDE_STOP
            else:
                executor = DaskExecutor(scheduler) if executor is None else executor
                _run_sessions(executor, plan, report, results, progress, overwrite, strict, check_only)
            # Under the guard: a signal as the workers end or the report is handed on is one during the run.
            if executor is not None:
                executor.close()
            progress.finished(report)
        except BaseException as ended:
            flags = {"overwrite": overwrite, "check_only": check_only}
            _ended(ended, executor, report, plan, results, started, progress, **flags)
            raise
    return report
