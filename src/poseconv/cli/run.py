"""``poseconv run``: convert every session of a conversion spec, in parallel or on a Dask cluster."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InvalidOptionError
from ._common import (
    EXIT_INTERRUPTED,
    DebugOption,
    QuietOption,
    apply_flags,
    command_errors,
    settings,
    stdout_console,
)

if TYPE_CHECKING:
    from ..batch.jobs import Plan
    from ..batch.report import BatchReport

__all__ = ["run"]

_STYLE = {
    "converted": "green",
    "skipped": "cyan",
    "checked": "cyan",
    "invalid": "red",
    "failed": "red",
    "interrupted": "yellow",
}


def _progress_display(spec: Path, report_file: Path | None = None, overwrite: bool = False, check: bool = False) -> Any:
    """Return a :class:`~poseconv.batch.runner.Progress` drawing rich bars on a terminal, status lines elsewhere.

    Once the spec is checked, before anything is written, ``report_file`` (--report) is refused if it is one
    of the spec's files, else it is written to say the run has not finished. A run ended by SIGTERM or
    SIGHUP writes its report there before the process ends.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..batch.runner import Progress as BatchProgress

    class Display(BatchProgress):
        def __init__(self) -> None:
            self.console = Console(file=sys.stderr)
            self.live = not settings.quiet and self.console.is_terminal
            self.bar = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                disable=not self.live,
            )
            self.tasks: dict[str, Any] = {}
            self.done: dict[str, int] = {}
            self.written = False  # the report (--report), by ended or finished

        def planned(self, plan: Plan) -> None:
            _check_report_against_spec(report_file, plan)
            _mark_unfinished(spec, report_file, overwrite, check)

        def problems(self, problems: Any) -> None:
            # Every problem, before anything is written; problems always show, even with --quiet.
            for problem in problems:
                line = f"poseconv: problem: {problem}"
                if self.live:
                    self.bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
                else:
                    typer.echo(line, err=True)

        def start(self, phase: str, total: int) -> None:
            label = {"check": "Checking sessions", "convert": "Converting sessions"}[phase]
            self.bar.start()
            self.tasks[phase] = self.bar.add_task(label, total=total)
            self.done[phase] = 0
            if not self.live and not settings.quiet and total:
                typer.echo(f"{label} ({total})...", err=True)

        def advance(self, phase: str, result: Any, job: Any) -> None:
            self.bar.advance(self.tasks[phase])
            self.done[phase] += 1
            if phase == "convert" and result is not None:
                total = self.bar.tasks[self.tasks[phase]].total
                line = f"[{self.done[phase]}/{total:.0f}] {job.session_id}: {result.status}"
                line += f" in {result.seconds:.1f} s" if result.status == "converted" else f" ({result.reason})"
                if self.live:
                    self.bar.console.print(line, markup=False, highlight=False)
                elif not settings.quiet:
                    typer.echo(line, err=True)

        def stop(self) -> None:
            self.bar.stop()

        def ended(self, report: Any) -> None:
            # The process ends once this returns (a scheduler's time limit, a closed terminal): only the
            # report file, which replaces the one saying the run did not finish, and no summary.
            self.finished(report)

        def finished(self, report: Any) -> None:
            # Written while the run still handles SIGTERM and SIGHUP: one that comes after has nothing to lose.
            self.bar.stop()
            _write_report(report, report_file)
            self.written = True

    return Display()


def _to_stdout(path: Path | None) -> bool:
    """Whether ``--report -`` asks for the JSON on stdout (the summary table then goes to stderr)."""
    return path is not None and str(path) == "-"


def _check_report_file(path: Path | None, spec: Path) -> None:
    """Refuse a --report file that cannot be written now, not once every session is converted, or holds other data.

    The spec itself, or any file that holds something else than a report of an earlier run (a pose file, an
    NWB file): the report would replace it, and ``--overwrite`` concerns the sessions' NWB files only.
    """
    if path is not None and not _to_stdout(path):
        from ..output import check_writable

        if path.resolve() == spec.resolve():
            # The report is written before the spec is read (a report saying the run has not finished).
            raise InvalidOptionError(f"--report {path}: is the spec itself; give the report another file name.")
        if path.is_file() and not _is_run_report(path):
            raise InvalidOptionError(
                f"--report {path}: is a file that holds no report of 'poseconv run', which the report would "
                "replace (--overwrite or not); give the report another file name (only a report of an earlier "
                "run is replaced)."
            )
        check_writable(path)


