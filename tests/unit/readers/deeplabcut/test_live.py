"""DeepLabCut-live's outputs: the GUI's clock columns and the benchmark's file names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from poseconv.readers.deeplabcut.live import live_video_stem, split_clock_columns


def test_clock_columns_are_split_from_the_keypoints():
    columns = pd.MultiIndex.from_product([["nose"], ["x", "y", "likelihood"]], names=["bodyparts", "coords"])
    frame = pd.DataFrame(np.ones((3, 3)), columns=columns)
    frame["frame_time"] = [10.0, 10.5, 11.0]
    frame["pose_time"] = [10.1, 10.6, 11.1]
    keypoints, clock = split_clock_columns(frame)
    assert list(keypoints.columns) == list(columns)
    np.testing.assert_array_equal(clock["frame_time"], [10.0, 10.5, 11.0])
    np.testing.assert_array_equal(clock["pose_time"], [10.1, 10.6, 11.1])
    # A bodypart named like a clock column keeps its coordinates.
    named = pd.DataFrame(np.ones((1, 2)), columns=pd.MultiIndex.from_tuples([("frame_time", "x"), ("frame_time", "y")]))
    assert split_clock_columns(named)[1] == {}


def test_the_benchmark_names_its_poses_after_the_video():
    assert live_video_stem("mouse1_poses_20250101_120000") == "mouse1"
    assert live_video_stem("mouse1_poses") == "mouse1_poses"
