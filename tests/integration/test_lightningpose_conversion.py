"""LightningPose → NWB end to end, as a user runs it, read back and compared value by value with pandas.

Includes the side-by-side file: LightningPose and DeepLabCut predictions on the same AIND video
in one NWB file, each read back equal to its own CSV.
"""

from __future__ import annotations

import json

import h5py
import numpy as np
import pandas as pd
import pytest
from movement.io import load_poses
from pynwb import NWBHDF5IO
from pynwb.behavior import BehavioralTimeSeries
from pynwb.testing.mock.file import mock_NWBFile

from poseconv import (
    DeepLabCutPoseInterface,
    LightningPosePoseInterface,
    LightningPoseTrainingDataInterface,
    PoseNWBConverter,
    read_nwb,
)
from poseconv.errors import InvalidOptionError, MetadataError
from poseconv.exporters.deeplabcut import write_deeplabcut
from poseconv.exporters.deeplabcut_training import to_deeplabcut_labels
from poseconv.nwb.layout import extra_coords_name
from poseconv.nwb.read.training import read_training
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels_table
from tests.fixtures.lightningpose import (
    AIND_DLC_CSV,
    AIND_LP_CSV,
    EKS_SCORER,
    LP_COLLECTED_DATA,
    LP_CONFIG,
    LP_CSV,
    LP_VIDEO,
    read_lp_csv,
    write_eks_csv,
)
from tests.fixtures.movement import plural_dims
from tests.fixtures.nwb import assert_inspector_clean, user_metadata

# The AIND files record no frame rate and come without their video; the rate is an assumption of the tests.
AIND_RATE = 500.0


def assert_container_matches_csv(container, csv_path, *, software):
    """Every x, y and likelihood of the CSV is in the container's series, in its frame."""
    table = read_lp_csv(csv_path)
    scorer = table.columns.get_level_values(0)[0]
    keypoints = list(dict.fromkeys(table.columns.get_level_values(1)))
    assert container.source_software == software
    assert container.scorer == scorer
    assert list(container.skeleton.nodes[:]) == keypoints
    assert sorted(container.pose_estimation_series) == sorted(keypoints)
    for keypoint in keypoints:
        series = container.pose_estimation_series[keypoint]
        data = series.data[:]
        # float32 where every value is exact; compared below in float64.
        assert data.dtype in (np.float32, np.float64) and data.shape == (len(table), 2)
        np.testing.assert_array_equal(data[:, 0], table[(scorer, keypoint, "x")].to_numpy())
        np.testing.assert_array_equal(data[:, 1], table[(scorer, keypoint, "y")].to_numpy())
        np.testing.assert_array_equal(series.confidence[:], table[(scorer, keypoint, "likelihood")].to_numpy())
        assert series.unit == "pixels"


def assert_pose_matches_csv(pose, csv_path):
    """poseconv's own reader gives back every value of the CSV."""
    table = read_lp_csv(csv_path)
    scorer = table.columns.get_level_values(0)[0]
    (track,) = pose.tracks
    nodes = pose.skeletons[track.skeleton].nodes
    assert list(nodes) == list(dict.fromkeys(table.columns.get_level_values(1)))
    for j, keypoint in enumerate(nodes):
        np.testing.assert_array_equal(track.positions[:, j, 0], table[(scorer, keypoint, "x")])
        np.testing.assert_array_equal(track.positions[:, j, 1], table[(scorer, keypoint, "y")])
        np.testing.assert_array_equal(track.confidence[:, j], table[(scorer, keypoint, "likelihood")])


def test_predictions_with_their_video(tmp_path):
    interface = LightningPosePoseInterface(file_path=LP_CSV)
    # Frame times and size from the video beside the predictions (250 fps, 396 x 406).
    timing = interface.pose.timing["test_vid"]
    assert timing.rate == pytest.approx(250.0) and "video container test_vid.mp4" in timing.source
    assert interface.pose.videos["test_vid"].frame_size == (406, 396)
    nwbfile_path = tmp_path / "lp.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface), overwrite=True)
    assert_inspector_clean(nwbfile_path)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        container = nwbfile.processing["behavior"]["PoseEstimation"]
        assert_container_matches_csv(container, LP_CSV, software="LightningPose")
        video = nwbfile.acquisition["Video test_vid"]
        assert container.source_video is video and video.format == "external"
        assert (nwbfile_path.parent / video.external_file[0]).resolve().samefile(LP_VIDEO)
        np.testing.assert_array_equal(video.dimension[:], [396, 406])
        series = container.pose_estimation_series["nose_top"]
        assert series.rate == pytest.approx(250.0) and len(series.get_timestamps()) == 994
        # No extra columns, no extra container.
        assert set(nwbfile.processing["behavior"].data_interfaces) == {"Skeletons", "PoseEstimation"}
    (pose,) = read_nwb(nwbfile_path)
    assert pose.source_software == "LightningPose" and pose.scorer == "heatmap_tracker"
    assert pose.tracks[0].extra_coords == ()
    assert_pose_matches_csv(pose, LP_CSV)
    # Exported as a DeepLabCut-style CSV it is LightningPose's own table again.
    pd.testing.assert_frame_equal(read_lp_csv(write_deeplabcut(pose, tmp_path / "back.csv")), read_lp_csv(LP_CSV))