#: The keys of every report --report holds (:meth:`~poseconv.batch.report.BatchReport.to_dict`).
_REPORT_KEYS = frozenset({"spec", "ok", "stopped", "counts", "problems", "sessions"})
#: How a report starts as :func:`_write_report` writes it: enough to tell one cut short (a disk filled up as it
#: was written) from another file, and a large one without reading it whole.
_REPORT_HEAD = re.compile(rb'\{\s*"spec":\s*"(?:[^"\\]|\\.)*",\s*"ok":\s*(?:true|false),\s*"stopped":')
#: The bytes read to tell a report by its start; a JSON file that does not start so is parsed up to this size.
_HEAD_BYTES = 1 << 16
_PARSED_BYTES = 1 << 24


def _is_run_report(path: Path) -> bool:
    """Whether the file ``path`` is empty or holds a report of ``poseconv run``: the files a report may replace."""
    try:
        with path.open("rb") as handle:
            start = handle.read(_HEAD_BYTES).lstrip()
            if not start:
                return True  # nothing to lose (a file `mktemp` made for the report)
            if not start.startswith(b"{"):
                return False  # not JSON: an HDF5, CSV or YAML file, read no further
            if _REPORT_HEAD.match(start):
                return True  # as poseconv writes it, whole or cut short
            # A report rewritten by another tool (keys sorted): told by its keys, if it is not too large to parse.
            rest = handle.read(_PARSED_BYTES)
            if handle.read(1):
                return False
            document = json.loads(start + rest)
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON: not a report, or not one to tell apart
        return False
    return isinstance(document, dict) and document.keys() >= _REPORT_KEYS


