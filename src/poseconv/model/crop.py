"""A crop of a video's frames as a pose tool records it: its four numbers.

The readers keep a recorded crop in their notes (a sleap-io virtual crop's ``[x1, y1, x2, y2]``, DeepLabCut's
``cropping_parameters`` ``[x1, x2, y1, y2]``), and the exporters that place poses on the whole video read it back
(:mod:`poseconv.exporters.video_crop`). Both take the numbers here, so that an exporter imports no reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["crop_numbers"]

_Number = TypeVar("_Number", int, float)


def crop_numbers(values: Any, number: Callable[[Any], _Number]) -> list[_Number] | None:
    """Return the four numbers of a recorded crop, each made by ``number`` (``int``, ``float``).

    None when ``values`` is not a list of four numbers: a crop not recorded, or not in a form known here.
    """
    if not isinstance(values, (list, tuple)) or len(values) != 4:
        return None
    try:
        return [number(value) for value in values]
    except (TypeError, ValueError):
        return None
