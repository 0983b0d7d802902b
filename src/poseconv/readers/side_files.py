"""The files a reader reads beside the one it was given, and how each is chosen.

Every reader that uses a side file (a DeepLabCut ``config.yaml`` or ``_meta.pickle``, a
Lightning Pose model config, an Anipose calibration, sleap-anipose's ``points3d.h5``, ...)
takes a ``<side file>_path`` argument and a ``find_side_files`` switch: the file the user
named wins; otherwise, and only when looking is on, the reader's finder looks beside the
input. :func:`given_or_found` is that rule, in one place; :func:`existing_file` is the finder
of a side file with a fixed name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["existing_file", "given_or_found", "side_folders"]


def given_or_found(
    given: str | Path | None, find_side_files: bool, find: Callable[..., Path | None], *args: Any
) -> Path | None:
    """Return the side file the user named, else the one ``find(*args)`` finds when looking is on.

    Parameters
    ----------
    given : str or pathlib.Path or None
        The path the user passed; used as it is (the reader checks it).
    find_side_files : bool
        Whether the reader may look for side files; when False and nothing is given, there is none.
    find : callable
        The reader's finder, returning the file or None; called only when needed.
    *args
        Arguments of ``find``; when the first is a symbolic link and nothing is found beside it,
        ``find`` looks again beside the file it points to.

    Returns
    -------
    pathlib.Path or None
        The side file, or None when none was given or found.
    """
    if given is not None:
        return Path(given)
    if not find_side_files:
        return None
    found = find(*args)
    if found is None and args and isinstance(args[0], Path) and args[0].is_symlink():
        # A link to the input (a folder of links to the data): its side files are beside the file it points to.
        found = find(args[0].resolve(), *args[1:])
    return found


def existing_file(path: Path | None) -> Path | None:
    """Return ``path`` when it is a file, else None: the finder of a side file with a fixed name."""
    return path if path is not None and path.is_file() else None


def side_folders(path: Path) -> list[Path]:
    """Return where to look for the side files of ``path``: its folder, then, for a link, its target's folder."""
    folders = [path.parent]
    if path.is_symlink() and path.resolve().parent != path.parent:
        folders.append(path.resolve().parent)
    return folders
