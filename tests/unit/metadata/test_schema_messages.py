"""jsonschema's errors said at the field at fault, in the words users know."""

from __future__ import annotations

import pytest
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


def test_a_name_with_a_character_nwb_refuses_says_which_and_what_to_write():
    from poseconv.metadata.schema import metadata_schema

    said = dict(
        schema_problems(
            Draft7Validator(metadata_schema()), {"Pose": {"Skeletons": {"s": {"name": "top/left", "nodes": []}}}}
        )
    )
    assert said[("Pose", "Skeletons", "s", "name")] == (
        "'top/left' holds '/', which an NWB name (they separate its paths) may not hold: write - or _ instead"
    )
    spec = {"properties": {"session_id": {"type": "string", "pattern": r"^[^/\\:]+$"}}}
    said = dict(schema_problems(Draft7Validator(spec), {"session_id": "m1/day1"}))
    assert said[("session_id",)].startswith("'m1/day1' holds '/', which a session_id (it names the NWB file) may not")
    assert said[("session_id",)].endswith("give nwbfile_name: m1/day1.nwb)")
    said = dict(schema_problems(Draft7Validator(spec), {"session_id": "m2:day1"}))
    assert "holds ':'" in said[("session_id",)] and "nwbfile_name" not in said[("session_id",)]


def test_a_date_pattern_refused_is_said_in_the_words_of_the_metadata_check():
    from poseconv.metadata.checks import date_of_birth_problem, start_time_problem
    from poseconv.metadata.schema import START_TIME_PATTERN

    # The same words as compose's checks of the fields, to the final period: problems told apart by their text
    # are then said once (before, the date of birth was said twice, with and without the period).
    schema = {
        "properties": {
            "date_of_birth": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "session_start_time": {"type": "string", "pattern": START_TIME_PATTERN},
        }
    }
    said = dict(schema_problems(Draft7Validator(schema), {"date_of_birth": "01/02/2024"}))
    assert said == {("date_of_birth",): date_of_birth_problem("01/02/2024")}
    assert said[("date_of_birth",)].endswith(".")
    said = dict(schema_problems(Draft7Validator(schema), {"session_start_time": "2024-05-01T10:30"}))
    assert said == {("session_start_time",): start_time_problem("2024-05-01T10:30")}
    # A form the pattern refuses and the converter takes (not ISO 8601, which fromisoformat reads): not a problem.
    assert dict(schema_problems(Draft7Validator(schema), {"session_start_time": "2024-05-01x10:30+02"})) == {}


@pytest.mark.parametrize("born", ["2024-W05-4", "2024W054", "2024-01-02x08:00"])
def test_a_date_of_birth_the_schema_refuses_is_refused_by_every_entry_point_with_the_date_meant(born):
    from poseconv.metadata.checks import DATE_OR_DATE_TIME_PATTERN, date_of_birth_problem, normalize_date_of_birth

    # A week date: convert wrote it (Python reads it), run refused it with the schema's pattern as its message.
    schema = {"properties": {"date_of_birth": {"type": "string", "pattern": DATE_OR_DATE_TIME_PATTERN}}}
    said = dict(schema_problems(Draft7Validator(schema), {"date_of_birth": born}))
    assert said == {("date_of_birth",): date_of_birth_problem(born)}
    assert "does not match" not in said[("date_of_birth",)] and "write 2024-0" in said[("date_of_birth",)]
    subject = {"date_of_birth": born}
    normalize_date_of_birth(subject, "2024-05-01T10:30:00+02:00")
    assert date_of_birth_problem(subject["date_of_birth"]) == date_of_birth_problem(born)


def test_a_date_of_birth_pattern_refused_is_never_said_as_the_pattern(monkeypatch):
    import poseconv.metadata.checks as checks

    # Whatever the check takes, the schema's refusal says what a date is.
    monkeypatch.setattr(checks, "date_of_birth_problem", lambda value, start=None: None)
    schema = {"properties": {"date_of_birth": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}}}
    said = dict(schema_problems(Draft7Validator(schema), {"date_of_birth": "2024-W05-4"}))
    assert said == {("date_of_birth",): "'2024-W05-4' is not " + checks.DATE_FORM + "."}


def test_an_empty_field_is_said_empty_once_not_none_is_not_of_type():
    # `sex:` and `description:` with nothing after them (YAML null) were "None is not of type 'string'",
    # twice for sex (its type and its choices); a sheet's empty cell (.nan) was told to be quoted.
    schema = {
        "properties": {
            "sex": {"type": "string", "enum": ["M", "F", "U", "O"]},
            "description": {"type": "string"},
            "strain": {"type": "string"},
        }
    }
    said = list(schema_problems(Draft7Validator(schema), {"sex": None, "description": None, "strain": float("nan")}))
    null = "is empty (a key with nothing after it is null): write a value, or leave the field out"
    assert said == [
        (("description",), null),
        (("sex",), null),
        (("strain",), "is empty (a sheet's empty cell, .nan): write a value, or leave the field out"),
    ]


def test_a_null_is_said_in_the_words_of_the_document_s_source():
    # JSON's null and Python's None were explained as YAML ("a key with nothing after it", "one '- ' line").
    from poseconv.metadata.schema_messages import metadata_source

    schema = {
        "properties": {
            "strain": {"type": "string"},
            "keywords": {"type": "array"},
            "Subject": {"type": "object"},
        }
    }
    document = {"strain": None, "keywords": None, "Subject": None}
    said = {}
    assert dict(schema_problems(Draft7Validator(schema), document))[("keywords",)].endswith(
        "one '- ' line per item), or [] for none"
    )
    for kind in ("json", "python"):
        with metadata_source(kind):
            said[kind] = dict(schema_problems(Draft7Validator(schema), document))
        assert not any("a key with nothing" in text or "'- ' line" in text for text in said[kind].values()), kind
    assert said["json"] == {
        ("Subject",): "is null; give its fields, or {} to keep the defaults",
        ("keywords",): "is null; give a list, or [] for none",
        ("strain",): "is null: give a value, or leave the field out (JSON has no empty value but a missing key)",
    }
    assert said["python"][("strain",)] == "is None: give a value, or leave the key out of the dict"
    with pytest.raises(ValueError, match="'toml' is none of"), metadata_source("toml"):
        pass


def test_a_source_given_only_where_none_is_set_gives_way_to_the_caller_s():
    # The converter's Python words (a dict) give way to the command line's, which read a YAML or JSON file.
    from poseconv.metadata.schema_messages import metadata_source

    def said() -> str:
        return dict(schema_problems(Draft7Validator({"properties": {"strain": {"type": "string"}}}), {"strain": None}))[
            ("strain",)
        ]

    with metadata_source("python", if_unset=True):
        assert said().startswith("is None")
    with metadata_source("json"), metadata_source("python", if_unset=True):
        assert said().startswith("is null")
    with metadata_source("yaml"), metadata_source("python", if_unset=True):
        assert "a key with nothing after it" in said()
    assert "a key with nothing after it" in said()


def test_a_sex_the_converters_schema_takes_left_empty_is_not_listed_as_a_choice():
    # The converters' schemas take "" (a form's choice left unmade): "'male' is not one of [..., '']" listed it.
    schema = {"properties": {"Subject": {"properties": {"sex": {"type": "string", "enum": ["M", "F", "U", "O", ""]}}}}}
    said = dict(schema_problems(Draft7Validator(schema), {"Subject": {"sex": "male"}}))
    assert said == {
        ("Subject", "sex"): "'male' is not one of ['M', 'F', 'U', 'O']: M (male), F (female), U (unknown), O (other)"
    }
