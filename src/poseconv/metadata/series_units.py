"""A pose series' unit: image coordinates stay pixels unless the user also says where their scaled frame is.

DeepLabCut, SLEAP and Lightning Pose predict positions in image pixels (DeepLabCut 3D in its calibration's
units, "n.a." until a lab says which). poseconv writes the values as read, with no ``conversion``; ndx-pose
and neuroconv write whatever unit the metadata gives. ``unit: cm`` on a 2D series then labelled pixel
values centimetres, beside a reference_frame saying pixels. A file whose values were scaled before
conversion is a case of its own: its user describes the scaled frame in the series' reference_frame too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .problems import MetadataProblem

__all__ = ["PIXEL_UNITS", "is_pixel_unit", "pixel_unit_problems"]

#: What users write for image pixels (LightningPose's neuroconv interface writes "px"): all mean the same.
PIXEL_UNITS = frozenset({"pixels", "pixel", "px"})


def _series(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Mapping[str, Any]]]:
    """Yield ``(path, entry)`` for each series entry under ``node`` (a ``PoseEstimationSeries`` value)."""
    if not isinstance(node, Mapping):
        return
    for key, value in node.items():
        if key == "PoseEstimationSeries" and isinstance(value, Mapping):
            yield from (((*path, key, name), entry) for name, entry in value.items() if isinstance(entry, Mapping))
        elif isinstance(value, Mapping):
            yield from _series(value, (*path, key))


def _at(metadata: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        metadata = metadata.get(step) if isinstance(metadata, Mapping) else None
    return metadata


def is_pixel_unit(unit: Any) -> bool:
    """Whether ``unit`` names pixels (``pixels``, ``pixel``, ``px``, any case)."""
    return isinstance(unit, str) and unit.strip().lower() in PIXEL_UNITS


def pixel_unit_problems(
    per_input: Mapping[str, Mapping[str, Any]],
    defaults: Mapping[str, Mapping[str, Any]],
    per_input_user: Mapping[str, Mapping[str, Any]],
) -> list[MetadataProblem]:
    """Return a problem for each series of image coordinates given another unit than pixels, its frame unsaid.

    Parameters
    ----------
    per_input : mapping of str to mapping
        Each pose input's composed metadata.
    defaults : mapping of str to mapping
        Each pose input's defaults: a series whose default unit is pixels holds image coordinates.
    per_input_user : mapping of str to mapping
        The user's metadata of single inputs (a problem there is said for that input).

    Returns
    -------
    list of MetadataProblem
        At ``(..., "PoseEstimationSeries", node, "unit")``; none where the series' reference_frame is the
        user's own (the values were scaled before conversion, and the frame says so).
    """
    problems = []
    for name, metadata in per_input.items():
        for path, default in _series(defaults[name].get("Pose") or {}, ("Pose",)):
            entry = _at(metadata, path)
            if not isinstance(entry, Mapping) or not is_pixel_unit(default.get("unit")):
                continue
            unit = entry.get("unit")
            if unit is None or is_pixel_unit(unit) or entry.get("reference_frame") != default.get("reference_frame"):
                continue
            message = (
                f"{unit!r} would relabel pixels: the pose file's positions are image coordinates in pixels, written "
                "as read (no conversion), and the series' reference_frame says pixels. Leave unit out (pixels); if "
                f"the file's values were scaled to {unit} before conversion, give the series' reference_frame too, "
                f"saying where (0, 0) is and that positions are in {unit}."
            )
            given_here = _at(per_input_user.get(name), (*path, "unit")) is not None
            problems.append(MetadataProblem((*path, "unit"), message, name if given_here else None))
    return list(dict.fromkeys(problems))
