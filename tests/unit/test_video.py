"""Frame count, size and times of the videos poses were estimated on (poseconv.video)."""

from __future__ import annotations

import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.video import probe_video
from tests.fixtures.video import write_tiff_stack


def test_a_tiff_stack_has_a_frame_a_page_and_no_frame_times(tmp_path):
    # FFmpeg's demuxer reads only the first page of a stack: counted with it, every stack had one frame.
    write_tiff_stack(tmp_path / "stack.tif")
    probe = probe_video(tmp_path / "stack.tif")
    assert (probe.n_frames, probe.frame_size) == (12, (24, 32))
    assert probe.timing() is None


def test_a_file_named_tif_that_is_not_an_image_names_the_file(tmp_path):
    (tmp_path / "broken.tif").write_bytes(b"not a tiff")
    with pytest.raises(InvalidSourceFileError, match=r"broken\.tif: cannot be read as a TIFF image stack"):
        probe_video(tmp_path / "broken.tif")


def test_a_found_video_that_cannot_be_read_is_a_warning_a_named_one_an_error(tmp_path):
    from poseconv.errors import PoseconvWarning
    from poseconv.video import probe_found_video

    (tmp_path / "cam.mp4").write_bytes(b"truncated" * 20)
    with pytest.warns(PoseconvWarning, match=r"poses\.slp: the video found for it \(.*\) gives no frame count"):
        assert probe_found_video(tmp_path / "cam.mp4", "poses.slp") is None
    with pytest.raises(InvalidSourceFileError, match=r"cam\.mp4: cannot be read as a video"):
        probe_video(tmp_path / "cam.mp4")


def test_a_video_not_downloaded_from_its_data_repository_says_so(tmp_path):
    (tmp_path / "cam.mp4").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 9\n")
    with pytest.raises(InvalidSourceFileError, match=r"cam\.mp4: is a Git LFS pointer"):
        probe_video(tmp_path / "cam.mp4")
