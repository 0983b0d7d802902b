"""A track's container named as what goes beside another track's (container_checks.check_names_beside)."""

from __future__ import annotations

import numpy as np
import pytest
from pynwb.testing.mock.file import mock_NWBFile

from poseconv import read_sleap
from poseconv.errors import MetadataError
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.nwb.write.pose_estimation import write_pose_estimation

sio = pytest.importorskip("sleap_io")


_KEY = "PoseEstimation_A_replaced_predictions"


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


def test_the_default_names_do_not_clash_and_both_are_written(tmp_path):
    # The default name of track 'A_replaced_predictions' was that of A's replaced predictions, and the file was refused.
    pose = read_sleap(_tracks_a_and_a_replaced(tmp_path / "names.slp"))
    metadata = default_pose_metadata(pose)
    assert metadata["Pose"]["PoseEstimations"][_KEY]["name"] == "PoseEstimation_A_replaced_predictions_2"
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=metadata)
    assert {
        "PoseEstimation_A",
        "PoseEstimation_A_replaced_predictions",
        "PoseEstimation_A_replaced_predictions_2",
    } <= set(nwbfile.processing["behavior"].data_interfaces)


def test_metadata_naming_the_clash_is_refused_naming_the_file_and_both_tracks_before_anything_is_written(tmp_path):
    # It was "The file already holds 'PoseEstimation_A_replaced_predictions' ...; Two inputs with the same keys
    # (two cameras' ...)", for one input, after the first container was written.
    pose = read_sleap(_tracks_a_and_a_replaced(tmp_path / "names.slp"))
    metadata = default_pose_metadata(pose)
    metadata["Pose"]["PoseEstimations"][_KEY]["name"] = _KEY  # a template made before the default names avoided it
    nwbfile = mock_NWBFile()
    with pytest.raises(MetadataError) as raised:
        write_pose_estimation(nwbfile, pose, metadata=metadata)
    message = str(raised.value)
    assert message.startswith(
        "names.slp: beside the container 'PoseEstimation_A' of track 'A' go its predictions a user instance replaced "
        "as 'PoseEstimation_A_replaced_predictions' "
    )
    assert "which is the name of the container of track 'A_replaced_predictions'" in message
    assert f"metadata['Pose']['PoseEstimations']['{_KEY}']['name']" in message
    assert "Two inputs" not in message
    assert "behavior" not in nwbfile.processing


def test_a_container_named_as_another_tracks_instance_scores_is_refused(tmp_path):
    # It failed after writing a container, with "The file already holds 'PoseEstimation_A_instance_score' ...".
    pose = read_sleap(_tracks_a_and_a_replaced(tmp_path / "names.slp"))
    metadata = default_pose_metadata(pose)
    metadata["Pose"]["PoseEstimations"][_KEY]["name"] = "PoseEstimation_A_instance_score"
    nwbfile = mock_NWBFile()
    with pytest.raises(MetadataError, match=r"go its instance scores as 'PoseEstimation_A_instance_score'"):
        write_pose_estimation(nwbfile, pose, metadata=metadata)
    assert "behavior" not in nwbfile.processing
