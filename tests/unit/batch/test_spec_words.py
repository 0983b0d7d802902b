"""A warning's metadata paths and interface arguments, said as a spec gives them."""

from __future__ import annotations

import pytest

from poseconv.batch.spec_words import argument_in_spec, in_spec_words


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("video_file_path", "the pose file's video_file_path"),
        ("config_file_path", "the pose file's source_data: {config_file_path: ...}"),
        ("individuals", "the pose file's source_data: {individuals: [...]} (SLEAP's tracks)"),
    ],
)
def test_an_argument_is_a_pose_field_or_in_source_data(name, said):
    assert argument_in_spec(name) == said


def test_every_metadata_path_and_argument_of_a_warning_is_said_as_the_spec_gives_it():
    located = []

    def locate(path):
        located.append(path)
        return "sessions[1].metadata." + ".".join(path)

    text = (
        "metadata['Pose']['PoseEstimations']['PoseEstimation'] is named like metadata['Behavior']; give it with "
        "video_file_path= (--video)."
    )
    assert in_spec_words(text, locate) == (
        "sessions[1].metadata.Pose.PoseEstimations.PoseEstimation is named like sessions[1].metadata.Behavior; "
        "give it with the pose file's video_file_path."
    )
    assert located == [("Pose", "PoseEstimations", "PoseEstimation"), ("Behavior",)]
    # Text without them is left as it is.
    assert in_spec_words("the video's frame times are used.", locate) == "the video's frame times are used."
