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
