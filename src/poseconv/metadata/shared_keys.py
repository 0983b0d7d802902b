"""Keyed Pose entries several pose inputs of one conversion share, as ``get_metadata()`` shows them.

neuroconv's ``NWBConverter.get_metadata`` merges the inputs' metadata key by key: two inputs whose
containers have the same key (two single-animal files: ``PoseEstimation``) show one entry, with a
name both have by default and the body parts of both. A user who hands that metadata back has
chosen none of it; :func:`without_handed_back` leaves out what is unchanged, so each input keeps
its own, and only what the user changed applies to every input sharing the key.

The other way round, an input's container may name by key a video or camera that another
interface of the conversion has (:func:`borrow_referenced`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from .defaults import to_plain

__all__ = [
    "CONTAINER_BLOCKS",
    "KEYED_BLOCKS",
    "borrow_referenced",
    "defer_to_other_videos",
    "shared_entries",
    "without_handed_back",
]

#: Blocks of ``metadata["Pose"]`` whose entries are the containers of one input, by key.
CONTAINER_BLOCKS = ("PoseEstimations", "MultiCameraPoseEstimations")
#: Blocks whose keys belong to an input (a user's entry must name a key of some input).
KEYED_BLOCKS = (*CONTAINER_BLOCKS, "Skeletons", "CalibratedCameras")


def shared_entries(defaults: Mapping[str, Mapping[str, Any]], inputs: list[str]) -> dict[tuple[str, str], Any]:
    """Return, by ``(block, key)``, the merged entry of every keyed Pose entry several inputs share.

    Merged as neuroconv's ``NWBConverter.get_metadata`` merges them (lists appended), so these are
    the values a user who hands ``get_metadata()`` back gives for the shared keys. The file's ``Devices``
    are among them, as ``("Devices", key)``: two inputs' cameras of one video name (in folders of their own,
    without their videos) show one entry, the last input's description, which would make them one camera.
    """
    from neuroconv.utils import dict_deep_update

    shared: dict[tuple[str, str], Any] = {}
    for block in (*KEYED_BLOCKS, "PoseTraining", "Devices"):
        found: dict[str, list[Any]] = {}
        for name in inputs:
            entries = (defaults[name] if block == "Devices" else (defaults[name].get("Pose") or {})).get(block)
            if block == "PoseTraining":
                entries = {"": entries} if isinstance(entries, dict) else {}
            for key, entry in (entries or {}).items():
                found.setdefault(key, []).append(entry)
        for key, entries in found.items():
            if len(entries) > 1 and all(isinstance(entry, dict) for entry in entries):
                merged: dict[str, Any] = {}
                for entry in entries:
                    merged = dict_deep_update(merged, copy.deepcopy(entry))
                shared[(block, key)] = to_plain(merged)
    return shared


def _drop_equal(given: dict[str, Any], handed_back: Mapping[str, Any]) -> None:
    """Remove from ``given`` (in place) every value equal to the one ``handed_back`` has there."""
    for field_name in list(given):
        if field_name not in handed_back:
            continue
        value, default = given[field_name], handed_back[field_name]
        if isinstance(value, dict) and isinstance(default, Mapping):
            _drop_equal(value, default)
            if not value:
                del given[field_name]
        elif to_plain(value) == default:
            del given[field_name]


def without_handed_back(user: dict[str, Any], shared: Mapping[tuple[str, str], Any]) -> dict[str, Any]:
    """Return the user's metadata without what ``get_metadata()`` shows of entries several inputs share (in place).

    Those entries merge the inputs' own (a name they all have by default, the body parts of all);
    handed back unedited, they would be imposed on each input (their containers then clash). Only
    what the user changed there is a choice, applied to every input that shares the key.
    """
    pose = user.get("Pose")
    for (block, key), merged in shared.items():
        entries = user.get(block) if block == "Devices" else pose.get(block) if isinstance(pose, dict) else None
        entry = entries if block == "PoseTraining" else (entries.get(key) if isinstance(entries, dict) else None)
        if isinstance(entry, dict):
            _drop_equal(entry, merged)
    return user


# Fields of a container entry that name another interface's entry by key, and the block that holds it.
_REFERENCES = {
    "source_video_metadata_key": ("Behavior", "ExternalVideos"),
    "labeled_video_metadata_key": ("Behavior", "ExternalVideos"),
    "device_metadata_key": ("Devices",),
}


def borrow_referenced(merged: dict[str, Any], file_blocks: Mapping[str, Any]) -> None:
    """Copy into an input's metadata the video and camera entries of other interfaces it names (in place).

    An input keeps its own ``Devices`` and ``Behavior`` (another input may use the same keys for
    other videos); a container naming a video or camera only another interface has (a labeled
    video of neuroconv's ``ExternalVideoInterface``) takes that entry from the file's metadata.
    """

    def entries(metadata: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
        for step in path:
            metadata = metadata.get(step) if isinstance(metadata, Mapping) else None
        return metadata if isinstance(metadata, Mapping) else {}

    containers = list(((merged.get("Pose") or {}).get("PoseEstimations") or {}).values())
    for entry in containers:
        for field_name, path in _REFERENCES.items():
            key = entry.get(field_name) if isinstance(entry, Mapping) else None
            if key is None or key in entries(merged, path) or key not in entries(file_blocks, path):
                continue
            borrowed = copy.deepcopy(dict(entries(file_blocks, path)[key]))
            target = merged
            for step in path:
                target = target.setdefault(step, {})
            target[key] = borrowed
            # A borrowed video brings the camera it names.
            containers.append({"device_metadata_key": borrowed.get("device_metadata_key")})


def defer_to_other_videos(own: Mapping[str, dict[str, Any]], others: Iterable[Mapping[str, Any]]) -> None:
    """Point an input's containers at another interface's entry for the same video, and drop its own (in place).

    neuroconv's ``ExternalVideoInterface`` given its own ``metadata_key`` ("BehaviorCam") declares the
    video (``Video <stem>``) and its camera under keys of its own; a pose input's defaults declare the same
    objects under ``video_<stem>`` and ``video_<stem>_camera``, and neuroconv refuses two keys for one
    device. An input's video entry whose object name another interface's entry has under another key
    is that interface's video: the input's containers link it (and its camera), as they do when the keys
    are the same. Inputs with training data keep their entries (their frames look videos up by key).
    """
    theirs: dict[str, tuple[str, Mapping[str, Any]]] = {}
    theirs_by_key: dict[str, Mapping[str, Any]] = {}
    for metadata in others:
        for key, entry in ((metadata.get("Behavior") or {}).get("ExternalVideos") or {}).items():
            if isinstance(entry, Mapping) and entry.get("name"):
                theirs.setdefault(entry["name"], (key, entry))
                theirs_by_key.setdefault(key, entry)
    for metadata in own.values():
        pose = metadata.get("Pose") or {}
        videos = (metadata.get("Behavior") or {}).get("ExternalVideos") or {}
        if "PoseTraining" in pose or not theirs:
            continue
        for key, entry in list(videos.items()):
            other_key, other = theirs.get(entry.get("name"), (key, None))
            if other is None and key in theirs_by_key:
                # The same key (neuroconv's video_<stem>) under the name the lab gave the video (video_name=):
                # that interface writes it, so its name stands, not the input's default one.
                other = theirs_by_key[key]
            if other is None or (other_key == key and other.get("name") == entry.get("name")):
                continue
            camera = entry.get("device_metadata_key")
            for container in (pose.get("PoseEstimations") or {}).values():
                if container.get("source_video_metadata_key") == key:
                    container["source_video_metadata_key"] = other_key
                    if other.get("device_metadata_key") and container.get("device_metadata_key") == camera:
                        container["device_metadata_key"] = other["device_metadata_key"]
            del videos[key]
            if other.get("device_metadata_key"):
                (metadata.get("Devices") or {}).pop(camera, None)
