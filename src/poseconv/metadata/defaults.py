"""Default metadata for a :class:`~poseconv.model.PoseData`: names, keys and cross-links.

The keys made here are how metadata entries find their data again in the
writer, so both sides use :func:`container_key`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from ..model import PoseData, PoseTrack, Skeleton
from ..model.location import is_url, where_linked
from .container_names import container_names
from .names import POSE_ESTIMATION_MEMBERS, nwb_name, skeleton_nwb_names, unique_nwb_names
from .recorded_videos import (
    HDF5_IMAGES_SENTENCE,
    MISSING_IMAGES_SENTENCE,
    MISSING_VIDEO_PATTERN,
    MISSING_VIDEO_SENTENCE,
    RECORDED_ELSEWHERE_SENTENCE,
    recorded_elsewhere_sentence,
    unlinked_video_sentence,
)
from .wording import CROP_RECORDED_BY, CROP_SENTENCE, crop_sentence, individual_words, track_and_skeleton

__all__ = [
    "CROP_RECORDED_BY",
    "CROP_SENTENCE",
    "HDF5_IMAGES_SENTENCE",
    "MISSING_IMAGES_SENTENCE",
    "MISSING_VIDEO_PATTERN",
    "RECORDED_SIZE_PATTERN",
    "UNTIMED_IMAGES_SENTENCE",
    "MISSING_VIDEO_SENTENCE",
    "RECORDED_ELSEWHERE_SENTENCE",
    "camera_and_video_entries",
    "camera_device_entry",
    "camera_folder",
    "camera_key",
    "crop_sentence",
    "external_video_entry",
    "individual_words",
    "pose_series_entries",
    "poses_made_by",
    "producer_fields",
    "recorded_elsewhere_sentence",
    "recorded_size_sentence",
    "merge_metadata",
    "to_plain",
    "with_types_of",
    "container_key",
    "skeleton_entry",
    "skeleton_key",
    "default_pose_metadata",
    "track_and_skeleton",
    "track_for_container_key",
    "video_of_camera_key",
    "video_key",
    "unlinked_video_sentence",
]

# Labels on a sequence of images without times (SLEAP's "Add images", sleap-io's ImageVideo): NWB gives an
# ImageSeries a rate or times, so the images are linked at one a second, which this says; read back, no rate.
UNTIMED_IMAGES_SENTENCE = (
    "The images have no recorded times: the rate of 1 image per second only numbers them (image k at k s), "
    "it is not a camera's rate."
)


def container_key(pose: PoseData, track: PoseTrack) -> str:
    """Return the metadata key (and default name) of the PoseEstimation holding ``track``.

    ``PoseEstimation`` for a file with one animal in one video, ``PoseEstimation_<track>``
    with several animals, and ``PoseEstimation_<video>_<track>`` with several videos;
    ``PoseEstimation_<metadata_key>...`` when the pose data carries a metadata key.
    """
    videos = {t.video for t in pose.tracks}
    names = {t.name for t in pose.tracks}
    key = "PoseEstimation" if pose.metadata_key is None else f"PoseEstimation_{pose.metadata_key}"
    if len(videos) > 1:
        return f"{key}_{track.video}_{track.name}"
    if len(names) > 1:
        return f"{key}_{track.name}"
    return key


def skeleton_key(pose: PoseData, skeleton: str) -> str:
    """Return the metadata key (and default name) of a skeleton of ``pose``."""
    return skeleton if pose.metadata_key is None else f"{skeleton}_{pose.metadata_key}"


def track_for_container_key(pose: PoseData) -> dict[str, PoseTrack]:
    """Map each container key of ``pose`` to its track."""
    return {container_key(pose, track): track for track in pose.tracks}


def video_key(video: str) -> str:
    """Metadata key of a video in ``Behavior.ExternalVideos`` (the one neuroconv's video interface uses)."""
    return f"video_{video}"


def camera_key(video: str) -> str:
    """Metadata key of the camera that recorded ``video`` in ``Devices``."""
    return f"video_{video}_camera"


def video_of_camera_key(entry: Mapping[str, Any]) -> str | None:
    """Return the video whose camera an entry names (``device_metadata_key``): the inverse of :func:`camera_key`."""
    key = str(entry.get("device_metadata_key") or "")
    return key[len("video_") : -len("_camera")] if key.startswith("video_") and key.endswith("_camera") else None


def to_plain(value: Any) -> Any:
    """Return ``value`` with JSON types only: dates as ISO-8601 text, paths as text, tuples and arrays as lists.

    Parameters
    ----------
    value : object
        A document (mappings, lists, scalars, datetimes, paths, numpy values).

    Returns
    -------
    object
        The same document in JSON types.
    """
    import datetime as dt
    from pathlib import Path

    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "tolist") and callable(value.tolist):
        return to_plain(value.tolist())
    return value


