"""``--option KEY=VALUE``: read as YAML, refused where a flag gives KEY or no interface takes it, checked as a spec.

The conversions themselves (the same NWB values as Python and ``poseconv run``) are in
``tests/integration/test_cli_source_options.py``.
"""

from __future__ import annotations

import json

import pytest

from poseconv import DeepLabCutPoseInterface
from poseconv.batch.inputs import plan_pose
from poseconv.batch.spec import PoseSpec
from poseconv.cli._options import option_pairs, renamed_error
from poseconv.errors import InvalidSourceFileError
from poseconv.metadata.compose import to_plain
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLP_LABELS_V002, SLP_MIN_SESSION_USER

START = "2024-05-01T10:30:00+02:00"


def convert(tmp_path, *args):
    """Run ``poseconv convert ARGS`` to ``tmp_path/out.nwb``; return the result (nothing written is asserted)."""
    out = tmp_path / "out.nwb"
    result = poseconv_in_process("convert", *args, "--session-start-time", START, "-o", out)
    assert result.returncode == 1, result.stderr
    assert not out.exists()
    return result


def test_option_pairs_split_at_the_first_equals_sign_and_keep_the_value_as_typed():
    pairs = option_pairs(["video_indices=[0, 2]", "metadata_key=a=b", "predicted_only="])
    assert pairs == {"video_indices": "[0, 2]", "metadata_key": "a=b", "predicted_only": ""}


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["predicted_only"], "'predicted_only': give KEY=VALUE, e.g. predicted_only=true."),
        (["=true"], "'=true': give KEY=VALUE"),
        (["a=1", "a=2"], "a is given twice (a=1 and a=2); give it once."),
    ],
)
def test_an_option_that_is_not_one_key_value_is_a_usage_error(tmp_path, given, said):
    args = [word for text in given for word in ("-O", text)]
    result = poseconv_in_process("convert", tmp_path / "any.slp", *args, "-o", tmp_path / "out.nwb")
    assert result.returncode == 2
    # Said in rich's box, wrapped: compared word for word.
    assert said in " ".join(result.stderr.replace("│", " ").split())


@needs_shared_data
def test_an_unknown_key_says_the_one_meant_and_every_key_the_interface_takes(tmp_path):
    result = convert(tmp_path, SLP_LABELS_V002, "-O", "predcted_only=true")
    assert result.stderr == (
        f"poseconv: error: {SLP_LABELS_V002}: --option predcted_only: SLEAPPoseInterface (SLEAP) takes no "
        "predcted_only; did you mean predicted_only? --option takes for it: video_indices, predicted_only, "
        "metadata_key, verbose.\n"
    )


@needs_shared_data
@pytest.mark.parametrize(
    ("key", "flag"),
    [
        ("file_path", "INPUT"),
        ("sampling_frequency", "--fps"),
        ("tracks", "--individuals"),
        # A spec is told the same of the other format's name for the animals (SLEAP calls them tracks).
        ("individuals", "--individuals"),
        ("untracked", "--untracked"),
        ("video_file_path", "--video"),
        ("include_training_data", "--training"),
    ],
)
def test_a_key_a_flag_gives_is_refused_naming_the_flag(tmp_path, key, flag):
    result = convert(tmp_path, SLP_LABELS_V002, "-O", f"{key}=x")
    assert f"{SLP_LABELS_V002}: --option {key}: it is given by {flag}, not by --option." in result.stderr


@needs_shared_data
@pytest.mark.parametrize(("key", "flag"), [("fps", "--fps"), ("frame_rate", "--fps"), ("video", "--video")])
def test_a_key_naming_what_a_flag_gives_names_the_flag(tmp_path, key, flag):
    # DeepLabCut's config and metadata call the frame rate fps: the key is not a typo of another argument.
    result = convert(tmp_path, SLP_LABELS_V002, "-O", f"{key}=30")
    assert f"--option {key}: SLEAPPoseInterface (SLEAP) takes no {key}; give it with {flag}.\n" in result.stderr


@needs_shared_data
@pytest.mark.parametrize(
    ("key", "said"),
    [
        (
            "frames_per_second",
            "'frames_per_second' is neuroconv's SLEAPInterface argument; poseconv takes it "
            "(sampling_frequency) by --fps.",
        ),
        (
            "track_name",
            "'track_name' is neuroconv's SLEAPInterface argument; poseconv takes it (tracks) by --individuals.",
        ),
    ],
)
def test_neuroconvs_argument_name_names_the_flag_poseconv_takes_it_by(tmp_path, key, said):
    # track_name was said to be a misspelling of untracked, an argument of another meaning.
    result = convert(tmp_path, SLP_LABELS_V002, "-O", f"{key}=30")
    assert f"--option {key}: SLEAPPoseInterface (SLEAP) takes no {key}: {said}\n" in result.stderr


