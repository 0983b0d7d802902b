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

__all__ = ["signals_held", "signals_not_swallowed", "signals_raise", "signals_recorded"]

# Signals that end a run and must still clean up (SIGINT raises KeyboardInterrupt by itself).
_ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _not_ignored(signals: tuple[int, ...]) -> list[int]:
    """Return the signals of ``signals`` the process does not ignore (``nohup`` starts it ignoring SIGHUP)."""
    return [sig for sig in signals if signal.getsignal(sig) is not signal.SIG_IGN]


class _Ended(BaseException):
    """A signal ended the run (raised so that cleanup runs, like KeyboardInterrupt)."""


class _Resend:
    """A signal swallowed by a finalizer, sent again shortly from another thread unless taken back first.

    The thread sends it only once :meth:`release` is called, as the hook that made it returns: sent while
    the hook still waited for the thread to start (a loaded machine), it was raised in the hook and
    swallowed again, and the run went on.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self._lock = threading.Lock()
        self._state = "pending"  # then "sent" or "taken back"
        self._released = threading.Event()
        self._taken_back = threading.Event()
        threading.Thread(target=self._send, daemon=True).start()

    def release(self) -> None:
        """Let the signal be sent (shortly: the hook returns first)."""
        self._released.set()

    def _send(self) -> None:
        self._released.wait()
        if self._taken_back.wait(0.01):
            return
        with self._lock:
            if self._state != "pending":
                return
            self._state = "sent"
        os.kill(os.getpid(), self.signum)

    def take_back(self) -> bool:
        """Cancel the sending; return whether it had not been sent yet."""
        with self._lock:
            pending, self._state = self._state == "pending", "taken back"
        self._taken_back.set()
        self._released.set()
        return pending


@contextlib.contextmanager
def signals_not_swallowed() -> Iterator[None]:
    """Deliver again a signal that lands in a finalizer or weakref callback, once the callback has returned.

    Python prints an exception raised there ("Exception ignored in ...") and goes on: a Ctrl-C
    (``KeyboardInterrupt``) while hdmf and h5py drop objects, or while importlib drops a module lock,
    would be lost, and the run would carry on and put its output in place. The signal is sent again
    from another thread, so that it is raised where the run is. Outside the main thread (where Python
    delivers signals) the block runs as it is.

    A signal still to be sent when the block ends is not left to land later (in ``atexit`` callbacks,
    which printed a ``KeyboardInterrupt``, or once Python has put back the default handlers, which ended
    the process by SIGINT instead of exit code 130): when the block ends by an interruption, that one is
    the signal; when it ends otherwise, the signal is raised there.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    resends: list[_Resend] = []

    def unraisable(report: sys.UnraisableHookArgs) -> None:
        interrupted = isinstance(report.exc_value, KeyboardInterrupt)
        if isinstance(report.exc_value, _Ended) or interrupted:
            resends.append(_Resend(signal.SIGINT if interrupted else report.exc_value.args[0]))
            resends[-1].release()
        else:
            previous_hook(report)

    def take_back() -> BaseException | None:
        """Cancel the signals still to be sent; return the first as the exception it raises."""
        unsent = [resend.signum for resend in resends if resend.take_back()]
        if not unsent:
            return None
        return KeyboardInterrupt() if unsent[0] == signal.SIGINT else _Ended(unsent[0])

    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    except (KeyboardInterrupt, _Ended):
        take_back()  # this interruption is the signal
        raise
    except BaseException as error:
        # An error (or an exit) on the way out must not hide a Ctrl-C the user gave before it.
        pending = take_back()
        if pending is not None:
            raise pending from error
        raise
    else:
        pending = take_back()
        if pending is not None:
            raise pending
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

    # A signal the process was started to ignore (nohup ignores SIGHUP) stays ignored: the run goes on.
    previous = {sig: signal.signal(sig, handler) for sig in _not_ignored(_ENDING_SIGNALS)}
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


# The signals that end a run: Ctrl-C, kill, a closed terminal.
_HELD_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def signals_recorded() -> Iterator[list[int]]:
    """Record Ctrl-C, SIGTERM and SIGHUP during the block instead of acting on them; yield those that came, in order.

    For the cleanup of a run that a signal ends already: a second signal (GNU ``timeout`` sends SIGTERM to the
    run, then to its process group; a second Ctrl-C) must not cut short the cleanup and lose what it writes (a
    run's report). The caller decides what the recorded signals do once the block has ended. Outside the main
    thread (where Python delivers signals) the block runs as it is, and records nothing.
    """
    recorded: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield recorded
        return

    def record(signum: int, frame: object) -> None:
        recorded.append(signum)

    previous = {sig: signal.signal(sig, record) for sig in _not_ignored(_HELD_SIGNALS)}
    try:
        yield recorded
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back Ctrl-C, SIGTERM and SIGHUP during the block; the first one that came is delivered after it.

    For a writer that an exception cannot stop midway: xarray's ``to_netcdf`` takes its file locks one at a
    time, and a ``KeyboardInterrupt`` between two left one held, which closing the file then waited on for
    ever (``export --to movement`` hung after a Ctrl-C). The block runs to its end, and the signal then does
    what it would have done (a ``KeyboardInterrupt``, the cleanup of :func:`signals_raise`,
    or the end of the process), so the half-written output is removed by the caller's cleanup. Outside the
    main thread (where Python delivers signals) the block runs as it is.
    """
    held: list[int] = []
    try:
        with signals_recorded() as held:
            yield
    finally:
        if held:
            # raise_signal runs the restored handler at once (raising here), or ends the process as the signal does.
            signal.raise_signal(held[0])
