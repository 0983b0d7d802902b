"""The conversion spec: its committed schema, and checks that report every problem with its place.

Specs are written to ``tmp_path`` by each test; the pose files are the real DeepLabCut
outputs in ../shared/data. Nothing here starts a worker process: the data checks run
:func:`check_session` in this process.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from jsonschema import Draft7Validator

from poseconv.batch.plan import plan_spec
from poseconv.batch.report import Problem, UnmatchedEntry
from poseconv.batch.runner import Progress, run_batch
from poseconv.batch.session import check_session, load_timestamps
from poseconv.batch.spec import (
    SPEC_SCHEMA_FILE_NAME,
    ConversionSpec,
    load_spec_document,
    render_spec_schema,
    spec_schema,
)
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, SINGLE_ANIMAL_H5
from tests.fixtures.paths import REPO_ROOT

COMMITTED = REPO_ROOT / "schemas" / SPEC_SCHEMA_FILE_NAME
START = "2024-05-01T10:30:00+02:00"


def _walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


def write_spec(tmp_path, spec: dict, name: str = "spec.yaml"):
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(spec), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def session(session_id: str, file_path=SINGLE_ANIMAL_H5, **fields) -> dict:
    return {
        "session_id": session_id,
        "session_start_time": START,
        "subject": {"subject_id": session_id, "species": "Mus musculus", "sex": "M", "age": "P90D"},
        "pose": [{"file_path": str(file_path)}],
        **fields,
    }


def own_copy(source: Path, folder: Path) -> Path:
    """Return a copy of pose file ``source`` in ``folder`` (made), with the files beside it linked.

    Sessions of a spec converting one pose file are a problem of their own (the same poses as two sessions'
    data), so a test giving several sessions the same poses gives each its own copy: a link is the same file.
    """
    folder.mkdir(parents=True)
    for path in source.parent.iterdir():
        if path != source:
            (folder / path.name).symlink_to(path)
    return Path(shutil.copy(source, folder / source.name))


def locations(problems) -> set[str]:
    # A check's SessionNote entries are warnings, not problems.
    return {p.location for p in problems if isinstance(p, Problem)}


# -- the schema ---------------------------------------------------------------------------------


def test_committed_spec_schema_matches_the_code():
    assert COMMITTED.read_text(encoding="utf-8") == render_spec_schema(), (
        f"{COMMITTED} is out of date; regenerate it with "
        "`python -m poseconv.batch.spec > schemas/conversion-spec.schema.json`."
    )


def test_spec_schema_is_draft7_with_titles_and_descriptions():
    schema = spec_schema()
    Draft7Validator.check_schema(schema)
    for path, node in _walk(schema):
        if isinstance(node, dict):
            assert not isinstance(node.get("type"), list), path
            assert "anyOf" not in node, path
            for name, prop in (node.get("properties") or {}).items():
                assert prop.get("title") and prop.get("description"), (*path, name)
    pose = schema["definitions"]["PoseSpec"]["properties"]
    assert pose["file_path"]["format"] == pose["video_file_path"]["format"] == "file-path"


def test_a_valid_spec_plans_one_job_per_session(tmp_path):
    spec = {
        "output_folder": "out",
        "metadata": {"NWBFile": {"institution": "Example University"}},
        "sessions": [session("a"), session("b", MULTI_ANIMAL_H5, nwbfile_name="sub-b/b.nwb")],
    }
    plan = plan_spec(write_spec(tmp_path, spec))
    assert plan.problems == []
    assert [job.session_id for job in plan.jobs] == ["a", "b"]
    assert [job.output for job in plan.jobs] == [tmp_path / "out/a.nwb", tmp_path / "out/sub-b/b.nwb"]
    assert plan.jobs[0].inputs[0].interface == "DeepLabCutPoseInterface"  # detected from the file
    assert not (tmp_path / "out").exists()


def test_a_json_spec_saved_with_a_byte_order_mark_plans(tmp_path):
    # Windows editors may begin a UTF-8 file with a byte-order mark, which json.loads refuses.
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"output_folder": "out", "sessions": [session("a")]}), encoding="utf-8-sig")
    plan = plan_spec(path)
    assert plan.problems == []
    assert [job.session_id for job in plan.jobs] == ["a"]


# -- every problem, with its location -------------------------------------------------------------


def test_every_problem_is_reported_with_its_location_before_anything_is_written(tmp_path):
    (tmp_path / "frames.mat").write_bytes(b"")
    spec = {
        "output_folder": "out",
        "metadata": {"NWBFile": {"institution": "Example University"}},
        "sessions": [
            session("ok"),
            # 1: a misspelt field (with a suggestion) and a pose file that does not exist
            {**session("typo"), "pose": [{"file_path": "missing.h5", "vidoe_file_path": "x.mp4"}]},
            # 2: a subject the metadata schema refuses, an unknown interface, a timestamps file of the wrong kind
            session(
                "bad",
                subject={"subject_id": "m", "sex": "male"},
                pose=[
                    {"file_path": str(SINGLE_ANIMAL_H5), "timestamps_file": "frames.mat"},
                    {"file_path": str(SINGLE_ANIMAL_H5), "interface": "DeepLabCutPoseInterfac"},
                ],
            ),
            # 3: the same session ID as 0; an interface argument that DeepLabCut does not take
            session(
                "ok",
                nwbfile_name="other.nwb",
                pose=[{"file_path": str(SINGLE_ANIMAL_H5), "source_data": {"individual": ["a"]}}],
            ),
            # 4: writes the same file as 0; a start time without a time zone
            session("four", nwbfile_name="ok.nwb", session_start_time="2024-05-01T10:30:00"),
            # 5: an interface without a class, one whose arguments are wrong
            session(
                "five",
                interfaces={
                    "Nothing": {"source_data": {}},
                    "Recording": {
                        "interface": "neuroconv.tools.testing.mock_interfaces:MockRecordingInterface",
                        "source_data": {"num_channel": 4},
                    },
                },
            ),
        ],
    }
    path = write_spec(tmp_path, spec)

    class Recorder(Progress):
        def problems(self, problems):
            # Called once every check is done and before any conversion starts.
            self.reported = list(problems)
            self.written = sorted(p.name for p in (tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else []

    recorder = Recorder()
    report = run_batch(path, jobs=1, progress=recorder)
    assert recorder.reported == report.problems and recorder.written == []

    found = {str(p) for p in report.problems}
    assert locations(report.problems) == {
        "sessions[1].pose[0].vidoe_file_path",
        "sessions[2].subject.sex",
        "sessions[2].pose[0].timestamps_file",
        "sessions[2].pose[1].interface",
        "sessions[3].session_id",
        "sessions[3].pose[0].source_data.individual",
        "sessions[4].nwbfile_name",
        "sessions[4].session_start_time",
        "sessions[5].interfaces.Nothing.interface",
        "sessions[5].interfaces.Recording.source_data.num_channel",
    }, "\n".join(sorted(found))
    text = "\n".join(sorted(found))
    assert "did you mean 'video_file_path'?" in text
    assert "did you mean 'individuals'?" in text
    assert "did you mean 'num_channels'?" in text
    assert "Did you mean 'DeepLabCutPoseInterface'" in text
    assert "'male' is not one of" in text
    # YAML specs give the line of each problem.
    lines = yaml.safe_dump(spec, sort_keys=False).splitlines()
    sex = next(p for p in report.problems if p.location == "sessions[2].subject.sex")
    assert "sex: male" in lines[sex.line - 1]

    # Every session with a problem is invalid and said so; the valid one was converted alone.
    statuses = {r.session_id: r.status for r in report.sessions}
    assert [r.status for r in report.sessions] == ["converted", *["invalid"] * 5], statuses
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ok.nwb"]


def test_missing_files_are_reported_even_when_the_schema_is_fine(tmp_path):
    spec = {
        "sessions": [
            session(
                "a",
                pose=[
                    {
                        "file_path": "nope/predictions.h5",
                        "video_file_path": "nope/video.mp4",
                        "timestamps_file": "nope/t.npy",
                        "interface": "dlc",
                    }
                ],
            )
        ]
    }
    plan = plan_spec(write_spec(tmp_path, spec))
    assert locations(plan.problems) == {
        "sessions[0].pose[0].file_path",
        "sessions[0].pose[0].video_file_path",
        "sessions[0].pose[0].timestamps_file",
    }
    assert all("not found" in p.message and str(tmp_path / "nope") in p.message for p in plan.problems)


def test_spec_wide_problems_stop_the_run_before_any_session(tmp_path):
    spec = {
        "output_fodler": "out",
        "metadata": {"Subject": {"sex": "male"}},
        "interfaces": {"Recording": "NoSuchRecordingInterface"},
        "sessions": [session("a")],
    }
    report = run_batch(write_spec(tmp_path, spec), jobs=1)
    assert report.stopped and report.sessions == []
    assert locations(report.problems) == {"output_fodler"}
    assert "did you mean 'output_folder'?" in report.problems[0].message

    del spec["output_fodler"]
    report = run_batch(write_spec(tmp_path, spec), jobs=1)
    assert locations(report.problems) == {"metadata.Subject.sex", "interfaces.Recording"}
    assert report.sessions == [] and not list(tmp_path.glob("*.nwb"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sessions: [\n  {session_id: a,\n", "not valid YAML (line 3"),
        ("- just\n- a list\n", "must be a mapping"),
        ("sessions: []\n", "sessions (line 1): [] should be non-empty"),
    ],
)
def test_unreadable_specs_are_one_problem(tmp_path, text, expected):
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    report = run_batch(path, jobs=1)
    assert report.stopped and len(report.problems) == 1
    assert expected in str(report.problems[0]), str(report.problems[0])


def test_json_specs_work_too(tmp_path):
    plan = plan_spec(write_spec(tmp_path, {"sessions": [session("a")]}, name="spec.json"))
    assert plan.problems == [] and len(plan.jobs) == 1


# -- checks that read the data (in the workers) ------------------------------------------------------


def test_data_checks_locate_problems_in_the_spec(tmp_path):
    np.save(tmp_path / "short.npy", np.arange(10) / 30)
    (tmp_path / "garbage.h5").write_bytes(b"not an HDF5 file")
    spec = {
        "metadata": {"Pose": {"PoseEstimations": {"PoseEstimation": {"description": "Top camera."}}}},
        "sessions": [
            # 0: one time per frame is expected; the file has 10 for 2330 frames
            session("a", pose=[{"file_path": str(SINGLE_ANIMAL_H5), "timestamps_file": "short.npy"}]),
            # 1: a file that exists but is no DeepLabCut output
            session("b", pose=[{"file_path": "garbage.h5", "interface": "DeepLabCutPoseInterface"}]),
            # 2: a misspelt container key, an individual that is not in the file's containers, no start time
            # (the spec's single-animal "PoseEstimation" entry does not apply to this multi-animal file)
            {
                "session_id": "c",
                "pose": [
                    {
                        "file_path": str(MULTI_ANIMAL_H5),
                        "metadata": {"Pose": {"PoseEstimations": {"PoseEstimation_individual9": {"name": "x"}}}},
                    }
                ],
                "metadata": {"Pose": {"PoseEstimations": {"PoseEstimaton_individual1": {"name": "y"}}}},
            },
            # 3: skeleton nodes that are not the file's, found by writing the first frames in memory
            session(
                "d",
                pose=[
                    {
                        "file_path": str(own_copy(SINGLE_ANIMAL_H5, tmp_path / "d")),
                        "metadata": {"Pose": {"Skeletons": {"Skeleton": {"nodes": ["a", "b"]}}}},
                    }
                ],
            ),
        ],
    }
    plan = plan_spec(write_spec(tmp_path, spec))
    assert plan.problems == []
    checked = [check_session(job) for job in plan.jobs]
    by_session = [[p for p in problems if not isinstance(p, UnmatchedEntry)] for problems in checked]
    # The spec's "PoseEstimation" entry is left out of the multi-animal session, for the runner to weigh.
    unmatched = [[p.location for p in problems if isinstance(p, UnmatchedEntry)] for problems in checked]
    assert unmatched == [[], [], ["metadata.Pose.PoseEstimations.PoseEstimation"], []]

    assert locations(by_session[0]) == {"sessions[0].pose[0].timestamps_file"}
    assert "2330 frames but 10 timestamps" in by_session[0][0].message
    assert locations(by_session[1]) == {"sessions[1].pose[0]"}
    assert "not an HDF5 file" in by_session[1][0].message
    assert locations(by_session[2]) == {
        "sessions[2].pose[0].metadata.Pose.PoseEstimations.PoseEstimation_individual9",
        "sessions[2].metadata.Pose.PoseEstimations.PoseEstimaton_individual1",
        "sessions[2].session_start_time",
    }, by_session[2]
    # Said at the nodes by the metadata check (the writer, in the dry run, is the guard).
    assert locations(by_session[3]) == {"sessions[3].pose[0].metadata.Pose.Skeletons.Skeleton.nodes"}
    assert "nodes cannot be renamed" in by_session[3][0].message


def test_metadata_problems_point_at_the_layer_that_set_the_value(tmp_path):
    spec = {
        "metadata": {"NWBFile": {"session_start_time": "yesterday"}},
        "sessions": [
            {"session_id": "a", "pose": [{"file_path": str(SINGLE_ANIMAL_H5)}]},
            session("b"),
            session("c", metadata={"NWBFile": {"session_start_time": "2024-05-01T10:30:00"}}),
        ],
    }
    plan = plan_spec(write_spec(tmp_path, spec))
    found = [check_session(job) for job in plan.jobs]
    # Session a takes the spec's start time; b's own wins over it; c's metadata wins over its field.
    assert [locations(problems) for problems in found] == [
        {"metadata.NWBFile.session_start_time"},
        set(),
        {"sessions[2].metadata.NWBFile.session_start_time"},
    ]
    assert "has no time zone" in found[2][0].message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("t.csv", "time_s\n0.0\n0.5\n1.0\n"),
        ("t.txt", "0.0\n0.5\n1.0\n"),
        ("t.tsv", "0.0\n0.5\n1.0\n"),
    ],
)
def test_load_timestamps_reads_text_with_or_without_a_header(tmp_path, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    np.testing.assert_array_equal(load_timestamps(tmp_path / name), [0.0, 0.5, 1.0])


def test_load_timestamps_refuses_several_columns(tmp_path):
    np.save(tmp_path / "t.npy", np.zeros((4, 2)))
    with pytest.raises(ValueError, match="one time per line"):
        load_timestamps(tmp_path / "t.npy")


def test_the_example_in_the_docs_is_a_valid_spec(tmp_path):
    text = (REPO_ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(text.split("```yaml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    document, _ = load_spec_document(tmp_path / "spec.yaml")
    assert document["sessions"][0]["session_start_time"] == "2024-05-01T10:30:00+02:00"  # kept as written
    assert list(Draft7Validator(spec_schema()).iter_errors(document)) == []
    ConversionSpec.model_validate(document)


@pytest.mark.parametrize("written", ["20240501T103000+0200", "2024-05-01T10:30:00+02", "2024-05-01 10:30+02:00"])
def test_a_start_time_poseconv_convert_takes_is_taken_by_a_spec(tmp_path, written):
    from poseconv.cli._conversion import parse_session_start_time

    # Before, the spec's own parser (pydantic's) refused ISO 8601's basic form and an offset in hours, which
    # `poseconv convert --session-start-time` and metadata files take: same value, two answers.
    plan = plan_spec(write_spec(tmp_path, {"sessions": [session("s1", session_start_time=written)]}))
    assert plan.problems == []
    assert plan.jobs[0].session_start_time == parse_session_start_time(written).isoformat() == START


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("2024-05-01T10:30:00", "has no time zone; NWB needs one, e.g. 2024-05-01T10:30:00+00:00 or"),
        ("yesterday", "is not an ISO-8601 date and time, e.g."),
    ],
)
def test_a_start_time_the_command_line_refuses_is_refused_in_its_words(tmp_path, written, said):
    from poseconv.cli._conversion import parse_session_start_time
    from poseconv.errors import InvalidOptionError

    plan = plan_spec(write_spec(tmp_path, {"sessions": [session("s1", session_start_time=written)]}))
    assert [(p.location, p.message[: len(said)]) for p in plan.problems] == [("sessions[0].session_start_time", said)]
    with pytest.raises(InvalidOptionError, match=re.escape(said)):
        parse_session_start_time(written)


@pytest.mark.parametrize("written", ["2024-05-01x10:30:00+02:00", "2024-05-01T10:30.5+02:00"])
def test_a_start_time_the_schema_pattern_refuses_but_the_converter_takes_is_taken(tmp_path, written):
    from poseconv.batch.spec import SessionSpec

    # The schema's pattern (for editors) refuses fromisoformat's forms that are not ISO 8601; run's check, whose
    # validator reads the same schema, does not refuse what the conversion takes.
    plan = plan_spec(write_spec(tmp_path, {"sessions": [session("s1", session_start_time=written)]}))
    assert plan.problems == []
    assert (
        plan.jobs[0].session_start_time
        == SessionSpec.model_validate(session("s1", session_start_time=written)).session_start_time.isoformat()
    )


@pytest.mark.parametrize("born", ["yesterday", "01/02/2024"])
def test_a_date_of_birth_the_schema_refuses_is_one_problem(tmp_path, born):
    from poseconv.metadata.checks import date_of_birth_problem

    # Before, the schema's words (without the final period) and compose's check (with it) were two problems.
    subject = {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "date_of_birth": born}
    plan = plan_spec(write_spec(tmp_path, {"sessions": [session("s1", subject=subject)]}))
    assert [(p.location, p.message) for p in plan.problems] == [
        ("sessions[0].subject.date_of_birth", date_of_birth_problem(born))
    ]


def test_a_file_where_an_nwbfile_name_needs_a_folder_is_found_before_writing(tmp_path):
    from poseconv.batch.session import convert_session

    # Before, `--check` passed and the conversion failed with a bare "FileExistsError: [Errno 17] File exists".
    (tmp_path / "out").mkdir()
    (tmp_path / "out/sub-1").write_text("a file, not a folder")
    sessions = [session("s1", nwbfile_name="sub-1/s1.nwb"), session("s2", nwbfile_name="sub-2/s2.nwb")]
    path = write_spec(tmp_path, {"output_folder": "out", "sessions": sessions})
    report = run_batch(path, jobs=1, check_only=True)
    assert [r.status for r in report.sessions] == ["invalid", "checked"]
    assert [(p.location, p.message) for p in report.problems] == [
        (
            "sessions[0].nwbfile_name",
            f"{tmp_path / 'out/sub-1'} is a file, so the folder {tmp_path / 'out/sub-1'} cannot be made; rename or "
            "move that file, or choose another nwbfile_name.",
        )
    ]
    # A file that takes the folder's name after the check: the conversion says so too.
    (tmp_path / "out/sub-1").unlink()
    job = plan_spec(path).jobs[0]
    (tmp_path / "out/sub-1").write_text("a file, not a folder")
    result = convert_session(job)
    assert (result.status, result.reason) == (
        "failed",
        f"OutputError: {job.output}: {tmp_path / 'out/sub-1'} is a file, not a folder; choose another output folder.",
    )


def test_a_number_yaml_read_where_text_is_needed_is_shown_as_written_with_quotes(tmp_path):
    # Before: "sessions[0].subject.subject_id: 10 is not of type 'string'" for a subject_id written 012 (an
    # octal to YAML), and 7 for 007: numbers the user never wrote, and no word of the quotes that fix them.
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"""metadata:
  NWBFile: {{session_description: x}}
  Subject: {{species: Mus musculus, sex: F, age: P90D}}
