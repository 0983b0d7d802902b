"""Default metadata of a :class:`~poseconv.model.multicamera.MultiCameraPoseData`: names, keys, cross-links.

The layout is that of :mod:`poseconv.metadata.models`::

    metadata["Pose"]["CalibratedCameras"][camera key]           -> CalibratedCameraMetadata
    metadata["Pose"]["Skeletons"][skeleton key]                 -> SkeletonMetadata
    metadata["Pose"]["MultiCameraPoseEstimations"][key]         -> MultiCameraPoseEstimationMetadata
        ["CameraViews"][camera name]                            -> CameraViewMetadata
    metadata["Behavior"]["ExternalVideos"][video_<video>]       -> ExternalVideoMetadata

One ``MultiCameraPoseEstimation`` per individual (:func:`multicamera_container_key`).
Camera and skeleton keys are the names in the pose files, suffixed with the
session's ``metadata_key`` when it has one, so several sessions can share one
NWB file; the writer finds the data of an entry again through the same keys.
"""

from __future__ import annotations

from typing import Any

from ..model.multicamera import CameraCalibration, MultiCameraPoseData
from .defaults import (
    external_video_entry,
    pose_series_entries,
    poses_made_by,
    producer_fields,
    recorded_elsewhere_sentence,
    skeleton_entry,
    unlinked_video_sentence,
    video_key,
)
from .names import nwb_name, skeleton_nwb_names
from .wording import crop_sentence

__all__ = [
    "camera_metadata_key",
    "default_multicamera_metadata",
    "multicamera_container_key",
    "multicamera_skeleton_key",
    "view_container_name",
]


def _suffixed(data: MultiCameraPoseData, name: str) -> str:
    return name if data.metadata_key is None else f"{name}_{data.metadata_key}"


def multicamera_container_key(data: MultiCameraPoseData, individual: str) -> str:
    """Return the metadata key (and default name) of the ``MultiCameraPoseEstimation`` of ``individual``.

    ``MultiCameraPoseEstimation`` for a session with one animal, ``MultiCameraPoseEstimation_<name>``
    with several; ``MultiCameraPoseEstimation_<metadata_key>...`` when the session carries a metadata key.
    """
    key = _suffixed(data, "MultiCameraPoseEstimation")
    return f"{key}_{nwb_name(individual)}" if len(data.individuals()) > 1 else key


def camera_metadata_key(data: MultiCameraPoseData, camera: str) -> str:
    """Return the key (and default device name) of ``camera`` in ``Pose.CalibratedCameras``."""
    return nwb_name(_suffixed(data, camera))


def multicamera_skeleton_key(data: MultiCameraPoseData, skeleton: str) -> str:
    """Return the key (and default name) of a skeleton of the session in ``Pose.Skeletons``."""
    key = _suffixed(data, skeleton)
    return skeleton_nwb_names([key])[key]


def view_container_name(camera: str) -> str:
    """Default name of the ``PoseEstimation`` of one camera inside a ``MultiCameraPoseEstimation``."""
    return f"PoseEstimation_{nwb_name(camera)}"


def _list(array: Any) -> Any:
    return None if array is None else array.tolist()


def _camera_entry(data: MultiCameraPoseData, camera: CameraCalibration) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": camera_metadata_key(data, camera.name),
        "description": camera.description or f"Camera '{camera.name}' of the multi-camera rig.",
        "unit": camera.unit,
    }
    # Only the 3 x 3 matrices are shown. neuroconv's NWBConverter merges interface metadata with
    # duplicate list items removed, which would turn a translation [0, 0, 0] into [0]; vectors are
    # therefore left out here and the writer takes them from the pose files unless metadata gives them.
    for field in ("intrinsic_matrix", "rotation_matrix"):
        value = getattr(camera, field)
        if value is not None:
            entry[field] = _list(value)
    return entry


def _view_entry(
    data: MultiCameraPoseData, camera: str, individual: str, skeleton_key: str, video_paths_known: set[str]
) -> dict[str, Any]:
    """Return the ``CameraViews`` entry of ``camera`` in the container of ``individual``."""
    view = data.views.get(camera)
    track = next((t for t in view.tracks if t.name == individual), None) if view is not None else None
    entry: dict[str, Any] = {
        "name": view_container_name(camera),
        "camera_metadata_key": camera_metadata_key(data, camera),
        "source_software": data.source_software,
    }
    if track is None or view is None:
        linked = data.notes.get("camera_videos")
        if view is None and isinstance(linked, dict) and camera not in linked:
            # A SLEAP session whose camera has no video linked yet: poses of its video may be in the file.
            said = "no video is linked to this camera in its session, so none of its 2D poses is known to be seen by it"
        else:
            said = f"it holds no 2D poses of '{individual}' seen by this camera"
        entry["description"] = f"Camera '{camera}' of the rig in {data.source_name}; {said}."
        return entry
    # Worded as the single-camera containers are, so readers that parse those find track and video.
    description = poses_made_by(individual, view.source_software, view.scorer, track)
    description += (
        f" on video '{track.video}', read from {view.source_name}; the 2D view of camera '{camera}' "
        "in a multi-camera session."
    )
    if view.notes.get("model") and not track.placed_by_hand:
        # The model sentence of a single-camera container (a DeepLabCut or Lightning Pose config's model); not for
        # poses placed by hand.
        description += f" {view.notes['model']}"
    info, facts = view.videos[track.video], view.notes.get("videos", {}).get(track.video, {})
    if track.video not in video_paths_known and info.original_path:
        # As for one camera: the recorded video, which this machine does not have, is kept in the description.
        description += " " + unlinked_video_sentence(facts, info.original_path)
    elif track.video in video_paths_known:
        # And so is the path recorded of a video linked at another path (found beside the poses, or given).
        description += recorded_elsewhere_sentence(info, facts)
    # A view of a crop (a sleap-io virtual crop) says it as one camera's poses do: the exports and plots put them
    # on the whole video linked by the crop's corner, which they read back from the reference frame.
    crop = crop_sentence(facts.get("crop"))
    entry["description"] = " ".join(filter(None, (description, crop)))
    entry["source_software"] = view.source_software
    entry.update(producer_fields(view.source_software_version, view.scorer, track))
    if track.video in video_paths_known:
        entry["source_video_metadata_key"] = video_key(track.video)
    entry["PoseEstimationSeries"] = pose_series_entries(
        view.skeletons[track.skeleton].nodes,
        individual,
        unit=view.unit,
        reference_frame=" ".join(filter(None, (view.reference_frame, crop))),
        skeleton_name=skeleton_key,
        confidence_definition=track.confidence_definition if track.confidence is not None else None,
        what="2D position",
    )
    return entry


