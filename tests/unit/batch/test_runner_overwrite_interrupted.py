"""What an interrupted run's report advises, with and without --overwrite; the plan is handed on before any write."""

from __future__ import annotations

import time

import pytest

from poseconv.batch import runner
from poseconv.batch.jobs import Plan
from poseconv.batch.report import BatchInterrupted, BatchReport, SessionResult
from poseconv.batch.runner import Progress, _ended

_SAME_COMMAND = (
    "run the same command again to convert them (sessions whose NWB file exists are skipped unless --overwrite)."
)


def _plan(tmp_path, outputs: dict) -> Plan:
    """Return the plan of sessions named by the keys of ``outputs``, written to its values."""
    sessions = [(index, name, output) for index, (name, output) in enumerate(outputs.items())]
    return Plan(spec_path=tmp_path / "spec.yaml", output_folder=tmp_path, sessions=sessions)


def _interrupted(tmp_path, *, overwrite: bool, earlier: tuple[str, ...] = ()) -> BatchReport:
    """Ctrl-C once ``s0`` was converted, ``s1`` and ``s2`` not (``earlier``: those with a file of an earlier run)."""
    outputs = {name: tmp_path / f"{name}.nwb" for name in ("s0", "s1", "s2")}
    for name in earlier:
        outputs[name].write_bytes(b"written before the run")
    started = time.time() + 1e-3
    time.sleep(0.01)
    outputs["s0"].write_bytes(b"whole")
    plan = _plan(tmp_path, outputs)
    results = {0: SessionResult(index=0, session_id="s0", output=outputs["s0"], status="converted")}
    report = BatchReport(spec_path=plan.spec_path)
    with pytest.raises(BatchInterrupted):
        _ended(KeyboardInterrupt(), None, report, plan, results, started, Progress(), overwrite=overwrite)
    assert [r.status for r in report.sessions] == ["converted", "interrupted", "interrupted"]
    return report


def test_without_overwrite_the_same_command_converts_the_others(tmp_path):
    report = _interrupted(tmp_path, overwrite=False)
    assert report.stopped.endswith("a file of an earlier run is left as it was); " + _SAME_COMMAND)


def test_with_overwrite_and_no_earlier_files_a_run_without_overwrite_converts_only_the_others(tmp_path):
    # After Ctrl-C of an --overwrite run, "run the same command again to convert them" converted every session
    # again, those just converted too.
    report = _interrupted(tmp_path, overwrite=True)
    assert _SAME_COMMAND not in report.stopped
    assert report.stopped.endswith(
        "with --overwrite, the same command converts every session again; to convert the sessions marked "
        "interrupted ('s1', 's2') and not again those converted, run it without --overwrite: sessions whose NWB "
        "file exists are then skipped."
    )


def test_with_overwrite_and_earlier_files_only_a_spec_of_the_others_converts_them(tmp_path):
    report = _interrupted(tmp_path, overwrite=True, earlier=("s2",))
    assert report.stopped.endswith(
        "to convert the sessions marked interrupted ('s1', 's2') and not again those converted, run it with "
        "--overwrite on a spec of only those sessions: without --overwrite, sessions whose NWB file exists are "
        "skipped, and 's2' has one of an earlier run."
    )
    (tmp_path / "every").mkdir()
    every = _interrupted(tmp_path / "every", overwrite=True, earlier=("s1", "s2"))
    assert every.stopped.endswith("are skipped, and each of them has one of an earlier run.")


def test_many_sessions_not_converted_are_named_up_to_five(tmp_path):
    outputs = [tmp_path / f"s{index}.nwb" for index in range(8)]
    plan = Plan(
        spec_path=tmp_path / "spec.yaml",
        output_folder=tmp_path,
        sessions=[(index, f"s{index}", output) for index, output in enumerate(outputs)],
    )
    report = BatchReport(spec_path=plan.spec_path)
    with pytest.raises(BatchInterrupted):
        _ended(KeyboardInterrupt(), None, report, plan, {}, time.time(), Progress(), overwrite=True)
    assert "interrupted ('s0', 's1', 's2', 's3', 's4' and 3 more) and not again" in report.stopped


class _Refused(Exception):
    """What a progress display raises to stop the run at the plan."""


def test_the_plan_is_handed_on_before_any_session_is_touched(tmp_path, monkeypatch):
    # `poseconv run` checks --report against the sessions' files there, before anything is written.
    plan = Plan(spec_path=tmp_path / "spec.yaml", output_folder=tmp_path, sessions=[(0, "s0", tmp_path / "s0.nwb")])
    monkeypatch.setattr(runner, "plan_spec", lambda *args, **kwargs: plan)
    touched: list[object] = []
    monkeypatch.setattr(runner, "_run_sessions", lambda *args: touched.append(args))
    seen: list[Plan] = []

    class Refusing(Progress):
        def planned(self, given: Plan) -> None:
            seen.append(given)
            raise _Refused

    with pytest.raises(_Refused):
        runner.run_batch(plan.spec_path, scheduler="tcp://127.0.0.1:1", progress=Refusing())
    assert seen == [plan] and touched == []


def test_an_interrupted_check_says_the_others_were_not_checked_and_nothing_was_written(tmp_path):
    # Before, a check stopped by Ctrl-C said its sessions were "not converted: the run was interrupted" and
    # advised to "convert them"; a session whose file another run had put in place since was "converted".
    outputs = {name: tmp_path / f"{name}.nwb" for name in ("s0", "s1", "s2")}
    started = time.time() - 1
    outputs["s1"].write_bytes(b"whole")
    plan = _plan(tmp_path, outputs)
    results = {0: SessionResult(index=0, session_id="s0", output=outputs["s0"], status="checked")}
    report = BatchReport(spec_path=plan.spec_path)
    with pytest.raises(BatchInterrupted):
        _ended(KeyboardInterrupt(), None, report, plan, results, started, Progress(), overwrite=True, check_only=True)
    assert [(r.status, r.reason) for r in report.sessions[1:]] == [
        ("interrupted", "not checked: the run was interrupted")
    ] * 2
    assert report.stopped == (
        "interrupted: the sessions marked interrupted were not checked (a check writes no NWB file); run the same "
        "command again to check them."
    )


def test_a_check_interrupted_once_every_session_was_checked_says_their_results_stand(tmp_path):
    output = tmp_path / "s0.nwb"
    plan = Plan(spec_path=tmp_path / "spec.yaml", output_folder=tmp_path, sessions=[(0, "s0", output)])
    results = {0: SessionResult(index=0, session_id="s0", output=output, status="checked")}
    report = BatchReport(spec_path=plan.spec_path)
    with pytest.raises(BatchInterrupted):
        _ended(KeyboardInterrupt(), None, report, plan, results, time.time(), Progress(), check_only=True)
    assert report.stopped == "interrupted once every session was done: their results are as listed."
    # Stopped while the spec was checked: nothing to convert again, only to check.
    report = BatchReport(spec_path=plan.spec_path)
    with pytest.raises(BatchInterrupted):
        _ended(KeyboardInterrupt(), None, report, None, {}, time.time(), Progress(), check_only=True)
    assert report.stopped.endswith("a check writes no NWB file; run the same command again to check the sessions.")
