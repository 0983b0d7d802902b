"""TrainingData -> ndx-pose PoseTraining (and back): layout, links, names, metadata and errors."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from pynwb import NWBHDF5IO
from pynwb.image import ImageSeries
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import MetadataError, PoseconvWarning
from poseconv.metadata.training import default_training_metadata
from poseconv.model import Skeleton, VideoInfo
from poseconv.model.training import LabeledFrame, LabeledInstance, TrainingData
from poseconv.nwb.read.training import read_training
from poseconv.nwb.write.training import write_pose_training
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels
from tests.fixtures.paths import SHARED_DATA
from tests.fixtures.training import MULTI_MOUSE_PROJECT, TEST_ALEX_PROJECT

SLEAP_IO_ANNOTATIONS = SHARED_DATA / "sleap-io.js/tests/data/nwb/minimal.annotations.nwb"


def metadata_for(training):
    return default_training_metadata(training, video_paths_known={k for k, v in training.videos.items() if v.path})


def tracked_training(frame_index: int = 1029) -> TrainingData:
    """Two tracks (a, b) on a 2-node skeleton, one frame with both and an untracked animal."""
    skeleton = Skeleton(name="mouse", nodes=("nose", "tail"), edges=((0, 1),))
    points = np.array([[1.5, 2.5], [np.nan, np.nan]])
    return TrainingData.from_frames(
        source_software="SLEAP",
        source_file="labels.slp",
        skeletons=[skeleton],
        videos=[VideoInfo(key="arena", original_path="D:/rig/arena.mp4")],
        frames=[
            LabeledFrame(
                video="arena",
                frame_index=frame_index,
                instances=(
                    LabeledInstance("mouse", points + 10, np.array([True, True]), individual="b"),
                    LabeledInstance("mouse", points, np.array([True, False]), individual="a"),
                    LabeledInstance("mouse", points + 20, np.array([True, False])),
                ),
            )
        ],
        individuals=["a", "b"],
    )


def test_video_found_becomes_a_relative_external_source_video(tmp_path):
    training = read_deeplabcut_labels(TEST_ALEX_PROJECT)
    nwbfile = mock_NWBFile()
    pose_training = write_pose_training(nwbfile, training, metadata=metadata_for(training), relative_to=tmp_path)
    (series,) = pose_training.source_videos.image_series.values()
    assert series.name == "Video reachingvideo1short"
    assert series.external_file[0].startswith("..") and series.external_file[0].endswith("reachingvideo1short.avi")
    assert (series.rate, series.num_samples, list(series.dimension)) == (30.0, 12, [832, 747])
    assert series.device.name == "Video reachingvideo1short Camera Device"
    frames = list(pose_training.training_frames.training_frames.values())
    assert [f.source_video_frame_index for f in frames] == [4, 1, 8, 9, 6]
    assert all(f.source_video is series and f.annotator == "Alex" for f in frames)
    assert frames[0].name == "reachingvideo1short_img04.png"
    (instance,) = frames[0].skeleton_instances.skeleton_instances.values()
    assert instance.name == "instance_0" and instance.id is None
    assert instance.skeleton is nwbfile.processing["behavior"]["Skeletons"]["Skeleton"]


def test_existing_image_series_is_linked_not_copied():
    training = tracked_training()
    nwbfile = mock_NWBFile()
    video = ImageSeries(
        name="Video arena",
        description="The session video.",
        unit="n.a.",
        format="external",
        external_file=["arena.mp4"],
        starting_frame=[0],
        rate=30.0,
        num_samples=2000,
    )
    nwbfile.add_acquisition(video)
    pose_training = write_pose_training(nwbfile, training, metadata={})
    # Listed among the source videos too, as the same object (written as a link, not a copy).
    (listed,) = pose_training.source_videos.image_series.values()
    assert listed is video and video.parent is nwbfile
    (frame,) = pose_training.training_frames.training_frames.values()
    assert frame.source_video is video
    # ndx-pose declares uint8; frame indices above 255 keep a wider unsigned type.
    assert frame.source_video_frame_index == 1029 and frame.source_video_frame_index.dtype == np.uint16


def test_another_interface_s_video_of_the_file_is_linked_under_its_name(tmp_path):
    # neuroconv's ExternalVideoInterface(video_name="MyCam") wrote the labels' video under a name of its own:
    # the training frames wrote it a second time ('Video reachingvideo1short', with a camera of its own).
    training = read_deeplabcut_labels(TEST_ALEX_PROJECT)
    (info,) = training.videos.values()
    nwbfile = mock_NWBFile()
    video = ImageSeries(
        name="MyCam",
        description="Video recorded by camera.",
        unit="Frames",
        format="external",
        external_file=[str(info.local_files)],
        starting_frame=[0],
        rate=30.0,
        num_samples=12,
    )
    nwbfile.add_acquisition(video)
    pose_training = write_pose_training(nwbfile, training, metadata=metadata_for(training), relative_to=tmp_path)
    assert list(nwbfile.acquisition) == ["MyCam"] and not nwbfile.devices
    assert list(pose_training.source_videos.image_series.values()) == [video]
    assert all(f.source_video is video for f in pose_training.training_frames.training_frames.values())


@pytest.mark.parametrize("kind", ["ElectricalSeries", "TwoPhotonSeries"])
def test_a_video_named_like_another_object_is_the_error_the_poses_video_gives(tmp_path, kind):
    # The labels' video named like an ephys interface's ElectricalSeries: skipped as no ImageSeries, then pynwb's
    # "Cannot add ImageSeries ... already exists"; an ImageSeries' subclass (2-photon images) was linked as the
    # video the labels were placed on. Both are video.image_series_named's metadata error, as for the poses.
    from pynwb.testing.mock.ecephys import mock_ElectricalSeries
    from pynwb.testing.mock.ophys import mock_TwoPhotonSeries

    training = read_deeplabcut_labels(TEST_ALEX_PROJECT)
    nwbfile = mock_NWBFile()
    mock = mock_ElectricalSeries if kind == "ElectricalSeries" else mock_TwoPhotonSeries
    mock(name="Video reachingvideo1short", nwbfile=nwbfile)
    said = (
        r"metadata\['Behavior'\]\['ExternalVideos'\]\['video_reachingvideo1short'\]\['name'\] is "
        rf"'Video reachingvideo1short', the name of the {kind} .*choose another name"
    )
    with pytest.raises(MetadataError, match=said):
        write_pose_training(nwbfile, training, metadata=metadata_for(training), relative_to=tmp_path)


def test_an_object_of_a_default_name_no_entry_gives_is_not_the_video():
    # Without an entry no video is added: another object of the default name is not the labels' video, no error.
    from pynwb.testing.mock.ecephys import mock_ElectricalSeries

    nwbfile = mock_NWBFile()
    mock_ElectricalSeries(name="Video arena", nwbfile=nwbfile)
    pose_training = write_pose_training(nwbfile, tracked_training(), metadata={})
    assert pose_training.source_videos is None and list(nwbfile.acquisition) == ["Video arena"]


def test_a_video_interface_s_entry_is_refused_saying_what_to_do():
    # In neuroconv's NWBConverter, labels listed before the video interface get its entry (merged in their order)
    # and wrote its video first: pynwb then refused the video interface's "Cannot add ImageSeries ... already exists".
    training = read_deeplabcut_labels(TEST_ALEX_PROJECT)
    metadata = metadata_for(training)
    (entry,) = metadata["Behavior"]["ExternalVideos"].values()
    entry.update(name="MyCam", description="Video recorded by camera.")
    with pytest.raises(MetadataError, match=r"ExternalVideoInterface.*training frames.*before the training-data"):
        write_pose_training(mock_NWBFile(), training, metadata=metadata)


def test_instances_named_by_individual_with_ids_and_read_back(tmp_path):
    training = tracked_training()
    nwbfile = mock_NWBFile()
    write_pose_training(nwbfile, training, metadata={})
    (frame,) = nwbfile.processing["behavior"]["PoseTraining"].training_frames.training_frames.values()
    instances = frame.skeleton_instances.skeleton_instances
    assert sorted(instances) == ["a", "b", "instance_0"]
    assert (instances["a"].id, instances["b"].id, instances["instance_0"].id) == (0, 1, None)
    np.testing.assert_array_equal(instances["a"].node_visibility, [True, False])
    path = tmp_path / "training.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    back = read_training(path)
    (frame,) = back.frames
    # Without a linked video the frame index comes back from the sources table.
    assert (frame.video, frame.frame_index) == ("arena", 1029)
    # In the frame's own order ("b" before "a"), which HDF5 (listing groups by name) does not keep.
    assert [i.individual for i in frame.instances] == ["b", "a", None]
    for written, read in zip(training.frames[0].instances, frame.instances, strict=True):
        np.testing.assert_array_equal(read.points, written.points)
    np.testing.assert_array_equal(frame.instances[1].visible, [True, False])
    assert back.individuals == ["a", "b"]
    assert back.videos["arena"].original_path == "D:/rig/arena.mp4"
    assert back.source_software == "SLEAP"


def test_metadata_names_container_annotator_and_description(tmp_path):
    training = read_deeplabcut_labels(MULTI_MOUSE_PROJECT)
    metadata = metadata_for(training)
    metadata["Pose"]["PoseTraining"].update(name="Labels", annotator="Jane Doe", description="Labeled by Jane.")
    nwbfile = mock_NWBFile()
    pose_training = write_pose_training(nwbfile, training, metadata=metadata, max_frames=3)
    assert pose_training.name == "Labels"
    frames = list(pose_training.training_frames.training_frames.values())
    assert len(frames) == 3 and {f.annotator for f in frames} == {"Jane Doe"}
    table = nwbfile.processing["behavior"]["LabelsSources"]
    assert table.description == "Labeled by Jane."
    assert list(table["training_frame"].data) == [f.name for f in frames]
    assert list(table["row_labels"].data) == ["column"] * 3
    assert list(table["value_dtype"].data) == ["int64"] * 3


def test_skeleton_shared_and_conflicts_refused():
    training = read_deeplabcut_labels(TEST_ALEX_PROJECT)
    nwbfile = mock_NWBFile()
    write_pose_training(nwbfile, training, metadata=metadata_for(training))
    with pytest.raises(MetadataError, match="already holds 'PoseTraining'"):
        write_pose_training(nwbfile, training, metadata=metadata_for(training))
    metadata = metadata_for(training)
    metadata["Pose"]["PoseTraining"]["name"] = "PoseTraining2"
    second = write_pose_training(nwbfile, training, metadata=metadata)
    (frame, *_) = second.training_frames.training_frames.values()
    (instance,) = frame.skeleton_instances.skeleton_instances.values()
    assert instance.skeleton is nwbfile.processing["behavior"]["Skeletons"]["Skeleton"]
    metadata["Pose"]["Skeletons"]["Skeleton"]["nodes"] = ["a", "b", "c", "d"]
    metadata["Pose"]["PoseTraining"]["name"] = "PoseTraining3"
    with pytest.raises(MetadataError, match="nodes cannot be renamed"):
        write_pose_training(nwbfile, training, metadata=metadata)


def test_sources_table_is_plain_hdmf(tmp_path):
    training = tracked_training()
    nwbfile = mock_NWBFile()
    write_pose_training(nwbfile, training, metadata={})
    path = tmp_path / "t.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    with h5py.File(path, "r") as handle:
        table = handle["processing/behavior/PoseTrainingSources"]
        assert table.attrs["neurodata_type"] == "DynamicTable"
        assert table["frame_index"][()].tolist() == [1029]


def test_labels_with_no_animal_labeled_yet_keep_their_skeleton_and_export_with_it(tmp_path):
    # A CollectedData saved before any point was placed: no Skeleton was written (its bodyparts lost), and
    # export --training then ended in "internal error: StopIteration"; the skeleton is written and read back.
    from poseconv.exporters.deeplabcut_training import to_deeplabcut_labels

    labeled = tracked_training()
    training = TrainingData.from_frames(
        source_software="DeepLabCut",
        source_file="project",
        skeletons=list(labeled.skeletons.values()),
        videos=list(labeled.videos.values()),
        frames=[LabeledFrame(video="arena", frame_index=t) for t in (3, 7)],
    )
    assert training.used_skeletons() == ["mouse"]
    nwbfile = mock_NWBFile()
    write_pose_training(nwbfile, training, metadata={})
    (skeleton,) = nwbfile.processing["behavior"]["Skeletons"].skeletons.values()
    assert list(skeleton.nodes) == ["nose", "tail"]
    path = tmp_path / "training.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    back = read_training(path)
    assert list(back.skeletons) == ["mouse"] and back.skeletons["mouse"].nodes == ("nose", "tail")
    table = to_deeplabcut_labels(back)
    assert table.shape == (2, 4) and table.isna().all().all()
    assert list(table.columns.get_level_values("bodyparts").unique()) == ["nose", "tail"]


def test_a_frame_past_the_end_of_its_video_is_not_linked_and_said(tmp_path):
    # img40.png of a 12-frame video was linked as its frame 40 without a word: not the video it came from.
    import dataclasses

    training = read_deeplabcut_labels(TEST_ALEX_PROJECT)
    frames = [dataclasses.replace(training.frames[0], frame_index=40, image="img40.png"), *training.frames[1:]]
    training = dataclasses.replace(training, frames=frames)
    with pytest.warns(PoseconvWarning, match=r"'reachingvideo1short' \(img40\.png\) lie past its 12 frames"):
        pose_training = write_pose_training(
            mock_NWBFile(), training, metadata=metadata_for(training), relative_to=tmp_path
        )
    written = list(pose_training.training_frames.training_frames.values())
    assert written[0].source_video is None and all(f.source_video is not None for f in written[1:])
