"""Where sessions run: worker processes on this machine, or a Dask distributed cluster.

Both run a picklable function over jobs and hand back ``(job, outcome)`` pairs
as they finish, where the outcome is what the function returned or the
exception that stopped the worker (the functions themselves never raise).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from ..errors import PoseconvError
from ..output import process_running

__all__ = [
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "UnguardedScriptError",
    "WorkerDiedError",
    "default_jobs",
    "unguarded_script_problem",
    "working_folder_problem",
]


class UnguardedScriptError(PoseconvError, RuntimeError):
    """A script runs the batch from its top-level code, outside ``if __name__ == "__main__":``.

    Worker processes start by running the script that started them again (Python's multiprocessing),
    so each would run the batch again, and die.
    """


class WorkerDiedError(PoseconvError, RuntimeError):
    """The process working on a session ended without an answer (a crash in native code, out of memory...)."""


# Imported once by the fork server (what every session needs), deaf to Ctrl-C meanwhile (see the module).
_WORKER_PRELOAD = ("poseconv.batch.worker_imports",)


# The outcome of a job whose worker died: it is run again, alone, at the end.
_DIED = object()


def default_jobs() -> int:
    """Return the number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class Executor(Protocol):
    """Runs a function over jobs somewhere."""

    def run(
        self, function: Callable[..., Any], jobs: Sequence[Any] | Iterator[Any], *args: Any
    ) -> Iterator[tuple[Any, Any]]:
        """Yield ``(job, outcome)`` as each ``function(job, *args)`` finishes (``jobs`` may be an iterator)."""

    def close(self) -> None:
        """Release the workers."""

    def stop(self) -> None:
        """Release the workers at once: the run was interrupted."""


# How long interrupted workers get to clean up before they are killed.
_STOP_GRACE_SECONDS = 5.0


# How often a worker looks whether the run that started it is still there.
_PARENT_CHECK_SECONDS = 1.0


def exit_with_run(run_pid: int) -> None:
    """Make this worker end when the run process ``run_pid`` is gone (a worker's initializer).

    A run killed outright (``kill -9``, the out-of-memory killer, a scheduler's time limit) cannot
    stop its workers, whose parent is the fork server: they would wait for work forever. A daemon
    thread ends the worker once the run has ended; what it was writing is a temporary file the next
    run removes (:func:`poseconv.output.remove_partials`).
    """

    def watch() -> None:
        while process_running(run_pid):
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(1)

    if os.name == "posix":  # on Windows, os.kill(pid, 0) would interrupt the run instead of asking about it
        threading.Thread(target=watch, name="poseconv-run-watch", daemon=True).start()


def _is_main_guard(node: Any) -> bool:
    """Whether an ``ast`` statement is ``if __name__ == "__main__":``.

    Either way round, as ``__name__ in ("__main__",)``, or as the first condition of an ``and``.
    """
    import ast

    test = node.test if isinstance(node, ast.If) else None
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        test = test.values[0]
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    left, right = test.left, test.comparators[0]
    if isinstance(test.ops[0], ast.In) and isinstance(right, ast.Tuple | ast.List | ast.Set):
        return getattr(left, "id", None) == "__name__" and [getattr(e, "value", None) for e in right.elts] == [
            "__main__"
        ]
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [left, right]
    return {type(side).__name__ for side in sides} == {"Name", "Constant"} and {
        getattr(side, "id", getattr(side, "value", None)) for side in sides
    } == {"__name__", "__main__"}


def _statement_at(body: list[Any], line: int) -> Any | None:
    """Return the statement of ``body`` holding ``line``, looking into a top-level ``try`` or ``with`` block."""
    import ast

    statement = next((node for node in body if node.lineno <= line <= (node.end_lineno or line)), None)
    if isinstance(statement, ast.Try | ast.With):
        blocks = [statement.body] + (
            [h.body for h in statement.handlers] + [statement.orelse, statement.finalbody]
            if isinstance(statement, ast.Try)
            else []
        )
        inner = next((found for block in blocks if (found := _statement_at(block, line)) is not None), None)
        return inner if inner is not None else statement
    return statement


def unguarded_script_problem() -> str | None:
    """Say so when this is called, through the stack, from the main script's top-level code outside its guard.

    The workers run ``__main__``'s file again when they start (multiprocessing's spawn and forkserver
    methods); a run started by its unguarded top-level code would start again in each of them.

    Returns
    -------
    str or None
        The message, naming the script and the line; None when the call is guarded (or not from a script).
    """
    import ast
    import inspect
    import sys

    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None and (name == "__main__" or name.endswith(".__main__")):
        return None  # A package's __main__.py (python -m package): multiprocessing never runs it again.
    path = getattr(main, "__file__", None)
    frame = inspect.currentframe()
    while frame is not None and not (frame.f_code.co_name == "<module>" and frame.f_code.co_filename == path):
        frame = frame.f_back
    if frame is None or path is None:
        return None
    line = frame.f_lineno
    try:
        module = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeError, SyntaxError, ValueError):
        return None
    statement = _statement_at(module.body, line)
    if statement is None or _is_main_guard(statement):
        return None
    return (
        f"{path}, line {line}: the batch is run by the script's top-level code, outside "
        '`if __name__ == "__main__":`. Its worker processes start by running the script again, which would start '
        'the batch again in each of them: put the call under `if __name__ == "__main__":` (docs/batch.md).'
    )


