"""jsonschema's errors said at the field at fault, in the words users know."""

from __future__ import annotations

from jsonschema import Draft7Validator

from poseconv.metadata.schema_messages import schema_problems

SCHEMA = {
    "type": "object",
    "properties": {
        "Subject": {
            "type": "object",
            "properties": {
                "species": {"type": "string", "pattern": "^[A-Z][a-z]+ [a-z]+"},
                "sex": {"type": "string", "enum": ["M", "F", "U", "O"]},
            },
        },
        "pose": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"file_path": {"type": "string"}, "sampling_frequency": {"type": "number"}},
                "additionalProperties": False,
            },
        },
        "tags": {"type": "array"},
    },
}


def _problems(instance):
    return dict(schema_problems(Draft7Validator(SCHEMA), instance))


def test_dandi_subject_fields_are_said_in_words():
    said = _problems({"Subject": {"species": "mouse", "sex": "male"}})
    assert "Latin binomial" in said[("Subject", "species")] and "'Mus musculus'" in said[("Subject", "species")]
    assert (
        said[("Subject", "sex")]
        == "'male' is not one of ['M', 'F', 'U', 'O']: M (male), F (female), U (unknown), O (other)"
    )


def test_names_from_the_command_line_point_to_the_field():
    said = _problems({"pose": [{"file_path": "a.slp", "fps": 30}]})
    assert said[("pose", 0, "fps")] == "unknown field; did you mean 'sampling_frequency'?"


def test_a_single_value_where_a_list_goes():
    said = _problems({"pose": "a.slp", "tags": "x"})
    assert said[("pose",)] == "'a.slp' is a path; give the pose entry as [{file_path: a.slp}]"
    assert said[("tags",)] == "'x' is one value; give a list (one '- ' line per item)"
