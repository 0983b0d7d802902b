"""The closing summary of ``poseconv convert`` (poseconv.cli._conversion.summary), and its metadata file's check."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from poseconv.cli._conversion import check_metadata_file, summary
from poseconv.errors import MetadataError


def _converter(*inputs: dict[str, Any]) -> SimpleNamespace:
    """A converter whose inputs' composed metadata are ``inputs`` (the ``Pose`` block of each) and no training."""
    per_input = {f"input{i}": {"Pose": pose} for i, pose in enumerate(inputs)}
    return SimpleNamespace(
        compose_metadata=lambda metadata: SimpleNamespace(per_input=per_input),
        data_interface_objects={name: SimpleNamespace() for name in per_input},
    )


def _views(*cameras: str) -> dict[str, Any]:
    return {"CameraViews": {camera: {"name": f"PoseEstimation_{camera}"} for camera in cameras}}


def test_a_multi_camera_session_is_said_with_its_camera_views():
    # EKS's multi-camera output: one MultiCameraPoseEstimation holding a PoseEstimation per camera.
    session = {"PoseEstimations": {}, "MultiCameraPoseEstimations": {"MultiCameraPoseEstimation": _views("top", "bot")}}
    said = summary(_converter(session), {}, stub=False)
    assert said == "1 MultiCameraPoseEstimation container(s) (2 camera view(s))"
    assert "PoseEstimation container(s)" not in said.replace("MultiCameraPoseEstimation container(s)", "")


def test_one_camera_s_and_multi_camera_containers_are_counted_apart():
    one_camera = {"PoseEstimations": {"PoseEstimation": {}, "PoseEstimation_2": {}}}
    animals = {"MultiCameraPoseEstimations": {"M_a": _views("c0", "c1", "c2"), "M_b": _views("c0", "c1", "c2")}}
    assert summary(_converter(one_camera, animals), {}, stub=False) == (
        "2 PoseEstimation container(s) and 2 MultiCameraPoseEstimation container(s) (6 camera view(s))"
    )
    assert summary(_converter(one_camera), {}, stub=False) == "2 PoseEstimation container(s)"


@pytest.mark.parametrize(
    ("name", "text", "null"),
    [
        ("meta.json", '{"Subject": {"strain": null}}', "is null: give a value"),
        ("meta.yaml", "Subject:\n  strain:\n", "is empty (a key with nothing after it is null)"),
    ],
)
def test_a_null_of_the_metadata_file_is_said_in_the_file_s_words(tmp_path, name, text, null):
    # A JSON file's null was explained in YAML's words ("a key with nothing after it"), or as a Python dict's None.
    from jsonschema import Draft7Validator

    from poseconv.metadata.compose import MetadataProblem
    from poseconv.metadata.schema_messages import metadata_source, schema_problems

    schema = Draft7Validator({"properties": {"Subject": {"properties": {"strain": {"type": "string"}}}}})

    def metadata_problems(metadata: dict[str, Any], append_mode: bool) -> list[MetadataProblem]:
        # As PoseNWBConverter: a dict's words unless the caller said what it read.
        with metadata_source("python", if_unset=True):
            return [MetadataProblem(path, message) for path, message in schema_problems(schema, metadata)]

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    converter = SimpleNamespace(metadata_problems=metadata_problems)
    with pytest.raises(MetadataError, match="Subject.strain") as raised:
        check_metadata_file(converter, {"Subject": {"strain": None}}, path)
    assert null in str(raised.value) and "is None" not in str(raised.value)
