"""Write ndx-pose's multi-camera objects: ``CalibratedCamera`` and ``MultiCameraPoseEstimation``.

The object graph is that of ndx-pose's ``examples/write_multicamera_pose_estimates.py``:

* one ``CalibratedCamera`` per camera in ``nwbfile.devices`` (a plain ``Device``
  for a camera without intrinsics), added before anything links to it;
* ``Skeletons`` in ``processing["behavior"]``, one ``Skeleton`` per individual's
  node set, shared by its 3D poses and every camera view;
* per individual, one ``MultiCameraPoseEstimation`` in ``processing["behavior"]``
  holding the 3D ``PoseEstimationSeries`` (x, y, z) and one ``PoseEstimation``
  per camera (``device=`` that camera, ``skeleton=`` the shared skeleton,
  ``source_video=`` the camera's external video when known) with its 2D series;
* SLEAP predictions a user instance replaced in a view: a ``PoseEstimation`` of the
  same form beside the container, ``<container>_<view>_replaced_predictions``;
* SLEAP's 3D instance scores and ``InstanceGroup.score`` (a session's): ``TimeSeries`` beside the
  container, ``<container>_instance_score`` and ``<container>_instance_group_score``;
* frame times stored once: every later series of the same length links the
  first series' timestamps (or all carry one rate);
* the order of the camera views, which Zarr (and HDF5 without creation order) does not keep, listing a
  container's views by name: a ``DynamicTable`` beside the container, ``<container>_camera_order``
  (:func:`camera_order_name`), one row per view in the session's camera order, written when that order
  is not the order of the views' names.

Calibration values are written as float64 (ndx-pose's spec asks for float32 at
least; HDF5 keeps the wider type), so every matrix reads back bit-exact.
ndx-pose has no field for the length unit of a translation or the calibration
image size; both go into the camera's description in a fixed sentence that
:func:`poseconv.nwb.read.multicamera.read_multicamera` parses back.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ...errors import MetadataError, PoseconvWarning
from ...metadata.multicamera import camera_metadata_key, multicamera_container_key
from ...metadata.unknown import view_camera_said
from ...model import FrameTiming, PoseData, PoseTrack, Skeleton
from ...model.multicamera import MultiCameraPoseData
from ..layout import (
    CAMERA_ORDER_COLUMNS,
    camera_order_name,
    given_fields,
    instance_group_score_name,
    new_table,
    view_extra_coords_owner,
)
from .calibrated_camera import get_or_add_camera
from .devices import lookup
from .extra_coords import write_extra_coords
from .pose_estimation import behavior_module, get_or_add_skeleton, pose_estimation_series, series_timing
from .replaced_predictions import write_replaced_predictions
from .scores import write_instance_series
from .video import get_or_add_external_video

__all__ = ["write_multicamera_pose_estimation"]


class _TimeAnchors:
    """First series written per frame count: later series of that length link its timestamps."""

    def __init__(self, timing: FrameTiming, max_frames: int | None) -> None:
        self.timing = timing
        self.max_frames = max_frames
        self.first: dict[int, Any] = {}

    def n_frames(self, track: PoseTrack) -> int:
        return track.n_frames if self.max_frames is None else min(track.n_frames, self.max_frames)

    def kwargs(self, n_frames: int) -> dict[str, Any]:
        kwargs = series_timing(self.timing, n_frames)
        if "timestamps" in kwargs and n_frames in self.first:
            return {"timestamps": self.first[n_frames]}
        return kwargs

    def remember(self, n_frames: int, series: Any) -> None:
        if series.timestamps is not None:
            self.first.setdefault(n_frames, series)


def _series(
    track: PoseTrack,
    nodes: tuple[str, ...],
    entries: Mapping[str, Any],
    pose: PoseData,
    anchors: _TimeAnchors,
    where: str,
) -> list[Any]:
    if missing := [node for node in entries if node not in nodes]:
        raise MetadataError(
            f"{where}['PoseEstimationSeries'] names {missing}, which are not body parts: {list(nodes)}."
        )
    n_frames = anchors.n_frames(track)
    result = []
    for j, node in enumerate(nodes):
        series = pose_estimation_series(
            track,
            j,
            node,
            entries.get(node, {}),
            pose,
            n_frames=n_frames,
            timing_source=anchors.timing.source,
            times=anchors.kwargs(n_frames),
        )
        anchors.remember(n_frames, series)
        result.append(series)
    return result


def write_multicamera_pose_estimation(
    nwbfile: Any,
    data: MultiCameraPoseData,
    *,
    metadata: Mapping[str, Any],
    video_paths: Mapping[str, Path] | None = None,
    relative_to: str | Path | None = None,
    max_frames: int | None = None,
) -> list[Any]:
    """Add the cameras and one ``MultiCameraPoseEstimation`` per metadata entry to ``nwbfile``.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        Target file (in memory).
    data : MultiCameraPoseData
        The session; its ``timing`` must be known.
    metadata : mapping
        Metadata in the layout of :mod:`poseconv.metadata.multicamera`; every entry of
        ``metadata["Pose"]["MultiCameraPoseEstimations"]`` is written.
    video_paths, relative_to, max_frames : optional
        As for :func:`~poseconv.nwb.write.pose_estimation.write_pose_estimation`; ``video_paths``
        is keyed by view video key, for the external ``ImageSeries`` of each camera.

    Returns
    -------
    list of ndx_pose.MultiCameraPoseEstimation
        The containers added.

    Raises
    ------
    MetadataError
        When metadata names unknown keys or invalid camera fields, or no frame times are known.
    """
    from ndx_pose import MultiCameraPoseEstimation

    pose_metadata = metadata.get("Pose", {})
    containers = pose_metadata.get("MultiCameraPoseEstimations", {})
    individuals = {multicamera_container_key(data, name): name for name in data.individuals()}
    _check_containers(data, containers, individuals)
    paths = _VideoPaths(dict(video_paths or {}), Path(relative_to) if relative_to else None)
    behavior = behavior_module(nwbfile)
    anchors = _TimeAnchors(data.timing, max_frames) if data.timing is not None else None
    written = []
    for key, entry in containers.items():
        individual = individuals[key]
        where = f"metadata['Pose']['MultiCameraPoseEstimations']['{key}']"
        if entry["name"] in behavior.data_interfaces:
            raise MetadataError(
                f"The file already holds '{entry['name']}' in processing['behavior']; give {where} another name."
            )
        expected = data.skeleton_for(individual)
        skeleton = _shared_skeleton(
            nwbfile, behavior, entry, pose_metadata, individual, expected, len(individuals) == 1
        )
        series_3d = _series_3d(data, individual, expected, entry, anchors, where)
        _check_camera_views(data, entry, where)
        views = [
            _camera_view(nwbfile, data, individual, camera, view_entry, skeleton, anchors, metadata, paths, where)
            for camera, view_entry in (entry.get("CameraViews") or {}).items()
        ]
        container = MultiCameraPoseEstimation(
            **given_fields(
                entry, name=entry["name"], pose_estimation_series=series_3d, pose_estimations=views, skeleton=skeleton
            )
        )
        behavior.add(container)
        _write_values_beside(behavior, data, individual, entry, anchors)
        _record_camera_order(behavior, container.name, views)
        _write_replaced_predictions(behavior, data, individual, entry, views, anchors)
        written.append(container)
    _warn_unused_cameras(pose_metadata, containers)
    return written


def _record_camera_order(behavior: Any, container: str, views: list[Any]) -> None:
    """Add the table of the order of a container's camera views beside it, when a listing by name loses it.

    Zarr lists a group's members by name, and ndx-pose has no field for the views' order: a session's
    cameras (SLEAP's camera group, Lightning Pose's view names) would read back sorted by name.
    """
    from .beside import check_name_beside

    names = [view.name for view in views]
    if names == sorted(names):
        return
    name = camera_order_name(container)
    check_name_beside(behavior, name, container)
    table = new_table(
        name,
        f"The camera views of the MultiCameraPoseEstimation '{container}' in the order of the session's cameras; "
        "Zarr lists them by name.",
        CAMERA_ORDER_COLUMNS,
    )
    for view in views:
        table.add_row(pose_estimation=view.name, camera=view.device.name if view.device is not None else view.name)
    behavior.add(table)


def _warn_unused_cameras(pose_metadata: Mapping[str, Any], containers: Mapping[str, Any]) -> None:
    """Warn of ``CalibratedCameras`` no view links (a view left out of the metadata): they are not written."""
    used = {v.get("camera_metadata_key") for e in containers.values() for v in (e.get("CameraViews") or {}).values()}
    if containers and (unused := [key for key in pose_metadata.get("CalibratedCameras") or {} if key not in used]):
        message = f"metadata['Pose']['CalibratedCameras'] has {unused}, which no camera view's camera_metadata_key "
        message += "names: these cameras are not written. Give each camera's view, or remove the entries."
        warnings.warn(message, PoseconvWarning, stacklevel=3)


def _write_replaced_predictions(
    behavior: Any,
    data: MultiCameraPoseData,
    individual: str,
    entry: Mapping[str, Any],
    views: list[Any],
    anchors: _TimeAnchors | None,
) -> None:
    """Add, beside the container, the SLEAP predictions a user instance replaced in each camera's view.

    A ``MultiCameraPoseEstimation`` holds one ``PoseEstimation`` per camera; the replaced predictions of a
    view go beside the container as ``<container>_<view>_replaced_predictions``
    (:mod:`poseconv.nwb.write.replaced_predictions`), with the session's frame times.
    """
    if anchors is None:
        return
    for (camera_name, view_entry), view in zip((entry.get("CameraViews") or {}).items(), views, strict=True):
        pose = data.views.get(camera_name)
        track = next((t for t in pose.tracks if t.name == individual), None) if pose is not None else None
        if track is None or track.replaced_predictions is None:
            continue
        owner = view_extra_coords_owner(entry["name"], view_entry["name"])
        series = _series(
            track.replaced_predictions,
            pose.skeletons[track.skeleton].nodes,
            view_entry.get("PoseEstimationSeries", {}),
            pose,
            anchors,
            f"metadata['Pose']['MultiCameraPoseEstimations'] ({owner})",
        )
        n_frames = anchors.n_frames(track)
        timing = {"n_frames": n_frames, "times": anchors.kwargs(n_frames), "timing_source": anchors.timing.source}
        write_replaced_predictions(
            behavior,
            track,
            like=view,
            owner=owner,
            user_container=f"{entry['name']}/{view.name}",
            entry=view_entry,
            series=series,
            timing=timing,
        )


def _write_values_beside(
    behavior: Any, data: MultiCameraPoseData, individual: str, entry: Mapping[str, Any], anchors: _TimeAnchors | None
) -> None:
    """Add what ndx-pose has no place for inside a ``MultiCameraPoseEstimation``, beside it.

    The extra coords (EKS ensemble and posterior variances) of the 3D poses and of each view, as
    :mod:`poseconv.nwb.write.extra_coords` does for one camera, and the SLEAP instance values of each view
    and of the 3D instances, as :mod:`poseconv.nwb.write.scores` does; named after the container (3D) or after
    the container and the view (:func:`~poseconv.nwb.layout.view_extra_coords_owner`). A SLEAP session's
    ``InstanceGroup.score`` goes beside the container too, as ``<container>_instance_group_score``.
    """
    if anchors is None:
        return
    owners: list[tuple[str, PoseData | None]] = [(entry["name"], data.pose_3d)]
    for camera_name, view_entry in (entry.get("CameraViews") or {}).items():
        owner = view_extra_coords_owner(entry["name"], view_entry["name"])
        owners.append((owner, data.views.get(camera_name)))
    for owner, pose in owners:
        track = next((t for t in pose.tracks if t.name == individual), None) if pose is not None else None
        if track is None:
            continue
        n_frames = anchors.n_frames(track)
        timing = {"n_frames": n_frames, "times": anchors.kwargs(n_frames), "timing_source": anchors.timing.source}
        if track.extra_coords:
            write_extra_coords(
                behavior, track, pose.skeletons[track.skeleton].nodes, pose_estimation_name=owner, **timing
            )
        # SLEAP's instance scores: a view's 2D instances, or the 3D instances of the session's groups.
        write_instance_series(behavior, track, pose_estimation_name=owner, **timing)
    scores = data.notes.get("instance_group_scores") or {}
    if scores.get(individual) is not None:
        _write_group_scores(behavior, entry["name"], scores[individual], anchors)


def _write_group_scores(behavior: Any, container: str, values: np.ndarray, anchors: _TimeAnchors) -> None:
    """Add the ``InstanceGroup.score`` of an individual's groups (one per frame) beside its container."""
    from pynwb import TimeSeries

    from .beside import check_name_beside
    from .series_iterators import FLOAT32_WHERE_EXACT, storage_dtype

    name = instance_group_score_name(container)
    check_name_beside(behavior, name, container)
    n_frames = len(values) if anchors.max_frames is None else min(len(values), anchors.max_frames)
    values = np.asarray(values[:n_frames], dtype="float64")
    description = (
        "SLEAP InstanceGroup score in each frame: the score of the group joining this animal's instances across "
        "the camera views (and its 3D points), as stored in the .slp file. NaN where the frame has no such group "
        "or the group no score."
    )
    comments = f"Frame times: {anchors.timing.source}. {FLOAT32_WHERE_EXACT}"
    data = values.astype(storage_dtype(values, n_frames))
    behavior.add(
        TimeSeries(
            name=name, description=description, data=data, unit="n.a.", comments=comments, **anchors.kwargs(n_frames)
        )
    )


