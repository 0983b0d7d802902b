"""Which 2D predictions a DeepLabCut 3D file was triangulated from: DeepLabCut's names, each variant found."""

from __future__ import annotations

import pytest

from poseconv.readers.deeplabcut.camera_files import find_camera_files, triangulation_base
from poseconv.readers.safety.safe_pickle import load_metadata_pickle
from tests.fixtures.multicamera import DLC_3D_H5, DLC_3D_META, DLC_CAMERA_FILES


@pytest.mark.parametrize(
    ("video_stem", "camera", "base"),
    [
        ("vid1_camera-1", "camera-1", "vid1"),
        ("camera-1_vid1", "camera-1", "vid1"),
        ("day1-camera-2-trial3", "camera-2", "day1_trial3"),
        ("camera-1", "camera-1", ""),
        ("vid1_top", "camera-1", None),
    ],
)
def test_triangulation_base_follows_deeplabcut_naming(video_stem, camera, base):
    assert triangulation_base(video_stem, camera) == base


def test_find_camera_files_lists_each_variant():
    found = find_camera_files(
        DLC_3D_H5, ["camera-1", "camera-2"], load_metadata_pickle(DLC_3D_META)["scorer_name"], scorer_3d="DLC_3D"
    )
    assert sorted(found["camera-1"]) == ["", "filtered"]
    assert found["camera-2"][""] == DLC_CAMERA_FILES["camera-2"]
    # The .h5 wins over the .csv of the same name.
    assert found["camera-2"]["filtered"].suffix == ".h5"
