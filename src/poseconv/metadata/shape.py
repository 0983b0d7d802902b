"""The shape of the user's metadata: a block, an entry or a list where the schema has one, checked first.

Composing the metadata walks it (``Subject.get``, ``PoseEstimations.items``) before the schema's
other checks run, so a block left empty in YAML (``PoseEstimation:`` with nothing under it is null),
a value where a block goes (``Subject: m1``) or a single value where a list goes would end there in
an ``AttributeError``. :func:`shape_problems` checks the shape against the metadata schema's own
types before anything reads the values, says each mistake as the schema's other problems are said,
and puts an empty entry in its place so that composing finds every other problem in the same pass.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = ["shape_problems", "shaped_copy"]

# The keywords that describe where blocks, entries and lists go; the rest (required fields, patterns,
# additionalProperties: false) is the schema's other checks', run on the composed metadata.
_SHAPE_KEYWORDS = frozenset(
    {"type", "properties", "additionalProperties", "patternProperties", "items", "definitions", "$ref"}
)
_CONTAINERS = frozenset({"object", "array"})


def _shape_only(node: Any) -> Any:
    """Return the schema ``node`` reduced to the types of blocks and lists (a scalar's type says nothing here)."""
    if isinstance(node, list):
        return [_shape_only(value) for value in node]
    if not isinstance(node, dict):
        return node
    kept = {key: value for key, value in node.items() if key in _SHAPE_KEYWORDS and isinstance(value, dict | list)}
    result: dict[str, Any] = {}
    for key, value in kept.items():
        if key in ("properties", "patternProperties", "definitions"):
            result[key] = {name: _shape_only(sub) for name, sub in value.items()}
        else:
            result[key] = _shape_only(value)
    types = node.get("type")
    # A type list (neuroconv's Devices: ["object", "array"]) is gone from the form schema this reads.
    if isinstance(types, str) and types in _CONTAINERS:
        result["type"] = types
    if "$ref" in node:
        result["$ref"] = node["$ref"]
    return result


@functools.cache
def _shape_validator() -> Any:
    from jsonschema import Draft7Validator

    from .schema import form_schema, metadata_schema

    # The published schema's shape (form_schema): Devices and DeviceModels are blocks of entries by key.
    # neuroconv's base schema also takes its legacy lists there (for NWBConverter to merge schemas), but every
    # reader of them looks entries up by key (a container's device_metadata_key): a list ended in a TypeError.
    return Draft7Validator(_shape_only(form_schema(metadata_schema())))


def shape_problems(document: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Return a ``(path, message)`` for each value that is not the block or list the schema has there.

    Each such value is replaced in ``document`` (in place) by an empty entry, or removed where a
    list goes, so that what reads the metadata next finds the shape it expects.

    Parameters
    ----------
    document : dict
        The user's metadata (a copy: it is changed).

    Returns
    -------
    list of tuple
        The path of each value at fault (keys and indices) and what to write instead.
    """
    from .schema_messages import schema_problems

    if not isinstance(document, MutableMapping):
        return []
    validator = _shape_validator()
    expected = {tuple(error.absolute_path): error.validator_value for error in validator.iter_errors(document)}
    found = list(schema_problems(validator, document))
    # Deepest first, a list's items from its end, so that the paths still to repair stay valid.
    for path in sorted(expected, key=lambda p: (len(p), [(str(type(k)), k) for k in p]), reverse=True):
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        types = expected[path] if isinstance(expected[path], list) else [expected[path]]
        if isinstance(parent, MutableMapping) and "object" in types:
            parent[path[-1]] = {}  # An entry left empty: listed, with nothing of its own (as {}).
        else:
            del parent[path[-1]]
    return found


def shaped_copy(metadata: Any) -> tuple[dict[str, Any], list[tuple[tuple[Any, ...], str]]]:
    """Return a copy of the user's ``metadata`` in the schema's shape, and the :func:`shape_problems` found.

    Parameters
    ----------
    metadata : mapping or None
        The user's metadata (of the file, or of one input).

    Returns
    -------
    tuple
        The copy (empty for None) and the ``(path, message)`` of each value at fault.
    """
    if metadata is not None and not isinstance(metadata, Mapping):
        return {}, [((), f"{metadata!r} is not a mapping of metadata blocks (NWBFile:, Subject:, Pose: ...)")]
    document = copy.deepcopy(dict(metadata or {}))
    return document, shape_problems(document)
