"""What the report of a run that Ctrl-C, SIGTERM or SIGHUP ended says: each session by what is on disk, and what next.

The advice depends on ``--overwrite``: without it, the same command skips the sessions whose NWB file exists,
so it converts only the others; with it, the same command converts every session again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .jobs import Plan
from .report import BatchReport, SessionResult

__all__ = ["mark_interrupted"]

#: How many session IDs a sentence names before it says how many more there are.
_NAMED = 5


def _named(session_ids: Sequence[str]) -> str:
    """Return the first session IDs, quoted, and how many more there are."""
    shown = ", ".join(repr(session_id) for session_id in session_ids[:_NAMED])
    more = len(session_ids) - _NAMED
    return shown + (f" and {more} more" if more > 0 else "")


def _what_next(sessions: Sequence[SessionResult], overwrite: bool) -> str:
    """Say how to convert the sessions not converted, in words true of how the same command would run again."""
    others = [result for result in sessions if result.status == "interrupted"]
    if not overwrite or not others:
        return (
            "run the same command again to convert them (sessions whose NWB file exists are skipped unless "
            "--overwrite)."
        )
    earlier = [result.session_id for result in others if result.output.exists()]
    said = (
        "with --overwrite, the same command converts every session again; to convert the sessions marked "
        f"interrupted ({_named([result.session_id for result in others])}) and not again those converted, "
    )
    if not earlier:
        return said + "run it without --overwrite: sessions whose NWB file exists are then skipped."
    if len(earlier) == len(others):
        whose = "each of them has" if len(others) > 1 else "it has"
    else:
        whose = _named(earlier) + (" has" if len(earlier) == 1 else " have")
    return (
        said + "run it with --overwrite on a spec of only those sessions: without --overwrite, sessions whose "
        f"NWB file exists are skipped, and {whose} one of an earlier run."
    )


def mark_interrupted(
    report: BatchReport,
    plan: Plan | None,
    results: dict[int, SessionResult],
    started: float,
    how: str,
    *,
    overwrite: bool = False,
    check_only: bool = False,
) -> None:
    """Say in ``report`` how the run stopped; list every session, those not done marked ``interrupted``.

    Stopped while the spec was checked (``plan`` None), it says that no session was converted.

    Parameters
    ----------
    report : BatchReport
        The run's report; its ``stopped`` and ``sessions`` are set.
    plan : Plan or None
        The checked spec; None when the run stopped while checking it.
    results : dict of int to SessionResult
        The results received, by session index; the sessions not done are added.
    started : float
        When the run started (``time.time()``): a session's file modified since was written by this run.
    how : str
        How the run stopped (``"interrupted"``).
    overwrite : bool, default: False
        Whether the run converted again the sessions whose NWB file exists (``--overwrite``).
    check_only : bool, default: False
        Whether the run only checked the sessions (``--check``): it wrote nothing, and what is left is to check.
    """
    if plan is None:
        # Stopped while the spec was checked: its sessions are not known yet, so none is listed to mark.
        report.stopped = (
            f"{how} while checking the spec: a check writes no NWB file; run the same command again to check the "
            "sessions."
            if check_only
            else f"{how} while checking the spec, before any session was converted: nothing was written (files of "
            "an earlier run are left as they were); run the same command again to convert the sessions."
        )
        return
    for index, session_id, output in plan.sessions:
        if index in results and results[index].status != "failed":
            continue
        # A worker may have put its file in place (whole: files are renamed once complete) just before it
        # was stopped, its result not yet received or lost to the signal (then "failed"; a session that
        # really fails leaves no file). A check writes none: a file since is another run's.
        done = not check_only and _written_since(output, started)
        if index in results and not done:
            continue
        results[index] = SessionResult(
            index=index,
            session_id=session_id,
            output=output,
            status="converted" if done else "interrupted",
            reason="finished as the run was interrupted" if done else _not_done(output, check_only),
        )
    report.sessions = [results[index] for index in sorted(results)]
    if report.sessions and all(result.status != "interrupted" for result in report.sessions):
        report.stopped = f"{how} once every session was done: their results are as listed."
    elif check_only:
        report.stopped = (
            f"{how}: the sessions marked interrupted were not checked (a check writes no NWB file); run the same "
            "command again to check them."
        )
    else:
        report.stopped = (
            f"{how}: the sessions marked interrupted were not converted (nothing was written for them; a file "
            f"of an earlier run is left as it was); {_what_next(report.sessions, overwrite)}"
        )


def _not_done(output: Path, check_only: bool) -> str:
    """Return why a session is marked interrupted: not checked, or not converted (and its earlier file kept)."""
    if check_only:
        return "not checked: the run was interrupted"
    if output.exists():
        # --overwrite: the file of an earlier run, untouched (the new one is renamed over it only when whole).
        return "not converted: the run was interrupted; its earlier NWB file is left as it was"
    return "not converted: the run was interrupted"


def _written_since(output: Path, started: float) -> bool:
    """Whether a whole NWB file was put at ``output`` since ``started``."""
    return output.is_file() and output.stat().st_mtime >= started