class _VideoPaths(NamedTuple):
    """Video file per view video key, and the folder the NWB file is written to."""

    by_video: dict[str, Path]
    relative_to: Path | None


def _shared_skeleton(
    nwbfile: Any,
    behavior: Any,
    entry: Mapping[str, Any],
    pose_metadata: Mapping[str, Any],
    individual: str,
    expected: Skeleton,
    single_animal: bool,
) -> Any:
    """Return the skeleton an individual's 3D poses and camera views share, or None when metadata names none."""
    if entry.get("skeleton_metadata_key") is None:
        return None
    skeleton_entry = lookup(pose_metadata.get("Skeletons", {}), entry["skeleton_metadata_key"], "skeleton key")
    if list(skeleton_entry["nodes"]) != list(expected.nodes):
        raise MetadataError(
            f"metadata['Pose']['Skeletons']['{entry['skeleton_metadata_key']}'] lists nodes "
            f"{list(skeleton_entry['nodes'])}, but '{individual}' has {list(expected.nodes)}; nodes cannot "
            "be renamed or reordered in metadata."
        )
    # The skeleton's symmetries (SLEAP's mirror-image nodes) are the session's, not metadata.
    skeleton_entry = {**skeleton_entry, "symmetries": expected.symmetries}
    return get_or_add_skeleton(nwbfile, behavior, skeleton_entry, single_animal, source_name=expected.name)


