"""A side file, a project config or a video given with a format chosen is said to be one, as when none is."""

from __future__ import annotations

import pytest

import poseconv
from poseconv.errors import InvalidSourceFileError
from poseconv.video import probe_video
from tests.fixtures.cli import poseconv_in_process


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("videoDLC_resnet50_labJan1shuffle1_100_meta.pickle", "is an intermediate file: convert the table"),
        ("config.yaml", "A .yaml is a project's configuration"),
        ("cam.mp4", "is a video, not a pose file"),
    ],
)
def test_with_the_format_chosen_a_file_of_another_kind_gets_its_hint(tmp_path, name, said):
    path = tmp_path / name
    path.write_bytes(b"not a pose file\n")
    detected = poseconv_in_process("metadata", path)
    chosen = poseconv_in_process("metadata", path, "--source", "dlc")
    assert said in detected.stderr, detected.stderr
    assert said in chosen.stderr and "expected a DeepLabCut" not in chosen.stderr, chosen.stderr
    with pytest.raises(InvalidSourceFileError, match=said):
        poseconv.DeepLabCutPoseInterface(file_path=path)
    with pytest.raises(InvalidSourceFileError, match=said):
        poseconv.read_deeplabcut(path)


def test_an_empty_video_is_said_to_be_empty(tmp_path):
    (tmp_path / "cam.mp4").write_bytes(b"")
    with pytest.raises(InvalidSourceFileError, match=r"cam.mp4: is empty \(0 bytes\)"):
        probe_video(tmp_path / "cam.mp4")
