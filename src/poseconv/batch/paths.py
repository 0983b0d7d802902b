"""Paths of a spec: relative ones from the data folder, Windows paths said, missing files named.

A spec written on one computer names paths another may not read (a Windows drive, a URL
whose content is not here); each is said as the problem of the field that names it. A path
that is missing while a name on disk differs from it only by spaces at its ends, its Unicode
form or its letter case, or that holds a control character, is said with that difference.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path

from ..model.location import broken_link, content_not_here, dandi_reference, is_url, url_as_path

__all__ = ["missing_path", "output_path_as_folders", "resolve_path", "windows_path_problem"]


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


def output_path_as_folders(text: str) -> str:
    r"""Return a path to write (a session's ``nwbfile_name``) with its ``\`` read as folder separators.

    A spec written on Windows gives ``sub-m1\sub-m1_ses-1.nwb``; elsewhere ``\`` is a letter of a file name,
    which would make one file of that name where a folder was meant (and ``..\x.nwb`` a file inside the output
    folder that Windows would write outside it). No file is written with ``\`` in its name on purpose.
    """
    return text.replace("\\", "/") if os.sep == "/" else text


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
    """Name the missing ``path`` (control characters written as escapes) and what may be wrong with it.

    A control character, a near name on disk, an environment variable: each is said; the near name is never
    used in the path's place.
    """
    shown = "".join(c.encode("unicode_escape").decode("ascii") if _is_control(c) else c for c in str(path))
    return shown + _control_hint(path) + _near_name_hint(path) + _variables_hint(path)


def _is_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc"


def _variables_hint(path: Path) -> str:
    """Say that a spec's paths are taken as written when a missing ``path`` names an environment variable."""
    names = _VARIABLE.findall(str(path))
    if not names:
        return ""
    return (
        f" (environment variables such as {names[0]} are not expanded in a spec's paths: write the path itself, "
        "or give paths relative to data_folder)"
    )


# The letter after a backslash that a YAML double-quoted string reads as each control character, and its name.
_YAML_ESCAPES = {
    "\0": ("0", "NUL"),
    "\a": ("a", "bell"),
    "\b": ("b", "backspace"),
    "\t": ("t", "tab"),
    "\n": ("n", "line feed"),
    "\v": ("v", "vertical tab"),
    "\f": ("f", "form feed"),
    "\r": ("r", "carriage return"),
    "\x1b": ("e", "escape"),
}


def _control_hint(path: Path) -> str:
    r"""Say that ``path`` holds a control character, most often a YAML ``\``-escape in double quotes.

    ``"data\brief.mp4"`` in YAML double quotes is ``data``, a backspace and ``rief.mp4``: a Windows
    path whose ``\`` and the next letter were read as one character. The path with that ``\`` read
    as a folder separator is named when it exists.
    """
    text = str(path)
    controls = [c for c in dict.fromkeys(text) if _is_control(c)]
    if not controls:
        return ""
    named = ", ".join(f"U+{ord(c):04X} ({_YAML_ESCAPES.get(c, ('', 'a control character'))[1]})" for c in controls)
    hint = f" (the path holds a control character: {named}"
    escaped = [c for c in controls if c in _YAML_ESCAPES]
    if escaped:
        hint += (
            f'; a YAML \\-escape in double quotes: there "\\{_YAML_ESCAPES[escaped[0]][0]}" is read as that '
            "character; write the path in single quotes, or with / between folders"
        )
        meant = "".join(f"/{_YAML_ESCAPES[c][0]}" if c in _YAML_ESCAPES else c for c in text)
        if os.path.exists(meant):
            hint += f"; did you mean {meant}?"
    return hint + ")"


def _near_name_hint(path: Path) -> str:
    """Say where a missing ``path`` differs from names on disk only by end spaces, Unicode form or letter case.

    Each level from the last existing folder down is looked up (one folder listing each, only for
    a missing path): a name found there is followed, so that a near folder and a near file name are
    both said. The file found is never used in the path's place: the spec is to be corrected.
    """
    differences: list[str] = []
    here = Path(path.anchor) if path.is_absolute() else Path()
    parts = path.parts[1:] if path.is_absolute() else path.parts
    for part in parts:
        if os.path.lexists(here / part):
            here = here / part
            continue
        on_disk = _near_entry(here, part)
        if on_disk is None:
            break
        differences.append(_how_differs(part, on_disk))
        here = here / on_disk
    else:
        if differences:
            said = "; ".join(differences)
            return f" (did you mean {here}? {said}; correct the spec: poseconv uses no other name in its place)"
    return f" ({'; '.join(differences)})" if differences else ""


def _near_entry(folder: Path, name: str) -> str | None:
    """Return the entry of ``folder`` equal to ``name`` once spaces at the ends, Unicode form and case are set aside."""
    try:
        by_key = _loose_listing(str(folder), folder.stat().st_mtime_ns)
    except (OSError, ValueError):
        return None
    matches = by_key.get(_loose(name), [])
    # The name that needs the fewest allowances (only the case, say, rather than the case and the spaces).
    return min(matches, key=lambda entry: len(_differences(name, entry)), default=None)


@functools.lru_cache(maxsize=16)
def _loose_listing(folder: str, mtime_ns: int) -> dict[str, list[str]]:
    """Return the entries of ``folder`` by their loose name (:func:`_loose`).

    Kept per folder (and its modification time, so a changed folder is listed again): a spec of hundreds
    of sessions whose files are not there yet, in a flat data folder of 100,000 files, listed and
    normalised it once per missing path (0.2 s each; ``run --check`` took 15 times as long).
    """
    by_key: dict[str, list[str]] = {}
    for entry in sorted(os.listdir(folder)):
        by_key.setdefault(_loose(entry), []).append(entry)
    return by_key


def _loose(name: str) -> str:
    return unicodedata.normalize("NFC", name.strip()).casefold()


def _how_differs(written: str, on_disk: str) -> str:
    """Say how a name as written differs from the near name on disk (:func:`_loose` finds them equal)."""
    # Another Unicode form looks the same: written with escapes, the two names show the difference.
    shown = repr if written.strip().casefold() == on_disk.strip().casefold() else ascii
    return f"{shown(written)} in the spec is {shown(on_disk)} on disk: {', and '.join(_differences(written, on_disk))}"


def _differences(written: str, on_disk: str) -> list[str]:
    """Return each way a name as written differs from a name on disk that :func:`_loose` finds equal to it."""
    said = []
    if written != written.strip():
        said.append("the spec's name has spaces at its start or end (a spreadsheet cell's, perhaps)")
    if on_disk != on_disk.strip():
        said.append("the name on disk has spaces at its start or end")
    written, on_disk = written.strip(), on_disk.strip()
    if written.casefold() != on_disk.casefold():
        said.append(
            "the same letters in another Unicode normalization (NFC vs NFD: an accented letter as one character or "
            "as a letter and an accent, as macOS writes names)"
        )
    if unicodedata.normalize("NFC", written) != unicodedata.normalize("NFC", on_disk):
        said.append("the letter case differs")
    return said
