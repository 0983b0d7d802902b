"""``poseconv run --report`` named at a file of the run: refused before anything is written, the file kept."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data

pytestmark = needs_shared_data


def _spec(tmp_path: Path) -> Path:
    """A one-session spec over a copy of a DeepLabCut file beside it; its NWB file goes to ``nwb/``."""
    shutil.copy(SINGLE_ANIMAL_H5, tmp_path / SINGLE_ANIMAL_H5.name)
    session = {
        "session_id": "s1",
        "session_start_time": "2024-05-01T10:00:00+02:00",
        "subject": {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D"},
        "pose": [{"file_path": SINGLE_ANIMAL_H5.name, "sampling_frequency": 30}],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"output_folder": "nwb", "sessions": [session]}), encoding="utf-8")
    (tmp_path / "nwb").mkdir()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(spec: Path, *args: object):
    return poseconv_in_process("run", spec, "--jobs", "1", "-q", *args)


@pytest.mark.parametrize("overwrite", [(), ("--overwrite",)])
def test_a_report_named_as_the_pose_file_leaves_the_predictions(tmp_path, overwrite):
    # Before, the DeepLabCut predictions were replaced by the JSON report, and the session was then invalid.
    spec = _spec(tmp_path)
    pose = tmp_path / SINGLE_ANIMAL_H5.name
    before = _digest(pose)
    result = _run(spec, "--report", pose, *overwrite)
    assert result.returncode == 1 and "holds no report of 'poseconv run'" in result.stderr
    assert _digest(pose) == before and list((tmp_path / "nwb").iterdir()) == []


@pytest.mark.parametrize("overwrite", [(), ("--overwrite",)])
def test_a_report_named_as_a_converted_nwb_file_leaves_it(tmp_path, overwrite):
    # Before, with --overwrite: exit 0, "1 converted", and nwb/s1.nwb was JSON; without, the "not finished"
    # report replaced the good file, which the run then called damaged.
    spec = _spec(tmp_path)
    assert _run(spec).returncode == 0
    output = tmp_path / "nwb" / "s1.nwb"
    before = _digest(output)
    result = _run(spec, "--report", output, *overwrite)
    assert result.returncode == 1 and "holds no report of 'poseconv run'" in result.stderr
    assert _digest(output) == before
    again = _run(spec, "--report", tmp_path / "run.json")
    assert again.returncode == 0 and "1 skipped" in again.stdout


def test_a_report_named_as_a_session_file_not_written_yet_is_refused(tmp_path):
    # The session's file was renamed over the "not finished" report, then the final report over the NWB file.
    spec = _spec(tmp_path)
    output = tmp_path / "nwb" / "s1.nwb"
    result = _run(spec, "--report", output, "--overwrite")
    assert result.returncode == 1
    assert f"--report {output}: is the NWB file of session 's1' (sessions[0]) in the spec" in result.stderr
    assert list((tmp_path / "nwb").iterdir()) == []
    result = _run(spec, "--report", tmp_path / "nwb" / "run.json", "--overwrite")
    assert result.returncode == 0 and json.loads((tmp_path / "nwb" / "run.json").read_text())["ok"] is True
    assert output.is_file() and output.read_bytes()[:4] == b"\x89HDF"