sessions:
  - session_id: "a"
    session_start_time: {START}
    subject: {{subject_id: 012}}
    metadata: {{NWBFile: {{lab: yes}}}}
    pose: [{{file_path: {SINGLE_ANIMAL_H5}}}]
  - session_id: 007
    session_start_time: {START}
    subject: {{subject_id: "1.50"}}
    pose: [{{file_path: {SINGLE_ANIMAL_H5}}}]
""",
        encoding="utf-8",
    )
    report = run_batch(path, jobs=1, check_only=True)
    # Said once each, though the workers' check of session 0 finds them again (in the schema's words).
    assert [str(p) for p in report.problems] == [
        "sessions[0].subject.subject_id (line 7): 012 is read by YAML as the number 10, not as text; put it in "
        'quotes to keep it as written: "012".',
        "sessions[0].metadata.NWBFile.lab (line 8): yes is read by YAML as true, not as text; put it in quotes to "
        'keep it as written: "yes".',
        "sessions[1].session_id (line 10): 007 is read by YAML as the number 7, not as text; put it in quotes to "
        'keep it as written: "007".',
    ]


def test_check_only_and_strict_write_nothing_and_stub_writes_the_first_frames(tmp_path):
    from pynwb import NWBHDF5IO

    spec = {"output_folder": "out", "sessions": [session("good"), session("bad", subject={"sex": "male"})]}
    path = write_spec(tmp_path, spec)

    report = run_batch(path, jobs=1, check_only=True)
    assert [r.status for r in report.sessions] == ["checked", "invalid"] and not report.stopped
    report = run_batch(path, jobs=1, strict=True)
    assert [r.status for r in report.sessions] == ["checked", "invalid"]
    assert report.stopped.startswith("--strict")
    assert not (tmp_path / "out").exists()

    spec["sessions"].pop()
    report = run_batch(write_spec(tmp_path, spec), jobs=1, stub_test=True)
    assert report.ok and report.counts()["converted"] == 1
    with NWBHDF5IO(tmp_path / "out/nwb_stub/good.nwb", "r") as io:
        series = io.read().processing["behavior"]["PoseEstimation"].pose_estimation_series["snout"]
        assert series.data.shape == (100, 2)


def test_a_stub_run_writes_apart_so_the_real_run_converts_every_session(tmp_path):
    from pynwb import NWBHDF5IO

    # Before, `run --stub` wrote its 100-frame files at the sessions' own paths, and the real run then
    # skipped every session ("its NWB file exists"), exit code 0, the stubs left as the final files.
    path = write_spec(tmp_path, {"output_folder": "out", "sessions": [session("s1")]})
    stub = run_batch(path, jobs=1, stub_test=True)
    assert [r.output for r in stub.sessions] == [tmp_path / "out/nwb_stub/s1.nwb"]
    assert not (tmp_path / "out/s1.nwb").exists()
    real = run_batch(path, jobs=1)
    assert [(r.status, r.output) for r in real.sessions] == [("converted", tmp_path / "out/s1.nwb")]
    for name, frames in (("s1.nwb", 2330), ("nwb_stub/s1.nwb", 100)):
        with NWBHDF5IO(tmp_path / "out" / name, "r") as io:
            series = io.read().processing["behavior"]["PoseEstimation"].pose_estimation_series["snout"]
            assert series.data.shape == (frames, 2)
    # A session's own file cannot be put where the stubs go.
    path = write_spec(tmp_path, {"output_folder": "out", "sessions": [session("s2", nwbfile_name="nwb_stub/s2.nwb")]})
    assert [str(p) for p in plan_spec(path).problems] == [
        "sessions[0].nwbfile_name (line 12): nwb_stub/ is where --stub writes its test files; choose another folder."
    ]


def test_two_pose_files_of_a_session_keep_their_own_metadata(tmp_path):
    """Both files have a container keyed "PoseEstimation" of one video: both take their input's name."""
    from pynwb import NWBHDF5IO

    from poseconv.batch.session import convert_session

    # Two cameras' files: a copy (one file given twice is refused, its poses would be written twice).
    side = shutil.copy(SINGLE_ANIMAL_H5.with_name(SINGLE_ANIMAL_H5.stem + "_meta.pickle"), tmp_path)
    side = shutil.copy(SINGLE_ANIMAL_H5, Path(side).parent)
    pose = [
        {
            "file_path": str(SINGLE_ANIMAL_H5),
            "name": "top",
            "metadata": {"Pose": {"Skeletons": {"Skeleton": {"edges": [[0, 1]]}}}},
        },
        {"file_path": str(side), "name": "side", "starting_time": 1.5},
    ]
    spec = {
        "metadata": {"Pose": {"PoseEstimations": {"PoseEstimation": {"description": "Open field."}}}},
        "sessions": [session("a", pose=pose)],
    }
    (job,) = plan_spec(write_spec(tmp_path, spec)).jobs
    assert check_session(job) == []
    result = convert_session(job)
    assert result.status == "converted", result.reason
    with NWBHDF5IO(job.output, "r") as io:
        behavior = io.read().processing["behavior"]
        assert "PoseEstimation" not in behavior.data_interfaces  # names stay symmetric: no input keeps the bare one
        top, side = behavior["PoseEstimation_top"], behavior["PoseEstimation_side"]
        assert top.description == side.description == "Open field."
        assert top.skeleton.name != side.skeleton.name  # different edges: two skeletons
        first_top = top.pose_estimation_series["snout"].starting_time
        assert side.pose_estimation_series["snout"].starting_time == pytest.approx(first_top + 1.5)


