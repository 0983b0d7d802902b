"""Frame times written for videos as cameras and tools write them, compared with what a decoder gives.

Each video is written with PyAV beside DeepLabCut predictions of one row per frame it decodes, then
``poseconv convert`` runs as a user runs it; every pose time in the NWB file is compared with the time PyAV
decodes that frame at (from the first frame's), value by value.
"""

from __future__ import annotations

import pickle
from fractions import Fraction
from pathlib import Path

import h5py
import numpy as np
import pytest

from tests.fixtures.cli import poseconv_in_process as poseconv
from tests.fixtures.deeplabcut import write_dlc_file
from tests.unit.test_video_frame_rules import decoded_times, remux_from, write

SCORER = "DLC_resnet50_testJan1shuffle1_100"
START = "2024-05-01T10:00:00+00:00"


def predictions_beside(video: Path, n_frames: int, *, meta_fps: float | None = None) -> Path:
    """Write DeepLabCut's predictions for ``video`` beside it (row k: nose at x = k), and its _meta.pickle."""
    nose = np.column_stack([np.arange(n_frames, dtype="float64"), np.full(n_frames, 20.0)])
    table = write_dlc_file(video.parent / f"{video.stem}{SCORER}.h5", {"nose": nose}, scorer=SCORER)
    if meta_fps is not None:
        data = {"fps": meta_fps, "nframes": n_frames, "frame_dimensions": (48, 64), "Scorer": SCORER}
        (video.parent / f"{video.stem}{SCORER}_meta.pickle").write_bytes(pickle.dumps({"data": data}))
    return table


def written_times(nwb_path: Path) -> tuple[np.ndarray, float | None]:
    """Return the nose series' time of each frame, and its rate when written as a rate."""
    with h5py.File(nwb_path, "r") as nwb:
        series = nwb["processing/behavior/PoseEstimation/nose"]
        n_frames = series["data"].shape[0]
        if "timestamps" in series:
            return series["timestamps"][()], None
        rate = float(series["starting_time"].attrs["rate"])
        return float(series["starting_time"][()]) + np.arange(n_frames) / rate, rate


def convert(table: Path, *options: object) -> tuple[Path, str]:
    out = table.parent / "out.nwb"
    result = poseconv("convert", table, "-o", out, "--session-start-time", START, *options)
    assert result.returncode == 0, result.stderr
    return out, result.stderr


@pytest.mark.parametrize(
    ("name", "pts", "options"),
    [
        # An MP4 with a timescale of the rate, frame 30 missing: 29.51 fps was written, 59 of 60 times wrong.
        ("cam.mp4", [i for i in range(61) if i != 30], {"container_options": {"video_track_timescale": "30"}}),
        # A camera's MJPEG AVI with a frame dropped (an empty chunk): 30 fps, frames 30-59 each 33 ms early.
        ("cam.avi", [i for i in range(61) if i != 30], {"codec": "mjpeg", "pix_fmt": "yuvj420p"}),
    ],
    ids=["mp4", "avi"],
)
def test_a_video_with_a_frame_missing_gives_each_pose_the_time_of_its_frame(tmp_path, name, pts, options):
    video = write(tmp_path / name, pts, **options)
    out, _ = convert(predictions_beside(video, len(pts)))
    times, rate = written_times(out)
    assert rate is None
    np.testing.assert_allclose(times, decoded_times(video), atol=1e-9)


@pytest.mark.parametrize("rate", [Fraction(30000, 1001), Fraction(30)])
def test_a_rate_rounded_to_milliseconds_is_written_as_that_rate(tmp_path, rate):
    # Matroska's millisecond times of 29.97 fps are 33 or 34 ms apart: one rate, within a millisecond of each.
    video = write(
        tmp_path / "cam.mkv", [round(i * 1000 / rate) for i in range(60)], time_base=Fraction(1, 1000), rate=rate
    )
    out, _ = convert(predictions_beside(video, 60))
    times, written = written_times(out)
    assert written == pytest.approx(float(rate))
    np.testing.assert_allclose(times, decoded_times(video), atol=1e-3)


