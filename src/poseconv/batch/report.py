"""What a batch run reports: problems found before writing, and one result per session.

Everything here is plain data (picklable, JSON-ready), because results come
back from worker processes and Dask workers.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

__all__ = ["BatchInterrupted", "BatchReport", "Problem", "SessionNote", "SessionResult", "Status", "one_line"]

#: ``converted``: written now; ``skipped``: its NWB file was there already; ``invalid``: not started
#: because of the problems listed; ``failed``: started and did not finish (nothing left behind);
#: ``checked``: valid, and not converted because only a check was asked for; ``interrupted``: not
#: converted because the run was interrupted (Ctrl-C) first (nothing left behind).
Status = Literal["converted", "skipped", "invalid", "failed", "checked", "interrupted"]
STATUSES: tuple[str, ...] = get_args(Status)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the spec, at one place in it.

    Attributes
    ----------
    location : str
        Where in the spec: ``sessions[2].pose[0].file_path``, ``metadata.Subject.sex``.
    message : str
        What is wrong and, where it helps, what to do.
    session : int or None
        Index of the session it concerns; None for the whole spec.
    line : int or None
        Line in the spec file (YAML specs), when known.
    """

    location: str
    message: str
    session: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        line = f" (line {self.line})" if self.line is not None else ""
        return f"{self.location}{line}: {self.message}"


@dataclass(frozen=True)
class UnmatchedEntry(Problem):
    """A keyed entry of the spec's ``metadata`` that one session has no input for.

    Such an entry (a container, camera or video by key) applies to the sessions whose inputs have
    the key and is dropped from the others' metadata; it is a problem only when no session of the
    spec has it (a misspelt key), which the runner decides once every session is checked.
    """


@dataclass(frozen=True)
class SessionNote:
    """A warning of poseconv's about one session, found by its check (not a problem: it may be converted).

    E.g. a ``sampling_frequency`` that is not the video's, or a subject DANDI would refuse: the
    check hands them back so that ``run --check`` reports what ``run`` would (the result's ``warnings``).

    Attributes
    ----------
    message : str
        The warning.
    session : int
        Index of the session it concerns.
    """

    message: str
    session: int


@dataclass
class SessionResult:
    """What happened to one session.

    Attributes
    ----------
    index : int
        Position in the spec's ``sessions``.
    session_id : str
        Its ID.
    output : pathlib.Path
        Its NWB file.
    status : str
        See :data:`Status`.
    reason : str
        One line: why it failed or was not started.
    seconds : float
        Time spent converting it.
    detail : str
        The traceback of an unexpected failure, for ``--debug`` and the JSON report.
    warnings : list of str
        poseconv's warnings while converting it (e.g. fewer poses than video frames).
    """

    index: int
    session_id: str
    output: Path
    status: Status
    reason: str = ""
    seconds: float = 0.0
    detail: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchReport:
    """The outcome of a run: problems found before anything was written, then one result per session.

    Attributes
    ----------
    spec_path : pathlib.Path
        The spec.
    problems : list of Problem
        Every problem found by the checks, spec-wide and per session, in spec order.
    sessions : list of SessionResult
        One per session of the spec, in spec order (empty when a spec-wide problem stopped the run).
    stopped : str
        Why the run stopped short, when it did (spec-wide problems, ``strict``, an interruption).
    """

    spec_path: Path
    problems: list[Problem] = field(default_factory=list)
    sessions: list[SessionResult] = field(default_factory=list)
    stopped: str = ""

    def counts(self) -> dict[str, int]:
        """Return the number of sessions per status."""
        counter = Counter(result.status for result in self.sessions)
        return {status: counter.get(status, 0) for status in STATUSES}

    @property
    def ok(self) -> bool:
        """Whether the run found no problem and no session failed."""
        failed = any(result.status in ("invalid", "failed", "interrupted") for result in self.sessions)
        return not self.problems and not self.stopped and not failed

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "spec": str(self.spec_path),
            "ok": self.ok,
            "stopped": self.stopped,
            "counts": self.counts(),
            "problems": [dataclasses.asdict(p) | {"text": str(p)} for p in self.problems],
            "sessions": [dataclasses.asdict(r) | {"output": str(r.output)} for r in self.sessions],
        }


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C ended a run; ``report`` says what was done by then (the rest is ``interrupted``).

    A ``KeyboardInterrupt``, so that code which stops on Ctrl-C stops on it too.

    Parameters
    ----------
    report : BatchReport
        The results up to the interruption.
    """

    def __init__(self, report: BatchReport) -> None:
        super().__init__(report.stopped)
        self.report = report


def one_line(err: BaseException) -> str:
    """Return an exception as one line: pydantic errors as ``field: message; ...``."""
    from pydantic import ValidationError

    if isinstance(err, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in err.errors())
    text = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(err).__name__
    return "; ".join(lines)
