"""Values of the wrong type or that cannot be are said in the user's words, with what to write instead."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft7Validator

from poseconv.metadata.checks import date_of_birth_problem, start_time_problem
from poseconv.metadata.compose import compose_metadata
from poseconv.metadata.schema import metadata_schema
from poseconv.metadata.schema_messages import schema_problems
from tests.fixtures.paths import REPO_ROOT


@pytest.fixture(scope="module")
def metadata_validator():
    return Draft7Validator(metadata_schema())


def _said(validator, document):
    return dict(schema_problems(validator, document))


@pytest.mark.parametrize(
    ("document", "path", "said"),
    [
        ({"NWBFile": {"identifier": 12345}}, ("NWBFile", "identifier"), "write it in quotes (identifier: '12345')"),
        (
            {"Subject": {"subject_id": 7}},
            ("Subject", "subject_id"),
            "7 is not of type 'string' but a number; subject_id is text",
        ),
        ({"Subject": {"weight": 25}}, ("Subject", "weight"), "a number, a space and a unit: weight: '25 g'"),
    ],
)
def test_a_number_where_text_goes_is_said_with_the_value_quoted(metadata_validator, document, path, said):
    found = _said(metadata_validator, document)
    assert said in found[path], found


def test_an_edge_of_node_names_is_said_with_the_index_of_each_node(metadata_validator):
    skeleton = {"name": "S", "nodes": ["snout", "tail"], "edges": [["snout", "tail"]]}
    found = _said(metadata_validator, {"Pose": {"Skeletons": {"S": skeleton}}})
    edge = ("Pose", "Skeletons", "S", "edges", 0)
    assert found[(*edge, 0)].startswith("'snout' is a node's name; an edge is a pair of node indices, counted from 0")
    assert "('tail' is 1)" in found[(*edge, 1)], found


def test_a_frame_rate_that_is_not_positive_is_said_as_the_command_line_says_it():
    schema = json.loads((REPO_ROOT / "schemas/conversion-spec.schema.json").read_text(encoding="utf-8"))
    spec = {"sessions": [{"session_id": "s", "pose": [{"file_path": "a.h5", "sampling_frequency": 0}]}]}
    found = _said(Draft7Validator(schema), spec)
    assert found[("sessions", 0, "pose", 0, "sampling_frequency")] == (
        "must be a positive number (frames per second), got 0"
    ), found


def test_a_block_in_lower_case_is_said_with_the_block_meant():
    composed = compose_metadata({"pose": {}}, pose_inputs=["pose"], metadata={"nwbfile": {}}, known_blocks={"NWBFile"})
    [problem] = composed.problems
    assert problem.path == ("nwbfile",) and problem.message.endswith("Did you mean 'NWBFile'?"), problem


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2024-02-30T11:26:42Z", "names a day that does not exist: February 2024 has 29 days."),
        ("2023-02-29", "names a day that does not exist: February 2023 has 28 days."),
        ("2024-13-01T10:00:00+00:00", "has month 13; months are 01 to 12"),
    ],
)
def test_a_date_that_does_not_exist_is_said_so(value, said):
    assert said in start_time_problem(value)
    assert said in date_of_birth_problem(value)


def test_a_date_that_exists_is_still_taken_and_other_text_still_said_not_iso():
    assert start_time_problem("2024-02-29T11:26:42+00:00") is None
    assert start_time_problem("May 3rd").startswith("is not an ISO-8601 date and time")
