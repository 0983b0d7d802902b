"""Worker processes of a run (:mod:`poseconv.batch.executors`)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from poseconv.batch.executors import exit_with_run


def _worker(run_pid: int) -> None:
    exit_with_run(run_pid)
    time.sleep(60)  # a worker waiting for work


@pytest.mark.skipif(os.name != "posix", reason="the watch runs on POSIX systems only")
def test_a_worker_ends_when_the_run_that_started_it_is_killed():
    # kill -9 of `poseconv run` left its fork server and workers waiting for work forever.
    run = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = multiprocessing.get_context("fork").Process(target=_worker, args=(run.pid,))
    worker.start()
    time.sleep(1.5)
    assert worker.is_alive()
    run.kill()
    run.wait()
    worker.join(timeout=10)
    assert worker.exitcode == 1


_SCRIPT = """\
import sys
from poseconv.batch.executors import LocalExecutor, unguarded_script_problem

def main():
    print("problem:", unguarded_script_problem())
    if sys.argv[1] == "start":
        LocalExecutor(1)

{call}
"""


@pytest.mark.parametrize(
    ("call", "unguarded"),
    [
        ("main()", True),
        ('if __name__ == "__main__":\n    main()', False),
        ("if True:\n    main()", True),
        # Guards written otherwise were refused although the workers never run what they hold.
        ('if __name__ == "__main__" and len(sys.argv) > 1:\n    main()', False),
        ('if __name__ in ("__main__",):\n    main()', False),
        ('try:\n    if __name__ == "__main__":\n        main()\nexcept KeyboardInterrupt:\n    pass', False),
        ("try:\n    main()\nexcept KeyboardInterrupt:\n    pass", True),
    ],
    ids=["top-level", "guarded", "other-if", "guard-and", "guard-in", "guard-in-try", "unguarded-in-try"],
)
def test_a_script_running_the_batch_outside_its_main_guard_is_told_to_guard_it(tmp_path, call, unguarded):
    # Before, each worker ran the script again, and every session was "invalid: the worker process died on this
    # session (a crash or out of memory)", the cause said nowhere.
    script = tmp_path / "convert_all.py"
    script.write_text(_SCRIPT.format(call=call), encoding="utf-8")
    said = subprocess.run([sys.executable, str(script), "check"], capture_output=True, text=True, timeout=120)
    assert said.returncode == 0, said.stderr
    problem = said.stdout.split("problem: ", 1)[1]
    assert (problem.strip() != "None") == unguarded, problem
    if unguarded:
        assert f"{script}, line " in problem and 'put the call under `if __name__ == "__main__":`' in problem
        started = subprocess.run([sys.executable, str(script), "start"], capture_output=True, text=True, timeout=120)
        assert started.returncode == 1 and "UnguardedScriptError" in started.stderr, started.stderr


def test_a_run_from_an_interpreter_or_a_test_is_not_a_script_to_guard():
    from poseconv.batch.executors import unguarded_script_problem

    assert unguarded_script_problem() is None


def test_a_package_main_module_is_not_a_script_to_guard(tmp_path):
    # `python -m poseconv.cli run` (its __main__.py calls main() unguarded): multiprocessing never runs a
    # package's __main__ again in a worker.
    package = tmp_path / "labtools"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "__main__.py").write_text(
        "from poseconv.batch.executors import unguarded_script_problem\nprint(unguarded_script_problem())\n",
        encoding="utf-8",
    )
    said = subprocess.run([sys.executable, "-m", "labtools"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert said.returncode == 0 and said.stdout.strip() == "None", said.stdout + said.stderr


def test_workers_are_not_started_from_a_working_folder_that_no_longer_exists(tmp_path, monkeypatch):
    # multiprocessing starts the fork server and each worker in the working folder: deleted since, the run
    # stopped with a bare "[Errno 2] No such file or directory", naming nothing.
    from poseconv.batch.executors import LocalExecutor, working_folder_problem
    from poseconv.errors import PoseconvError

    assert working_folder_problem() is None
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert "the working folder no longer exists" in working_folder_problem()
    for start in (LocalExecutor.warm_up, lambda: LocalExecutor(1)):
        with pytest.raises(PoseconvError, match=r"working folder no longer exists .*cd to an existing folder"):
            start()