def _camera_view(
    nwbfile: Any,
    data: MultiCameraPoseData,
    individual: str,
    camera_name: str,
    view_entry: Mapping[str, Any],
    skeleton: Any,
    anchors: _TimeAnchors,
    metadata: Mapping[str, Any],
    paths: _VideoPaths,
    where: str,
) -> Any:
    """Return the ``PoseEstimation`` of one camera's view of ``individual``, its camera added to the file."""
    from ndx_pose import PoseEstimation

    pose_metadata = metadata.get("Pose", {})
    view_where = f"{where}['CameraViews']['{camera_name}']"
    # The view is the camera's data (keyed by camera name); the device is the metadata entry it names.
    camera = get_or_add_camera(nwbfile, pose_metadata, view_entry["camera_metadata_key"], data.cameras[camera_name])
    view = data.views.get(camera_name)
    track = next((t for t in view.tracks if t.name == individual), None) if view is not None else None
    series_2d = []
    source_video = None
    if track is not None and view is not None:
        nodes = view.skeletons[track.skeleton].nodes
        series_2d = _series(track, nodes, view_entry.get("PoseEstimationSeries", {}), view, anchors, view_where)
        if view_entry.get("source_video_metadata_key") is not None:
            info = view.videos[track.video]
            existing = set(nwbfile.acquisition)
            n_frames = info.n_frames or track.n_frames
            # Every video frame the timing covers: a rate all, timestamps given per pose frame the poses' only.
            timed = n_frames if data.timing.timestamps is None else min(n_frames, len(data.timing.timestamps))
            source_video = get_or_add_external_video(
                nwbfile,
                metadata,
                view_entry["source_video_metadata_key"],
                video_path=paths.by_video.get(track.video, info.local_files),
                relative_to=paths.relative_to,
                timing_kwargs=series_timing(data.timing, timed),
                n_frames=n_frames,
                frame_size=info.frame_size,
            )
            # The video was recorded by this camera: linked when the video is new here, or written by another
            # interface of this conversion without a camera (the session's calibrated cameras are poseconv's).
            new_here = source_video.name not in existing or source_video.container_source is None
            if new_here and getattr(source_video, "device", None) is None:
                source_video.device = camera
    elif view_entry.get("PoseEstimationSeries"):
        raise MetadataError(f"{view_where} lists 2D series, but camera '{camera_name}' has no poses of it.")
    return PoseEstimation(
        **given_fields(
            view_entry,
            name=view_entry["name"],
            pose_estimation_series=series_2d,
            device=camera,
            skeleton=skeleton,
            source_video=source_video,
        )
    )


