"""The order of the tracks, kept in a table beside the containers."""

from __future__ import annotations

from pynwb.testing.mock.file import mock_NWBFile

from poseconv.metadata.defaults import default_pose_metadata
from poseconv.nwb.layout import TRACK_ORDER_TABLE
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.nwb.write.track_order import record_track_order
from poseconv.testing.mock import mock_pose_data


def test_rows_follow_the_tracks_of_the_file():
    pose = mock_pose_data(n_individuals=3)
    pose.tracks.reverse()  # the file's order: animal2, animal1, animal0
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    table = nwbfile.processing["behavior"][TRACK_ORDER_TABLE]
    assert list(table["track"][:]) == ["animal2", "animal1", "animal0"]
    assert list(table["pose_estimation"][:]) == [f"PoseEstimation_animal{i}" for i in (2, 1, 0)]


def test_one_container_has_no_order_to_keep_and_later_ones_append():
    behavior = mock_NWBFile().create_processing_module(name="behavior", description="x")
    assert record_track_order(behavior, [("A", "a")]) is None
    record_track_order(behavior, [("B", "b"), ("C", "c")])
    table = record_track_order(behavior, [("D", "d")])
    assert list(table["pose_estimation"][:]) == ["B", "C", "D"]
