"""A form's metadata through neuroconv's own NWBConverter, as NWB GUIDE runs poseconv's interfaces.

GUIDE builds ``class CustomNWBConverter(NWBConverter)`` and hands each interface's ``add_to_nwbfile`` the form
as filled in, not poseconv's composed metadata: a cleared field is ``""`` ("keep the default"), and names the
pipeline would refuse reach the writer. Both must give what poseconv's own pipeline gives.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from neuroconv import NWBConverter

from poseconv.errors import MetadataError
from poseconv.interfaces import DeepLabCutPoseInterface, PoseConverterPipe
from poseconv.interfaces.training import DeepLabCutTrainingDataInterface
from tests.fixtures.deeplabcut import DLC, MULTI_ANIMAL_H5, OLD_PICKLE_H5
from tests.fixtures.paths import needs_shared_data

pytestmark = needs_shared_data

VIDEO = DLC / "TEST-Alex-2019-11-04/videos/reachingvideo1short.avi"
CAMERA = "video_reachingvideo1short_camera"


def _plain_converter(interface_class: type, **source_data: Any) -> NWBConverter:
    class CustomNWBConverter(NWBConverter):
        data_interface_classes = {"Pose": interface_class}

    return CustomNWBConverter(source_data={"Pose": {key: str(value) for key, value in source_data.items()}})


def _form(converter: NWBConverter) -> dict:
    metadata = converter.get_metadata().to_dict()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    return metadata


def _written(nwbfile: Any) -> dict:
    container = nwbfile.processing["behavior"]["PoseEstimation"]
    return dict(
        scorer=container.scorer,
        source_software=container.source_software,
        description=container.description,
        series_description=container.pose_estimation_series["bodypart1"].description,
        device=container.device.name,
        camera_description={name: device.description for name, device in nwbfile.devices.items()},
        skeleton=container.skeleton.name,
        source_video=container.source_video.name,
    )


def test_fields_a_form_cleared_take_the_defaults_as_in_poseconvs_pipeline():
    converter = _plain_converter(DeepLabCutPoseInterface, file_path=OLD_PICKLE_H5, video_file_path=VIDEO)
    form = _form(converter)
    entry = form["Pose"]["PoseEstimations"]["PoseEstimation"]
    for field in ("scorer", "source_software", "description", "device_metadata_key", "skeleton_metadata_key"):
        entry[field] = ""
    entry["source_video_metadata_key"] = entry["labeled_video_metadata_key"] = " "
    entry["PoseEstimationSeries"]["bodypart1"]["description"] = ""
    form["Devices"][CAMERA].update(description="", device_model_metadata_key="")
    form["Pose"]["Skeletons"]["Skeleton"]["name"] = ""
    given = copy.deepcopy(form)

    plain = _written(converter.create_nwbfile(metadata=form))
    interface = DeepLabCutPoseInterface(file_path=OLD_PICKLE_H5, video_file_path=VIDEO)
    pipeline = _written(PoseConverterPipe({"Pose": interface}).create_nwbfile(metadata=copy.deepcopy(given)))

    assert plain == pipeline
    assert plain["scorer"] == "DLC_resnet50_TESTNov4shuffle1_10"
    assert plain["source_software"] == "DeepLabCut"
    assert plain["series_description"] == "Position of 'bodypart1' of 'individual'."
    assert plain["camera_description"] == {
        "Video reachingvideo1short Camera Device": "Camera that recorded the behavior video 'reachingvideo1short'."
    }
    assert form == given, "the caller's metadata was changed"


def test_cleared_training_names_take_the_defaults():
    labels = DLC / "multi_mouse-dlc_team-2022-04-12"
    converter = _plain_converter(DeepLabCutTrainingDataInterface, labeled_data_path=labels)
    form = _form(converter)
    form["Pose"]["PoseTraining"]["name"] = ""
    form["Pose"]["Skeletons"]["Skeleton"]["name"] = ""
    behavior = converter.create_nwbfile(metadata=form).processing["behavior"]
    assert "PoseTraining" in behavior.data_interfaces
    assert set(behavior["Skeletons"].skeletons) == {"Skeleton", "SkeletonUniqueBodyparts"}


def test_without_empty_text_leaves_the_metadata_given_and_none_alone():
    from poseconv.interfaces.mixin import without_empty_text

    metadata = {"Pose": {"PoseEstimations": {"PoseEstimation": {"scorer": "", "description": "mine"}}}}
    assert without_empty_text(metadata) == {"Pose": {"PoseEstimations": {"PoseEstimation": {"description": "mine"}}}}
    assert metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["scorer"] == ""
    assert without_empty_text(None) is None


CONTAINER = "PoseEstimation_individual1"


def _rename_container(name: str):
    def edit(containers: dict) -> None:
        containers[CONTAINER]["name"] = name

    return edit


def _rename_series(containers: dict) -> None:
    containers[CONTAINER]["PoseEstimationSeries"]["bodypart1"]["name"] = "bodypart2"


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")  # identity scores not written
@pytest.mark.parametrize(
    ("edit", "field", "says"),
    [
        (_rename_container("Skeletons"), "['name']", "ndx-pose's Skeletons container"),
        (_rename_container("TrackOrder"), "['name']", "the table of the tracks' order"),
        (_rename_container("SkeletonNames"), "['name']", "the table of the skeletons' names"),
        (_rename_series, "['PoseEstimationSeries']['bodypart1']['name']", "'bodypart2' is the name of series"),
    ],
    ids=["Skeletons", "TrackOrder", "SkeletonNames", "series"],
)
def test_names_that_cannot_be_written_are_metadata_errors_naming_the_field(tmp_path, edit, field, says):
    converter = _plain_converter(DeepLabCutPoseInterface, file_path=MULTI_ANIMAL_H5)
    form = _form(converter)
    edit(form["Pose"]["PoseEstimations"])
    with pytest.raises(MetadataError) as raised:
        converter.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=form, overwrite=True)
    message = str(raised.value)
    assert f"metadata['Pose']['PoseEstimations']['{CONTAINER}']{field}" in message
    assert says in message
    assert MULTI_ANIMAL_H5.name in message
    assert not (tmp_path / "out.nwb").exists()


def _with_video(pose_class: type, video_first: bool, base: type = NWBConverter) -> NWBConverter:
    from neuroconv.datainterfaces import ExternalVideoInterface

    classes = {"Video": ExternalVideoInterface, "Pose": pose_class}
    order = ("Video", "Pose") if video_first else ("Pose", "Video")

    class CustomNWBConverter(base):
        data_interface_classes = {name: classes[name] for name in order}

    pose = {"file_path": str(OLD_PICKLE_H5), "video_file_path": str(VIDEO)}
    return CustomNWBConverter(source_data={"Video": {"file_paths": [str(VIDEO)]}, "Pose": pose})


def _subject_form(converter: NWBConverter, field: str, value: str) -> dict:
    form = _form(converter)
    form["Subject"] = {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D", field: value}
    return form


@pytest.mark.filterwarnings("ignore:input to update should be a dict")  # neuroconv's, merging the video's metadata
@pytest.mark.parametrize(("field", "value"), [("age", ""), ("age", "  "), ("date_of_birth", "")])
@pytest.mark.parametrize("video_first", [True, False], ids=["video-first", "pose-first"])
def test_a_cleared_age_or_date_of_birth_is_refused_at_the_field(tmp_path, video_first, field, value):
    # neuroconv's NWBConverter builds the Subject from the form as given: age '' was written (nwbinspector's DANDI
    # configuration: critical) and date_of_birth '' failed in datetime.fromisoformat, both after validate_metadata
    # passed. The interfaces' schema refuses them, whichever interface the converter merges last.
    from jsonschema import ValidationError

    converter = _with_video(DeepLabCutPoseInterface, video_first)
    form = _subject_form(converter, field, value)
    with pytest.raises(ValidationError) as raised:
        converter.validate_metadata(form)
    assert list(raised.value.path) == ["Subject", field]
    with pytest.raises(ValidationError):
        converter.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=form, overwrite=True)
    assert not (tmp_path / "out.nwb").exists()


@pytest.mark.filterwarnings("ignore:input to update should be a dict")
@pytest.mark.parametrize(("field", "value"), [("age", ""), ("date_of_birth", " ")])
def test_poseconvs_converter_takes_them_as_not_given(field, value):
    from jsonschema import Draft7Validator

    from poseconv import PoseNWBConverter

    converter = _with_video(DeepLabCutPoseInterface, True, base=PoseNWBConverter)
    form = _subject_form(converter, field, value)
    schema = converter.get_metadata_schema()
    assert list(Draft7Validator(schema).iter_errors(json.loads(json.dumps(form, default=str)))) == []
    converter.validate_metadata(form)
    subject = converter.create_nwbfile(metadata=form).subject
    assert getattr(subject, field) is None
    assert subject.subject_id == "m1"
