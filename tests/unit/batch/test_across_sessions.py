"""Checks across the sessions of a spec (:mod:`poseconv.batch.across_sessions`), as ``plan_spec`` runs them."""

from __future__ import annotations

import re

import numpy as np
import pytest

from poseconv.batch.plan import plan_spec
from tests.fixtures.cli import poseconv_in_process
from tests.unit.batch.test_spec import session, write_spec


def test_one_identifier_for_several_sessions_is_a_problem(tmp_path):
    # Before, every file was written with the spec's identifier, silently; nwbinspector then reports the files
    # as critical (check_unique_identifiers).
    spec = {"metadata": {"NWBFile": {"identifier": "openfield"}}, "sessions": [session("s1"), session("s2")]}
    plan = plan_spec(write_spec(tmp_path, spec))
    (problem,) = plan.problems
    assert (problem.location, problem.session) == ("metadata.NWBFile.identifier", None)
    assert "'openfield' would be the identifier of the files of sessions[0], sessions[1]" in problem.message
    assert plan.spec_wide_problems


def test_two_sessions_with_one_identifier_are_a_problem_of_the_second(tmp_path):
    own = {"NWBFile": {"identifier": "x"}}
    spec = {"sessions": [session("s1", metadata=own), session("s2", metadata=own), session("s3")]}
    plan = plan_spec(write_spec(tmp_path, spec))
    assert [(p.location, p.session) for p in plan.problems] == [("sessions[1].metadata.NWBFile.identifier", 1)]
    assert "'x' is the identifier of sessions[0]'s file too;" in plan.problems[0].message


def test_an_identifier_of_one_session_only_is_fine(tmp_path):
    # The spec's identifier taken by one session, the other giving its own.
    spec = {
        "metadata": {"NWBFile": {"identifier": "x"}},
        "sessions": [session("s1"), session("s2", metadata={"NWBFile": {"identifier": "y"}})],
    }
    assert plan_spec(write_spec(tmp_path, spec)).problems == []


def _with_subject(session_id: str, **subject) -> dict:
    made = session(session_id)
    made["subject"] = {"subject_id": "m2", "species": "Mus musculus", "sex": "M", "age": "P90D", **subject}
    return made


def test_sessions_of_one_subject_disagreeing_on_its_sex_or_species_are_a_problem(tmp_path):
    # A typo in one row of a lab's sheet (F for M) was written as given: nwbinspector and DANDI compare no files
    # with each other, so the dandiset said two things of one animal.
    sessions = [
        _with_subject("s1", date_of_birth="2024-01-02"),
        _with_subject("s2", sex="F", age="P91D"),
        _with_subject("s3", species="Rattus norvegicus"),
        _with_subject("s4", date_of_birth="2024-01-03T00:00:00+00:00"),
    ]
    plan = plan_spec(write_spec(tmp_path, {"sessions": sessions}))
    said = {p.location: (p.session, p.line, p.message) for p in plan.problems}
    assert set(said) == {
        "sessions[1].subject.sex",
        "sessions[2].subject.species",
        "sessions[3].subject.date_of_birth",
    }, said
    index, line, message = said["sessions[1].subject.sex"]
    assert index == 1 and line is not None
    assert message == (
        "subject 'm2' has sex 'F' here but 'M' at sessions[0].subject.sex; one animal has one sex: correct the one "
        "that is wrong (or the subject_id)."
    )
    # The run converts the first session only, until the one that is wrong is corrected.
    result = poseconv_in_process("run", tmp_path / "spec.yaml", "--check", "--jobs", "1")
    assert result.returncode == 1 and "problem: sessions[1].subject.sex (line" in result.stderr
    statuses = dict(re.findall(r"│ \d+ │ (s\d)\s+│ (\w+)", result.stdout))
    assert statuses == {"s1": "checked", "s2": "invalid", "s3": "invalid", "s4": "invalid"}, result.stdout


@pytest.mark.parametrize(
    "second",
    [
        {"sex": "U"},  # unknown at first, known later
        {"strain": "c57bl/6j"},  # case aside
        {"age": "P120D", "weight": "30 g"},  # what changes with time
        {"date_of_birth": "2024-01-02T08:00:00"},  # the same day, written with a time
        {"species": "http://purl.obolibrary.org/obo/NCBITaxon_10090"},  # DANDI's other form of a species
    ],
)
def test_what_may_differ_between_sessions_of_one_subject_is_no_problem(tmp_path, second):
    sessions = [_with_subject("s1", date_of_birth="2024-01-02", strain="C57BL/6J"), _with_subject("s2", **second)]
    assert plan_spec(write_spec(tmp_path, {"sessions": sessions})).problems == []


def test_a_subject_set_in_a_session_s_metadata_is_compared_where_it_is_set(tmp_path):
    first = _with_subject("s1")
    second = session("s2", metadata={"Subject": {"subject_id": "m2", "sex": "F"}})
    second.pop("subject")
    plan = plan_spec(
        write_spec(tmp_path, {"metadata": {"Subject": {"species": "Mus musculus"}}, "sessions": [first, second]})
    )
    assert [(p.location, p.session) for p in plan.problems] == [("sessions[1].metadata.Subject.sex", 1)]


def test_dates_of_birth_with_time_zones_are_compared_as_instants(tmp_path):
    same = [
        _with_subject("s1", date_of_birth="2023-10-04T00:30:00+01:00"),
        _with_subject("s2", date_of_birth="2023-10-03T23:30:00Z"),
    ]
    assert plan_spec(write_spec(tmp_path, {"sessions": same})).problems == []
    other = [
        _with_subject("s1", date_of_birth="2023-10-04T00:30:00+01:00"),
        _with_subject("s2", date_of_birth="2023-10-05T00:30:00+01:00"),
    ]
    assert [p.location for p in plan_spec(write_spec(tmp_path, {"sessions": other})).problems] == [
        "sessions[1].subject.date_of_birth"
    ]


# -- one pose file twice in one session --------------------------------------------------------


def test_a_pose_file_twice_in_one_session_or_with_its_csv_copy_is_a_problem_of_the_entry(tmp_path):
    from tests.fixtures.deeplabcut import write_dlc_file

    positions = {"nose": np.zeros((5, 2))}
    h5 = write_dlc_file(tmp_path / "mouseDLC_resnet50_testJan1shuffle1_100.h5", positions)
    csv = write_dlc_file(tmp_path / "mouseDLC_resnet50_testJan1shuffle1_100.csv", positions)
    pose = [{"file_path": str(p), "sampling_frequency": 30.0} for p in (h5, csv, h5)]
    plan = plan_spec(write_spec(tmp_path, {"sessions": [session("s1", pose=pose)]}))
    said = {problem.location: problem.message for problem in plan.problems}
    assert list(said) == ["sessions[0].pose[1].file_path", "sessions[0].pose[2].file_path"]
    assert "DeepLabCut's .csv is a copy of the .h5: give one" in said["sessions[0].pose[1].file_path"]
    assert said["sessions[0].pose[2].file_path"].startswith(f"{h5.name} is sessions[0].pose[0]'s pose file too")
    assert plan.jobs == []  # as a name given twice: the session's converter would refuse it
