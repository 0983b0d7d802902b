"""The plan of a checked spec: problems located at the line of their place in the spec."""

from __future__ import annotations

from pathlib import Path

from poseconv.batch.jobs import Plan
from poseconv.batch.report import Problem


def test_a_problem_takes_the_line_of_its_nearest_enclosing_location():
    plan = Plan(spec_path=Path("spec.yaml"), output_folder=Path("."), lines={"sessions[0].pose[0]": 7})
    located = plan.with_line(Problem("sessions[0].pose[0].source_data.tracks", "bad", 0))
    assert located.line == 7
    assert plan.with_line(Problem("metadata.NWBFile", "bad")).line is None


def test_spec_wide_problems_are_those_of_no_session():
    plan = Plan(spec_path=Path("spec.yaml"), output_folder=Path("."))
    plan.problems = [Problem("metadata", "a"), Problem("sessions[0]", "b", 0)]
    assert [p.location for p in plan.spec_wide_problems] == ["metadata"]
