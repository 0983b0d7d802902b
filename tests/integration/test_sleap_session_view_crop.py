"""A camera of a SLEAP recording session whose video is a virtual crop keeps the crop through NWB.

One camera's poses say their crop in each series' reference frame; a session's views said nothing, so the
read-back (and the exports and plots, which place the poses on the whole video by the crop's corner) took
the crop's coordinates for the whole frame's.
"""

from __future__ import annotations

import h5py
import pytest

from poseconv.nwb.read.multicamera import read_multicamera
from tests.fixtures.sleap_session_groups import edited_session_nwb

sio = pytest.importorskip("sleap_io")

CROP = [10, 20, 110, 120]  # x1, y1, x2, y2


def test_a_cropped_view_says_its_crop_and_reads_back_with_it(tmp_path):
    def crop_camera_1(labels):
        labels.videos[1].backend_metadata.update(crop=CROP, source_shape=[3, 480, 640, 1], shape=[3, 100, 100, 1])

    path = edited_session_nwb(tmp_path, crop_camera_1)
    with h5py.File(path, "r") as handle:
        view = handle["processing/behavior/MultiCameraPoseEstimation_a/PoseEstimation_cam1"]
        assert "crop of this video (x 10 to 110, y 20 to 120" in view["description"][()].decode()
        assert "add (10, 20) to place them" in view["n1/reference_frame"][()].decode()
        whole = handle["processing/behavior/MultiCameraPoseEstimation_a/PoseEstimation_cam0"]
        assert "crop" not in whole["n1/reference_frame"][()].decode()
    (session,) = read_multicamera(path)
    assert session.views["cam1"].notes["videos"]["cam1"]["crop"] == CROP
    assert "crop" not in (session.views["cam0"].notes.get("videos") or {}).get("cam0", {})
