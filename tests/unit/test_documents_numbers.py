"""Numbers in the documents users write (:mod:`poseconv.documents`): YAML 1.2 and JSON forms are numbers.

PyYAML reads YAML 1.1, whose numbers with an exponent need a dot and a signed exponent (``3.0e+1``):
``5e-05`` and ``1.0e5`` (what Python's ``:g`` and YAML 1.2 tools write) were read as text, and refused
where a number goes, though ``poseconv convert --starting-time 5e-05`` takes them. ``4E2`` (digits, e, digits)
stays text: an animal's or a session's ID more often than a number, which specs took as text before.
"""

from __future__ import annotations

import json

import pytest
import yaml

from poseconv import documents
from poseconv.batch.plan import plan_spec
from poseconv.cli._conversion import load_metadata_file
from poseconv.documents import load_document
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5

START = "2024-05-01T10:30:00+02:00"


def _read(tmp_path, value: str):
    """Return ``value`` as the documents read it, written unquoted in a YAML spec."""
    path = tmp_path / "spec.yaml"
    path.write_text(f"value: {value}\n", encoding="utf-8")
    return load_document(path, ValueError, "spec")[0]["value"]


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("3e+1", 30.0),
        ("5e-05", 5e-05),  # f"{0.00005:g}"
        ("1.0E5", 100000.0),
        ("-1e-5", -1e-05),
        ("+2e+2", 200.0),
        ("3.0e1", 30.0),  # a dot, but an exponent without a sign
        ("1.5e3", 1500.0),
        ("-.5", -0.5),
        ("+.5", 0.5),
    ],
)
def test_numbers_yaml_1_2_and_json_write_are_read_as_numbers(tmp_path, written, number):
    # Before, each was the text written: "'5e-05' is not of type 'number'" for a starting_time.
    assert yaml.safe_load(written) == written
    value = _read(tmp_path, written)
    assert isinstance(value, float) and value == number


@pytest.mark.parametrize(
    "written",
    [
        '"3e-1"',  # quoted: text, as written
        "3e1",  # digits, e, digits: an ID (4E2, 12e4) more often than a number, text as YAML 1.1 reads it
        "4E2",
        "'5e-05'",
        "019",  # text to YAML 1.1 (not an octal); no dot, no exponent: not a YAML 1.2 float either
        "012",  # YAML 1.1's octal 10, kept
        "1_000",  # YAML 1.1's 1000, kept
        "12",
        "2.5",
        "1.",
        ".5",
        ".nan",
        "-.inf",
        "1e",
        "e5",
        ".e5",
        "1_0e5",
        "1.2.3",
        "0o17",
        "0x1e5",
        "1e5x",
        "m1e5",
    ],
)
def test_what_else_yaml_1_1_reads_is_read_as_before(tmp_path, written):
    value, before = _read(tmp_path, written), yaml.safe_load(written)
    assert type(value) is type(before)
    assert value == before or (value != value and before != before)  # .nan


def test_dates_stay_text_beside_the_yaml_1_2_numbers():
    assert yaml.load("[2024-05-01, 1e+3]", Loader=documents.document_loader()) == ["2024-05-01", 1000.0]


def test_a_yaml_file_and_the_json_it_was_made_from_read_alike(tmp_path):
    values = {"sampling_frequency": 30.0, "starting_time": 0.00005, "rates": [1e-7, 2.5e10, -3e-3]}
    (tmp_path / "m.json").write_text(json.dumps(values), encoding="utf-8")
    # What a JSON-to-YAML converter writes: the numbers as JSON spells them.
    text = "".join(f"{key}: {json.dumps(value)}\n" for key, value in values.items())
    assert "5e-05" in text and "1e-07" in text
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    assert load_metadata_file(tmp_path / "m.yaml") == load_metadata_file(tmp_path / "m.json") == values


def test_a_spec_takes_a_rate_and_a_start_in_exponent_form(tmp_path):
    # Before: "sessions[0].pose[0].sampling_frequency (line 6): must be a positive number (frames per second),
    # got '3.0e1'" and "sessions[0].pose[0].starting_time (line 6): '5e-05' is not of type 'number'".
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"""output_folder: out
sessions:
  - session_id: s1
    session_start_time: {START}
    subject: {{subject_id: m1, species: Mus musculus, sex: M, age: P90D}}
    pose: [{{file_path: {SINGLE_ANIMAL_H5}, sampling_frequency: 3.0e1, starting_time: 5e-05}}]
""",
        encoding="utf-8",
    )
    plan = plan_spec(path)
    assert plan.problems == []
    (pose,) = plan.jobs[0].inputs
    assert pose.source_data["sampling_frequency"] == 30.0
    assert pose.starting_time == 5e-05


def test_an_unquoted_id_read_as_a_number_is_said_as_written(tmp_path):
    # subject_id: 1e-3 is the number 0.001 here: the spec's problem names what the user wrote.
    from poseconv.batch.spec import unquoted_non_text

    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions:\n  - subject:\n      subject_id: 1e-3\n", encoding="utf-8")
    [said] = unquoted_non_text(spec).values()
    assert said.startswith("1e-3 is read by YAML as the number 0.001, not as text") and '"1e-3"' in said


def test_an_id_of_digits_e_digits_stays_text_in_a_spec(tmp_path):
    # YAML 1.2 reads subject_id: 4E2 as 400.0; specs that took it as the text 4E2 must not be refused now.
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"""sessions:
  - session_id: 12e4
    session_start_time: {START}
    subject: {{subject_id: 4E2, species: Mus musculus, sex: M, age: P90D}}
    pose: [{{file_path: {SINGLE_ANIMAL_H5}}}]
""",
        encoding="utf-8",
    )
    plan = plan_spec(path)
    assert plan.problems == []
    assert plan.jobs[0].session_id == "12e4"
