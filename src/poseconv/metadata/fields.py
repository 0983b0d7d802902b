"""The ``Field`` of a key users may leave out, in the metadata models and the conversion spec.

Most keys of a metadata entry or a spec may be left out: an optional value is then ``None``, a
mapping (entries by key, an interface's arguments) empty. Each is declared with its title and
description, which form tools (NWB GUIDE) show beside the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

__all__ = ["mapping", "optional"]


def optional(title: str, description: str, **constraints: Any) -> Any:
    """Return the ``Field`` of a value that is ``None`` when not given.

    Parameters
    ----------
    title, description : str
        What a form shows of the field.
    **constraints
        Other arguments of :func:`pydantic.Field` (``min_length``, ``gt``, ...).
    """
    return Field(default=None, title=title, description=description, **constraints)


def mapping(title: str, description: str) -> Any:
    """Return the ``Field`` of a mapping that is empty when not given (entries by key, arguments by name).

    Parameters
    ----------
    title, description : str
        What a form shows of the field.
    """
    return Field(default_factory=dict, title=title, description=description)
