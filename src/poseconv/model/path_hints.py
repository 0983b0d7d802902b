r"""What may be wrong with a path that names nothing here: the one diagnosis of spec, command-line and Python paths.

A path written on one computer may not be read on another (a Windows drive or share, ``\`` between
folders); a path that is missing while a name on disk differs from it only by spaces at its ends, its
Unicode form or its letter case, or that holds a control character or an environment variable, is said
with that difference. The near name is never used in the path's place. A spec (:mod:`poseconv.batch.paths`)
and a path given to a command or an interface (:func:`poseconv.model.location.input_not_here`) get the
same diagnosis, each in its own words (:class:`Wording`).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "GIVEN",
    "Wording",
    "folded_name",
    "is_windows_only",
    "missing_path_hints",
    "not_found_here",
    "shown_path",
    "windows_path_problem",
    "with_folder_separators",
]


# A path only Windows reads: a drive ("C:\\data", "D:/data") or a network share ("\\\\server\\share").
_WINDOWS_ONLY = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")

# A shell's variable ($HOME, ${DATA}) or Windows' (%USERPROFILE%), which paths are not expanded for.
_VARIABLE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_][A-Za-z0-9_]*%")

_WINDOWS_PATH = "is a Windows path, which this computer cannot open; give its path on this computer"


@dataclass(frozen=True)
class Wording:
    r"""The words a diagnosis uses for where the path was written (a spec, or given to a command or in Python).

    Attributes
    ----------
    named : str
        Where a name was written, after it (``'a.h5 ' in the spec``).
    own_name : str
        The name as written, said of its spaces (``the spec's name``).
    correct : str
        What to correct, for a near name (``correct the spec``).
    escape : str
        What reads a ``\``-escape as a control character, and what to write instead; ``{letter}`` is its letter.
    variables : str
        That environment variables are not expanded, and what to do; ``{name}`` is the first one.
    """

    named: str
    own_name: str
    correct: str
    escape: str
    variables: str


#: The words for a path given to a command (``convert INPUT``, ``--video``) or to an interface in Python.
GIVEN = Wording(
    named="as given",
    own_name="the name given",
    correct="correct the path",
    escape=(
        'a \\-escape of a Python string: there "\\{letter}" is read as that character; write the path as a raw '
        'string (r"..."), or with / between folders'
    ),
    variables=(
        "environment variables such as {name} are not expanded in the paths poseconv is given: write the path itself"
    ),
)


def is_windows_only(text: str) -> bool:
    """Whether ``text`` is a path only Windows reads (a drive or a share), on a computer that is not Windows."""
    return os.sep == "/" and _WINDOWS_ONLY.match(text) is not None


def with_folder_separators(text: str, folder: Path | None) -> str:
    r"""Return ``text`` with its ``\`` read as folder separators when it was written on Windows.

    Off Windows ``\`` is a letter of a file name: a relative path written on Windows (``data\videos``) has its
    ``\`` turned to ``/`` unless a file has the name as written (a relative one looked for in ``folder``). A
    batch spec's paths and a Lightning Pose config's video folders are read so.
    """
    if os.sep != "/" or "\\" not in text:
        return text
    try:
        as_written = Path(text).expanduser()
    except RuntimeError:  # "~\lp\videos" names a user "\lp\videos", whom this computer does not know
        as_written = Path(text)
    if not as_written.is_absolute() and folder is not None:
        as_written = folder / as_written
    return text if os.path.lexists(as_written) else text.replace("\\", "/")


def windows_path_problem(path: Path | str, *, relative_hint: bool = True) -> str | None:
    """Return why ``path`` cannot be used here when it names a Windows drive or share off Windows; else None.

    ``relative_hint`` adds that input paths may be given relative to ``data_folder`` (a spec's).
    """
    if not is_windows_only(str(path)):
        return None
    hint = " (or set data_folder and give paths relative to it)" if relative_hint else ""
    return f"{path} {_WINDOWS_PATH}{hint}."


def not_found_here(path: Path) -> str | None:
    r"""Say why a missing ``path`` given to a command or an interface names nothing here, when more can be said.

    A Windows path, a ``\`` between folders, a near name on disk, a control character or an environment
    variable (:func:`missing_path_hints`, in :data:`GIVEN`'s words); None when ``path`` exists or nothing
    more than "not found" can be said (the caller's own words then).
    """
    if os.path.lexists(path):
        return None
    if is_windows_only(str(path)):
        return f"{_WINDOWS_PATH}."
    hints = missing_path_hints(path, GIVEN)
    return f"not found{hints}." if hints else None


def shown_path(path: Path | str) -> str:
    """Return ``path`` with its control characters written as escapes, so that a terminal shows them."""
    return "".join(c.encode("unicode_escape").decode("ascii") if _is_control(c) else c for c in str(path))


def missing_path_hints(path: Path, wording: Wording) -> str:
    r"""Say what may be wrong with the missing ``path``, each hint in parentheses; ``""`` when nothing is seen.

    A control character, ``\`` between folders, a near name on disk, an environment variable: each is said;
    the path meant is never used in the path's place.
    """
    return (
        _control_hint(path, wording)
        + _backslash_hint(path)
        + _near_name_hint(path, wording)
        + _variables_hint(path, wording)
    )


def _is_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc"


def _variables_hint(path: Path, wording: Wording) -> str:
    """Say that environment variables are not expanded when a missing ``path`` names one."""
    names = _VARIABLE.findall(str(path))
    return f" ({wording.variables.format(name=names[0])})" if names else ""


def _backslash_hint(path: Path) -> str:
    r"""Say that ``\`` separates folders only on Windows when the path with ``/`` in their place exists.

    A spec reads them so (:func:`poseconv.batch.paths.resolve_path`); a path given elsewhere is named, not read
    in another's place.
    """
    text = str(path)
    if os.sep != "/" or "\\" not in text or not os.path.exists(meant := text.replace("\\", "/")):
        return ""
    return f" (\\ separates folders only on Windows: did you mean {meant}? give / between folders)"


# The letter after a backslash that a YAML double-quoted string reads as each control character, and its name.
_ESCAPES = {
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


def _control_hint(path: Path, wording: Wording) -> str:
    r"""Say that ``path`` holds a control character, most often a ``\``-escape (YAML double quotes, Python).

    ``"data\brief.mp4"`` in YAML double quotes, or a Python string, is ``data``, a backspace and ``rief.mp4``:
    a Windows path whose ``\`` and the next letter were read as one character. The path with that ``\`` read
    as a folder separator is named when it exists.
    """
    text = str(path)
    controls = [c for c in dict.fromkeys(text) if _is_control(c)]
    if not controls:
        return ""
    named = ", ".join(f"U+{ord(c):04X} ({_ESCAPES.get(c, ('', 'a control character'))[1]})" for c in controls)
    hint = f" (the path holds a control character: {named}"
    escaped = [c for c in controls if c in _ESCAPES]
    if escaped:
        hint += "; " + wording.escape.format(letter=_ESCAPES[escaped[0]][0])
        meant = "".join(f"/{_ESCAPES[c][0]}" if c in _ESCAPES else c for c in text)
        if os.path.exists(meant):
            hint += f"; did you mean {meant}?"
    return hint + ")"


def _near_name_hint(path: Path, wording: Wording) -> str:
    """Say where a missing ``path`` differs from names on disk only by end spaces, Unicode form or letter case.

    Each level from the last existing folder down is looked up (one folder listing each, only for
    a missing path): a name found there is followed, so that a near folder and a near file name are
    both said. The file found is never used in the path's place: the path is to be corrected.
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
        differences.append(_how_differs(part, on_disk, wording))
        here = here / on_disk
    else:
        if differences:
            said = "; ".join(differences)
            return f" (did you mean {here}? {said}; {wording.correct}: poseconv uses no other name in its place)"
    return f" ({'; '.join(differences)})" if differences else ""


def _near_entry(folder: Path, name: str) -> str | None:
    """Return the entry of ``folder`` equal to ``name`` once spaces at the ends, Unicode form and case are set aside."""
    try:
        by_key = _loose_listing(str(folder), folder.stat().st_mtime_ns)
    except (OSError, ValueError):
        return None
    matches = by_key.get(_loose(name), [])
    # The name that needs the fewest allowances (only the case, say, rather than the case and the spaces).
    return min(matches, key=lambda entry: len(_differences(name, entry, GIVEN)), default=None)


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
    return folded_name(name.strip())


def folded_name(name: str) -> str:
    """Return ``name`` as macOS compares file names: letter case and Unicode form (NFC or NFD) left out."""
    # Canonical forms only: NFKC would take "\ufb01" for "fi", which no file system does.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def _how_differs(written: str, on_disk: str, wording: Wording) -> str:
    """Say how a name as written differs from the near name on disk (:func:`_loose` finds them equal)."""
    # Another Unicode form looks the same: written with escapes, the two names show the difference.
    shown = repr if written.strip().casefold() == on_disk.strip().casefold() else ascii
    differences = ", and ".join(_differences(written, on_disk, wording))
    return f"{shown(written)} {wording.named} is {shown(on_disk)} on disk: {differences}"


def _differences(written: str, on_disk: str, wording: Wording) -> list[str]:
    """Return each way a name as written differs from a name on disk that :func:`_loose` finds equal to it."""
    said = []
    if written != written.strip():
        said.append(f"{wording.own_name} has spaces at its start or end (a spreadsheet cell's, perhaps)")
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
