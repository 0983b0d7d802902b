"""``poseconv run`` and the temporary files of NWB files being written: its own leftovers go, nobody else's.

Each NWB file is written under a hidden temporary name and renamed when complete; a process killed
while writing (the out-of-memory killer, a scheduler's ``SIGKILL``) leaves its temporary file behind.
The other writers here are real processes, started with :func:`~poseconv.output.atomic_output` as a
worker uses it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from poseconv.batch.runner import run_batch
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.writers import OtherWriter

START = "2024-05-01T10:30:00+02:00"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows tells a file being written by refusing to remove it")


def _spec(tmp_path: Path, *session_ids: str) -> Path:
    sessions = [
        {
            "session_id": session_id,
            "session_start_time": START,
            "subject": {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D"},
            "pose": [{"file_path": str(SINGLE_ANIMAL_H5)}],
        }
        for session_id in session_ids
    ]
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"output_folder": "out", "sessions": sessions}), encoding="utf-8")
    return path


@needs_shared_data
def test_a_session_leaves_the_file_another_session_is_writing(tmp_path):
    # Before, session m1 removed every ".m1.*.partial.nwb" before writing: the temporary file of session
    # m1.day2, which another worker was writing; m1.day2 then failed with "cannot be written (No such file
    # or directory); choose a folder that takes new files".
    other = OtherWriter(tmp_path / "out" / "m1.day2.nwb")
    report = run_batch(_spec(tmp_path, "m1"), jobs=1)
    assert [r.status for r in report.sessions] == ["converted"], report.to_dict()
    assert other.partial.is_file()
    assert other.finish() == 0
    assert (tmp_path / "out" / "m1.day2.nwb").read_bytes() == b"written by another process"


@needs_shared_data
def test_a_run_removes_what_a_killed_run_left_for_the_sessions_it_skips(tmp_path):
    # Before, a session whose NWB file existed was skipped without a look at the temporary file a killed
    # `run --overwrite` had left next to it, which then stayed forever (tens of MB, hidden).
    spec = _spec(tmp_path, "L0")
    assert run_batch(spec, jobs=1).ok
    killed = OtherWriter(tmp_path / "out" / "L0.nwb")
    killed.kill()
    running = OtherWriter(tmp_path / "out" / "L0.nwb")  # another run converting it again now
    report = run_batch(spec, jobs=1)
    assert [r.status for r in report.sessions] == ["skipped"]
    assert not killed.partial.exists() and running.partial.is_file()
    # --check writes nothing, and removes nothing either.
    killed = OtherWriter(tmp_path / "out" / "L0.nwb")
    killed.kill()
    run_batch(spec, jobs=1, check_only=True)
    assert killed.partial.is_file()
    running.kill()
