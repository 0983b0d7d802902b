"""What the plan finds in the spec's metadata before any data is read: spaces around values, an empty start time."""

from __future__ import annotations

import pytest

from poseconv.batch.plan import plan_spec
from tests.unit.batch.test_spec import START, session, write_spec


def _said(plan) -> dict[str, tuple[int | None, str]]:
    return {problem.location: (problem.line, problem.message) for problem in plan.problems}


def test_a_space_around_a_subject_or_nwbfile_text_is_a_problem_at_its_line(tmp_path):
    # Before, values pasted from a spreadsheet ("m2 ", "Mus musculus ") were checked stripped but written as
    # given: DANDI then read subject "m2 " and a species nwbinspector refuses, and nothing said so.
    first = session("s1 ", subject={"subject_id": "m2 ", "species": "Mus musculus ", "sex": "F", "age": "P90D"})
    first["metadata"] = {"NWBFile": {"session_description": " open field", "keywords": ["a", "b\t"]}}
    spec = {
        "metadata": {"NWBFile": {"institution": "U ", "experimenter": ["Doe, Jane "]}},
        "sessions": [first],
    }
    said = _said(plan_spec(write_spec(tmp_path, spec)))
    # Names only: free text (an institution, a description, keywords) may end as its writer likes.
    assert set(said) == {
        "metadata.NWBFile.experimenter[0]",
        "sessions[0].session_id",
        "sessions[0].subject.subject_id",
        "sessions[0].subject.species",
    }, said
    line, message = said["sessions[0].subject.species"]
    assert line is not None and message.startswith("'Mus musculus ' has a space at its end; remove it")


def test_a_block_of_text_and_a_blank_field_are_not_spaces_to_remove(tmp_path):
    # YAML's "description: |" ends in a line break; a field left blank is not given.
    spec = {
        "metadata": {"NWBFile": {"experiment_description": "Mice in an open field.\nTwo cameras.\n", "lab": "  "}},
        "sessions": [session("s1")],
    }
    assert plan_spec(write_spec(tmp_path, spec)).problems == []


def test_a_space_after_a_start_time_is_said_as_such(tmp_path):
    # Before: "is not an ISO-8601 date and time", of a value that is one but for the space.
    plan = plan_spec(write_spec(tmp_path, {"sessions": [session("s1", session_start_time=START + " ")]}))
    assert [(p.location, p.message) for p in plan.problems] == [
        ("sessions[0].session_start_time", "has a space at its end; remove it.")
    ]


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_session_start_time_is_not_given(tmp_path, empty):
    # A table's empty cell: before, "is not an ISO-8601 date and time", while metadata.NWBFile.session_start_time ""
    # was not given (docs/batch.md: a field left empty is not given, in every layer).
    spec = {
        "metadata": {"NWBFile": {"session_start_time": START}},
        "sessions": [session("s1", session_start_time=empty)],
    }
    plan = plan_spec(write_spec(tmp_path, spec))
    assert plan.problems == []
    assert plan.jobs[0].session_start_time is None
