"""Values YAML reads as numbers or true/false where text goes, said as written (:mod:`poseconv.documents`).

A spec's problems and a ``--metadata`` file's are said the same way, from the one scan of the file.
"""

from __future__ import annotations

import pytest

from poseconv import documents
from poseconv.batch import spec
from poseconv.documents import says_only_not_text, unquoted_non_text


def _written(tmp_path, text: str, name: str = "meta.yaml") -> dict[str, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return unquoted_non_text(path)


def test_specs_and_metadata_files_are_read_again_by_one_function():
    assert spec.unquoted_non_text is documents.unquoted_non_text


def test_each_unquoted_value_read_as_other_than_text_is_said_as_written(tmp_path):
    text = "Subject:\n  subject_id: 1e-3\n  strain: 012\n  genotype: yes\n  weight: 25\n  species: Mus musculus\n"
    text += "NWBFile:\n  lab: '012'\n  experimenter: [007]\n  session_start_time: 2024-05-01\n"
    assert _written(tmp_path, text) == {
        "Subject.subject_id": "1e-3 is read by YAML as the number 0.001, not as text; put it in quotes to keep it "
        'as written: "1e-3".',
        "Subject.strain": "012 is read by YAML as the number 10, not as text; put it in quotes to keep it as written: "
        '"012".',
        "Subject.genotype": 'yes is read by YAML as true, not as text; put it in quotes to keep it as written: "yes".',
        "Subject.weight": '25 is read by YAML as a number, not as text; put it in quotes to keep it as written: "25".',
        "NWBFile.experimenter[0]": "007 is read by YAML as the number 7, not as text; put it in quotes to keep it as "
        'written: "007".',
    }


def test_a_merged_value_is_at_the_place_the_document_gives_it(tmp_path):
    text = "base: &base {subject_id: 1e-3, strain: x}\nSubject:\n  <<: *base\n  strain: 012\n"
    said = _written(tmp_path, text)
    assert sorted(said) == ["Subject.strain", "Subject.subject_id", "base.subject_id"]
    assert said["Subject.subject_id"].startswith("1e-3 is read by YAML as the number 0.001")


def test_an_alias_to_a_block_it_is_inside_ends(tmp_path):
    # Before, the scan of a spec followed it for ever.
    said = _written(tmp_path, "sessions:\n  - &s\n    session_id: 007\n    again: [*s]\n")
    assert list(said) == ["sessions[0].session_id"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("meta.json", '{"Subject": {"subject_id": 4e2}}'),  # JSON writes text in quotes, and reads 4e2 as JSON does
        ("meta.yaml", "Subject: [unclosed\n"),
        ("missing.yaml", None),
    ],
)
def test_a_json_file_or_one_yaml_cannot_read_gives_nothing(tmp_path, name, text):
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    assert unquoted_non_text(path) == {}


@pytest.mark.parametrize(
    ("message", "only"),
    [
        ("0.001 is not of type 'string' but a number; subject_id is text: write it in quotes (subject_id: '0.001')", 1),
        ("True is not of type 'string'", 1),
        ("25 is not of type 'string' but a number without a unit: a weight is text, ...: weight: '25 g'", 0),
        ("'x' is not of type 'number'", 0),
    ],
)
def test_a_field_s_own_advice_is_kept(message, only):
    assert says_only_not_text(message) is bool(only)
