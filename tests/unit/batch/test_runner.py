"""What a run reports when Ctrl-C ends it; which sessions a re-run skips."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import h5py
import pytest

from poseconv.batch.jobs import Plan, SessionJob
from poseconv.batch.report import BatchInterrupted, BatchReport, Problem, SessionResult
from poseconv.batch.runner import Progress, _check, _ended, _triage


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


class _Terminated(BaseException):
    """What a SIGTERM raises in a run (not an Exception, not Ctrl-C)."""


@pytest.mark.parametrize("signal", [KeyboardInterrupt, _Terminated])
def test_a_run_stopped_while_checking_the_spec_says_no_session_was_converted(tmp_path, monkeypatch, signal):
    # Ctrl-C before the plan existed: the summary and --report said "the sessions marked interrupted were not
    # converted" and listed no session at all.
    import poseconv.batch.runner as runner

    def planning(*args, **kwargs):
        raise signal()

    ended: list[BatchReport] = []

    class Seen(Progress):
        def ended(self, report: BatchReport) -> None:
            ended.append(report)

    monkeypatch.setattr(runner, "plan_spec", planning)
    # A scheduler: no local workers are started before the spec is planned (none is reached either).
    with pytest.raises((BatchInterrupted, _Terminated)) as raised:
        runner.run_batch(tmp_path / "spec.yaml", scheduler="tcp://127.0.0.1:1", progress=Seen())
    report = raised.value.report if signal is KeyboardInterrupt else ended[0]
    assert report.sessions == [] and "marked interrupted" not in report.stopped
    assert report.stopped.endswith(
        " while checking the spec, before any session was converted: nothing was written (files of an earlier run "
        "are left as they were); run the same command again to convert the sessions."
    )
    assert report.stopped.startswith("interrupted" if signal is KeyboardInterrupt else "ended by a signal")


def test_an_error_or_a_termination_is_left_to_the_caller(tmp_path):
    report = BatchReport(spec_path=tmp_path / "spec.yaml")
    _ended(ValueError("bad"), None, report, None, {}, time.time(), Progress())
    _ended(SystemExit(143), None, report, None, {}, time.time(), Progress())
    assert report.sessions == [] and report.stopped == ""


@pytest.mark.parametrize("field", ["session_id", "nwbfile_name"])
def test_a_session_named_as_another_stays_invalid_when_the_others_file_exists(tmp_path, field):
    # Two sessions of one ID (a row copied in the lab's session table): the first run writes the first
    # session's file; the re-run skipped the second too, as its path held that file, and said nothing.
    output = _nwb_file(tmp_path / "day1.nwb")
    _nwb_file(tmp_path / "m4.nwb")
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


class _SameProblemEverywhere:
    """Checks each session as the shared metadata's problem does: found alike by the check of each."""

    def run(self, function, jobs, *args):
        for job in jobs:
            problem = Problem(
                "metadata.Subject.date_of_birth", "2024-02-01 is after the session start time.", job.index
            )
            yield job, [problem] if job.index else []


def test_a_problem_of_the_shared_metadata_makes_every_session_it_concerns_invalid(tmp_path):
    # A spec-level date of birth after two sessions' start time: only the first was invalid; --check called
    # the other valid, and the run converted it, to fail.
    sessions = [(i, f"s{i}", tmp_path / f"s{i}.nwb") for i in range(3)]
    jobs = [SessionJob(index=i, session_id=name, output=path, inputs=()) for i, name, path in sessions]
    plan = Plan(spec_path=tmp_path / "spec.yaml", output_folder=tmp_path, sessions=sessions, jobs=jobs)
    report = BatchReport(spec_path=plan.spec_path)
    results: dict[int, SessionResult] = {}
    _check(_SameProblemEverywhere(), plan, report, jobs, results, Progress(), keep=False)
    assert sorted(results) == [1, 2] and {r.status for r in results.values()} == {"invalid"}
    assert all("after the session start time" in r.reason for r in results.values())
    # Said once, naming the sessions it concerns.
    [problem] = report.problems
    assert problem.message.endswith("It concerns sessions[1] (s1) and sessions[2] (s2).")


def _nwb_file(path):
    """Write the root of an NWB file (what the skip opens), as an earlier run left it."""
    with h5py.File(path, "w") as handle:
        handle.attrs["nwb_version"] = "2.8.0"
        handle.create_dataset("padding", data=list(range(4096)))
    return path


