"""neuroconv's pose-interface arguments and conversion options, given to poseconv: poseconv's name is said."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from neuroconv import NWBConverter

from poseconv import DeepLabCutPoseInterface, LightningPosePoseInterface, PoseNWBConverter, SLEAPPoseInterface
from poseconv.errors import InvalidOptionError
from poseconv.interfaces.neuroconv_names import NEUROCONV_ARGUMENTS
from tests.fixtures.deeplabcut import write_dlc_file


@pytest.mark.parametrize(
    ("cls", "argument", "said"),
    [
        (
            DeepLabCutPoseInterface,
            "subject_name",
            "neuroconv's DeepLabCutInterface argument; poseconv's is individuals=",
        ),
        (DeepLabCutPoseInterface, "pose_estimation_metadata_key", "poseconv's is metadata_key="),
        (
            SLEAPPoseInterface,
            "frames_per_second",
            "neuroconv's SLEAPInterface argument; poseconv's is sampling_frequency=",
        ),
        (SLEAPPoseInterface, "track_name", "poseconv's is tracks="),
        (SLEAPPoseInterface, "video_name", "metadata['Behavior']['ExternalVideos'][key]['name']"),
        (LightningPosePoseInterface, "original_video_file_path", "poseconv's is video_file_path="),
        (LightningPosePoseInterface, "labeled_video_file_path", "ExternalVideoInterface"),
    ],
)
def test_a_neuroconv_argument_is_refused_with_poseconvs_name(cls, argument, said):
    # Said before the file is read or pydantic checks the arguments: the file need not exist.
    with pytest.raises(InvalidOptionError) as raised:
        cls(file_path="absent.file", **{argument: "x"})
    message = str(raised.value)
    assert message.startswith(f"{cls.__name__}: '{argument}' is neuroconv's ")
    assert said in message


def test_every_neuroconv_argument_is_one_no_poseconv_interface_takes_under_that_name():
    import inspect

    taken = {
        name
        for cls in (DeepLabCutPoseInterface, SLEAPPoseInterface, LightningPosePoseInterface)
        for name in inspect.signature(cls.__init__).parameters
    }
    assert not taken & set(NEUROCONV_ARGUMENTS)


@pytest.mark.parametrize("converter_class", [NWBConverter, PoseNWBConverter])
def test_a_converters_source_data_gets_the_same_answer(converter_class):
    class Converter(converter_class):
        data_interface_classes = {"Pose": SLEAPPoseInterface}

    with pytest.raises(InvalidOptionError, match="poseconv's is sampling_frequency="):
        Converter(source_data={"Pose": {"file_path": "absent.slp", "frames_per_second": 30.0}})


@pytest.fixture
def interface(tmp_path):
    rng = np.random.default_rng(0)
    path = write_dlc_file(
        tmp_path / "sessionDLC_resnet50_testJan1shuffle1_100.h5",
        {"nose": rng.uniform(0, 9, size=(4, 2))},
        likelihood={"nose": rng.uniform(0, 1, size=4)},
    )
    return DeepLabCutPoseInterface(file_path=path, sampling_frequency=30.0)


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (
            "reference_frame",
            "'reference_frame' is neuroconv's LightningPoseInterface conversion option; poseconv takes it per "
            "series: metadata['Pose']['PoseEstimations'][key]['PoseEstimationSeries'][node]['reference_frame']",
        ),
        ("confidence_definition", "['PoseEstimationSeries'][node]['confidence_definition']"),
        ("overwite", "'overwite' is not an argument of run_conversion; did you mean overwrite=?"),
    ],
)
def test_an_unknown_run_conversion_option_is_named_with_the_one_meant(interface, tmp_path, option, said):
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidOptionError) as raised:
        interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, **{option: "x"})
    message = str(raised.value)
    assert message.startswith("DeepLabCutPoseInterface.run_conversion: ")
    assert said in message
    # One line, without the conversion-options schema nor run_conversion's own external_files_relative_to.
    assert len(message.splitlines()) == 1
    assert "external_files_relative_to" not in message
    assert not (tmp_path / "out.nwb").exists()


def test_a_known_conversion_option_is_still_taken(interface, tmp_path):
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, stub_test=True)
    assert (tmp_path / "out.nwb").exists()
