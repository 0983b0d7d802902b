"""The YAML and JSON documents users write by hand: conversion specs and metadata files.

One reader for both, so that a spec and a ``--metadata`` file read alike: dates stay text, numbers
written as YAML 1.2, JSON and Python write them (``5e-05``, ``1.0e5``) are numbers, a key given twice is an error naming
its lines, a byte-order mark is skipped, and a file that is not UTF-8 is named with what to do.
Both say a value YAML read as a number or true/false where text goes as it was written
(:func:`unquoted_non_text`).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from .model.location import require_file

__all__ = ["NOT_TEXT", "document_loader", "format_location", "load_document", "says_only_not_text", "unquoted_non_text"]


def format_location(path: tuple[Any, ...] | list[Any], root: str = "") -> str:
    """Write a path into the spec the way users read it: ``sessions[2].pose[0].file_path``.

    Parameters
    ----------
    path : sequence of str or int
        Keys and list indices from the document root.
    root : str, default: ""
        Text to start from (e.g. ``"sessions[2]"``).

    Returns
    -------
    str
        The location; ``"spec"`` for the root itself.
    """
    text = root
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).isidentifier():
            text += f".{part}" if text else str(part)
        else:
            text += f"[{json.dumps(str(part))}]"
    return text or "spec"


#: The YAML 1.2 (core schema) and JSON numbers with an exponent or a dot that YAML 1.1, which PyYAML reads,
#: takes for text: ``5e-05`` (Python's ``:g``), ``3e+1``, ``1.0e5``, ``-.5``. YAML 1.1's own number forms are
#: looked up first, so what they read is unchanged (``012`` the octal 10, ``1_000``); a number with neither
#: dot nor exponent is left out, so that ``019``, text in YAML 1.1, does not become 19.0. Digits, a letter e
#: and digits with neither dot nor sign (``4E2``, ``12e4``) stay text, as YAML 1.1 has always read them here:
#: they are labs' animal and session IDs more often than numbers, and an ID read as 400.0 would be refused.
_YAML12_FLOAT = re.compile(r"^[-+]?(?:(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+][0-9]+)$")


@functools.cache  # one class: the resolvers are copied once
def document_loader() -> type:
    """Return the PyYAML loader class that reads the documents users write (specs, metadata files).

    A ``yaml.SafeLoader`` that keeps dates and times as the text the user wrote (the schemas check
    them) and reads the numbers YAML 1.2 and JSON write with an exponent (``5e-05``, ``1.0e5``) as
    numbers, as ``poseconv convert`` options and YAML 1.2 tools do, where YAML 1.1 reads them as text.

    Returns
    -------
    type
        A subclass of ``yaml.SafeLoader``; anything reading such a document's nodes again (to say
        how a value was read) uses it, so that it reads them as the document did.
    """
    import yaml

    class DocumentLoader(yaml.SafeLoader):
        """SafeLoader that keeps dates as text and reads YAML 1.2 numbers as numbers."""

    DocumentLoader.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    # Appended after YAML 1.1's resolvers for each first character: they still decide what they match.
    DocumentLoader.add_implicit_resolver("tag:yaml.org,2002:float", _YAML12_FLOAT, list("-+0123456789."))
    return DocumentLoader


#: The tag PyYAML gives a plain ``<<`` key: its mapping (or list of mappings) is merged into the enclosing one.
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _merged_mappings(value_node: Any) -> list[Any]:
    """Return the mappings a ``<<`` key's value merges in: one mapping, or each of a list of them."""
    import yaml

    if isinstance(value_node, yaml.MappingNode):
        return [value_node]
    if isinstance(value_node, yaml.SequenceNode):
        return [item for item in value_node.value if isinstance(item, yaml.MappingNode)]
    return []


def _document_pairs(node: Any, inside: frozenset[int] = frozenset()) -> list[tuple[Any, Any]]:
    """Return a mapping node's (key, value) pairs as the document gets them, ``<<`` keys merged.

    As PyYAML's SafeLoader merges (without changing the node tree, which it does): the merged pairs
    come first, a later mapping of a merged list before an earlier one, so that the keys written in
    the mapping itself win, then the first merged mapping.
    """
    merged: list[tuple[Any, Any]] = []
    own: list[tuple[Any, Any]] = []
    inside = inside | {id(node)}
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE_TAG:
            own.append((key_node, value_node))
            continue
        for mapping in reversed(_merged_mappings(value_node)):
            if id(mapping) not in inside:  # a mapping merging itself in adds nothing
                merged += _document_pairs(mapping, inside)
    return merged + own