def test_a_table_of_sessions_given_as_the_spec_is_told_what_a_spec_is(tmp_path):
    # It was only "spec: must be a mapping with 'sessions'", with no word that a table is not read.
    table = tmp_path / "sessions.csv"
    table.write_text("session_id,file_path,session_start_time\ns1,a.csv,2024-05-01T10:30:00+02:00\n")
    plan = plan_spec(table)
    assert [problem.location for problem in plan.problems] == ["spec"]
    assert "A conversion spec is a YAML or JSON file" in plan.problems[0].message


def test_check_only_reports_the_warnings_the_conversion_gives(tmp_path):
    from tests.fixtures.deeplabcut import OPEN_FIELD

    # A mistyped rate (the video's is 30 fps) and a subject DANDI refuses: before, --check said "valid" with no
    # warning, and only the conversion (writing 200 files with frame times 33 times too short) said so.
    pose = [{"file_path": str(SINGLE_ANIMAL_H5), "video_file_path": str(OPEN_FIELD / "m3v1mp4.mp4")}]
    pose[0]["sampling_frequency"] = 1000.0
    spec = {"output_folder": "out", "sessions": [session("s1", pose=pose, subject={"subject_id": "m1"})]}
    path = write_spec(tmp_path, spec)
    checked = run_batch(path, jobs=1, check_only=True).sessions[0]
    assert checked.status == "checked" and not (tmp_path / "out").exists()
    converted = run_batch(path, jobs=1).sessions[0]
    assert converted.status == "converted", converted.reason
    # The same warnings, each said once.
    assert checked.warnings == converted.warnings and len(set(converted.warnings)) == len(converted.warnings)
    assert any("1000" in w and "sampling_frequency" in w for w in checked.warnings), checked.warnings
    assert any(w.startswith("sessions[0].subject: no species, sex, age; DANDI") for w in checked.warnings)


