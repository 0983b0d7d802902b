"""``poseconv convert --source lp-multiview``: options given per view file, and the messages naming a view's file.

The session is small and written here: two views' CSVs as Lightning Pose's multi-view prediction writes them
(scorer ``heatmap_multiview_tracker``, three header rows), the top view 10 frames and the bot view 8, and one
20-frame video at 20 fps standing for each view's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pynwb import NWBHDF5IO

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.video import write_video

START = "2024-05-01T10:30:00+02:00"
KEYPOINTS = ("paw_l", "paw_r", "nose")
FRAMES = {"top": 10, "bot": 8}


def _write_video(path: Path, n_frames: int = 20, rate: int = 20) -> Path:
    return write_video(path, n_frames, rate)


@pytest.fixture
def session(tmp_path) -> dict[str, Path]:
    """Each view's predictions (``video_preds/s1_<view>.csv``) and, under ``"video"``, a 20-frame video."""
    preds = tmp_path / "video_preds"
    preds.mkdir()
    rng = np.random.default_rng(7)
    columns = pd.MultiIndex.from_product(
        [["heatmap_multiview_tracker"], KEYPOINTS, ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    files: dict[str, Path] = {}
    for view, n_frames in FRAMES.items():
        values = rng.uniform(0, 500, (n_frames, 3 * len(KEYPOINTS)))
        values[:, 2::3] = rng.uniform(0, 1, (n_frames, len(KEYPOINTS)))
        files[view] = preds / f"s1_{view}.csv"
        pd.DataFrame(values, columns=columns).to_csv(files[view])
    files["video"] = _write_video(tmp_path / "clip.mp4")
    return files


def _convert(session: dict[str, Path], out: Path, *options: object, views=("top", "bot")):
    inputs = [session[view] for view in views]
    return poseconv_in_process(
        "convert", *inputs, "--source", "lp-multiview", "--session-start-time", START, "-o", out, *options
    )


def _view_times(path: Path) -> dict[str, np.ndarray]:
    """The frame times of each view's series in the NWB file, by view (camera) name."""
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        found = {}
        for pose in nwbfile.processing["behavior"]["MultiCameraPoseEstimation"].pose_estimations.values():
            series = next(iter(pose.pose_estimation_series.values()))
            found[pose.device.name] = np.asarray(series.get_timestamps())
        return found


def test_each_views_video_warning_names_that_views_file(tmp_path, session):
    # Each view's poses (10 and 8 frames) are shorter than its 20-frame video: the warning about a view
    # named the first view's CSV for every view.
    video = session["video"]
    result = _convert(session, tmp_path / "s1.nwb", "--video", video, "--video", video)
    assert result.returncode == 0, result.stderr
    for view in FRAMES:
        (warning,) = [line for line in result.stderr.splitlines() if f"(video 's1_{view}')" in line]
        assert warning.startswith(f"poseconv: warning: s1_{view}.csv (video 's1_{view}') has poses for"), warning


def test_timestamps_and_starting_time_are_given_once_per_view_file(tmp_path, session):
    # Given as --video is, once per input in the inputs' order (here bot first): each view's times are
    # its file's, and its series holds them; the 10-frame view's times are the session's.
    times = np.arange(10) / 25.0 + 100.0
    np.save(tmp_path / "top.npy", times)
    np.save(tmp_path / "bot.npy", times[: FRAMES["bot"]])
    options = ("--timestamps", tmp_path / "bot.npy", "--timestamps", tmp_path / "top.npy")
    out = tmp_path / "s1.nwb"
    result = _convert(session, out, *options, "--starting-time", 2.5, "--starting-time", 2.5, views=("bot", "top"))
    assert result.returncode == 0, result.stderr
    written = _view_times(out)
    np.testing.assert_allclose(written["top"], times + 2.5)
    np.testing.assert_allclose(written["bot"], times[: FRAMES["bot"]] + 2.5)


def test_timestamps_given_for_another_views_file_are_refused(tmp_path, session):
    # In the other order, the bot view (8 frames) would get the top view's 10 times.
    times = np.arange(10) / 25.0
    np.save(tmp_path / "top.npy", times)
    np.save(tmp_path / "bot.npy", times[: FRAMES["bot"]])
    options = ("--timestamps", tmp_path / "top.npy", "--timestamps", tmp_path / "bot.npy")
    result = _convert(session, tmp_path / "s1.nwb", *options, views=("bot", "top"))
    assert result.returncode != 0
    assert "8 times for view 'top', which has 10 frames" in result.stderr, result.stderr


@pytest.mark.parametrize("option", ["--timestamps", "--starting-time"])
def test_views_given_other_times_are_refused_as_one_clock(tmp_path, session, option):
    np.save(tmp_path / "a.npy", np.arange(10) / 25.0)
    np.save(tmp_path / "b.npy", np.arange(10) / 25.0 + 0.01)
    values = (tmp_path / "a.npy", tmp_path / "b.npy") if option == "--timestamps" else (0.0, 1.0)
    result = _convert(session, tmp_path / "s1.nwb", option, values[0], option, values[1])
    assert result.returncode != 0
    assert "share one clock" in result.stderr and "convert each view on its own" in result.stderr, result.stderr


def test_timestamps_given_once_for_two_view_files_are_refused_as_video_is(tmp_path, session):
    np.save(tmp_path / "t.npy", np.arange(10) / 25.0)
    result = _convert(session, tmp_path / "s1.nwb", "--timestamps", tmp_path / "t.npy")
    assert result.returncode != 0
    assert "--timestamps was given once for 2 inputs; give one --timestamps per input" in result.stderr, result.stderr


def test_the_files_of_two_sessions_are_refused_not_read_as_four_cameras(tmp_path, session):
    # `poseconv convert video_preds/*.csv` of a model that predicted s1 and s2: one session of cameras
    # s1_top, s1_bot, s2_top, s2_bot was written, without a word.
    for view in FRAMES:
        session[f"s2_{view}"] = session[view].with_name(f"s2_{view}.csv")
        session[f"s2_{view}"].write_bytes(session[view].read_bytes())
    result = _convert(session, tmp_path / "s.nwb", "--fps", 20, views=("top", "bot", "s2_top", "s2_bot"))
    assert result.returncode != 0 and not (tmp_path / "s.nwb").exists()
    assert "look like 2 sessions x 2 views (s1, s2 x top, bot" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
