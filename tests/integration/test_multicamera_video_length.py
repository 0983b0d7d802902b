"""A camera view of a multi-camera session whose rows go past its video: the rule of one camera's poses.

DeepLabCut 2 leaves x = y = likelihood = 0 in the rows of frames a video's header counts and the
video does not decode; those rows hold no poses and are left out (with a warning), as they are for a
single camera. Poses past the video are still refused as another video's.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from poseconv import DeepLabCut3DPoseInterface
from poseconv.errors import InvalidOptionError
from tests.fixtures.multicamera import DLC_3D_CONFIG, DLC_3D_DIR


def _session_with_rows_past_camera_1(tmp_path, value: float):
    """Copy the DeepLabCut 3D session and give camera-1's 2D table three rows past its 12-frame video."""
    folder = tmp_path / "session"
    shutil.copytree(DLC_3D_DIR, folder)
    table = folder / "vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10.h5"
    poses = pd.read_hdf(table)
    past = pd.DataFrame(np.full((3, poses.shape[1]), value), columns=poses.columns, index=range(12, 15))
    pd.concat([poses, past]).to_hdf(table, key="df_with_missing", format="table", mode="w")
    return folder / "vid1_DLC_3D.h5"


def test_all_zero_rows_past_a_camera_video_are_left_out(tmp_path):
    three_d = _session_with_rows_past_camera_1(tmp_path, 0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        interface = DeepLabCut3DPoseInterface(file_path=three_d, config_file_path=DLC_3D_CONFIG)
    frames = {camera: view.tracks[0].n_frames for camera, view in interface.session.views.items()}
    assert frames == {"camera-1": 12, "camera-2": 12}
    said = [str(w.message) for w in caught if "rows 12..14 are 0 in every column" in str(w.message)]
    assert len(said) == 1 and "vid1_camera-1.avi" in said[0]


def test_poses_past_a_camera_video_are_refused(tmp_path):
    three_d = _session_with_rows_past_camera_1(tmp_path, 5.0)
    with pytest.raises(InvalidOptionError, match=r"has only 12.*--video"):
        DeepLabCut3DPoseInterface(file_path=three_d, config_file_path=DLC_3D_CONFIG)