def _line_index(
    node: Any,
    path: tuple[Any, ...] = (),
    lines: dict[tuple[Any, ...], int] | None = None,
    inside: frozenset = frozenset(),
) -> dict:
    """Map every path in a composed (not yet constructed) YAML node tree to its 1-based line."""
    import yaml

    lines = {} if lines is None else lines
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in inside:
        return lines  # an alias to a block it is inside: its paths never end
    inside = inside | {id(node)}
    if isinstance(node, yaml.MappingNode):
        # The pair written last wins, as in the document (a key of the mapping over a merged one).
        pairs = {
            key_node.value: (key_node, value_node) for key_node, value_node in _scalar_keyed(_document_pairs(node))
        }
        for key, (key_node, value_node) in pairs.items():
            # The key's line: a block's own entries start on the line after "Subject:".
            lines[(*path, key)] = key_node.start_mark.line + 1
            _line_index(value_node, (*path, key), lines, inside)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_index(item, (*path, i), lines, inside)
    return lines


def _scalar_keyed(pairs: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Keep the pairs whose key is a scalar: a list or mapping as a key is refused when the document is built."""
    import yaml

    return [(key_node, value_node) for key_node, value_node in pairs if isinstance(key_node, yaml.ScalarNode)]


def _duplicate_keys(node: Any, path: tuple[Any, ...] = (), seen: set[int] | None = None) -> list[str]:
    """Describe every key written twice in one mapping of a composed YAML (or JSON) node tree.

    A ``<<`` key is not one: the keys it merges in are overridden by those written beside it, as
    YAML means. Each node is looked at once (an alias points to its anchor's node, already seen).
    """
    import yaml

    seen = set() if seen is None else seen
    if id(node) in seen:
        return []
    seen.add(id(node))
    found: list[str] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                # The merged mappings' keys land in this mapping: a repeat within one is named here.
                for mapping in _merged_mappings(value_node):
                    found += _duplicate_keys(mapping, path, seen)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in first:
                where = format_location((*path, key))
                found.append(f"{where} is given twice (lines {first[key]} and {line}); keep one.")
            first.setdefault(key, line)
            found += _duplicate_keys(value_node, (*path, key), seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicate_keys(item, (*path, i), seen)
    return found


def _refuse_duplicate_keys(path: Path, text: str, found: list[str] | None, error: type[Exception]) -> None:
    """Raise when ``found`` (:func:`_duplicate_keys`; None if YAML cannot read ``text``) names a repeated key.

    YAML and JSON readers silently keep the last value.
    """
    if found is None and path.suffix.lower() == ".json":
        repeated: list[str] = []

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            keys = [key for key, _ in items]
            repeated.extend(sorted({key for key in keys if keys.count(key) > 1}))
            return dict(items)

        json.loads(text, object_pairs_hook=pairs)
        found = [f"{key!r} is given twice in one object; keep one." for key in repeated]
    if found:
        raise error(f"{path}: " + " ".join(found))


def load_document(path: Path, error: type[Exception], what: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Read a YAML or JSON file a user wrote (a spec, a metadata file) into plain JSON types, with lines.

    Dates and times stay the text the user wrote (the schemas check them); numbers with an exponent
    are numbers, as in YAML 1.2 and JSON (:func:`document_loader`); a key given twice in one mapping
    is an error, where YAML and JSON readers silently keep the last value.

    Parameters
    ----------
    path : pathlib.Path
        ``.yaml``/``.yml`` or ``.json``.
    error : type of Exception
        Raised for every problem, its message naming the file.
    what : str
        What the file is, for messages (``"spec"``, ``"metadata"``).

    Returns
    -------
    tuple
        The document and a map from path (tuple of keys and indices) to line number
        (empty for JSON files).

    Raises
    ------
    Exception
        ``error``: the file is missing, not UTF-8, not valid YAML/JSON, or gives a key twice.
    """
    require_file(path, what, error)
    try:
        # utf-8-sig: editors on Windows may begin the file with a byte-order mark, which JSON refuses.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise error(
            f"{path}: is not UTF-8 text (byte {err.object[err.start]:#04x} at position {err.start}); save the "
            f"{what} file as UTF-8 (an editor's 'Save with encoding' or 'Unicode (UTF-8)')."
        ) from None
    import yaml

    loader = document_loader()
    if path.suffix.lower() == ".json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as err:
            raise error(f"{path}: not valid JSON (line {err.lineno}: {err.msg}).") from None
        try:
            node = yaml.compose(text, Loader=loader)
        except yaml.YAMLError:
            # JSON that YAML cannot read (e.g. tabs): its keys are found without their lines.
            node = None
        _refuse_duplicate_keys(path, text, _duplicate_keys(node) if node is not None else None, error)
        return document, {}
    # Parsed once: the node tree gives the lines and the repeated keys, and the document is built from it.
    # Both are read before the document is built: building merges the ``<<`` keys into the node tree
    # itself, after which a key overriding a merged one would look written twice.
    parser = loader(text)
    try:
        node = parser.get_single_node()
        found, lines = (_duplicate_keys(node), _line_index(node)) if node is not None else ([], {})
        document = parser.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        # A tab where YAML wants an indent: the parser's words do not say that spaces are what it takes.
        tabs = "; indent with spaces, not tabs (YAML takes no tab in an indent)" if "'\\t'" in problem else ""
        raise error(f"{path}: not valid YAML ({where}{problem}){tabs}.") from None
    finally:
        parser.dispose()
    _refuse_duplicate_keys(path, text, found, error)
    return document, lines


# -- values YAML reads as other than text ------------------------------------------------------

#: How a schema's problem of a value that is not text begins (:mod:`poseconv.metadata.schema_messages` keeps
#: jsonschema's words first, so that the value as written can take their place).
NOT_TEXT = "is not of type 'string'"

#: The tags YAML gives an unquoted value it reads as other than text (dates are kept as text by the loader).
_NOT_TEXT_TAGS = {f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "bool")}