def with_types_of(plain: Any, typed: Any) -> Any:
    """Return ``plain`` with each value that is ``typed``'s in JSON types given back as ``typed`` has it.

    The inverse of :func:`to_plain` where the two agree: a start time an interface gave as a datetime
    comes back a datetime, as from neuroconv's converter; values that differ, or only ``plain`` has, stay.

    Parameters
    ----------
    plain : object
        A document in JSON types (the composed metadata).
    typed : object
        The document the values came from (the interfaces' metadata, merged). Only read: a
        ``DeepDict`` gains no keys.

    Returns
    -------
    object
        A new document; neither argument is changed.
    """
    if isinstance(plain, dict):
        # A DeepDict's [] would add the key: .get does not.
        typed = typed if isinstance(typed, Mapping) else {}
        return {key: with_types_of(value, typed.get(key)) for key, value in plain.items()}
    if typed is not None and not isinstance(typed, Mapping) and to_plain(typed) == plain:
        return copy.deepcopy(typed)
    return copy.deepcopy(plain)


def merge_metadata(base: Any, override: Any) -> Any:
    """Return ``base`` updated by ``override``, recursing into dicts; lists and values replace.

    Neither argument is modified.
    """
    if isinstance(base, dict) and isinstance(override, dict):
        merged = {key: copy.deepcopy(value) for key, value in base.items()}
        for key, value in override.items():
            merged[key] = merge_metadata(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


# The camera of a video no ImageSeries links says the folder of the video (or of the poses, beside it):
# two cameras' videos of one name in folders of their own are told apart by it (see camera_folder).
_CAMERA_FOLDER = re.compile(
    r"^Camera that recorded the behavior video '(?P<video>.*)', in the folder '(?P<folder>.*)'\.$"
)


def camera_device_entry(video: str, folder: str | None = None) -> dict[str, Any]:
    """Return the ``Devices`` entry of the camera that recorded ``video`` (keyed by :func:`camera_key`).

    ``folder``: the folder of a video no ImageSeries links (a linked one's file says where it is), said in the
    description; :func:`camera_folder` reads it back.
    """
    where = f", in the folder '{folder}'" if folder else ""
    return {
        "name": nwb_name(f"Video {video} Camera Device"),
        "description": f"Camera that recorded the behavior video '{video}'{where}.",
    }


def camera_folder(description: str | None) -> str | None:
    """Return the folder a camera's description by :func:`camera_device_entry` says, or None."""
    found = _CAMERA_FOLDER.match(description or "")
    return found["folder"] if found else None


def external_video_entry(video: str, description: str, *, with_camera: bool = True) -> dict[str, Any]:
    """Return the ``Behavior.ExternalVideos`` entry of ``video`` (keyed by :func:`video_key`).

    Parameters
    ----------
    video : str
        The video's key.
    description : str
        What the video is to this file.
    with_camera : bool, default: True
        Link the camera of :func:`camera_device_entry` (a multi-camera session links its calibrated cameras instead).
    """
    entry = {"name": nwb_name(f"Video {video}"), "description": description, "unit": "Frames"}
    if with_camera:
        entry["device_metadata_key"] = camera_key(video)
    return entry


def camera_and_video_entries(
    videos: Iterable[str],
    video_paths_known: set[str] | None,
    description: str,
    *,
    known_only: bool = False,
    folders: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the ``Devices`` entries of the cameras of ``videos``, and the ``ExternalVideos`` entries of those known.

    Parameters
    ----------
    videos : iterable of str
        Video keys, in order; each gets a camera (:func:`camera_device_entry`).
    video_paths_known : set of str, optional
        Video keys for which a video file exists here; each gets an external video (:func:`external_video_entry`).
    description : str
        The videos' description, with ``{video}`` standing for the video key.
    known_only : bool, default: False
        Give cameras only to the videos known here.
    folders : mapping of str to str, optional
        The folder of each video not known here, said by its camera (:func:`camera_device_entry`).

    Returns
    -------
    devices, external_videos : dict
        Keyed by :func:`camera_key` and :func:`video_key`.
    """
    video_paths_known = video_paths_known or set()
    devices: dict[str, Any] = {}
    external_videos: dict[str, Any] = {}
    for video in videos:
        if known_only and video not in video_paths_known:
            continue
        folder = None if video in video_paths_known else (folders or {}).get(video)
        devices[camera_key(video)] = camera_device_entry(video, folder)
        if video in video_paths_known:
            external_videos[video_key(video)] = external_video_entry(video, description.format(video=video))
    return devices, external_videos


def skeleton_entry(name: str, skeleton: Skeleton) -> dict[str, Any]:
    """Return the ``Pose.Skeletons`` entry of ``skeleton``, named ``name`` in the NWB file."""
    return {"name": name, "nodes": list(skeleton.nodes), "edges": [list(edge) for edge in skeleton.edges]}


def pose_series_entries(
    nodes: Sequence[str],
    owner: str,
    *,
    unit: str,
    reference_frame: str,
    skeleton_name: str,
    confidence_definition: str | None = None,
    what: str = "Position",
    owner_skeleton: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Return the ``PoseEstimationSeries`` entries of a container: one per node, keyed by node.

    Parameters
    ----------
    nodes : sequence of str
        The skeleton's nodes.
    owner : str
        The individual (track) the container holds.
    unit, reference_frame : str
        Of the positions.
    skeleton_name : str
        The NWB name of the skeleton, which is linked under its own name in the same group
        as the series, so no series takes it.
    confidence_definition : str, optional
        What the confidence values mean (given only when the track has them).
    what : str, default: "Position"
        The first word of each description (``"3D position"``).
    owner_skeleton : str, optional
        The skeleton, said after the owner when the track's instances use several (:func:`individual_words`).
    """
    names = unique_nwb_names(nodes, taken=POSE_ESTIMATION_MEMBERS | {skeleton_name})
    entries: dict[str, dict[str, Any]] = {}
    for node, name in zip(nodes, names, strict=True):
        series: dict[str, Any] = {
            "name": name,
            "description": f"{what} of '{node}' of {individual_words(owner, owner_skeleton)}.",
            "unit": unit,
            "reference_frame": reference_frame,
        }
        if confidence_definition:
            series["confidence_definition"] = confidence_definition
        entries[node] = series
    return entries


def producer_fields(version: str | None, scorer: str | None, track: PoseTrack | None = None) -> dict[str, str]:
    """Return the optional ``source_software_version`` and ``scorer`` fields (no scorer for poses placed by hand)."""
    fields = {"source_software_version": version, "scorer": None if track and track.placed_by_hand else scorer}
    return {key: value for key, value in fields.items() if value}


def poses_made_by(
    individual: str, software: str, scorer: str | None, track: PoseTrack, *, skeleton: str | None = None
) -> str:
    """Return "Poses of '<individual>' estimated with <software> (scorer ...)", or placed by hand (no scorer).

    ``skeleton`` is said after the individual when its instances use several (:func:`individual_words`).
    """
    # A user's poses in a file of a model's are not credited to the model.
    how = f"placed by hand in {software}" if track.placed_by_hand else f"estimated with {software}"
    said = f"Poses of {individual_words(individual, skeleton)} {how}"
    return said + (f" (scorer {scorer})" if scorer and not track.placed_by_hand else "")


def _container_description(pose: PoseData, track: PoseTrack, *, linked: bool) -> str:
    individual, skeleton = track_and_skeleton(track)
    made_by = poses_made_by(individual, pose.source_software, pose.scorer, track, skeleton=skeleton)
    info = pose.videos[track.video]
    description = f"{made_by} on video '{track.video}', read from {pose.source_name}."
    if pose.notes.get("model") and not track.placed_by_hand:
        # The model predicted the other tracks; a track a user placed by hand is not its output.
        description += f" {pose.notes['model']}"
    if pose.notes.get("untracked_detections") and track.name in pose.notes.get("untracked_tracks", ()):
        description += f" {pose.notes['untracked_detections']}"
    if (track.track_name or track.name) in pose.notes.get("tracks_from_identities", ()):
        description += (
            " SLEAP gave these instances no track but an identity (sleap-io re-identification), whose name is the "
            "track here."
        )
    facts = pose.notes.get("videos", {}).get(track.video, {})
    if info.original_path and info.local_files is None:
        description += " " + unlinked_video_sentence(facts, info.original_path)
    else:
        description += recorded_elsewhere_sentence(info, facts)
    if not linked:
        description += recorded_size_sentence(pose, track.video)
    crop_sentence = _crop_sentence(pose, track)
    if crop_sentence:
        description += " " + crop_sentence
    return description


#: The frame size :func:`recorded_size_sentence` says, read back by the NWB reader (a video no ImageSeries links):
#: "SLEAP recorded it in ... as 120 x 100 pixels (width x height)".
RECORDED_SIZE_PATTERN = re.compile(r"recorded it in .+? as (?P<width>\d+) x (?P<height>\d+) pixels \(width x height\)")


def recorded_size_sentence(pose: PoseData, video: str) -> str:
    """Say the frame size and count the tool recorded of a video no ``ImageSeries`` links; "" when it did not.

    A linked video's ``ImageSeries`` holds its size; without one (the video not beside the poses, a project
    moved), what the tool recorded is said here or it is lost. Said only when the reader notes where the
    tool recorded it (``pose.notes["videos"][video]["size_recorded_in"]``): a size probed or guessed is not
    the tool's record.

    Parameters
    ----------
    pose : PoseData
        The poses.
    video : str
        The video's key.

    Returns
    -------
    str
        The sentence, with a leading space, or "".
    """
    info = pose.videos[video]
    where = pose.notes.get("videos", {}).get(video, {}).get("size_recorded_in")
    parts = []
    if info.frame_size is not None:
        height, width = info.frame_size
        parts.append(f"{width} x {height} pixels (width x height)")
    if info.n_frames is not None:
        parts.append(f"{info.n_frames} frames")
    if not where or not parts:
        return ""
    recorded = f"{pose.source_software} recorded it in {where} as {', '.join(parts)}."
    if info.original_path:
        return " " + recorded  # after MISSING_VIDEO_SENTENCE, which says where the tool recorded it
    return f" No video file of '{video}' is linked; {recorded}"


def _crop_sentence(pose: PoseData, track: PoseTrack) -> str:
    """Return the sentence saying that ``track``'s video is a crop (:data:`CROP_SENTENCE`); "" for a whole video."""
    return crop_sentence(pose.notes.get("videos", {}).get(track.video, {}).get("crop"))


def _skeleton_entries(pose: PoseData) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the ``Pose.Skeletons`` entries of the skeletons the tracks use, and each one's NWB name."""
    used_skeletons = [name for name in pose.skeletons if any(track.skeleton == name for track in pose.tracks)]
    keys = {name: skeleton_key(pose, name) for name in used_skeletons}
    nwb_names = skeleton_nwb_names(list(keys.values()))
    skeleton_names = {name: nwb_names[key] for name, key in keys.items()}
    skeletons = {
        skeleton_key(pose, name): skeleton_entry(skeleton_names[name], pose.skeletons[name]) for name in used_skeletons
    }
    return skeletons, skeleton_names


def _video_folder(pose: PoseData, video: str) -> str:
    """Return the name of the folder of a video: where the tool recorded it, else where its poses are.

    DeepLabCut writes its predictions beside the video; per-camera folders (``top/``, ``side/``) hold videos of one
    name. A recorded path (Windows too) is read as written; a file here is where it is (a bare name in ``top``).
    """
    info = pose.videos.get(video)
    if info is not None and info.path is not None:
        return where_linked(info.path).parent.name
    if recorded := PureWindowsPath(str(info.original_path)).parent.name if info and info.original_path else "":
        return recorded
    source = pose.source_file
    return PurePosixPath(urlsplit(str(source)).path).parent.name if is_url(source) else where_linked(source).parent.name


def default_pose_metadata(pose: PoseData, *, video_paths_known: set[str] | None = None) -> dict[str, Any]:
    """Build the ``Devices``, ``Behavior`` and ``Pose`` metadata blocks for ``pose``.

    Parameters
    ----------
    pose : PoseData
        The poses.
    video_paths_known : set of str, optional
        Video keys for which a video file exists, so an external ImageSeries is written.

    Returns
    -------
    dict
        Metadata in the layout of :mod:`poseconv.metadata.models`.
    """
    video_paths_known = video_paths_known or set()
    devices, videos = camera_and_video_entries(
        dict.fromkeys(track.video for track in pose.tracks),
        video_paths_known,
        "Behavior video '{video}' on which the poses were estimated.",
        folders={key: _video_folder(pose, key) for key in pose.videos},
    )
    skeletons, skeleton_names = _skeleton_entries(pose)
    keys = [container_key(pose, track) for track in pose.tracks]
    names = container_names(keys)
    containers: dict[str, Any] = {}
    for key, track in zip(keys, pose.tracks, strict=True):
        entry: dict[str, Any] = {
            "name": names[key],
            "description": _container_description(pose, track, linked=track.video in video_paths_known),
            "source_software": pose.source_software,
            "skeleton_metadata_key": skeleton_key(pose, track.skeleton),
            "device_metadata_key": camera_key(track.video),
            "PoseEstimationSeries": {},
        }
        entry.update(producer_fields(pose.source_software_version, pose.scorer, track))
        if track.video in video_paths_known:
            entry["source_video_metadata_key"] = video_key(track.video)
        individual, skeleton = track_and_skeleton(track)
        entry["PoseEstimationSeries"] = pose_series_entries(
            pose.skeletons[track.skeleton].nodes,
            individual,
            owner_skeleton=skeleton,
            unit=pose.unit,
            reference_frame=" ".join(filter(None, (pose.reference_frame, _crop_sentence(pose, track)))),
            skeleton_name=skeleton_names[track.skeleton],
            confidence_definition=track.confidence_definition if track.confidence is not None else None,
        )
        containers[key] = entry
    return {
        "Devices": devices,
        "Behavior": {"ExternalVideos": videos},
        "Pose": {"Skeletons": skeletons, "PoseEstimations": containers},
    }
