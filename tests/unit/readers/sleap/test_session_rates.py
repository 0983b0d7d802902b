"""The frame rate of a SLEAP session whose cameras' videos record different rates: none, as converting takes it."""

from __future__ import annotations

import warnings

import pytest

from poseconv.errors import PoseconvWarning
from poseconv.readers.sleap import read_sleap_session
from tests.fixtures.cli import poseconv_in_process
from tests.unit.interfaces.test_multicamera_rates import write_session_at_rates


def test_cameras_recording_other_rates_give_the_session_no_rate(tmp_path):
    # The first camera's rate was taken for every view and the 3D points ("is used for every view"), while the
    # conversion refused the session: inspect and convert said opposite things.
    path = write_session_at_rates(tmp_path, videos_here=False)
    with pytest.warns(PoseconvWarning, match="different frame rates") as caught:
        data = read_sleap_session(path)
    assert data.timing is None
    (message,) = [str(w.message) for w in caught if "different frame rates" in str(w.message)]
    assert "('cam0' 30 fps, 'cam1' 25 fps)" in message and "none of them is taken" in message
    assert "--fps" in message and "without its sessions" in message and "'cam1': video_indices=[1]" in message


def test_cameras_recording_one_rate_give_the_session_that_rate(tmp_path):
    path = write_session_at_rates(tmp_path, rates=(30, 30), videos_here=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        data = read_sleap_session(path)
    assert data.timing.rate == 30
    assert data.timing.source == "video fps recorded in rig.slp (camera 'cam0')"


def test_inspect_says_what_convert_does(tmp_path):
    path = write_session_at_rates(tmp_path, videos_here=False)
    result = poseconv_in_process("inspect", path)
    assert result.returncode == 0, result.stderr
    assert "is used for every view" not in result.stderr
    assert "none of them is taken as the session's" in result.stderr and "--fps" in result.stderr
