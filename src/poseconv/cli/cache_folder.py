"""pynwb's cache folder, which importing pynwb makes: one that cannot be made is replaced before it is imported.

pynwb makes ``<user cache folder>/pynwb-hdmf/<versions>`` when it is imported (platformdirs'
``user_cache_dir``: ``$XDG_CACHE_HOME``, else ``~/.cache``, on Linux). With a HOME that cannot hold it (a
read-only HOME, ``HOME=/`` for a user who is not root, HOME a file), every import of pynwb failed:
``convert`` said a bare ``[Errno 17] File exists``, ``run`` printed its workers' tracebacks. The commands
(:func:`poseconv.cli._common.command_errors`) and the batch's worker processes
(:mod:`poseconv.batch.worker_imports`) call :func:`usable_cache_folder` first: the cache goes to a folder
of the user's own under the temporary folder, and the command says so.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

__all__ = ["usable_cache_folder"]

#: The application name pynwb gives platformdirs.
_PYNWB = "pynwb-hdmf"


def usable_cache_folder() -> str | None:
    """Make sure pynwb can make its cache folder; when it cannot, point ``XDG_CACHE_HOME`` at one that it can.

    Nothing is created while the folder can be made. Otherwise the folder is
    ``<temporary folder>/poseconv-cache-<user id>``, made private (pynwb loads a pickle from it), or a
    fresh one when that name is taken by another user or is not a private folder.

    Returns
    -------
    str or None
        What was changed, in a sentence to give as a warning; None when the cache folder can be made.

    Raises
    ------
    OSError
        When no cache folder can be made (a platform whose cache folder ``XDG_CACHE_HOME`` does not
        move, a temporary folder that cannot be written): one line naming the folder and what to set.
    """
    import platformdirs

    folder = Path(platformdirs.user_cache_dir(_PYNWB))
    problem = _problem(folder)
    if problem is None:
        return None
    cause = f"pynwb's cache folder {folder} cannot be made ({problem})"
    try:
        fallback = _private_folder()
    except OSError as err:
        where = tempfile.gettempdir()
        raise OSError(f"{cause}, nor one in {where} ({err}); set XDG_CACHE_HOME to a writable folder.") from None
    os.environ["XDG_CACHE_HOME"] = str(fallback)
    moved = Path(platformdirs.user_cache_dir(_PYNWB))
    if moved == folder or _problem(moved) is not None:
        raise OSError(f"{cause}; set HOME (or XDG_CACHE_HOME, where it applies) so that it can be.")
    return f"{cause}; using {fallback} instead: set XDG_CACHE_HOME to a writable folder to choose one."


def _problem(folder: Path) -> str | None:
    """Return why ``folder`` cannot be made and written to (None when it can), without making it."""
    existing = folder
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} is not writable"
    return None


def _private_folder() -> Path:
    """Return the user's cache folder under the temporary folder: theirs alone, as a pickle read from it must be."""
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    folder = Path(tempfile.gettempdir()) / f"poseconv-cache-{user}"
    folder.mkdir(mode=0o700, exist_ok=True)
    found = folder.lstat()
    mine = not hasattr(os, "getuid") or found.st_uid == os.getuid()
    if not stat.S_ISDIR(found.st_mode) or not mine or found.st_mode & 0o077:
        # Made by someone else (or a link to elsewhere): what it holds could run as this user.
        return Path(tempfile.mkdtemp(prefix="poseconv-cache-"))
    return folder
