"""Which packets of a video are frames, and when its times are a constant rate (poseconv.video).

Each video is written here with PyAV as a camera or a tool writes it, and each expectation is what a
decoder (PyAV, OpenCV in DeepLabCut) gives for it: its frames and their presentation times.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from poseconv.video import probe_video


def write(
    path: Path,
    pts,
    *,
    time_base: Fraction = Fraction(1, 30),
    rate: Fraction = Fraction(30),
    codec: str = "libx264",
    pix_fmt: str = "yuv420p",
    fmt: str | None = None,
    container_options: dict | None = None,
    options: dict | None = None,
) -> Path:
    """Write a 64 x 48 video whose frames have presentation times ``pts`` (in ``time_base`` units)."""
    with av.open(str(path), "w", format=fmt, options=container_options or {}) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = 64, 48, pix_fmt
        stream.codec_context.time_base = time_base
        # No B-frames unless asked: packets in display order, as most cameras write them.
        stream.options = {"bf": "0", **(options or {})} if codec == "libx264" else options or {}
        for i, value in enumerate(pts):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 7 % 256, np.uint8), format="rgb24")
            frame.pts, frame.time_base = value, time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def decoded_times(path: Path) -> np.ndarray:
    """Return the time of each frame PyAV decodes, from the first one's."""
    with av.open(str(path)) as container:
        times = np.array([frame.time for frame in container.decode(container.streams.video[0])], dtype="float64")
    return times - times[0]


def remux_from(source: Path, path: Path, first_packet: int) -> Path:
    """Copy ``source``'s packets from ``first_packet`` on (decode order), as ``ffmpeg -ss ... -c copy -copyinkf``."""
    with av.open(str(source)) as reader, av.open(str(path), "w") as writer:
        stream = reader.streams.video[0]
        output = writer.add_stream_from_template(stream)
        for index, packet in enumerate(reader.demux(stream)):
            if packet.size and index >= first_packet:
                packet.stream = output
                writer.mux(packet)
    return path


# --- a frame missing is never a constant rate ---


def test_a_frame_missing_where_the_time_base_is_the_frame_period_gives_each_frame_its_time(tmp_path):
    # An MP4 written with a timescale of the rate (1/30 s): frame 30 missing moves the frames after it by one
    # time-base step, which the rounding allowed; the rate 29.51 was written, 59 of 60 times wrong by up to 17 ms.
    pts = [i for i in range(61) if i != 30]
    video = write(tmp_path / "cam.mp4", pts, container_options={"video_track_timescale": "30"})
    probe = probe_video(video)
    assert probe.constant_rate is None
    np.testing.assert_allclose(probe.timing().times(60), np.array(pts) / 30, atol=1e-12)
    np.testing.assert_allclose(probe.timestamps, decoded_times(video), atol=1e-12)


def test_an_avi_with_an_empty_chunk_gives_each_frame_its_time(tmp_path):
    # AVI's time base is always the frame period; a frame the camera dropped is an empty chunk. Read as
    # 30 fps, frames 30 to 59 were each put 33 ms early.
    pts = [i for i in range(61) if i != 30]
    video = write(tmp_path / "cam.avi", pts, codec="mjpeg", pix_fmt="yuvj420p")
    probe = probe_video(video)
    assert probe.n_frames == 60 and probe.constant_rate is None
    np.testing.assert_allclose(probe.timing().times(60), decoded_times(video), atol=1e-12)
    assert probe.timing().times(60)[30] == pytest.approx(31 / 30)


def test_every_tenth_frame_missing_gives_each_frame_its_time(tmp_path):
    pts = [i for i in range(67) if i % 10 != 9]
    probe = probe_video(write(tmp_path / "cam.mp4", pts, container_options={"video_track_timescale": "30"}))
    assert probe.constant_rate is None
    np.testing.assert_allclose(probe.timestamps, np.array(pts) / 30, atol=1e-12)


@pytest.mark.parametrize("rate", [Fraction(30000, 1001), Fraction(30)])
def test_a_rate_rounded_to_milliseconds_stays_a_constant_rate(tmp_path, rate):
    # Matroska's times are milliseconds: frames 33 or 34 ms apart are one rate, written as that rate.
    pts = [round(i * 1000 / rate) for i in range(60)]
    probe = probe_video(write(tmp_path / "cam.mkv", pts, time_base=Fraction(1, 1000), rate=rate))
    assert probe.constant_rate == pytest.approx(float(rate))


