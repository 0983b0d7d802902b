"""What a checked spec hands to the workers: one job per session, one per input, and the plan holding them.

The jobs are plain frozen dataclasses, so they pickle to a process or a Dask worker.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..documents import NOT_TEXT, says_only_not_text
from .report import Problem

# NOT_TEXT: how the JSON Schema says that a value is not text ("10 is not of type 'string'"), kept importable here.
__all__ = ["NOT_TEXT", "InputJob", "Plan", "SessionJob"]


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
    backend : {"hdf5", "zarr"}
        The storage backend of the output (an .nwb file or an .nwb.zarr store).
    checked_files : tuple
        The safety checks its pose files passed while the spec was planned, per version of each
        file (:func:`~poseconv.readers.safety.isolation.passed_checks`); a worker does not run
        them again on an unchanged file.
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
    backend: str = "hdf5"
    checked_files: tuple[tuple[str, tuple[str, int, int, int, int]], ...] = ()

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
    as_written : dict of str to str
        For a location where YAML read an unquoted value as a number or true/false and a text is
        needed, the message that says so, with the value as written (``012``, not the 10 read).
    """

    spec_path: Path
    output_folder: Path
    sessions: list[tuple[int, str, Path]] = field(default_factory=list)
    jobs: list[SessionJob] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    as_written: dict[str, str] = field(default_factory=dict)

    @property
    def spec_wide_problems(self) -> list[Problem]:
        """The problems that concern every session."""
        return [p for p in self.problems if p.session is None]

    def with_line(self, problem: Problem) -> Problem:
        """Return ``problem`` with the line of its location (or of the nearest enclosing one).

        A value that needs to be text but that YAML read as a number is said as written (:attr:`as_written`),
        unless its field says what it takes instead of quotes (a weight's unit: ``weight: '25 g'``).
        """
        if problem.location in self.as_written and says_only_not_text(problem.message):
            problem = dataclasses.replace(problem, message=self.as_written[problem.location])
        if problem.line is not None or not self.lines:
            return problem
        location = problem.location
        while location:
            if location in self.lines:
                return Problem(problem.location, problem.message, problem.session, self.lines[location])
            cut = max(location.rfind("."), location.rfind("["))
            location = location[:cut] if cut > 0 else ""
        return problem
