"""The path a tool recorded of a video linked at another path is kept in the container's description."""

from __future__ import annotations

from pathlib import Path

import pytest

from poseconv.metadata.recorded_videos import MISSING_VIDEO_PATTERN, recorded_elsewhere_sentence
from poseconv.model import VideoInfo


@pytest.mark.parametrize(
    "recorded",
    [
        "/home/someone/dev/20190128_113421.mp4",  # SLEAP's path on the labelling machine
        r"C:\Users\lab\videos\cam.mp4",  # a DeepLabCut config's video_sets made on Windows
        "other_name.mp4",  # a relative record of another file than the one given
    ],
)
def test_a_path_recorded_elsewhere_is_said(tmp_path, recorded):
    sentence = recorded_elsewhere_sentence(VideoInfo("cam", original_path=recorded, path=tmp_path / "cam.mp4"), {})
    assert f"The tool recorded the video as '{recorded}';" in sentence
    # Not the sentence of a video that is not here: readers still take the linked one.
    assert MISSING_VIDEO_PATTERN.search(sentence) is None


@pytest.mark.parametrize("recorded", ["{folder}/videos/cam.mp4", "videos/cam.mp4", "cam.mp4", r"..\videos\cam.mp4"])
def test_the_linked_file_at_the_path_recorded_says_nothing_more(tmp_path, recorded):
    linked = tmp_path / "videos" / "cam.mp4"
    info = VideoInfo("cam", original_path=recorded.format(folder=tmp_path), path=linked)
    assert recorded_elsewhere_sentence(info, {}) == ""


def test_images_recorded_elsewhere_are_said_as_images(tmp_path):
    images = (tmp_path / "a.png", tmp_path / "b.png")
    info = VideoInfo("seq", original_path="/lab/frames/a.png", image_files=images)
    sentence = recorded_elsewhere_sentence(info, {"image_files": ["/lab/frames/a.png", "/lab/frames/b.png"]})
    assert "as 2 image files, the first '/lab/frames/a.png';" in sentence


def test_no_video_linked_or_none_recorded_says_nothing(tmp_path):
    assert recorded_elsewhere_sentence(VideoInfo("cam", original_path="/lab/cam.mp4"), {}) == ""
    assert recorded_elsewhere_sentence(VideoInfo("cam", path=Path(tmp_path / "cam.mp4")), {}) == ""
