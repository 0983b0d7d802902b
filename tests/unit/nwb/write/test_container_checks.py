"""A track's container named as another track's replaced predictions (container_checks.check_replaced_names)."""

from __future__ import annotations

import numpy as np
import pytest
from pynwb.testing.mock.file import mock_NWBFile

from poseconv import read_sleap
from poseconv.errors import MetadataError
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.nwb.write.pose_estimation import write_pose_estimation

sio = pytest.importorskip("sleap_io")


def _tracks_a_and_a_replaced(path):
    """Track 'A', a user instance corrected from its prediction in frame 0, beside a track 'A_replaced_predictions'."""
    skeleton = sio.Skeleton(["a", "b"], name="s")
    track, other = sio.Track("A"), sio.Track("A_replaced_predictions")
    video = sio.Video(filename="v.mp4", backend_metadata={"fps": 10.0, "shape": (2, 8, 8, 1)}, open_backend=False)

    def predicted(on):
        return sio.PredictedInstance.from_numpy(
            np.array([[1, 2, 0.5], [3, 4, 0.6]]), skeleton=skeleton, score=0.9, track=on
        )

    first = predicted(track)
    user = sio.Instance.from_numpy(np.array([[5.0, 6.0], [7.0, 8.0]]), skeleton=skeleton, track=track)
    user.from_predicted = first
    frames = [
        sio.LabeledFrame(video=video, frame_idx=0, instances=[first, user, predicted(other)]),
        sio.LabeledFrame(video=video, frame_idx=1, instances=[predicted(track), predicted(other)]),
    ]
    sio.save_slp(
        sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[track, other]), str(path)
    )
    return path


def test_the_clash_names_the_file_and_both_tracks_before_anything_is_written(tmp_path):
    # It was "The file already holds 'PoseEstimation_A_replaced_predictions' ...; Two inputs with the same keys
    # (two cameras' ...)", for one input, after the first container was written.
    pose = read_sleap(_tracks_a_and_a_replaced(tmp_path / "names.slp"))
    nwbfile = mock_NWBFile()
    with pytest.raises(MetadataError) as raised:
        write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    message = str(raised.value)
    assert message.startswith("names.slp: the predictions a user instance replaced in track 'A' are written as ")
    assert "which is the name of the container of track 'A_replaced_predictions'" in message
    assert "metadata['Pose']['PoseEstimations']['PoseEstimation_A_replaced_predictions']['name']" in message
    assert "Two inputs" not in message
    assert "behavior" not in nwbfile.processing


def test_renamed_as_the_message_says_both_are_written(tmp_path):
    pose = read_sleap(_tracks_a_and_a_replaced(tmp_path / "names.slp"))
    metadata = default_pose_metadata(pose)
    metadata["Pose"]["PoseEstimations"]["PoseEstimation_A_replaced_predictions"]["name"] = "PoseEstimation_A_2"
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=metadata)
    assert {"PoseEstimation_A", "PoseEstimation_A_replaced_predictions", "PoseEstimation_A_2"} <= set(
        nwbfile.processing["behavior"].data_interfaces
    )