def test_fields_a_form_left_empty_are_not_given_as_with_convert_metadata(tmp_path):
    from pynwb import NWBHDF5IO

    from poseconv.batch.session import convert_session

    # NWB GUIDE and lab templates write "" for a field not filled in: `poseconv convert -m` took them as not
    # given, run refused them ("'' is not one of ['M', 'F', ...]", "'' is not an ISO 8601 date").
    form = {"sex": "", "date_of_birth": "", "weight": "", "strain": ""}
    spec = {
        "metadata": {"Subject": {"species": "Mus musculus", "sex": "F", "age": "P90D"}},
        "sessions": [
            session(
                "s1",
                subject={"subject_id": "m1", **form},
                metadata={"NWBFile": {"experiment_description": "", "lab": ""}, "Subject": {"age": ""}},
            )
        ],
    }
    plan = plan_spec(write_spec(tmp_path, spec))
    assert plan.problems == []
    (job,) = plan.jobs
    assert locations(check_session(job)) == set()
    result = convert_session(job)
    assert result.status == "converted", result.reason
    with NWBHDF5IO(job.output, "r") as io:
        nwbfile = io.read()
        subject = nwbfile.subject
        # Not given: the spec's values below stay (a form's blank does not erase them), the rest are absent.
        assert (subject.sex, subject.age, subject.species) == ("F", "P90D", "Mus musculus")
        assert subject.date_of_birth is None and subject.weight is None and subject.strain is None
        assert nwbfile.experiment_description is None and nwbfile.lab is None


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
@pytest.mark.parametrize("field", ["sampling_frequency", "starting_time"])
def test_an_infinite_or_nan_number_is_refused_at_its_field(tmp_path, field, value):
    # A rate of .inf passed gt=0 and was refused inside the interface, at pose[0]; .nan got pydantic's "greater
    # than 0". A starting_time of .nan reached the interface: "aligned_starting_time must be a finite number ...
    # was a sync pulse missing?"
    one = session("a")
    one["pose"][0][field] = value
    plan = plan_spec(write_spec(tmp_path, {"sessions": [one]}))
    [problem] = [p for p in plan.problems if isinstance(p, Problem)]
    assert problem.location == f"sessions[0].pose[0].{field}"
    assert "finite number" in problem.message
