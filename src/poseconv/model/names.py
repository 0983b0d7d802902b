"""Checks on the names the model holds: names asked for must exist, names of one kind must not repeat."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .location import location_name

__all__ = ["require_names", "unique_by"]


def require_names(
    names: Sequence[str],
    available: Sequence[str],
    source_file: Path | str,
    absent: Mapping[str, str] | None = None,
) -> set[str]:
    """Return ``names`` as a set after checking each is ``available``.

    Parameters
    ----------
    names : sequence of str
        The names asked for.
    available : sequence of str
        The names there are.
    source_file : pathlib.Path or str
        The file read, named in the message.
    absent : mapping of str to str, optional
        Why a name the file has is not available (a reader's ``notes["absent_tracks"]``: "it has no poses
        on the video(s) chosen ..."): said instead of "not found", which would deny the file has it.

    Raises
    ------
    KeyError
        When a name is not available; the message says why, when known, and lists those that are.
    """
    unknown = [name for name in names if name not in available]
    if not unknown:
        return set(names)
    absent = absent or {}
    where = location_name(source_file)
    said = [f"{name!r} is a track of {where}, but {absent[name]}." for name in unknown if name in absent]
    missing = [name for name in unknown if name not in absent]
    listed = f"available individuals/tracks: {list(available)}."
    said.append(f"{missing} not found in {where}; {listed}" if missing else "A" + listed[1:])
    raise KeyError(" ".join(said))


def unique_by(items: Sequence[Any], attribute: str, what: str) -> dict[str, Any]:
    """Return ``items`` by their ``attribute``, in order.

    Raises
    ------
    ValueError
        When two items have the same ``attribute`` (``what`` names them in the message).
    """
    result: dict[str, Any] = {}
    for item in items:
        key = getattr(item, attribute)
        if key in result:
            raise ValueError(f"Two {what}s are named {key!r}.")
        result[key] = item
    return result
