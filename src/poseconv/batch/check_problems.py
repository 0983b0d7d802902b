"""The problems the check of each session finds, added to the run's: each said once, naming every session it concerns.

A problem of the spec's shared ``metadata`` (a skeleton's nodes that are not the files', a date of birth
after the start time of several sessions) is found by the check of each session it concerns, at the same
place and in the same words. It is listed once; every session it concerns is invalid, not only the
first (the others would be converted and fail).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .report import Problem, UnmatchedEntry

__all__ = ["SharedProblems", "unmatched_everywhere"]


class SharedProblems:
    """The run's problems with the sessions each concerns, when the checks of several sessions found one alike.

    Parameters
    ----------
    problems : list of Problem
        The run's problems so far (the plan's); :meth:`add` extends this very list.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self._sessions: dict[tuple[str, str], list[int]] = {}
        for problem in problems:
            if problem.session is not None:
                self._sessions.setdefault((problem.location, problem.message), []).append(problem.session)

    def add(self, found: Sequence[Problem]) -> None:
        """Add the problems a session's check found; one listed already (for any session) is not repeated."""
        for problem in found:
            key = (problem.location, problem.message)
            sessions = self._sessions.get(key)
            if sessions is None:
                self.problems.append(problem)
                self._sessions[key] = [] if problem.session is None else [problem.session]
            elif problem.session is not None and problem.session not in sessions and sessions:
                sessions.append(problem.session)

    def named(self, session_ids: dict[int, str]) -> list[Problem]:
        """Return the problems, each found for several sessions naming them all (``session_ids``: index to ID)."""
        named = []
        for problem in self.problems:
            sessions = self._sessions.get((problem.location, problem.message), [])
            if problem.session is not None and len(sessions) > 1:
                listed = [f"sessions[{index}] ({session_ids.get(index, index)})" for index in sorted(sessions)]
                concerns = ", ".join(listed[:-1]) + " and " + listed[-1]
                message = f"{problem.message.rstrip().removesuffix('.')}. It concerns {concerns}."
                problem = dataclasses.replace(problem, message=message, session=min(sessions))
            named.append(problem)
        return named


def unmatched_everywhere(unmatched: dict[str, list[UnmatchedEntry]], sessions: int) -> list[Problem]:
    """Return a spec-wide problem for each keyed entry of the spec's metadata that no session has.

    Known only when every session of the spec was checked: a skipped session (its file written by an
    earlier run) may be the one the entry is for.
    """
    problems = []
    for location, entries in unmatched.items():
        if len({entry.session for entry in entries}) == sessions:
            first = entries[0]
            message = f"no session has it; in sessions[{first.session}], it {first.message}"
            problems.append(Problem(location, message))
    return problems
