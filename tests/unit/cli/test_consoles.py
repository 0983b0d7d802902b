"""The consoles the commands print their tables with (:mod:`poseconv.cli._consoles`)."""

from __future__ import annotations

import io

import pytest

# The name the commands (inspect, run) import it by.
from poseconv.cli._common import stdout_console


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("no_color", "colourless"), [(None, False), ("1", True), ("0", True), ("", False)])
def test_a_terminal_gets_colours_unless_no_color_is_set(monkeypatch, no_color, colourless):
    # With NO_COLOR=1 on a terminal, run's table still coloured its status cells: no_color=False overrode it.
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    monkeypatch.setattr("sys.stdout", _Terminal())
    console = stdout_console()
    assert console.no_color is colourless
    console.print("converted", style="green")
    assert ("\x1b[32m" not in console.file.getvalue()) is colourless


def test_a_pipe_gets_no_colours(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert stdout_console().no_color is True