def _path_values(value: Any) -> Iterator[str]:
    """Yield the absolute paths among an input's argument values (a path, a list of paths, paths by name)."""
    if isinstance(value, str):
        if os.path.isabs(value):
            yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _path_values(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _path_values(item)


def _same_path(path: str | Path) -> str:
    """Return ``path`` as compared with another naming the same file (links followed; case, where it does not count)."""
    return os.path.normcase(os.path.realpath(path))


def _check_report_against_spec(path: Path | None, plan: Plan) -> None:
    """Refuse a --report file that is a session's NWB file (or in its Zarr store), or an input of a session.

    Said before anything is written: the report would replace the input, or the session's file (and the
    session's file the report), and a report at an NWB file's path would make the next run call it damaged.
    """
    if path is None or _to_stdout(path):
        return
    target = _same_path(path)
    what = None
    for index, session_id, output in plan.sessions:
        written = _same_path(output)
        if target == written or target.startswith(written + os.sep):
            what = f"the NWB file of session {session_id!r} (sessions[{index}]) in the spec"
            break
    for job in plan.jobs if what is None else ():
        for entry in job.inputs:
            if any(_same_path(p) == target for p in _path_values([entry.source_data, entry.timestamps_file])):
                what = f"an input of session {job.session_id!r} ({entry.location}) in the spec"
                break
    if what is not None:
        raise _ReportAtSpecFile(
            f"--report {path}: is {what}, which the report would replace (--overwrite or not); give the report "
            "another file name."
        )


class _ReportAtSpecFile(InvalidOptionError):
    """A --report file is one of the spec's files: the run stops before writing anything, no report either."""


#: What ``--report`` holds while the run has not finished: a run killed (``kill -9``, out of memory) writes no report
#: of its own, and the report of an earlier run must not stay, saying ok. SIGTERM and SIGHUP write theirs.
UNFINISHED = (
    "the run did not finish: it is still running, or was killed before it could write this report; sessions whose "
    "NWB file exists were converted (files are put in place only when whole). Run the same command again to "
    "convert the others."
)


#: What ``--report`` holds while a ``--check`` run has not finished: it writes no NWB file, whatever the flags.
UNFINISHED_CHECK = (
    "the check did not finish: it is still running, or was killed before it could write this report; a check "
    "writes no NWB file. Run the same command again to check the sessions."
)


def _unfinished(overwrite: bool, check: bool = False) -> str:
    """Return what the report says until the run finishes; with --overwrite, every file may be an earlier run's."""
    if check:
        return UNFINISHED_CHECK
    if not overwrite:
        return UNFINISHED
    from datetime import datetime

    now = datetime.now().astimezone().isoformat(timespec="seconds")
    return (
        "the run did not finish: it is still running, or was killed before it could write this report. It runs "
        f"with --overwrite: the sessions whose NWB file was modified since {now} were converted by it (files are "
        "put in place only when whole); the others were not, and keep the file of an earlier run, if any. The "
        "same command converts every session again; to convert only the others, run it without --overwrite if "
        "none of them has a file of an earlier run (sessions whose NWB file exists are then skipped), else run "
        "it with --overwrite on a spec of only those sessions."
    )


def _mark_unfinished(spec: Path, path: Path | None, overwrite: bool, check: bool = False) -> None:
    """Replace a ``--report`` file by one that says the run has not finished; the run's own report replaces it."""
    # On stdout there is no earlier report to replace, and one JSON document must come out, not two.
    if path is not None and not _to_stdout(path):
        from ..batch.report import BatchReport

        _write_report(BatchReport(spec_path=spec, stopped=_unfinished(overwrite, check)), path)


def _write_report(report: BatchReport, path: Path | None) -> None:
    """Write the results as JSON to ``path`` (--report); with --debug, print each failure's traceback."""
    text = json.dumps(report.to_dict(), indent=2) + "\n"
    if _to_stdout(path):
        sys.stdout.write(text)
        sys.stdout.flush()
    elif path is not None:
        path.write_text(text, encoding="utf-8")
    if settings.debug:
        for result in report.sessions:
            if result.detail:
                typer.echo(f"--- {result.session_id}\n{result.detail}", err=True)


def _print_summary(report: BatchReport, to_stderr: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # With --report -, stdout holds the JSON alone, for a pipe to read.
    console = Console(file=sys.stderr, markup=False, highlight=False) if to_stderr else stdout_console()
    table = Table(title=Text(f"poseconv run {report.spec_path.name}"), title_justify="left")
    for column in ("#", "session", "status", "time (s)", "NWB file / reason"):
        table.add_column(column, overflow="fold")
    for result in report.sessions:
        detail = str(result.output) if result.status == "converted" else result.reason
        if result.warnings:
            detail += "".join(f"\nwarning: {w}" for w in result.warnings)
        seconds = f"{result.seconds:.1f}" if result.status in ("converted", "failed") else ""
        style = _STYLE.get(result.status, "")
        # Text cells: a session id, path or message may hold brackets that rich would read as markup.
        table.add_row(str(result.index), Text(result.session_id), Text(result.status, style), seconds, Text(detail))
    if report.sessions:
        console.print(table)
    counts = report.counts()
    parts = [f"{counts[s]} {s}" for s in _STYLE if counts[s]]
    problems = f"; {len(report.problems)} problem(s) in the spec" if report.problems else ""
    console.print(", ".join(parts) + problems if parts else f"nothing converted{problems}", markup=False)
    if report.stopped:
        console.print(report.stopped, markup=False)


def _leave_deleted_working_folder(spec: Path, given: list[Path | None]) -> None:
    """Work in the spec's folder when the working folder no longer exists and no path given depends on it.

    Python's multiprocessing starts the workers in the working folder: deleted (or moved) since the shell
    entered it, the run stopped with a bare "[Errno 2] No such file or directory" where ``convert`` works. A
    spec's relative paths are from its own folder, so an absolute spec path, and absolute (or no) paths of
    the options, mean the same from there. A relative one names a place in the folder that is gone: said.
    """
    import os

    from ..batch.executors import working_folder_problem

    if working_folder_problem() is None:
        return
    relative = [p for p in (spec, *given) if p is not None and str(p) != "-" and not p.is_absolute()]
    if relative:
        from ..errors import InvalidOptionError

        raise InvalidOptionError(
            f"{relative[0]}: a path from the working folder, which no longer exists (deleted or moved since this "
            "shell entered it); cd to an existing folder and run again, or give absolute paths."
        )
    os.chdir(spec.parent)


def _run_reporting(spec: Path, report_file: Path | None, **options: Any) -> tuple[BatchReport, bool]:
    """Run the batch with the progress display and write its report; return it and whether Ctrl-C interrupted it.

    An error that ends the run (a scheduler not reached, ...) leaves a report saying so, then goes on.
    """
    from ..batch.report import BatchInterrupted, BatchReport, one_line
    from ..batch.runner import run_batch

    display = _progress_display(spec, report_file, options.get("overwrite", False), options.get("check_only", False))
    try:
        report, interrupted = run_batch(spec, progress=display, **options), False
    except BatchInterrupted as stop:
        # The workers have stopped: say which sessions were converted and which were not.
        report, interrupted = stop.report, True
    except _ReportAtSpecFile:
        raise  # nothing was written, and the report must not be either
    except Exception as err:
        _write_report(BatchReport(spec_path=spec, stopped=f"failed: {one_line(err)}"), report_file)
        raise
    finally:
        display.stop()
    if not display.written:  # run_batch hands its report to the display; this is in case it did not
        _write_report(report, report_file)
    return report, interrupted


def run(
    spec: Annotated[Path, typer.Argument(metavar="SPEC", help="Conversion spec, YAML or JSON.", show_default=False)],
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes [default: the number of CPUs].")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on this Dask scheduler (tcp://host:8786); needs poseconv[dask]."),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", "--force", help="Convert sessions whose NWB file exists again.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Convert nothing if any session has a problem.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Check the spec and the data; write nothing.")] = False,
    stub: Annotated[
        bool,
        typer.Option("--stub", help="Write quick test files (the first frames only) in `<output folder>/nwb_stub`."),
    ] = False,
    output_folder: Annotated[
        Path | None, typer.Option("--output-folder", "-o", help="Write here instead of the spec's output_folder.")
    ] = None,
    data_folder: Annotated[
        Path | None, typer.Option("--data-folder", help="Resolve relative input paths here instead.")
    ] = None,
    report_file: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Also write the results as JSON to this file ('-': to stdout, the summary to stderr)."
        ),
    ] = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Convert every session of a conversion spec, each to its own NWB file.

    The whole spec is checked first (its schema, every file, every interface, each
    session's metadata, reading each session's data) and every problem is printed with
    its place in the spec before anything is written. Then the valid sessions are
    converted in parallel; a session that fails never stops the others, and leaves no
    file behind. Sessions whose NWB file exists are skipped unless --overwrite.

    Exit code 0 when every session was converted (or skipped), 1 otherwise; 130 after Ctrl-C,
    once the summary says which sessions were converted.
    """
    apply_flags(quiet, debug)
    with command_errors():
        _leave_deleted_working_folder(spec, [output_folder, data_folder, report_file])
        _check_report_file(report_file, spec)
        if report_file is not None and report_file.exists():
            # An earlier run's report must not stay, saying ok, while the spec is checked (then a kill -9); a new
            # file waits until the spec is known not to name it (the display's ``planned``).
            _mark_unfinished(spec, report_file, overwrite, check)
        if scheduler is None:
            from ..batch.executors import LocalExecutor

            # The workers' fork server starts importing the conversion code (1-2 s) now, while this
            # process imports the batch machinery (0.3 s): they start that much sooner.
            LocalExecutor.warm_up()
        report, interrupted = _run_reporting(
            spec,
            report_file,
            jobs=jobs,
            scheduler=scheduler,
            overwrite=overwrite,
            strict=strict,
            check_only=check,
            stub_test=stub,
            output_folder=output_folder,
            data_folder=data_folder,
        )
        _print_summary(report, to_stderr=_to_stdout(report_file))
    if interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)
    if not report.ok:
        raise typer.Exit(1)
