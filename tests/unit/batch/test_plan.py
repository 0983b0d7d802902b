"""What the plan finds in the spec's metadata before any data is read: spaces around values, an empty start time."""

from __future__ import annotations

import os

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


@pytest.mark.skipif(os.sep != "/", reason="on Windows \\ is a folder separator already")
def test_a_windows_nwbfile_name_puts_the_file_in_its_folder(tmp_path):
    # Before, 'sub-m1\sub-m1_ses-1.nwb' was written as one file of that name in output_folder (DANDI's layout lost),
    # though output_folder, data_folder and file_path read \ as a folder separator; '..\x.nwb' passed the
    # inside-output_folder check and became a file named '..\x.nwb' there.
    spec = {"output_folder": "out", "sessions": [session("s1", nwbfile_name="sub-m1\\sub-m1_ses-1.nwb")]}
    plan = plan_spec(write_spec(tmp_path, spec))
    assert plan.problems == []
    assert plan.jobs[0].output == tmp_path / "out" / "sub-m1" / "sub-m1_ses-1.nwb"
    for outside in ("..\\s1.nwb", "C:\\nwb\\s1.nwb", "\\\\server\\nwb\\s1.nwb"):
        spec["sessions"] = [session("s1", nwbfile_name=outside)]
        plan = plan_spec(write_spec(tmp_path, spec))
        assert [(p.location, p.message) for p in plan.problems] == [
            ("sessions[0].nwbfile_name", "must stay inside output_folder.")
        ], outside


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sessions.csv", b"session_id,subject_id,sex\r\nm00-day00,m00,M\r\n"),
        ("sessions.tsv", b"session_id\tsubject_id\tsex\r\nm00-day00\tm00\tM\r\n"),  # a tab: YAML stops
        ("colon.csv", b"session_id,notes: free text\r\nm00,x\r\n"),  # 'notes: x' read as a mapping's key
        ("sessions.xlsx", b"PK\x03\x04\x14\x00\x06\x00\xff\xfe"),  # a spreadsheet: not text
    ],
)
def test_a_table_of_sessions_given_as_the_spec_is_said_to_be_one(tmp_path, name, content):
    # Before, a .tsv or a .csv whose header holds ': ' got YAML's parse error, which names no table.
    (tmp_path / name).write_bytes(content)
    (problem,) = plan_spec(tmp_path / name).problems
    assert problem.location == "spec"
    assert problem.message.endswith(
        "A conversion spec is a YAML or JSON file (docs/batch.md); a table of sessions is not read: write its rows "
        "as the spec's sessions."
    ), problem.message
    assert "YAML (line" not in problem.message and "valid YAML" not in problem.message


@pytest.mark.skipif(os.sep != "/", reason="symbolic links need rights on Windows")
def test_an_nwbfile_name_through_a_linked_subfolder_stays_inside_output_folder(tmp_path):
    # Before, 'sub-m1/s1.nwb' whose sub-m1 is a link to another disk was "must stay inside output_folder": the
    # resolved path was compared. Containment is of the path as written; '..' still may not climb out, not even
    # through a link (from the link's target).
    (tmp_path / "out").mkdir()
    (tmp_path / "other_disk" / "deeper").mkdir(parents=True)
    (tmp_path / "out" / "sub-m1").symlink_to(tmp_path / "other_disk" / "deeper")
    spec = {"output_folder": "out", "sessions": [session("s1", nwbfile_name="sub-m1/s1.nwb")]}
    plan = plan_spec(write_spec(tmp_path, spec))
    assert plan.problems == []
    assert plan.jobs[0].output == tmp_path / "out" / "sub-m1" / "s1.nwb"
    for outside in ("../s1.nwb", "sub-m1/../../s1.nwb", "sub-m1/x/../../../s1.nwb"):
        spec["sessions"] = [session("s1", nwbfile_name=outside)]
        plan = plan_spec(write_spec(tmp_path, spec))
        assert ("sessions[0].nwbfile_name", "must stay inside output_folder.") in [
            (p.location, p.message) for p in plan.problems
        ], outside
    # Inside as written, but the link's '..' leads to other_disk: refused too.
    spec["sessions"] = [session("s1", nwbfile_name="sub-m1/../s1.nwb")]
    said = [(p.location, p.message) for p in plan_spec(write_spec(tmp_path, spec)).problems]
    assert ("sessions[0].nwbfile_name", "must stay inside output_folder.") in said