def _series_3d(
    data: MultiCameraPoseData,
    individual: str,
    skeleton: Skeleton,
    entry: Mapping[str, Any],
    anchors: _TimeAnchors | None,
    where: str,
) -> list[Any]:
    """Return the 3D ``PoseEstimationSeries`` of ``individual``; none when the session has no 3D poses of it."""
    track_3d = None
    if data.pose_3d is not None:
        track_3d = next((t for t in data.pose_3d.tracks if t.name == individual), None)
    if track_3d is not None:
        return _series(track_3d, skeleton.nodes, entry.get("PoseEstimationSeries", {}), data.pose_3d, anchors, where)
    if entry.get("PoseEstimationSeries"):
        raise MetadataError(f"{where} lists 3D series, but {data.source_name} has no 3D poses of it.")
    return []


def _check_containers(data: MultiCameraPoseData, containers: Mapping[str, Any], individuals: Mapping[str, str]) -> None:
    """Refuse metadata entries that match no individual, and a session without frame times."""
    if unknown := [key for key in containers if key not in individuals]:
        raise MetadataError(
            f"metadata['Pose']['MultiCameraPoseEstimations'] has entries {unknown} that match no individual of "
            f"{data.source_name}; its containers are {sorted(individuals)}."
        )
    if containers and data.timing is None:
        raise MetadataError(
            f"No frame times are known for {data.source_name}: the files record no frame rate. Give the frame "
            "rate (sampling_frequency=...) or timestamps (set_aligned_timestamps)."
        )


def _check_camera_views(data: MultiCameraPoseData, entry: Mapping[str, Any], where: str) -> None:
    """Refuse camera views of cameras the session does not have, or pointed at another camera than their own.

    A view's 2D poses are its camera's, which the session's calibration describes: pointed at another camera's
    key, the view took that device with its own calibration (said as a device 'already in the file'). poseconv's
    pipeline says so at the metadata field (:mod:`poseconv.metadata.unknown`); this says it to other writers.
    """
    views = entry.get("CameraViews") or {}
    if unknown_cameras := [name for name in views if name not in data.cameras]:
        raise MetadataError(
            f"{where}['CameraViews'] names cameras {unknown_cameras}; the session's cameras are {list(data.cameras)}."
        )
    for name, view_entry in views.items():
        own, given = camera_metadata_key(data, name), view_entry.get("camera_metadata_key")
        if given is not None and given != own:
            said = view_camera_said(name, given, own)
            raise MetadataError(f"{where}['CameraViews']['{name}']['camera_metadata_key'] {said}")
