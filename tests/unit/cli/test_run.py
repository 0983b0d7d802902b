"""``poseconv run``'s own part: the --report file (:mod:`poseconv.cli.run`)."""

from __future__ import annotations

import json

from poseconv.batch import runner
from poseconv.batch.executors import LocalExecutor
from poseconv.cli.run import UNFINISHED
from tests.fixtures.cli import poseconv_in_process


def test_a_run_ended_before_its_report_leaves_no_earlier_report_saying_ok(tmp_path, monkeypatch):
    # A scheduler's SIGTERM ends the run unseen (the process ends as the signal ends it): before, --report then
    # still held the earlier run's report, "ok": true, for the sessions the run had been replacing.
    report = tmp_path / "run.json"
    earlier = {"spec": "spec.yaml", "ok": True, "stopped": "", "counts": {}, "problems": [], "sessions": []}
    report.write_text(json.dumps(earlier), encoding="utf-8")
    seen = []

    def ended_by_a_signal(*args, **kwargs):
        seen.append(json.loads(report.read_text(encoding="utf-8")))
        raise SystemExit(128 + 15)

    monkeypatch.setattr(LocalExecutor, "warm_up", staticmethod(lambda: None))
    monkeypatch.setattr(runner, "run_batch", ended_by_a_signal)
    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions: []\n", encoding="utf-8")
    result = poseconv_in_process("run", spec, "--report", report)
    assert result.returncode == 143 and len(seen) == 1
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written == seen[0] and written["ok"] is False and written["stopped"] == UNFINISHED
    assert written["spec"] == str(spec) and written["sessions"] == []


def test_a_report_named_as_the_spec_is_refused_before_the_spec_is_overwritten(tmp_path):
    # The 'did not finish' report was written over the spec before it was read, then checked as the spec.
    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions: []\n", encoding="utf-8")
    result = poseconv_in_process("run", spec, "--report", spec)
    assert result.returncode != 0 and "is the spec itself" in result.stderr
    assert spec.read_text(encoding="utf-8") == "sessions: []\n"


def test_a_run_ended_by_an_error_says_so_in_its_report(tmp_path, monkeypatch):
    # An unreachable scheduler ended the run with an error, and the report still said "still running".
    report = tmp_path / "run.json"

    def fails(*args, **kwargs):
        raise ValueError("Cannot reach the Dask scheduler at tcp://127.0.0.1:1")

    monkeypatch.setattr(LocalExecutor, "warm_up", staticmethod(lambda: None))
    monkeypatch.setattr(runner, "run_batch", fails)
    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions: []\n", encoding="utf-8")
    result = poseconv_in_process("run", spec, "--report", report)
    written = json.loads(report.read_text(encoding="utf-8"))
    assert result.returncode != 0 and written["ok"] is False
    assert written["stopped"] == "failed: Cannot reach the Dask scheduler at tcp://127.0.0.1:1"


def test_a_report_to_stdout_is_one_json_document_and_no_file_named_dash(tmp_path, monkeypatch):
    # `--report -` wrote a file named '-' in the working folder, and the summary table went to stdout.
    import numpy as np

    from tests.fixtures.cli import one_session_spec
    from tests.fixtures.deeplabcut import write_dlc_file

    monkeypatch.chdir(tmp_path)
    pose = write_dlc_file(tmp_path / "m1DLC_resnet50_aJan1shuffle1_100.h5", {"snout": np.ones((5, 2))})
    spec = one_session_spec(tmp_path, f"{{file_path: {pose}, sampling_frequency: 30}}", start="'2024-01-01T10:00:00Z'")
    result = poseconv_in_process("run", spec, "--report", "-", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout)
    assert written["ok"] is True and [s["status"] for s in written["sessions"]] == ["converted"]
    assert "1 converted" in result.stderr and not (tmp_path / "-").exists()


# `poseconv run` of a one-session run done by a stand-in, without a cluster; SIGTERM comes as run_batch returns.
_TERMINATED_AS_THE_RUN_RETURNS = """
import os, signal, sys
from pathlib import Path

import poseconv.batch.runner as runner
from poseconv.batch.jobs import Plan
from poseconv.batch.report import SessionResult
from poseconv.cli.main import main

folder = Path(sys.argv[1])
plan = Plan(folder / "spec.yaml", folder, [(0, "s0", folder / "s0.nwb")])


class Executor:
    def __init__(self, scheduler):
        pass

    def close(self):
        pass


def run_sessions(executor, plan, report, results, progress, *options):
    results[0] = SessionResult(index=0, session_id="s0", output=plan.sessions[0][2], status="converted")
    report.sessions = [results[0]]


def run_batch(*args, real=runner.run_batch, **kwargs):
    report = real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGTERM)
    return report


runner.plan_spec, runner.DaskExecutor, runner._run_sessions = (lambda *a, **k: plan), Executor, run_sessions
runner.run_batch = run_batch
spec, report = folder / "spec.yaml", folder / "run.json"
sys.argv = ["poseconv", "run", str(spec), "--scheduler", "tcp://127.0.0.1:1", "-q", "--report", str(report)]
sys.exit(main())
"""


def test_a_sigterm_once_the_run_returned_finds_its_report_written(tmp_path):
    # The report was written after run_batch returned, when a SIGTERM ends the process at once: --report kept
    # "the run did not finish" for a run whose every session was converted.
    import signal
    import subprocess
    import sys

    (tmp_path / "spec.yaml").write_text("sessions: []\n", encoding="utf-8")
    command = [sys.executable, "-c", _TERMINATED_AS_THE_RUN_RETURNS, str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGTERM, result.stderr
    written = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert written["stopped"] == "" and [s["status"] for s in written["sessions"]] == ["converted"]
