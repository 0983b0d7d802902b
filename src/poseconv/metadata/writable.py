"""What the writer would stop on, naming no field, or would write wrong: said with the metadata, at the field.

The metadata schema checks each value alone; these checks read an entry with what it names (a skeleton's
key, a camera's fields, a series' default unit), as the writer does. Every entry point composes the
metadata (:func:`~poseconv.metadata.compose.compose_metadata`) before writing, so each says them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .cameras import camera_problems
from .checks import deprecated_field_problems, series_name_problems
from .problems import MetadataProblem
from .series_units import pixel_unit_problems
from .shared_keys import CONTAINER_BLOCKS
from .unknown import reference_problems

__all__ = ["container_entry_problems", "multicamera_name_problems", "writer_problems"]


def container_entry_problems(per_input: Mapping[str, Mapping[str, Any]]) -> list[MetadataProblem]:
    """Report what a pose input's container entry gives that cannot be written.

    ndx-pose's deprecated fields (poseconv would not write them), and two series of one name
    (hdmf would refuse the second only while writing, without naming the metadata).
    """
    problems = []
    for name, metadata in per_input.items():
        for block in CONTAINER_BLOCKS:
            for key, entry in ((metadata.get("Pose") or {}).get(block) or {}).items():
                if not isinstance(entry, Mapping):
                    continue
                deprecated = deprecated_field_problems(entry) if block == "PoseEstimations" else []
                found = [((field_name,), message) for field_name, message in deprecated]
                found += [
                    (("PoseEstimationSeries", series, "name"), message)
                    for series, message in series_name_problems(entry)
                ]
                for where, message in found:
                    problems.append(
                        MetadataProblem(("Pose", block, key, *where), message, name if len(per_input) > 1 else None)
                    )
    return problems


def multicamera_name_problems(per_input: Mapping[str, Mapping[str, Any]]) -> list[MetadataProblem]:
    """Report two cameras of one input given one name, and two views of one container given one name.

    The writer links a camera to the device of its name already in the file (the same rig, in several pose
    files): two keys of one session named alike would become one device, the second camera's fields lost
    without a word, as neuroconv refuses in ``Devices``. ndx-pose refuses two views of one name naming only
    its own classes.
    """
    problems = []
    for name, metadata in per_input.items():
        pose = metadata.get("Pose") or {}
        which = name if len(per_input) > 1 else None
        blocks = [(("CalibratedCameras",), pose.get("CalibratedCameras"))]
        for key, entry in (pose.get("MultiCameraPoseEstimations") or {}).items():
            views = entry.get("CameraViews") if isinstance(entry, Mapping) else None
            blocks.append((("MultiCameraPoseEstimations", key, "CameraViews"), views))
        for where, entries in blocks:
            seen: dict[Any, str] = {}
            for key, entry in (entries or {}).items() if isinstance(entries, Mapping) else ():
                given = entry.get("name") if isinstance(entry, Mapping) else None
                if isinstance(given, str) and given in seen:
                    block = "".join(f"['{step}']" for step in where)
                    message = (
                        f"metadata['Pose']{block} keys '{seen[given]}' and '{key}' use name '{given}'. Use 1 key to "
                        "share a device."
                        if where == ("CalibratedCameras",)
                        else f"{given!r} is also the name of the view of camera '{seen[given]}'; a container holds "
                        "one view of each name: give each view a name of its own."
                    )
                    problems.append(MetadataProblem(("Pose", *where, key, "name"), message, which))
                seen.setdefault(given, key)
    return problems


def writer_problems(
    shared: Mapping[str, Any],
    per_input: Mapping[str, Mapping[str, Any]],
    defaults: Mapping[str, Mapping[str, Any]],
    user: Mapping[str, Any],
    per_input_user: Mapping[str, Mapping[str, Any]],
) -> list[MetadataProblem]:
    """Return what the composed metadata gives that the writer would refuse while writing, or write wrong.

    Parameters
    ----------
    shared : mapping
        The file's composed metadata.
    per_input : mapping of str to mapping
        Each pose input's composed metadata.
    defaults : mapping of str to mapping
        Each pose input's defaults.
    user, per_input_user : mapping
        The user's metadata of the file and of single inputs.

    Returns
    -------
    list of MetadataProblem
        Deprecated fields and series of one name, misspelt keys (``device_metadata_key: camera1``), pixels
        labelled another unit, fields no camera has, cameras or camera views of one name.
    """
    return (
        container_entry_problems(per_input)
        # A misspelt device_metadata_key or skeleton_metadata_key: the writer would stop on it, naming no field.
        + reference_problems(shared, per_input, user, per_input_user)
        + pixel_unit_problems(per_input, defaults, per_input_user)
        + camera_problems(per_input, user, per_input_user)
        + multicamera_name_problems(per_input)
    )
