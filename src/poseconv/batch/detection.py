"""The formats of a spec's pose files, detected by the workers while this process plans the spec.

Detecting a pose file's format reads it, after checking it in a forked child
(:mod:`poseconv.readers.safety.isolation`). Planned in this process, file after
file, that was most of the time a batch spent before the first session was
checked, while the workers sat idle. So the planning process hands the pose files
to the workers first, plans each session as their answers come in, and only reads
a file itself when no answer came (a worker that died). The checks a file passed
in a worker are trusted here and, through the session's job, by the worker that
checks the session.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
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
    """

    interface: str | None
    error: str | None
    checks: tuple[Any, ...] = ()


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
    from ..readers.safety.isolation import passed_checks

    try:
        interface, error = detect_format(Path(job.path)).interface_name, None
    except (PoseconvError, OSError) as err:
        interface, error = None, one_line(err)
    return Detection(interface, error, passed_checks(job.path))


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
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._collect, args=(executor,), name="poseconv-detect", daemon=True)
        self._thread.start()

    def _collect(self, executor: Any) -> None:
        try:
            for job, outcome in executor.run(detect_pose_file, [PoseFile(path) for path in self._answers]):
                if isinstance(outcome, Detection):
                    self._answers[job.path].set_result(outcome)
                else:
                    # The worker died on it: the plan reads the file itself, as without workers.
                    self._answers[job.path].set_result(None)
        except BaseException as err:  # noqa: BLE001 - kept, and raised in the planning thread by wait()
            self._failure = err
        finally:
            for answer in self._answers.values():
                if not answer.done():
                    answer.set_result(None)

    def get(self, path: str | Path) -> Detection | None:
        """Return the workers' answer for ``path`` once it is in; None when it was not asked or none came.

        The checks the file passed in the worker count as passed in this process from then on
        (on this thread: the planning thread is the one that reads the record of checks).
        """
        from ..readers.safety.isolation import trust_checks

        answer = self._answers.get(str(path))
        detected = None if answer is None else answer.result()
        if detected is not None:
            trust_checks(detected.checks)
        return detected

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
