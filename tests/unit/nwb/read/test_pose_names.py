"""How the track, video and node of a container are read from the names and descriptions writers give them."""

from __future__ import annotations

import pytest

from poseconv.nwb.read.pose_names import container_names, names_from_description, node_of_series, split_track_name

NEW = "Poses of 'b' (skeleton 'one') estimated with SLEAP on video 'x', read from in.slp."
OLD = "Poses of 'b_one' estimated with SLEAP on video 'x', read from in.slp."


@pytest.mark.parametrize(
    ("container", "track"),
    [
        ("PoseEstimation_b_one", "b_one"),
        # Another track of the file was named b_one: the reader named these instances b_one_2.
        ("PoseEstimation_b_one_2", "b_one_2"),
        # Several videos: the container's name holds the video first.
        ("PoseEstimation_x_b_one", "b_one"),
        # Renamed by metadata: the reader's name, from the description.
        ("BodyParts", "b_one"),
    ],
)
def test_a_description_naming_the_track_and_its_skeleton_reads_back_as_the_reader_named_them(container, track):
    # The description names SLEAP track 'b' of skeleton 'one' (a track under two skeletons, two containers): without
    # a TrackOrder table the container's track was read from its name ('x_b_one' when it held the video).
    facts = {"description": NEW, "source_software": "SLEAP"}
    assert container_names(container, facts, "one", None) == (track, "x", None)
    assert names_from_description(NEW, "SLEAP") == ("b", "x")


def test_the_wording_of_files_written_before_still_reads_back():
    assert names_from_description(OLD, "SLEAP") == ("b_one", "x")
    facts = {"description": OLD, "source_software": "SLEAP"}
    assert container_names("PoseEstimation_x_b_one", facts, "one", None) == ("b_one", "x", None)
    # A track whose own name holds the words is read whole.
    quoted = "Poses of 'b' (skeleton 'one'' estimated with SLEAP on video 'x', read from in.slp."
    assert names_from_description(quoted) == ("b' (skeleton 'one'", "x")


def test_a_series_description_naming_the_skeleton_names_its_node():
    assert node_of_series("c", "Position of 'c' of 'b' (skeleton 'one').", ["c", "c2"]) == "c"
    assert split_track_name("b", "one", "PoseEstimation_b_one_10") == "b_one_10"
