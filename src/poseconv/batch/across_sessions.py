"""Checks across the sessions of a spec: what one session's values cannot say alone.

An ``NWBFile.identifier`` names one file, so several sessions cannot share one; and one animal has one
species, sex, strain, genotype and date of birth, so the sessions of one ``subject_id`` cannot disagree on
them. Neither nwbinspector nor DANDI compares files with each other: a typo in one row of a lab's sheet
(``F`` for ``M``) would be published as two animals' worth of facts about one. Within one session, one
pose file given twice (or DeepLabCut's .csv copy beside its .h5) would be written twice
(:mod:`poseconv.repeated_inputs`): a problem of the session's later entry, found here with the rest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..model.location import is_url
from ..repeated_inputs import InputUse, Repeat, input_use, repeats, selection_hint
from .jobs import InputJob
from .report import Problem

__all__ = ["identifier_problems", "repeated_input_problems", "subject_problems"]

#: The facts of an animal that do not change from one session to the next (its age does).
_FIXED = ("species", "sex", "date_of_birth", "strain", "genotype")


def _identifier(metadata: Any) -> str | None:
    """Return the ``NWBFile.identifier`` a metadata mapping gives (empty text gives none)."""
    nwbfile = metadata.get("NWBFile") if isinstance(metadata, dict) else None
    value = nwbfile.get("identifier") if isinstance(nwbfile, dict) else None
    return str(value) if _given(value) else None


def identifier_problems(document: dict[str, Any], raw_sessions: list[Any]) -> list[Problem]:
    """Return a problem for each ``NWBFile.identifier`` that the files of several sessions would have.

    An identifier names one NWB file (nwbinspector's check_unique_identifiers is critical); without one,
    each file gets a unique identifier of its own. The spec's one is said once, the sessions' at each.
    """
    shared = _identifier(document.get("metadata"))
    first: dict[str, int] = {}
    inheriting: list[int] = []
    problems = []
    for index, raw in enumerate(raw_sessions):
        own = _identifier(raw.get("metadata") if isinstance(raw, dict) else None)
        if own is None and shared is not None:
            inheriting.append(index)
        elif own is not None and own in first:
            message = f"{own!r} is the identifier of sessions[{first[own]}]'s file too; it names one file: change it."
            problems.append(Problem(f"sessions[{index}].metadata.NWBFile.identifier", message, index))
        first.setdefault(own or shared or "", index)
    if len(inheriting) > 1 or (inheriting and first.get(shared or "") != inheriting[0]):
        sessions = ", ".join(f"sessions[{i}]" for i in inheriting[:3]) + ", ..." * (len(inheriting) > 3)
        message = (
            f"{shared!r} would be the identifier of the files of {sessions}, but an identifier names one file: "
            "remove it (each file then gets a unique one) or give each session its own in its metadata."
        )
        problems.insert(0, Problem("metadata.NWBFile.identifier", message))
    return problems


def _subject_block(metadata: Any) -> dict[str, Any]:
    block = metadata.get("Subject") if isinstance(metadata, dict) else None
    return block if isinstance(block, dict) else {}


def _given(value: Any) -> bool:
    """Whether a field holds a value: empty text is a form's field left empty, not a value (compose's rule)."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def _instant(value: Any) -> dt.datetime | dt.date | None:
    """Return a date of birth as an instant when it has a time zone, else as its date; None when it is neither."""
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.date()


def _same(field: str, one: Any, other: Any) -> bool:
    """Whether two values of ``field`` say the same: spaces and case of text aside, a date however written.

    Two species in different forms (a Latin name, an NCBI taxonomy URL) are not compared: both are DANDI's,
    and no table here tells which URL names which species.
    """
    if field == "date_of_birth":
        one_at, other_at = _instant(one), _instant(other)
        if one_at is not None and other_at is not None:
            if type(one_at) is not type(other_at):  # one with a zone, one without: compare their dates
                one_at = one_at.date() if isinstance(one_at, dt.datetime) else one_at
                other_at = other_at.date() if isinstance(other_at, dt.datetime) else other_at
            return one_at == other_at
    if field == "species" and is_url(str(one).strip()) != is_url(str(other).strip()):
        return True
    if isinstance(one, str) and isinstance(other, str):
        return one.strip().casefold() == other.strip().casefold()
    return one == other


