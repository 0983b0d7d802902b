"""What every interface shares: its arguments, its reader, and warnings that name the user's line."""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path

import pytest
from pynwb.testing.mock.file import mock_NWBFile

import poseconv.interfaces as interfaces
from poseconv.errors import PoseconvWarning
from poseconv.interfaces import DeepLabCut3DPoseInterface, DeepLabCutPoseInterface
from poseconv.interfaces.base import STUB_FRAMES
from poseconv.interfaces.mixin import init_arguments
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.multicamera import DLC_3D_CONFIG, DLC_3D_H5
from tests.fixtures.paths import needs_shared_data

INTERFACES = [getattr(interfaces, name) for name in interfaces.__all__ if name.endswith("Interface")]
# An interface of a catalog format with no options (SLEAPCSVPoseInterface) reads through the format.
WITH_READER = [cls for cls in INTERFACES if hasattr(cls, "reader")]


def test_init_arguments_are_the_parameters_without_self():
    class Interface:
        def __init__(self, file_path: str, *, verbose: bool = False) -> None:
            self.arguments = init_arguments(locals())
            super().__init__()

    assert Interface("a.h5").arguments == {"file_path": "a.h5", "verbose": False}


def test_every_interface_reads_through_a_reader_or_its_catalog_format():
    from poseconv.interfaces.generic import ReaderPoseInterface

    assert WITH_READER
    for cls in INTERFACES:
        assert hasattr(cls, "reader") or issubclass(cls, ReaderPoseInterface), cls.__name__


@pytest.mark.parametrize("cls", WITH_READER, ids=lambda cls: cls.__name__)
def test_the_reader_takes_the_options_the_interface_names(cls):
    parameters = inspect.signature(cls.__init__).parameters
    assert cls.input_argument in parameters
    reader = inspect.signature(cls.reader).parameters
    for option in cls.reader_options:
        assert option in parameters, f"{option} is not an argument of {cls.__name__}"
        assert option in reader, f"{option} is not an argument of {cls.reader.__name__}"


@needs_shared_data
def test_a_warning_of_an_interface_names_the_users_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        interface = DeepLabCutPoseInterface(SINGLE_ANIMAL_H5, sampling_frequency=31.0)  # the video says 30 fps
        interface.get_timestamps()  # the times chosen are said where they are used
    lines = {(Path(w.filename).resolve(), w.lineno) for w in caught if issubclass(w.category, PoseconvWarning)}
    assert lines == {(Path(__file__).resolve(), inspect.currentframe().f_lineno - 2)}


@needs_shared_data
def test_source_data_holds_every_argument_but_verbose():
    interface = DeepLabCutPoseInterface(str(SINGLE_ANIMAL_H5), sampling_frequency=30.0)
    expected = set(inspect.signature(DeepLabCutPoseInterface.__init__).parameters) - {"self", "verbose"}
    assert set(interface.source_data) == expected
    assert interface.source_data["sampling_frequency"] == 30.0
    assert interface.input_path == SINGLE_ANIMAL_H5


def _tables(poses):
    return {
        id(track.positions.table): track.positions.table
        for pose in poses
        for track in pose.tracks
        if hasattr(track.positions, "table")
    }


@pytest.mark.parametrize("kind", ["single file", "multi-camera session"])
def test_a_stub_write_leaves_blocks_that_forget_blocks_drops(kind):
    if kind == "single file":
        interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
        poses = [interface.pose]
    else:
        interface = DeepLabCut3DPoseInterface(file_path=DLC_3D_H5, config_file_path=DLC_3D_CONFIG)
        poses = [*interface.session.views.values(), interface.session.pose_3d]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoseconvWarning)
        interface.add_to_nwbfile(mock_NWBFile(), metadata=interface.get_metadata(), stub_test=True)
    tables = _tables(poses)
    # The stub read its first frames alone (no block of a longer table) and kept them; a source kept for
    # later holds none after this.
    assert all(table.blocks_read == 0 or table.n_frames <= STUB_FRAMES for table in tables.values())
    assert any(table._cache or table._heads for table in tables.values())
    interface.forget_blocks()
    assert tables and not any(table._cache or table._heads for table in tables.values())


