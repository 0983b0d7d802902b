"""SLEAP's per-frame instance values written beside each PoseEstimation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import MetadataError
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.testing.mock import mock_pose_data


def _with_instance_values(pose):
    n = pose.tracks[0].n_frames
    track = dataclasses.replace(
        pose.tracks[0],
        instance_scores=np.linspace(0.5, 1.0, n).astype("float32").astype("float64"),
        tracking_scores=np.full(n, np.nan),
        user_labeled=np.arange(n) % 2 == 0,
    )
    return dataclasses.replace(pose, tracks=[track, *pose.tracks[1:]])


def test_each_value_a_track_has_is_a_series_beside_its_container():
    pose = _with_instance_values(mock_pose_data(n_individuals=2, n_frames=6))
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    behavior = nwbfile.processing["behavior"]
    score = behavior["PoseEstimation_animal0_instance_score"]
    np.testing.assert_array_equal(np.asarray(score.data), pose.tracks[0].instance_scores)
    assert np.asarray(score.data).dtype == np.float32  # float32 where exact
    assert score.rate == 30.0 and score.unit == "n.a." and "instance score" in score.description
    flags = np.asarray(behavior["PoseEstimation_animal0_user_labeled"].data)
    assert flags.dtype == np.uint8 and flags.tolist() == [1, 0, 1, 0, 1, 0]
    assert np.isnan(np.asarray(behavior["PoseEstimation_animal0_tracking_score"].data)).all()
    # A track without such values (animal1, like every DeepLabCut track) gets no series.
    assert not [name for name in behavior.data_interfaces if name.startswith("PoseEstimation_animal1_")]


def test_timestamps_are_linked_not_copied():
    pose = _with_instance_values(mock_pose_data(n_frames=4))
    pose = pose.with_timing("video", dataclasses.replace(pose.timing["video"], rate=None, timestamps=[0, 1, 3, 7.5]))
    nwbfile = mock_NWBFile()
    [container] = write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    score = nwbfile.processing["behavior"]["PoseEstimation_instance_score"]  # one animal: "PoseEstimation"
    first = container.pose_estimation_series["node0"]
    assert score.timestamps is first or score.timestamps is first.timestamps


def test_a_name_taken_is_refused():
    pose = _with_instance_values(mock_pose_data())
    nwbfile = mock_NWBFile()
    from pynwb import TimeSeries

    behavior = nwbfile.create_processing_module(name="behavior", description="x")
    behavior.add(TimeSeries(name="PoseEstimation_user_labeled", data=[1], unit="n.a.", rate=1.0))
    with pytest.raises(MetadataError, match="PoseEstimation_user_labeled"):
        write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
