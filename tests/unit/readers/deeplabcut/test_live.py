"""DeepLabCut-live's outputs: the GUI's clock columns and the benchmark's file names."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from poseconv.readers.deeplabcut.live import LIVE_SOFTWARE, live_video_stem, live_writer, split_clock_columns


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


def test_the_benchmarks_tables_are_known_by_their_name_as_the_guis_by_their_clock(tmp_path):
    from pathlib import Path

    from poseconv.errors import PoseconvWarning
    from poseconv.readers.deeplabcut import read_deeplabcut

    assert live_writer(Path("mouse1_poses_20250101_120000.csv")) == LIVE_SOFTWARE
    assert live_writer(Path("session1_DLC.hdf5"), {"frame_time": np.zeros(2)}) == LIVE_SOFTWARE
    # "<video>_poses" is too common a name to take for DeepLabCut-live's without its time stamp.
    assert live_writer(Path("mouse1_poses.h5")) is None and live_writer(Path("session1_DLC.hdf5"), {}) is None
    columns = pd.MultiIndex.from_product([["nose"], ["x", "y", "likelihood"]], names=["bodyparts", "coords"])
    frame = pd.DataFrame(np.arange(9.0).reshape(3, 3), columns=columns)
    frame.to_hdf(tmp_path / "mouse1_poses_20250101_120000.h5", key="df_with_missing", format="table")
    frame.to_hdf(tmp_path / "mouse1_keypoints.h5", key="df_with_missing", format="table")
    assert read_deeplabcut(tmp_path / "mouse1_poses_20250101_120000.h5").source_software == LIVE_SOFTWARE
    with pytest.warns(PoseconvWarning, match="set source_software in the PoseEstimation metadata if another tool"):
        assert read_deeplabcut(tmp_path / "mouse1_keypoints.h5").source_software.startswith("unknown")


@pytest.mark.parametrize(
    ("frame_time", "said"),
    [
        (np.full(15, -1.0), "-1.0 on every row: DeepLabCut-live recorded no frame times"),
        (np.r_[0.0, 0.5, 0.5, 1.0], "rows 1 and 2 read alike or go back"),
        (np.arange(15.0)[::-1], "rows 0 and 1 read alike or go back"),
    ],
)
def test_a_frame_time_column_that_places_no_poses_is_warned_of_and_the_rate_given_is_used(tmp_path, frame_time, said):
    # DeepLabCut-live's processors write frame_time -1 when given no frame time: every pose was written at 0 s
    # without a word; readings going back were refused with advice (give the rate) that could not be followed.
    from poseconv import DeepLabCutPoseInterface, read_deeplabcut
    from poseconv.errors import PoseconvWarning
    from tests.fixtures.deeplabcut import write_live_gui_file

    path = tmp_path / "session1_DLC.hdf5"
    frame = write_live_gui_file(path, n=len(frame_time))
    frame[("frame_time", "")] = frame_time
    frame.to_hdf(path, key="df_with_missing", mode="w")
    with pytest.warns(PoseconvWarning, match=re.escape(said)):
        pose = read_deeplabcut(path)
    assert pose.timing == {}
    np.testing.assert_array_equal(pose.tracks[0].positions[:, 0, 0], frame[("nose", "x")].to_numpy())
    with pytest.warns(PoseconvWarning, match="does not place the poses"):
        interface = DeepLabCutPoseInterface(file_path=path, sampling_frequency=30.0)
    np.testing.assert_allclose(interface.get_timestamps(), np.arange(len(frame_time)) / 30.0)
