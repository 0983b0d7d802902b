"""Checks across the sessions of a spec: what one session's values cannot say alone.

An ``NWBFile.identifier`` names one file, so several sessions cannot share one; and one animal has one
species, sex, strain, genotype and date of birth, so the sessions of one ``subject_id`` cannot disagree on
them. Neither nwbinspector nor DANDI compares files with each other: a typo in one row of a lab's sheet
(``F`` for ``M``) would be published as two animals' worth of facts about one. So would a pose file
copied into a second session's row: the same poses as two sessions' (two subjects') data, unless each
session keeps animals (or videos) of its own (:mod:`poseconv.repeated_inputs`). Within one session, the
same file given twice would be written twice; that is a problem of the session's entry, found here too.
DANDI names files by subject and session IDs with some characters replaced (``m_2`` and ``m-2`` are both
``sub-m-2``): two IDs that become one would merge two animals (or sessions) when ``dandi organize`` runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

from ..metadata.checks import date_of_birth_problem, space_problem
from ..metadata.empty_fields import is_given
from ..model.location import is_url
from ..repeated_inputs import InputUse, Repeat, Repeats, copy_of, input_use, repeats, selection_hint
from .jobs import InputJob, SessionJob
from .report import Problem

__all__ = [
    "dandi_label",
    "dandi_name_problems",
    "identifier_problems",
    "repeated_input_problems",
    "shared_pose_file_problems",
    "subject_problems",
    "written_ids",
]

#: The facts of an animal that do not change from one session to the next (its age does).
_FIXED = ("species", "sex", "date_of_birth", "strain", "genotype")

#: What ``dandi organize`` replaces with "-" in a subject or session ID (dandi.organize._sanitize_value, which
#: is not public: a test compares the two): ``_`` separates its name's parts, the rest are unsafe in paths.
_DANDI_REPLACED = re.compile(r"[_*\\/<>:|\"'?%@;,\s.]")


def dandi_label(value: str) -> str:
    """Return what ``dandi organize`` makes of a subject or session ID in its file names (``m_2`` -> ``m-2``)."""
    return _DANDI_REPLACED.sub("-", value)


def _identifier(metadata: Any) -> str | None:
    """Return the ``NWBFile.identifier`` a metadata mapping gives (empty text gives none)."""
    nwbfile = metadata.get("NWBFile") if isinstance(metadata, dict) else None
    value = nwbfile.get("identifier") if isinstance(nwbfile, dict) else None
    return str(value) if is_given(value) else None


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
            if is_given(block.get(key)):
                found[key] = (block[key], f"{root}.{key}")
    return found


@functools.cache
def _subject_validators() -> dict[str, Any]:
    """Return a validator of each fixed field of the Subject metadata (the schema's refusals of its values)."""
    from jsonschema import Draft7Validator

    from ..metadata.schema import metadata_schema

    fields = metadata_schema()["properties"]["Subject"]["properties"]
    return {key: Draft7Validator(fields[key]) for key in _FIXED if key in fields}


def _passes(key: str, value: Any) -> bool:
    """Whether ``value`` of a subject's ``key`` passes its own checks (a value refused is said at its own field)."""
    validator = _subject_validators().get(key)
    if validator is not None and not validator.is_valid(value):
        return False
    if key == "date_of_birth" and date_of_birth_problem(value) is not None:
        return False
    return space_problem(value) is None


def _in_row(where: str, index: int) -> tuple[str, str]:
    """Return the session's field a subject's value is said at, and where it comes from when not from there.

    The spec's ``metadata.Subject`` is every session's: a conflict is said at the session's row
    (``sessions[1].subject.sex``), the row to fix or whose ``subject_id`` to check.
    """
    if not where.startswith("metadata."):
        return where, ""
    return f"sessions[{index}].subject.{where.rsplit('.', 1)[-1]}", where


def subject_problems(document: dict[str, Any], raw_sessions: list[Any]) -> list[Problem]:
    """Return a problem for each session whose subject disagrees with an earlier session of the same subject.

    Compared: species, sex, date of birth, strain and genotype, each only where it passes its own checks
    (a sex ``male`` is refused at its field; a later session's ``M`` is not wrong by comparison with it). A
    sex of ``U`` (unknown) disagrees with none, as it may be known only later. The first session of a
    subject sets what the later ones are compared with; the message names it, since either may be the
    wrong one. A value the spec's metadata gives is said at the session's row, naming where it comes from.
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
        # DANDI's name of the animal: IDs it makes one are one animal on DANDI (dandi_name_problems says so).
        known = first.setdefault(dandi_label(subject_id), {})
        for key, (value, where) in fields.items():
            if (key == "sex" and str(value).strip().upper() == "U") or not _passes(key, value):
                continue
            row, source = _in_row(where, index)
            if key not in known:
                known[key] = (value, f"{row} (from {source})" if source else row)
            elif not _same(key, value, known[key][0]):
                earlier, there = known[key]
                here = f"here (from {source})" if source else "here"
                fix = (
                    f"(for this session, set it in its subject: {source} is every session's) or the subject_id"
                    if source
                    else "(or the subject_id)"
                )
                message = (
                    f"subject {subject_id!r} has {key} {value!r} {here} but {earlier!r} at {there}; one animal has "
                    f"one {key.replace('_', ' ')}: correct the one that is wrong {fix}."
                )
                problems.append(Problem(row, message, index))
    return problems


def _session_id(raw: dict[str, Any], index: int) -> tuple[str, str] | None:
    """Return the ``NWBFile.session_id`` a session's file gets and where the spec sets it; None when none is."""
    own = raw.get("metadata", {}).get("NWBFile") if isinstance(raw.get("metadata"), dict) else None
    if isinstance(own, dict) and is_given(own.get("session_id")):
        return str(own["session_id"]).strip(), f"sessions[{index}].metadata.NWBFile.session_id"
    if is_given(raw.get("session_id")):
        return str(raw["session_id"]).strip(), f"sessions[{index}].session_id"
    return None


def written_ids(job: SessionJob) -> tuple[str | None, str | None]:
    """Return the ``session_id`` and ``subject_id`` a session's NWB file gets (None for one it sets nowhere).

    Each from the layer that wins, as the conversion composes them: a re-run compares them with the ones
    of the file at the session's path, which may be another session's.
    """
    document = {"metadata": job.global_metadata}
    raw = {"session_id": job.session_id, "subject": job.subject, "metadata": job.session_metadata}
    own = _session_id(raw, job.index)
    subject = _subject_fields(document, raw, job.index).get("subject_id")
    return (own[0] if own else None), (str(subject[0]).strip() if subject else None)


def _merged(kind: str, value: str, earlier: tuple[str, str], prefix: str) -> str:
    """Return the message for an ID that DANDI makes the same as an earlier, different one."""
    what = "animal" if prefix == "sub" else "session"
    return (
        f"{kind} {value!r} and {earlier[0]!r} ({earlier[1]}) are one name on DANDI: `dandi organize` writes _ . "
        f"spaces and signs as - and names both {prefix}-{dandi_label(value)}, so their files would be taken as one "
        f"{what}'s. Write the ID as there if it is the same {what}, else give one an ID that differs in letters or "
        "digits."
    )


def _origin(raw: dict[str, Any], index: int) -> str:
    """Return where a session's effective ``session_id`` comes from, with the row's ID it replaces if it does."""
    where = _session_id(raw, index)
    row = raw.get("session_id")
    if where is None or not where[1].endswith(".metadata.NWBFile.session_id") or not is_given(row):
        return where[1] if where is not None else f"sessions[{index}].session_id"
    return f"{where[1]}, which replaces its session_id {str(row).strip()!r} in its file"


def _repeated_session(raw_sessions: list[Any], first: int, index: int, ids: tuple[str, str]) -> str | None:
    """Return the problem of session ``index`` writing the session ID that session ``first`` writes.

    ``ids`` are that session ID and the subject ID both sessions have. Said when a session's
    ``metadata.NWBFile.session_id`` replaces its row's ID with another session's: two files of one animal
    would then say one session, which DANDI takes as one. None when both are the rows' own ``session_id``
    (the plan says that two rows share one).
    """
    earlier, later = raw_sessions[first], raw_sessions[index]
    if earlier.get("session_id") == later.get("session_id"):
        return None
    value, subject = ids
    return (
        f"session_id {value!r} (from {_origin(later, index)}) is the session ID of sessions[{first}]'s file too "
        f"(from {_origin(earlier, first)}), and both sessions are of subject {subject!r}: the two files would say one "
        "session, which DANDI takes as one (`dandi organize` leaves the session out of their names). Give each "
        "session its own ID: a session's metadata.NWBFile.session_id replaces its session_id, so remove it (or "
        "change it) where it repeats the other session's."
    )


def dandi_name_problems(document: dict[str, Any], raw_sessions: list[Any]) -> list[Problem]:
    """Return a problem for each subject ID (or session ID of a subject) that DANDI makes the same as another.

    ``dandi organize`` names a file ``sub-<subject>/sub-<subject>_ses-<session>...`` with the characters of
    :func:`dandi_label` replaced: ``m_2`` and ``m-2`` would be one animal (two animals' sexes, one folder), and
    ``day_1`` and ``day-1`` of one animal one session (DANDI then drops the session names). The same subject ID
    written twice is one animal's sessions. The same session ID of one subject is said here only when a
    session's ``metadata.NWBFile.session_id`` (which replaces its row's ``session_id`` in its file) makes it
    so: two rows of one ``session_id`` are the plan's problem (:func:`_repeated_session`).
    """
    subjects: dict[str, tuple[str, str]] = {}
    sessions: dict[tuple[str | None, str], tuple[str, str]] = {}
    rows: dict[tuple[str | None, str], int] = {}
    problems = []
    for index, raw in enumerate(raw_sessions):
        if not isinstance(raw, dict):
            continue
        found = _subject_fields(document, raw, index).get("subject_id")
        subject = None
        if found is not None:
            value, where = str(found[0]).strip(), found[1]
            subject = dandi_label(value)
            earlier = subjects.setdefault(subject, (value, where))
            if earlier[0] != value:
                problems.append(Problem(where, _merged("subject_id", value, earlier, "sub"), index))
        if (own := _session_id(raw, index)) is not None:
            key = (subject, dandi_label(own[0]))
            earlier, first = sessions.setdefault(key, own), rows.setdefault(key, index)
            if earlier[0] != own[0]:
                problems.append(Problem(own[1], _merged("session_id", own[0], earlier, "ses"), index))
            elif found is not None and (said := _repeated_session(raw_sessions, first, index, (own[0], value))):
                problems.append(Problem(own[1], said, index))
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


def _where(use: InputUse) -> str:
    """Return the spec's field that gives an input's file.

    A pose entry's ``file_path``; else the argument in the interface entry's ``source_data`` (training labels
    are given as ``labeled_data_path``).
    """
    if re.search(r"\.pose\[\d+\]$", use.label):
        return f"{use.label}.file_path"
    return f"{use.label}.source_data.{use.argument}"


def _what_repeats(repeat: Repeat) -> str:
    """Return how the later input's file relates to the earlier's: the same file, or DeepLabCut's copy of it.

    Files are named by name: the problem's location is the entry that names the whole path.
    """
    later, earlier = Path(repeat.later.path).name, Path(repeat.earlier.path).name
    if not repeat.twin:
        return f"{later} is {repeat.earlier.label}'s {'pose' if repeat.later.holds == 'poses' else 'labels'} file too"
    return f"{later} and {repeat.earlier.label}'s {earlier} {copy_of(repeat)}"


def repeated_input_problems(inputs: list[InputJob], index: int) -> list[Problem]:
    """Return a problem for each input of session ``index`` that reads what an earlier input of it reads.

    The same file (or DeepLabCut's .csv copy of an .h5 given beside it) would be written twice, in two
    containers of one NWB file: the converter refuses it
    (:func:`~poseconv.repeated_inputs.refuse_repeated_inputs`); here it is said at the spec's entry.
    """
    problems = []
    for repeat in repeats(_uses(inputs)):
        twice = f"its {repeat.later.holds} would be written twice, in two containers of one file"
        if repeat.twin:
            message = f"{_what_repeats(repeat)}: give one; given both, {twice}."
        else:
            hint = selection_hint(repeat.later, given_as="source_data.")
            message = f"{_what_repeats(repeat)}: {twice}. Give it once{hint}."
        problems.append(Problem(_where(repeat.later), message, index))
    return problems


def _whose(job: SessionJob) -> str:
    subject = job.subject.get("subject_id") if isinstance(job.subject, dict) else None
    return f"session {job.session_id!r}" + (f" (subject {subject!r})" if is_given(subject) else "")


def shared_pose_file_problems(jobs: list[SessionJob]) -> list[Problem]:
    """Return a problem for each pose file of a session that an earlier session converts too.

    The same poses would be published as two sessions' data (two subjects', when a row was copied), and each
    file would look fine. Sessions that select parts of the file with nothing in common (each its animals of
    a multi-animal file, its videos of a SLEAP project) are not a problem; training data shared by sessions (one
    project's labels in each session's file) is not compared.
    """
    seen = Repeats()
    sessions: dict[str, SessionJob] = {}
    problems = []
    for job in sorted(jobs, key=lambda job: job.index):
        uses = [use for use in _uses(job.inputs) if use.writes == "poses"]
        for use in uses:
            repeat = seen.find(use)
            if repeat is None:
                continue
            earlier = sessions[repeat.earlier.label]
            message = (
                f"{_what_repeats(repeat)}: the same poses would be written as the data of {_whose(earlier)} and "
                f"of {_whose(job)}. Give this session its own pose file"
                f"{selection_hint(use, each='session', given_as='source_data.')}."
            )
            problems.append(Problem(_where(use), message, job.index))
        for use in uses:
            seen.add(use)
            sessions[use.label] = job
    return problems
