"""A session with no frame times is told the way to give its videos that sessions take: by camera."""

from __future__ import annotations

import pytest

from poseconv.errors import MetadataError
from poseconv.interfaces import SLEAPSessionPoseInterface
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.multicamera import SLEAP_SESSION, SLEAP_SESSION_VIDEOS
from tests.fixtures.paths import needs_shared_data


@needs_shared_data
def test_a_session_without_a_rate_is_told_its_videos_by_camera_and_the_advice_works(tmp_path):
    # The advice was the one-video form (video_file_path=, --video), which a session refuses: following it failed.
    with pytest.raises(MetadataError) as caught:
        SLEAPSessionPoseInterface(file_path=SLEAP_SESSION).get_original_timestamps()
    said = str(caught.value)
    assert "video_file_paths={camera: path}" in said and "-O 'video_file_paths={back: path, ...}'" in said
    assert "video_file_path=" not in said.replace("video_file_paths=", "") and "--video" not in said
    back = SLEAP_SESSION_VIDEOS / "min_session_back.mp4"
    result = poseconv_in_process(
        "convert",
        SLEAP_SESSION,
        "-O",
        f"video_file_paths={{back: {back}}}",
        "-o",
        tmp_path / "a.nwb",
        "--session-start-time",
        "2024-01-01T00:00:00Z",
    )
    assert result.returncode == 0, result.stderr
