"""The files ``poseconv run --report`` may replace, and what it says until the run ends (:mod:`poseconv.cli.run`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from poseconv.batch import runner
from poseconv.batch.executors import LocalExecutor
from poseconv.batch.jobs import InputJob, Plan, SessionJob
from poseconv.batch.report import BatchReport
from poseconv.cli.run import (
    _REPORT_KEYS,
    UNFINISHED,
    UNFINISHED_CHECK,
    _check_report_against_spec,
    _is_run_report,
    _unfinished,
)
from poseconv.errors import InvalidOptionError
from tests.fixtures.cli import poseconv_in_process


def _earlier_report(path: Path) -> Path:
    path.write_text(json.dumps(BatchReport(spec_path=Path("spec.yaml")).to_dict(), indent=2) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "replaceable"),
    [
        (None, True),  # a report of an earlier run
        (b"", True),  # empty: `--report "$(mktemp)"`
        (b"\x89HDF\r\n\x1a\n" + bytes(100), False),  # a pose file, an NWB file
        (b"scorer,DLC_resnet50\nbodyparts,snout\n", False),  # a DeepLabCut CSV
        (b'{"ok": true, "sessions": []}', False),  # JSON, not a report (a report holds every key)
        (b"{\xff\xfe}", False),  # not UTF-8
        (b'{\n  "spec": "s.yaml",\n  "ok": tr', False),  # cut short: nothing tells it from another file
        # Cut short past its start (a disk that filled up as it was written): before, the next run asked for
        # another name.
        (b'{\n  "spec": "C:\\\\lab \\"a\\".yaml",\n  "ok": false,\n  "stopped": "", "counts": {"conv', True),
        (json.dumps({k: 1 for k in sorted(_REPORT_KEYS)}).encode(), True),  # rewritten by another tool, keys sorted
        (b'{"sessions": [' + b"0, " * (1 << 23) + b"0]}", False),  # large JSON: not parsed whole to tell
    ],
)
def test_only_a_report_or_an_empty_file_counts_as_one_to_replace(tmp_path, content, replaceable):
    path = tmp_path / "run.json"
    if content is None:
        _earlier_report(path)
    else:
        path.write_bytes(content)
    assert _is_run_report(path) is replaceable


def _spy_on_the_run(monkeypatch) -> list[object]:
    calls: list[object] = []
    monkeypatch.setattr(LocalExecutor, "warm_up", staticmethod(lambda: None))
    monkeypatch.setattr(runner, "run_batch", lambda *args, **kwargs: calls.append(args))
    return calls


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_a_report_over_a_file_of_other_data_is_refused_before_anything_is_written(tmp_path, monkeypatch, overwrite):
    # --report named at the run's own pose file replaced the DeepLabCut predictions by the JSON report: the
    # "not finished" report was written before anything else, and --overwrite does not concern the report.
    calls = _spy_on_the_run(monkeypatch)
    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions: []\n", encoding="utf-8")
    data = tmp_path / "m1DLC_resnet50_aJan1shuffle1_100.h5"
    data.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(1000))
    result = poseconv_in_process("run", spec, "--report", data, *overwrite)
    assert result.returncode == 1 and calls == []
    assert data.read_bytes() == b"\x89HDF\r\n\x1a\n" + bytes(1000)
    said = result.stderr.strip().splitlines()[-1]
    assert said == (
        f"poseconv: error: --report {data}: is a file that holds no report of 'poseconv run', which the report would "
        "replace (--overwrite or not); give the report another file name (only a report of an earlier run is "
        "replaced)."
    )


def test_a_report_of_an_earlier_run_is_replaced(tmp_path, monkeypatch):
    calls = _spy_on_the_run(monkeypatch)
    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions: []\n", encoding="utf-8")
    report = _earlier_report(tmp_path / "run.json")
    result = poseconv_in_process("run", spec, "--report", report)
    assert len(calls) == 1, result.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["stopped"] == UNFINISHED


def _plan(tmp_path: Path) -> Plan:
    pose = InputJob(
        name="pose0",
        interface="DeepLabCutPoseInterface",
        location="sessions[0].pose[0]",
        is_pose=True,
        source_data={"file_path": str(tmp_path / "data" / "m1.h5"), "sampling_frequency": 30.0},
        timestamps_file=str(tmp_path / "data" / "times.npy"),
    )
    video = InputJob(
        name="video",
        interface="ExternalVideoInterface",
        location="sessions[0].interfaces.video",
        is_pose=False,
        source_data={"file_paths": [str(tmp_path / "data" / "a.mp4"), str(tmp_path / "data" / "b.mp4")]},
    )
    out = tmp_path / "nwb"
    job = SessionJob(index=0, session_id="s1", output=out / "s1.nwb", inputs=(pose, video))
    sessions = [(0, "s1", out / "s1.nwb"), (1, "s2", out / "s2.nwb.zarr")]
    return Plan(spec_path=tmp_path / "spec.yaml", output_folder=out, sessions=sessions, jobs=[job])


@pytest.mark.parametrize(
    ("report", "what"),
    [
        ("nwb/s1.nwb", "the NWB file of session 's1' (sessions[0])"),
        ("nwb/../nwb/s1.nwb", "the NWB file of session 's1' (sessions[0])"),
        ("nwb/s2.nwb.zarr/report.json", "the NWB file of session 's2' (sessions[1])"),
        ("data/m1.h5", "an input of session 's1' (sessions[0].pose[0])"),
        ("data/times.npy", "an input of session 's1' (sessions[0].pose[0])"),
        ("data/b.mp4", "an input of session 's1' (sessions[0].interfaces.video)"),
    ],
)
def test_a_report_at_a_file_the_spec_names_is_refused_even_before_it_exists(tmp_path, report, what):
    # `--overwrite --report nwb/s1.nwb` of a session not converted yet: its NWB file was renamed over the report,
    # then the report written over the NWB file, exit 0 and "1 converted".
    with pytest.raises(InvalidOptionError) as refused:
        _check_report_against_spec(tmp_path / report, _plan(tmp_path))
    assert str(refused.value) == (
        f"--report {tmp_path / report}: is {what} in the spec, which the report would replace (--overwrite or not); "
        "give the report another file name."
    )


@pytest.mark.parametrize("report", ["nwb/run.json", "nwb/s1.nwb.json", "data/m1.h5.json", "run.json"])
def test_a_report_beside_the_spec_files_is_taken(tmp_path, report):
    _check_report_against_spec(tmp_path / report, _plan(tmp_path))


def test_a_report_at_a_session_file_leaves_no_file_and_no_report(tmp_path, monkeypatch):
    # The refusal comes once the spec is checked, from the display's `planned`: nothing may be written then,
    # the report neither (the "failed" report an error leaves would be the very file refused).
    monkeypatch.setattr(LocalExecutor, "warm_up", staticmethod(lambda: None))
    plan = _plan(tmp_path)
    (tmp_path / "nwb").mkdir()
    monkeypatch.setattr(runner, "plan_spec", lambda *args, **kwargs: plan)
    ran: list[object] = []
    monkeypatch.setattr(runner, "_run_sessions", lambda *args: ran.append(args))
    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions: []\n", encoding="utf-8")
    result = poseconv_in_process(
        "run", spec, "--report", tmp_path / "nwb" / "s1.nwb", "--overwrite", "--scheduler", "tcp://127.0.0.1:1"
    )
    assert result.returncode == 1 and ran == []
    assert "is the NWB file of session 's1' (sessions[0]) in the spec" in result.stderr
    assert list((tmp_path / "nwb").iterdir()) == []


def test_the_unfinished_report_of_an_overwrite_run_says_which_files_it_wrote():
    # With --overwrite every session's file exists (an earlier run's), so "sessions whose NWB file exists were
    # converted" said nothing true of a run killed with kill -9.
    assert _unfinished(False) == UNFINISHED
    said = _unfinished(True)
    assert "sessions whose NWB file exists were converted" not in said
    since = re.search(r"modified since (\S+) were converted by it", said)
    assert since is not None and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", since.group(1))
    assert "run it without --overwrite if none of them has a file of an earlier run" in said
    assert "else run it with --overwrite on a spec of only those sessions" in said


def _stopped_once_planned(tmp_path, monkeypatch, *flags: str) -> tuple[bool, str]:
    """Run `poseconv run --report` killed once the spec is checked; return whether the report was there, and it."""
    monkeypatch.setattr(LocalExecutor, "warm_up", staticmethod(lambda: None))
    report = tmp_path / "run.json"
    seen: list[tuple[bool, str]] = []

    def planned_then_killed(spec, *, progress, **options):
        existed = report.exists()
        progress.planned(_plan(tmp_path))
        seen.append((existed, json.loads(report.read_text(encoding="utf-8"))["stopped"]))
        raise SystemExit(137)

    monkeypatch.setattr(runner, "run_batch", planned_then_killed)
    spec = tmp_path / "spec.yaml"
    spec.write_text("sessions: []\n", encoding="utf-8")
    poseconv_in_process("run", spec, "--report", report, *flags)
    (said,) = seen
    return said


def test_the_report_of_an_overwrite_run_says_so_once_the_spec_is_checked(tmp_path, monkeypatch):
    existed, stopped = _stopped_once_planned(tmp_path, monkeypatch, "--overwrite")
    assert not existed  # a new file waits for the spec's files to be known
    assert stopped.startswith("the run did not finish") and "with --overwrite" in stopped


def test_the_unfinished_report_of_a_check_says_no_file_was_written(tmp_path, monkeypatch):
    # Before, `run --check --overwrite --report` left "the sessions whose NWB file was modified since ... were
    # converted by it" while checking, and without --overwrite "sessions whose NWB file exists were converted".
    for flags in (["--check"], ["--check", "--overwrite"]):
        assert _stopped_once_planned(tmp_path, monkeypatch, *flags)[1] == UNFINISHED_CHECK, flags
    assert "converted" not in UNFINISHED_CHECK and "writes no NWB file" in UNFINISHED_CHECK