# Time bases of a step more than a third of the frame period: Matroska's 1 ms at 400 and 600 fps, MP4s with a
# timescale of 1.5 or 2.4 times the rate.
COARSE_TIME_BASES = [
    pytest.param(".mkv", 1000, 400, id="mkv-400fps"),
    pytest.param(".mkv", 1000, 600, id="mkv-600fps"),
    pytest.param(".mp4", 90, 60, id="mp4-60fps-timescale-90"),
    pytest.param(".mp4", 45, 30, id="mp4-30fps-timescale-45"),
    pytest.param(".mp4", 60, 25, id="mp4-25fps-timescale-60"),
    pytest.param(".mp4", 30, 25, id="mp4-25fps-timescale-30"),
]


def write_rounded(path: Path, timescale: int, fps: int, frames) -> tuple[Path, list[int]]:
    """Write frames ``frames`` of a ``fps`` rate, their times rounded to 1 / ``timescale`` s; return the times."""
    pts = [round(i * timescale / fps) for i in frames]
    options = {"container_options": {"video_track_timescale": str(timescale)}} if path.suffix == ".mp4" else {}
    return write(path, pts, time_base=Fraction(1, timescale), rate=Fraction(fps), **options), pts


@pytest.mark.parametrize(("suffix", "timescale", "fps"), COARSE_TIME_BASES)
def test_a_high_rate_rounded_to_a_coarse_time_base_stays_a_constant_rate(tmp_path, suffix, timescale, fps):
    # 400 fps in milliseconds: frames 2 or 3 ms apart, one rate. A gap 1.5 times the shortest was taken for a
    # frame missing, and the times rounded to the millisecond were written instead of the rate.
    video, _ = write_rounded(tmp_path / f"cam{suffix}", timescale, fps, range(200))
    assert probe_video(video).constant_rate == pytest.approx(fps)


@pytest.mark.parametrize(("suffix", "timescale", "fps"), COARSE_TIME_BASES)
def test_a_frame_missing_at_a_high_rate_gives_each_frame_its_time(tmp_path, suffix, timescale, fps):
    video, pts = write_rounded(tmp_path / f"cam{suffix}", timescale, fps, [i for i in range(201) if i != 100])
    probe = probe_video(video)
    assert probe.constant_rate is None
    np.testing.assert_allclose(probe.timestamps, np.array(pts) / timescale, atol=1e-12)


def test_a_frame_missing_in_milliseconds_gives_each_frame_its_time(tmp_path):
    rate = Fraction(30000, 1001)
    pts = [round(i * 1000 / rate) for i in range(61) if i != 30]
    probe = probe_video(write(tmp_path / "cam.mkv", pts, time_base=Fraction(1, 1000), rate=rate))
    assert probe.constant_rate is None
    np.testing.assert_allclose(probe.timestamps, np.array(pts) / 1000, atol=1e-12)


# --- raw streams: frames counted, no times ---


def test_a_raw_h264_stream_has_its_frames_and_no_frame_times(tmp_path):
    # raspivid and libcamera-vid write raw H.264: its packets have no time, and all were dropped ("the video
    # cam.h264 has only 0 frames"), even with --fps. It records no rate: FFmpeg's 25 fps is not written.
    from poseconv.video import frame_pts, is_raw_stream

    video = write(tmp_path / "cam.h264", range(12), fmt="h264")
    probe = probe_video(video)
    assert (probe.n_frames, probe.frame_size) == (12, (48, 64))
    assert probe.timing() is None
    with av.open(str(video)) as container:
        assert is_raw_stream(container)
        assert frame_pts(container, container.streams.video[0]) == [None] * 12


def test_a_raw_mjpeg_stream_has_its_frames_and_no_frame_times(tmp_path):
    # FFmpeg times a raw MJPEG stream at 25 fps, a rate no camera recorded: it was written, over a
    # _meta.pickle's 30 fps.
    probe = probe_video(write(tmp_path / "cam.mjpeg", range(12), codec="mjpeg", pix_fmt="yuvj420p", fmt="mjpeg"))
    assert probe.n_frames == 12 and probe.timing() is None


