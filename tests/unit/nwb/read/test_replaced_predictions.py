"""A container is read as another's replaced predictions only when its name and its description say so."""

from __future__ import annotations

import dataclasses

from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.metadata.defaults import default_pose_metadata
from poseconv.nwb.layout import replaced_predictions_description
from poseconv.nwb.read.pose import read_nwb
from poseconv.nwb.read.replaced_predictions import is_replaced_predictions
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.testing.mock import mock_pose_data
from tests.fixtures.sleap import with_replaced_predictions


def _write(tmp_path, pose, names):
    metadata = default_pose_metadata(pose)
    for key, name in names.items():
        metadata["Pose"]["PoseEstimations"][key]["name"] = name
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=metadata)
    path = tmp_path / "tracks.nwb"
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def _named(pose, *names):
    return dataclasses.replace(
        pose, tracks=[dataclasses.replace(t, name=n) for t, n in zip(pose.tracks, names, strict=True)]
    )


def test_a_track_whose_container_has_the_name_of_replaced_predictions_stays_a_track(tmp_path):
    # As poseconv named a SLEAP track 'A_replaced_predictions' beside a track 'A' before its default names avoided it:
    # the track was read back as A's replaced predictions, and lost.
    pose = _named(mock_pose_data(n_individuals=2, n_frames=4), "A", "A_replaced_predictions")
    key = "PoseEstimation_A_replaced_predictions"
    path = _write(tmp_path, pose, {key: key})
    [back] = read_nwb(path)
    assert back.track_names() == ["A", "A_replaced_predictions"]
    assert [t.replaced_predictions for t in back.tracks] == [None, None]
    assert back.tracks[1].positions.tolist() == pose.tracks[1].positions.tolist()


def test_replaced_predictions_beside_a_track_of_that_name_go_with_their_track(tmp_path):
    pose = with_replaced_predictions(_named(mock_pose_data(n_individuals=2, n_frames=4), "A", "A_replaced_predictions"))
    [back] = read_nwb(_write(tmp_path, pose, {}))
    assert [(t.name, t.track_name) for t in back.tracks] == [("A", "A"), ("A_replaced_predictions",) * 2]
    assert back.tracks[0].replaced_predictions is not None and back.tracks[1].replaced_predictions is None
    assert back.tracks[1].positions.tolist() == pose.tracks[1].positions.tolist()


def test_the_description_of_replaced_predictions_in_each_wording_is_recognized():
    assert is_replaced_predictions(replaced_predictions_description("it's", "PoseEstimation"))
    # The first wording (files of 1e4a83f).
    assert is_replaced_predictions(
        "SLEAP predictions of 'A' that a user instance replaced in the same frame; the user instance is in "
        "'PoseEstimation_A'. In SLEAP a user instance corrected from a prediction is saved beside it ..."
    )
    assert not is_replaced_predictions("Poses of 'A_replaced_predictions' estimated with SLEAP on video 'v', read ...")
    assert not is_replaced_predictions(None)
