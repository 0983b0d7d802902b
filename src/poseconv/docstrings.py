"""Docstring texts worded once and filled in where several functions say the same.

A docstring names a shared text by a line holding only ``{name}``; the filler made by
:func:`docstring_filler` replaces that line by the text, at the line's indentation, when the
function is defined. neuroconv reads an interface's parameter descriptions from its docstring (the
source schema NWB GUIDE shows as a form), so a description filled in here reaches the form too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

__all__ = ["docstring_filler"]

_Function = TypeVar("_Function", bound=Callable)

# Only a line holding nothing but the placeholder is filled: braces elsewhere (``{"error", "by_order"}``) stay.
_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)\{(?P<name>\w+)\}[ \t]*$", re.MULTILINE)


def docstring_filler(texts: Mapping[str, str]) -> Callable[[_Function], _Function]:
    """Return a decorator replacing each ``{name}`` line of a docstring by ``texts[name]``.

    Parameters
    ----------
    texts : Mapping of str to str
        numpydoc text (a parameter entry, or a whole section) by placeholder name.

    Returns
    -------
    callable
        The decorator; it returns the function it is given, with its docstring filled. It raises
        ``KeyError`` when a placeholder names no text, at import, so a typo cannot ship. Put it below
        pydantic's ``@validate_call``, which copies the docstring when it wraps the function.
    """

    def entry(match: re.Match[str]) -> str:
        indent = match["indent"]
        return "\n".join(indent + line for line in texts[match["name"]].splitlines())

    def fill(function: _Function) -> _Function:
        function.__doc__ = _PLACEHOLDER.sub(entry, function.__doc__ or "")
        return function

    return fill
