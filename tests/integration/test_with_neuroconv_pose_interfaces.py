"""poseconv's interfaces beside neuroconv's own pose interfaces, and a labeled video, in one NWB file.

neuroconv's DeepLabCut and Lightning Pose interfaces give ndx-pose's deprecated fields
(``original_videos``, ``labeled_videos``, ``dimensions``) in their ``Pose.PoseEstimations``
entries, and neuroconv's Lightning Pose converter adds the labeled video with an
``ExternalVideoInterface`` that the poses name by ``labeled_video_metadata_key``.
"""

from __future__ import annotations

import pytest
import yaml
from neuroconv import NWBConverter
from neuroconv.converters import LightningPoseConverter
from neuroconv.datainterfaces import DeepLabCutInterface, ExternalVideoInterface
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface, LightningPosePoseInterface, PoseNWBConverter
from poseconv.errors import MetadataError
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, SINGLE_ANIMAL_H5
from tests.fixtures.lightningpose import LP_CSV, LP_VIDEO
from tests.fixtures.nwb import user_metadata

VIDEO = MULTI_ANIMAL_DIR / "m3v1mp4short.mp4"


@pytest.mark.parametrize("base", [NWBConverter, PoseNWBConverter])
def test_neuroconv_deeplabcut_entries_validate_beside_poseconv_ones(base):
    # Before, the merged schema (poseconv's Pose block) refused neuroconv's entry: "Additional properties
    # are not allowed ('dimensions', 'original_videos' were unexpected)", so run_conversion failed.
    class Converter(base):
        data_interface_classes = dict(Theirs=DeepLabCutInterface, Ours=DeepLabCutPoseInterface)

    converter = Converter(
        source_data=dict(
            Theirs=dict(file_path=str(SINGLE_ANIMAL_H5), sampling_frequency=30.0),
            Ours=dict(file_path=str(SINGLE_ANIMAL_H5)),
        )
    )
    metadata = user_metadata(converter)
    theirs = metadata["Pose"]["PoseEstimations"]["deep_lab_cut_metadata_key"]
    assert {"dimensions", "original_videos"} <= set(theirs)
    converter.validate_metadata(metadata)


def test_neuroconv_lightning_pose_converter_and_poseconv_in_one_file(tmp_path):
    # Both name their container 'PoseEstimation': poseconv's takes the video's name, neuroconv's keeps its own.
    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Theirs=LightningPoseConverter, Ours=LightningPosePoseInterface)

    converter = Converter(
        source_data=dict(
            Theirs=dict(file_path=str(LP_CSV), original_video_file_path=str(LP_VIDEO)),
            Ours=dict(file_path=str(LP_CSV)),
        )
    )
    metadata = user_metadata(converter)
    converter.validate_metadata(metadata)
    converter.run_conversion(
        nwbfile_path=tmp_path / "both.nwb", metadata=metadata, conversion_options=dict(Ours=dict(stub_test=True))
    )
    with NWBHDF5IO(tmp_path / "both.nwb", "r") as io:
        behavior = io.read().processing["behavior"]
        theirs, ours = behavior["PoseEstimation"], behavior["PoseEstimation_test_vid"]
        assert theirs.pose_estimation_series["PoseEstimationSeriesnose_top"].data.shape == (994, 2)
        assert ours.pose_estimation_series["nose_top"].data.shape == (100, 2)
        assert ours.source_software == "LightningPose" and ours.original_videos is None


def test_deprecated_fields_in_poseconv_s_own_entry_are_refused_not_dropped(tmp_path):
    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Pose=DeepLabCutPoseInterface)

    converter = Converter(source_data=dict(Pose=dict(file_path=str(SINGLE_ANIMAL_H5), sampling_frequency=30.0)))
    metadata = user_metadata(converter)
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["original_videos"] = ["video.mp4"]
    message = r"\['original_videos'\]: is deprecated in ndx-pose.*source_video"
    with pytest.raises(MetadataError, match=message):
        converter.validate_metadata(metadata)
    # In neuroconv's own converter (no poseconv composition), the writer refuses it.
    plain = type("Plain", (NWBConverter,), dict(data_interface_classes=Converter.data_interface_classes))
    plain = plain(source_data=dict(Pose=dict(file_path=str(SINGLE_ANIMAL_H5), sampling_frequency=30.0)))
    with pytest.raises(MetadataError, match=r"\['original_videos'\] is deprecated in ndx-pose"):
        plain.run_conversion(nwbfile_path=tmp_path / "plain.nwb", metadata=metadata)
    assert not (tmp_path / "plain.nwb").exists()
    # Given as neuroconv gives them when empty, they are nothing to write.
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"].update(original_videos=None, dimensions=None)
    converter.validate_metadata(metadata)


