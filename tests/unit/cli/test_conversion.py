"""The closing summary of ``poseconv convert`` (poseconv.cli._conversion.summary)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from poseconv.cli._conversion import summary


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
