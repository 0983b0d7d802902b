"""Training data end to end: real labels -> NWB (as a user converts them) -> back to DeepLabCut and SLEAP files.

Every label, frame index, image name, individual and skeleton must survive; the NWB
files must pass nwbinspector with the metadata a user gives for DANDI.

nwbinspector's schema validation (pynwb/hdmf) of PoseTraining grows about threefold
per nesting level (TrainingFrames > TrainingFrame > SkeletonInstances >
SkeletonInstance > linked Skeleton): seconds per ten instances. Files with few
instances get the full inspection; larger ones the best-practice checks, since
validating the same structure again adds nothing.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sleap_io as sio
from nwbinspector import Importance, inspect_nwbfile
from pynwb import NWBHDF5IO

from poseconv.errors import InvalidOptionError, MetadataError
from poseconv.exporters.deeplabcut_training import to_deeplabcut_labels, write_deeplabcut_labels
from poseconv.exporters.sleap_training import write_sleap_labels
from poseconv.interfaces import DeepLabCutPoseInterface, SLEAPPoseInterface
from poseconv.interfaces.training import DeepLabCutTrainingDataInterface, SLEAPTrainingDataInterface
from poseconv.nwb.read.training import read_training
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels_table
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5
from tests.fixtures.nwb import assert_inspector_clean, user_metadata
from tests.fixtures.sleap import (
    SLEAP_REPO,
    SLP_CLIP_PROOFREAD,
    SLP_DANCE,
    SLP_IMAGE_LIST,
    SLP_LABELS_V002,
    SLP_MIN_SESSION_USER,
    SLP_TYPICAL,
)
from tests.fixtures.training import (
    COLLECTED_DATA_FILES,
    MONTBLANC_PROJECT,
    MULTI_MOUSE_PROJECT,
    TEST_ALEX_PROJECT,
    TRIMOUSE_CALIB,
)


def convert(interface, path, **options):
    metadata = user_metadata(interface)
    interface.run_conversion(nwbfile_path=path, metadata=metadata, **options)
    return metadata


def assert_best_practices_clean(nwbfile_path):
    """nwbinspector without the (slow, see the module docstring) schema validation."""
    bad = [
        m
        for m in inspect_nwbfile(nwbfile_path=nwbfile_path, skip_validate=True)
        if m.importance in (Importance.CRITICAL, Importance.BEST_PRACTICE_VIOLATION, Importance.ERROR)
    ]
    assert not bad, "\n".join(f"{m.importance.name} {m.check_function_name}: {m.message}" for m in bad)


def user_labels(path):
    """Every user instance of a .slp, by (video file, frame), compared as sleap-io reads it."""
    labels = sio.load_slp(str(path), open_videos=False)
    result = {}
    for lf in labels.labeled_frames:
        if not lf.user_instances:
            continue
        video = tuple(lf.video.filename) if isinstance(lf.video.filename, list) else lf.video.filename
        result[(video, int(lf.frame_idx))] = sorted(
            (
                inst.track.name if inst.track is not None else "",
                inst.skeleton.name,
                tuple(inst.skeleton.node_names),
                tuple(inst.skeleton.edge_inds),
                inst.points["xy"].tobytes(),
                inst.points["visible"].tobytes(),
            )
            for inst in lf.user_instances
        )
    return result


# -- DeepLabCut --------------------------------------------------------------------------------


# Every real .h5, and the CSV copies with Windows paths and with three index columns.
DLC_ROUND_TRIP_FILES = [p for p in COLLECTED_DATA_FILES if p.suffix == ".h5" and p != TRIMOUSE_CALIB] + [
    TEST_ALEX_PROJECT / "labeled-data/reachingvideo1short/CollectedData_Alex.csv",
    MULTI_MOUSE_PROJECT / "labeled-data/m3v1mp4short/CollectedData_dlc_team.csv",
]


@pytest.mark.parametrize(
    "label_file", DLC_ROUND_TRIP_FILES, ids=lambda p: f"{p.parents[2].name}/{p.parent.name}/{p.name}"
)
def test_every_dlc_label_file_round_trips_exactly(tmp_path, label_file):
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=label_file)
    nwb_path = tmp_path / "labels.nwb"
    convert(interface, nwb_path)
    back = read_training(nwb_path)
    original, _ = read_deeplabcut_labels_table(label_file)
    pd.testing.assert_frame_equal(to_deeplabcut_labels(back), original)
    for suffix in (".h5", ".csv"):
        (written,) = write_deeplabcut_labels(back, tmp_path / f"CollectedData{suffix}")
        pd.testing.assert_frame_equal(read_deeplabcut_labels_table(written)[0], original)


@pytest.mark.parametrize("project", [MULTI_MOUSE_PROJECT, MONTBLANC_PROJECT], ids=lambda p: p.name)
def test_dlc_projects_round_trip_to_a_labeled_data_tree_and_pass_nwbinspector(tmp_path, project):
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=project)
    nwb_path = tmp_path / "labels.nwb"
    convert(interface, nwb_path)
    assert_best_practices_clean(nwb_path)
    back = read_training(nwb_path)
    written = write_deeplabcut_labels(back, tmp_path / "export", file_format="h5")
    originals = sorted(project.glob("labeled-data/*/CollectedData_*.h5"))
    assert len(written) == len(originals)
    for original in originals:
        exported = tmp_path / "export" / original.relative_to(project)
        pd.testing.assert_frame_equal(
            read_deeplabcut_labels_table(exported)[0], read_deeplabcut_labels_table(original)[0]
        )
    # Skeletons come back with the config's edges.
    assert back.skeletons == interface.training_data.skeletons


def test_dlc_file_of_two_videos_in_float32_round_trips(tmp_path):
    # trimouse_calib.h5: 500 rows of two videos in one file, float32, image names without frame index.
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=TRIMOUSE_CALIB)
    nwb_path = tmp_path / "labels.nwb"
    convert(interface, nwb_path, stub_test=True)
    back = read_training(nwb_path)
    (written,) = write_deeplabcut_labels(back, tmp_path / "export", file_format="h5")
    assert written == tmp_path / "export" / "trimouse_calib.h5"
    original = read_deeplabcut_labels_table(TRIMOUSE_CALIB)[0]
    # The stub wrote the first 100 training frames (all of the first video).
    assert len(back.frames) == 100 and all(f.frame_index is None for f in back.frames)
    assert back.label_files["trimouse_calib.h5"].value_dtype == "float32"
    pd.testing.assert_frame_equal(read_deeplabcut_labels_table(written)[0], original.iloc[:100])


def test_dlc_labels_next_to_predictions_share_skeleton_and_video(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the pose files' and the video's frame rates differ slightly
        interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5, include_training_data=True)
    nwb_path = tmp_path / "session.nwb"
    metadata = convert(interface, nwb_path)
    assert metadata["Pose"]["PoseTraining"]["name"] == "PoseTraining"
    assert_best_practices_clean(nwb_path)
    with NWBHDF5IO(nwb_path, "r") as io:
        nwbfile = io.read()
        behavior = nwbfile.processing["behavior"]
        skeleton = behavior["Skeletons"]["Skeleton"]
        assert behavior["PoseEstimation_individual1"].skeleton is skeleton
        video = nwbfile.acquisition["Video m3v1mp4short"]
        frames = behavior["PoseTraining"].training_frames.training_frames
        short = [f for name, f in frames.items() if name.startswith("m3v1mp4short_")]
        assert len(short) == 5 and all(f.source_video is video for f in short)
        assert sorted(int(f.source_video_frame_index) for f in short) == [5, 11, 12, 17, 26]
        instance = next(iter(short[0].skeleton_instances.skeleton_instances.values()))
        assert instance.skeleton is skeleton or instance.skeleton is behavior["Skeletons"]["SkeletonUniqueBodyparts"]
        sources = behavior["PoseTraining"].source_videos.image_series
        assert video in sources.values() and all(s is nwbfile.acquisition[s.name] for s in sources.values())
    back = read_training(nwb_path)
    for original in sorted(MULTI_MOUSE_PROJECT.glob("labeled-data/*/CollectedData_*.h5")):
        key = f"labeled-data/{original.parent.name}/{original.name}"
        pd.testing.assert_frame_equal(
            to_deeplabcut_labels(back, label_file=key), read_deeplabcut_labels_table(original)[0]
        )


def test_dlc_training_video_found_in_project_is_a_source_video(tmp_path):
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=TEST_ALEX_PROJECT)
    nwb_path = tmp_path / "nested" / "labels.nwb"
    nwb_path.parent.mkdir()
    convert(interface, nwb_path)
    assert_inspector_clean(nwb_path)
    with NWBHDF5IO(nwb_path, "r") as io:
        pose_training = io.read().processing["behavior"]["PoseTraining"]
        (series,) = pose_training.source_videos.image_series.values()
        assert (nwb_path.parent / series.external_file[0]).resolve() == (
            TEST_ALEX_PROJECT / "videos/reachingvideo1short.avi"
        ).resolve()
    back = read_training(nwb_path)
    assert back.videos["reachingvideo1short"].path == (TEST_ALEX_PROJECT / "videos/reachingvideo1short.avi").resolve()


def test_dlc_include_training_data_needs_a_project(tmp_path):
    predictions = tmp_path / MULTI_ANIMAL_H5.name
    shutil.copy(MULTI_ANIMAL_H5, predictions)
    with pytest.raises(InvalidOptionError, match="labeled_data_path"):
        DeepLabCutPoseInterface(file_path=predictions, include_training_data=True, find_side_files=False)
    interface = DeepLabCutPoseInterface(
        file_path=predictions,
        include_training_data=True,
        find_side_files=False,
        labeled_data_path=MULTI_MOUSE_PROJECT,
        sampling_frequency=30.0,
    )
    assert interface.training_data.individuals == ["individual1", "individual2", "individual3", "single"]


def test_metadata_schema_covers_training_data(tmp_path):
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=TEST_ALEX_PROJECT)
    metadata = user_metadata(interface)
    metadata["Pose"]["PoseTraining"]["annotator"] = "Alex Doe"
    interface.validate_metadata(metadata)
    nwb_path = tmp_path / "labels.nwb"
    interface.run_conversion(nwbfile_path=nwb_path, metadata=metadata)
    assert {f.annotator for f in read_training(nwb_path).frames} == {"Alex Doe"}
    metadata["Pose"]["PoseTraining"]["colour"] = "red"
    with pytest.raises(Exception, match="colour"):
        interface.validate_metadata(metadata)
    metadata["Pose"]["PoseTraining"].pop("colour")
    metadata["Pose"]["Skeletons"]["Skeleton"]["nodes"] = ["renamed", "b", "c", "d"]
    with pytest.raises(MetadataError, match="nodes cannot be renamed"):
        interface.run_conversion(nwbfile_path=tmp_path / "bad.nwb", metadata=metadata)


# -- SLEAP -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slp", [SLP_MIN_SESSION_USER, SLP_TYPICAL, SLP_DANCE, SLP_LABELS_V002, SLP_IMAGE_LIST], ids=lambda p: p.name
)
def test_sleap_user_labels_round_trip_exactly(tmp_path, slp):
    interface = SLEAPTrainingDataInterface(file_path=slp)
    nwb_path = tmp_path / "labels.nwb"
    convert(interface, nwb_path)
    back = read_training(nwb_path)
    exported = write_sleap_labels(back, tmp_path / "user_labels.slp")
    assert user_labels(exported) == user_labels(slp)
    original = sio.load_slp(str(slp), open_videos=False)
    used_tracks = {i.track.name for lf in original.labeled_frames for i in lf.user_instances if i.track is not None}
    assert {t.name for t in sio.load_slp(str(exported), open_videos=False).tracks} == used_tracks


def test_exported_labels_name_the_video_the_nwb_file_links_not_the_path_the_labeler_recorded(tmp_path):
    # SLEAP's minimal_instance.slp records its video as tests/data/json_format_v1/centered_pair_low_quality.mp4,
    # relative to where SLEAP ran; the NWB file links the video found here. The exported .slp (elsewhere) named
    # the recorded path, which SLEAP then looked for beside the export.
    nwb_path = tmp_path / "labels.nwb"
    convert(SLEAPTrainingDataInterface(file_path=SLEAP_REPO / "tests/data/slp_hdf5/minimal_instance.slp"), nwb_path)
    back = read_training(nwb_path)
    (info,) = back.videos.values()
    assert info.path is not None and Path(info.path).exists()
    (tmp_path / "out").mkdir()
    exported = write_sleap_labels(back, tmp_path / "out" / "user_labels.slp")
    (video,) = sio.load_slp(str(exported), open_videos=False).videos
    assert Path(video.filename) == Path(info.path) and Path(video.filename).exists()


def test_sleap_negative_frames_are_labels_and_come_back(tmp_path):
    # A frame a user marked as holding no animal (LabeledFrame.is_negative) is a training label, as DeepLabCut's
    # empty rows are. Before, it was dropped from PoseTraining.
    labels = sio.load_slp(str(SLP_TYPICAL), open_videos=False)
    video = labels.videos[0]
    labels.labeled_frames.append(sio.LabeledFrame(video=video, frame_idx=5, is_negative=True))
    source = tmp_path / "with_negative.slp"
    sio.save_slp(labels, str(source))
    nwb_path = tmp_path / "labels.nwb"
    convert(SLEAPTrainingDataInterface(file_path=source), nwb_path)
    back = read_training(nwb_path)
    assert [(f.frame_index, len(f.instances)) for f in back.frames][-1] == (5, 0)
    exported = sio.load_slp(str(write_sleap_labels(back, tmp_path / "back.slp")), open_videos=False)
    assert [(lf.frame_idx, lf.is_negative) for lf in exported.labeled_frames] == [(0, False), (5, True)]
    assert user_labels(tmp_path / "back.slp") == user_labels(source)


def test_sleap_names_nwb_cannot_hold_come_back_with_their_animals_and_nodes(tmp_path):
    # NWB names cannot hold "/": tracks "fly/1" and "fly_1" (and skeletons "sk/1" and "sk_1") would both be "fly_1"
    # ("sk_1"); the second got "_2", and the export gave the name "fly_1" to the animal of "fly/1".
    rng = np.random.default_rng(9)
    skeletons = [sio.Skeleton(["h", "t"], name="sk/1"), sio.Skeleton(["x", "y", "z"], name="sk_1")]
    tracks = [sio.Track(name) for name in ("fly/1", "fly_1", "fly 1", "fly:1")]
    video = sio.Video(filename="names.mp4", open_backend=False)
    instances = [
        sio.Instance.from_numpy(rng.uniform(0, 300, (len(sk.nodes), 2)), skeleton=sk, track=track)
        for sk, track in zip([*skeletons, *skeletons], tracks, strict=True)
    ]
    source = tmp_path / "names.slp"
    frames = [sio.LabeledFrame(video=video, frame_idx=1, instances=instances)]
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=skeletons, tracks=tracks), str(source))
    nwb_path = tmp_path / "labels.nwb"
    convert(SLEAPTrainingDataInterface(file_path=source), nwb_path)
    assert_inspector_clean(nwb_path)
    back = read_training(nwb_path)
    assert back.individuals == ["fly/1", "fly_1", "fly 1", "fly:1"]
    assert list(back.skeletons) == ["sk/1", "sk_1"]
    exported = write_sleap_labels(back, tmp_path / "back.slp")
    assert user_labels(exported) == user_labels(source)


def test_sleap_labels_on_an_image_sequence_link_its_images_and_come_back(tmp_path, generated_image_sequence):
    # The images have no frame times of their own: the poses' rate times them, and the labels link the same series.
    nwb_path = tmp_path / "labels.nwb"
    interface = SLEAPPoseInterface(
        file_path=generated_image_sequence.path, include_training_data=True, sampling_frequency=30.0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 2D poses of fewer frames than coordinates
        convert(interface, nwb_path)
    assert_inspector_clean(nwb_path)
    back = read_training(nwb_path)
    files = generated_image_sequence.expected["files"]
    assert [str(f) for f in back.videos["images"].image_files] == files
    exported = sio.load_slp(str(write_sleap_labels(back, tmp_path / "back.slp")))
    assert exported.videos[0].filename == files
    assert exported[0].frame_idx == 1 and exported[0].image.shape == (40, 60, 1)


def test_sleap_labels_alone_on_an_image_sequence_link_its_images_without_inventing_a_rate(
    tmp_path, generated_image_sequence
):
    # SLEAP's "Add images": labels on images that have no times. The images are still linked (numbered at one a
    # second, which the series says), so the export gives the sequence back with the label on its own image.
    nwb_path = tmp_path / "labels.nwb"
    convert(SLEAPTrainingDataInterface(file_path=generated_image_sequence.path), nwb_path)
    assert_inspector_clean(nwb_path)
    with NWBHDF5IO(nwb_path, "r") as io:
        (series,) = io.read().processing["behavior"]["PoseTraining"].source_videos.image_series.values()
        assert "no recorded times" in series.description and series.rate == 1.0
    back = read_training(nwb_path)
    files = generated_image_sequence.expected["files"]
    assert [str(f) for f in back.videos["images"].image_files] == files
    assert back.videos["images"].fps is None
    exported = sio.load_slp(str(write_sleap_labels(back, tmp_path / "back.slp")))
    assert exported.videos[0].filename == files and exported.videos[0].fps is None
    (frame,) = exported.labeled_frames
    assert frame.frame_idx == 1 and int(frame.image[0, 0, 0]) == 50  # img_001.png


def test_sleap_labels_pass_nwbinspector(tmp_path):
    interface = SLEAPTrainingDataInterface(file_path=SLP_TYPICAL)
    nwb_path = tmp_path / "typical.nwb"
    convert(interface, nwb_path)
    assert_inspector_clean(nwb_path)
    interface = SLEAPTrainingDataInterface(file_path=SLP_MIN_SESSION_USER)
    nwb_path = tmp_path / "session.nwb"
    convert(interface, nwb_path)
    assert_best_practices_clean(nwb_path)


def test_sleap_proofread_file_with_its_poses_and_video(tmp_path):
    # clip.slp: 1500 frames of 2 user-labeled tracks; the stub writes the first 100 training frames.
    interface = SLEAPPoseInterface(file_path=SLP_CLIP_PROOFREAD, include_training_data=True, sampling_frequency=25.0)
    nwb_path = tmp_path / "session.nwb"
    convert(interface, nwb_path, stub_test=True)
    assert_best_practices_clean(nwb_path)
    back = read_training(nwb_path)
    assert len(back.frames) == 100
    assert back.individuals == ["female", "male"]
    original = interface.training_data
    for expected, frame in zip(original.frames[:100], back.frames, strict=True):
        assert (frame.video, frame.frame_index) == (expected.video, expected.frame_index)
        by_track = {i.individual: i for i in frame.instances}
        for instance in expected.instances:
            np.testing.assert_array_equal(by_track[instance.individual].points, instance.points)
            np.testing.assert_array_equal(by_track[instance.individual].visible, instance.visible)
    with NWBHDF5IO(nwb_path, "r") as io:
        nwbfile = io.read()
        behavior = nwbfile.processing["behavior"]
        (frame, *_) = behavior["PoseTraining"].training_frames.training_frames.values()
        assert frame.source_video is nwbfile.acquisition["Video clip"]
        (listed,) = behavior["PoseTraining"].source_videos.image_series.values()
        assert listed is nwbfile.acquisition["Video clip"]
    # sleap-io finds the labels' video among the source videos and reads the labels back.
    import sleap_io

    labels = sleap_io.load_nwb(str(nwb_path))
    assert len(labels.videos) == 1 and len(labels.labeled_frames) == len(back.frames)
    # sleap-io keeps no track of training instances: it gives a frame's instances in the order the file
    # lists them, which is the .slp's order (listed by name, 'female' before 'male', they had
    # their two animals swapped in 66 of the first 100 frames).
    source = {lf.frame_idx: lf.user_instances for lf in sio.load_slp(str(SLP_CLIP_PROOFREAD), open_videos=False)}
    for labeled in labels.labeled_frames:
        expected = [instance.numpy() for instance in source[labeled.frame_idx]]
        np.testing.assert_array_equal([instance.numpy() for instance in labeled.instances], expected)


def test_sleap_io_reads_dlc_labels_with_unique_bodyparts(tmp_path):
    # The unique-bodyparts skeleton has no edges; it was written without an edges dataset, on which
    # sleap_io.load_nwb failed (it iterates over the edges). It is now an empty edge table.
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=MULTI_MOUSE_PROJECT / "labeled-data/m3v1mp4short")
    nwb_path = tmp_path / "labels.nwb"
    convert(interface, nwb_path)
    labels = sio.load_nwb(str(nwb_path))
    written = read_training(nwb_path)
    assert {s.name: s.node_names for s in labels.skeletons} == {
        name: list(s.nodes) for name, s in written.skeletons.items()
    }
    assert {s.name: s.edges for s in labels.skeletons}["SkeletonUniqueBodyparts"] == []
    # sleap-io lists the frames in the order of their names in the file.
    by_index = {labeled.frame_idx: labeled for labeled in labels.labeled_frames}
    assert sorted(by_index) == sorted(frame.frame_index for frame in written.frames)
    for frame in written.frames:
        for expected, instance in zip(frame.instances, by_index[frame.frame_index].instances, strict=True):
            np.testing.assert_array_equal(
                np.where(expected.visible[:, None], expected.points, np.nan), instance.numpy()
            )


def test_dlc_labels_export_to_sleap_and_back(tmp_path):
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=MULTI_MOUSE_PROJECT / "labeled-data/m3v1mp4short")
    exported = write_sleap_labels(interface.training_data, tmp_path / "from_dlc.slp")
    labels = sio.load_slp(str(exported), open_videos=False)
    assert [lf.frame_idx for lf in labels.labeled_frames] == [26, 11, 17, 12, 5]
    assert {t.name for t in labels.tracks} == {"individual1", "individual2", "individual3", "single"}
    with pytest.raises(InvalidOptionError, match="exists"):
        write_sleap_labels(interface.training_data, exported)


@pytest.mark.parametrize(
    ("cls", "source"),
    [
        (DeepLabCutTrainingDataInterface, {"labeled_data_path": TEST_ALEX_PROJECT}),
        (SLEAPTrainingDataInterface, {"file_path": SLP_TYPICAL}),
    ],
    ids=["dlc", "sleap"],
)
def test_training_interfaces_follow_neuroconv_conventions(cls, source):
    import copy

    from jsonschema import Draft7Validator
    from pynwb.testing.mock.file import mock_NWBFile

    Draft7Validator.check_schema(cls.get_source_schema())
    interface = cls(**source)
    Draft7Validator.check_schema(interface.get_conversion_options_schema())
    Draft7Validator.check_schema(interface.get_metadata_schema())
    metadata = user_metadata(interface)
    interface.validate_metadata(metadata)
    before = copy.deepcopy(metadata)
    interface.add_to_nwbfile(mock_NWBFile(), metadata)
    assert metadata == before


def _first_label_of_each_folder(project: Path, copy: Path) -> Path:
    """Copy ``project`` with the first labeled frame of each labeled-data folder alone (both label files)."""
    shutil.copytree(project, copy)
    for labels in copy.glob("labeled-data/*/CollectedData_*.h5"):
        first = pd.read_hdf(labels).iloc[:1]
        first.to_hdf(labels, key="df_with_missing", mode="w")
        first.to_csv(labels.with_suffix(".csv"))
    return copy


def test_the_video_of_labels_alone_is_in_acquisition_and_linked(tmp_path):
    # dandi organize moves the external files of acquisition with the NWB file; before, the labels' video
    # was only inside PoseTraining/source_videos, so the organized file pointed at nothing (CRITICAL).
    # One frame of each video is enough (the full inspection's schema validation grows with the frames: the
    # project's ten frames took 10 s); the project's every label is compared in the round trips above.
    project = _first_label_of_each_folder(MULTI_MOUSE_PROJECT, tmp_path / MULTI_MOUSE_PROJECT.name)
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=project)
    nwb_path = tmp_path / "labels.nwb"
    convert(interface, nwb_path)
    with NWBHDF5IO(nwb_path, "r") as io:
        nwbfile = io.read()
        pose_training = nwbfile.processing["behavior"]["PoseTraining"]
        listed = list(pose_training.source_videos.image_series.values())
        assert listed and all(series is nwbfile.acquisition[series.name] for series in listed)
        frames = pose_training.training_frames.training_frames.values()
        assert {frame.source_video.name for frame in frames if frame.source_video is not None} <= set(
            nwbfile.acquisition
        )
    assert_inspector_clean(nwb_path)


def test_sleap_instances_come_back_in_their_order_in_each_frame(tmp_path):
    # SLEAP keeps a frame's user instances in the order they were labeled (here 'male' before 'female' in some
    # frames, after it in others); the NWB file names them by track, so the order is kept beside them.
    labels = sio.load_slp(str(SLP_CLIP_PROOFREAD), open_videos=False)
    labels.labeled_frames = labels.labeled_frames[:6]
    source = tmp_path / "clip6.slp"
    sio.save_slp(labels, str(source))
    orders = [[i.track.name for i in lf.user_instances] for lf in labels.labeled_frames]
    assert ["male", "female"] in orders and ["female", "male"] in orders
    nwb_path = tmp_path / "labels.nwb"
    convert(SLEAPTrainingDataInterface(file_path=source), nwb_path)
    back = read_training(nwb_path)
    assert [[i.individual for i in frame.instances] for frame in back.frames] == orders
    exported = sio.load_slp(str(write_sleap_labels(back, tmp_path / "back.slp")), open_videos=False)
    for original, written in zip(labels.labeled_frames, exported.labeled_frames, strict=True):
        assert [i.track.name for i in written.user_instances] == [i.track.name for i in original.user_instances]
        for a, b in zip(original.user_instances, written.user_instances, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_individuals_are_numbered_by_the_config_and_each_label_file_keeps_its_column_order(tmp_path):
    # The ids followed the first file's columns, so one project's NWB files disagreed on them (docs: "id = its
    # position in the project's list"), and the export put every file's columns in that first order.
    from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels

    project = tmp_path / MULTI_MOUSE_PROJECT.name
    shutil.copytree(MULTI_MOUSE_PROJECT, project, ignore=shutil.ignore_patterns("*.pickle", "*DLC_*", "videos"))
    short = project / "labeled-data/m3v1mp4short/CollectedData_dlc_team.h5"
    table = pd.read_hdf(short)
    order = ["individual3", "individual1", "individual2", "single"]
    table = table[[column for name in order for column in table.columns if column[1] == name]]
    table.to_hdf(short, key="df_with_missing", mode="w")
    short.with_suffix(".csv").unlink()
    training = read_deeplabcut_labels(project)
    assert training.individuals == ["individual1", "individual2", "individual3", "single"]
    nwb_path = tmp_path / "labels.nwb"
    convert(DeepLabCutTrainingDataInterface(labeled_data_path=project), nwb_path)
    with NWBHDF5IO(nwb_path, "r") as io:
        frames = io.read().processing["behavior"]["PoseTraining"].training_frames.training_frames.values()
        ids = {(i.name, int(i.id)) for frame in frames for i in frame.skeleton_instances.skeleton_instances.values()}
    assert ids == {("individual1", 0), ("individual2", 1), ("individual3", 2), ("single", 3)}
    write_deeplabcut_labels(read_training(nwb_path), tmp_path / "export", file_format="h5")
    for original in (short, project / "labeled-data/m3v1mp4/CollectedData_dlc_team.h5"):
        exported = tmp_path / "export" / original.relative_to(project)
        pd.testing.assert_frame_equal(pd.read_hdf(exported), pd.read_hdf(original))
