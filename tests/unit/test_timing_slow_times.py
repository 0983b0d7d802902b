"""Frame times with no video to compare them with: a rate below 1 frame per second is said (milliseconds?).

Before, times in milliseconds (0, 33, 66, ...) with no video beside the poses were written as seconds
(0.03 frames per second) without a word, while the same times against a video were warned about.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.model import FrameTiming
from poseconv.timing import check_timestamps


def test_times_in_milliseconds_without_a_video_are_said_to_be_used_as_seconds():
    with pytest.warns(PoseconvWarning, match=r"video 'v' run at 0.030303 frames per second \(a frame every 33 s\)"):
        used = check_timestamps(np.arange(12) * 33.0, 12, "video 'v'")
    np.testing.assert_array_equal(used, np.arange(12) * 33.0)  # used as given


def test_the_message_says_the_threshold_and_what_to_do():
    with pytest.warns(PoseconvWarning) as said:
        check_timestamps(np.arange(5) * 10.0, 5, "the session")
    message = str(said[0].message)
    assert "faster than 1 frame per second" in message and "Divide times in milliseconds by 1000" in message


@pytest.mark.parametrize("times", [np.arange(10) / 30.0, np.arange(10) / 1.0, np.arange(10) / 500.0 + 3600.0])
def test_times_of_a_camera_in_seconds_say_nothing(times):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_timestamps(times, len(times), "video 'v'")


def test_a_known_rate_is_the_rule_and_only_one_warning_is_given():
    # A slow video (a time-lapse camera at 0.5 fps) whose times agree: nothing; ms times against a video: one warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_timestamps(np.arange(10) * 2.0, 10, "video 'v'", known=FrameTiming(rate=0.5, source="the video"))
    with pytest.warns(PoseconvWarning) as said:
        check_timestamps(np.arange(10) * 33.0, 10, "video 'v'", known=FrameTiming(rate=30.0, source="the video"))
    assert len(said) == 1 and "but the video gives 30 fps" in str(said[0].message)