@pytest.mark.parametrize(("codec", "fmt", "suffix"), [("mpeg2video", "mpeg2video", ".m2v"), ("mpeg4", "m4v", ".m4v")])
@pytest.mark.parametrize("rate", [Fraction(30000, 1001), Fraction(30)])
def test_a_raw_mpeg_stream_keeps_the_rate_of_its_header(tmp_path, codec, fmt, suffix, rate):
    # MPEG-2 and MPEG-4 Part 2 streams record their frame rate in their header, which FFmpeg times their packets
    # by. Checked against FFmpeg's average rate of a raw stream, 25 fps, the times were written frame by frame.
    video = write(tmp_path / f"cam{suffix}", range(12), codec=codec, fmt=fmt, rate=rate, time_base=1 / rate)
    probe = probe_video(video)
    assert probe.n_frames == 12
    assert probe.constant_rate == pytest.approx(float(rate), rel=1e-12)
    np.testing.assert_allclose(probe.timing().times(12), decoded_times(video), atol=1e-9)


def test_a_video_in_a_container_is_not_a_raw_stream(tmp_path):
    from poseconv.video import frame_pts, is_raw_stream

    video = write(tmp_path / "cam.mp4", range(3), container_options={"video_track_timescale": "30"})
    with av.open(str(video)) as container:
        assert not is_raw_stream(container)
        assert frame_pts(container, container.streams.video[0]) == [0, 1, 2]


# --- packets no decoder shows ---


def test_packets_before_the_first_key_frame_are_not_frames(tmp_path):
    # A clip cut with `ffmpeg -ss ... -c copy -copyinkf`, or a recording started within a group of pictures:
    # decoders start at the first key frame. The packets before it were counted (the poses "taken to be its
    # first frames", one frame off) and the times started with them.
    source = write(tmp_path / "source.mp4", range(30), options={"g": "10"})
    for suffix in (".mp4", ".mkv"):
        clip = remux_from(source, tmp_path / f"clip{suffix}", first_packet=4)
        probe = probe_video(clip)
        assert probe.n_frames == 20 == len(decoded_times(clip))
        np.testing.assert_allclose(probe.timing().times(20), decoded_times(clip), atol=1e-3)


@pytest.mark.parametrize(("codec", "n_frames"), [("mpeg4", 26), ("mpeg2video", 20)])
def test_packets_before_the_first_key_frame_are_frames_where_decoders_show_them(tmp_path, codec, n_frames):
    # MPEG-4 Part 2 (XviD, DivX, OpenCV's mp4v / XVID / FMP4 writers, which DeepLabCut users record with):
    # its decoders show the frames of a clip cut between key frames before the first one, MPEG-2's do not.
    # Counted as H.264's, an MPEG-4 clip had 20 frames of the 26 decoded.
    # A key frame every 10 frames: FFmpeg's MPEG encoders otherwise take each of these plain frames, each a
    # shade lighter, for a new scene, and make it a key frame.
    source = write(tmp_path / "source.avi", range(30), codec=codec, options={"g": "10", "sc_threshold": "1000000000"})
    with av.open(str(source)) as container:
        keys = [packet.is_keyframe for packet in container.demux(container.streams.video[0]) if packet.size]
    assert keys == [index % 10 == 0 for index in range(30)]
    for suffix in (".avi", ".mp4", ".mkv"):
        clip = remux_from(source, tmp_path / f"clip{suffix}", first_packet=4)
        decoded = decoded_times(clip)
        probe = probe_video(clip)
        assert probe.n_frames == n_frames == len(decoded)
        np.testing.assert_allclose(probe.timing().times(n_frames), decoded, atol=1e-3)


def test_an_open_gop_s_leading_frames_after_the_first_key_frame_are_not_frames(tmp_path):
    # x265 (and x264 --open-gop) show B-frames decoded after a key frame before it, which refer to the group
    # before it too: a clip starting within the group before a key frame has none of them decoded either.
    try:
        av.codec.Codec("libx265", "w")
    except av.codec.codec.UnknownCodecError:
        pytest.skip("this PyAV has no HEVC encoder")
    params = "keyint=10:min-keyint=10:bframes=2:scenecut=0:open-gop=1:log-level=error"
    pts = [round(i * 1000 / 30) for i in range(40)]
    source = write(
        tmp_path / "source.mkv", pts, time_base=Fraction(1, 1000), codec="libx265", options={"x265-params": params}
    )
    with av.open(str(source)) as container:
        keys = [i for i, packet in enumerate(container.demux(container.streams.video[0])) if packet.is_keyframe]
    for suffix in (".mp4", ".mkv"):
        clip = remux_from(source, tmp_path / f"clip{suffix}", first_packet=keys[1] - 2)
        probe = probe_video(clip)
        assert probe.n_frames == len(decoded_times(clip)) == 30
        np.testing.assert_allclose(probe.timing().times(30), decoded_times(clip), atol=1e-3)
