"""Signals that end a run, and those the process was started to ignore."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system")
@pytest.mark.parametrize("block", ["signals_raise", "signals_held"])
def test_a_run_started_with_nohup_goes_on_when_the_terminal_closes(tmp_path, block):
    # `nohup poseconv run spec.yaml &` ignores SIGHUP; poseconv's own handler replaced that, and closing the
    # terminal ended the run (exit 129, no output).
    script = textwrap.dedent(
        f"""
        import os, signal, time
        from poseconv.signals import {block}

        with {block}():
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.2)
            print("went on")
        print("after")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["went", "on", "after"]


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system")
def test_without_nohup_a_closed_terminal_still_ends_the_run_after_its_cleanup(tmp_path):
    script = textwrap.dedent(
        """
        import os, signal, time
        from poseconv.signals import signals_raise

        with signals_raise():
            try:
                os.kill(os.getpid(), signal.SIGHUP)
                time.sleep(5)
                print("went on")
            finally:
                print("cleaned up", flush=True)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode in (-signal.SIGHUP, 128 + signal.SIGHUP), result.stderr
    assert result.stdout.split() == ["cleaned", "up"]


@pytest.mark.parametrize("block_ends", ["by the interruption", "normally", "by an error"])
def test_a_ctrl_c_swallowed_by_a_finalizer_is_not_sent_again_after_the_run(block_ends):
    # A Ctrl-C that landed in a finalizer was sent again 10 ms later from a timer thread, even when the
    # run had already stopped on it or ended: it then landed in the exit's atexit callbacks (a printed
    # KeyboardInterrupt) or after Python had put back the default handler (the process died by SIGINT
    # instead of exiting 130, a flaky CLI test). However the block ends, the Ctrl-C is raised once: exit 130.
    script = textwrap.dedent(
        f"""
        import atexit, sys, time
        atexit.register(time.sleep, 0.1)  # an exit that takes a while, as multiprocessing's does
        from poseconv.signals import signals_not_swallowed

        class Finalized:
            def __del__(self):
                raise KeyboardInterrupt  # as Python raises a Ctrl-C that comes while a finalizer runs

        try:
            with signals_not_swallowed():
                Finalized()
                if {block_ends!r} == "by the interruption":
                    raise KeyboardInterrupt
                if {block_ends!r} == "by an error":
                    raise ValueError("a failure on the way out")
        except KeyboardInterrupt:
            print("interrupted")
            sys.exit(130)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (130, "interrupted"), done.stderr
    assert "KeyboardInterrupt" not in done.stderr, done.stderr


def test_signals_recorded_during_a_cleanup_are_not_raised_and_the_handlers_come_back():
    # The cleanup of a run a signal ends (its report) must not be cut short by a second signal.
    import os

    from poseconv.signals import signals_recorded

    before = signal.getsignal(signal.SIGTERM)
    with signals_recorded() as recorded:
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGTERM)  # GNU timeout's second, to the process group
        done = True
    assert done and recorded == [signal.SIGTERM, signal.SIGTERM]
    assert signal.getsignal(signal.SIGTERM) is before
