"""Pose files are detected while the spec is planned: by the workers, or by the plan for a file none took."""

from __future__ import annotations

import threading

import pytest
import yaml

import poseconv.catalog
from poseconv.batch.executors import LocalExecutor, WorkerDiedError
from poseconv.batch.plan import plan_spec
from poseconv.readers.safety.safe_pickle import PANDAS_CHECK
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, SINGLE_ANIMAL_H5
from tests.unit.batch.test_spec import own_copy

START = "2024-05-01T10:30:00+02:00"


def _spec(tmp_path):
    (tmp_path / "notes.h5").write_bytes(b"this is not an HDF5 file")
    # The last session's poses are its own copy: one file in two sessions is a problem of the spec.
    again = own_copy(SINGLE_ANIMAL_H5, tmp_path / "again")
    sessions = [
        {"session_id": f"s{i}", "session_start_time": START, "pose": [{"file_path": str(path)}]}
        for i, path in enumerate([SINGLE_ANIMAL_H5, MULTI_ANIMAL_H5, tmp_path / "notes.h5", again])
    ]
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"output_folder": "nwb", "sessions": sessions}), encoding="utf-8")
    return path


class _Counting:
    """``detect_format`` in the planning process, recording the files it reads."""

    def __init__(self, original, enough: int = 0) -> None:
        self.original, self.enough = original, enough
        self.paths: list[str] = []
        self.done = threading.Event()

    def __call__(self, path, *args, **kwargs):
        self.paths.append(str(path))
        if len(set(self.paths)) >= self.enough:
            self.done.set()
        return self.original(path, *args, **kwargs)


class _Recording:
    """An executor that records the files its workers detected."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.paths: list[str] = []

    def run(self, function, jobs, *args):
        for job, outcome in self.inner.run(function, jobs, *args):
            self.paths.append(job.path)
            yield job, outcome


class _SlowToStart:
    """Workers whose start takes until the plan has read every file itself (a fork server still importing)."""

    def __init__(self, started: threading.Event) -> None:
        self.started = started
        self.detected: list[str] = []

    def run(self, function, jobs, *args):
        assert self.started.wait(30)
        for job in jobs:
            self.detected.append(job.path)
            yield job, function(job, *args)


class _DyingWorkers:
    """Workers that die on every file, as a crash in native code would."""

    def run(self, function, jobs, *args):
        for job in jobs:
            yield job, WorkerDiedError("the worker process died on this session (a crash or out of memory).")


class _WorkersThatCannotStart:
    def run(self, function, jobs, *args):
        raise OSError("cannot start a worker process")
        yield  # pragma: no cover - a generator, as the executors' run is


def _paths(tmp_path):
    copy = tmp_path / "again" / SINGLE_ANIMAL_H5.name
    return {str(SINGLE_ANIMAL_H5), str(MULTI_ANIMAL_H5), str(tmp_path / "notes.h5"), str(copy)}


def test_the_workers_detect_the_formats_and_the_plan_is_the_same(tmp_path, monkeypatch):
    spec = _spec(tmp_path)
    alone = plan_spec(spec)
    here = _Counting(poseconv.catalog.detect_format)
    monkeypatch.setattr(poseconv.catalog, "detect_format", here)
    workers = _Recording(LocalExecutor(1))
    try:
        helped = plan_spec(spec, workers=workers)
    finally:
        workers.inner.close()
    # Every file is read by a worker or, when no worker had taken it yet, by the plan; never by both.
    assert not set(here.paths) & set(workers.paths) and set(here.paths) | set(workers.paths) == _paths(tmp_path)
    assert [job.inputs[0].interface for job in helped.jobs] == [job.inputs[0].interface for job in alone.jobs]
    assert [job.index for job in helped.jobs] == [0, 1, 3]
    # The file no format claims is reported as the plan reports it, at its place in the spec.
    assert helped.problems == alone.problems
    assert [p.location for p in helped.problems] == ["sessions[2].pose[0].file_path"]
    # The check the readers need ran in the worker: the sessions' checks trust it instead of forking again.
    for job in helped.jobs:
        assert PANDAS_CHECK in {what for what, _ in job.checked_files}


def test_a_file_no_worker_answered_for_is_read_by_the_plan(tmp_path):
    spec = _spec(tmp_path)
    plan = plan_spec(spec, workers=_DyingWorkers())
    assert plan.problems == plan_spec(spec).problems
    assert [job.index for job in plan.jobs] == [0, 1, 3]


def test_workers_that_cannot_start_stop_the_plan_with_their_error(tmp_path):
    with pytest.raises(OSError, match="cannot start a worker process"):
        plan_spec(_spec(tmp_path), workers=_WorkersThatCannotStart())


def test_the_plan_reads_the_files_no_worker_has_taken_while_the_workers_start(tmp_path, monkeypatch):
    spec = _spec(tmp_path)
    alone = plan_spec(spec)
    here = _Counting(poseconv.catalog.detect_format, enough=4)
    monkeypatch.setattr(poseconv.catalog, "detect_format", here)
    workers = _SlowToStart(here.done)
    plan = plan_spec(spec, workers=workers)
    # The plan did not wait for the workers: it read all four files, and the workers were left none.
    assert set(here.paths) == _paths(tmp_path)
    assert workers.detected == []
    assert plan.problems == alone.problems
    assert [job.inputs[0].interface for job in plan.jobs] == [job.inputs[0].interface for job in alone.jobs]
    for job in plan.jobs:
        assert PANDAS_CHECK in {what for what, _ in job.checked_files}


def test_a_damaged_pose_file_is_not_told_to_name_its_interface(tmp_path):
    # Before, a truncated file was said to be damaged, then "Name it with sessions[0].pose[0].interface.",
    # which no interface can help. A file whose format is not told keeps the advice.
    damaged = tmp_path / "m3v1mp4DLC_resnet50_openfieldOct30shuffle1_1000.h5"
    damaged.write_bytes(SINGLE_ANIMAL_H5.read_bytes()[:141189])  # an interrupted copy
    unknown = tmp_path / "poses.txt"
    unknown.write_text("x,y\n1,2\n", encoding="utf-8")
    sessions = [
        {"session_id": f"s{i}", "session_start_time": START, "pose": [{"file_path": str(path)}]}
        for i, path in enumerate([damaged, unknown])
    ]
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({"output_folder": "nwb", "sessions": sessions}), encoding="utf-8")
    workers = LocalExecutor(1)
    try:
        plans = [plan_spec(spec), plan_spec(spec, workers=workers)]  # read here, and by a worker
    finally:
        workers.close()
    for plan in plans:
        said = {p.location: p.message for p in plan.problems}
        assert said.keys() == {"sessions[0].pose[0].file_path", "sessions[1].pose[0].file_path"}
        assert said["sessions[0].pose[0].file_path"].startswith(f"{damaged}: the file is damaged")
        assert "interface" not in said["sessions[0].pose[0].file_path"]
        assert said["sessions[1].pose[0].file_path"].endswith(" Name it with sessions[1].pose[0].interface.")
