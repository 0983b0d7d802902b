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


def _write_mp4(path, pts, rate=30):
    """Write an H.264 .mp4 whose frames have presentation times ``pts`` (in 1/rate s); negative ones are cut."""
    import fractions

    import av
    import numpy as np

    time_base = fractions.Fraction(1, rate)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.codec_context.time_base = time_base
        for i, value in enumerate(pts):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 9, np.uint8), format="rgb24")
            frame.pts, frame.time_base = value, time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode())


def test_packets_an_edit_list_hides_are_not_frames(tmp_path):
    # `ffmpeg -ss ... -c copy` keeps packets before the cut, hidden by the edit list: decoders (OpenCV in
    # DeepLabCut, neuroconv) give 12 frames from 0 s; they were counted (15) and frame 0 put at -0.1 s.
    import numpy as np

    _write_mp4(tmp_path / "cut.mp4", range(-3, 12))
    probe = probe_video(tmp_path / "cut.mp4")
    assert probe.n_frames == 12 and probe.constant_rate == pytest.approx(30)
    np.testing.assert_allclose(probe.timestamps, np.arange(12) / 30, atol=1e-9)
    assert probe.timing().starting_time == 0.0


def test_frames_are_timed_from_the_first_frame_shown(tmp_path):
    # A segment cut without reset_timestamps starts at 5 s: OpenCV and neuroconv time its frame 0 at 0 s, the
    # probe at 5 s (the poses 5 s after the video they are linked to). Variable rate times stay exact.
    import numpy as np

    _write_mp4(tmp_path / "segment.mp4", range(150, 162))
    probe = probe_video(tmp_path / "segment.mp4")
    assert probe.n_frames == 12 and probe.timing().starting_time == 0.0
    pts = [150, 151, 153, 154, 157, 158, 159, 163]
    _write_mp4(tmp_path / "variable.mp4", pts)
    probe = probe_video(tmp_path / "variable.mp4")
    assert probe.constant_rate is None
    np.testing.assert_allclose(probe.timestamps, (np.array(pts) - 150) / 30, atol=1e-9)
