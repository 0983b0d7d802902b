"""A session checked by a worker is converted from what the check built: its files are read once."""

from __future__ import annotations

import dataclasses

import yaml

from poseconv.batch import session
from poseconv.batch.plan import plan_spec
from poseconv.batch.report import Problem
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, SINGLE_ANIMAL_H5


def _job(tmp_path, **pose):
    spec = {
        "output_folder": "nwb",
        "sessions": [
            {
                "session_id": "m1",
                "session_start_time": "2024-05-01T10:30:00+02:00",
                "subject": {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D"},
                "pose": [{"file_path": str(SINGLE_ANIMAL_H5), **pose}],
            }
        ],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    plan = plan_spec(path)
    assert not plan.problems
    return plan.jobs[0]


def test_the_conversion_writes_from_the_interfaces_the_check_kept(tmp_path, monkeypatch):
    job = _job(tmp_path)
    assert session.check_session(job, keep=True) == []
    built = []
    monkeypatch.setattr(session, "_build", lambda *args, **kwargs: built.append(args))
    result = session.convert_session(job)
    assert result.status == "converted", result.reason
    assert built == [] and job.output.is_file()
    # Used once: converting the session again reads its files again.
    monkeypatch.undo()
    assert session.convert_session(job, overwrite=True).status == "converted"


def test_a_check_alone_keeps_nothing(tmp_path):
    job = _job(tmp_path)
    before = len(session._CHECKED)
    assert session.check_session(job) == []
    assert len(session._CHECKED) == before


def test_a_kept_session_holds_no_pose_values_and_composes_its_metadata_once(tmp_path, monkeypatch):
    job = _job(tmp_path)
    composed = []
    original = session._converter

    def counting_converter(*args):
        converter = original(*args)
        inner = converter._compose
        monkeypatch.setattr(converter, "_compose", lambda metadata: composed.append(1) or inner(metadata))
        return converter

    monkeypatch.setattr(session, "_converter", counting_converter)
    assert session.check_session(job, keep=True) == []
    # The metadata check and the dry run share one composition.
    assert len(composed) == 1
    built = session._CHECKED[session._job_key(job)]
    tables = {id(t.positions.table): t.positions.table for i in built.interfaces.values() for t in i.pose.tracks}
    # The dry run read the first block of each table for its stub; a kept session must not hold it (a worker
    # keeps up to MAX_CHECKED sessions).
    assert tables and all(not table._cache for table in tables.values())
    result = session.convert_session(job)
    assert result.status == "converted", result.reason


def test_a_stub_option_of_a_pose_file_is_a_problem_but_in_a_stub_run(tmp_path):
    # Before, conversion_options {stub_test: true} wrote 100 frames at the session's own path, which the
    # real run then skipped as done.
    spec = {
        "output_folder": "nwb",
        "sessions": [
            {
                "session_id": "m1",
                "session_start_time": "2024-05-01T10:30:00+02:00",
                "pose": [{"file_path": str(SINGLE_ANIMAL_H5), "conversion_options": {"stub_test": True}}],
            }
        ],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    problems = [p for p in session.check_session(plan_spec(path).jobs[0]) if type(p) is Problem]
    assert [p.location for p in problems] == ["sessions[0].pose[0].conversion_options.stub_test"]
    assert "poseconv run --stub" in problems[0].message
    stub = [p for p in session.check_session(plan_spec(path, stub_test=True).jobs[0]) if type(p) is Problem]
    assert stub == []


def test_an_age_dandi_refuses_is_said_by_the_check_at_its_place_and_once_by_the_conversion(tmp_path):
    job = _job(tmp_path)
    job = dataclasses.replace(job, subject={**job.subject, "age": "90 days"})
    # Before, `run --check` did not say it; `run` said it as "metadata['Subject']['age']", no place in the spec.
    notes = [entry.message for entry in session.check_session(job)]
    said = "sessions[0].subject.age: '90 days' is not an ISO 8601 duration"
    assert [note for note in notes if "age" in note] == [note for note in notes if note.startswith(said)], notes
    assert len([note for note in notes if note.startswith(said)]) == 1
    result = session.convert_session(job)
    assert result.status == "converted", result.reason
    # The converter's own warning (for the Python API) is the same, said once.
    assert [w for w in result.warnings if "90 days" in w] == [n for n in notes if "90 days" in n], result.warnings


def test_a_subject_value_dandi_refuses_is_said_once_by_the_check_and_the_conversion(tmp_path):
    job = _job(tmp_path)
    job = dataclasses.replace(job, subject={**job.subject, "subject_id": "m/12", "sex": "XX"})
    notes = [entry.message for entry in session.check_session(job)]
    result = session.convert_session(job)
    assert result.status == "converted", result.reason
    # The converter warns of them too (for the Python API): said once, at the spec's place.
    for value in ("subject_id 'm/12' holds '/'", "sex 'XX' is not M, F, O or U"):
        assert len([n for n in notes if value in n]) == 1, notes
        assert len([w for w in result.warnings if value in w]) == 1, result.warnings
        assert [w for w in result.warnings if value in w][0].startswith("sessions[0].subject"), result.warnings


def test_each_subject_value_dandi_refuses_is_said_where_the_spec_sets_it(tmp_path):
    # The spec's metadata.Subject species was said at the session's subject, "set it there", which does not
    # give it; the age beside it was said at metadata.Subject.age.
    job = _job(tmp_path)
    subject = {"species": "Mus musculus (C57BL/6J)", "age": "90 days"}
    job = dataclasses.replace(job, global_metadata={"Subject": subject}, subject={"subject_id": "m1", "sex": "XX"})
    notes = [entry.message for entry in session.check_session(job) if "DANDI" in entry.message]
    assert [note.partition(": ")[0] for note in notes] == [
        "metadata.Subject.age",
        "metadata.Subject.species",
        "sessions[0].subject.sex",
    ], notes
    assert notes[1].startswith("metadata.Subject.species: species 'Mus musculus (C57BL/6J)' is neither a Latin")


def test_an_output_folder_unmounted_since_the_check_is_said_not_as_a_bare_file_exists_error(tmp_path):
    # A drive unmounted after the plan: the output folder became a link to nothing, and every session failed
    # with "FileExistsError: [Errno 17] File exists" and its traceback.
    job = _job(tmp_path)
    (tmp_path / "nwb").symlink_to(tmp_path / "not_mounted")
    result = session.convert_session(job)
    assert result.status == "failed"
    assert result.reason == (
        f"{tmp_path / 'nwb'}: is a symbolic link to {tmp_path / 'not_mounted'}, which does not exist (a drive not "
        "mounted, a folder moved); mount it or point that link at an existing folder."
    )
    assert not result.detail


def test_a_warning_of_the_converter_names_the_place_in_the_spec_not_the_python_api(tmp_path):
    # Before, the report said "metadata['Pose']['PoseEstimations'] lists ..." and "individuals= (--individuals)",
    # the Python API's and the command line's words, for a value the spec sets in a pose file's own metadata.
    entries = {"PoseEstimations": {"PoseEstimation_individual1": {"description": "first"}}}
    job = _job(tmp_path, file_path=str(MULTI_ANIMAL_H5), metadata={"Pose": entries})
    notes = [entry.message for entry in session.check_session(job) if "therefore not written" in entry.message]
    result = session.convert_session(job)
    assert result.status == "converted", result.reason
    said = [w for w in result.warnings if "therefore not written" in w]
    assert said == notes and len(notes) == 1, (notes, result.warnings)
    assert notes[0].startswith("sessions[0].pose[0].metadata.Pose.PoseEstimations lists ['PoseEstimation_individual1']")
    assert "the pose file's source_data: {individuals: [...]} (SLEAP's tracks)" in notes[0]
    assert "metadata['" not in notes[0] and "--individuals" not in notes[0]
