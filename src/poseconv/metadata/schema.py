"""JSON Schema (draft-07) of the metadata, generated from the pydantic models.

The generated schema is what schema-driven form tools render, so it keeps to
what they handle: every field has a title and a description, optional fields
are plain types (never ``"type": [...]`` or ``anyOf`` with ``null``), no
default is ``null``, and every ``$ref`` resolves inside the schema. The
committed copy in ``schemas/`` is checked against this code by the test
suite; regenerate it with ``poseconv schema --write``.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from .dandi_subject import SPECIES_FORM

__all__ = [
    "SCHEMA_FILE_NAME",
    "SPECIES_PATTERN",
    "START_TIME_PATTERN",
    "EmptyTextSchemaMixin",
    "FormFriendlyJsonSchema",
    "add_missing_titles",
    "block_of_field",
    "form_schema",
    "metadata_schema",
    "or_empty",
    "pose_block_schema",
    "taking_empty_text",
]

SCHEMA_FILE_NAME = "metadata.schema.json"

# A session start time as checks.start_time_problem reads it (checks.read_date_time, with a zone): ISO 8601's
# extended and basic dates (and week dates), T, t or a space, hh[:mm[:ss[.f]]] and Z (or RFC 3339's z) or an offset
# in hours or hours and minutes. [0-9], not \d: Python's \d takes other scripts' digits, which fromisoformat refuses.
_HOUR, _SIXTY = "(?:[01][0-9]|2[0-3])", "[0-5][0-9]"
_MONTH, _DAY, _WEEK = "(?:0[1-9]|1[0-2])", "(?:0[1-9]|[12][0-9]|3[01])", "W(?:0[1-9]|[1-4][0-9]|5[0-3])"
# The dashes are all there or none (fromisoformat refuses 2024-0501); year 0 does not exist.
_DATE = rf"(?!0000)[0-9]{{4}}(?:-{_MONTH}-{_DAY}|{_MONTH}{_DAY}|-{_WEEK}(?:-[1-7])?|{_WEEK}[1-7]?)"
_TIME = rf"{_HOUR}(?::{_SIXTY}(?::{_SIXTY}(?:[.,][0-9]+)?)?|{_SIXTY}(?:{_SIXTY}(?:[.,][0-9]+)?)?)?"
#: The JSON Schema pattern of a session start time, for editors and forms. It refuses what the converter refuses
#: but for a day a month does not have (2024-02-30) and a time in the future, which the conversion reports; it
#: also refuses fromisoformat's non-ISO leniencies (another separator than T or a space, a fraction of an hour).
#: ``$(?!\n)``: Python's ``$`` (jsonschema's re.search) also matches before a final newline, which the parser refuses.
START_TIME_PATTERN = rf"^{_DATE}[Tt ]{_TIME}(?:[Zz]|[+-]{_HOUR}(?::?{_SIXTY})?)$(?!\n)"

# What a session start time is, in the form schema.
_START_TIME_DESCRIPTION = (
    "The start date and time of the recording session: ISO 8601 with a time zone, e.g. 2024-05-01T10:30:00+02:00, "
    "20240501T103000+0200 or 2024-05-01 10:30+02. Not in the future (nwbinspector reports it as critical)."
)

#: nwbinspector's form of Subject.species (check_subject_species_form, which its DANDI configuration makes
#: critical), anchored: it matches the whole text (re.fullmatch), and a JSON Schema pattern matches anywhere.
SPECIES_PATTERN = rf"^(?:{SPECIES_FORM})$(?!\n)"


class FormFriendlyJsonSchema(GenerateJsonSchema):
    """Emit optional fields as their plain type and drop ``null`` defaults (for form tools and editors)."""

    def nullable_schema(self, schema: Any) -> dict[str, Any]:
        """Return the schema of an optional field as its plain type."""
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: Any) -> dict[str, Any]:
        """Return the schema of a field with a default, dropping a ``null`` default."""
        json_schema = super().default_schema(schema)
        if "default" in json_schema and json_schema["default"] is None:
            json_schema.pop("default")
        return json_schema


def _block_schema(model: type, block: str) -> dict[str, Any]:
    # Definitions live inside each block (as neuroconv's own blocks do): NWBConverter merges the
    # interfaces' "properties" but not their root "definitions".
    schema = model.model_json_schema(
        ref_template=f"#/properties/{block}/definitions/{{model}}", schema_generator=FormFriendlyJsonSchema
    )
    definitions = schema.pop("$defs", {})
    if definitions:
        schema["definitions"] = definitions
    _type_refs(schema)
    return schema


def _type_refs(node: Any) -> None:
    """Give every ``$ref`` to an object model an explicit ``"type": "object"`` (in place).

    Validators ignore it next to ``$ref`` (draft-07), but neuroconv's schema merging and
    metadata-schema walkers read ``type`` on every property and fail without it.
    """
    if isinstance(node, dict):
        if "$ref" in node and "type" not in node:
            node["type"] = "object"
        for value in node.values():
            _type_refs(value)
    elif isinstance(node, list):
        for value in node:
            _type_refs(value)


def pose_block_schema() -> dict[str, Any]:
    """Return the schemas of the ``Pose`` and ``Behavior`` blocks, each with its definitions.

    Returns
    -------
    dict
        ``{"Pose": ..., "Behavior": ...}``.
    """
    # The pydantic models (40 ms to define) are imported when a schema is asked for, not with the converter.
    from .models import BehaviorMetadata, PoseBlockMetadata

    return {
        "Pose": _block_schema(PoseBlockMetadata, "Pose"),
        "Behavior": _block_schema(BehaviorMetadata, "Behavior"),
    }


def _humanize(key: str) -> str:
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else key


def add_missing_titles(schema: dict[str, Any]) -> dict[str, Any]:
    """Give every property a ``title`` and ``description`` (in place), for form tools.

    Parameters
    ----------
    schema : dict
        A JSON Schema.

    Returns
    -------
    dict
        The same schema.
    """

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict):
                    sub.setdefault("title", _humanize(key))
                    sub.setdefault("description", sub["title"] + ".")
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return schema


def _neuroconv_base_schema() -> dict[str, Any]:
    # Located without importing neuroconv, which takes a second.
    import importlib.util

    spec = importlib.util.find_spec("neuroconv")
    path = Path(next(iter(spec.submodule_search_locations))) / "schemas" / "base_metadata_schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def metadata_schema() -> dict[str, Any]:
    """Return the full metadata schema of poseconv's interfaces.

    It is neuroconv's base metadata schema (``NWBFile``, ``Subject``, ``Devices``)
    plus the ``Pose`` and ``Behavior`` blocks generated from the pydantic models.

    Returns
    -------
    dict
        A draft-07 JSON Schema.
    """
    # Built once per process (pydantic's generation takes ~15 ms); callers get their own copy to edit.
    return copy.deepcopy(_built_metadata_schema())


def block_of_field(key: str) -> str | None:
    """Return the block (``NWBFile`` or ``Subject``) that has a field ``key``; None when neither has one.

    A field written at the top level of a metadata file (``subject_id: m1``) belongs in its block.
    """
    properties = _built_metadata_schema()["properties"]
    return next((block for block in ("Subject", "NWBFile") if key in properties[block].get("properties", {})), None)


@functools.cache
def _built_metadata_schema() -> dict[str, Any]:
    schema = copy.deepcopy(_neuroconv_base_schema())
    schema["$id"] = "https://poseconv.invalid/schemas/" + SCHEMA_FILE_NAME
    schema["title"] = "poseconv metadata"
    schema["description"] = (
        "Metadata of a pose conversion: the NWB file, the subject, the cameras, the behavior videos "
        "and the pose containers (skeletons and one PoseEstimation per animal and video)."
    )
    schema.pop("version", None)
    # Devices keeps neuroconv's own definition: NWBConverter merges every interface's schema into one,
    # and a different type here would corrupt the merged one.
    schema["properties"].update(pose_block_schema())
    subject = schema["properties"]["Subject"]["properties"]
    _date_of_birth_as_taken(subject)
    _refuse_blank(subject)
    return add_missing_titles(schema)


def _date_of_birth_as_taken(subject: dict[str, Any]) -> None:
    """Make ``Subject.date_of_birth`` take a date as the converter does, not only a date and time (in place).

    neuroconv's base schema gives it ``"format": "date-time"``, which form tools (ajv-formats) enforce:
    their form refused ``2024-01-02``, which docs/metadata.md shows and the converter writes (at midnight,
    in the session start time's zone: checks.normalize_date_of_birth).
    """
    from .checks import DATE_OR_DATE_TIME_PATTERN

    field = subject.get("date_of_birth")
    if isinstance(field, dict):
        field.pop("format", None)
        field["pattern"] = DATE_OR_DATE_TIME_PATTERN
        field["description"] = (
            "Date of birth of the subject, an ISO 8601 date (2024-01-02) or date and time "
            "(2024-01-02T08:00:00+00:00). Can be supplied instead of 'age'. poseconv's converters write a date "
            "alone at midnight in the session start time's zone; neuroconv's own NWBConverter (NWB GUIDE's) "
            "writes it at midnight UTC, so give the time and zone there."
        )


#: What the interfaces' schema adds to ``Subject.age`` so that empty (or blank) text is refused: keywords
#: neuroconv's base schema does not have, which NWBConverter's merge keeps whichever interface comes last.
_NOT_BLANK = {"minLength": 1, "not": {"type": "string", "pattern": r"^\s+$"}}


def _refuse_blank(subject: dict[str, Any]) -> None:
    """Make ``Subject.age`` refuse empty text, as ``date_of_birth``'s pattern does (in place).

    neuroconv's own NWBConverter (NWB GUIDE's) validates the form as filled in and builds the Subject
    from it before any interface runs: a cleared age was written as ``''`` (nwbinspector's DANDI
    configuration: critical) and a cleared date of birth failed in ``datetime.fromisoformat``. Refused
    by the schema, the form says so at the field. poseconv's converters take such a field as not given;
    their schemas take it (:func:`taking_empty_text`).
    """
    age = subject.get("age")
    if isinstance(age, dict):
        age.update(copy.deepcopy(_NOT_BLANK))


def taking_empty_text(schema: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a metadata schema that takes ``Subject``'s age, date of birth, sex and species left empty.

    NWB GUIDE and metadata templates write ``""`` for a field not filled in. poseconv's converters
    (:class:`~poseconv.interfaces.converter.PoseNWBConverter`, ``convert``, ``run``) take it as not given
    (:func:`~poseconv.metadata.empty_fields.drop_empty_text`), so their schemas take it too; the interfaces'
    own schema refuses it, for neuroconv's NWBConverter, which would write it.

    Parameters
    ----------
    schema : dict
        A metadata schema, e.g. from ``interface.get_metadata_schema()``, or a converter's merged one.

    Returns
    -------
    dict
        The schema taking empty text there; ``schema`` is not modified.
    """
    from .checks import DATE_OR_DATE_TIME_PATTERN

    schema = copy.deepcopy(schema)
    subject = schema.get("properties", {}).get("Subject", {}).get("properties", {})
    age, born = subject.get("age"), subject.get("date_of_birth")
    if isinstance(age, dict):
        for key in _NOT_BLANK:
            age.pop(key, None)
    sex, species = subject.get("sex"), subject.get("species")
    if isinstance(sex, dict) and isinstance(sex.get("enum"), list) and "" not in sex["enum"]:
        # A form's choice left unmade; the other choices stay a form's list.
        sex["enum"] = [*sex["enum"], ""]
    if isinstance(species, dict) and isinstance(species.get("pattern"), str):
        species["pattern"] = _or_empty_once(species["pattern"])
    if isinstance(born, dict):
        # A merged schema has neuroconv's "format": "date-time" again, which a form enforces on "" and a date.
        born.pop("format", None)
        born["pattern"] = _or_empty_once(born.get("pattern", DATE_OR_DATE_TIME_PATTERN))
    return schema


