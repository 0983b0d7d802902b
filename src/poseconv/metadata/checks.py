"""Checks of single metadata values that every entry point shares: skeleton edges and dates.

The command line, ``run_conversion``, converters and spec files all end in
:func:`~poseconv.metadata.compose.compose_metadata`; keeping these checks in one
place gives every entry point the same answer (and the same suggested fix).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from .dandi_subject import age_range_problem, dandi_subject_gap, refused_subject_values
from .names import DEPRECATED_POSE_ESTIMATION_FIELDS, MODULE_OBJECT_NAMES
from .start_times import read_date_time

__all__ = [
    "AGE_FORM",
    "AGE_PATTERN",
    "DATE_FORM",
    "DATE_OR_DATE_TIME_PATTERN",
    "EXAMPLE_START_TIME",
    "age_problem",
    "dandi_subject_gap",
    "date_of_birth_problem",
    "deprecated_field_problems",
    "module_name_problem",
    "normalize_date_of_birth",
    "series_holders",
    "series_name_problems",
    "series_node_problems",
    "skeleton_clash",
    "skeleton_problems",
    "skeleton_subject_problem",
    "space_problem",
    "start_time_problem",
    "subject_warnings",
    "text_space_problems",
]

#: A session start time NWB accepts, shown in messages.
EXAMPLE_START_TIME = "2024-05-03T11:26:42+02:00"


def skeleton_problems(entry: Mapping[str, Any]) -> list[str]:
    """Return what is wrong with the edges of one skeleton entry of the metadata.

    ndx-pose stores any pairs of integers, but an edge past the last node cannot be read
    back, and a self-edge or an edge listed twice is almost always a typo in a hand-written list.

    Parameters
    ----------
    entry : mapping
        A ``metadata["Pose"]["Skeletons"][key]`` entry (``nodes``, ``edges``).

    Returns
    -------
    list of str
        One message per bad edge; empty when the edges are valid.
    """
    nodes = list(entry.get("nodes") or [])
    problems = []
    seen: dict[tuple[int, int], int] = {}
    for index, edge in enumerate(entry.get("edges") or []):
        pair = tuple(edge) if isinstance(edge, list | tuple) else ()
        if len(pair) != 2 or not all(isinstance(i, int) and not isinstance(i, bool) for i in pair):
            continue  # The JSON Schema reports edges that are not pairs of integers.
        a, b = pair
        where = f"edge {index} {[a, b]}"
        if not (0 <= a < len(nodes) and 0 <= b < len(nodes)):
            problems.append(
                f"{where} is past the last node: the skeleton has {len(nodes)} node(s), indices 0-{len(nodes) - 1} "
                f"({', '.join(map(str, nodes))}); fix or remove it."
            )
        elif a == b:
            problems.append(f"{where} joins node {nodes[a]!r} to itself; remove it.")
        elif (a, b) in seen:
            # (a, b) and (b, a) may both be meant: SLEAP skeletons are directed.
            problems.append(f"{where} repeats edge {seen[(a, b)]}; remove it.")
        seen.setdefault((a, b), index)
    return problems


def skeleton_subject_problem(skeleton: str, wanted: Any, found: Any, single_animal: bool) -> str | None:
    """Say why a skeleton entry's ``subject`` (``wanted``) is not linked to the file's Subject (``found``); or None.

    In a single-animal file the skeleton is the Subject's, so another ID is a slip (a typo, an old ID) that left
    it linked to no subject without a word. In a file of several animals it may name another animal (NWB has one
    Subject a file): nothing is said.
    """
    if wanted is None or wanted == found or not single_animal:
        return None
    fix = f"give subject: {found!r}, or leave it out (a single-animal file's skeleton is its Subject's)"
    said = f"the file's Subject is {found!r}" if found is not None else "the file has no Subject with a subject_id"
    return (
        f"metadata['Pose']['Skeletons'] entry of skeleton {skeleton!r} names subject {wanted!r}, but {said}: the "
        f"skeleton is written linked to no subject. To link it, "
        + (f"{fix}; or correct Subject.subject_id." if found is not None else f"give Subject.subject_id {wanted!r}.")
    )


def skeleton_clash(nodes: list[str], edges: Any, entry: Mapping[str, Any]) -> str | None:
    """Say how a skeleton already in a file differs from the metadata entry of the same name; None if it does not.

    A file's skeleton of the same name is linked, not written again, only when it is the same skeleton:
    the same nodes in the same order and the same edges (in any order; SLEAP's edges have a direction).
    SLEAP's default names (``Skeleton-0``) recur across projects, so a name alone says little.

    Parameters
    ----------
    nodes : list of str
        The file's skeleton's nodes.
    edges : array-like
        The file's skeleton's edges, pairs of node indices.
    entry : mapping
        The ``metadata["Pose"]["Skeletons"][key]`` entry of the same name.

    Returns
    -------
    str or None
        "nodes [...]" or "edges [...]" of the file's skeleton, for a message; None when they match.
    """
    if list(nodes) != list(entry.get("nodes") or []):
        return f"nodes {list(nodes)}, not {list(entry.get('nodes') or [])}"
    have = sorted({(int(a), int(b)) for a, b in edges})
    want = sorted({(int(a), int(b)) for a, b in entry.get("edges") or []})
    if have != want:
        return f"edges {[list(e) for e in have]}, not {[list(e) for e in want]}"
    return None


def series_name_problems(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return ``(series key, message)`` for each series of a container entry named as another series of it.

    A PoseEstimation holds its series by name (hdmf refuses a second of one name only while writing).
    Of series sharing a name, the one whose key is that name keeps it (else the first); the others,
    usually the one renamed, are reported.

    Parameters
    ----------
    entry : mapping
        A ``metadata["Pose"]["PoseEstimations"][key]`` entry.

    Returns
    -------
    list of (str, str)
        The series key and what is wrong; empty when every series has a name of its own.
    """
    by_name: dict[Any, list[str]] = {}
    series = entry.get("PoseEstimationSeries")
    for key, value in series.items() if isinstance(series, Mapping) else ():
        if isinstance(value, Mapping) and value.get("name") is not None:
            by_name.setdefault(value["name"], []).append(key)
    problems = []
    for name, keys in by_name.items():
        owner = name if name in keys else keys[0]
        problems += [
            (
                key,
                f"{name!r} is the name of series {owner!r} too; a PoseEstimation holds one series of each name: "
                "give one of them another name.",
            )
            for key in keys
            if key != owner
        ]
    return problems


def series_holders(entry: Any, default: Any) -> list[tuple[tuple[str, ...], Any, Any]]:
    """Return ``(path below the entry, given, own)`` for a container entry and each of its camera views.

    ``given`` holds ``PoseEstimationSeries`` as the user's metadata gives them, ``own`` as the input's
    defaults do (``own`` may be None for a camera view the input has not); empty when either is no mapping.
    """
    if not isinstance(entry, Mapping) or not isinstance(default, Mapping):
        return []
    pairs: list[tuple[tuple[str, ...], Any, Any]] = [((), entry, default)]
    views, own_views = entry.get("CameraViews"), default.get("CameraViews")
    if isinstance(views, Mapping) and isinstance(own_views, Mapping):
        pairs += [(("CameraViews", camera), view, own_views.get(camera)) for camera, view in views.items()]
    return pairs


def series_node_problems(entry: Any, default: Any) -> list[tuple[tuple[str, ...], str]]:
    """Return ``(path below the entry, message)`` for each series of a container entry named as another body part.

    The writer writes each series' positions by its key (the pose file's body part), whatever its name; readers
    that take a series' body part from its name (movement's ``from_nwb_file``, neuroconv's) would read a series
    ``nose`` named ``ear`` as the ear. A body part is named by its key and its default name in ``default`` (the
    input's own entry); a name no body part has (``snout_position``) is the user's, and two series of one name
    are :func:`series_name_problems`' to say. A multi-camera container's camera views are checked alike.
    """
    problems = []
    for where, given, own in series_holders(entry, default):
        series = given.get("PoseEstimationSeries") if isinstance(given, Mapping) else None
        nodes = own.get("PoseEstimationSeries") if isinstance(own, Mapping) else None
        if not isinstance(series, Mapping) or not isinstance(nodes, Mapping):
            continue
        names = {node: {node, value.get("name")} for node, value in nodes.items() if isinstance(value, Mapping)}
        doubled = {key for key, _ in series_name_problems(given)}
        for node, value in series.items():
            name = value.get("name") if isinstance(value, Mapping) else None
            other = next((o for o, aliases in names.items() if name in aliases), None) if name is not None else None
            if node in doubled or node not in names or name in names[node] or other is None:
                continue
            own_name = nodes[node].get("name", node)
            message = (
                f"{name!r} is the name of body part {other!r} of this container, but this series holds {node!r}: "
                f"readers that take the body part from the series name (movement, neuroconv) would read {node!r} "
                f"as {other!r}. Keep its body part's name {own_name!r}, or give it a name no body part has; a body "
                "part cannot be renamed in metadata (nor its skeleton node): to say more of it, edit its description."
            )
            problems.append(((*where, "PoseEstimationSeries", node, "name"), message))
    return problems


# What poseconv writes in place of each of ndx-pose's deprecated PoseEstimation fields.
_INSTEAD_OF_DEPRECATED = {
    "original_videos": "the video given to the input (video_file_path=..., --video) is linked as source_video",
    "labeled_videos": "a labeled video another interface adds is linked by labeled_video_metadata_key",
    "dimensions": "the frame size is written on the video's ImageSeries",
}


def deprecated_field_problems(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return ``(field, message)`` for each of ndx-pose's deprecated fields a poseconv container entry gives.

    The schema accepts them because neuroconv's own pose interfaces give them in their entries;
    poseconv does not write them, so in its own entries they would be dropped.

    Parameters
    ----------
    entry : mapping
        A ``metadata["Pose"]["PoseEstimations"][key]`` entry of a poseconv input.

    Returns
    -------
    list of (str, str)
        The field and what to do instead; empty when the entry gives none (``None`` gives none).
    """
    return [
        (name, f"is deprecated in ndx-pose and poseconv does not write it: {_INSTEAD_OF_DEPRECATED[name]}. Remove it.")
        for name in DEPRECATED_POSE_ESTIMATION_FIELDS
        if entry.get(name) is not None
    ]


_ISO_DAY = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:[T ]|$)")


def _no_such_day(text: Any) -> str | None:
    """Say which part of an ISO 8601 date does not exist (2024-02-30, month 13); None for other text."""
    import calendar

    found = _ISO_DAY.match(text.strip()) if isinstance(text, str) else None
    if found is None:
        return None
    year, month, day = map(int, found.groups())
    if not 1 <= month <= 12:
        return f"has month {month:02d}; months are 01 to 12 (the date is year-month-day, e.g. {EXAMPLE_START_TIME})."
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"names a day that does not exist: {calendar.month_name[month]} {year} has {days} days."
    return None


def _without_zone_hint(value: dt.datetime, text: str) -> str:
    """Return the same date and time in forms that parse, with UTC written out, to copy."""
    has_time = isinstance(text, str) and ("T" in text or " " in text.strip())
    fixed = value.isoformat() if has_time else f"{value.date().isoformat()}T00:00:00"
    return f"{fixed}+00:00 or {fixed}Z"


def start_time_problem(value: Any) -> str | None:
    """Return why ``value`` cannot be a session start time, with a value to copy; None when it can.

    Parameters
    ----------
    value : str, datetime.datetime or datetime.date
        The start time as given (a YAML file gives a ``date`` for an unquoted ``2024-05-01``).

    Returns
    -------
    str or None
        "has no time zone; ...", "is not an ISO-8601 date and time, ..." (the suggested value
        parses) or "is in the future; ...".
    """
    text = value if isinstance(value, str) else None
    if text is not None and text.strip() and text != text.strip() and start_time_problem(text.strip()) is None:
        # A table's cell with a space after the value: the value itself is right.
        return f"has a space at its {_space_ends(text)}; remove it."
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        # A date alone (an unquoted YAML date, a Python date): the same answer as its ISO text.
        value, text = dt.datetime.combine(value, dt.time()), value.isoformat()
    try:
        parsed = read_date_time(value) if isinstance(value, str) else value
    except ValueError:
        parsed = None
    if not isinstance(parsed, dt.datetime):
        return _no_such_day(text) or f"is not an ISO-8601 date and time, e.g. {EXAMPLE_START_TIME}."
    if parsed.tzinfo is None:
        return f"has no time zone; NWB needs one, e.g. {_without_zone_hint(parsed, text or parsed.isoformat())}."
    if parsed > dt.datetime.now(dt.UTC):
        # Usually a mistyped year; nwbinspector reports it as CRITICAL, so DANDI's validation fails.
        return "is in the future; check the date (nwbinspector reports a future start time as critical)."
    return None


# An ISO 8601 duration as DANDI reads Subject.age (P90D, P12W, P1Y2M, PT36H), or a range of two ("P90D/P100D").
# Any unit may be decimal (P1.5Y, P2.5W), as ISO 8601, nwbinspector's check_subject_age and DANDI read it.
_NUMBER = r"\d+(\.\d+)?"
_DURATION = (
    rf"P(?=\d|T\d)({_NUMBER}Y)?({_NUMBER}M)?({_NUMBER}W)?({_NUMBER}D)?(T(?=\d)({_NUMBER}H)?({_NUMBER}M)?({_NUMBER}S)?)?"
)
_AGE = re.compile(rf"{_DURATION}(/({_DURATION})?)?|/{_DURATION}")
#: The same, as a JSON Schema pattern (ECMA-262 reads it as Python does); anchored, as patterns match anywhere.
AGE_PATTERN = rf"^(?:{_AGE.pattern})$"
#: An ISO 8601 date, or date and time (with or without a zone): the date of birth :func:`date_of_birth_problem` takes.
# (Python's datetime.fromisoformat, which the converter parses with, reads the basic forms too: 20240102T0800.)
DATE_OR_DATE_TIME_PATTERN = (
    r"^\d{4}-?\d{2}-?\d{2}([T ]\d{2}(:?\d{2}(:?\d{2}([.,]\d+)?)?)?(Z|[+-]\d{2}(:?\d{2}(:?\d{2}(\.\d+)?)?)?)?)?$"
)


# What a date of birth is, in the words of every message about one.
DATE_FORM = "an ISO 8601 date, e.g. 2024-01-02 (or a date and time, 2024-01-02T08:00:00+00:00)"


# What an age is, in the words of every message about one.
AGE_FORM = "an ISO 8601 duration (P90D for 90 days, P12W, P1Y2M, P1.5Y; a range as P90D/P100D)"


def age_problem(value: Any) -> str | None:
    """Return why ``value`` is not an age DANDI accepts (an ISO 8601 duration such as ``P90D``); None when it is.

    A range must increase (nwbinspector's check_subject_proper_age_range, critical for DANDI as check_subject_age):
    :func:`~poseconv.metadata.dandi_subject.age_range_problem`.
    """
    if value is None:
        return None
    if not (isinstance(value, str) and _AGE.fullmatch(value.strip())):
        return f"{value!r} is not {AGE_FORM}: DANDI refuses the file, and nwbinspector reports it."
    if (range_problem := age_range_problem(value.strip())) is not None:
        return f"{value!r} {range_problem}"
    return None


def subject_warnings(subject: Any) -> list[str]:
    """Return the converter's warnings about a ``Subject`` block: an age, then each value DANDI refuses.

    Each is ``metadata['Subject']['<field>']: <why>``; pynwb writes any of them, so the file is valid NWB
    but cannot be published on DANDI as it is.
    """
    return [message for _, message in subject_warnings_by_field(subject)]


def subject_warnings_by_field(subject: Any) -> list[tuple[str, str]]:
    """Return :func:`subject_warnings`, each with the field it is about."""
    if not isinstance(subject, dict):
        return []
    age = age_problem(subject.get("age"))
    found = ([("age", age)] if age is not None else []) + refused_subject_values(subject)
    return [(key, f"metadata['Subject'][{key!r}]: {why}") for key, why in found]


def _as_datetime(value: Any) -> dt.datetime | None:
    """Return ``value`` (a datetime, a date, or ISO text as pynwb's fromisoformat reads it) as a datetime, or None."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value if isinstance(value, dt.datetime) else None


def date_of_birth_problem(value: Any, session_start_time: Any = None) -> str | None:
    """Return why ``value`` is not a date of birth; None when it is.

    Parameters
    ----------
    value : str, datetime.date or datetime.datetime
        The date of birth as given: an ISO 8601 date, or a date and time.
    session_start_time : optional
        The session start time; a date of birth after it is a problem (a swapped or mistyped date).
    """
    if value is None:
        return None
    if isinstance(value, str) and value != value.strip() and date_of_birth_problem(value.strip()) is None:
        return space_problem(value)
    born = _as_datetime(value)
    if born is None and (no_such_day := _no_such_day(value)) is not None:
        return f"{value!r} {no_such_day}"
    if born is None:
        return f"{value!r} is not {DATE_FORM}."
    if isinstance(value, str) and re.fullmatch(DATE_OR_DATE_TIME_PATTERN, value) is None:
        # Python reads week and ordinal dates (2024-W05-4, 2024-032), which the metadata schema, NWB GUIDE's
        # form and a run's check refuse: every entry point refuses them, with the date they mean.
        midnight = (born.time(), born.tzinfo) == (dt.time(), None)
        meant = born.date().isoformat() if midnight and len(value) <= 10 else born.isoformat()
        return f"{value!r} is not a calendar date, which the metadata schema and NWB GUIDE take; write {meant}."
    start = _as_datetime(session_start_time)
    if start is not None and (born.tzinfo is None) == (start.tzinfo is None) and born > start:
        return f"{born.isoformat()} is after the session start time {start.isoformat()}; check both dates."
    return None


def space_problem(value: Any) -> str | None:
    """Return what to do about a name or date that starts or ends with white space; None for other values.

    A table exported to a spec or a metadata file (Excel, a CSV) often keeps a space (or the cell's
    line break) after a value. Written as given, ``'m2 '`` is not subject ``m2`` for DANDI, and
    ``'Mus musculus '`` not a species nwbinspector accepts.
    """
    ends = _space_ends(value)
    return None if ends is None else f"{value!r} has a space at its {ends}; remove it (the value is written as given)."


def _space_ends(value: Any) -> str | None:
    """Return "start", "end" or "start and end": where text that is not blank has white space; None when it has none."""
    if not isinstance(value, str) or not value.strip():
        return None
    ends = [name for name, side in (("start", value[:1]), ("end", value[-1:])) if side.isspace()]
    return " and ".join(ends) or None


# The fields whose value is a name or a term that DANDI and nwbinspector compare as written (a subject's
# sessions are grouped by subject_id, a species matched whole): a space at an end makes it another value.
# Free text (session_description, notes, keywords, descriptions) may end as its writer likes (a Python
# triple-quoted string, a YAML block), and the dates say their space in their own message.
_NAME_FIELDS = {
    "NWBFile": ("identifier", "session_id", "experimenter"),
    "Subject": ("subject_id", "species", "sex", "strain", "genotype", "age", "weight"),
}


def text_space_problems(metadata: Mapping[str, Any] | None) -> list[tuple[tuple[Any, ...], str]]:
    """Return ``(path, message)`` for each name of the ``NWBFile`` and ``Subject`` blocks with a space at an end.

    The names are the fields DANDI compares as written (:data:`_NAME_FIELDS`), not free text.

    Parameters
    ----------
    metadata : mapping, optional
        Metadata as the user gives it (a spec's ``metadata``, a metadata file); a session's ``subject``
        is checked as ``{"Subject": subject}``.

    Returns
    -------
    list of (tuple, str)
        The path of each such value (``("Subject", "species")``, ``("NWBFile", "experimenter", 0)``) and
        :func:`space_problem`'s message.
    """
    found = []
    for block in ("NWBFile", "Subject"):
        fields = (metadata or {}).get(block) if isinstance(metadata, Mapping) else None
        for key, value in fields.items() if isinstance(fields, Mapping) else ():
            if key not in _NAME_FIELDS[block]:
                continue
            values = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
            for position, item in values:
                path = (block, key) if position is None else (block, key, position)
                if (message := space_problem(item)) is not None:
                    found.append((path, message))
    return found


def module_name_problem(name: Any) -> str | None:
    """Return why a container (or PoseTraining) cannot take ``name``: an object poseconv keeps beside it; else None."""
    if isinstance(name, str) and name in MODULE_OBJECT_NAMES:
        return f"{name!r} is the name of {MODULE_OBJECT_NAMES[name]} in processing['behavior']; choose another."
    return None


def normalize_date_of_birth(subject: dict[str, Any], session_start_time: Any) -> None:
    """Give a date of birth without a time zone one, so the file does not depend on the machine.

    pynwb wants a date and time with a zone; left without one, it takes the zone of the computer
    that converts. A bare date becomes midnight, in the session start time's zone when that has one,
    UTC otherwise. Values that are not dates are left for the schema to report.

    Parameters
    ----------
    subject : dict
        The ``Subject`` block, changed in place.
    session_start_time : object
        The session start time, whose zone a birth date takes.
    """
    value = subject.get("date_of_birth")
    born = _as_datetime(value)
    written = not isinstance(value, str) or re.fullmatch(DATE_OR_DATE_TIME_PATTERN, value) is not None
    if born is None or born.tzinfo is not None or not written:
        # A week date (2024-W05-4) is left as written, for date_of_birth_problem to refuse as every entry point does.
        return
    start = _as_datetime(session_start_time)
    zone = start.tzinfo if start is not None and start.tzinfo is not None else dt.UTC
    subject["date_of_birth"] = born.replace(tzinfo=zone).isoformat()
