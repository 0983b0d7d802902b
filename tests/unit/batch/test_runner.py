"""What a run reports when Ctrl-C ends it."""

from __future__ import annotations

import time

import pytest

from poseconv.batch.jobs import Plan
from poseconv.batch.report import BatchInterrupted, BatchReport, SessionResult
from poseconv.batch.runner import _ended


def test_ctrl_c_reports_each_session_by_what_is_on_disk(tmp_path):
    old, done, pending, skipped = (tmp_path / f"{name}.nwb" for name in ("old", "done", "pending", "skipped"))
    old.write_bytes(b"written before the run")
    started = time.time() + 1e-3
    time.sleep(0.01)
    # Renamed into place by a worker stopped before its result came back.
    done.write_bytes(b"whole")
    plan = Plan(
        spec_path=tmp_path / "spec.yaml",
        output_folder=tmp_path,
        sessions=[(0, "old", old), (1, "done", done), (2, "pending", pending), (3, "skipped", skipped)],
    )
    results = {3: SessionResult(index=3, session_id="skipped", output=skipped, status="skipped")}
    report = BatchReport(spec_path=plan.spec_path)
    with pytest.raises(BatchInterrupted) as raised:
        _ended(KeyboardInterrupt(), None, report, plan, results, started)
    assert raised.value.report is report and "run the same command again" in report.stopped
    assert [r.status for r in report.sessions] == ["interrupted", "converted", "interrupted", "skipped"]
    assert report.counts()["interrupted"] == 2 and not report.ok
    # Interrupted with --overwrite, a session keeps the file of an earlier run; before, the summary said
    # every interrupted session had "no NWB file".
    assert "have no NWB file" not in report.stopped and "a file of an earlier run is left as it was" in report.stopped
    reasons = [r.reason for r in report.sessions]
    assert reasons[0] == "not converted: the run was interrupted; its earlier NWB file is left as it was"
    assert reasons[2] == "not converted: the run was interrupted"


def test_an_error_or_a_termination_is_left_to_the_caller(tmp_path):
    report = BatchReport(spec_path=tmp_path / "spec.yaml")
    _ended(ValueError("bad"), None, report, None, {}, time.time())
    _ended(SystemExit(143), None, report, None, {}, time.time())
    assert report.sessions == [] and report.stopped == ""
