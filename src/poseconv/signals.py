"""Signals that end a run: the run's cleanup still runs, and none is lost where Python swallows exceptions.

Kept apart from :mod:`poseconv.output` (which imports the pose model and numpy) so that every CLI command can
use :func:`signals_not_swallowed` from its start without slowing the quick ones.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

__all__ = ["signals_not_swallowed", "signals_raise"]

# Signals that end a run and must still clean up (SIGINT raises KeyboardInterrupt by itself).
_ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class _Ended(BaseException):
    """A signal ended the run (raised so that cleanup runs, like KeyboardInterrupt)."""


@contextlib.contextmanager
def signals_not_swallowed() -> Iterator[None]:
    """Deliver again a signal that lands in a finalizer or weakref callback, once the callback has returned.

    Python prints an exception raised there ("Exception ignored in ...") and goes on: a Ctrl-C
    (``KeyboardInterrupt``) while hdmf and h5py drop objects, or while importlib drops a module lock,
    would be lost, and the run would carry on and put its output in place. The signal is sent again
    from another thread, so that it is raised where the run is. Outside the main thread (where Python
    delivers signals) the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def unraisable(report: sys.UnraisableHookArgs) -> None:
        interrupted = isinstance(report.exc_value, KeyboardInterrupt)
        if isinstance(report.exc_value, _Ended) or interrupted:
            signum = signal.SIGINT if interrupted else report.exc_value.args[0]
            again = threading.Timer(0.01, os.kill, (os.getpid(), signum))
            again.daemon = True
            again.start()
        else:
            previous_hook(report)

    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Turn SIGTERM / SIGHUP into an exception in the block, so that ``finally`` blocks run.

    Once they have, the process ends as the signal would have ended it. Outside the main thread
    (where Python delivers signals) the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise _Ended(signum)

    previous = {sig: signal.signal(sig, handler) for sig in _ENDING_SIGNALS}
    try:
        with signals_not_swallowed():
            yield
    except _Ended as ended:
        # Cleanup has run; end the process as the signal would have.
        signum = ended.args[0]
        signal.signal(signum, previous.pop(signum, signal.SIG_DFL))
        for sig, old in previous.items():
            signal.signal(sig, old)
        previous = {}
        os.kill(os.getpid(), signum)
        raise SystemExit(128 + signum) from None
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
