"""A folder the run may not write in is a problem only for the sessions it writes there.

A session whose NWB file is there is skipped (unless ``--overwrite``), so a finished batch in a folder made
read-only since (archived, a colleague's share) is re-run and checked as done. Root ignores permission bits:
the plans and runs are made in a child process without the capability that lets it (``setpriv``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import h5py
import pytest

from tests.unit.batch.test_spec import session, write_spec

pytestmark = pytest.mark.skipif(os.name != "posix", reason="read-only folders are made with POSIX permission bits")

#: The capabilities that let root write and search any folder, dropped for the child process.
_OVERRIDES = "-dac_override,-dac_read_search"

#: Plans each spec of the JSON list of argv[1] with its keyword arguments; prints each plan's problems and jobs.
_PLAN = """
import json, sys
from pathlib import Path
from poseconv.batch.plan import plan_spec
said = []
for spec, options in json.loads(sys.argv[1]):
    plan = plan_spec(Path(spec), **options)
    problems = [(p.location, p.session, p.message) for p in plan.problems]
    said.append({"problems": problems, "jobs": [job.index for job in plan.jobs]})
print(json.dumps(said))
"""


def _bound_by_permissions() -> list[str]:
    """Return the command prefix that runs a process as permission bits bind it (none when not root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("run as root, and setpriv (util-linux) is missing to drop the capability to write anywhere")
    prefix = [setpriv, "--bounding-set", _OVERRIDES, "--inh-caps", _OVERRIDES]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("run as root, where setpriv may not drop the capability to write anywhere (a container's limits)")
    return prefix


@contextmanager
def _read_only(*folders: Path):
    for folder in folders:
        folder.chmod(0o555)
    try:
        yield
    finally:
        for folder in folders:
            folder.chmod(0o755)


def _plans(*plans: tuple[Path, dict]) -> list[tuple[dict[str, tuple[int | None, str]], list[int]]]:
    """Plan each ``(spec, options)`` in one child process bound by permission bits; return problems and jobs."""
    specs = json.dumps([(str(spec), options) for spec, options in plans])
    done = subprocess.run(
        [*_bound_by_permissions(), sys.executable, "-c", _PLAN, specs], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return [
        ({location: (index, message) for location, index, message in said["problems"]}, said["jobs"])
        for said in json.loads(done.stdout.splitlines()[-1])
    ]


def _done(path: Path) -> Path:
    """Write the root of an NWB file (what the skip opens), as an earlier run left it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as handle:
        handle.attrs["nwb_version"] = "2.8.0"
    return path


def test_a_finished_batch_in_a_read_only_output_folder_is_planned_as_done(tmp_path):
    # Before, the re-run (and run --check) of a batch whose every file was there stopped on "cannot write in nwb
    # (Permission denied); choose a writable folder", exit 1: the sessions it would skip write nothing there.
    sessions = [session("s1"), session("s2")]
    done = write_spec(tmp_path, {"output_folder": "done", "sessions": sessions}, "done.yaml")
    part = write_spec(tmp_path, {"output_folder": "part", "sessions": sessions}, "part.yaml")
    _done(tmp_path / "done" / "s1.nwb")
    _done(tmp_path / "done" / "s2.nwb")
    _done(tmp_path / "part" / "s1.nwb")
    with _read_only(tmp_path / "done", tmp_path / "part"):
        (said, jobs), (overwrite, _), (partly, _) = _plans((done, {}), (done, {"overwrite": True}), (part, {}))
    assert "output_folder" not in said and jobs == [0, 1], said
    # --overwrite writes every session's file again: the folder is the spec's problem, as it was; so is it when
    # one session is still to be written (nothing could be converted).
    folder = tmp_path / "done"
    assert overwrite["output_folder"] == (
        None,
        f"{folder}: cannot write in {folder} (Permission denied); choose a writable folder.",
    )
    assert partly["output_folder"][0] is None and "cannot write in" in partly["output_folder"][1], partly


def test_a_read_only_subfolder_is_a_problem_only_of_the_sessions_it_writes(tmp_path):
    # Before, a session whose nwbfile_name's folder was read-only was invalid with its file there: the run
    # neither skipped it nor converted it, and said "cannot write in nwb/sub-m1".
    sessions = [session("s1", nwbfile_name="sub-m1/s1.nwb"), session("s2", nwbfile_name="sub-m2/s2.nwb")]
    spec = write_spec(tmp_path, {"output_folder": "nwb", "sessions": sessions})
    nwb = tmp_path / "nwb"
    _done(nwb / "sub-m1" / "s1.nwb")
    (nwb / "sub-m2").mkdir()
    with _read_only(nwb / "sub-m1", nwb / "sub-m2"):
        (said, jobs), (overwrite, overwrite_jobs) = _plans((spec, {}), (spec, {"overwrite": True}))
    assert list(said) == ["sessions[1].nwbfile_name"] and jobs == [0], said
    assert said["sessions[1].nwbfile_name"] == (
        1,
        f"cannot write in {nwb / 'sub-m2'} (Permission denied); choose a writable folder.",
    )
    assert set(overwrite) == {"sessions[0].nwbfile_name", "sessions[1].nwbfile_name"} and overwrite_jobs == []


def test_a_stub_run_whose_test_files_are_there_is_planned_as_done(tmp_path):
    spec = write_spec(tmp_path, {"output_folder": "nwb", "sessions": [session("s1")]})
    stub = tmp_path / "nwb" / "nwb_stub"
    _done(stub / "s1.nwb")
    with _read_only(stub):
        (said, jobs), (overwrite, _) = _plans(
            (spec, {"stub_test": True}), (spec, {"stub_test": True, "overwrite": True})
        )
    assert said == {} and jobs == [0], said
    assert (
        overwrite["output_folder"][1]
        == f"{stub}: cannot write in {stub} (Permission denied); choose a writable folder."
    )


@pytest.mark.parametrize("check", [False, True], ids=["run", "run --check"])
def test_poseconv_run_skips_a_finished_batch_in_a_read_only_folder(tmp_path, check):
    spec = write_spec(tmp_path, {"output_folder": "nwb", "sessions": [session("s1")]})
    nwb = tmp_path / "nwb"
    _done(nwb / "s1.nwb")
    poseconv = [sys.executable, "-m", "poseconv", "run", str(spec), "--jobs", "1", *(["--check"] if check else [])]
    with _read_only(nwb):
        done = subprocess.run([*_bound_by_permissions(), *poseconv], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("1 checked" if check else "1 skipped") in done.stdout, done.stdout


def test_poseconv_run_overwrite_stops_on_a_read_only_folder(tmp_path):
    # --overwrite writes every session again: the folder stays the spec's problem, said once, before any session.
    spec = write_spec(tmp_path, {"output_folder": "nwb", "sessions": [session("s1")]})
    nwb = tmp_path / "nwb"
    _done(nwb / "s1.nwb")
    poseconv = [sys.executable, "-m", "poseconv", "run", str(spec), "--jobs", "1", "--overwrite"]
    with _read_only(nwb):
        done = subprocess.run([*_bound_by_permissions(), *poseconv], capture_output=True, text=True)
    assert done.returncode == 1 and "output_folder" in done.stderr + done.stdout, done.stdout + done.stderr
    assert "the spec has problems that concern every session" in done.stdout + done.stderr, done.stdout + done.stderr