@needs_shared_data
def test_a_path_a_form_left_blank_is_no_path(tmp_path, monkeypatch):
    # "" passed the source schema and became Path(""), the working folder: a side file "." was "a directory",
    # and labeled_data_path="" read the labels of whatever DeepLabCut project the process ran in.
    import shutil

    from poseconv.errors import InvalidOptionError
    from tests.fixtures.training import OPENFIELD_PROJECT

    blank = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5, config_file_path="", video_file_path=" ")
    plain = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)
    assert blank.source_data["config_file_path"] is None and blank.source_data["video_file_path"] is None
    assert blank.get_metadata()["Pose"] == plain.get_metadata()["Pose"]
    shutil.copytree(OPENFIELD_PROJECT, tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    with pytest.raises(InvalidOptionError, match="no DeepLabCut project"):
        DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5, include_training_data=True, labeled_data_path="")
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="is empty; give the path of the file"):
        DeepLabCutPoseInterface(file_path="")


@needs_shared_data
def test_a_path_from_the_home_folder_is_read_there(tmp_path, monkeypatch):
    # file_path="~/x.h5" was "file not found": pathlib does not expand "~", which pandas and the shell do.
    import shutil

    monkeypatch.setenv("HOME", str(tmp_path))
    shutil.copy(SINGLE_ANIMAL_H5, tmp_path / SINGLE_ANIMAL_H5.name)
    interface = DeepLabCutPoseInterface(file_path=f"~/{SINGLE_ANIMAL_H5.name}", find_side_files=False)
    assert interface.input_path == tmp_path / SINGLE_ANIMAL_H5.name


@needs_shared_data
def test_the_folder_of_external_files_is_a_folder_path_for_form_tools():
    # Before, pydantic's "format": "path", for which NWB GUIDE's forms draw no folder picker.
    schema = DeepLabCutPoseInterface(SINGLE_ANIMAL_H5).get_conversion_options_schema()
    assert schema["properties"]["external_files_relative_to"] == {
        **schema["properties"]["external_files_relative_to"],
        "type": "string",
        "format": "directory-path",
    }


LEGACY_LAYOUTS = [
    ({"PoseEstimation": {"PoseEstimationContainers": {"PoseEstimationDeepLabCut": {"description": "Mine."}}}}, "DeepL"),
    ({"Behavior": {"PoseEstimation": {"name": "PoseEstimation", "description": "Mine."}}}, "LightningPose"),
]


@needs_shared_data
@pytest.mark.parametrize(("legacy", "whose"), LEGACY_LAYOUTS, ids=["deeplabcut", "lightningpose"])
def test_neuroconv_s_pose_layouts_are_said_in_neuroconv_s_converter_and_refused_in_poseconv_s(legacy, whose):
    from datetime import UTC, datetime

    from neuroconv import NWBConverter
    from neuroconv.utils import dict_deep_update

    from poseconv.errors import MetadataError

    class Converter(NWBConverter):
        data_interface_classes = dict(Pose=DeepLabCutPoseInterface)

    converter = Converter(source_data=dict(Pose=dict(file_path=str(SINGLE_ANIMAL_H5))))
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    metadata = dict_deep_update(metadata, legacy)
    said = r"is the layout of neuroconv's .*%s.*not written\. Give them under metadata\['Pose'\]\['PoseEstimations'\]"
    # neuroconv's NWBConverter validates nothing of poseconv's: the descriptions were dropped without a word.
    with pytest.warns(PoseconvWarning, match=r"DeepLabCutPoseInterface of m3v1mp4.*: metadata\[.*\]: " + said % whose):
        converter.create_nwbfile(metadata=metadata, conversion_options=dict(Pose=dict(stub_test=True)))
    # The interface's own checks refuse it, in the same words (before: "not a metadata block of these inputs").
    with pytest.raises(MetadataError, match=said % whose):
        converter.data_interface_objects["Pose"].validate_metadata(metadata)
