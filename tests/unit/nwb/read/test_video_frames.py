"""Stored pose times that skip frames, numbered by video frame (:mod:`poseconv.nwb.read.video_frames`)."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.model import FrameTiming
from poseconv.nwb.read.video_frames import frames_on_video

FRAMES = np.array([3, 4, 5, 9, 10, 12])


def place(base, video_times=None, recovered_rate=None):
    return frames_on_video(base, video_times=video_times, recovered_rate=recovered_rate, path="f.nwb", video="v")


def test_times_with_gaps_go_to_the_linked_videos_frames():
    # The video's clock starts at 100 s: its frame k is at 100 + k / 25, whatever the poses' first time.
    rate = FrameTiming(rate=25.0, starting_time=100.0)
    frames, timing = place(100.0 + FRAMES / 25.0, rate)
    np.testing.assert_array_equal(frames, FRAMES)
    assert timing is rate
    # A video of irregular frame times: each pose is the frame of its time, the times are the video's.
    stamps = np.cumsum(np.r_[0.0, np.where(np.arange(20) % 3, 0.04, 0.041)])
    frames, timing = place(stamps[FRAMES], FrameTiming(timestamps=stamps))
    np.testing.assert_array_equal(frames, FRAMES)
    np.testing.assert_array_equal(timing.timestamps, stamps[: FRAMES[-1] + 1])


def test_times_with_gaps_without_a_video_are_frames_of_their_step_from_time_zero():
    with pytest.warns(PoseconvWarning, match="time 0 is frame 0"):
        frames, timing = place(FRAMES / 30.0)
    np.testing.assert_array_equal(frames, FRAMES)
    assert timing.rate == pytest.approx(30.0) and timing.starting_time == 0.0


def test_times_without_gaps_go_to_the_linked_videos_frames():
    # A segment from 10 s of a 30 fps video: frames 300.. (they were rows 0.., exported as frames 0..).
    video = FrameTiming(rate=30.0, starting_time=0.0)
    frames, timing = place(10.0 + np.arange(100) / 30.0, video)
    np.testing.assert_array_equal(frames, 300 + np.arange(100))
    assert timing is video
    # Every 2nd frame, at 15 Hz: frames 0, 2, 4, ...
    frames, timing = place(np.arange(100) / 15.0, video)
    np.testing.assert_array_equal(frames, 2 * np.arange(100))
    stamps = np.cumsum(np.r_[0.0, np.where(np.arange(40) % 3, 0.04, 0.041)])
    frames, timing = place(stamps[5:25], FrameTiming(timestamps=stamps))
    np.testing.assert_array_equal(frames, np.arange(5, 25))
    np.testing.assert_array_equal(timing.timestamps, stamps[:25])
    # The video's own times (what poseconv writes): rows are frames already.
    assert place(np.arange(100) / 30.0, video) is None
    assert place(stamps[:20], FrameTiming(timestamps=stamps)) is None


def test_times_that_are_rows_or_no_frames_are_left_as_rows():
    # No gap and no linked video: frame 0 is the first stored time (the clock may have been moved), as before.
    assert place(5.0 + np.arange(10) / 30.0) is None
    # Times between the video's frames (a clock moved for the poses only): rows.
    assert place(5.01 + np.arange(10) / 30.0, FrameTiming(rate=30.0, starting_time=0.0)) is None
    # Gaps that are no whole multiples of one step, and times that are no frames of the video: rows.
    assert place(np.array([0.0, 0.1, 0.25, 0.3001])) is None
    assert place(np.array([0.0, 0.1, 0.5]), FrameTiming(rate=7.0, starting_time=0.0)) is None
    # Frames 0, 1, 2, ...: nothing to place.
    assert place(np.arange(5) / 30.0, recovered_rate=30.0) is None


def test_recovered_frame_numbers_start_at_frame_zero_without_a_gap():
    # sleap-io's frame x fps times, recovered as frame / fps: a series from frame 10 is frames 10 on.
    frames, timing = place(np.arange(10, 15) / 30.0, recovered_rate=30.0)
    np.testing.assert_array_equal(frames, np.arange(10, 15))
    assert timing.rate == 30.0 and timing.starting_time == 0.0


def test_late_or_epoch_times_with_a_dropped_frame_are_never_put_on_a_grid_from_time_zero():
    frames = np.delete(np.arange(60), 30)
    jitter = np.random.default_rng(0).normal(0, 0.0003, len(frames))
    # Jittered camera times hours into a session or on a Unix-epoch clock: rows as stored (they were snapped
    # to 615,303 frames from time 0, or 52 billion: a MemoryError).
    for start in (20000.0123, 1.7e9):
        assert place(start + frames / 30.0 + jitter) is None
    # Exact times on a Unix-epoch clock: frame 0 is the first stored time, the dropped frame a gap.
    with pytest.warns(PoseconvWarning, match="read as frames from the first stored time"):
        placed, timing = place(1.7e9 + frames / 30.0)
    np.testing.assert_array_equal(placed, frames)
    assert timing.starting_time == 1.7e9 and timing.rate == pytest.approx(30.0, rel=1e-6)
    # Times that are frame / fps of a long video whose poses start late keep their video frames.
    late = np.r_[np.arange(100000, 100500), np.arange(100600, 105000)]
    with pytest.warns(PoseconvWarning, match="time 0 is frame 0"):
        placed, timing = place(late / 30.0)
    np.testing.assert_array_equal(placed, late)
    assert timing.starting_time == 0.0


def test_times_rounded_to_float32_hours_into_a_recording_are_still_the_videos_frames():
    # A video whose frame times a writer kept as float32 (hdmf stores them as float64 unchanged): an hour in,
    # float32 moves a time by up to 0.12 ms, 0.4 % of a 30 fps frame. The poses, at exact times and stored only
    # where an animal was seen, were numbered by row (with a warning): every pose after a gap on another frame.
    exact = 3600.0 + np.arange(400) / 30.0
    rounded = exact.astype("float32").astype("float64")
    assert np.abs(rounded - exact).max() > 1e-3 / 30.0  # more than the tolerance for float64 rounding
    frames, timing = place(exact[FRAMES], FrameTiming(timestamps=rounded))
    np.testing.assert_array_equal(frames, FRAMES)
    # The other way round: float32 pose times on a video timed by its rate from 3600 s.
    frames, timing = place(rounded[FRAMES], FrameTiming(rate=30.0, starting_time=3600.0))
    np.testing.assert_array_equal(frames, FRAMES)
    # A clock moved for the poses only (by a tenth of a frame) is still no frame of the video.
    with pytest.warns(PoseconvWarning, match="not all frame times of the video"):
        assert place(exact[FRAMES] + 0.1 / 30.0, FrameTiming(timestamps=rounded)) is None


@pytest.mark.parametrize(
    ("video_times", "frames"),
    [
        # A Unix-epoch camera clock at 30 fps, poses from minute 10 of 20: a float32 step there is 128 s.
        (1.7e9 + np.arange(36000) / 30.0, np.arange(18000, 36000, 7)),
        # A 1000 fps camera 3 h into a recording: float32 steps (1 ms) are a whole frame.
        (10800.0 + np.arange(5000) / 1000.0, np.arange(100, 5000, 3)),
    ],
    ids=["epoch-clock", "1000-fps"],
)
def test_float32_slack_never_moves_a_pose_to_another_frame(video_times, frames):
    # The slack of two float32 steps, not capped by the frame, put each pose on the earliest frame within it:
    # frame 18000 read on frame 10320, or every pose one frame early, silently.
    placed, _ = place(video_times[frames], FrameTiming(timestamps=video_times))
    np.testing.assert_array_equal(placed, frames)
