"""pynwb's cache folder, which importing pynwb makes: one that cannot be made is replaced before it is imported.

pynwb makes ``<user cache folder>/pynwb-hdmf/<pynwb version>-<hdmf version>`` when it is imported, with
platformdirs (``$XDG_CACHE_HOME``, else ``~/.cache``, on Linux), which also refuses a folder another user owns
or can write. With a HOME that cannot hold it (read-only, ``HOME=/`` for a user who is not root, HOME a file,
HOME writable by others), every import of pynwb failed: ``convert`` said a bare ``[Errno 17] File exists``,
``run`` printed its workers' tracebacks. The commands (:func:`poseconv.cli._common.command_errors`) and the
batch's worker processes (:mod:`poseconv.batch.worker_imports`) call :func:`usable_cache_folder` first: it asks
platformdirs for the folder exactly as pynwb will, and where that fails, points the cache at a folder of the
user's own under the temporary folder, and the command says so.
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

    The folder is made as pynwb would make it on import (so a cache made read-only beforehand, where pynwb
    finds it, is used as it is). Otherwise the folder is ``<temporary folder>/poseconv-cache-<user id>``,
    made private (pynwb loads a pickle from it), or a fresh one when that name is taken by another user or
    is not a private folder.

    Returns
    -------
    str or None
        What was changed, in a sentence to give as a warning; None when pynwb's cache folder can be made.

    Raises
    ------
    OSError
        When no cache folder can be made (a platform whose cache folder ``XDG_CACHE_HOME`` does not
        move, a temporary folder that cannot be written): one line naming the folder and what to set.
    """
    folder, problem = _pynwb_cache()
    if problem is None:
        return None
    cause = f"pynwb's cache folder {folder} cannot be made ({problem})"
    try:
        fallback = _private_folder()
    except OSError as err:
        where = tempfile.gettempdir()
        raise OSError(f"{cause}, nor one in {where} ({err}); set XDG_CACHE_HOME to a writable folder.") from None
    os.environ["XDG_CACHE_HOME"] = str(fallback)
    moved, still = _pynwb_cache()
    if moved == folder or still is not None:
        raise OSError(f"{cause}; set HOME (or XDG_CACHE_HOME, where it applies) so that it can be.")
    return f"{cause}; using {fallback} instead: set XDG_CACHE_HOME to a writable folder to choose one."


def _pynwb_cache() -> tuple[Path, str | None]:
    """Return pynwb's cache folder and why platformdirs cannot make it (None when it is made), as pynwb asks."""
    from importlib.metadata import version

    from platformdirs import PlatformDirs

    dirs = PlatformDirs(appname=_PYNWB, version=f"{version('pynwb')}-{version('hdmf')}")
    folder = dirs.user_cache_path
    dirs.ensure_exists = True
    try:
        dirs.user_cache_path  # noqa: B018 - reading it with ensure_exists makes the folder, as importing pynwb does
    except (OSError, RuntimeError) as err:  # RuntimeError: no home folder known
        return folder, str(err)
    return folder, None


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
