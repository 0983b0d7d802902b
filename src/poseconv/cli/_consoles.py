"""The rich consoles the commands print tables with: wide and colourless when not on a terminal.

rich is imported when a console is made, not with this module: ``poseconv --help`` imports it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["is_tty", "stdout_console"]


def is_tty(stream: Any) -> bool:
    """Return whether ``stream`` is a terminal (False for a replaced stream without ``isatty``, or a closed one)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def stdout_console() -> Console:
    """Return a rich console on stdout; wide and colourless when stdout is not a terminal.

    On a terminal the colours follow rich's reading of the environment: none when ``NO_COLOR`` is set to
    anything but the empty string (https://no-color.org), which ``no_color=False`` overrode.

    Without markup: what it prints holds names from the files (nodes, tracks, scorers, paths), whose
    brackets rich would read as style tags (``[left]`` vanished, ``[/x]`` raised); styles are given as
    ``style=`` or :class:`rich.text.Text`.
    """
    from rich.console import Console

    tty = is_tty(sys.stdout)
    return Console(
        file=sys.stdout,
        width=None if tty else 160,
        no_color=None if tty else True,
        highlight=False,
        soft_wrap=not tty,
        markup=False,
    )
