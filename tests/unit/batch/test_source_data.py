"""A spec's source_data (and --option): checked alike; neuroconv's argument names are said with poseconv's."""

from __future__ import annotations

from poseconv import SLEAPPoseInterface
from poseconv.batch.source_data import check_source_data


def locate(key):
    return f"pose[0].source_data.{key}" if key else "pose[0]"


def test_neuroconvs_argument_name_is_said_with_poseconvs_not_as_a_misspelling(tmp_path):
    source_data = {"track_name": "track_0", "frames_per_second": 30}
    _, problems = check_source_data(SLEAPPoseInterface, source_data, {"file_path": "x.slp"}, tmp_path, locate, 0)
    said = {problem.location: problem.message for problem in problems}
    # jsonschema's suggestion for track_name was 'untracked', an argument of another meaning.
    assert said == {
        "pose[0].source_data.track_name": "unknown field; 'track_name' is neuroconv's SLEAPInterface argument; "
        "poseconv's is tracks= (a list of track names, e.g. tracks=['track_0']).",
        "pose[0].source_data.frames_per_second": "unknown field; 'frames_per_second' is neuroconv's SLEAPInterface "
        "argument; poseconv's is sampling_frequency= (the frame rate in Hz).",
    }


def test_a_misspelt_argument_still_gets_the_one_meant(tmp_path):
    _, problems = check_source_data(
        SLEAPPoseInterface, {"predcted_only": True}, {"file_path": "x.slp"}, tmp_path, locate, 0
    )
    assert [p.message for p in problems] == ["unknown field; did you mean 'predicted_only'?"]