def _read_from(data: MultiCameraPoseData, has_3d: bool) -> str:
    """Return the file(s) the container's poses were read from, as its description names them.

    The 3D poses may come from a file of their own (EKS's ``multicam_3d_results.csv``, sleap-anipose's
    ``points3d.h5``), which is not the session's first view file; without 3D poses the container holds
    the views, so their files are named (one, when the views share it, as a SLEAP session's ``.slp``).
    """
    if has_3d and data.pose_3d is not None:
        return data.pose_3d.source_name
    names = list(dict.fromkeys(view.source_name for view in data.views.values()))
    return ", ".join(names) if names else data.source_name


def _container_entry(
    data: MultiCameraPoseData, individual: str, skeleton_key: str, video_paths_known: set[str]
) -> dict[str, Any]:
    """Return the ``MultiCameraPoseEstimations`` entry of ``individual``: its 3D series and its camera views."""
    skeleton = data.skeleton_for(individual)
    track_3d = next((t for t in data.pose_3d.tracks if t.name == individual), None) if data.pose_3d else None
    if track_3d is not None:
        description = f"3D poses of '{individual}' triangulated with {data.source_software}"
    else:
        description = f"Poses of '{individual}' from the multi-camera session of {data.source_software}, no 3D"
    if data.scorer:
        description += f" (scorer {data.scorer})"
    camera_list = ", ".join(f"'{name}'" for name in data.cameras)
    description += f" from cameras {camera_list}, read from {_read_from(data, track_3d is not None)}."
    entry: dict[str, Any] = {
        "name": multicamera_container_key(data, individual),
        "description": description,
        "source_software": data.source_software,
        "skeleton_metadata_key": skeleton_key,
        "PoseEstimationSeries": {},
        "CameraViews": {},
    }
    entry.update(producer_fields(data.source_software_version, data.scorer))
    if track_3d is not None and data.pose_3d is not None:
        entry["PoseEstimationSeries"] = pose_series_entries(
            skeleton.nodes,
            individual,
            unit=data.pose_3d.unit,
            reference_frame=data.pose_3d.reference_frame,
            skeleton_name=skeleton_key,
            confidence_definition=track_3d.confidence_definition if track_3d.confidence is not None else None,
            what="3D position",
        )
    for camera in data.cameras:
        entry["CameraViews"][camera] = _view_entry(data, camera, individual, skeleton_key, video_paths_known)
    return entry


def default_multicamera_metadata(
    data: MultiCameraPoseData, *, video_paths_known: set[str] | None = None
) -> dict[str, Any]:
    """Build the ``Pose`` and ``Behavior`` metadata blocks for ``data``.

    Parameters
    ----------
    data : MultiCameraPoseData
        The session.
    video_paths_known : set of str, optional
        Video keys (of the camera views) for which a video file exists, so an external
        ImageSeries is written and linked as the view's ``source_video``.

    Returns
    -------
    dict
        ``{"Behavior": {"ExternalVideos": ...}, "Pose": {"CalibratedCameras", "Skeletons",
        "MultiCameraPoseEstimations"}}``.
    """
    video_paths_known = video_paths_known or set()
    cameras = {camera_metadata_key(data, name): _camera_entry(data, camera) for name, camera in data.cameras.items()}
    videos: dict[str, Any] = {}
    for camera, view in data.views.items():
        for video in dict.fromkeys(track.video for track in view.tracks):
            if video in video_paths_known:
                description = f"Behavior video '{video}' recorded by camera '{camera}'."
                videos[video_key(video)] = external_video_entry(video, description, with_camera=False)
    skeletons: dict[str, Any] = {}
    containers: dict[str, Any] = {}
    for individual in data.individuals():
        skeleton = data.skeleton_for(individual)
        skeleton_key = multicamera_skeleton_key(data, skeleton.name)
        skeletons.setdefault(skeleton_key, skeleton_entry(skeleton_key, skeleton))
        key = multicamera_container_key(data, individual)
        containers[key] = _container_entry(data, individual, skeleton_key, video_paths_known)
    return {
        "Behavior": {"ExternalVideos": videos},
        # PoseEstimations stays empty (every container is inside a MultiCameraPoseEstimation) but present,
        # so code that walks the single-camera block finds the usual layout.
        "Pose": {
            "CalibratedCameras": cameras,
            "Skeletons": skeletons,
            "PoseEstimations": {},
            "MultiCameraPoseEstimations": containers,
        },
    }