def test_lightning_pose_and_deeplabcut_on_the_same_video_side_by_side(tmp_path):
    class Converter(PoseNWBConverter):
        data_interface_classes = dict(LightningPose=LightningPosePoseInterface, DeepLabCut=DeepLabCutPoseInterface)

    converter = Converter(
        source_data=dict(
            LightningPose=dict(file_path=str(AIND_LP_CSV), sampling_frequency=AIND_RATE, metadata_key="lp"),
            DeepLabCut=dict(file_path=str(AIND_DLC_CSV), sampling_frequency=AIND_RATE, metadata_key="dlc"),
        )
    )
    metadata = user_metadata(converter)
    assert set(metadata["Pose"]["PoseEstimations"]) == {"PoseEstimation_lp", "PoseEstimation_dlc"}
    assert set(metadata["Pose"]["Skeletons"]) == {"Skeleton_lp", "Skeleton_dlc"}
    nwbfile_path = tmp_path / "side_by_side.nwb"
    converter.run_conversion(nwbfile_path=nwbfile_path, metadata=metadata)
    assert_inspector_clean(nwbfile_path)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        # Two pose files on one video: the track-order table records which file each container was read from.
        assert set(behavior.data_interfaces) == {"Skeletons", "PoseEstimation_lp", "PoseEstimation_dlc", "TrackOrder"}
        assert_container_matches_csv(behavior["PoseEstimation_lp"], AIND_LP_CSV, software="LightningPose")
        assert_container_matches_csv(behavior["PoseEstimation_dlc"], AIND_DLC_CSV, software="DeepLabCut")
        assert behavior["PoseEstimation_lp"].skeleton.name == "Skeleton_lp"
        # One frame more in the LightningPose file: each keeps its own frame count.
        assert len(behavior["PoseEstimation_lp"].pose_estimation_series["nosetip"].data) == 3276
        assert len(behavior["PoseEstimation_dlc"].pose_estimation_series["nosetip"].data) == 3275
    poses = {pose.source_software: pose for pose in read_nwb(nwbfile_path)}
    assert set(poses) == {"LightningPose", "DeepLabCut"}
    assert_pose_matches_csv(poses["LightningPose"], AIND_LP_CSV)
    assert_pose_matches_csv(poses["DeepLabCut"], AIND_DLC_CSV)
    assert poses["LightningPose"].timing[poses["LightningPose"].tracks[0].video].rate == AIND_RATE


def test_ensemble_columns_round_trip_value_for_value(tmp_path):
    csv_path = write_eks_csv(tmp_path / "test_vid_eks.csv")
    interface = LightningPosePoseInterface(file_path=csv_path, video_file_path=LP_VIDEO)
    nwbfile_path = tmp_path / "eks.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface))
    assert_inspector_clean(nwbfile_path)
    table = read_lp_csv(csv_path)
    keypoints = list(dict.fromkeys(table.columns.get_level_values(1)))
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        container = behavior["PoseEstimation"]
        assert_container_matches_csv(container, csv_path, software="LightningPose")
        extras = behavior[extra_coords_name("PoseEstimation")]
        assert extras.name == "PoseEstimationExtraCoords"
        assert len(extras.time_series) == 3 * len(keypoints)
        pose_times = container.pose_estimation_series[keypoints[0]].get_timestamps()
        for keypoint in keypoints:
            for group, unit in (("ens_median", "pixels"), ("ens_var", "pixels^2"), ("posterior_var", "pixels^2")):
                series = extras.time_series[f"{keypoint}_{group}"]
                facts = json.loads(series.comments)
                assert facts["node"] == keypoint and facts["group"] == group
                assert facts["columns"] == [f"x_{group}", f"y_{group}"]
                assert series.unit == unit
                for c, column in enumerate(facts["columns"]):
                    np.testing.assert_array_equal(series.data[:, c], table[(EKS_SCORER, keypoint, column)])
                np.testing.assert_array_equal(series.get_timestamps(), pose_times)
    (pose,) = read_nwb(nwbfile_path)
    assert_pose_matches_csv(pose, csv_path)
    original = interface.pose.tracks[0].extra_coords
    back = pose.tracks[0].extra_coords
    assert [(e.name, e.columns, e.unit, e.description) for e in back] == [
        (e.name, e.columns, e.unit, e.description) for e in original
    ]
    for a, b in zip(original, back, strict=True):
        np.testing.assert_array_equal(np.asarray(a.values), b.values)
    # Back to the EKS CSV: the same table, column for column and value for value.
    exported = write_deeplabcut(pose, tmp_path / "exported.csv")
    pd.testing.assert_frame_equal(read_lp_csv(exported), table)
    # movement reads the file as it reads any ndx-pose file (the extra container is not in its way).
    dataset = plural_dims(load_poses.from_nwb_file(nwbfile_path))
    assert dataset.attrs["source_software"] == "LightningPose"
    nose = dataset.position.sel(keypoints="nose_top").squeeze().to_numpy()
    np.testing.assert_array_equal(nose[:, 0], table[(EKS_SCORER, "nose_top", "x")])


