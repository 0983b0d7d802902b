"""What ``poseconv validate`` found in one file: its problems, their importance, the summary line.

Importance levels are nwbinspector's (:class:`nwbinspector.Importance`), from least to most
severe: ``BEST_PRACTICE_SUGGESTION``, ``BEST_PRACTICE_VIOLATION``, ``CRITICAL``,
``PYNWB_VALIDATION``, ``ERROR``. poseconv's own checks use the same levels, so one threshold
decides for both.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..model.location import recorded_location

__all__ = ["FAIL_ON_LEVELS", "IMPORTANCE_ORDER", "FileReport", "Problem"]

#: nwbinspector's importance names, least severe first.
IMPORTANCE_ORDER = (
    "BEST_PRACTICE_SUGGESTION",
    "BEST_PRACTICE_VIOLATION",
    "CRITICAL",
    "PYNWB_VALIDATION",
    "ERROR",
)

#: The ``--fail-on`` choices: the least severe importance that makes a file fail.
FAIL_ON_LEVELS = {
    "critical": "CRITICAL",
    "violation": "BEST_PRACTICE_VIOLATION",
    "suggestion": "BEST_PRACTICE_SUGGESTION",
}


def _rank(importance: str) -> int:
    return IMPORTANCE_ORDER.index(importance)


@dataclass(frozen=True)
class Problem:
    """One finding.

    Attributes
    ----------
    importance : str
        An nwbinspector importance name (see :data:`IMPORTANCE_ORDER`).
    check : str
        The check that found it: an nwbinspector check function or a ``poseconv:`` check.
    message : str
        What is wrong.
    location : str
        Where in the file (an HDF5 path), or ``""``.
    object_type, object_name : str
        The neurodata type and name of the object, or ``""``.
    """

    importance: str
    check: str
    message: str
    location: str = ""
    object_type: str = ""
    object_name: str = ""

    def line(self) -> str:
        """Return the problem as one line of text."""
        where = self.location or self.object_name
        subject = f"{self.object_type} {where}".strip()
        return f"{self.importance} [{self.check}] {subject + ': ' if subject else ''}{self.message}"


@dataclass
class FileReport:
    """The problems of one file, most severe first.

    Attributes
    ----------
    path : pathlib.Path or str
        The file or Zarr store (a str for a URL).
    problems : list of Problem
        Every finding.
    """

    path: Path | str
    problems: list[Problem] = field(default_factory=list)

    def sorted_problems(self) -> list[Problem]:
        """Return the problems, most severe first (stable within a level)."""
        return sorted(self.problems, key=lambda p: -_rank(p.importance))

    @property
    def worst(self) -> str | None:
        """The most severe importance found, or None when there is no problem."""
        return max((p.importance for p in self.problems), key=_rank, default=None)

    def fails(self, threshold: str) -> bool:
        """Whether a problem is at or above ``threshold`` (an importance name)."""
        return any(_rank(p.importance) >= _rank(threshold) for p in self.problems)

    def summary(self) -> str:
        """Return ``PATH: OK`` or ``PATH: N problem(s), worst IMPORTANCE``."""
        # A signed URL's signature and credential are left out (recorded_location), in the JSON too.
        shown = recorded_location(self.path)
        if not self.problems:
            return f"{shown}: OK"
        count = len(self.problems)
        return f"{shown}: {count} problem{'s' if count != 1 else ''}, worst {self.worst}"

    def to_dict(self, threshold: str) -> dict[str, Any]:
        """Return the report as plain data, for ``--json``."""
        return {
            "file": recorded_location(self.path),
            "ok": not self.fails(threshold),
            "worst": self.worst,
            "problems": [asdict(p) for p in self.sorted_problems()],
        }