def _refuse_unguarded_script() -> None:
    problem = unguarded_script_problem()
    if problem is not None:
        raise UnguardedScriptError(problem)


def working_folder_problem() -> str | None:
    """Say so when this process's working folder no longer exists (deleted, or moved, since it was entered); else None.

    Python's multiprocessing asks for it (``os.getcwd``) to start the fork server and each worker: from a folder
    deleted since, a run stopped with a bare "[Errno 2] No such file or directory", naming no path.
    """
    try:
        os.getcwd()
    except FileNotFoundError:
        return (
            "the working folder no longer exists (deleted or moved since this shell or program entered it), and "
            "worker processes start there; cd to an existing folder (os.chdir in Python) and run again."
        )
    return None


def _refuse_missing_working_folder() -> None:
    if (problem := working_folder_problem()) is not None:
        raise PoseconvError(problem)


def _forkserver_context() -> Any:
    context = multiprocessing.get_context("forkserver")
    # The server imports neuroconv and pynwb once; every worker is a cheap fork of it.
    context.set_forkserver_preload(list(_WORKER_PRELOAD))
    return context


class LocalExecutor:
    """Worker processes on this machine, each job of a phase going back to the worker that had it before.

    Each worker is a pool of one process (a *lane*). A job goes to the lane that ran the same
    session in an earlier phase, when that lane is free, so that the conversion finds the
    interfaces its check built still in that process (:mod:`poseconv.batch.session`); a lane
    with nothing of its own left takes another lane's waiting job, so no worker idles.

    Workers are forked from a fork server, never from this process: a fork of this process
    would copy its open HDF5 handles and threads, which HDF5 and the libraries above it do
    not survive reliably. The server imports the conversion code once, so starting a worker
    is cheap, and the workers are kept between the check and the conversion.

    Parameters
    ----------
    jobs : int
        Number of worker processes.
    """

    def __init__(self, jobs: int) -> None:
        # Said before a worker starts: each would otherwise die, said only as "the worker process died".
        _refuse_unguarded_script()
        _refuse_missing_working_folder()
        self.jobs = max(1, int(jobs))
        self._lanes: list[ProcessPoolExecutor] = []
        # The lane each session (a job's ``index``) last ran in.
        self._lane_of: dict[Any, int] = {}

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_forkserver_context(),
            initializer=exit_with_run,
            initargs=(os.getpid(),),
        )

    @staticmethod
    def warm_up() -> None:
        """Start the fork server now, so that it imports the conversion code while this process does other work."""
        from multiprocessing import forkserver, resource_tracker

        _refuse_unguarded_script()
        _refuse_missing_working_folder()
        _forkserver_context()
        if threading.current_thread() is not threading.main_thread():
            forkserver.ensure_running()
            return
        # Started with SIGINT blocked, which its interpreter keeps until it ignores the signal
        # (poseconv.batch.worker_imports): a Ctrl-C to the process group in the server's first seconds
        # printed a traceback from its start or imports. Blocked here in this thread only, the signal is not
        # lost: it waits, or another thread of the process takes it for Python's handler. (Ignoring it here
        # instead, as before, lost a Ctrl-C that came meanwhile, and the batch ran to its end.)
        # multiprocessing's resource tracker is started first: starting it unblocks SIGINT when done.
        resource_tracker.ensure_running()
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            forkserver.ensure_running()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def _queues(self, jobs: Sequence[Any]) -> list[deque[Any]]:
        """Return each lane's waiting jobs: those it ran before, then the new ones dealt in turn."""
        queues: list[deque[Any]] = [deque() for _ in self._lanes]
        fresh = []
        for job in jobs:
            lane = self._lane_of.get(getattr(job, "index", None))
            if lane is not None and lane < len(queues):
                queues[lane].append(job)
            else:
                fresh.append(job)
        for position, job in enumerate(fresh):
            queues[position % len(queues)].append(job)
        return queues

    @staticmethod
    def _next(queues: list[deque[Any]], lane: int) -> Any | None:
        """Return lane ``lane``'s next job: its own, else the last waiting job of the busiest other lane."""
        if queues[lane]:
            return queues[lane].popleft()
        busiest = max(queues, key=len)
        return busiest.pop() if busiest else None

    def run(
        self, function: Callable[..., Any], jobs: Sequence[Any] | Iterator[Any], *args: Any
    ) -> Iterator[tuple[Any, Any]]:
        """Yield ``(job, outcome)`` as each ``function(job, *args)`` finishes.

        ``jobs`` may be an iterator: each job is then taken from it only when a worker is free
        for it (others may take from it meanwhile). When a worker dies, the job it held is lost
        with it; such jobs are run again at the end, each in a process of its own, so only a job
        that kills its worker again is reported as :class:`WorkerDiedError`.
        """
        source = None if isinstance(jobs, Sequence) else iter(jobs)
        if source is None and not jobs:
            return
        while len(self._lanes) < (self.jobs if source is not None else min(self.jobs, len(jobs))):
            self._lanes.append(self._new_pool(1))
        queues = self._queues(jobs if source is None else ())
        running: dict[Future[Any], tuple[int, Any]] = {}

        def submit(lane: int) -> None:
            job = self._next(queues, lane)
            if job is None and source is not None:
                job = next(source, None)
            if job is not None:
                running[self._lanes[lane].submit(function, job, *args)] = (lane, job)

        for lane in range(len(self._lanes)):
            submit(lane)
        lost = []
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                lane, job = running.pop(future)
                outcome: Any = None
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    lost.append(job)
                    outcome = _DIED
                    self._lanes[lane].shutdown(wait=False, cancel_futures=True)
                    self._lanes[lane] = self._new_pool(1)
                    self._lane_of = {key: value for key, value in self._lane_of.items() if value != lane}
                except Exception as err:  # noqa: BLE001 - process boundary: any failure of one job (e.g. a
                    # result that cannot be unpickled) is that job's outcome; the caller records it and goes on.
                    outcome = err
                else:
                    self._lane_of[getattr(job, "index", None)] = lane
                submit(lane)
                if outcome is not _DIED:
                    yield job, outcome
        for job in sorted(lost, key=lambda j: getattr(j, "index", 0)):
            with self._new_pool(1) as alone:
                try:
                    yield job, alone.submit(function, job, *args).result()
                except BrokenProcessPool:
                    yield job, WorkerDiedError("the worker process died on this session (a crash or out of memory).")

    def close(self) -> None:
        """Stop the worker processes once their running jobs are done."""
        for lane in self._lanes:
            lane.shutdown(wait=True, cancel_futures=True)
        self._lanes = []
        self._lane_of = {}

    def stop(self) -> None:
        """Stop the worker processes now (the run was interrupted): their jobs clean up and end."""
        for lane in self._lanes:
            lane.shutdown(wait=False, cancel_futures=True)
        # SIGTERM: a worker's atomic write removes its partial file, then the worker ends. One that has
        # not ended after a grace period is killed; the next run removes what it left.
        workers = multiprocessing.active_children()
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=_STOP_GRACE_SECONDS)
            if worker.is_alive():
                worker.kill()
        self.close()