@pytest.mark.parametrize("video_first", [True, False], ids=["video-first", "pose-first"])
def test_labeled_video_metadata_key_links_the_labeled_video(tmp_path, video_first):
    # Before, labeled_video_metadata_key was in the schema and was never written.
    interfaces = dict(Labeled=ExternalVideoInterface, Pose=DeepLabCutPoseInterface)
    if not video_first:
        interfaces = dict(Pose=DeepLabCutPoseInterface, Labeled=ExternalVideoInterface)

    class Converter(PoseNWBConverter):
        data_interface_classes = interfaces

    converter = Converter(
        source_data=dict(
            Labeled=dict(file_paths=[str(VIDEO)], metadata_key="labeled_video", video_name="LabeledVideo"),
            Pose=dict(file_path=str(SINGLE_ANIMAL_H5), sampling_frequency=30.0),
        )
    )
    metadata = user_metadata(converter)
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["labeled_video_metadata_key"] = "labeled_video"
    converter.run_conversion(nwbfile_path=tmp_path / "labeled.nwb", metadata=metadata)
    with NWBHDF5IO(tmp_path / "labeled.nwb", "r") as io:
        nwbfile = io.read()
        container = nwbfile.processing["behavior"]["PoseEstimation"]
        assert container.labeled_video is nwbfile.acquisition["LabeledVideo"]


def test_a_labeled_video_no_interface_adds_is_a_clear_error(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5, sampling_frequency=30.0)
    metadata = user_metadata(interface)
    metadata["Behavior"]["ExternalVideos"]["labeled"] = {"name": "LabeledVideo"}
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["labeled_video_metadata_key"] = "labeled"
    with pytest.raises(MetadataError, match="no interface of this conversion has added.*ExternalVideoInterface"):
        interface.run_conversion(nwbfile_path=tmp_path / "x.nwb", metadata=metadata)
    assert not (tmp_path / "x.nwb").exists()


def test_a_spec_links_the_labeled_video_of_its_video_interface(tmp_path):
    # Before, the spec check reported "labeled_video_metadata_key 'labeled' is not defined": the pose
    # input's metadata lacked the video interface's entry, and the check's dry run lacked its ImageSeries.
    session = {
        "session_id": "s1",
        "session_start_time": "2024-05-01T10:30:00+02:00",
        "subject": {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D"},
        "pose": [
            {
                "file_path": str(SINGLE_ANIMAL_H5),
                "sampling_frequency": 30.0,
                "metadata": {"Pose": {"PoseEstimations": {"PoseEstimation": {"labeled_video_metadata_key": "lv"}}}},
            }
        ],
        "interfaces": {
            "Labeled": {
                "interface": "ExternalVideoInterface",
                "source_data": {"file_paths": [str(VIDEO)], "metadata_key": "lv", "video_name": "LabeledVideo"},
            }
        },
    }
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({"output_folder": "nwb", "sessions": [session]}), encoding="utf-8")
    result = poseconv_in_process("run", spec, "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    with NWBHDF5IO(tmp_path / "nwb" / "s1.nwb", "r") as io:
        nwbfile = io.read()
        assert nwbfile.processing["behavior"]["PoseEstimation"].labeled_video is nwbfile.acquisition["LabeledVideo"]
    # From the command line no other interface can add it: the error says what to do.
    metadata = tmp_path / "metadata.yaml"
    metadata.write_text(
        yaml.safe_dump(session["pose"][0]["metadata"] | {"Behavior": {"ExternalVideos": {"lv": {"name": "L"}}}})
    )
    result = poseconv_in_process(
        "convert",
        SINGLE_ANIMAL_H5,
        "-o",
        tmp_path / "cli.nwb",
        "--fps",
        "30",
        "--metadata",
        metadata,
        "--session-start-time",
        "2024-05-01T10:30:00+02:00",
    )
    assert result.returncode == 1 and "ExternalVideoInterface" in result.stderr, result.stderr
    assert not (tmp_path / "cli.nwb").exists()
