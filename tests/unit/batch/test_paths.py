"""A spec's paths: environment variables named when a path holding one is missing; DANDI references kept whole."""

from __future__ import annotations

from pathlib import Path

import yaml

from poseconv.batch.paths import missing_path, resolve_path
from poseconv.batch.plan import plan_spec

START = "2024-05-01T10:30:00+02:00"


def test_a_missing_path_naming_an_environment_variable_says_it_is_not_expanded(tmp_path):
    for written, variable in (
        ("$DATA/a.h5", "$DATA"),
        ("${HOME}/a.h5", "${HOME}"),
        ("%USERPROFILE%/a", "%USERPROFILE%"),
    ):
        problem = missing_path(resolve_path(tmp_path, written), "file")
        assert problem is not None and problem.startswith("file not found:")
        assert f"environment variables such as {variable} are not expanded in a spec's paths" in problem
    # A path without one says nothing of variables; an existing file named with a $ is no problem.
    assert "variables" not in missing_path(tmp_path / "a.h5", "file")
    (tmp_path / "$DATA.h5").write_bytes(b"x")
    assert missing_path(resolve_path(tmp_path, "$DATA.h5"), "file") is None


def test_a_spec_whose_pose_file_names_a_variable_is_told_so(tmp_path):
    spec = {
        "sessions": [
            {
                "session_id": "a",
                "session_start_time": START,
                "subject": {"subject_id": "a", "species": "Mus musculus", "sex": "M", "age": "P90D"},
                "pose": [{"file_path": "${POSE_DATA}/predictions.h5", "interface": "dlc"}],
            }
        ]
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    messages = [p.message for p in plan_spec(path).problems if p.location == "sessions[0].pose[0].file_path"]
    assert len(messages) == 1 and "${POSE_DATA} are not expanded" in messages[0]


def test_a_dandi_reference_is_kept_as_written_and_said(tmp_path):
    for written in ("dandi://DANDI/000123/sub-1/sub-1.nwb", "DANDI:000123/draft"):
        path = resolve_path(tmp_path, written)
        assert path == Path(written)
        problem = missing_path(path, "file")
        assert problem is not None and problem.startswith(f"{written}: is a DANDI reference")


def test_a_data_folder_naming_a_variable_is_told_so(tmp_path):
    # The spec-wide data_folder said only "folder not found", as the sessions' paths did before.
    session = {"session_id": "a", "session_start_time": START, "pose": [{"file_path": "a.h5"}]}
    spec = {"data_folder": "$H3DATA", "sessions": [session]}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    (problem,) = [p for p in plan_spec(path).problems if p.location == "data_folder"]
    assert problem.message.startswith("folder not found:") and "$H3DATA are not expanded" in problem.message
