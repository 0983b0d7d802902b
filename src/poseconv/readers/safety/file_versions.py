"""Facts learnt about an input file, kept for as long as the file is unchanged.

Detecting a file's format, checking it and reading it each ask the same questions of the same
file (is its HDF5 structure safe to open? which tables does its pandas store hold? are its rows
labeled images?). Every answer here is a function of the file's content only, so it is kept per
*version* of the file, :func:`file_version` (path, size, modification and change times, inode):
a file rewritten in place is a new version and is asked again.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = ["MAX_VERSIONS", "FileVersion", "file_version", "per_file_version"]

#: Answers kept per function: far more files than a batch opens at once, bounded all the same.
MAX_VERSIONS = 1024

FileVersion = tuple[str, int, int, int, int]
_T = TypeVar("_T")


def file_version(path: str | Path) -> FileVersion:
    """Return what identifies this version of ``path``: absolute path, size, mtime, ctime, inode.

    Raises
    ------
    OSError
        When the file cannot be looked at.
    """
    stat = os.stat(path)
    return (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def per_file_version(function: Callable[[Path], _T]) -> Callable[[Path], _T]:
    """Remember ``function(path)`` for each version of the file (:func:`file_version`).

    Only answers are kept: an exception propagates and the next call asks the file again. A path
    that cannot be looked at is passed through uncached, so ``function`` words that failure itself.

    Parameters
    ----------
    function : callable
        A function of one file path whose answer depends on the file's content only.

    Returns
    -------
    callable
        The same function, answering from memory for a version of a file it has seen.
    """
    answers: dict[FileVersion, _T] = {}

    @functools.wraps(function)
    def remembered(path: Path) -> _T:
        try:
            version = file_version(path)
        except (OSError, ValueError):
            # Missing, unreadable or an unencodable name: the function says what is wrong.
            return function(path)
        if version not in answers:
            if len(answers) >= MAX_VERSIONS:
                answers.pop(next(iter(answers)))
            answers[version] = function(path)
        return answers[version]

    remembered.cache_clear = answers.clear  # type: ignore[attr-defined]
    return remembered
