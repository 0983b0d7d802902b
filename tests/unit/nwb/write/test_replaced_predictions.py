"""SLEAP predictions a user instance replaced: a PoseEstimation beside the track's, read back into the track."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import MetadataError
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.nwb.read.pose import read_nwb
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.testing.mock import mock_pose_data
from tests.fixtures.nwb import assert_inspector_clean
from tests.fixtures.sleap import with_replaced_predictions


def test_replaced_predictions_are_a_container_beside_the_track_with_its_links():
    pose = with_replaced_predictions(mock_pose_data(n_individuals=2, n_frames=6))
    nwbfile = mock_NWBFile()
    written = write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    behavior = nwbfile.processing["behavior"]
    owner = behavior["PoseEstimation_animal0"]
    replaced = behavior["PoseEstimation_animal0_replaced_predictions"]
    assert [c.name for c in written] == ["PoseEstimation_animal0", "PoseEstimation_animal1"]
    assert "user instance replaced in the same frame" in replaced.description
    assert "'PoseEstimation_animal0'" in replaced.description
    assert replaced.skeleton is owner.skeleton and replaced.device is owner.device
    assert replaced.source_software == owner.source_software
    assert list(replaced.pose_estimation_series) == list(owner.pose_estimation_series)
    series = replaced.pose_estimation_series["node0"]
    np.testing.assert_array_equal(np.asarray(series.data), pose.tracks[0].replaced_predictions.positions[:, 0])
    assert series.rate == owner.pose_estimation_series["node0"].rate  # the same frame times
    score = behavior["PoseEstimation_animal0_replaced_predictions_instance_score"]
    np.testing.assert_array_equal(np.asarray(score.data), pose.tracks[0].replaced_predictions.instance_scores)
    assert "PoseEstimation_animal0_replaced_predictions_tracking_score" in behavior.data_interfaces
    assert "PoseEstimation_animal0_replaced_predictions_user_labeled" not in behavior.data_interfaces
    # Only the tracks are ordered; the replaced predictions go with theirs.
    assert list(behavior["TrackOrder"]["pose_estimation"][:]) == ["PoseEstimation_animal0", "PoseEstimation_animal1"]
    assert not [name for name in behavior.data_interfaces if name.startswith("PoseEstimation_animal1_replaced")]


def test_timestamps_are_linked_not_copied():
    pose = with_replaced_predictions(mock_pose_data(n_frames=4), frames=(2,))
    pose = pose.with_timing("video", dataclasses.replace(pose.timing["video"], rate=None, timestamps=[0, 1, 3, 7.5]))
    nwbfile = mock_NWBFile()
    [container] = write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    replaced = nwbfile.processing["behavior"]["PoseEstimation_replaced_predictions"]  # one animal: "PoseEstimation"
    first = container.pose_estimation_series["node0"]
    for series in replaced.pose_estimation_series.values():
        assert series.timestamps is first or series.timestamps is first.timestamps


def test_a_name_taken_is_refused():
    from pynwb import TimeSeries

    pose = with_replaced_predictions(mock_pose_data())
    nwbfile = mock_NWBFile()
    behavior = nwbfile.create_processing_module(name="behavior", description="x")
    behavior.add(TimeSeries(name="PoseEstimation_replaced_predictions", data=[1], unit="n.a.", rate=1.0))
    with pytest.raises(MetadataError, match="PoseEstimation_replaced_predictions"):
        write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))


def test_written_file_is_clean_and_reads_back_into_the_track(tmp_path):
    pose = with_replaced_predictions(mock_pose_data(n_individuals=2, n_frames=6))
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    path = tmp_path / "replaced.nwb"
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    assert_inspector_clean(path, ignore=("check_subject_exists",))
    [back] = read_nwb(path)
    assert back.track_names() == ["animal0", "animal1"]
    want, got = pose.tracks[0].replaced_predictions, back.tracks[0].replaced_predictions
    assert (got.name, got.video, got.skeleton) == (back.tracks[0].name, back.tracks[0].video, back.tracks[0].skeleton)
    for field in ("positions", "confidence", "instance_scores", "tracking_scores"):
        np.testing.assert_array_equal(np.asarray(getattr(got, field)), getattr(want, field), err_msg=field)
    assert got.user_labeled is None
    assert back.tracks[1].replaced_predictions is None
    assert back.notes["replaced_predictions_containers"] == {
        "video/animal0": "/processing/behavior/PoseEstimation_animal0_replaced_predictions"
    }


def test_without_replaced_predictions_nothing_is_added():
    pose = mock_pose_data(n_individuals=2, n_frames=6)
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    assert not [name for name in nwbfile.processing["behavior"].data_interfaces if "replaced" in name]
