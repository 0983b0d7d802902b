"""What the batch's fork server imports once for every worker, deaf to Ctrl-C while it does.

``poseconv run`` starts a fork server that imports neuroconv, pynwb and the readers (1-2 s) so that
each worker is a cheap fork of it (:mod:`poseconv.batch.executors`). A terminal's Ctrl-C reaches the
whole process group: during those seconds the server printed a ``KeyboardInterrupt`` traceback from
inside the imports (or from its interpreter's start). The run itself handles Ctrl-C (it stops the
workers and says what was done), and the server ignores SIGINT once it serves
(``multiprocessing.forkserver``); it is started with SIGINT blocked
(:meth:`~poseconv.batch.executors.LocalExecutor.warm_up`), and ignores it (unblocked) while it imports. Python's
handler is set afterwards: the server hands its workers the handler it had before serving, and a
worker stops on Ctrl-C as before.
"""

from __future__ import annotations

import importlib
import signal
import threading

__all__ = ["WORKER_MODULES", "import_worker_modules"]

#: What every session needs (a module that fails to import is skipped, as the fork server skips one).
WORKER_MODULES = (
    "poseconv.batch.session",
    "poseconv.interfaces",
    "poseconv.readers.deeplabcut",
    "poseconv.readers.sleap",
    "poseconv.nwb.write.pose_estimation",
    "neuroconv.tools.nwb_helpers",
    "ndx_pose",
    "tables",
    "av",
    "jsonschema",
)


def import_worker_modules() -> None:
    """Import :data:`WORKER_MODULES`, SIGINT ignored meanwhile, then Python's Ctrl-C handler (main thread only)."""
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):
            # The run starts the server with SIGINT blocked (LocalExecutor.warm_up); its workers, forked
            # from here, must not inherit that. Ignored now, so a Ctrl-C pending meanwhile is dropped.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        _cache_folder()
        for name in WORKER_MODULES:
            try:
                importlib.import_module(name)
            except ImportError:
                continue  # an optional module (PyAV, PyTables) not installed: the worker imports what it needs
    finally:
        if in_main:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def _cache_folder() -> None:
    """Give pynwb a cache folder it can make before it is imported (see :mod:`poseconv.pynwb_cache`).

    ``poseconv run`` has checked it: the worker inherits the folder it chose. A Python caller's worker says it.
    """
    import warnings

    from ..errors import PoseconvWarning
    from ..pynwb_cache import usable_cache_folder

    try:
        moved = usable_cache_folder()
    except OSError:
        return  # No folder will do: importing pynwb fails with its own error, as it did before this check.
    if moved is not None:
        warnings.warn(moved, PoseconvWarning, stacklevel=2)


# The fork server imports the modules it preloads by name: importing this module is the preload.
import_worker_modules()
