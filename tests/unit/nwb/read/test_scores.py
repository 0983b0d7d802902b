"""Reading back the SLEAP instance values and the order of the tracks."""

from __future__ import annotations

import dataclasses

import numpy as np
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.metadata.defaults import default_pose_metadata
from poseconv.nwb.layout import natural_key
from poseconv.nwb.read.pose import open_nwb, read_nwb
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.testing.mock import mock_pose_data


def _write(pose, path):
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def test_natural_order():
    names = ["track 10", "track 2", "track 1", "b", "a 3"]
    assert sorted(names, key=natural_key) == ["a 3", "b", "track 1", "track 2", "track 10"]


def test_tracks_come_back_in_the_order_of_the_file(tmp_path):
    pose = mock_pose_data(n_individuals=12)
    order = [11, 3, 0, 10, 1, 2, 4, 5, 6, 7, 8, 9]
    pose.tracks[:] = [pose.tracks[i] for i in order]
    [back] = read_nwb(_write(pose, tmp_path / "x.nwb"))
    assert back.track_names() == [f"animal{i}" for i in order]


def test_without_a_recorded_order_names_go_in_natural_order(tmp_path):
    path = _write(mock_pose_data(n_individuals=11), tmp_path / "x.nwb")
    import h5py

    with h5py.File(path, "a") as handle:
        del handle["processing/behavior/TrackOrder"]
    with open_nwb(path) as nwb:
        assert list(nwb.containers) == [f"PoseEstimation_animal{i}" for i in range(11)]


def test_instance_values_come_back(tmp_path):
    pose = mock_pose_data(n_frames=5)
    track = dataclasses.replace(
        pose.tracks[0],
        instance_scores=np.array([0.5, np.nan, 0.25, 1.0, 2.0]),
        tracking_scores=np.array([0.0, np.nan, 1.0, 0.5, 0.0]),
        user_labeled=np.array([False, False, True, False, True]),
    )
    [back] = read_nwb(_write(dataclasses.replace(pose, tracks=[track]), tmp_path / "x.nwb"))
    for attribute in ("instance_scores", "tracking_scores", "user_labeled"):
        np.testing.assert_array_equal(getattr(back.tracks[0], attribute), getattr(track, attribute))
    assert back.tracks[0].user_labeled.dtype == bool


def test_files_without_them_give_none(tmp_path):
    [back] = read_nwb(_write(mock_pose_data(), tmp_path / "x.nwb"))
    assert back.tracks[0].instance_scores is None and back.tracks[0].user_labeled is None
