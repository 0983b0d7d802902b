"""The readers poseconv exports refuse another tool's file as the interfaces and ``convert --source`` do."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import poseconv
from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from tests.fixtures.deeplabcut import COLLECTED_DATA_H5, THREE_D_H5, write_dlc_file
from tests.fixtures.paths import needs_shared_data

POSITIONS = {"nose": np.array([[1.0, 2.0], [3.0, 4.0]]), "tail": np.array([[5.0, 6.0], [7.0, 8.0]])}
SCORES = {"nose": np.array([0.9, 0.8]), "tail": np.array([0.7, 0.6])}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("public")
    return {
        "DeepLabCut": write_dlc_file(
            folder / "videoDLC_resnet50_labJan1shuffle1_100.csv", POSITIONS, likelihood=SCORES
        ),
        # Lightning Pose writes DeepLabCut's header with its model type as the scorer.
        "LightningPose": write_dlc_file(folder / "video.csv", POSITIONS, likelihood=SCORES, scorer="heatmap_tracker"),
    }


@pytest.mark.parametrize(
    ("reader", "tool", "other"),
    [
        ("read_lightning_pose", "DeepLabCut", "read_deeplabcut"),
        ("read_deeplabcut", "LightningPose", "read_lightning_pose"),
    ],
)
def test_a_reader_refuses_another_tools_file_naming_its_reader(files, reader, tool, other):
    with pytest.raises(InvalidSourceFileError) as raised:
        getattr(poseconv, reader)(files[tool])
    message = str(raised.value)
    assert f"holds {tool} output" in message and f"Read it with poseconv.{other}" in message, message
    # The check is the interfaces' one (the same words), the way forward a reader's, not a --source.
    assert "--source" not in message


def test_a_reader_reads_its_own_tools_file(files):
    assert poseconv.read_deeplabcut(files["DeepLabCut"]).source_software == "DeepLabCut"
    assert poseconv.read_lightning_pose(file_path=files["LightningPose"]).source_software == "LightningPose"


def test_the_interfaces_and_the_reader_refuse_in_the_same_words(files):
    with pytest.raises(InvalidSourceFileError) as by_interface:
        poseconv.LightningPosePoseInterface(file_path=files["DeepLabCut"])
    with pytest.raises(InvalidSourceFileError) as by_reader:
        poseconv.read_lightning_pose(files["DeepLabCut"])
    why = str(by_interface.value).partition(". Convert it with")[0]
    assert str(by_reader.value).startswith(why)


@needs_shared_data
def test_a_richer_file_of_the_readers_own_tool_is_read_as_before_with_a_warning_naming_its_reader():
    # read_deeplabcut read a DeepLabCut 3D table (x, y, z without the views) before the readers were checked:
    # a script relying on it keeps working, told which reader keeps the views.
    with pytest.warns(PoseconvWarning, match=r"future version will refuse\. Read it with poseconv\.read_deeplabcut_3d"):
        pose = poseconv.read_deeplabcut(THREE_D_H5)
    table = pd.read_hdf(THREE_D_H5)
    np.testing.assert_array_equal(pose.tracks[0].positions[:, 0, :], table.iloc[:, :3].to_numpy())


@needs_shared_data
def test_a_file_the_reader_refuses_itself_is_not_first_said_to_be_read():
    # The check's "it is read as DeepLabCut" would contradict the refusal of DeepLabCut's reader (labels).
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        with pytest.raises(InvalidSourceFileError):
            poseconv.read_deeplabcut(COLLECTED_DATA_H5)
    assert not [w for w in said if "future version will refuse" in str(w.message)]
