"""How a pose input's video entries meet the video entries of the conversion's video interfaces.

neuroconv's ``ExternalVideoInterface`` and ``InternalVideoInterface`` declare a video (``Video <stem>``) and its
camera under keys of their own; a pose input declares the videos of its poses under ``video_<stem>``. These find
which of the input's videos another interface writes, so that the poses link that video, once, with one camera:
the entry of a video the input has no file of (:func:`name_videos_found_elsewhere`), the internal video of the
input's file (:func:`name_internal_videos_by_file`), the camera of a session's view (:func:`leave_cameras_to_views`),
and what ``get_metadata()`` shows of them (:func:`without_internal_stand_ins`).
:func:`poseconv.metadata.shared_keys.defer_to_other_videos` then points the input at the other interface's entries.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import PoseconvWarning
from .defaults import external_video_entry, video_key, video_of_camera_key

__all__ = [
    "leave_cameras_to_views",
    "name_internal_videos_by_file",
    "name_view_videos_found_elsewhere",
    "name_videos_found_elsewhere",
    "without_internal_stand_ins",
]


def without_internal_stand_ins(metadata: dict[str, Any]) -> dict[str, Any]:
    """Return ``metadata`` without the pose inputs' entries standing for an internal video, as shown (in place).

    A pose input's entry of a video neuroconv's ``InternalVideoInterface`` writes takes that video's key and name
    (:func:`~.shared_keys.defer_to_other_videos`), and follows the name given there
    (:func:`~.shared_keys.borrow_referenced`): shown beside the internal entry in ``get_metadata()``, its fields
    would look editable, and edits to them are not written. The video is shown once, as the video interface's,
    as an ``ExternalVideoInterface``'s video is.
    """
    behavior = metadata.get("Behavior") if isinstance(metadata.get("Behavior"), Mapping) else {}
    internal = behavior.get("InternalVideos") if isinstance(behavior.get("InternalVideos"), Mapping) else {}
    videos = behavior.get("ExternalVideos") if isinstance(behavior.get("ExternalVideos"), dict) else {}
    names = {entry.get("name") for entry in internal.values() if isinstance(entry, Mapping)} - {None}
    for key, entry in list(videos.items()):
        if key in internal or (isinstance(entry, Mapping) and entry.get("name") in names):
            del videos[key]
    return metadata


def leave_cameras_to_views(shared: dict[str, Any], per_input: Mapping[str, Mapping[str, Any]]) -> None:
    """Take its camera from each video a multi-camera session's view links, for the view's writer to give it (in place).

    A view links its calibrated camera (``Pose.CalibratedCameras``), which neuroconv's video interfaces cannot write
    (they make a plain ``Device``, and before the poses): a video of another interface naming a camera would make
    two devices of one camera, the view's and the video's. Without one, the view's writer gives the video the view's
    camera (:mod:`poseconv.nwb.write.multicamera`). ``shared``: the file's composed metadata, after the user's;
    ``per_input``: each pose input's.
    """
    videos = (shared.get("Behavior") or {}).get("ExternalVideos") or {}
    for metadata in per_input.values():
        for container in ((metadata.get("Pose") or {}).get("MultiCameraPoseEstimations") or {}).values():
            views = (container.get("CameraViews") if isinstance(container, Mapping) else None) or {}
            for view in views.values():
                key = view.get("source_video_metadata_key") if isinstance(view, Mapping) else None
                if not isinstance(videos.get(key), dict):
                    continue
                camera = videos[key].pop("device_metadata_key", None)
                if camera is not None and camera != f"{key}_camera":
                    # neuroconv's default camera of a video (<key>_camera) goes quietly; one the user chose is said.
                    calibrated = view.get("camera_metadata_key")
                    warnings.warn(
                        f"Behavior.ExternalVideos.{key}.device_metadata_key {camera!r} is not used: the video is a "
                        f"camera view of a multi-camera session, whose calibrated camera {calibrated!r} it is given "
                        "(an ImageSeries has one device). Describe that camera in Pose.CalibratedCameras.",
                        PoseconvWarning,
                        stacklevel=4,
                    )


def name_videos_found_elsewhere(
    metadata: dict[str, Any],
    by_name: Mapping[str, tuple[str, Mapping[str, Any], str]],
    by_key: Mapping[str, tuple[str, Mapping[str, Any], str]],
) -> None:
    """Name in each container the video it has no file of, when another interface of the conversion has it (in place).

    Poses read without their video (none beside them, none given) name no video; a video interface of the
    conversion may write that video (``video_<stem>``, ``Video <stem>``), and the poses link it as they link a video
    both know. The other interface's external entry of the same key and name is borrowed as it is
    (:func:`~.shared_keys.borrow_referenced`); otherwise the input's default entry is added, which
    :func:`~.shared_keys.defer_to_other_videos` then points at the other interface's. ``by_name``, ``by_key``: the
    other interfaces' video entries as :func:`~.shared_keys.defer_to_other_videos` finds them.
    """
    for container in ((metadata.get("Pose") or {}).get("PoseEstimations") or {}).values():
        stem = video_of_camera_key(container) if isinstance(container, dict) else None
        if stem is None or container.get("source_video_metadata_key") is not None:
            continue
        key = video_key(stem)
        entry = external_video_entry(stem, f"Behavior video '{stem}' on which the poses were estimated.")
        other_key, other, block = by_name.get(entry["name"]) or by_key.get(key) or (key, None, "")
        if other is None:
            continue
        container["source_video_metadata_key"] = key
        if (other_key, other.get("name"), block) != (key, entry["name"], "ExternalVideos"):
            metadata.setdefault("Behavior", {}).setdefault("ExternalVideos", {}).setdefault(key, entry)


def name_internal_videos_by_file(defaults: Mapping[str, dict[str, Any]], interfaces: Mapping[str, Any]) -> None:
    """Give a pose input's video entry the name of neuroconv's ``InternalVideoInterface`` entry of its file (in place).

    Given both a ``metadata_key`` and a ``video_name`` of its own, an ``InternalVideoInterface`` shares neither key
    nor name with the pose input's entry of the same video, and no external file the writer could find it by: the
    file it was given (its ``source_data["file_path"]``) is the pose's video's. Named alike, the two entries are
    one video to :func:`~.shared_keys.defer_to_other_videos`. ``defaults``: each input's ``get_metadata()`` by
    input name; ``interfaces``: the interfaces by the same names.
    """
    from ..model.location import where_linked

    internal: dict[Path, Mapping[str, Any]] = {}
    for name, interface in interfaces.items():
        entries = ((defaults.get(name) or {}).get("Behavior") or {}).get("InternalVideos") or {}
        given = (getattr(interface, "source_data", None) or {}).get("file_path")
        if given and len(entries) == 1 and isinstance(next(iter(entries.values())), Mapping):
            internal[where_linked(given)] = next(iter(entries.values()))
    for name, interface in interfaces.items() if internal else ():
        videos = ((defaults.get(name) or {}).get("Behavior") or {}).get("ExternalVideos") or {}
        for key, files in _pose_video_files(interface).items():
            entry = videos.get(video_key(key))
            other = next((internal[where] for where in map(where_linked, files) if where in internal), None)
            if isinstance(entry, dict) and other is not None and other.get("name"):
                entry["name"] = other["name"]


def _pose_video_files(interface: Any) -> dict[str, list[Any]]:
    """Return the files of a pose interface's videos by video key: those its poses found and those it was given.

    A multi-camera interface's videos are its session's views' (its ``pose`` is the 3D poses or the first view
    only), given by camera name (``video_file_paths``: the camera's view's first track's video, as the interface
    matches them); another interface has none (no ``pose``).
    """
    views = dict(getattr(getattr(interface, "session", None), "views", None) or {})
    pose = getattr(interface, "pose", None) if not views else None
    files: dict[str, list[Any]] = {}
    for data in views.values() or [pose]:
        for key, info in (getattr(data, "videos", None) or {}).items():
            files.setdefault(key, []).extend([info.path] if getattr(info, "path", None) is not None else [])
    source_data = getattr(interface, "source_data", None) or {}
    given = source_data.get("video_file_paths")
    single = list(getattr(pose, "videos", None) or {})
    if source_data.get("video_file_path") is not None and len(single) == 1:
        given = {single[0]: source_data["video_file_path"]}
    for name, path in given.items() if isinstance(given, Mapping) else ():
        view = views.get(name)
        key = view.tracks[0].video if view is not None and view.tracks else name
        files.setdefault(key, []).append(path)
    return files


def name_view_videos_found_elsewhere(defaults: Mapping[str, dict[str, Any]], interfaces: Mapping[str, Any]) -> None:
    """Name in each session's camera view the video it has no file of, when another interface has it (in place).

    As :func:`name_videos_found_elsewhere` does for one camera's containers: a view of a multi-camera session read
    without its camera's video links the video another interface writes under the view's ``video_<stem>`` key and
    ``Video <stem>`` name, the input's own entry of it added (with no camera: the view's is the session's).
    ``defaults``: each input's ``get_metadata()`` by input name; ``interfaces``: the interfaces by the same names.
    """
    for name, interface in interfaces.items():
        session = getattr(interface, "session", None)
        containers = ((defaults.get(name) or {}).get("Pose") or {}).get("MultiCameraPoseEstimations") or {}
        views = getattr(session, "views", None)
        if not containers or not isinstance(views, Mapping):
            continue
        others = [value for other, value in defaults.items() if other != name]
        # An external video under the same key and name (neuroconv's defaults): one video, whose entry the input's
        # merges with. An internal video has its camera in the file before the poses: the view's would be another.
        found = {
            (key, entry.get("name"))
            for metadata in others
            for key, entry in (((metadata.get("Behavior") or {}).get("ExternalVideos")) or {}).items()
            if isinstance(entry, Mapping)
        }
        for container in containers.values():
            for camera, view in (
                (container.get("CameraViews") if isinstance(container, Mapping) else None) or {}
            ).items():
                pose = views.get(camera)
                if (
                    not isinstance(view, dict)
                    or view.get("source_video_metadata_key")
                    or pose is None
                    or not pose.tracks
                ):
                    continue
                stem = pose.tracks[0].video
                entry = external_video_entry(
                    stem, f"Behavior video '{stem}' recorded by camera '{camera}'.", with_camera=False
                )
                if (video_key(stem), entry["name"]) in found:
                    videos = defaults[name].setdefault("Behavior", {}).setdefault("ExternalVideos", {})
                    videos.setdefault(video_key(stem), entry)
                    view["source_video_metadata_key"] = video_key(stem)
