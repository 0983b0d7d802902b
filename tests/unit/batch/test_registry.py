"""Interfaces found by name: poseconv's, the ``neuroconv.interfaces`` entry points, neuroconv's own."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
from neuroconv.datainterfaces import SpikeGLXRecordingInterface
from neuroconv.tools.testing.mock_interfaces import MockRecordingInterface

from poseconv.batch.registry import (
    ENTRY_POINT_GROUP,
    POSE_INTERFACES,
    UnknownInterfaceError,
    available_interfaces,
    get_interface_class,
    register_with_neuroconv,
)
from poseconv.interfaces import (
    DeepLabCutPoseInterface,
    LightningPosePoseInterface,
    LightningPoseTrainingDataInterface,
    SLEAPPoseInterface,
)


def test_poseconv_registers_its_interfaces_in_the_entry_point_group():
    """What any tool does to find them, without importing poseconv first."""
    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert found["DeepLabCutPoseInterface"].load() is DeepLabCutPoseInterface
    assert found["SLEAPPoseInterface"].load() is SLEAPPoseInterface
    assert found["LightningPosePoseInterface"].load() is LightningPosePoseInterface
    assert found["LightningPoseTrainingDataInterface"].load() is LightningPoseTrainingDataInterface
    assert found["DeepLabCutPoseInterface"].dist.name == "poseconv"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DeepLabCutPoseInterface", DeepLabCutPoseInterface),
        ("dlc", DeepLabCutPoseInterface),
        ("DeepLabCut", DeepLabCutPoseInterface),
        ("SLEAP", SLEAPPoseInterface),
        ("lp", LightningPosePoseInterface),
        ("LightningPose", LightningPosePoseInterface),
        ("lp-labels", LightningPoseTrainingDataInterface),
        ("SpikeGLXRecordingInterface", SpikeGLXRecordingInterface),
        ("neuroconv.tools.testing.mock_interfaces:MockRecordingInterface", MockRecordingInterface),
        ("neuroconv.tools.testing.mock_interfaces.MockRecordingInterface", MockRecordingInterface),
    ],
)
def test_get_interface_class(name, expected):
    assert get_interface_class(name) is expected


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("SpikeGLXRecordingInterfase", "Did you mean 'SpikeGLXRecordingInterface'"),
        ("no_such_package.module:Interface", "cannot import no_such_package.module"),
        ("neuroconv.tools.testing.mock_interfaces:NoSuchInterface", "has no 'NoSuchInterface'"),
        ("json:dumps", "is not a neuroconv data interface"),
    ],
)
def test_unknown_names_say_what_is_wrong(name, message):
    with pytest.raises(UnknownInterfaceError, match=message):
        get_interface_class(name)


def test_available_interfaces_says_where_each_comes_from():
    found = available_interfaces()
    assert found["DeepLabCutPoseInterface"] == "poseconv"
    assert found["SpikeGLXRecordingInterface"] == "neuroconv"


def test_register_with_neuroconv_makes_the_yaml_runner_find_them(monkeypatch):
    from neuroconv import datainterfaces

    for name in POSE_INTERFACES:
        monkeypatch.delattr(datainterfaces, name, raising=False)
    added = register_with_neuroconv()
    assert set(added) == set(POSE_INTERFACES)
    assert datainterfaces.DeepLabCutPoseInterface is DeepLabCutPoseInterface
    # neuroconv's own names are never replaced, and the call can be repeated.
    assert datainterfaces.DeepLabCutInterface is not DeepLabCutPoseInterface
    assert register_with_neuroconv() == []