def _subject_fields(document: dict[str, Any], raw: dict[str, Any], index: int) -> dict[str, tuple[Any, str]]:
    """Return each fixed field of a session's subject, with where the spec sets it (highest precedence wins)."""
    layers = [
        (_subject_block(document.get("metadata")), "metadata.Subject"),
        (raw.get("subject") if isinstance(raw.get("subject"), dict) else {}, f"sessions[{index}].subject"),
        (_subject_block(raw.get("metadata")), f"sessions[{index}].metadata.Subject"),
    ]
    found: dict[str, tuple[Any, str]] = {}
    for block, root in layers:
        for key in ("subject_id", *_FIXED):
            if _given(block.get(key)):
                found[key] = (block[key], f"{root}.{key}")
    return found


def subject_problems(document: dict[str, Any], raw_sessions: list[Any]) -> list[Problem]:
    """Return a problem for each session whose subject disagrees with an earlier session of the same subject.

    Compared: species, sex, date of birth, strain and genotype. A sex of ``U`` (unknown) disagrees with
    none, as it may be known only later. The first session of a subject sets what the later ones are
    compared with; the message names it, since either may be the wrong one.
    """
    first: dict[str, dict[str, tuple[Any, str]]] = {}
    problems = []
    for index, raw in enumerate(raw_sessions):
        if not isinstance(raw, dict):
            continue
        fields = _subject_fields(document, raw, index)
        if "subject_id" not in fields:
            continue
        subject_id = str(fields.pop("subject_id")[0]).strip()
        known = first.setdefault(subject_id, {})
        for key, (value, where) in fields.items():
            if key == "sex" and str(value).strip().upper() == "U":
                continue
            if key not in known:
                known[key] = (value, where)
            elif not _same(key, value, known[key][0]):
                earlier, there = known[key]
                message = (
                    f"subject {subject_id!r} has {key} {value!r} here but {earlier!r} at {there}; one animal has "
                    f"one {key.replace('_', ' ')}: correct the one that is wrong (or the subject_id)."
                )
                problems.append(Problem(where, message, index))
    return problems


def _uses(inputs: tuple[InputJob, ...] | list[InputJob]) -> list[InputUse]:
    """Return the inputs of a session as :class:`~poseconv.repeated_inputs.InputUse`, labelled by spec location."""
    from .registry import get_interface_class

    uses = []
    for job in inputs:
        try:
            cls = get_interface_class(job.interface)
        except Exception:  # noqa: BLE001 - plug-in boundary: the plan has said already why the class cannot be had
            continue
        if (use := input_use(job.location, cls, job.source_data)) is not None:
            uses.append(use)
    return uses


def _what_repeats(repeat: Repeat) -> str:
    """Return how the later input's file relates to the earlier's: the same file, or DeepLabCut's copy of it.

    Files are named by name: the problem's location is the entry that names the whole path.
    """
    later, earlier = Path(repeat.later.path).name, Path(repeat.earlier.path).name
    if not repeat.twin:
        return f"{later} is {repeat.earlier.label}'s pose file too"
    return f"{later} and {repeat.earlier.label}'s {earlier} are one analysis: DeepLabCut's .csv is a copy of the .h5"


def repeated_input_problems(inputs: list[InputJob], index: int) -> list[Problem]:
    """Return a problem for each input of session ``index`` that reads what an earlier input of it reads.

    The same file (or DeepLabCut's .csv copy of an .h5 given beside it) would be written twice, in two
    containers of one NWB file: the converter refuses it
    (:func:`~poseconv.repeated_inputs.refuse_repeated_inputs`); here it is said at the spec's entry.
    """
    problems = []
    for repeat in repeats(_uses(inputs)):
        twice = "its poses would be written twice, in two containers of one file"
        if repeat.twin:
            message = f"{_what_repeats(repeat)}: give one; given both, {twice}."
        else:
            hint = selection_hint(repeat.later, given_as="source_data.")
            message = f"{_what_repeats(repeat)}: {twice}. Give it once{hint}."
        problems.append(Problem(f"{repeat.later.label}.file_path", message, index))
    return problems