def _or_empty_once(pattern: str) -> str:
    """Return :func:`or_empty` of ``pattern``, or ``pattern`` when it takes empty text already (taken twice)."""
    return pattern if pattern.startswith(or_empty("")) else or_empty(pattern)


class EmptyTextSchemaMixin:
    """A converter whose metadata schema takes a form's cleared ``Subject`` fields (``""``) as not given.

    The interfaces' schemas refuse an empty ``Subject.age`` or ``date_of_birth``, since neuroconv's own
    ``NWBConverter`` (NWB GUIDE's) builds the Subject from them as given. A converter that drops empty text
    before it validates and writes (:class:`~poseconv.interfaces.converter.PoseNWBConverter`) puts this class
    before ``NWBConverter`` among its bases, so that its merged schema takes what its conversion takes.
    """

    def get_metadata_schema(self) -> dict[str, Any]:
        """Return the converter's merged metadata schema, taking ``Subject``'s fields left empty as it does."""
        return taking_empty_text(super().get_metadata_schema())  # type: ignore[misc]


def or_empty(pattern: str) -> str:
    """Return an anchored ``pattern`` that also matches empty (or blank) text: a field a form leaves empty.

    NWB GUIDE and metadata templates write ``""`` for a text field not filled in, which the converter
    takes as not given (:func:`~poseconv.metadata.empty_fields.drop_empty_text`); the schema takes it too.
    """
    return rf"^\s*$|{pattern}"


