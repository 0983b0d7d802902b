"""convert and run with the user's frame times say nothing of the video's: the user's are the ones written."""

from __future__ import annotations

import numpy as np

from tests.fixtures.cli import one_session_spec, poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5

# The pose file records 29.9807 fps, its video 30.0003 fps: the video's times are used unless times are given.
CHOSEN = "the video's frame times are used"
START = "2024-05-01T10:00:00+02:00"


def test_convert_with_timestamps_says_nothing_of_the_video_s_times(tmp_path):
    times = tmp_path / "times.npy"
    np.save(times, 0.1 + np.arange(31) / 29.5)
    given = poseconv_in_process(
        "convert", MULTI_ANIMAL_H5, "--timestamps", times, "--session-start-time", START, "-o", tmp_path / "a.nwb"
    )
    assert given.returncode == 0, given.stderr
    assert CHOSEN not in given.stderr
    shifted = poseconv_in_process(
        "convert", MULTI_ANIMAL_H5, "--starting-time", 2, "--session-start-time", START, "-o", tmp_path / "b.nwb"
    )
    # Shifted, the video's times are still the ones written.
    assert shifted.returncode == 0, shifted.stderr
    assert CHOSEN in shifted.stderr


def test_a_spec_s_timestamps_file_says_nothing_of_the_video_s_times(tmp_path):
    times = tmp_path / "times.npy"
    np.save(times, 0.1 + np.arange(31) / 29.5)
    pose = f"{{file_path: '{MULTI_ANIMAL_H5}', timestamps_file: '{times}'}}"
    spec = one_session_spec(tmp_path, pose, start=f"'{START}'")
    result = poseconv_in_process("run", spec)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "nwb" / "s1.nwb").is_file()
    assert "video's frame" not in " ".join((result.stdout + result.stderr).split())