def test_ensemble_columns_link_irregular_timestamps_and_stub(tmp_path):
    csv_path = write_eks_csv(tmp_path / "eks.csv")
    interface = LightningPosePoseInterface(file_path=csv_path)
    times = np.cumsum(np.linspace(0.003, 0.005, 994))
    interface.set_aligned_timestamps(times)
    nwbfile_path = tmp_path / "stub.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface), stub_test=True)
    with h5py.File(nwbfile_path, "r") as handle:
        extras = handle["processing/behavior/PoseEstimationExtraCoords"]
        for series in extras.values():
            assert series["data"].shape == (100, 2)
            # The frame times are stored once, by the pose series, and linked.
            assert isinstance(series.get("timestamps", getlink=True), h5py.SoftLink)
            np.testing.assert_array_equal(series["timestamps"][:], times[:100])
    (pose,) = read_nwb(nwbfile_path)
    table = read_lp_csv(csv_path).iloc[:100]
    values = pose.tracks[0].extra_coords[2].values
    np.testing.assert_array_equal(values[:, 5, 1], table[(EKS_SCORER, "tailMid_top", "y_posterior_var")])


def test_extra_coords_container_name_clash_is_an_error(tmp_path):
    interface = LightningPosePoseInterface(file_path=write_eks_csv(tmp_path / "eks.csv"), sampling_frequency=250.0)
    metadata = user_metadata(interface)
    nwbfile = mock_NWBFile()
    interface.add_to_nwbfile(nwbfile, metadata)
    # A second PoseEstimation whose extra-coords container name is taken.
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] = "Other"
    nwbfile.processing["behavior"].add(BehavioralTimeSeries(name=extra_coords_name("Other")))
    with pytest.raises(MetadataError, match="already holds 'OtherExtraCoords'"):
        interface.add_to_nwbfile(nwbfile, metadata)


def test_labels_round_trip_to_the_same_table(tmp_path):
    interface = LightningPoseTrainingDataInterface(file_path=LP_COLLECTED_DATA, config_file_path=LP_CONFIG)
    nwbfile_path = tmp_path / "labels.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface))
    # pynwb's schema validation of PoseTraining runs in the DLC and SLEAP label tests (30 s on these 90 frames).
    assert_inspector_clean(nwbfile_path, schema_validation=False)
    back = read_training(nwbfile_path)
    assert back.source_software == "LightningPose"
    original, _ = read_deeplabcut_labels_table(LP_COLLECTED_DATA)
    # Every label, NaN and image path, in order, written back as the same CollectedData table.
    pd.testing.assert_frame_equal(to_deeplabcut_labels(back), original)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        training = io.read().processing["behavior"]["PoseTraining"]
        frames = training.training_frames.training_frames
        assert len(frames) == 90
        frame = frames["unknown_video_img01.png"]
        assert frame.annotator == "rick" and frame.source_video is None
        (instance,) = frame.skeleton_instances.skeleton_instances.values()
        np.testing.assert_array_equal(instance.node_locations[:], original.iloc[0].to_numpy().reshape(17, 2))


def test_predictions_with_their_labels_share_one_skeleton(tmp_path):
    interface = LightningPosePoseInterface(
        file_path=LP_CSV, include_training_data=True, labeled_data_path=LP_COLLECTED_DATA
    )
    nwbfile_path = tmp_path / "both.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface))
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        assert set(behavior["Skeletons"].skeletons) == {"Skeleton"}
        instance = next(iter(behavior["PoseTraining"].training_frames.training_frames.values()))
        assert next(iter(instance.skeleton_instances.skeleton_instances.values())).skeleton is (
            behavior["PoseEstimation"].skeleton
        )
    with pytest.raises(InvalidOptionError, match="give the CollectedData.csv as labeled_data_path"):
        LightningPosePoseInterface(file_path=LP_CSV, include_training_data=True)


def test_no_frame_rate_is_a_clear_error(tmp_path):
    interface = LightningPosePoseInterface(file_path=AIND_LP_CSV)
    with pytest.raises(MetadataError, match=r"LP.predictions.csv: no frame rate is recorded"):
        interface.run_conversion(nwbfile_path=tmp_path / "x.nwb", metadata=user_metadata(interface))
    assert not list(tmp_path.iterdir())