def _triage_outputs(tmp_path, outputs, **flags):
    sessions = [(i, path.name.split(".")[0], path) for i, path in enumerate(outputs)]
    jobs = [SessionJob(index=i, session_id=name, output=path, inputs=()) for i, name, path in sessions]
    plan = Plan(spec_path=tmp_path / "spec.yaml", output_folder=tmp_path, sessions=sessions, jobs=jobs)
    report = BatchReport(spec_path=plan.spec_path)
    results: dict[int, SessionResult] = {}
    overwrite, check_only = flags.get("overwrite", False), flags.get("check_only", False)
    to_check = _triage(plan, report, results, overwrite=overwrite, check_only=check_only)
    return report, results, [job.index for job in to_check]


def test_a_rerun_does_not_skip_a_session_whose_file_is_empty_or_cut_short(tmp_path):
    # An output folder copied again and interrupted (rsync, cp), or a file made by `touch`: the re-run said
    # "skipped ... its NWB file exists" for each, exit code 0, and those sessions were never converted.
    whole = _nwb_file(tmp_path / "whole.nwb")
    cut = _nwb_file(tmp_path / "cut.nwb")
    size = cut.stat().st_size
    os.truncate(cut, 4096)
    empty = tmp_path / "empty.nwb"
    empty.write_bytes(b"")
    text = tmp_path / "text.nwb"
    text.write_bytes(b"not HDF5 at all")
    plain = tmp_path / "plain.nwb"
    with h5py.File(plain, "w") as handle:
        handle["x"] = 1
    folder = tmp_path / "folder.nwb.zarr"
    folder.mkdir()
    outputs = [whole, cut, empty, text, plain, folder]
    report, results, checked = _triage_outputs(tmp_path, outputs)
    # The broken ones are checked (each then invalid by its problem, its other problems said too), not skipped.
    assert results[0].status == "skipped" and set(results) == {0} and checked == [1, 2, 3, 4, 5]
    messages = {p.session: p.message for p in report.problems}
    assert sorted(messages) == [1, 2, 3, 4, 5] and all(p.location == f"sessions[{p.session}]" for p in report.problems)
    for index, why in (
        (1, f"cut short: 4,096 of its {size:,} bytes are there"),
        (2, "it is empty"),
        (3, "it does not begin as an HDF5 file does"),
        (4, "it has no nwb_version"),
        (5, "a folder that is no NWB Zarr store"),
    ):
        assert messages[index].startswith(f"a damaged or incomplete file is at {outputs[index]} (not an NWB file")
        assert why in messages[index] and messages[index].endswith("; delete it or run with --overwrite.")
    assert not report.ok
    # --check says it too (the run would); --overwrite converts them again without a look.
    report, results, checked = _triage_outputs(tmp_path, outputs, check_only=True)
    assert sorted(p.session for p in report.problems) == [1, 2, 3, 4, 5] and checked == [0, 1, 2, 3, 4, 5]
    report, results, checked = _triage_outputs(tmp_path, outputs, overwrite=True)
    assert report.problems == [] and results == {} and checked == [0, 1, 2, 3, 4, 5]


def test_a_zarr_store_without_nwb_version_is_not_taken_as_done(tmp_path):
    import zarr

    store = tmp_path / "s.nwb.zarr"
    zarr.open_group(str(store), mode="w")
    report, results, checked = _triage_outputs(tmp_path, [store])
    assert checked == [0] and "it has no nwb_version" in report.problems[0].message
    zarr.open_group(str(store), mode="a").attrs["nwb_version"] = "2.8.0"
    report, results, checked = _triage_outputs(tmp_path, [store])
    assert results[0].status == "skipped" and report.problems == []


