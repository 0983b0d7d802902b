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
from .defaults import video_key
from .names import POSE_ESTIMATION_MEMBERS, nwb_name, skeleton_nwb_names, unique_nwb_names

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


def _series_entries(
    nodes: tuple[str, ...], individual: str, unit: str, reference_frame: str, what: str, skeleton_name: str
) -> dict:
    # The skeleton is linked under its own name in the same group as the series.
    names = unique_nwb_names(nodes, taken=POSE_ESTIMATION_MEMBERS | {skeleton_name})
    return {
        node: {
            "name": name,
            "description": f"{what} of '{node}' of '{individual}'.",
            "unit": unit,
            "reference_frame": reference_frame,
        }
        for node, name in zip(nodes, names, strict=True)
    }


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
                videos[video_key(video)] = {
                    "name": nwb_name(f"Video {video}"),
                    "description": f"Behavior video '{video}' recorded by camera '{camera}'.",
                    "unit": "Frames",
                }
    skeletons: dict[str, Any] = {}
    containers: dict[str, Any] = {}
    camera_list = ", ".join(f"'{name}'" for name in data.cameras)
    for individual in data.individuals():
        skeleton = data.skeleton_for(individual)
        skeleton_key = multicamera_skeleton_key(data, skeleton.name)
        skeletons.setdefault(
            skeleton_key,
            {"name": skeleton_key, "nodes": list(skeleton.nodes), "edges": [list(e) for e in skeleton.edges]},
        )
        key = multicamera_container_key(data, individual)
        track_3d = next((t for t in data.pose_3d.tracks if t.name == individual), None) if data.pose_3d else None
        if track_3d is not None:
            description = f"3D poses of '{individual}' triangulated with {data.source_software}"
        else:
            description = f"Poses of '{individual}' from the multi-camera session of {data.source_software}, no 3D"
        if data.scorer:
            description += f" (scorer {data.scorer})"
        description += f" from cameras {camera_list}, read from {data.source_file.name}."
        entry: dict[str, Any] = {
            "name": key,
            "description": description,
            "source_software": data.source_software,
            "skeleton_metadata_key": skeleton_key,
            "PoseEstimationSeries": {},
            "CameraViews": {},
        }
        if data.source_software_version:
            entry["source_software_version"] = data.source_software_version
        if data.scorer:
            entry["scorer"] = data.scorer
        if track_3d is not None and data.pose_3d is not None:
            entry["PoseEstimationSeries"] = _series_entries(
                skeleton.nodes, individual, data.pose_3d.unit, data.pose_3d.reference_frame, "3D position", skeleton_key
            )
            if track_3d.confidence is not None and track_3d.confidence_definition:
                for series in entry["PoseEstimationSeries"].values():
                    series["confidence_definition"] = track_3d.confidence_definition
        for camera in data.cameras:
            view = data.views.get(camera)
            track = next((t for t in view.tracks if t.name == individual), None) if view is not None else None
            view_entry: dict[str, Any] = {
                "name": view_container_name(camera),
                "camera_metadata_key": camera_metadata_key(data, camera),
                "source_software": data.source_software,
            }
            if track is None or view is None:
                view_entry["description"] = (
                    f"Camera '{camera}' of the rig; {data.source_file.name} holds no 2D poses of '{individual}' "
                    "seen by this camera."
                )
                entry["CameraViews"][camera] = view_entry
                continue
            # Worded as the single-camera containers are, so readers that parse those find track and video.
            view_description = f"Poses of '{individual}' estimated with {view.source_software}"
            if view.scorer:
                view_description += f" (scorer {view.scorer})"
            view_description += (
                f" on video '{track.video}', read from {view.source_file.name}; the 2D view of camera '{camera}' "
                "in a multi-camera session."
            )
            view_entry["description"] = view_description
            view_entry["source_software"] = view.source_software
            if view.source_software_version:
                view_entry["source_software_version"] = view.source_software_version
            if view.scorer:
                view_entry["scorer"] = view.scorer
            if track.video in video_paths_known:
                view_entry["source_video_metadata_key"] = video_key(track.video)
            view_entry["PoseEstimationSeries"] = _series_entries(
                view.skeletons[track.skeleton].nodes,
                individual,
                view.unit,
                view.reference_frame,
                "2D position",
                skeleton_key,
            )
            if track.confidence is not None and track.confidence_definition:
                for series in view_entry["PoseEstimationSeries"].values():
                    series["confidence_definition"] = track.confidence_definition
            entry["CameraViews"][camera] = view_entry
        containers[key] = entry
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
