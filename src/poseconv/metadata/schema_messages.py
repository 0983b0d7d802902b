"""jsonschema's errors of a metadata document or a spec, said at the field at fault and in the user's words.

Every entry point validates against a JSON schema (the interfaces', the converters', a spec's);
jsonschema words its errors for the schema's author ("does not match '^[A-Z][a-z]+ ...'",
"is not of type 'array'"). :func:`schema_problems` reports each at the field itself, suggests
the field meant for an unknown one (by spelling, or by the names users bring from the command
line and other tools), and says plainly what the fields new users get wrong take.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
from collections.abc import Iterator
from typing import Any

__all__ = ["metadata_source", "schema_problems"]

# What the document being checked was written in: its nulls are said in its words (YAML's when unset).
_SOURCE: contextvars.ContextVar[str | None] = contextvars.ContextVar("metadata_source", default=None)
# A null, said in each source's words: (what it is, what to write for a block, a list, a value).
_NULL_WORDS = {
    "yaml": (
        "is empty (a key with nothing under it is null)",
        "write its fields under it, or {} to keep the defaults",
        "give a list (one '- ' line per item), or [] for none",
    ),
    "json": ("is null", "give its fields, or {} to keep the defaults", "give a list, or [] for none"),
    "python": ("is None", "give a dict of its fields, or {} to keep the defaults", "give a list, or [] for none"),
}
_NULL_VALUE = {
    "yaml": "is empty (a key with nothing after it is null): write a value, or leave the field out",
    "json": "is null: give a value, or leave the field out (JSON has no empty value but a missing key)",
    "python": "is None: give a value, or leave the key out of the dict",
}


@contextlib.contextmanager
def metadata_source(kind: str, *, if_unset: bool = False) -> Iterator[None]:
    """Say the problems found inside the block in the words of ``kind``: ``"yaml"``, ``"json"`` or ``"python"``.

    A null is a key with nothing after it in YAML, ``null`` in JSON and ``None`` in a Python dict; what to write
    instead differs too. Unset, the words are YAML's (``poseconv metadata`` templates and specs are YAML).

    Parameters
    ----------
    kind : {"yaml", "json", "python"}
        What the metadata was written in.
    if_unset : bool, default: False
        Take ``kind`` only where no caller around set one: the converter's Python words give way to the
        command line's, which knows the metadata came from a YAML or JSON file.
    """
    if kind not in _NULL_WORDS:
        raise ValueError(f"metadata_source: {kind!r} is none of {sorted(_NULL_WORDS)}")
    if if_unset and _SOURCE.get() is not None:
        yield
        return
    token = _SOURCE.set(kind)
    try:
        yield
    finally:
        _SOURCE.reset(token)


# jsonschema repeats whole values in its messages: a long one is cut.
_MAX_MESSAGE = 240


def _short(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


# What users write for a field, by the command line's option names or other tools' words.
_SYNONYMS = {
    "fps": "sampling_frequency",
    "frame_rate": "sampling_frequency",
    "rate": "sampling_frequency",
    "video": "video_file_path",
    "video_path": "video_file_path",
    "timestamps": "timestamps_file",
    "source": "interface",
}


# The options of ``poseconv run`` users put in a spec.
_RUN_OPTIONS = frozenset(
    {"jobs", "overwrite", "force", "strict", "check", "stub", "scheduler", "output-folder", "data-folder", "report"}
)


def schema_problems(
    validator: Any, instance: Any, *, within: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield ``(path, message)`` for every error of ``instance``, with the path of the field at fault.

    A missing required field and an unknown field are reported at the field itself (with
    a suggestion for a misspelt one), not at the object that holds it.

    Parameters
    ----------
    validator : jsonschema.Validator
        The validator of the schema.
    instance : object
        The document.
    within : tuple, optional
        Where ``instance`` stands in the metadata (``("Subject",)`` for a Subject block checked on
        its own), so that its fields are said as they are in the whole document; not part of the paths.

    Yields
    ------
    tuple
        The path (keys and indices) and the message.
    """
    said: set[tuple[tuple[Any, ...], str]] = set()
    for path, message in _problems(validator, instance, within):
        # One fault may break several keywords in the same words (an empty sex: its type and its choices).
        if (path, message) not in said:
            said.add((path, message))
            yield path, message


