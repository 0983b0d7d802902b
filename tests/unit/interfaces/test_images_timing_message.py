"""The error asking a frame rate says when the frames are image files (which record no time), not a video."""

from __future__ import annotations

import pytest

from poseconv.errors import MetadataError
from tests.fixtures.paths import SHARED_DATA, needs_shared_data
from tests.unit.readers.sleap.test_videos import _slp_with_old_videos

sio = pytest.importorskip("sleap_io")


def test_single_image_videos_without_a_rate_are_said_to_be_images(tmp_path):
    # Before: "no frame rate is recorded for video 'img0', and no video was found to read one from".
    from poseconv import SLEAPPoseInterface

    backend = {"height_": 48, "width_": 64, "channels_": 1, "grayscale": True, "type": "SingleImageVideo"}
    _slp_with_old_videos(tmp_path / "old.slp", [{**backend, "filename": f"imgs/img{i}.png"} for i in range(2)])
    with pytest.raises(MetadataError, match=r"video 'img0' \(image files, not a video file\)") as raised:
        SLEAPPoseInterface(tmp_path / "old.slp").get_original_timestamps()
    assert "image files record no frame times" in str(raised.value) and "--fps" in str(raised.value)
    SLEAPPoseInterface(tmp_path / "old.slp", sampling_frequency=30.0).get_original_timestamps()


@needs_shared_data
def test_a_video_named_otherwise_in_nwb_is_said_with_the_path_the_tool_recorded():
    # Before: "video '072212_173836_0-3200'", a name the file does not hold (its NWB name).
    from poseconv import SLEAPPoseInterface

    with pytest.raises(MetadataError) as raised:
        SLEAPPoseInterface(SHARED_DATA / "sleap/tests/data/hdf5_format_v1/single_fly.h5").get_original_timestamps()
    assert "video '072212_173836_0-3200' (recorded as 'D:/TalmoLab/datasets/072212_173836@0-3200.mp4')" in str(
        raised.value
    )
