"""movement export: the warning of poses in a crop's pixels names the file written, as the DeepLabCut export's."""

from __future__ import annotations

import dataclasses

import pytest

from poseconv.errors import PoseconvWarning
from poseconv.exporters.movement import to_movement_dataset
from poseconv.testing.mock import mock_pose_data

pytest.importorskip("movement")


def _cropped():
    pose = mock_pose_data(n_frames=3)
    [key] = pose.videos
    return dataclasses.replace(pose, notes={"videos": {key: {"crop": [10, 5, 50, 40]}}})


def test_crop_warning_names_the_output_file(tmp_path):
    with pytest.warns(PoseconvWarning, match="add \\(10, 5\\)") as said:
        to_movement_dataset(_cropped(), output=tmp_path / "out_c1.nc")
    [message] = [str(w.message) for w in said if "crop" in str(w.message)]
    assert message.startswith("out_c1.nc: ") and "out_c1.nc records no crop" in message


def test_crop_warning_without_a_file_names_the_dataset():
    with pytest.warns(PoseconvWarning, match="the movement dataset records no crop"):
        to_movement_dataset(_cropped())
