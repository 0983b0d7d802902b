"""What a run reports when Ctrl-C ends it."""

from __future__ import annotations

import time

import pytest

from poseconv.batch.jobs import Plan
from poseconv.batch.report import BatchInterrupted, BatchReport, Problem, SessionResult
from poseconv.batch.runner import Progress, _ended, _triage


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
        _ended(KeyboardInterrupt(), None, report, plan, results, started, Progress())
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
    _ended(ValueError("bad"), None, report, None, {}, time.time(), Progress())
    _ended(SystemExit(143), None, report, None, {}, time.time(), Progress())
    assert report.sessions == [] and report.stopped == ""


@pytest.mark.parametrize("field", ["session_id", "nwbfile_name"])
def test_a_session_named_as_another_stays_invalid_when_the_others_file_exists(tmp_path, field):
    # Two sessions of one ID (a row copied in the lab's session table): the first run writes the first
    # session's file; the re-run skipped the second too, as its path held that file, and said nothing.
    output = tmp_path / "day1.nwb"
    output.write_bytes(b"the first session's file")
    (tmp_path / "m4.nwb").write_bytes(b"converted by an earlier run")
    clash = Problem(f"sessions[1].{field}", "'day1' is also sessions[0].", 1)
    other = Problem("sessions[2].pose[0].file_path", "file not found: m3.h5", 2)
    since = Problem("sessions[3].pose[0].file_path", "file not found: m4.h5", 3)
    plan = Plan(
        spec_path=tmp_path / "spec.yaml",
        output_folder=tmp_path,
        sessions=[
            (0, "day1", output),
            (1, "day1", output),
            (2, "m3", tmp_path / "m3.nwb"),
            (3, "m4", tmp_path / "m4.nwb"),
        ],
        problems=[clash, other, since],
    )
    report = BatchReport(spec_path=plan.spec_path, problems=list(plan.problems))
    results: dict[int, SessionResult] = {}
    assert _triage(plan, report, results, overwrite=False, check_only=False) == []
    assert {i: r.status for i, r in results.items()} == {0: "skipped", 1: "invalid", 2: "invalid", 3: "skipped"}
    assert clash in report.problems and "is also sessions[0]" in results[1].reason
    # A session done by an earlier run is not checked again: its problems since then are not reported.
    assert report.problems == [clash, other]
