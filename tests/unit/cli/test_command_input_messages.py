"""What inspect, plot, validate and convert say of an input they do not take, in their own words."""

from __future__ import annotations

import numpy as np
import pytest

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import write_dlc_file


@pytest.fixture(scope="module")
def pose_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("poses")
    write_dlc_file(
        folder / "videoDLC_resnet50_labJan1shuffle1_100.h5",
        {"nose": np.array([[1.0, 2.0], [3.0, 4.0]])},
        likelihood={"nose": np.array([0.9, 0.8])},
    )
    return folder


@pytest.mark.parametrize(
    ("command", "advice"),
    [
        ("inspect", "or inspect the folder with --source dlc-labels (DeepLabCut labels) or --source lp-multiview"),
        # plot draws poses over time: no labels.
        ("plot", "or plot the folder with --source lp-multiview (LightningPose multi-view)."),
    ],
)
def test_a_folder_is_advised_in_the_commands_words(tmp_path, pose_folder, command, advice):
    result = poseconv_in_process(command, pose_folder, *(["-o", tmp_path / "p.png"] if command == "plot" else []))
    assert result.returncode != 0 and advice in result.stderr, result.stderr
    assert "convert the folder" not in result.stderr


def test_validate_says_a_pose_file_is_to_convert_first(pose_folder):
    result = poseconv_in_process("validate", pose_folder / "videoDLC_resnet50_labJan1shuffle1_100.h5")
    assert result.returncode != 0
    assert "is a pose file (DeepLabCut predictions" in result.stderr and "Convert it first" in result.stderr


def test_an_option_given_per_input_is_counted_in_words(tmp_path, pose_folder):
    video = tmp_path / "cam.mp4"
    result = poseconv_in_process(
        "convert",
        pose_folder / "videoDLC_resnet50_labJan1shuffle1_100.h5",
        "--video",
        video,
        "--video",
        video,
        "-o",
        tmp_path / "x.nwb",
    )
    assert "--video was given twice for one input; give one --video per input" in result.stderr, result.stderr
