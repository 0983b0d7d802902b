"""The parameters several interfaces share, written once: descriptions, the schema of their values.

neuroconv builds an interface's source schema (what NWB GUIDE shows as a form) from the signature of
its ``__init__`` and the numpydoc ``Parameters`` of its docstring, so each interface keeps both. A
description worded the same for several interfaces is written here; the docstring names it by a
line holding only ``{name}``, which :func:`fill_parameters` replaces when the class is defined.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, TypeVar

from pydantic import WithJsonSchema

__all__ = ["SHARED_PARAMETERS", "FrameRateArg", "IndexArg", "IndicesArg", "fill_parameters"]

# The bounds of these values are given to the source schema only (a form refuses them at the field): the
# interface refuses such a value in its own words, naming the file and the ones there are, not pydantic's.
#: A frame rate in Hz: positive (timing.user_rate refuses another).
FrameRateArg = Annotated[float, WithJsonSchema({"type": "number", "exclusiveMinimum": 0})]
#: An index into a file's list (of recording sessions): 0-based, so never negative.
IndexArg = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 0})]
#: Indices into a file's list (of videos): at least one, none negative.
IndicesArg = Annotated[
    list[int], WithJsonSchema({"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 1})
]

_Function = TypeVar("_Function", bound=Callable)

#: numpydoc entries (``name : type`` and the indented description) by placeholder name.
SHARED_PARAMETERS: dict[str, str] = {
    "verbose": "verbose : bool, default: False\n    Print progress.",
    "metadata_key_of_file": (
        "metadata_key : str, optional\n"
        "    Suffix for this file's metadata keys and default object names, needed when several pose files\n"
        '    (e.g. one per camera) go into one NWB file: "top" gives "PoseEstimation_top", "Skeleton_top".'
    ),
    "metadata_key_of_session": (
        "metadata_key : str, optional\n"
        "    Suffix for this session's metadata keys and default object names (containers, cameras,\n"
        '    skeletons), needed when several sessions go into one NWB file: "rig2" gives\n'
        '    "MultiCameraPoseEstimation_rig2" and cameras "camera-1_rig2".'
    ),
}

# Only a line holding nothing but the placeholder is filled: braces elsewhere (``{"error", "by_order"}``) stay.
_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)\{(?P<name>\w+)\}[ \t]*$", re.MULTILINE)


def fill_parameters(function: _Function) -> _Function:
    """Replace each ``{name}`` line of ``function``'s docstring by :data:`SHARED_PARAMETERS` ``[name]``.

    The entry takes the indentation of the placeholder. Put the decorator below ``@validate_call``,
    which copies the docstring when it wraps the function.

    Raises
    ------
    KeyError
        When a placeholder names no shared description (at import, so a typo cannot ship).
    """

    def entry(match: re.Match[str]) -> str:
        indent = match["indent"]
        return "\n".join(indent + line for line in SHARED_PARAMETERS[match["name"]].splitlines())

    function.__doc__ = _PLACEHOLDER.sub(entry, function.__doc__ or "")
    return function