def says_only_not_text(message: str) -> bool:
    """Whether ``message`` says only that a value is not text, or to quote it: what :func:`unquoted_non_text` says.

    A field's own advice stays: quoted, ``weight: 25`` would be text DANDI refuses, as it lacks its unit.
    """
    return NOT_TEXT in message and ("in quotes" in message or message.rstrip(". ").endswith(NOT_TEXT))


def unquoted_non_text(path: Path) -> dict[str, str]:
    """Return, by location, what to say of each unquoted YAML value read as a number or true/false.

    YAML reads ``subject_id: 012`` as the number 10 (an octal), ``session_id: 007`` as 7 and
    ``subject_id: 4E2`` as 400.0: a schema's problem then shows the value read, which the user never
    wrote. Read again, as written, only when a problem needs it; specs and ``--metadata`` files alike.

    Parameters
    ----------
    path : pathlib.Path
        A YAML file read by :func:`load_document`. A JSON file gives nothing: its values are what JSON
        reads, and quotes are the only way to write text in it.

    Returns
    -------
    dict of str to str
        By location (:func:`format_location`: ``sessions[1].session_id``, ``Subject.subject_id``), the
        sentence that says the value as written and to quote it; empty when the file cannot be read.
    """
    import yaml

    if path.suffix.lower() == ".json":
        return {}
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=document_loader())
    except (OSError, UnicodeError, yaml.YAMLError):
        return {}
    found: dict[str, str] = {}
    if node is not None:
        _unquoted_scalars(node, (), found, frozenset())
    return found


def _unquoted_scalars(node: Any, path: tuple[Any, ...], found: dict[str, str], inside: frozenset[int]) -> None:
    """Add to ``found`` what to say of each unquoted value read as other than text, at every path it has.

    The paths are the document's, as :func:`_line_index` walks them: ``<<`` keys merged, an alias
    to a block it is inside followed no further.
    """
    import yaml

    if id(node) in inside:
        return
    inside = inside | {id(node)}
    if isinstance(node, yaml.MappingNode):
        pairs = {key_node.value: value_node for key_node, value_node in _scalar_keyed(_document_pairs(node))}
        for key, value_node in pairs.items():
            _unquoted_scalars(value_node, (*path, key), found, inside)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _unquoted_scalars(item, (*path, i), found, inside)
    elif isinstance(node, yaml.ScalarNode) and node.style is None and node.tag in _NOT_TEXT_TAGS:
        read = json.dumps(yaml.load(node.value, Loader=document_loader()))  # noqa: S506 (a SafeLoader)
        what = read if node.tag.endswith(":bool") else "a number" if read == node.value else f"the number {read}"
        found[format_location(path)] = (
            f"{node.value} is read by YAML as {what}, not as text; put it in quotes to keep it as written: "
            f'"{node.value}".'
        )
