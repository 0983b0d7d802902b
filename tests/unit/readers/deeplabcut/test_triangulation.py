"""Re-triangulation of DeepLabCut's stereo pair, as DeepLabCut computes it."""

from __future__ import annotations

from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.triangulation import retriangulation_error
from poseconv.readers.safety.safe_pickle import load_metadata_pickle
from tests.fixtures.multicamera import DLC_3D_H5, DLC_3D_META, DLC_CAMERA_FILES


def _stereo():
    return load_metadata_pickle(DLC_3D_META)["stereo_matrix"]


def test_real_3d_point_is_retriangulated_from_the_unfiltered_views():
    pose_3d = read_deeplabcut(DLC_3D_H5, find_side_files=False)
    views = [read_deeplabcut(DLC_CAMERA_FILES[c], find_side_files=False) for c in ("camera-1", "camera-2")]
    assert retriangulation_error(pose_3d, views, _stereo()) < 1e-9
