"""Frame numbers and times behind a stored rate of 0.0, and sleap-io's frame x fps times."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.nwb.read.frame_times import FrameTimes, UnknownRate, frame_numbers, frame_step, recover_frame_times


def test_rate_zero_series_take_their_frames_from_the_step_of_the_others():
    series = [
        ("full", np.zeros(0), UnknownRate(starting_time=60.0, n_samples=3, rate=0.0)),
        ("gaps", np.array([0.0, 30.0, 90.0, 150.0]), None),
    ]
    numbers, step = frame_numbers(series, "f.nwb", "video")
    assert step == 30.0
    np.testing.assert_array_equal(numbers[0], [2, 3, 4])
    np.testing.assert_array_equal(numbers[1], [0, 1, 3, 5])


def test_rate_zero_series_alone_are_numbered_from_zero_when_they_start_together():
    unknown = UnknownRate(starting_time=0.0, n_samples=4, rate=0.0)
    numbers, step = frame_numbers([("a", np.zeros(4), unknown), ("b", np.zeros(4), unknown)], "f.nwb", "v")
    assert step is None
    np.testing.assert_array_equal(numbers[1], [0, 1, 2, 3])


def test_rate_zero_series_starting_apart_without_a_step_are_refused():
    series = [
        ("a", np.zeros(2), UnknownRate(starting_time=0.0, n_samples=2, rate=0.0)),
        ("b", np.zeros(2), UnknownRate(starting_time=25.0, n_samples=2, rate=0.0)),
    ]
    with pytest.raises(InvalidSourceFileError, match=r"f.nwb: .*different starting times \(\[0.0, 25.0\]\)"):
        frame_numbers(series, "f.nwb", "v")


def test_times_that_are_no_whole_multiples_of_one_step_are_refused():
    series = [
        ("a", np.zeros(0), UnknownRate(starting_time=0.0, n_samples=2, rate=0.0)),
        ("b", np.array([0.0, 0.4, 1.0]), None),
    ]
    with pytest.raises(InvalidSourceFileError, match="not whole multiples of one frame step"):
        frame_numbers(series, "f.nwb", "v")


def test_sleap_io_frame_times_fps_become_seconds_with_a_warning():
    containers = [(["/a", "/b"], [np.array([0.0, 25.0, 50.0]), np.array([0.0, 50.0])])]
    with pytest.warns(PoseconvWarning, match="whole multiples of 25 s"):
        [(times, timings)] = recover_frame_times(containers, FrameTimes("f.nwb"), "v", sleap_io_layout=True)
    np.testing.assert_allclose(times[0], [0.0, 0.04, 0.08])
    assert timings[0].rate == 25.0 and "frames at 25 fps" in timings[0].source
    np.testing.assert_allclose(timings[1].timestamps, [0.0, 0.08])


def test_real_times_are_left_alone():
    containers = [(["/a"], [np.array([0.0, 0.04, 0.08])])]
    assert recover_frame_times(containers, FrameTimes("f.nwb"), "v", sleap_io_layout=True) is None
    # Whole steps of 2 s or more in a file that is not sleap-io's: another tool's (time-lapse) times.
    containers = [(["/a"], [np.array([0.0, 25.0, 50.0])])]
    assert recover_frame_times(containers, FrameTimes("f.nwb"), "v", sleap_io_layout=False) is None


def test_frame_step_judges_whole_multiples_in_frames_whatever_the_times_magnitude():
    frames = np.delete(np.arange(60), 30)  # one dropped frame
    jitter = np.random.default_rng(0).normal(0, 0.0003, len(frames))  # 0.3 ms camera jitter: 1% of a frame
    # Hours into a session and on a Unix-epoch camera clock, jittered times are no whole multiples of a step
    # (a tolerance growing with the time let them pass, and every time was moved onto a grid from time 0).
    for start in (20000.0123, 1.7e9):
        assert frame_step(start + frames / 30.0 + jitter) is None
        assert frame_step(start + frames / 30.0 + jitter, origin=start) is None
    # Exact times on such a clock are whole multiples counted from the first one.
    step = frame_step(1.7e9 + frames / 30.0, origin=1.7e9)
    assert step == pytest.approx(1 / 30.0, rel=1e-6)
    # frame / fps of a long video (a million frames) still is: the smallest gap is refined over the span.
    long = np.delete(np.arange(10**6), 500000) / 30.0
    assert frame_step(long) == pytest.approx(1 / 30.0, rel=1e-12)
    assert frame_step(np.delete(np.arange(10**6), 500000) * 29.97) == pytest.approx(29.97, rel=1e-12)


def test_a_time_that_is_not_a_number_is_refused_naming_the_series_and_sample(tmp_path):
    # A camera's dropped time stored as NaN: its poses are on no known frame (read on, it ended in an IndexError).
    times = np.arange(20) / 30.0
    times[5] = np.nan
    with h5py.File(tmp_path / "f.h5", "w") as root:
        root.create_dataset("pose/a/timestamps", data=times)
        root.create_dataset("pose/b/starting_time", data=np.inf).attrs["rate"] = 30.0
        with pytest.raises(InvalidSourceFileError, match=r"f.nwb: /pose/a stores 1 timestamp.*nan at sample 5"):
            FrameTimes("f.nwb").of(root["pose/a"], 20)
        with pytest.raises(InvalidSourceFileError, match=r"f.nwb: /pose/b stores a starting time of inf"):
            FrameTimes("f.nwb").of(root["pose/b"], 20)
        root["pose/a/timestamps"][5] = 5 / 30.0
        times, timing = FrameTimes("f.nwb").of(root["pose/a"], 20)
    np.testing.assert_array_equal(times, np.arange(20) / 30.0)
