"""Every poseconv interface works in neuroconv's own NWBConverter, as its YAML runner and NWB GUIDE use it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jsonschema import Draft7Validator
from neuroconv import NWBConverter
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface, SLEAPPoseInterface
from poseconv.interfaces.training import DeepLabCutTrainingDataInterface
from tests.fixtures.deeplabcut import DLC, MULTI_ANIMAL_H5
from tests.fixtures.paths import SHARED_DATA

CASES = {
    "dlc-with-labels": (DeepLabCutPoseInterface, dict(file_path=str(MULTI_ANIMAL_H5), include_training_data=True)),
    "dlc-labels": (
        DeepLabCutTrainingDataInterface,
        dict(labeled_data_path=str(DLC / "multi_mouse-dlc_team-2022-04-12")),
    ),
    "sleap": (
        SLEAPPoseInterface,
        dict(file_path=str(SHARED_DATA / "sleap/tests/data/tracks/clip.predictions.slp"), sampling_frequency=25.0),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_schema_metadata_and_conversion_in_a_plain_converter(tmp_path, case):
    interface_class, source_data = CASES[case]

    class Converter(NWBConverter):
        data_interface_classes = dict(Pose=interface_class)

    converter = Converter(source_data=dict(Pose=source_data))
    schema = converter.get_metadata_schema()
    Draft7Validator.check_schema(schema)
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    converter.validate_metadata(metadata)
    nwbfile_path = tmp_path / "plain.nwb"
    converter.run_conversion(
        nwbfile_path=nwbfile_path, metadata=metadata, conversion_options=dict(Pose=dict(stub_test=True))
    )
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        assert any(name.startswith(("PoseEstimation", "PoseTraining")) for name in behavior.data_interfaces)
