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


def test_a_number_read_where_text_goes_keeps_the_advice_of_its_field():
    # weight: 25 was told to be quoted ("25"), a weight DANDI refuses for its missing unit; convert says '25 g'.
    quote = '25 is read by YAML as a number, not as text; put it in quotes to keep it as written: "25".'
    written = {f"sessions[0].subject.{field}": quote for field in ("weight", "strain", "subject_id")}
    plan = Plan(spec_path=Path("spec.yaml"), output_folder=Path("."), as_written=written)
    weight = "25 is not of type 'string' but a number without a unit: a weight is text, ...: weight: '25 g'"
    assert plan.with_line(Problem("sessions[0].subject.weight", weight, 0)).message == weight
    strain = "25 is not of type 'string' but a number; strain is text: write it in quotes (strain: '25')"
    assert plan.with_line(Problem("sessions[0].subject.strain", strain, 0)).message == quote
    assert plan.with_line(Problem("sessions[0].subject.subject_id", "25 is not of type 'string'", 0)).message == quote
