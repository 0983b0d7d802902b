"""``poseconv run`` started in a working folder that no longer exists (:mod:`poseconv.cli.run`)."""

from __future__ import annotations

import os

from tests.fixtures.cli import poseconv_in_process


def _in_a_deleted_folder(tmp_path, monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()


def test_a_spec_given_by_its_absolute_path_runs_from_a_deleted_working_folder(tmp_path, monkeypatch):
    # The workers' fork server asks for the working folder: the run stopped with a bare
    # "[Errno 2] No such file or directory" where convert works. Now it works from the spec's folder.
    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions: []\n", encoding="utf-8")
    _in_a_deleted_folder(tmp_path, monkeypatch)
    result = poseconv_in_process("run", spec)
    assert "Errno" not in result.stderr, result.stderr
    # The spec was read and checked (it converts nothing), from its own folder.
    assert "should be non-empty" in result.stderr and os.getcwd() == str(tmp_path)


def test_a_relative_path_from_a_deleted_working_folder_is_said_to_be_one(tmp_path, monkeypatch):
    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions: []\n", encoding="utf-8")
    _in_a_deleted_folder(tmp_path, monkeypatch)
    result = poseconv_in_process("run", spec, "--report", "run.json")
    assert result.returncode != 0 and "Errno" not in result.stderr
    assert "run.json: a path from the working folder, which no longer exists" in result.stderr
    assert "cd to an existing folder" in result.stderr
