"""Checks on the names the model holds: names asked for must exist, names of one kind must not repeat."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .location import location_name

__all__ = ["require_names", "unique_by"]


def require_names(names: Sequence[str], available: Sequence[str], source_file: Path | str) -> set[str]:
    """Return ``names`` as a set after checking each is ``available``.

    Raises
    ------
    KeyError
        When a name is not available; the message lists those that are.
    """
    unknown = [name for name in names if name not in available]
    if unknown:
        raise KeyError(
            f"{unknown} not found in {location_name(source_file)}; available individuals/tracks: {list(available)}."
        )
    return set(names)


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
