"""An interface's source data, checked alike wherever it is given: paths made absolute and present, then its schema.

A spec's ``source_data`` (:mod:`poseconv.batch.inputs`) and the command line's ``--option KEY=VALUE``
(:mod:`poseconv.cli.convert`) go through :func:`check_source_data`, so that the same value gets the
same answer wherever it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..metadata.schema_messages import schema_problems
from .paths import missing_path, resolve_path
from .report import Problem, one_line
from .spec import format_location, to_json

__all__ = ["Locate", "check_source_data", "path_kind", "resolve_source_data", "source_schema"]

#: Gives the location of a source-data argument (None: the entry itself): a spec's field, a command line's option.
Locate = Callable[[str | None], str]


def path_kind(key: str, prop: Mapping[str, Any]) -> str | None:
    """``file``, ``folder`` or ``any`` for arguments that name paths; None otherwise."""
    fmt = prop.get("format") or (prop.get("items") or {}).get("format")
    if fmt == "file-path" or key.endswith(("file_path", "file_paths")):
        return "file"
    if fmt == "directory-path" or key.endswith(("folder_path", "folder_paths", "directory_path")):
        return "folder"
    if key.endswith(("_path", "_paths")):
        return "any"
    return None


def resolve_source_data(
    source_data: Mapping[str, Any], schema: Mapping[str, Any], data_folder: Path, locate: Locate, session: int | None
) -> tuple[dict[str, Any], list[Problem]]:
    """Make the path arguments absolute (relative ones from ``data_folder``) and return them with the missing ones."""
    properties = schema.get("properties", {})
    resolved: dict[str, Any] = {}
    problems = []
    for key, value in source_data.items():
        kind = path_kind(key, properties.get(key, {}))
        if kind is None or value is None:
            resolved[key] = value
            continue
        if isinstance(value, str):
            path = resolve_path(data_folder, value)
            resolved[key] = str(path)
            if (message := missing_path(path, kind)) is not None:
                problems.append(Problem(locate(key), message, session))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            paths = [resolve_path(data_folder, v) for v in value]
            resolved[key] = [str(p) for p in paths]
            for i, path in enumerate(paths):
                if (message := missing_path(path, kind)) is not None:
                    problems.append(Problem(f"{locate(key)}[{i}]", message, session))
        elif isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
            # Paths by name (video_file_paths / camera_file_paths by camera): each one from data_folder too.
            by_name = {name: resolve_path(data_folder, v) for name, v in value.items()}
            resolved[key] = {name: str(p) for name, p in by_name.items()}
            for name, path in by_name.items():
                if (message := missing_path(path, kind)) is not None:
                    problems.append(Problem(f"{locate(key)}.{name}", message, session))
        else:
            resolved[key] = value
    return resolved, problems


def source_schema(cls: type, locate: Locate, session: int | None) -> tuple[dict[str, Any], list[Problem]]:
    """Return the interface's source schema, or an empty one and the problem that stops it."""
    try:
        return cls.get_source_schema(), []
    except Exception as err:  # noqa: BLE001 - plug-in boundary: a third-party interface's schema may fail to
        # build in any way; the error is recorded, with the class and the spec location, as a Problem.
        return {}, [Problem(locate(None), f"{cls.__name__}.get_source_schema() failed: {one_line(err)}", session)]


def check_source_data(
    cls: type,
    source_data: Mapping[str, Any],
    own: Mapping[str, Any],
    data_folder: Path,
    locate: Locate,
    session: int | None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Return an interface's arguments (``own`` ones, then ``source_data`` with absolute paths) and their problems.

    Parameters
    ----------
    cls : type
        The interface class.
    source_data : Mapping
        The arguments given by name (a spec's ``source_data``, the command line's ``--option``).
    own : Mapping
        The arguments the entry gives otherwise (a pose entry's ``file_path``, the command line's input and
        flags), checked with them.
    data_folder : pathlib.Path
        Where relative paths of ``source_data`` start.
    locate : Locate
        The location, for the user, of an argument (of the entry for None).
    session : int or None
        The session the problems concern (None: none).

    Returns
    -------
    tuple
        The arguments, and the problems: paths that are missing, then what the interface's source
        schema finds (an unknown argument with the one meant, a value of the wrong type).
    """
    from jsonschema import Draft7Validator

    from ..interfaces.neuroconv_names import neuroconv_name_message

    schema, schema_failed = source_schema(cls, locate, session)
    resolved, problems = resolve_source_data(source_data, schema, data_folder, locate, session)
    arguments = {**own, **resolved}
    if schema_failed:
        return arguments, problems + schema_failed
    # neuroconv's name for an argument (a spec written for its SLEAPInterface: frames_per_second) is said with
    # poseconv's (sampling_frequency), not as a misspelling of whichever argument it looks like.
    properties = schema.get("properties", {})
    for key in list(arguments):
        if (said := neuroconv_name_message(key, properties)) is not None:
            problems.append(Problem(locate(key), f"unknown field; {said}.", session))
            del arguments[key]
    for path, message in schema_problems(Draft7Validator(schema), to_json(dict(arguments))):
        key = path[0] if path else None
        problems.append(Problem(format_location(path[1:], locate(key)), message, session))
    return arguments, problems
