"""Two training-data sources through neuroconv's own NWBConverter (NWB GUIDE's).

Its metadata holds one ``Pose.PoseTraining`` for every input (the last interface's description): the labels of
one project read by two inputs are written once, other labels under the shared name with a suffix, each with its
own description, as poseconv's converter writes them apart.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from neuroconv import NWBConverter
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import MetadataError, PoseconvWarning
from poseconv.interfaces import DeepLabCutPoseInterface, LightningPoseTrainingDataInterface
from poseconv.interfaces.training import SLEAPTrainingDataInterface, add_training_data, training_metadata
from poseconv.metadata import training as metadata_training
from poseconv.metadata.training import default_training_metadata, is_other_labels_default_description
from poseconv.nwb.write.training import write_pose_training
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels
from poseconv.readers.sleap import read_sleap_labels
from tests.fixtures.deeplabcut import OLD_PICKLE_H5
from tests.fixtures.lightningpose import LP_COLLECTED_DATA
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLP_LABELS_V002
from tests.fixtures.training import TEST_ALEX_PROJECT

pytestmark = needs_shared_data

FILTERED_H5 = OLD_PICKLE_H5.with_name(OLD_PICKLE_H5.stem + "filtered.h5")


def _convert(classes: dict[str, type], source_data: dict[str, dict[str, Any]], name: str | None = None) -> Any:
    """Return the in-memory file a plain NWBConverter writes, with ``get_metadata()`` as given (a form)."""
    converter = type("CustomNWBConverter", (NWBConverter,), {"data_interface_classes": classes})(
        source_data={
            key: {k: str(v) if k.endswith("path") else v for k, v in value.items()}
            for key, value in source_data.items()
        }
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    if name is not None:
        metadata["Pose"]["PoseTraining"]["name"] = name
    return converter.create_nwbfile(metadata=metadata)


def _trainings(behavior: Any) -> list[str]:
    return [name for name, value in behavior.data_interfaces.items() if type(value).__name__ == "PoseTraining"]


@pytest.mark.parametrize("name", [None, "Labels"])
def test_two_labels_files_are_written_apart_each_with_its_description(name):
    # It failed with "The file already holds 'PoseTraining' ...", and again under the name the error advised.
    classes = {"A": LightningPoseTrainingDataInterface, "B": SLEAPTrainingDataInterface}
    source_data = {"A": {"file_path": LP_COLLECTED_DATA}, "B": {"file_path": SLP_LABELS_V002}}
    with pytest.warns(PoseconvWarning, match="PoseNWBConverter or PoseConverterPipe"):
        nwbfile = _convert(classes, source_data, name)
    behavior = nwbfile.processing["behavior"]
    first = name or "PoseTraining"
    second = f"{first}_labels.v002"
    trainings = _trainings(behavior)
    assert sorted(trainings) == sorted([first, second])
    assert len(behavior[first].training_frames.training_frames) == 90
    assert len(behavior[second].training_frames.training_frames) == 5
    # The shared entry held the last interface's default description; each table describes its own labels.
    assert "in LightningPose" in behavior[f"{first}Sources"].description
    assert "in SLEAP" in behavior[f"{second}Sources"].description


def test_one_project_s_labels_read_by_a_file_and_its_filtered_copy_are_written_once():
    classes = {"A": DeepLabCutPoseInterface, "B": DeepLabCutPoseInterface}
    source_data = {
        key: {"file_path": path, "include_training_data": True, "metadata_key": key.lower()}
        for key, path in (("A", OLD_PICKLE_H5), ("B", FILTERED_H5))
    }
    nwbfile = _convert(classes, source_data)
    behavior = nwbfile.processing["behavior"]
    assert _trainings(behavior) == ["PoseTraining"]
    assert len(behavior["PoseTraining"].training_frames.training_frames) == 5


def test_other_labels_take_the_input_key_and_a_file_s_own_training_stays_refused():
    nwbfile = mock_NWBFile()
    first = read_deeplabcut_labels(TEST_ALEX_PROJECT)
    add_training_data(nwbfile, first, training_metadata(first))
    other = read_sleap_labels(SLP_LABELS_V002)
    with pytest.warns(PoseconvWarning, match="written as 'PoseTraining_b'"):
        assert add_training_data(nwbfile, other, None, input_key="b").name == "PoseTraining_b"
    # A PoseTraining this conversion did not write (one the file held already) keeps its name to itself.
    held = mock_NWBFile()
    write_pose_training(held, first, metadata=training_metadata(first))
    with pytest.raises(MetadataError, match="already holds 'PoseTraining'"):
        add_training_data(held, other, None)


def _description(nwbfile: Any, name: str) -> str:
    return nwbfile.processing["behavior"][f"{name}Sources"].description


def _default(training: Any) -> str:
    return default_training_metadata(training)["Pose"]["PoseTraining"]["description"]


def test_a_description_the_user_typed_describes_both_labels_files():
    classes = {"A": LightningPoseTrainingDataInterface, "B": SLEAPTrainingDataInterface}
    converter = type("CustomNWBConverter", (NWBConverter,), {"data_interface_classes": classes})(
        source_data={"A": {"file_path": str(LP_COLLECTED_DATA)}, "B": {"file_path": str(SLP_LABELS_V002)}}
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    # A default with a sentence typed after it is the user's description: both labels files are written with it.
    typed = metadata["Pose"]["PoseTraining"]["description"] + " Relabeled in May."
    metadata["Pose"]["PoseTraining"]["description"] = typed
    with pytest.warns(PoseconvWarning, match="PoseNWBConverter or PoseConverterPipe"):
        nwbfile = converter.create_nwbfile(metadata=metadata)
    assert _description(nwbfile, "PoseTraining") == _description(nwbfile, "PoseTraining_labels.v002") == typed


def test_another_session_s_default_description_is_replaced_whatever_this_process_converted_before():
    # A metadata file saved from another session's labels (a batch run's template): its description is a default
    # this process never gave, yet not these labels' description.
    saved = (
        "Frames labeled by hand in SLEAP to train the pose estimator: 7 frames of 1 video(s), 12 labeled "
        "instances, read from session_07_never_read_here.slp. Labeled by A. Person."
    )
    training = read_sleap_labels(SLP_LABELS_V002)
    own = training_metadata(training)["Pose"]["PoseTraining"]["description"]
    nwbfile = mock_NWBFile()
    add_training_data(nwbfile, training, {"Pose": {"PoseTraining": {"description": saved}}})
    assert _description(nwbfile, "PoseTraining") == own


def test_default_descriptions_are_told_by_their_shape_and_get_metadata_keeps_nothing():
    training = read_sleap_labels(SLP_LABELS_V002)
    cropped = dataclasses.replace(
        training, notes={**training.notes, "videos": {training.video_keys()[0]: {"crop": [4, 8, 100, 120]}}}
    )
    for labels in (training, cropped):
        description = _default(labels)
        assert not is_other_labels_default_description(description, labels)
        other = dataclasses.replace(labels, source_file=labels.source_file.with_name("other.slp"))
        assert is_other_labels_default_description(_default(other), labels)
        assert not is_other_labels_default_description(_default(other) + " Mine.", labels)
    # Reading the defaults of many sessions leaves no trace in the module (a batch run's memory stays flat).
    sizes = {
        name: len(value)
        for name, value in vars(metadata_training).items()
        if isinstance(value, dict | list | set) and not name.startswith("__")
    }
    for k in range(200):
        default_training_metadata(
            dataclasses.replace(training, source_file=training.source_file.with_name(f"s{k}.slp"))
        )
    assert sizes == {
        name: len(value)
        for name, value in vars(metadata_training).items()
        if isinstance(value, dict | list | set) and not name.startswith("__")
    }
