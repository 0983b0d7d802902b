"""`poseconv validate`, run as a user runs it: summary lines, --json, exit codes."""

from __future__ import annotations

import json
import shutil

import h5py
import pytest

from tests.fixtures.paths import SHARED_DATA, needs_shared_data
from tests.integration.test_cli import START, assert_one_line_error, poseconv

REACHING = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04/videos"
SUBJECT = "Subject:\n  subject_id: m1\n  species: Mus musculus\n  sex: M\n  age: P90D\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A file with a Subject (passes) and one without (CRITICAL for DANDI)."""
    folder = tmp_path_factory.mktemp("validate")
    metadata = folder / "subject.yaml"
    metadata.write_text(SUBJECT)
    good, bare = folder / "good.nwb", folder / "bare.nwb"
    source = REACHING / "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.h5"
    video = REACHING / "reachingvideo1short.avi"
    poseconv("convert", source, "--video", video, "-o", good, "-m", metadata, "--session-start-time", START)
    poseconv("convert", source, "--video", video, "-o", bare, "--session-start-time", START)
    return good, bare


@needs_shared_data
def test_one_summary_line_per_file_and_exit_code(files):
    good, bare = files
    result = poseconv("validate", good, bare, check_rc=1)
    summaries = [line for line in result.stdout.splitlines() if not line.startswith("  ")]
    assert summaries[0].startswith(f"{good}: ") and "CRITICAL" not in summaries[0]
    assert summaries[1].startswith(f"{bare}: ") and summaries[1].endswith("worst CRITICAL")
    assert "CRITICAL [check_subject_exists]" in result.stdout
    # Suggestions alone do not fail a file, unless asked.
    assert poseconv("validate", good).returncode == 0
    poseconv("validate", good, "--fail-on", "suggestion", check_rc=1)


@needs_shared_data
def test_json_report(files):
    good, bare = files
    reports = json.loads(poseconv("validate", "--json", good, bare, check_rc=1).stdout)
    assert [r["ok"] for r in reports] == [True, False]
    assert reports[1]["worst"] == "CRITICAL"
    assert {"importance", "check", "message", "location"} <= set(reports[1]["problems"][0])


@needs_shared_data
def test_a_pose_problem_fails_the_file(files, tmp_path):
    good, _ = files
    broken = good.with_name("broken.nwb")
    shutil.copy(good, broken)
    with h5py.File(broken, "a") as handle:
        handle["/processing/behavior/PoseEstimation/bodypart1/confidence"][0] = 7.0
    result = poseconv("validate", broken, "--pose-only", check_rc=1)
    assert result.stdout.splitlines()[0] == f"{broken}: 1 problem, worst BEST_PRACTICE_VIOLATION"
    assert "poseconv:confidence_range" in result.stdout


@needs_shared_data
def test_missing_and_non_nwb_files_are_clear_errors(tmp_path):
    assert_one_line_error(poseconv("validate", tmp_path / "nope.nwb", check_rc=None), "nope.nwb", "not found")
    h5 = REACHING / "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.h5"
    assert_one_line_error(poseconv("validate", h5, check_rc=None), "not an NWB file")
    text = tmp_path / "notes.nwb"
    text.write_text("hello")
    assert_one_line_error(poseconv("validate", text, check_rc=None), "not an HDF5 file")
