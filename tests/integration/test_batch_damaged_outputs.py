"""``poseconv run`` again over an output folder whose files were cut short or emptied (an interrupted copy)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from poseconv.batch.runner import run_batch
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data

START = "2024-05-01T10:30:00+02:00"


def _spec(tmp_path: Path) -> Path:
    session = {
        "session_id": "m1",
        "session_start_time": START,
        "subject": {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D"},
        "pose": [{"file_path": str(SINGLE_ANIMAL_H5)}],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"output_folder": "out", "sessions": [session]}), encoding="utf-8")
    return path


@needs_shared_data
def test_a_rerun_reports_a_cut_short_output_and_overwrite_converts_it_again(tmp_path):
    # Before, the re-run said "skipped ... its NWB file exists" and ended well (exit code 0): the
    # session was never converted.
    spec = _spec(tmp_path)
    assert run_batch(spec, jobs=1).ok
    output = tmp_path / "out" / "m1.nwb"
    size = output.stat().st_size
    os.truncate(output, 4096)
    report = run_batch(spec, jobs=1)
    assert not report.ok and [r.status for r in report.sessions] == ["invalid"]
    (problem,) = report.problems
    assert problem.location == "sessions[0]" and problem.line is not None
    assert problem.message == (
        f"a damaged or incomplete file is at {output} (not an NWB file poseconv can open: cut short: 4,096 of its "
        f"{size:,} bytes are there); delete it or run with --overwrite."
    )
    assert output.stat().st_size == 4096, "the file is left as it is"
    report = run_batch(spec, jobs=1, overwrite=True)
    assert report.ok and [r.status for r in report.sessions] == ["converted"]
    assert output.stat().st_size > 4096
    assert [r.status for r in run_batch(spec, jobs=1).sessions] == ["skipped"]
