"""The formats of a spec's pose files, detected by the workers while this process plans the spec.

Detecting a pose file's format reads it, after checking it in a forked child
(:mod:`poseconv.readers.safety.isolation`). Planned in this process, file after
file, that was most of the time a batch spent before the first session was
checked, while the workers sat idle. So the planning process hands the pose files
to the workers first and plans each session as their answers come in. The workers
take the files one at a time as each is free, and the planning thread, rather
than wait for an answer, detects the files none has taken yet (while the workers'
fork server is still importing the conversion code, the first second or two of a
run, it does most of them). A file whose worker died is read by the plan itself.
The checks a file passed in a worker are trusted here and, through the session's
job, by the worker that checks the session.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PoseconvError
from .report import one_line

__all__ = ["Detection", "Detections", "PoseFile", "detect_pose_file"]


@dataclass(frozen=True)
class PoseFile:
    """A pose file to detect, as a worker job.

    A job of its own rather than the path: the executor sends a job back to the worker that had
    it before by the job's ``index`` attribute, and a ``str`` has an ``index`` method.

    Attributes
    ----------
    path : str
        The file, as the plan names it.
    """

    path: str


@dataclass(frozen=True)
class Detection:
    """What a worker found a pose file to be.

    Attributes
    ----------
    interface : str or None
        The interface of its format; None when it has none.
    error : str or None
        Why it has none (the catalog's message), else None.
    checks : tuple
        The safety checks the file passed in the worker
        (:func:`~poseconv.readers.safety.isolation.passed_checks`).
    unrecognised : bool
        The file could be read but its format not told (naming an interface may help), rather than
        the file being missing or damaged (which no interface reads).
    """

    interface: str | None
    error: str | None
    checks: tuple[Any, ...] = ()
    unrecognised: bool = False


def detect_pose_file(job: PoseFile) -> Detection:
    """Detect the format of one pose file (in a worker); never raises for a file the catalog refuses.

    Parameters
    ----------
    job : PoseFile
        The file.

    Returns
    -------
    Detection
        Its interface, or why it has none, and the checks it passed.
    """
    from ..catalog import detect_format
    from ..errors import UnsupportedFormatError
    from ..readers.safety.isolation import passed_checks

    unrecognised = False
    try:
        interface, error = detect_format(Path(job.path)).interface_name, None
    except (PoseconvError, OSError) as err:
        # UnsupportedFormatError: no format (or several) claims the file; any other: it cannot be read.
        interface, error, unrecognised = None, one_line(err), isinstance(err, UnsupportedFormatError)
    return Detection(interface, error, passed_checks(job.path), unrecognised)


class Detections:
    """Pose files being detected by an executor's workers, answered by path as they finish.

    A thread of this process collects the answers while the spec is planned; call
    :meth:`wait` before the executor runs anything else.

    Parameters
    ----------
    executor : LocalExecutor
        The workers.
    paths : iterable of str
        The pose files (repeats are detected once).
    """

    def __init__(self, executor: Any, paths: Iterable[str]) -> None:
        self._answers: dict[str, Future[Detection | None]] = {path: Future() for path in dict.fromkeys(paths)}
        # Files no worker has taken yet, in plan order; the planning thread takes one it needs from here.
        self._waiting: dict[str, None] = dict.fromkeys(self._answers)
        self._lock = threading.Lock()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._collect, args=(executor,), name="poseconv-detect", daemon=True)
        self._thread.start()

    def _jobs(self) -> Iterator[PoseFile]:
        """Hand the waiting files to the workers one at a time, as each worker is free."""
        while True:
            with self._lock:
                if not self._waiting:
                    return
                path = next(iter(self._waiting))
                del self._waiting[path]
            yield PoseFile(path)

    def _collect(self, executor: Any) -> None:
        try:
            for job, outcome in executor.run(detect_pose_file, self._jobs()):
                if isinstance(outcome, Detection):
                    self._answers[job.path].set_result(outcome)
                else:
                    # The worker died on it: the plan reads the file itself, as without workers.
                    self._answers[job.path].set_result(None)
        except BaseException as err:  # noqa: BLE001 - kept, and raised in the planning thread by wait()
            self._failure = err
        finally:
            with self._lock:
                # No worker takes a file any more: one still waiting is read by the planning thread.
                self._waiting.clear()
                for answer in self._answers.values():
                    if not answer.done():
                        answer.set_result(None)

    def get(self, path: str | Path) -> Detection | None:
        """Return the answer for ``path``; None when it was not asked for or its worker gave no answer.

        While the answer is not in, this thread detects files itself rather than wait: ``path``
        when no worker has taken it, else the last file waiting (the workers take from the
        front). So the planning process works while the workers' fork server is still starting.
        The checks a file passed in a worker count as passed in this process from then on (on
        this thread: the planning thread is the one that reads the record of checks).
        """
        from ..readers.safety.isolation import trust_checks

        key = str(path)
        answer = self._answers.get(key)
        if answer is None:
            return None
        while not answer.done():
            other = self._take(key)
            if other is None:
                break
            self._detect_here(other)
        detected = answer.result()
        if detected is not None:
            trust_checks(detected.checks)
        return detected

    def _take(self, wanted: str) -> str | None:
        """Take ``wanted`` if no worker has, else the last waiting file; None when none is waiting."""
        with self._lock:
            if not self._waiting:
                return None
            path = wanted if wanted in self._waiting else next(reversed(self._waiting))
            del self._waiting[path]
            return path

    def _detect_here(self, path: str) -> None:
        """Detect ``path`` in this process, as a worker would, and answer it."""
        from ..readers.safety.safe_pickle import import_pandas_check

        # As the workers have them: the file's check is then the one its reader needs, trusted by the
        # worker that checks the session, so the file is still forked for once.
        import_pandas_check()
        detected = detect_pose_file(PoseFile(path))
        with self._lock:
            if not self._answers[path].done():
                self._answers[path].set_result(detected)

    def wait(self) -> None:
        """Wait until every answer is in.

        Raises
        ------
        BaseException
            What stopped the workers from answering (the executor could not start them).
        """
        self._thread.join()
        if self._failure is not None:
            raise self._failure
