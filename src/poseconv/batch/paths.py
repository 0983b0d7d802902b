"""Paths of a spec: relative ones from the data folder, Windows paths said, missing files named.

A spec written on one computer names paths another may not read (a Windows drive, a URL
whose content is not here); each is said as the problem of the field that names it. A path
that is missing while a name on disk differs from it only by spaces at its ends, its Unicode
form or its letter case, or that holds a control character, is said with that difference
(:mod:`poseconv.model.path_hints`, which says so of paths given to a command or in Python too).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..model.location import broken_link, content_not_here, dandi_reference, is_url, url_as_path
from ..model.path_hints import (
    Wording,
    is_windows_only,
    missing_path_hints,
    shown_path,
    windows_path_problem,
    with_folder_separators,
)

__all__ = ["missing_path", "output_path_as_folders", "resolve_path", "windows_path_problem"]

# The diagnosis of a missing path (model.path_hints) in a spec's words.
_SPEC = Wording(
    named="in the spec",
    own_name="the spec's name",
    correct="correct the spec",
    escape=(
        'a YAML \\-escape in double quotes: there "\\{letter}" is read as that character; write the path in single '
        "quotes, or with / between folders"
    ),
    variables=(
        "environment variables such as {name} are not expanded in a spec's paths: write the path itself, or give "
        "paths relative to data_folder"
    ),
)


def resolve_path(folder: Path, text: str) -> Path:
    r"""Return ``text`` as a path, relative ones taken from ``folder`` (``~`` expanded).

    A spec written on Windows separates folders with ``\``, which is a letter of a file name
    elsewhere: where no file has the name as written, its ``\`` are read as folder separators.
    A Windows drive or share path, or a URL, stays as written (:func:`missing_path` says what to do).
    """
    if is_windows_only(text) or is_url(text) or dandi_reference(text) is not None:
        # Kept as written, not joined to the data folder, so that the problem names the path or URL given.
        return Path(text)
    path = Path(with_folder_separators(text, folder)).expanduser()
    return path if path.is_absolute() else folder / path


def output_path_as_folders(text: str) -> str:
    r"""Return a path to write (a session's ``nwbfile_name``) with its ``\`` read as folder separators.

    A spec written on Windows gives ``sub-m1\sub-m1_ses-1.nwb``; elsewhere ``\`` is a letter of a file name,
    which would make one file of that name where a folder was meant (and ``..\x.nwb`` a file inside the output
    folder that Windows would write outside it). No file is written with ``\`` in its name on purpose.
    """
    return text.replace("\\", "/") if os.sep == "/" else text


def missing_path(path: Path, kind: str) -> str | None:
    """Return what is wrong with ``path`` (``kind``: ``file``, ``folder`` or ``any``), or None when it is there."""
    if (problem := windows_path_problem(path)) is not None:
        return problem
    if kind != "folder" and (absent := content_not_here(path)) is not None:
        return f"{url_as_path(path) or dandi_reference(path) or path}: {absent}"
    if kind == "folder" and (url := url_as_path(path) or dandi_reference(path)) is not None:
        return f"{url}: is a URL; a folder is read on this computer: download its files and give the local folder."
    if (broken := broken_link(path)) is not None:
        return f"{path}: {broken}"
    if kind == "file" and not path.is_file():
        return f"file not found: {_missing(path)}" if not path.exists() else f"not a file: {path}"
    if kind == "folder" and not path.is_dir():
        return f"folder not found: {_missing(path)}" if not path.exists() else f"not a folder: {path}"
    if kind == "any" and not path.exists():
        return f"not found: {_missing(path)}"
    return None


def _missing(path: Path) -> str:
    """Name the missing ``path`` (control characters written as escapes) and what may be wrong with it."""
    return shown_path(path) + missing_path_hints(path, _SPEC)
