"""The shape of the user's metadata is checked, against the schema's types, before anything reads it."""

from __future__ import annotations

import pytest

from poseconv.metadata.compose import compose_metadata
from poseconv.metadata.shape import shaped_copy

DEFAULTS = {
    "NWBFile": {"session_description": "poses"},
    "Pose": {
        "Skeletons": {"Skeleton": {"name": "Skeleton", "nodes": ["a", "b"], "edges": [[0, 1]]}},
        "PoseEstimations": {
            "PoseEstimation": {
                "name": "PoseEstimation",
                "skeleton": "Skeleton",
                "PoseEstimationSeries": {"a": {"name": "a"}, "b": {"name": "b"}},
            }
        },
    },
}


@pytest.mark.parametrize(
    ("metadata", "path", "said", "repaired"),
    [
        ({"Subject": "m1"}, ("Subject",), "'m1' is not a block of fields: write its fields under Subject:", {}),
        ({"NWBFile": ["foo"]}, ("NWBFile",), "['foo'] is not a block of fields", {}),
        (
            {"Pose": {"PoseEstimations": {"PoseEstimation": None}}},
            ("Pose", "PoseEstimations", "PoseEstimation"),
            "is empty (a key with nothing under it is null); write its fields under it, or {} to keep the defaults",
            {},
        ),
        (
            {"Pose": {"Skeletons": {"Skeleton": {"edges": 5}}}},
            ("Pose", "Skeletons", "Skeleton", "edges"),
            "5 is one",
            None,
        ),
        ({"Devices": {"camera": None}}, ("Devices", "camera"), "is empty", {}),
    ],
)
def test_a_value_of_the_wrong_shape_is_said_and_replaced_by_an_empty_one(metadata, path, said, repaired):
    document, problems = shaped_copy(metadata)
    assert [found for found, _ in problems] == [path] and said in problems[0][1], problems
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    assert parent.get(path[-1]) == repaired
    assert metadata != document  # The user's metadata is left as it was.


def test_values_of_the_right_shape_are_left_alone():
    metadata = {"Subject": {"subject_id": "m1", "age": 90}, "Pose": {"Skeletons": {"Skeleton": {"nodes": ["a"]}}}}
    assert shaped_copy(metadata) == (metadata, [])  # A scalar of the wrong type is the schema's other checks'.


@pytest.mark.parametrize(
    "metadata",
    [
        {"Subject": "m1"},
        {"NWBFile": "foo", "Subject": ["m1"]},
        {"Pose": {"PoseEstimations": {"PoseEstimation": None}}},
        {"Pose": {"Skeletons": {"Skeleton": None}}},
        {"Pose": {"PoseEstimations": {"PoseEstimation": {"PoseEstimationSeries": {"a": None}}}}},
        {"Pose": None},
    ],
)
def test_composing_metadata_of_the_wrong_shape_reports_it_instead_of_failing(metadata):
    composed = compose_metadata(
        {"pose": DEFAULTS}, pose_inputs=["pose"], metadata=metadata, known_blocks={"NWBFile", "Subject", "Pose"}
    )
    assert composed.problems and all("is empty" in p.message or "not a block" in p.message for p in composed.problems)
    assert composed.per_input["pose"]["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] == "PoseEstimation"


def test_an_input_s_own_metadata_of_the_wrong_shape_is_reported_for_that_input():
    composed = compose_metadata(
        {"pose": DEFAULTS}, pose_inputs=["pose"], input_metadata={"pose": {"Pose": {"Skeletons": "fly"}}}
    )
    assert [(p.path, p.input) for p in composed.problems] == [(("Pose", "Skeletons"), "pose")]


CAMERA_DEFAULTS = {
    "Devices": {"cam0": {"name": "cam0"}},
    "Pose": {
        "PoseEstimations": {
            "PoseEstimation": {"name": "PoseEstimation", "device_metadata_key": "cam0", "PoseEstimationSeries": {}}
        }
    },
}


@pytest.mark.parametrize("block", ["Devices", "DeviceModels"])
def test_devices_given_as_a_list_are_said_at_the_block_with_the_entry_to_write(block):
    # neuroconv's base schema takes its legacy list there, but every reader looks a camera up by key.
    document, problems = shaped_copy({block: [{"name": "cam", "description": "top"}]})
    assert [path for path, _ in problems] == [(block,)] and document[block] == {}
    assert f"is a list; {block} holds its entries by key" in problems[0][1]
    assert f"{block}: {{cam: {{name: cam, description: top}}}}" in problems[0][1]


@pytest.mark.parametrize("where", ["metadata", "input_metadata"])
def test_composing_with_devices_as_a_list_reports_it_instead_of_failing(where):
    user = {"Devices": [{"name": "cam"}]}
    given = {"metadata": user} if where == "metadata" else {"input_metadata": {"pose": user}}
    composed = compose_metadata({"pose": CAMERA_DEFAULTS}, pose_inputs=["pose"], known_blocks={"Devices"}, **given)
    assert [p.path for p in composed.problems] == [("Devices",)], composed.problems
    assert composed.per_input["pose"]["Devices"] == {"cam0": {"name": "cam0"}}