@needs_shared_data
def test_a_wrong_value_gets_the_message_a_spec_gets_for_it(tmp_path):
    result = convert(tmp_path, SLP_LABELS_V002, "-O", "predicted_only=maybe")
    pose = PoseSpec.model_validate({"file_path": str(SLP_LABELS_V002), "source_data": {"predicted_only": "maybe"}})
    _, problems = plan_pose(pose, 0, 0, tmp_path)
    (spec_said,) = [p.message for p in problems if p.location.endswith("source_data.predicted_only")]
    assert spec_said == "'maybe' is not of type 'boolean'"
    assert result.stderr == f"poseconv: error: {SLP_LABELS_V002}: --option predicted_only: {spec_said}\n"


@needs_shared_data
def test_a_value_that_is_not_yaml_is_said_with_what_to_give(tmp_path):
    result = convert(tmp_path, SLP_LABELS_V002, "-O", "video_indices=[0")
    assert "--option video_indices=[0: not a YAML value" in result.stderr
    assert "give e.g. true, 3, [0, 2] or {a: b}." in result.stderr


@needs_shared_data
def test_a_relative_path_starts_at_the_working_folder_and_a_missing_one_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = convert(tmp_path, SLP_MIN_SESSION_USER, "-O", "points_3d_file_path=points3d.h5")
    assert f"--option points_3d_file_path: file not found: {tmp_path / 'points3d.h5'}" in result.stderr


@needs_shared_data
def test_the_interfaces_own_error_names_the_option(tmp_path):
    result = convert(tmp_path, SLP_MIN_SESSION_USER, "-O", "session_index=3")
    assert "--option session_index 3 is out of range; the file holds 1 session(s)." in result.stderr
    result = convert(tmp_path, SLP_LABELS_V002, "-O", "video_indices=[0, 4]", "--untracked", "by_order")
    assert "--option video_indices holds 4, which is out of range; the file has 1 video(s)" in result.stderr


def test_a_key_the_message_writes_as_an_option_or_in_a_spec_is_left_as_written():
    # The reader's own example of the command line was made -O '--option video_indices=[0]'.
    err = InvalidSourceFileError(
        "f.slp: video 2 has no labeled frame; choose among these with video_indices= "
        "(poseconv convert -O 'video_indices=[0]', a spec's source_data: {video_indices: [0]})."
    )
    renamed = renamed_error(err, ["video_indices"])
    assert isinstance(renamed, InvalidSourceFileError)
    assert str(renamed) == (
        "f.slp: video 2 has no labeled frame; choose among these with --option video_indices= "
        "(poseconv convert -O 'video_indices=[0]', a spec's source_data: {video_indices: [0]})."
    )
    assert (
        renamed_error(InvalidSourceFileError("-O video_indices=[0] --option video_indices"), ["video_indices"]) is None
    )


@needs_shared_data
def test_an_option_applies_to_every_input_and_one_no_input_takes_is_said_before_any_is_read(tmp_path):
    # The SLEAP file would fail when read (untracked instances, no --untracked): the option is said first.
    result = convert(tmp_path, SLP_LABELS_V002, SINGLE_ANIMAL_H5, "-O", "predicted_only=true")
    assert f"{SINGLE_ANIMAL_H5}: --option predicted_only: DeepLabCutPoseInterface (DeepLabCut) takes no" in (
        result.stderr
    )


@needs_shared_data
def test_video_of_a_session_file_says_how_to_give_the_videos_by_camera(tmp_path):
    result = convert(tmp_path, SLP_MIN_SESSION_USER, "--video", tmp_path / "a.mp4")
    assert "--option 'video_file_paths={camera: path}'" in result.stderr


@needs_shared_data
def test_metadata_shows_the_conversion_with_the_options_and_a_text_key_keeps_its_text():
    # 01 is a number to YAML; metadata_key takes text, so it stays as typed. false is a boolean.
    result = poseconv_in_process(
        "metadata", SINGLE_ANIMAL_H5, "-O", "metadata_key=01", "-O", "find_side_files=false", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    expected = to_plain(
        DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5, metadata_key="01", find_side_files=False).get_metadata()
    )
    for key in ("identifier", "source_script", "source_script_file_name"):
        expected["NWBFile"].pop(key, None)
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))
    assert "01" in json.dumps(expected["Pose"])
    header = poseconv_in_process("metadata", SINGLE_ANIMAL_H5, "-O", "metadata_key=01")
    assert "--option metadata_key=01 -o out.nwb" in header.stdout