def test_a_file_another_program_has_open_for_writing_counts_as_there(tmp_path):
    # HDF5 refuses to open a file another process writes ("unable to lock file"): it is not damaged.
    output = _nwb_file(tmp_path / "open.nwb")
    holder = "import sys, h5py\nf = h5py.File(sys.argv[1], 'a')\nprint('open', flush=True)\nsys.stdin.readline()\n"
    process = subprocess.Popen(
        [sys.executable, "-c", holder, str(output)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "open"
        report, results, checked = _triage_outputs(tmp_path, [output])
    finally:
        process.communicate("\n", timeout=60)
    assert results[0].status == "skipped" and report.problems == [] and checked == []


def test_a_colleagues_unreadable_file_and_a_dropped_datalad_file_count_as_there(tmp_path, monkeypatch):
    # A shared output folder: a file written with umask 077 by a colleague, and a DataLad dataset whose content
    # was dropped (an unlocked checkout leaves a one-line pointer). Both were skipped as done before the
    # damaged-output check, which then called them problems (and advised deleting the pointer).
    unreadable = _nwb_file(tmp_path / "colleague.nwb")
    unreadable.chmod(0)
    if os.geteuid() == 0:  # root reads any file: make HDF5 refuse it as it refuses everyone else
        real_is_hdf5 = h5py.is_hdf5

        def is_hdf5(path):
            if Path(path) == unreadable:
                raise PermissionError(13, "Permission denied", str(path))
            return real_is_hdf5(path)

        monkeypatch.setattr(h5py, "is_hdf5", is_hdf5)
    dropped = tmp_path / "dropped.nwb"
    dropped.write_text("/annex/objects/MD5E-s219746--0123456789abcdef0123456789abcdef.nwb\n")
    report, results, checked = _triage_outputs(tmp_path, [unreadable, dropped])
    assert {i: r.status for i, r in results.items()} == {0: "skipped", 1: "skipped"}
    assert report.problems == [] and checked == []


def _written_by(path, session_id, subject_id=None):
    """Write the root of an NWB file holding ``session_id`` (and ``subject_id``), as poseconv writes them."""
    _nwb_file(path)
    with h5py.File(path, "a") as handle:
        handle["general/session_id"] = session_id
        if subject_id is not None:
            handle["general/subject/subject_id"] = subject_id
    return path


def test_a_rerun_does_not_skip_a_session_whose_path_holds_another_session_s_file(tmp_path):
    # Session A's nwbfile_name named B's file: the first run wrote A into nwb/sesB.nwb and B was invalid.
    # With A's row fixed, the re-run skipped B ("its NWB file exists"), exit code 0, A's data in B's file.
    other = _written_by(tmp_path / "sesB.nwb", "sesA", "mA")
    own = _written_by(tmp_path / "sesC.nwb", "sesC", "mC")
    bare = _written_by(tmp_path / "sesD.nwb", "sesD")
    renamed = _written_by(tmp_path / "sesE.nwb", "sesE", "mX")
    sessions = [(i, path.stem, path) for i, path in enumerate((other, own, bare, renamed))]
    subjects = [{"subject_id": "mB"}, {"subject_id": "mC"}, {"subject_id": "mD"}, {}]
    jobs = [
        SessionJob(index=i, session_id=name, output=path, inputs=(), subject=subject)
        for (i, name, path), subject in zip(sessions, subjects, strict=True)
    ]
    # The spec's own metadata sets the subject_id of the last session, a session's metadata its session_id.
    jobs[3] = SessionJob(
        index=3, session_id="sesE", output=renamed, inputs=(), global_metadata={"Subject": {"subject_id": "mE"}}
    )
    plan = Plan(spec_path=tmp_path / "spec.yaml", output_folder=tmp_path, sessions=sessions, jobs=jobs)
    report = BatchReport(spec_path=plan.spec_path)
    results: dict[int, SessionResult] = {}
    checked = [job.index for job in _triage(plan, report, results, overwrite=False, check_only=False)]
    # A file without a subject_id is trusted on its session_id.
    assert {i: r.status for i, r in results.items()} == {1: "skipped", 2: "skipped"} and checked == [0, 3]
    messages = {p.session: (p.location, p.message) for p in report.problems}
    assert messages[0] == (
        "sessions[0]",
        f"{other} holds session 'sesA' (subject 'mA'), not this session's 'sesB' (subject 'mB'): delete it or run "
        "with --overwrite.",
    )
    assert messages[3][1].startswith(
        f"{renamed} holds session 'sesE' (subject 'mX'), not this session's 'sesE' (subject 'mE')"
    )
    # --check says it too; --overwrite converts them again.
    report = BatchReport(spec_path=plan.spec_path)
    _triage(plan, report, {}, overwrite=False, check_only=True)
    assert sorted(p.session for p in report.problems) == [0, 3]
    report = BatchReport(spec_path=plan.spec_path)
    assert len(_triage(plan, report, {}, overwrite=True, check_only=False)) == 4 and report.problems == []


def test_a_zarr_store_of_another_session_is_not_skipped(tmp_path):
    import zarr

    store = tmp_path / "sesB.nwb.zarr"
    root = zarr.open_group(str(store), mode="w")
    root.attrs["nwb_version"] = "2.8.0"
    root.create_group("general").array("session_id", data="sesA", dtype=str, shape=())
    report, results, checked = _triage_outputs(tmp_path, [store])
    assert checked == [0] and f"{store} holds session 'sesA', not this session's 'sesB'" in report.problems[0].message


# A run whose sessions are done by a stand-in, and a cluster's executor without a cluster; the signals come at the
# points named in argv[1] ("run+stop": a SIGTERM after two sessions, another while the workers are stopped).
_SIGNALLED_RUN = """
import json, os, signal, sys
from pathlib import Path

import poseconv.batch.runner as runner
from poseconv.batch.jobs import Plan
from poseconv.batch.report import SessionResult

points, folder = sys.argv[1].split("+"), Path(sys.argv[2])
plan = Plan(folder / "spec.yaml", folder, [(i, f"s{i}", folder / f"s{i}.nwb") for i in range(3)])


def send(point, signum=signal.SIGTERM):
    if point in points:
        os.kill(os.getpid(), signum)


class Executor:
    def __init__(self, scheduler):
        pass

    def close(self):
        send("close")

    def stop(self):
        send("stop")


def run_sessions(executor, plan, report, results, progress, *options):
    for index, session_id, output in plan.sessions:
        if index == 2:
            send("run")
            send("hup", signal.SIGHUP)
            send("ctrl-c", signal.SIGINT)
        output.write_bytes(b"whole")
        results[index] = SessionResult(index=index, session_id=session_id, output=output, status="converted")
    report.sessions = [results[index] for index in sorted(results)]


class Written(runner.Progress):
    def write(self, how, report):
        said = {"how": how, "stopped": report.stopped, "sessions": [r.status for r in report.sessions]}
        (folder / "report.json").write_text(json.dumps(said))

    def ended(self, report):
        send("ended")
        self.write("ended", report)

    def finished(self, report):
        send("finished")
        self.write("finished", report)


runner.plan_spec, runner.DaskExecutor, runner._run_sessions = (lambda *a, **k: plan), Executor, run_sessions
try:
    runner.run_batch(folder / "spec.yaml", scheduler="tcp://127.0.0.1:1", progress=Written())
except runner.BatchInterrupted:
    print("interrupted")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM ends a Windows process outright")
@pytest.mark.parametrize(
    ("points", "statuses"),
    [
        # Where the tester's `timeout -s TERM` landed: while the workers' pool was shut down after the last session.
        ("close", ["converted"] * 3),
        ("finished", ["converted"] * 3),  # while the report was handed on
        ("run+stop", ["converted", "converted", "interrupted"]),  # GNU timeout's second SIGTERM, to the group
        ("run+ended", ["converted", "converted", "interrupted"]),  # a second one while the report is written
        ("ctrl-c+stop", ["converted", "converted", "interrupted"]),  # Ctrl-C, then a scheduler's SIGTERM
        # A closed terminal (SIGHUP) ends the run as SIGTERM does: the workers stopped, the report written, the
        # process ended by SIGHUP (tests/integration/test_user_mistakes.py sends SIGTERM to a real batch).
        ("hup", ["converted", "converted", "interrupted"]),
    ],
)
def test_a_signal_at_any_point_of_a_run_still_gives_the_report_of_every_session(tmp_path, points, statuses):
    # Before, a SIGTERM while the workers' pool closed left through a `finally` and skipped the report, and a
    # second signal while the first one's report was made cut it short: --report kept "the run did not finish".
    import signal

    # SIGINT as a terminal delivers it: a shell starts background jobs (a CI runner too) with it ignored, which
    # children inherit, and the Ctrl-C case then ran to its end (exit 0).
    result = subprocess.run(
        [sys.executable, "-c", _SIGNALLED_RUN, points, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    ending = signal.SIGHUP if points == "hup" else signal.SIGTERM
    assert result.returncode in (-ending, 128 + ending), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    said = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert said["how"] == "ended" and said["sessions"] == statuses
    assert said["stopped"].startswith("ended by a signal (SIGTERM or SIGHUP)")
    # No session marked interrupted: the report does not speak of "the sessions marked interrupted".
    done = "interrupted" not in statuses
    assert ("once every session was done" in said["stopped"]) is done, said["stopped"]
