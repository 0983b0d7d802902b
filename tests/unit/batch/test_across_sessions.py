"""Checks across the sessions of a spec (:mod:`poseconv.batch.across_sessions`), as ``plan_spec`` runs them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from poseconv.batch.plan import plan_spec
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_CSV, MULTI_ANIMAL_H5, SINGLE_ANIMAL_H5
from tests.unit.batch.test_spec import own_copy, write_spec
from tests.unit.batch.test_spec import session as spec_session

# Each session's pose file, by session ID: sessions converting one file are a problem of their own.
_COPIES: dict[str, str] = {}


@pytest.fixture(autouse=True, scope="module")
def _copies(tmp_path_factory):
    _COPIES["folder"] = str(tmp_path_factory.mktemp("pose-files"))
    yield
    _COPIES.clear()


def session(session_id: str, **fields) -> dict:
    """A session of the spec whose pose file is its own copy, unless it names its pose."""
    if "pose" not in fields and "file_path" not in fields:
        if session_id not in _COPIES:
            _COPIES[session_id] = str(own_copy(SINGLE_ANIMAL_H5, Path(_COPIES["folder"]) / session_id))
        fields["file_path"] = _COPIES[session_id]
    return spec_session(session_id, **fields)


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


def test_a_subject_s_value_from_the_spec_s_metadata_is_said_at_the_session_s_row(tmp_path):
    # Before, the conflict was said at metadata.Subject.species (the line every session takes) without naming
    # sessions[1]: correcting that line as told would change every session.
    first = _with_subject("s1", species="Rattus norvegicus")
    second, third = session("s2"), session("s3")
    second["subject"], third["subject"] = {"subject_id": "m2"}, {"subject_id": "m3"}
    spec = {"metadata": {"Subject": {"species": "Mus musculus", "sex": "M"}}, "sessions": [first, second, third]}
    plan = plan_spec(write_spec(tmp_path, spec))
    (problem,) = plan.problems
    assert (problem.location, problem.session) == ("sessions[1].subject.species", 1) and problem.line is not None
    assert problem.message == (
        "subject 'm2' has species 'Mus musculus' here (from metadata.Subject.species) but 'Rattus norvegicus' at "
        "sessions[0].subject.species; one animal has one species: correct the one that is wrong (for this session, "
        "set it in its subject: metadata.Subject.species is every session's) or the subject_id."
    )
    # The earlier session's value from the spec's metadata is named by its row too.
    spec["sessions"] = [second, first]
    (problem,) = plan_spec(write_spec(tmp_path, spec)).problems
    assert problem.location == "sessions[1].subject.species"
    assert "but 'Mus musculus' at sessions[0].subject.species (from metadata.Subject.species);" in problem.message


def test_a_value_refused_by_its_own_check_is_compared_with_no_other(tmp_path):
    # sessions[0]'s sex 'male' is refused at its field; sessions[1]'s correct 'M' was invalid too, "'M' here but
    # 'male' at sessions[0]", so that correcting the first row would not have made the second valid by itself.
    sessions = [_with_subject("s1", sex="male"), _with_subject("s2"), _with_subject("s3", sex="F")]
    plan = plan_spec(write_spec(tmp_path, {"sessions": sessions}))
    said = {p.location: p.message for p in plan.problems}
    assert "sessions[1].subject.sex" not in said and "sessions[0].subject.sex" in said, said
    assert said["sessions[2].subject.sex"].startswith(
        "subject 'm2' has sex 'F' here but 'M' at sessions[1].subject.sex"
    )


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


# -- IDs that DANDI makes one -------------------------------------------------------------------------


def test_the_dandi_label_is_dandi_s_own():
    # dandi.organize._sanitize_value is not public: poseconv mirrors it, and this fails when DANDI changes it.
    from dandi.organize import _sanitize_value

    from poseconv.batch.across_sessions import dandi_label

    for value in ["m_2", "a*b\\c/d<e>f:g|h\"i'j?k%l@m;n,o p\tq.r", "Mouse-01", "m\u00e9", "x--y"]:
        assert dandi_label(value) == _sanitize_value(value, "subject_id") == _sanitize_value(value, "session_id")


def test_subject_ids_dandi_makes_one_are_a_problem_of_the_later_session(tmp_path):
    # 'm_2' (M) and 'm-2' (F) passed run --check; `dandi organize` put both animals' files in sub-m-2/.
    first, second = _with_subject("s1"), _with_subject("s2", sex="F")
    first["subject"]["subject_id"], second["subject"]["subject_id"] = "m_2", "m-2"
    plan = plan_spec(write_spec(tmp_path, {"sessions": [first, second]}))
    said = {p.location: (p.session, p.message) for p in plan.problems}
    assert set(said) == {"sessions[1].subject.subject_id", "sessions[1].subject.sex"}, said
    index, message = said["sessions[1].subject.subject_id"]
    assert index == 1 and message.startswith(
        "subject_id 'm-2' and 'm_2' (sessions[0].subject.subject_id) are one name on DANDI: "
    )
    assert "names both sub-m-2" in message
    # The animal's facts are compared under DANDI's name: the sexes disagree for one sub-m-2.
    assert said["sessions[1].subject.sex"][1].startswith("subject 'm-2' has sex 'F' here but 'M'")


def test_session_ids_dandi_makes_one_are_a_problem_within_a_subject_only(tmp_path):
    sessions = [_with_subject("day_1"), _with_subject("day-1"), _with_subject("day.2")]
    sessions[2]["metadata"] = {"NWBFile": {"session_id": "day 1"}}  # the file's session_id, over the session's
    plan = plan_spec(write_spec(tmp_path, {"sessions": sessions}))
    assert [(p.location, p.session) for p in plan.problems] == [
        ("sessions[1].session_id", 1),
        ("sessions[2].metadata.NWBFile.session_id", 2),
    ]
    assert "session_id 'day-1' and 'day_1' (sessions[0].session_id) are one name on DANDI" in plan.problems[0].message
    assert "names both ses-day-1" in plan.problems[0].message
    # Of two animals, the sessions are sub-a_ses-day-1 and sub-b_ses-day-1: two names.
    sessions = [_with_subject("day_1"), _with_subject("day-1")]
    sessions[1]["subject"]["subject_id"] = "m3"
    assert plan_spec(write_spec(tmp_path, {"sessions": sessions})).problems == []


def test_a_session_id_a_session_s_metadata_makes_another_s_is_a_problem_of_the_later(tmp_path):
    # A row's metadata.NWBFile.session_id replaced its session_id with the earlier row's: run --check passed and
    # both files of m2 said session 'day1' (one session on DANDI); the plan compared only the rows' session_id.
    sessions = [_with_subject("day1"), _with_subject("day2"), _with_subject("day3"), _with_subject("day4")]
    sessions[1]["metadata"] = {"NWBFile": {"session_id": "day1"}}
    sessions[3]["metadata"] = sessions[2]["metadata"] = {"NWBFile": {"session_id": "day9"}}
    plan = plan_spec(write_spec(tmp_path, {"sessions": sessions}))
    said = {p.location: (p.session, p.message) for p in plan.problems}
    assert set(said) == {"sessions[1].metadata.NWBFile.session_id", "sessions[3].metadata.NWBFile.session_id"}
    index, message = said["sessions[1].metadata.NWBFile.session_id"]
    assert index == 1 and message.startswith(
        "session_id 'day1' (from sessions[1].metadata.NWBFile.session_id, which replaces its session_id 'day2' in "
        "its file) is the session ID of sessions[0]'s file too (from sessions[0].session_id), and both sessions are "
        "of subject 'm2'"
    )
    assert "Give each session its own ID" in message
    assert (
        "is the session ID of sessions[2]'s file too (from sessions[2].metadata.NWBFile.session_id, which "
        in (said["sessions[3].metadata.NWBFile.session_id"][1])
    )
    # Two rows of one session_id are said once, by the plan; of another subject, one ID is two sessions on DANDI.
    sessions = [_with_subject("day1"), _with_subject("day1"), _with_subject("day2")]
    sessions[2]["metadata"] = {"NWBFile": {"session_id": "day1"}}
    sessions[2]["subject"]["subject_id"] = "m3"
    plan = plan_spec(write_spec(tmp_path, {"sessions": sessions}))
    # (the plan's: "'day1' is also sessions[0]." and the file both write)
    assert {(p.location, p.session) for p in plan.problems} == {("sessions[1].session_id", 1)}
    assert any(p.message.startswith("'day1' is also sessions[0].") for p in plan.problems)


# -- one pose file in two sessions, or twice in one -----------------------------------------------


def test_one_pose_file_in_two_sessions_is_a_problem_of_the_later_naming_the_earlier(tmp_path):
    # A row copied in a spec: both subjects' files held the same poses, and run --check called the spec valid.
    one = SINGLE_ANIMAL_H5
    spec = {"sessions": [session("s1", file_path=one), session("s2"), session("s3", file_path=one)]}
    plan = plan_spec(write_spec(tmp_path, spec))
    (problem,) = plan.problems
    assert (problem.location, problem.session) == ("sessions[2].pose[0].file_path", 2)
    assert problem.message.startswith(f"{SINGLE_ANIMAL_H5.name} is sessions[0].pose[0]'s pose file too: the same")
    assert "data of session 's1' (subject 's1') and of session 's3' (subject 's3')" in problem.message
    assert "give each session its own animals (source_data.individuals), none in common" in problem.message
    assert len(plan.jobs) == 3  # checked with its data all the same: every problem in one pass


def test_sessions_keeping_their_own_animals_of_one_file_are_fine(tmp_path):
    entry = lambda animals: [{"file_path": str(MULTI_ANIMAL_H5), "source_data": {"individuals": animals}}]  # noqa: E731
    spec = {"sessions": [session("s1", pose=entry(["individual1"])), session("s2", pose=entry(["individual2"]))]}
    assert plan_spec(write_spec(tmp_path, spec)).problems == []
    spec["sessions"].append(session("s3", pose=entry(["individual2", "individual3"])))
    (problem,) = plan_spec(write_spec(tmp_path, spec)).problems
    assert problem.location == "sessions[2].pose[0].file_path" and "sessions[1].pose[0]'s" in problem.message
    # DeepLabCut's "single" holds the unique bodyparts (arena landmarks), no animal: each animal's session may
    # keep it (it was refused as the same poses written twice).
    spec = {
        "sessions": [
            session("s1", pose=entry(["individual1", "single"])),
            session("s2", pose=entry(["individual2", "single"])),
        ]
    }
    assert plan_spec(write_spec(tmp_path, spec)).problems == []
    spec["sessions"].append(session("s3", pose=entry(["single"])))
    assert [p.location for p in plan_spec(write_spec(tmp_path, spec)).problems] == ["sessions[2].pose[0].file_path"]


def test_one_project_s_labels_in_every_session_are_fine(tmp_path):
    # include_training_data of one DeepLabCut project in each session: the labels are not the sessions' poses.
    spec = {
        "sessions": [
            session("s1", pose=[{"file_path": str(MULTI_ANIMAL_H5), "source_data": {"include_training_data": True}}]),
            session("s2", pose=[{"file_path": str(MULTI_ANIMAL_CSV), "source_data": {"include_training_data": True}}]),
        ]
    }
    assert plan_spec(write_spec(tmp_path, spec)).problems == []


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
