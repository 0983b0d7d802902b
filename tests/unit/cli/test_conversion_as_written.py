"""A ``--metadata`` file's value YAML reads as a number or true/false where text goes: said as written.

Before, ``subject_id: 1e-3`` was told to be written ``subject_id: '0.001'``, the number read, as ``012`` was
told ``'10'`` and ``yes`` ``True``; a spec said them as written.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from poseconv.cli._conversion import check_metadata_file
from poseconv.errors import MetadataError
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data

TEXT_FIELDS = ("subject_id", "strain", "genotype", "weight", "description")


def _checked(path, metadata: dict[str, Any]) -> str:
    """Return what check_metadata_file says of ``metadata`` read from ``path``, against text-only Subject fields."""
    from jsonschema import Draft7Validator

    from poseconv.metadata.compose import MetadataProblem
    from poseconv.metadata.schema_messages import schema_problems

    subject = {"properties": {field: {"type": "string"} for field in TEXT_FIELDS}}
    schema = Draft7Validator({"properties": {"Subject": subject}})

    def metadata_problems(metadata: dict[str, Any], append_mode: bool) -> list[MetadataProblem]:
        return [MetadataProblem(path, message) for path, message in schema_problems(schema, metadata)]

    with pytest.raises(MetadataError) as raised:
        check_metadata_file(SimpleNamespace(metadata_problems=metadata_problems), metadata, path)
    return str(raised.value)


def test_a_value_read_as_a_number_or_true_is_said_as_written(tmp_path):
    path = tmp_path / "meta.yaml"
    path.write_text("Subject:\n  subject_id: 1e-3\n  strain: 012\n  genotype: yes\n", encoding="utf-8")
    said = _checked(path, {"Subject": {"subject_id": 0.001, "strain": 10, "genotype": True}})
    assert said == (
        f"{path}: invalid metadata:\n"
        "  Subject.genotype (line 4): yes is read by YAML as true, not as text; put it in quotes to keep it as "
        'written: "yes".\n'
        "  Subject.strain (line 3): 012 is read by YAML as the number 10, not as text; put it in quotes to keep it "
        'as written: "012".\n'
        "  Subject.subject_id (line 2): 1e-3 is read by YAML as the number 0.001, not as text; put it in quotes to "
        'keep it as written: "1e-3".'
    )


def test_a_field_s_own_advice_and_a_json_file_s_words_stay(tmp_path):
    path = tmp_path / "meta.yaml"
    path.write_text("Subject:\n  weight: 25\n", encoding="utf-8")
    said = _checked(path, {"Subject": {"weight": 25}})
    assert "weight: '25 g'" in said and "keep it as written" not in said
    path = tmp_path / "meta.json"
    path.write_text('{"Subject": {"subject_id": 4e2}}', encoding="utf-8")
    said = _checked(path, {"Subject": {"subject_id": 0.001}})
    assert "0.001 is not of type 'string'" in said and "read by YAML" not in said


def test_a_value_the_file_quotes_is_not_said_as_written(tmp_path):
    # The value at fault is not the file's text (here, what the converter was handed): the schema's words stay.
    path = tmp_path / "meta.yaml"
    path.write_text("Subject:\n  subject_id: '1e-3'\n", encoding="utf-8")
    said = _checked(path, {"Subject": {"subject_id": 0.001}})
    assert "0.001 is not of type 'string'" in said and "read by YAML" not in said


@needs_shared_data
def test_convert_says_a_metadata_file_s_value_as_written(tmp_path):
    metadata = tmp_path / "meta.yaml"
    metadata.write_text(
        "NWBFile:\n  session_start_time: '2024-05-01T10:30:00+02:00'\n"
        "Subject:\n  subject_id: 1e-3\n  species: Mus musculus\n  sex: M\n  age: P90D\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.nwb"
    result = poseconv_in_process("convert", SINGLE_ANIMAL_H5, "-o", out, "--metadata", metadata)
    assert result.returncode == 1 and not out.exists()
    said = " ".join(result.stderr.split())
    assert "Subject.subject_id (line 4): 1e-3 is read by YAML as the number 0.001, not as text; put it in" in said
    assert "0.001" not in said.replace("the number 0.001", "")
