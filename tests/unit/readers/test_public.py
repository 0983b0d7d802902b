"""The readers poseconv exports refuse another tool's file as the interfaces and ``convert --source`` do."""

from __future__ import annotations

import numpy as np
import pytest

import poseconv
from poseconv.errors import InvalidSourceFileError
from tests.fixtures.deeplabcut import write_dlc_file

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