def render_metadata_schema() -> str:
    """Return the schema committed in ``schemas/`` (and printed by ``poseconv schema``), as exact text.

    It is the :func:`form_schema` of :func:`metadata_schema`, :func:`taking_empty_text` as poseconv's
    converters do: one type per field, which form tools need. Interfaces keep neuroconv's type lists (see
    :func:`form_schema`), so that converters merge their schemas safely; metadata valid for this schema,
    once its empty text is dropped (as poseconv's converters drop it), is valid for theirs.
    """
    return json.dumps(form_schema(taking_empty_text(metadata_schema())), indent=2, sort_keys=True) + "\n"


def form_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a metadata schema that form tools (react-jsonschema-form, NWB GUIDE) render whole.

    neuroconv's base schema types ``Devices`` and ``DeviceModels`` as ``["object", "array"]``
    (dict-based and legacy list metadata), which :func:`metadata_schema` keeps so that
    ``NWBConverter`` can merge it; form tools draw no field for a type list. Here every
    ``"type": [...]`` becomes its ``object`` member (or its first non-null one) and loses the
    keywords of the others, so the form edits the dict-based layout poseconv writes. A
    document valid for the form schema is valid for ``schema``.

    Parameters
    ----------
    schema : dict
        A metadata schema, e.g. from ``interface.get_metadata_schema()``.

    Returns
    -------
    dict
        The form schema; ``schema`` is not modified.
    """

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(value) for value in node]
        if not isinstance(node, dict):
            return node
        node = {key: visit(value) for key, value in node.items()}
        types = node.get("type")
        if isinstance(types, list):
            chosen = "object" if "object" in types else next((t for t in types if t != "null"), types[0])
            node["type"] = chosen
            if chosen != "array":
                node.pop("items", None)
            if chosen != "object":
                node.pop("additionalProperties", None)
                node.pop("properties", None)
        return node

    form = visit(copy.deepcopy(schema))
    _dandi_forms(form.get("properties", {}).get("Subject", {}).get("properties", {}))
    start = form.get("properties", {}).get("NWBFile", {}).get("properties", {}).get("session_start_time")
    if isinstance(start, dict):
        # neuroconv's "format": "date-time" (RFC 3339) refused 20240501T103000+0200 and +02, which the converter
        # takes, and took 2024-05-01t10:30:00z, which it refuses.
        start.pop("format", None)
        start.update(type="string", pattern=START_TIME_PATTERN, description=_START_TIME_DESCRIPTION)
    return form


def _dandi_forms(subject: dict[str, Any]) -> None:
    r"""Make the form's ``Subject.age`` and ``species`` refuse what DANDI refuses (in place).

    neuroconv's patterns are unanchored: the age's ends in "|(\d+W)?$", which any text matches, and the
    species' "^[A-Z][a-z]+ [a-z]+|..." matches "Mus musculus (C57BL/6J)", where nwbinspector's DANDI
    configuration matches the whole text and reports either as critical. The interfaces' own schema keeps
    neuroconv's patterns, for NWBConverter to merge. An empty age stays taken where the schema took it
    (:func:`taking_empty_text`).
    """
    from .checks import AGE_PATTERN

    age, species = subject.get("age"), subject.get("species")
    if isinstance(age, dict):
        age["pattern"] = AGE_PATTERN if "minLength" in age else or_empty(AGE_PATTERN)
    if isinstance(species, dict):
        # Empty text stays taken where the schema took it (:func:`taking_empty_text`).
        taken = str(species.get("pattern", "")).startswith(or_empty(""))
        species["pattern"] = or_empty(SPECIES_PATTERN) if taken else SPECIES_PATTERN
