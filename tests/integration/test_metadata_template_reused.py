"""A ``poseconv metadata`` template of one pose file, reused for another session, says which fields are the first's.

A data manager makes one template and gives it to every session (``convert -m``, a spec's ``metadata``): its
descriptions, video and camera keys and skeleton edges were the first file's, and the other sessions were
written as that file's (its video's name on their video, its empty edges over their project's) without a word.
"""

from __future__ import annotations

from tests.fixtures.cli import poseconv_in_process as poseconv
from tests.fixtures.paths import SHARED_DATA, needs_shared_data

START = "2024-05-01T10:00:00+02:00"
# A file without a project (no edges) and a file of a project whose config.yaml gives two edges.
FIRST = SHARED_DATA / "deeplabcut/3Dtestviews_videos/vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10.h5"
OTHER = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04/videos/reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.h5"


@needs_shared_data
def test_a_template_given_to_another_session_says_what_is_the_first_file_s(tmp_path):
    printed = poseconv("metadata", FIRST)
    assert printed.returncode == 0, printed.stderr
    # The template itself says which fields are its file's, and to delete them to reuse it.
    assert "# This file's own: the descriptions naming it or its video, the video and camera entries" in printed.stdout
    path = tmp_path / "template.yaml"
    path.write_text(printed.stdout, encoding="utf-8")
    out = tmp_path / "other.nwb"
    result = poseconv("convert", OTHER, "-m", path, "--session-start-time", START, "-o", out)
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stderr.split())  # folded to the terminal's width
    assert (
        f"{OTHER.name}: the metadata given was made for another pose file ({FIRST.name}, video 'vid1_camera-1'), "
        in said
    ), said
    for field in ("description", "source_video_metadata_key", "device_metadata_key"):
        assert f"metadata['Pose']['PoseEstimations']['PoseEstimation']['{field}']" in said, said
    assert "['source_video_metadata_key'] is 'video_vid1_camera-1', not this file's 'video_reachingvideo1short'" in said
    assert (
        f"{OTHER.name}: metadata['Pose']['Skeletons']['Skeleton']['edges'] is [], but this file's skeleton has 2 "
        "edge(s) (bodypart1-bodypart2, bodypart1-bodypart3)" in said
    ), said
    # The template given back to its own file says nothing.
    result = poseconv("convert", FIRST, "-m", path, "--session-start-time", START, "-o", tmp_path / "first.nwb")
    assert result.returncode == 0 and "another pose file" not in result.stderr, result.stderr
    assert "edges" not in result.stderr, result.stderr
