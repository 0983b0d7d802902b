"""The cameras of a multi-camera rig: a camera without intrinsics keeps nothing a CalibratedCamera would."""

from __future__ import annotations

import numpy as np
import pytest
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import MetadataError
from poseconv.model.multicamera import CameraCalibration
from poseconv.nwb.write.calibrated_camera import get_or_add_camera


def test_extrinsics_given_to_a_camera_without_intrinsics_are_refused_naming_them():
    # Written as a plain Device, the camera lost them without a word (neuroconv's NWBConverter composes no metadata).
    entry = {"name": "top", "rotation_matrix": np.eye(3).tolist(), "translation_vector": [10.0, 20.0, 30.0]}
    nwbfile = mock_NWBFile()
    with pytest.raises(MetadataError, match=r"\['top'\] gives rotation_matrix, translation_vector but no intrinsic"):
        get_or_add_camera(nwbfile, {"CalibratedCameras": {"top": entry}}, "top", CameraCalibration(name="top"))
    assert "top" not in nwbfile.devices


def test_a_camera_without_intrinsics_given_the_pose_files_values_is_a_device():
    # The pose files' own values (handed back by a form) and the default unit are no values of the user's.
    calibration = CameraCalibration(name="top", image_size=(640, 480))
    entry = {"name": "top", "image_size": [640, 480], "unit": "n.a."}
    camera = get_or_add_camera(mock_NWBFile(), {"CalibratedCameras": {"top": entry}}, "top", calibration)
    assert type(camera).__name__ == "Device"