def _problems(validator: Any, instance: Any, within: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield ``(path, message)`` for every error of ``instance`` (see :func:`schema_problems`), maybe twice."""
    import re

    for error in sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    yield (*path, name), "required, but missing."
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = list(error.schema.get("properties", {}))
            patterns = list(error.schema.get("patternProperties", {}))
            for key in error.instance:
                if key in known or any(re.search(p, key) for p in patterns):
                    continue
                close = [_SYNONYMS[key]] if _SYNONYMS.get(key) in known else []
                close = close or difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(known)}."
                if not path and "sessions" in known and key.replace("_", "-") in _RUN_OPTIONS:
                    # A spec's top level: how the run goes is said on the command line.
                    hint = f"{key!r} is an option of poseconv run, not of the spec: give --{key.replace('_', '-')}."
                yield (*path, key), f"unknown field; {hint}"
        elif _start_time_taken(path, error):
            continue
        else:
            said = _said_plainly((*within, *path), error) or _value_said((*within, *path), error, instance, path)
            yield path, said or _short(error.message)


def _start_time_taken(path: tuple[Any, ...], error: Any) -> bool:
    """Whether ``error`` is a start time's pattern refusing a value that the converter takes.

    The schemas' pattern (:data:`~poseconv.metadata.schema.START_TIME_PATTERN`) is for editors and forms: it
    refuses ``datetime.fromisoformat``'s forms that are not ISO 8601 (``2024-05-01x10:30+02``), which every
    entry point takes; a check before a conversion does not refuse what the conversion would write.
    """
    if not (path and path[-1] == "session_start_time" and error.validator == "pattern"):
        return False
    from .checks import start_time_problem

    return start_time_problem(error.instance) is None


def _said_plainly(path: tuple[Any, ...], error: Any) -> str | None:
    """Return, in words, what a field takes where jsonschema's message would puzzle a new user; else None.

    A single value where a list goes, and DANDI's Subject species and sex.
    """
    in_pose = "pose" in path[-2:]
    if error.validator == "type" and isinstance(error.instance, str) and in_pose:
        # A spec's pose entries are objects; the file alone is the commonest slip.
        entry = f"{{file_path: {error.instance}}}"
        return f"{error.instance!r} is a path; give the pose entry as " + (
            f"[{entry}]" if error.validator_value == "array" else entry
        )
    types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    if error.validator == "type" and error.instance is None and {"object", "array"} & set(types):
        # A YAML key with nothing under it (its fields deleted) is null; JSON's null and Python's None are said so.
        null, block, items = _NULL_WORDS[_SOURCE.get() or "yaml"]
        return f"{null}; {block if 'object' in types else items}"
    if error.validator in ("type", "enum") and _empty(error.instance):
        # A key with nothing after it (`sex:`, YAML null), or a sheet's empty cell a table wrote as .nan: the
        # same words for its type and its choices, said once; quoted, .nan would be written as text.
        if error.instance is None:
            return _NULL_VALUE[_SOURCE.get() or "yaml"]
        return "is empty (a sheet's empty cell, .nan): write a value, or leave the field out"
    registry = path[-1] if path and path[-1] in ("Devices", "DeviceModels") else None
    if error.validator == "type" and registry and isinstance(error.instance, list):
        return _listed_registry(registry, error.instance)
    if error.validator == "type" and "object" in types and not isinstance(error.instance, dict):
        under = f"under {path[-1]}:" if path and isinstance(path[-1], str) else "under it"
        return (
            f"{error.instance!r} is not a block of fields: write its fields {under}, one indented 'field: value' each"
        )
    if error.validator == "type" and error.validator_value == "array" and not isinstance(error.instance, list):
        return f"{error.instance!r} is one value; give a list (one '- ' line per item)"
    if path and path[-1] in ("session_start_time", "date_of_birth") and error.validator == "type":
        from .checks import start_time_problem

        # A number or a list where a date goes: the same words and value to copy as the command line's.
        return f"{error.instance!r} {start_time_problem(str(error.instance))}".removesuffix(".")
    if path and path[-1] == "date_of_birth" and error.validator == "pattern":
        from .checks import DATE_FORM, date_of_birth_problem

        # In the words (to the final period) of compose's check of the same field, which reports it too:
        # problems are told apart by their text, so one problem is said once. Never the pattern itself.
        return date_of_birth_problem(error.instance) or f"{error.instance!r} is not {DATE_FORM}."
    if path and path[-1] == "session_start_time" and error.validator == "pattern":
        from .checks import start_time_problem

        # The words of the command line's --session-start-time and of the spec's parser (batch.spec._start_time).
        return start_time_problem(error.instance)
    number = isinstance(error.instance, (int, float)) and not isinstance(error.instance, bool)
    if path[-2:] in (("Subject", "age"), ("subject", "age")) and error.validator == "type" and number:
        from .checks import AGE_FORM

        # "age: 90" is the commonest slip: say what an age is, not that 90 is no string.
        return f"{error.instance!r} is a number; give {AGE_FORM}"
    if error.validator == "pattern" and str(error.validator_value).startswith("^[^/"):
        return _name_problem(path, error.instance, str(error.validator_value))
    if path and path[-1] == "nwbfile_name" and error.validator == "pattern":
        return f"{error.instance!r}: the output must end in .nwb. With backend zarr it must end in .nwb.zarr"
    field = path[-1] if path and "Subject" in path else None
    if field == "species" and error.validator == "pattern":
        return (
            f"{error.instance!r} is neither a Latin binomial (genus and species, as 'Mus musculus') nor an NCBI "
            "taxonomy URL (as 'http://purl.obolibrary.org/obo/NCBITaxon_10090'); DANDI needs one of the two"
        )
    if field == "sex" and error.validator == "enum":
        # A converter's schema takes "" (a choice left unmade) too: not a choice to list.
        choices = [choice for choice in error.validator_value if choice != ""]
        return f"{error.instance!r} is not one of {choices}: M (male), F (female), U (unknown), O (other)"
    return None


#: The interfaces' arguments that choose some of a file's animals, views or videos, by what they choose.
_CHOOSING_ARGUMENTS = {
    "individuals": "chooses no individual: list at least one, or leave individuals out to keep them all",
    "tracks": "chooses no track: list at least one, or leave tracks out to keep them all",
    "video_indices": "chooses no video: list at least one, or leave video_indices out to keep them all",
    "view_names": "names no view: list the views' names, or leave view_names out to take them from the files",
}


def _empty(value: Any) -> bool:
    """Whether ``value`` is YAML's null or a float NaN (pandas' empty cell, dumped as ``.nan``)."""
    return value is None or (isinstance(value, float) and value != value)


def _value_said(path: tuple[Any, ...], error: Any, document: Any, at: tuple[Any, ...]) -> str | None:
    """Return, in words, what a value of the wrong type or range should be (``at``: its path in ``document``).

    A number where text goes (``subject_id: 7``, which YAML reads as a number), a node's name in a
    skeleton's edge, and a frame rate that is not positive; None for other errors.
    """
    value, field = error.instance, path[-1] if path else None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    if error.validator == "minItems" and value == [] and field in _CHOOSING_ARGUMENTS:
        # An interface's choice among the file's names or videos: [] would keep nothing (the interfaces' words).
        return f"[] {_CHOOSING_ARGUMENTS[field]}"
    if field == "sampling_frequency" and error.validator in ("type", "minimum", "exclusiveMinimum"):
        # The words the command line's --fps and the interfaces say (poseconv.timing.user_rate).
        return f"must be a positive number (frames per second), got {value!r}"
    if error.validator == "type" and "string" in types and number and isinstance(field, str):
        # The schema's words stay first: a spec's check puts the value as written in their place (YAML reads
        # 012 as 10), finding them by those words (poseconv.documents.NOT_TEXT).
        if field == "weight":
            return (
                f"{value!r} is not of type 'string' but a number without a unit: a weight is text, a number, a "
                f"space and a unit: weight: '{value} g'"
            )
        return (
            f"{value!r} is not of type 'string' but a number; {field} is text: write it in quotes ({field}: '{value}')"
        )
    if error.validator == "type" and isinstance(value, str) and len(path) > 2 and path[-3] == "edges":
        nodes = document
        for step in (*at[:-3], "nodes"):
            nodes = nodes.get(step) if isinstance(nodes, dict) else None
        index = nodes.index(value) if isinstance(nodes, list) and value in nodes else None
        meant = f" ({value!r} is {index})" if index is not None else ""
        return (
            f"{value!r} is a node's name; an edge is a pair of node indices, counted from 0 in the order of the "
            f"skeleton's nodes{meant}: [0, 1] joins the first two nodes"
        )
    return None


def _listed_registry(block: str, items: list[Any]) -> str:
    """Say that ``Devices`` (or ``DeviceModels``) holds its entries by key, not as a list, with the entry to write.

    neuroconv's legacy list (``- name: cam``) is the natural YAML slip; containers and videos name a camera by
    its key (``device_metadata_key``), devices a model by ``device_model_metadata_key``.
    """
    first = items[0] if items and isinstance(items[0], dict) else {}
    name = first.get("name") if isinstance(first.get("name"), str) else "camera"
    fields = ", ".join(f"{field}: {value}" for field, value in first.items()) or f"name: {name}"
    named_by = "device_metadata_key" if block == "Devices" else "device_model_metadata_key"
    return (
        f"is a list; {block} holds its entries by key (the key {named_by} names), one 'key:' line each with "
        f"the entry's fields indented under it, e.g. {block}: {{{name}: {{{fields}}}}}"
    )


def _name_problem(path: tuple[Any, ...], value: Any, pattern: str) -> str:
    """Say which characters a name may not hold (``^[^/:]+$``: pynwb's rule for names) and what to do.

    A name may not be ``.`` or ``..`` either (:data:`~poseconv.metadata.models.NwbName`).
    """
    session = bool(path) and path[-1] == "session_id"
    if not session and value in (".", ".."):
        return f"{value!r} is what HDF5 and Zarr call the group itself ('.') or its parent ('..'): choose another name"
    refused = [char for char in ("/", "\\", ":") if char in pattern.removeprefix("^[^").split("]")[0]]
    found = " and ".join(f"'{char}'" for char in refused if char in str(value)) or "a character that is not allowed"
    who = "a session_id (it names the NWB file)" if session else "an NWB name (they separate its paths)"
    text = f"{value!r} holds {found}, which {who} may not hold: write - or _ instead"
    if session and ("/" in str(value) or "\\" in str(value)):
        # A lab's m1/day1: the folders go in nwbfile_name (docs/batch.md: "sub-m2/sub-m2_ses-day1.nwb").
        text += f" (and, for a file in a sub-folder, give nwbfile_name: {str(value).replace(chr(92), '/')}.nwb)"
    return text