def test_a_clip_starting_between_key_frames_has_the_frames_decoders_give(tmp_path):
    # `ffmpeg -ss ... -c copy -copyinkf`: 24 packets, 20 frames decoded (what DeepLabCut analysed). The
    # poses were "taken to be its first 20 frames" of 24, and their times one frame off.
    source = write(tmp_path / "source.mp4", range(30), options={"g": "10"})
    folder = tmp_path / "clip"
    folder.mkdir()
    video = remux_from(source, folder / "cam.mp4", first_packet=6)
    decoded = decoded_times(video)
    out, stderr = convert(predictions_beside(video, len(decoded)))
    assert "the video cam.mp4 has" not in stderr
    np.testing.assert_allclose(written_times(out)[0], decoded, atol=1e-9)


def test_an_mpeg4_clip_starting_between_key_frames_has_the_frames_decoders_give(tmp_path):
    # OpenCV's mp4v writer (DeepLabCut users' videos): MPEG-4 decoders show the frames before the first
    # key frame, which H.264's do not. Counted as H.264's, the clip had 20 frames of the 26 DeepLabCut analysed.
    options = {"g": "10", "sc_threshold": "1000000000"}
    source = write(tmp_path / "source.avi", range(30), codec="mpeg4", options=options)
    folder = tmp_path / "clip"
    folder.mkdir()
    video = remux_from(source, folder / "cam.mp4", first_packet=4)
    decoded = decoded_times(video)
    assert len(decoded) == 26
    out, stderr = convert(predictions_beside(video, len(decoded)))
    assert "the video cam.mp4 has" not in stderr
    times, rate = written_times(out)
    assert rate == 30
    np.testing.assert_allclose(times, decoded, atol=1e-9)


def test_a_high_rate_in_milliseconds_is_written_as_that_rate(tmp_path):
    # 400 fps in Matroska: frames 2 or 3 ms apart. Taken for a frame missing, the times were written rounded.
    video = write(tmp_path / "cam.mkv", [round(i * 2.5) for i in range(200)], time_base=Fraction(1, 1000), rate=400)
    out, _ = convert(predictions_beside(video, 200))
    times, rate = written_times(out)
    assert rate == 400
    np.testing.assert_allclose(times, decoded_times(video), atol=1e-3)


def test_a_raw_h264_stream_takes_the_rate_given(tmp_path):
    # raspivid / libcamera-vid: the packets have no times; every conversion was refused ("has only 0 frames").
    video = write(tmp_path / "cam.h264", range(12), fmt="h264")
    table = predictions_beside(video, 12)
    refused = poseconv("convert", table, "-o", tmp_path / "no.nwb", "--session-start-time", START)
    assert refused.returncode != 0
    assert "no frame rate is recorded" in refused.stderr and "--fps" in refused.stderr
    assert "0 frames" not in refused.stderr
    # Not "it could not be read": the stream was read, and records no times.
    assert "records none (a raw video stream has no frame times)" in refused.stderr
    out, stderr = convert(table, "--fps", 30, "--video", video)
    times, rate = written_times(out)
    assert rate == 30 and len(times) == 12
    assert "25 fps" not in stderr


def test_a_raw_mjpeg_stream_takes_the_rate_deeplabcut_recorded(tmp_path):
    # FFmpeg times a raw MJPEG stream at 25 fps: that was written over the _meta.pickle's 30, with a warning.
    video = write(tmp_path / "cam.mjpeg", range(12), codec="mjpeg", pix_fmt="yuvj420p", fmt="mjpeg")
    out, stderr = convert(predictions_beside(video, 12, meta_fps=30.0))
    times, rate = written_times(out)
    assert rate == 30 and len(times) == 12
    assert "25 fps" not in stderr
    with h5py.File(out, "r") as nwb:
        comments = nwb["processing/behavior/PoseEstimation/nose"].attrs["comments"]
    assert "video container" not in comments


def test_the_video_linked_has_the_times_of_the_poses(tmp_path):
    # The ImageSeries of a video with a frame missing is timed as its poses, frame by frame.
    pts = [i for i in range(61) if i != 30]
    video = write(tmp_path / "cam.mp4", pts, container_options={"video_track_timescale": "30"})
    out, _ = convert(predictions_beside(video, len(pts)))
    with h5py.File(out, "r") as nwb:
        (series,) = (item for item in nwb["acquisition"].values() if "external_file" in item)
        np.testing.assert_allclose(series["timestamps"][()], decoded_times(video), atol=1e-9)
