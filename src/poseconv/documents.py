"""The YAML and JSON documents users write by hand: conversion specs and metadata files.

One reader for both, so that a spec and a ``--metadata`` file read alike: dates stay text, a key
given twice is an error naming its lines, a byte-order mark is skipped, and a file that is not
UTF-8 is named with what to do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model.location import require_file

__all__ = ["format_location", "load_document"]


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


def _yaml_loader() -> type:
    import yaml

    class NoDatesLoader(yaml.SafeLoader):
        """SafeLoader that keeps dates and times as the text the user wrote."""

    NoDatesLoader.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return NoDatesLoader


def _line_index(node: Any, path: tuple[Any, ...] = (), lines: dict[tuple[Any, ...], int] | None = None) -> dict:
    """Map every path in a composed YAML node tree to its 1-based line."""
    import yaml

    lines = {} if lines is None else lines
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            # The key's line: a block's own entries start on the line after "Subject:".
            lines[(*path, key_node.value)] = key_node.start_mark.line + 1
            _line_index(value_node, (*path, key_node.value), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_index(item, (*path, i), lines)
    return lines


def _duplicate_keys(node: Any, path: tuple[Any, ...] = ()) -> list[str]:
    """Describe every key given twice in one mapping of a composed YAML (or JSON) node tree."""
    import yaml

    found: list[str] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in first:
                where = format_location((*path, key))
                found.append(f"{where} is given twice (lines {first[key]} and {line}); keep one.")
            first.setdefault(key, line)
            found += _duplicate_keys(value_node, (*path, key))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicate_keys(item, (*path, i))
    return found


def _refuse_duplicate_keys(path: Path, text: str, node: Any, error: type[Exception]) -> None:
    """Raise when a mapping of ``node`` (``text`` composed; None if YAML cannot read it) repeats a key.

    YAML and JSON readers silently keep the last value.
    """
    found = _duplicate_keys(node) if node is not None else []
    if node is None and path.suffix.lower() == ".json":
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

    Dates and times stay the text the user wrote (the schemas check them); a key given twice in one
    mapping is an error, where YAML and JSON readers silently keep the last value.

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

    loader = _yaml_loader()
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
        _refuse_duplicate_keys(path, text, node, error)
        return document, {}
    # Parsed once: the node tree gives the lines and the repeated keys, and the document is built from it.
    parser = loader(text)
    try:
        node = parser.get_single_node()
        document = parser.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise error(f"{path}: not valid YAML ({where}{problem}).") from None
    finally:
        parser.dispose()
    _refuse_duplicate_keys(path, text, node, error)
    return document, (_line_index(node) if node is not None else {})
