"""Paths of a spec: relative ones from the data folder, Windows paths said, missing files named.

A spec written on one computer names paths another may not read (a Windows drive, a URL
whose content is not here); each is said as the problem of the field that names it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..model.location import content_not_here, dandi_reference, is_url, url_as_path

__all__ = ["missing_path", "resolve_path", "windows_path_problem"]


# A path only Windows reads: a drive ("C:\\data", "D:/data") or a network share ("\\\\server\\share").
_WINDOWS_ONLY = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")

# A shell's variable ($HOME, ${DATA}) or Windows' (%USERPROFILE%), which a spec's paths do not expand.
_VARIABLE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_][A-Za-z0-9_]*%")


def resolve_path(folder: Path, text: str) -> Path:
    r"""Return ``text`` as a path, relative ones taken from ``folder`` (``~`` expanded).

    A spec written on Windows separates folders with ``\``, which is a letter of a file name
    elsewhere: where no file has the name as written, its ``\`` are read as folder separators.
    A Windows drive or share path, or a URL, stays as written (:func:`missing_path` says what to do).
    """
    if (os.sep == "/" and _WINDOWS_ONLY.match(text)) or is_url(text) or dandi_reference(text) is not None:
        # Kept as written, not joined to the data folder, so that the problem names the path or URL given.
        return Path(text)
    if os.sep == "/" and "\\" in text:
        as_written = Path(text).expanduser()
        as_written = as_written if as_written.is_absolute() else folder / as_written
        if not as_written.exists():
            text = text.replace("\\", "/")
    path = Path(text).expanduser()
    return path if path.is_absolute() else folder / path


def windows_path_problem(path: Path | str, *, relative_hint: bool = True) -> str | None:
    """Return why ``path`` cannot be used here when it names a Windows drive or share off Windows; else None.

    ``relative_hint`` adds that input paths may be given relative to ``data_folder``.
    """
    if os.sep != "/" or not _WINDOWS_ONLY.match(str(path)):
        return None
    hint = " (or set data_folder and give paths relative to it)" if relative_hint else ""
    return f"{path} is a Windows path, which this computer cannot open; give its path on this computer{hint}."


def missing_path(path: Path, kind: str) -> str | None:
    """Return what is wrong with ``path`` (``kind``: ``file``, ``folder`` or ``any``), or None when it is there."""
    if (problem := windows_path_problem(path)) is not None:
        return problem
    if kind != "folder" and (absent := content_not_here(path)) is not None:
        return f"{url_as_path(path) or dandi_reference(path) or path}: {absent}"
    if kind == "file" and not path.is_file():
        return f"file not found: {path}{_variables_hint(path)}" if not path.exists() else f"not a file: {path}"
    if kind == "folder" and not path.is_dir():
        return f"folder not found: {path}{_variables_hint(path)}" if not path.exists() else f"not a folder: {path}"
    if kind == "any" and not path.exists():
        return f"not found: {path}{_variables_hint(path)}"
    return None


def _variables_hint(path: Path) -> str:
    """Say that a spec's paths are taken as written when a missing ``path`` names an environment variable."""
    names = _VARIABLE.findall(str(path))
    if not names:
        return ""
    return (
        f" (environment variables such as {names[0]} are not expanded in a spec's paths: write the path itself, "
        "or give paths relative to data_folder)"
    )