@pytest.mark.skipif(os.sep != "/", reason="symbolic links need rights on Windows")
def test_an_absolute_nwbfile_name_through_the_target_of_a_linked_output_folder_stays_inside(tmp_path):
    # Before, with output_folder a link to real/, an absolute nwbfile_name in real/ was "must stay inside
    # output_folder": only the path as written was compared. Inside either way is inside; '..' out is not.
    (tmp_path / "real").mkdir()
    (tmp_path / "outlink").symlink_to(tmp_path / "real")
    spec = {"output_folder": "outlink", "sessions": [session("s1", nwbfile_name=str(tmp_path / "real" / "s1.nwb"))]}
    plan = plan_spec(write_spec(tmp_path, spec))
    assert plan.problems == []
    assert plan.jobs[0].output.resolve() == tmp_path / "real" / "s1.nwb"
    for outside in (tmp_path / "real" / ".." / "s1.nwb", tmp_path / "outlink" / ".." / "s1.nwb", tmp_path / "s1.nwb"):
        spec["sessions"] = [session("s1", nwbfile_name=str(outside))]
        said = [(p.location, p.message) for p in plan_spec(write_spec(tmp_path, spec)).problems]
        assert ("sessions[0].nwbfile_name", "must stay inside output_folder.") in said, outside


@pytest.mark.skipif(os.sep != "/", reason="symbolic links need rights on Windows")
def test_an_output_folder_that_is_a_link_to_nothing_is_a_problem_of_the_spec(tmp_path):
    # Before, a link to a drive not mounted passed --check, then every session failed with a bare
    # "FileExistsError: [Errno 17] File exists" and its traceback in the report.
    (tmp_path / "nwb").symlink_to(tmp_path / "not_mounted" / "lab")
    said = _said(plan_spec(write_spec(tmp_path, {"output_folder": "nwb", "sessions": [session("s1")]})))
    line, message = said["output_folder"]
    assert message == (
        f"{tmp_path / 'nwb'}: is a symbolic link to {tmp_path / 'not_mounted' / 'lab'}, which does not exist (a drive "
        "not mounted, a folder moved); mount it or point that link at an existing folder."
    )
    # A link among its parents, and a session's subfolder that is such a link, are named alike.
    said = _said(plan_spec(write_spec(tmp_path, {"output_folder": "nwb/sub", "sessions": [session("s1")]})))
    assert said["output_folder"][1].startswith(f"{tmp_path / 'nwb' / 'sub'}: is in {tmp_path / 'nwb'}, a symbolic")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sub-m1").symlink_to(tmp_path / "not_mounted")
    spec = {"output_folder": "out", "sessions": [session("s1", nwbfile_name="sub-m1/s1.nwb")]}
    said = _said(plan_spec(write_spec(tmp_path, spec)))
    assert said["sessions[0].nwbfile_name"][1].startswith(f"{tmp_path / 'out' / 'sub-m1'}: is a symbolic link to ")


def test_a_folder_given_on_the_command_line_is_said_by_its_flag(tmp_path):
    # --data-folder / --output-folder mistakes were said at the spec's data_folder / output_folder line, which
    # holds a valid value (or none), without naming the flag given.
    (tmp_path / "afile").write_text("", encoding="utf-8")
    spec = write_spec(tmp_path, {"output_folder": "nwb", "sessions": [session("s1")]})
    said = _said(plan_spec(spec, data_folder=tmp_path / "nothere", output_folder=tmp_path / "afile" / "out"))
    assert said["--data-folder"][0] is None and str(tmp_path / "nothere") in said["--data-folder"][1]
    assert said["--output-folder"][0] is None and str(tmp_path / "afile" / "out") in said["--output-folder"][1]
    assert "data_folder" not in said and "output_folder" not in said
