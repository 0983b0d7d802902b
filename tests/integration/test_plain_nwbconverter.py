"""Every poseconv interface works in neuroconv's own NWBConverter, as its YAML runner and NWB GUIDE use it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jsonschema import Draft7Validator
from neuroconv import NWBConverter
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface, SLEAPPoseInterface
from poseconv.interfaces.training import DeepLabCutTrainingDataInterface
from tests.fixtures.deeplabcut import DLC, MULTI_ANIMAL_H5, SINGLE_ANIMAL_H5
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


@pytest.mark.parametrize("second", ["camera-2", "other-project"])
def test_two_cameras_with_the_same_keys_are_told_how_to_tell_them_apart(tmp_path, second):
    # neuroconv merges the two interfaces' metadata: the same 'PoseEstimation' key (a name taken), or one
    # 'Skeleton' holding both files' nodes. The advice to rename the key could not help, as both share it.
    from poseconv.errors import MetadataError

    views = DLC / "3Dtestviews_videos"
    files = {
        "camera-2": views / "vid1_camera-2DLC_resnet50_TESTNov4shuffle2_10.h5",
        "other-project": SINGLE_ANIMAL_H5,  # other bodyparts
    }

    class TwoCameras(NWBConverter):
        data_interface_classes = dict(top=DeepLabCutPoseInterface, side=DeepLabCutPoseInterface)

    first = views / "vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10.h5"
    source = dict(top=dict(file_path=str(first)), side=dict(file_path=str(files[second])))
    converter = TwoCameras(source_data=source)
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    with pytest.raises(MetadataError, match="its own metadata_key=..., or by converting them with PoseNWBConverter"):
        converter.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    source["top"]["metadata_key"], source["side"]["metadata_key"] = "top", "side"
    converter = TwoCameras(source_data=source)
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    with NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        behavior = io.read().processing["behavior"]
        assert {"PoseEstimation_top", "PoseEstimation_side"} <= set(behavior.data_interfaces)


def test_a_series_named_as_another_body_part_is_refused_in_a_plain_converter(tmp_path):
    # NWB GUIDE's converter hands the interface its metadata without poseconv's pipeline: two series' names
    # swapped would be written, and readers taking a body part from a series' name would swap their data.
    from poseconv.errors import MetadataError

    views = DLC / "3Dtestviews_videos"

    class Converter(NWBConverter):
        data_interface_classes = dict(Pose=DeepLabCutPoseInterface)

    converter = Converter(
        source_data=dict(Pose=dict(file_path=str(views / "vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10.h5")))
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    (entry,) = metadata["Pose"]["PoseEstimations"].values()
    first, second = list(entry["PoseEstimationSeries"])[:2]
    series = entry["PoseEstimationSeries"]
    series[first]["name"], series[second]["name"] = second, first
    output = tmp_path / "swapped.nwb"
    with pytest.raises(MetadataError, match=f"{second!r} is the name of body part {second!r} of this container"):
        converter.run_conversion(nwbfile_path=output, metadata=metadata)
    assert not output.exists()
