"""NWB names: the fixed members of the ndx-pose groups are avoided, and any node or skeleton name reads back."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pynwb
import pytest
import sleap_io as sio

from poseconv import SLEAPPoseInterface, SLEAPTrainingDataInterface, read_nwb, read_training
from poseconv.metadata.names import POSE_ESTIMATION_MEMBERS, SKELETON_LINK_MEMBERS, skeleton_nwb_names


def _spec_members(neurodata_type: str) -> set[str]:
    import ndx_pose  # noqa: F401  (registers the namespace)

    spec = pynwb.get_type_map().namespace_catalog.get_spec("ndx-pose", neurodata_type)
    return ({d.name for d in spec.datasets} | {g.name for g in spec.groups} | {link.name for link in spec.links}) - {
        None
    }


def test_the_reserved_names_are_the_spec_members():
    assert _spec_members("PoseEstimation") == POSE_ESTIMATION_MEMBERS
    linking = ("PoseEstimation", "MultiCameraPoseEstimation", "SkeletonInstance")
    assert set().union(*(_spec_members(t) for t in linking)) == SKELETON_LINK_MEMBERS


def test_skeleton_names_are_distinct_and_never_a_member():
    names = skeleton_nwb_names(["device", "device_2", "a/b", "a_b", "mouse"])
    # A name NWB takes as it is keeps it; the names made NWB-safe yield to it (before, "a/b" took "a_b",
    # and readers that name a body part by its series, as movement does, gave a_b the values of a/b).
    assert names == {"device": "device_3", "device_2": "device_2", "a/b": "a_b_2", "a_b": "a_b", "mouse": "mouse"}


def _labels(tmp_path, nodes, skeleton_name, *, user=False):
    skeleton = sio.Skeleton(nodes=list(nodes), name=skeleton_name)
    xy = np.array([[1.5, 2.5], [3.5, 4.5]])
    video = sio.Video(filename=str(tmp_path / "video.mp4"), open_backend=False)
    if user:
        instance = sio.Instance.from_numpy(xy, skeleton=skeleton)
    else:
        instance = sio.PredictedInstance.from_numpy(xy, point_scores=np.ones(2), score=1.0, skeleton=skeleton)
    labels = sio.Labels(
        labeled_frames=[sio.LabeledFrame(video=video, frame_idx=0, instances=[instance])],
        videos=[video],
        skeletons=[skeleton],
    )
    sio.save_slp(labels, str(tmp_path / "labels.slp"))
    return tmp_path / "labels.slp", xy


def _convert(interface, output):
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    interface.run_conversion(nwbfile_path=output, metadata=metadata)


@pytest.mark.parametrize("member", sorted(POSE_ESTIMATION_MEMBERS))
def test_a_node_named_like_a_member_converts_and_reads_back(tmp_path, member):
    path, xy = _labels(tmp_path, [member, "nose"], "mouse")
    _convert(SLEAPPoseInterface(file_path=path, sampling_frequency=30.0), tmp_path / "out.nwb")
    (pose,) = read_nwb(tmp_path / "out.nwb")
    assert pose.skeletons["mouse"].nodes == (member, "nose")
    np.testing.assert_array_equal(np.asarray(pose.tracks[0].positions)[0], xy)


@pytest.mark.parametrize("member", sorted(SKELETON_LINK_MEMBERS))
def test_a_skeleton_named_like_a_member_converts_and_reads_back(tmp_path, member):
    # A skeleton called "device" was linked under the camera link's name: the reader found no skeleton.
    path, xy = _labels(tmp_path, ["tail", "nose"], member)
    _convert(SLEAPPoseInterface(file_path=path, sampling_frequency=30.0), tmp_path / "out.nwb")
    (pose,) = read_nwb(tmp_path / "out.nwb")
    (skeleton,) = pose.skeletons.values()
    assert skeleton.nodes == ("tail", "nose")
    np.testing.assert_array_equal(np.asarray(pose.tracks[0].positions)[0], xy)


@pytest.mark.parametrize("member", ["node_locations", "device"])
def test_training_labels_with_a_skeleton_named_like_a_member(tmp_path, member):
    path, xy = _labels(tmp_path, ["tail", "nose"], member, user=True)
    _convert(SLEAPTrainingDataInterface(file_path=path), tmp_path / "out.nwb")
    training = read_training(tmp_path / "out.nwb")
    (frame,) = training.frames
    (skeleton,) = training.skeletons.values()
    assert skeleton.nodes == ("tail", "nose")
    np.testing.assert_array_equal(frame.instances[0].points, xy)


def test_names_edited_into_a_clash_are_refused_with_the_metadata_to_change(tmp_path):
    from poseconv.errors import MetadataError

    path, _ = _labels(tmp_path, ["tail", "nose"], "mouse")
    interface = SLEAPPoseInterface(file_path=path, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    (skeleton_key,) = metadata["Pose"]["Skeletons"]
    (container_key,) = metadata["Pose"]["PoseEstimations"]
    edited = {
        **metadata,
        "Pose": {
            **metadata["Pose"],
            "Skeletons": {skeleton_key: {**metadata["Pose"]["Skeletons"][skeleton_key], "name": "device"}},
        },
    }
    with pytest.raises(MetadataError, match=r"skeleton cannot be named 'device'"):
        interface.run_conversion(nwbfile_path=tmp_path / "a.nwb", metadata=edited)
    series = metadata["Pose"]["PoseEstimations"][container_key]["PoseEstimationSeries"]
    series["nose"]["name"] = "scorer"
    with pytest.raises(MetadataError, match=r"names series \['scorer'\]"):
        interface.run_conversion(nwbfile_path=tmp_path / "b.nwb", metadata=metadata)
    assert not (tmp_path / "a.nwb").exists() and not (tmp_path / "b.nwb").exists()
