"""The fields a camera's ``Devices`` entry may hold, checked with the metadata rather than while writing.

The schema of ``Devices`` is neuroconv's, open to any field because an extension's device has fields of
its own; so a misspelt ``manufactuer`` passed every form and check. The pose writer makes each camera a
pynwb ``Device`` (its make a ``DeviceModel``) and refuses a field no camera has; said here, every entry
point refuses it before writing, at the field, with the field it resembles.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from .problems import MetadataProblem

__all__ = ["DEVICE_FIELDS", "ENTRY_KEYS", "MAKE_FIELDS", "camera_field_problems", "camera_problems"]

#: What a ``Devices`` entry may hold: the fields neuroconv's Devices schema offers (a camera's make and model
#: too, which pynwb keeps on a DeviceModel now) and the entry's links.
DEVICE_FIELDS = ("name", "description", "serial_number")
MAKE_FIELDS = ("manufacturer", "model_number", "model_name")
ENTRY_KEYS = ("device_model_metadata_key", "type")


def camera_field_problems(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return ``(field, message)`` for each field of a camera's ``Devices`` entry that no camera Device has.

    Parameters
    ----------
    entry : mapping
        A ``metadata["Devices"][key]`` entry that a pose container (or its video) names.

    Returns
    -------
    list of (str, str)
        The field (``type`` for another kind of device) and what is wrong; empty when a camera has them all.
    """
    fields = DEVICE_FIELDS + MAKE_FIELDS
    fields_said = f"its fields are {', '.join(fields)} and device_model_metadata_key"
    problems = []
    for name in entry:
        if name in fields + ENTRY_KEYS:
            continue
        close = difflib.get_close_matches(str(name), fields, 1)
        meant = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append((name, f"{name!r}{meant} is not a field of a camera Device; {fields_said}."))
    kind = entry.get("type")
    if kind not in (None, "", "Device"):
        problems.append(("type", f"type {kind!r}: cameras are Device; {fields_said}."))
    return problems


def _cameras_named(metadata: Mapping[str, Any]) -> set[str]:
    """Return the ``Devices`` keys a pose input's containers name, and those their source videos name."""
    videos = (metadata.get("Behavior") or {}).get("ExternalVideos") or {}
    keys = set()
    for entry in ((metadata.get("Pose") or {}).get("PoseEstimations") or {}).values():
        if not isinstance(entry, Mapping):
            continue
        keys.add(entry.get("device_metadata_key"))
        video = videos.get(entry.get("source_video_metadata_key")) if isinstance(videos, Mapping) else None
        keys.add(video.get("device_metadata_key") if isinstance(video, Mapping) else None)
    return {key for key in keys if isinstance(key, str)}


def camera_problems(
    per_input: Mapping[str, Mapping[str, Any]],
    user: Mapping[str, Any],
    per_input_user: Mapping[str, Mapping[str, Any]],
) -> list[MetadataProblem]:
    """Return a problem for each field the user gives a pose input's camera that no camera Device has.

    Other devices (another interface's microscope, with fields of its own) are not the pose writer's: they
    are left to their interfaces.

    Parameters
    ----------
    per_input : mapping of str to mapping
        Each pose input's composed metadata.
    user, per_input_user : mapping
        The user's metadata of the file and of single inputs: only entries they give are checked.

    Returns
    -------
    list of MetadataProblem
        At ``("Devices", key, field)``, said for the input whose own metadata gives the entry.
    """
    problems = []
    for name, metadata in per_input.items():
        devices = metadata.get("Devices") or {}
        own = (per_input_user.get(name) or {}).get("Devices") or {}
        given = set((user.get("Devices") or {}) if isinstance(user.get("Devices"), Mapping) else ()) | set(own)
        for key in sorted(_cameras_named(metadata) & given):
            entry = devices.get(key) if isinstance(devices, Mapping) else None
            for field_name, message in camera_field_problems(entry) if isinstance(entry, Mapping) else ():
                which = name if isinstance(own.get(key), Mapping) and field_name in own[key] else None
                problems.append(MetadataProblem(("Devices", key, field_name), message, which))
    return list(dict.fromkeys(problems))
