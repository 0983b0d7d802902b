"""The sessions of a spec that repeat another's session ID or output file, or write where they may not.

A spec's ``session_id`` names one session (its NWB file, its line in the report); two sessions of one ID
are a problem even when their files differ (two animals' ``day1``): said with the way to write the same
``NWBFile.session_id`` in both files.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Any

from ..model.path_hints import folded_name
from .inputs import windows_path_problem
from .report import Problem

__all__ = ["STUB_FOLDER", "Clashes"]

#: The folder of ``output_folder`` where a stub run (``--stub``) writes its test files, as CatalystNeuro's
#: conversion scripts do: at the sessions' own paths, a real run would take them as finished and skip them.
STUB_FOLDER = "nwb_stub"


class Clashes:
    """The session IDs and output files seen so far, to find the sessions that repeat one.

    ``stub_test``: the outputs are test files, in the stub folder; otherwise a real output may not be there.
    """

    def __init__(self, output_folder: Path, stub_test: bool = False) -> None:
        self.output_folder = output_folder.resolve()
        self.as_written = _normalised(output_folder)
        self.stub_folder = None if stub_test else self.output_folder / STUB_FOLDER
        self.ids: dict[str, int] = {}
        self.outputs: dict[Path, tuple[int, Path]] = {}

    def problems(self, raw: Any, index: int, session_id: str, output: Path) -> list[Problem]:
        """Return the problems of session ``index``'s ID and output file, and remember them."""
        problems: list[Problem] = []
        if session_id in self.ids:
            message = f"{session_id!r} is also sessions[{self.ids[session_id]}]. {_unique_id(raw, session_id)}"
            problems.append(Problem(f"sessions[{index}].session_id", message, index))
        self.ids.setdefault(session_id, index)
        resolved = output.resolve()
        # Names that differ only in case, or in Unicode form, are one file on macOS (case on Windows too): the
        # second would replace the first.
        key = Path(folded_name(str(resolved)))
        if key in self.outputs:
            where = "nwbfile_name" if isinstance(raw, dict) and raw.get("nwbfile_name") else "session_id"
            other, other_output = self.outputs[key]
            message = f"writes {output}, as sessions[{other}] does."
            if other_output != resolved:
                message = _alike(output, other, other_output)
            problems.append(Problem(f"sessions[{index}].{where}", message, index))
        self.outputs.setdefault(key, (index, resolved))
        name = raw.get("nwbfile_name") if isinstance(raw, dict) else None
        # A Windows drive or share (C:\nwb\s1.nwb) is outside output_folder too; read as folders, it would be in it.
        # Inside where it really goes (output_folder may be a link), or as written: a subfolder may be a link to
        # another disk. After a link '..' climbs from the link's target: a name with '..' must really go inside.
        inside = resolved.is_relative_to(self.output_folder) or (
            ".." not in output.parts and _normalised(output).is_relative_to(self.as_written)
        )
        if not inside or windows_path_problem(str(name or "")) is not None:
            problems.append(Problem(f"sessions[{index}].nwbfile_name", "must stay inside output_folder.", index))
        elif self.stub_folder is not None and resolved.is_relative_to(self.stub_folder):
            message = f"{STUB_FOLDER}/ is where --stub writes its test files; choose another folder."
            problems.append(Problem(f"sessions[{index}].nwbfile_name", message, index))
        return problems


def _alike(output: Path, other: int, other_output: Path) -> str:
    """Say that ``output`` and sessions[``other``]'s ``other_output`` are one file on macOS (and Windows: case)."""
    mine, theirs = str(output.resolve()), str(other_output)
    if mine.casefold() == theirs.casefold():
        return (
            f"writes {output}, and sessions[{other}] writes {other_output}: the names differ only in case, which "
            "makes them one file on macOS and Windows; name them apart."
        )
    same_case = unicodedata.normalize("NFC", mine) == unicodedata.normalize("NFC", theirs)
    case = "" if same_case else "letter case and "
    # Both Unicode forms print alike: written with escapes, the names show the difference.
    return (
        f"writes {ascii(str(output))}, and sessions[{other}] writes {ascii(theirs)}: the names differ only in "
        f"{case}Unicode normalization (NFC vs NFD: an accented letter as one character or as a letter and an accent, "
        "as macOS writes names), which makes them one file on macOS; name them apart."
    )


def _normalised(path: Path) -> Path:
    """``path`` absolute, with ``.`` and ``..`` taken away as written, symbolic links kept (not resolved)."""
    return Path(os.path.normpath(os.path.abspath(path)))


def _unique_id(raw: Any, session_id: str) -> str:
    """Say that a spec's session_id is unique, and how two sessions' files get the same ``NWBFile.session_id``.

    DANDI's layout names each animal's sessions alike (``sub-m1_ses-day1``, ``sub-m2_ses-day1``): the spec's
    ID tells the sessions apart, the metadata's is the one written.
    """
    subject = raw.get("subject") if isinstance(raw, dict) else None
    subject_id = subject.get("subject_id") if isinstance(subject, dict) else None
    unique = f"{subject_id}-{session_id}" if isinstance(subject_id, str) and subject_id else f"{session_id}-2"
    return (
        "A spec's session_id names one session of the spec, so it must be unique within it. For the same "
        f"NWBFile.session_id in two NWB files, give this session its own (session_id: {unique}) and the one to "
        f"write in its metadata: {{NWBFile: {{session_id: {session_id}}}}}."
    )
