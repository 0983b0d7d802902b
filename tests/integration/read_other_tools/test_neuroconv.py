"""neuroconv's pose interfaces run on real output: DeepLabCutInterface and LightningPoseDataInterface.

neuroconv names the container ``PoseEstimation<Software>`` (or ``PoseEstimation``) and the
series ``PoseEstimationSeries<Node>``; LightningPose's also stores ``original_videos`` and
``dimensions`` (as the frame shape, height first). Its SLEAP interface is in test_sleap.py.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from poseconv.nwb.read.pose import read_nwb
from poseconv.readers.deeplabcut import read_deeplabcut
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, SINGLE_ANIMAL_H5
from tests.fixtures.paths import SHARED_DATA

from .checks import assert_values, check_inspect_and_export, run_cli

LP_PREDICTIONS = SHARED_DATA / "neuroconv/behavior_testing_data/lightningpose/outputs/2023-11-09/10-14-37/video_preds"


def _run(interface, path, metadata=None):
    metadata = interface.get_metadata() if metadata is None else metadata
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface.run_conversion(nwbfile_path=path, metadata=metadata)
    return path


def _one_interface_per_animal(animals: list[str]) -> tuple:
    """Return one DeepLabCutInterface per individual in a ConverterPipe (neuroconv's way), and its metadata."""
    from neuroconv import ConverterPipe
    from neuroconv.datainterfaces import DeepLabCutInterface

    interfaces = {
        animal: DeepLabCutInterface(
            file_path=MULTI_ANIMAL_H5, sampling_frequency=30.0, metadata_key=animal, subject_name=animal
        )
        for animal in animals
    }
    converter = ConverterPipe(data_interfaces=interfaces)
    return converter, converter.get_metadata()


def test_neuroconv_deeplabcut_interface(tmp_path):
    """'PoseEstimationDeepLabCut', series 'PoseEstimationSeries<Node>', a rate of 30.0."""
    from neuroconv.datainterfaces import DeepLabCutInterface

    path = _run(DeepLabCutInterface(file_path=SINGLE_ANIMAL_H5, sampling_frequency=30.0), tmp_path / "dlc.nwb")
    [pose] = read_nwb(path)
    expected = read_deeplabcut(SINGLE_ANIMAL_H5, find_side_files=False)
    [track] = pose.tracks
    assert track.name == "individual" and track.video == "video"
    assert pose.skeletons[track.skeleton].nodes == expected.skeletons["Skeleton"].nodes
    assert_values(track.positions, expected.tracks[0].positions)
    assert_values(track.confidence, expected.tracks[0].confidence)
    assert pose.timing[track.video].rate == 30.0 and pose.timing[track.video].starting_time == 0.0
    assert pose.scorer == expected.scorer and pose.source_software == "DeepLabCut"
    check_inspect_and_export(path, [pose], tmp_path)


def test_neuroconv_lightningpose_interface(tmp_path):
    """The real Lightning Pose predictions and their video: 17 keypoints, 994 frames at 250 fps."""
    from neuroconv.datainterfaces import LightningPoseDataInterface

    interface = LightningPoseDataInterface(
        file_path=LP_PREDICTIONS / "test_vid.csv", original_video_file_path=LP_PREDICTIONS / "test_vid.mp4"
    )
    path = _run(interface, tmp_path / "lightningpose.nwb")
    [pose] = read_nwb(path)
    source = pd.read_csv(LP_PREDICTIONS / "test_vid.csv", header=[0, 1, 2], index_col=0)["heatmap_tracker"]
    nodes = tuple(source.columns.get_level_values(0).drop_duplicates())
    [track] = pose.tracks
    assert pose.source_software == "LightningPose" and pose.scorer == "heatmap_tracker"
    assert pose.skeletons[track.skeleton].nodes == nodes
    for j, node in enumerate(nodes):
        assert_values(track.positions[:, j], source[node][["x", "y"]].to_numpy())
        assert_values(track.confidence[:, j], source[node]["likelihood"].to_numpy())
    [video] = pose.videos.values()
    assert video.path == (LP_PREDICTIONS / "test_vid.mp4").resolve()
    # test_vid.mp4 is 396 pixels wide and 406 high.
    assert video.frame_size == (406, 396)
    timing = pose.timing[track.video]
    # neuroconv reads the frame times from the video (250 fps, constant) and stores them as a rate.
    assert (timing.rate, timing.starting_time) == (250.0, 0.0)
    np.testing.assert_allclose(timing.times(track.n_frames), np.arange(len(source)) / 250.0, rtol=0, atol=1e-9)
    check_inspect_and_export(path, [pose], tmp_path)


def test_neuroconv_deeplabcut_dimensions_height_first(tmp_path):
    """With a project config naming the video, neuroconv stores dimensions [[height, width]] (crop 0, 640, 0, 480).

    The video is 640 wide and 480 high; ndx-pose's order would be [[640, 480]].
    """
    from neuroconv.datainterfaces import DeepLabCutInterface

    config = (SINGLE_ANIMAL_H5.parent / "config.yaml").read_text()
    recorded = "/content/cloned-DLC-repo/examples/openfield-Pranav-2018-10-30/videos/m4s1.mp4"
    assert recorded in config
    # The analysed video's name (m3v1mp4) in video_sets, as in the project that analysed it.
    (tmp_path / "config.yaml").write_text(config.replace(recorded, "/data/videos/m3v1mp4.mp4"))
    interface = DeepLabCutInterface(
        file_path=SINGLE_ANIMAL_H5, config_file_path=tmp_path / "config.yaml", sampling_frequency=30.0
    )
    path = _run(interface, tmp_path / "dlc.nwb")
    with h5py.File(path) as f:
        assert f["processing/behavior/PoseEstimationDeepLabCut/dimensions"][()].tolist() == [[480, 640]]
    [pose] = read_nwb(path)
    [video] = pose.videos.values()
    assert video.original_path == "/data/videos/m3v1mp4.mp4"
    assert video.frame_size == (480, 640)


def test_neuroconv_deeplabcut_one_interface_per_animal(tmp_path):
    """A multi-animal file converted as neuroconv documents it: one interface per individual, containers renamed.

    The animals are one video's, named by their skeletons ('SkeletonPoseEstimationDeepLabCut_Individual2',
    the subject capitalised) or, for the one whose Subject is in the file, by the skeleton's subject link.
    """
    import sleap_io as sio

    animals = ["individual1", "individual2", "individual3"]
    converter, metadata = _one_interface_per_animal(animals)
    metadata["Subject"] = {"subject_id": "individual1", "species": "Mus musculus", "sex": "U", "age": "P90D"}
    for animal in animals:
        metadata["Pose"]["PoseEstimations"][animal]["name"] = f"PoseEstimation{animal.capitalize()}"
    path = _run(converter, tmp_path / "three_mice.nwb", metadata)

    [pose] = read_nwb(path)
    assert [t.name for t in pose.tracks] == ["individual1", "Individual2", "Individual3"]
    assert {t.video for t in pose.tracks} == {"video"} and list(pose.videos) == ["video"]
    expected = read_deeplabcut(MULTI_ANIMAL_H5, find_side_files=False)
    by_name = {t.name: t for t in expected.tracks}
    for got, want in zip(pose.tracks, [by_name[animal] for animal in animals], strict=True):
        assert_values(got.positions, want.positions)
        assert_values(got.confidence, want.confidence)

    run_cli("export", path, "--to", "dlc", tmp_path / "back.h5", "-q")
    table = pd.read_hdf(tmp_path / "back.h5")
    assert list(table.columns.get_level_values("individuals").unique()) == ["individual1", "Individual2", "Individual3"]
    run_cli("export", path, "--to", "slp", tmp_path / "back.slp", "-q")
    labels = sio.load_slp(str(tmp_path / "back.slp"), open_videos=False)
    assert [t.name for t in labels.tracks] == ["individual1", "Individual2", "Individual3"]
    # No video was recorded: the .slp names the video key, not a file beside the NWB file.
    assert [v.filename for v in labels.videos] == ["video"]


def test_neuroconv_deeplabcut_one_animal_of_a_multi_animal_file_keeps_its_name(tmp_path):
    """One interface (subject_name='individual2'): the one animal was read as 'individual' and exported unnamed."""
    from neuroconv.datainterfaces import DeepLabCutInterface

    interface = DeepLabCutInterface(file_path=MULTI_ANIMAL_H5, sampling_frequency=30.0, subject_name="individual2")
    path = _run(interface, tmp_path / "individual2.nwb")
    [pose] = read_nwb(path)
    assert [(t.name, t.video) for t in pose.tracks] == [("Individual2", "video")]
    expected = {t.name: t for t in read_deeplabcut(MULTI_ANIMAL_H5, find_side_files=False).tracks}["individual2"]
    assert_values(pose.tracks[0].positions, expected.positions)
    run_cli("export", path, "--to", "dlc", tmp_path / "back.h5", "-q")
    assert list(pd.read_hdf(tmp_path / "back.h5").columns.get_level_values("individuals").unique()) == ["Individual2"]


def test_neuroconv_deeplabcut_single_animal_subject_name_stays_a_single_animal_table(tmp_path):
    """A single-animal file with a subject_name of the user's (a mouse's ID) exports as it came: no individuals."""
    from neuroconv.datainterfaces import DeepLabCutInterface

    interface = DeepLabCutInterface(file_path=SINGLE_ANIMAL_H5, sampling_frequency=30.0, subject_name="mouse1")
    path = _run(interface, tmp_path / "mouse1.nwb")
    [pose] = read_nwb(path)
    assert [t.name for t in pose.tracks] == ["individual"]
    run_cli("export", path, "--to", "dlc", tmp_path / "back.h5", "-q")
    assert pd.read_hdf(tmp_path / "back.h5").columns.names == ["scorer", "bodyparts", "coords"]


def test_neuroconv_deeplabcut_animals_named_by_their_containers(tmp_path):
    """Containers named 'PoseEstimation_<individual>' give the names as they are, not the skeletons' capitalised."""
    animals = ["individual1", "individual2"]
    converter, metadata = _one_interface_per_animal(animals)
    for animal in animals:
        metadata["Pose"]["PoseEstimations"][animal]["name"] = f"PoseEstimation_{animal}"
    [pose] = read_nwb(_run(converter, tmp_path / "two_mice.nwb", metadata))
    assert [(t.name, t.video) for t in pose.tracks] == [("individual1", "video"), ("individual2", "video")]
    assert list(pose.skeletons) == [
        "SkeletonPoseEstimationDeepLabCut_Individual1",
        "SkeletonPoseEstimationDeepLabCut_Individual2",
    ]


def test_neuroconv_lightningpose_converter_legacy_metadata_names_the_image_series(tmp_path):
    """With get_metadata(use_new_metadata_format=False), original_videos holds the ImageSeries' name.

    The video is that acquisition ImageSeries' external file.
    """
    import sleap_io as sio
    from neuroconv.datainterfaces.behavior.lightningpose.lightningposeconverter import LightningPoseConverter

    converter = LightningPoseConverter(
        file_path=LP_PREDICTIONS / "test_vid.csv", original_video_file_path=LP_PREDICTIONS / "test_vid.mp4"
    )
    path = _run(converter, tmp_path / "legacy.nwb", converter.get_metadata(use_new_metadata_format=False))
    video_file = str(LP_PREDICTIONS / "test_vid.mp4")
    with h5py.File(path) as f:
        assert f["processing/behavior/PoseEstimation/original_videos"][()].tolist() == [b"ImageSeriesOriginalVideo"]
        assert f["acquisition/ImageSeriesOriginalVideo/external_file"][()].tolist() == [video_file.encode()]
    [pose] = read_nwb(path)
    [video] = pose.videos.values()
    assert (video.key, video.original_path, video.path) == ("test_vid", video_file, Path(video_file))
    assert video.frame_size == (406, 396)
    run_cli("export", path, "--to", "slp", tmp_path / "back.slp", "-q")
    assert [v.filename for v in sio.load_slp(str(tmp_path / "back.slp"), open_videos=False).videos] == [video_file]


def test_neuroconv_deeplabcut_out_of_range_edges_left_out(tmp_path):
    """neuroconv gives 'single' (2 unique bodyparts) the multi-animal edges, (1, 2) among them.

    That edge is left out with a warning naming the file, skeleton and container; the rest reads.
    """
    from poseconv.errors import PoseconvWarning

    animals = ["individual1", "single"]
    converter, metadata = _one_interface_per_animal(animals)
    for animal in animals:
        metadata["Pose"]["PoseEstimations"][animal]["name"] = f"PoseEstimation_{animal}"
    path = _run(converter, tmp_path / "with_single.nwb", metadata)
    with h5py.File(path) as f:
        stored = f["processing/behavior/Skeletons/SkeletonPoseEstimationDeepLabCut_Single/edges"][()].tolist()
    assert [1, 2] in stored

    message = (
        f"{path}: the skeleton /processing/behavior/Skeletons/SkeletonPoseEstimationDeepLabCut_Single of "
        r"/processing/behavior/PoseEstimation_single has edges \[\(1, 2\)\]"
    )
    with pytest.warns(PoseconvWarning, match=message):
        [pose] = read_nwb(path)
    expected = read_deeplabcut(MULTI_ANIMAL_H5, find_side_files=False)
    by_name = {t.name: t for t in expected.tracks}
    assert [t.name for t in pose.tracks] == animals
    single = pose.skeletons[pose.tracks[1].skeleton]
    assert single.nodes == ("corner1", "corner2")
    assert single.edges == tuple(tuple(e) for e in stored if max(e) < 2)
    for track in pose.tracks:
        assert_values(track.positions, by_name[track.name].positions)
    with pytest.warns(PoseconvWarning, match=message):
        [one] = read_nwb(path, containers=["PoseEstimation_individual1"])
    assert_values(one.tracks[0].positions, by_name["individual1"].positions)
    run_cli("inspect", path)
    run_cli("export", path, "--to", "dlc", tmp_path / "one.h5", "-c", "PoseEstimation_individual1", "-q")
    [back] = read_deeplabcut(tmp_path / "one.h5", find_side_files=False).tracks
    assert_values(back.positions, by_name["individual1"].positions)