class DaskExecutor:
    """Sessions as tasks on a Dask distributed cluster.

    The workers must have poseconv (and the interfaces the spec names) installed, and see
    the input files and the output folder at the same paths as this machine.

    Parameters
    ----------
    scheduler : str or distributed.Client
        The scheduler's address (``tcp://host:8786``) or a connected client.
    """

    def __init__(self, scheduler: Any) -> None:
        try:
            from distributed import Client
        except ImportError as err:
            raise PoseconvError(
                "Running on a Dask cluster needs dask.distributed: pip install 'poseconv[dask]'."
            ) from err
        if isinstance(scheduler, Client):
            self.client, self._owned = scheduler, False
        else:
            try:
                self.client = Client(scheduler, timeout="30s", set_as_default=False)
            except OSError as err:
                raise PoseconvError(f"Cannot reach the Dask scheduler at {scheduler}: {err}") from err
            self._owned = True

    def run(
        self, function: Callable[..., Any], jobs: Sequence[Any] | Iterator[Any], *args: Any
    ) -> Iterator[tuple[Any, Any]]:
        """Yield ``(job, outcome)`` as each task finishes; a lost worker is the outcome of its task.

        Every job is submitted at once (from an iterator too): the scheduler places them.
        """
        from distributed import as_completed as dask_as_completed

        # pure=False: two runs of the same session are different work, never a cached result.
        futures = {self.client.submit(function, job, *args, pure=False, retries=0): job for job in jobs}
        for future in dask_as_completed(list(futures), loop=self.client.loop):
            try:
                yield futures[future], future.result()
            except Exception as err:  # noqa: BLE001 - process boundary: KilledWorker, CommClosedError, or the
                # task's own error is that job's outcome; the caller records it and goes on with the others.
                yield futures[future], err
            finally:
                future.release()

    def close(self) -> None:
        """Disconnect from the scheduler (when this executor connected)."""
        if self._owned:
            self.client.close()

    def stop(self) -> None:
        """Disconnect at once (the run was interrupted): the cluster drops the tasks of a client that left."""
        self.close()
