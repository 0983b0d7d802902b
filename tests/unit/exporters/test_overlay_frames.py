"""Which frame of a video the overlay decodes for frame i: the frame the probe counts as i, in every container.

The videos are numbered: frame ``n`` of what was encoded carries ``n`` in binary in blocks along its top
(:func:`numbered_image`), which survive H.264, so a test reads which frame it was handed.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from poseconv.errors import InvalidOptionError
from poseconv.exporters.overlay import iter_video_frames
from poseconv.video import probe_video

WIDTH, HEIGHT = 128, 96


def numbered_image(number: int) -> np.ndarray:
    """Return a ``(HEIGHT, WIDTH, 3)`` gray image whose top blocks (8 x 8, white or black) spell ``number``."""
    image = np.full((HEIGHT, WIDTH, 3), 96, np.uint8)
    image[:8] = 0
    for bit in range(8):
        if number >> bit & 1:
            image[:8, 32 + 8 * bit : 40 + 8 * bit] = 255
    return image


def frame_number(rgb: np.ndarray) -> int:
    """Return the number :func:`numbered_image` spelled in a decoded frame (the middle of each block)."""
    blocks = rgb[2:6].astype(float).mean(axis=2)
    return sum(1 << bit for bit in range(8) if blocks[:, 34 + 8 * bit : 38 + 8 * bit].mean() > 160)


def write_numbered_video(
    path: Path, pts, *, time_base: Fraction = Fraction(1, 30), bframes: int = 0, format: str | None = None
) -> Path:
    """Write an H.264 video of frames numbered 0, 1, ... with presentation times ``pts`` (in ``time_base``).

    In an MP4, negative times are cut by an edit list, as ``ffmpeg -ss ... -c copy`` cuts a clip: their
    packets stay in the file, and no decoder shows them.
    """
    with av.open(str(path), "w", format=format) as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.codec_context.time_base = time_base
        stream.options = {"bf": str(bframes)}
        for number, value in enumerate(pts):
            frame = av.VideoFrame.from_ndarray(numbered_image(number), format="rgb24")
            frame.pts, frame.time_base = value, time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def _numbers(video: Path, indices: list[int]) -> list[int]:
    got = list(iter_video_frames(video, indices))
    assert [index for index, _ in got] == indices
    return [frame_number(frame.to_ndarray(format="rgb24")) for _, frame in got]


def test_packets_an_edit_list_hides_are_no_frames(tmp_path):
    # Cut 6 frames in: its 6 first packets stay, hidden. They were frames 0-5 to the overlay (the probe counts
    # 20 frames, the overlay 26): pose 6 was drawn on video frame 0, and frames 0-5 gave nothing at all.
    video = write_numbered_video(tmp_path / "cut.mp4", range(-6, 20))
    assert probe_video(video).n_frames == 20
    assert _numbers(video, [0]) == [6]
    assert _numbers(video, [0, 7, 19]) == [6, 13, 25]
    with pytest.raises(InvalidOptionError, match="has 20 frames; frame 20"):
        list(iter_video_frames(video, [20]))


def test_a_seek_that_gives_no_frame_decodes_from_the_start(tmp_path):
    # PyAV's MPEG-TS with B-frames (first decode time 0): FFmpeg's seek lands after the only key frame and the
    # decoder gives nothing; every frame "could not be decoded".
    video = write_numbered_video(
        tmp_path / "cam.ts", [3000 * i for i in range(20)], time_base=Fraction(1, 90000), bframes=2
    )
    assert _numbers(video, [0]) == [0]
    assert _numbers(video, [3, 10, 19]) == [3, 10, 19]


def test_a_raw_stream_s_frames_are_counted_from_its_start(tmp_path):
    # A raw H.264 stream records no frame times, and FFmpeg cannot seek back in it.
    video = write_numbered_video(tmp_path / "cam.h264", range(12), format="h264")
    assert _numbers(video, [0, 5, 11]) == [0, 5, 11]
    with pytest.raises(InvalidOptionError, match="has 12 frames; frame 12"):
        list(iter_video_frames(video, [12]))
