"""Write and read ndx-pose's multi-camera objects: ``CalibratedCamera`` and ``MultiCameraPoseEstimation``.

The object graph is that of ndx-pose's ``examples/write_multicamera_pose_estimates.py``:

* one ``CalibratedCamera`` per camera in ``nwbfile.devices`` (a plain ``Device``
  for a camera without intrinsics), added before anything links to it;
* ``Skeletons`` in ``processing["behavior"]``, one ``Skeleton`` per individual's
  node set, shared by its 3D poses and every camera view;
* per individual, one ``MultiCameraPoseEstimation`` in ``processing["behavior"]``
  holding the 3D ``PoseEstimationSeries`` (x, y, z) and one ``PoseEstimation``
  per camera (``device=`` that camera, ``skeleton=`` the shared skeleton,
  ``source_video=`` the camera's external video when known) with its 2D series;
* frame times stored once: every later series of the same length links the
  first series' timestamps (or all carry one rate).

Calibration values are written as float64 (ndx-pose's spec asks for float32 at
least; HDF5 keeps the wider type), so every matrix reads back bit-exact.
ndx-pose has no field for the length unit of a translation or the calibration
image size; both go into the camera's description in a fixed sentence that
:func:`read_multicamera` parses back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MetadataError
from ..metadata.multicamera import multicamera_container_key
from ..model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from ..model.multicamera import LENGTH_UNITS, CameraCalibration, MultiCameraPoseData
from .devices import lookup
from .video import get_or_add_external_video
from .writer import behavior_module, get_or_add_skeleton, pose_estimation_series, series_timing

__all__ = ["read_multicamera", "write_multicamera_pose_estimation"]

_UNIT_SENTENCE = "Length unit of the translation vector: '{unit}'."
_SIZE_SENTENCE = "Calibration image size: {width} x {height} pixels."
_UNIT_PATTERN = re.compile(r"Length unit of the translation vector: '(?P<unit>[^']+)'\.")
_SIZE_PATTERN = re.compile(r"Calibration image size: (?P<width>\d+) x (?P<height>\d+) pixels\.")
_INDIVIDUAL_PATTERN = re.compile(r"^(?:3D poses|Poses) of '(?P<name>.*?)' ")
_NODE_PATTERN = re.compile(r"^(?:3D|2D) position of '(?P<node>.*?)' of '")


# -- writing -------------------------------------------------------------------------------------


def _get_or_add_camera(
    nwbfile: Any, pose_metadata: Mapping[str, Any], key: str, calibration: CameraCalibration | None
) -> Any:
    """Return the camera of ``Pose.CalibratedCameras[key]``, adding it to the file first if new.

    Calibration fields the metadata leaves out come from ``calibration`` (the pose files).
    """
    from ndx_pose import CalibratedCamera
    from pydantic import ValidationError
    from pynwb.device import Device

    from ..metadata.models import CalibratedCameraMetadata

    raw = lookup(pose_metadata.get("CalibratedCameras", {}), key, "camera_metadata_key")
    try:
        entry = CalibratedCameraMetadata.model_validate(dict(raw))
    except ValidationError as err:
        raise MetadataError(f"metadata['Pose']['CalibratedCameras']['{key}'] is invalid:\n{err}") from None
    if calibration is not None:
        fields = ("intrinsic_matrix", "rotation_matrix", "translation_vector", "distortion_coefficients", "image_size")
        missing = {
            field: np.asarray(getattr(calibration, field)).tolist()
            for field in fields
            if getattr(entry, field) is None and getattr(calibration, field) is not None
        }
        entry = entry.model_copy(update=missing)
    if entry.name in nwbfile.devices:
        existing = nwbfile.devices[entry.name]
        # Reusing a camera is right for the same rig (several pose files of it) and wrong for another one.
        existing_matrix = getattr(existing, "intrinsic_matrix", None)
        if entry.intrinsic_matrix is not None and (
            existing_matrix is None
            or not np.array_equal(np.asarray(existing_matrix, dtype="float64"), np.asarray(entry.intrinsic_matrix))
        ):
            raise MetadataError(
                f"The file already has a device named '{entry.name}' without this calibration; give the camera "
                f"another name in metadata['Pose']['CalibratedCameras']['{key}'] (or a metadata_key to the interface)."
            )
        return existing
    description = entry.description or f"Camera '{entry.name}' of a multi-camera rig."
    if entry.intrinsic_matrix is not None:
        if _UNIT_PATTERN.search(description) is None:
            description += " " + _UNIT_SENTENCE.format(unit=entry.unit)
        if entry.image_size is not None and _SIZE_PATTERN.search(description) is None:
            description += " " + _SIZE_SENTENCE.format(width=entry.image_size[0], height=entry.image_size[1])
    kwargs: dict[str, Any] = {"name": entry.name, "description": description}
    if entry.serial_number:
        kwargs["serial_number"] = entry.serial_number
    if entry.intrinsic_matrix is None:
        camera = Device(**kwargs)
    else:
        for field in ("intrinsic_matrix", "rotation_matrix", "translation_vector", "distortion_coefficients"):
            value = getattr(entry, field)
            if value is not None:
                kwargs[field] = np.asarray(value, dtype="float64")
        camera = CalibratedCamera(**kwargs)
    nwbfile.add_device(camera)
    return camera


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
    missing = [node for node in entries if node not in nodes]
    if missing:
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
    video_paths : mapping of str to pathlib.Path, optional
        Video file per view video key, for the external ``ImageSeries`` of each camera.
    relative_to : str or pathlib.Path, optional
        Folder the NWB file will be written to, so video paths are stored relative to it.
    max_frames : int, optional
        Write only the first frames (stub conversions).

    Returns
    -------
    list of ndx_pose.MultiCameraPoseEstimation
        The containers added.

    Raises
    ------
    MetadataError
        When metadata names unknown keys or invalid camera fields, or no frame times are known.
    """
    from ndx_pose import MultiCameraPoseEstimation, PoseEstimation

    pose_metadata = metadata.get("Pose", {})
    containers = pose_metadata.get("MultiCameraPoseEstimations", {})
    individuals = {multicamera_container_key(data, name): name for name in data.individuals()}
    unknown = [key for key in containers if key not in individuals]
    if unknown:
        raise MetadataError(
            f"metadata['Pose']['MultiCameraPoseEstimations'] has entries {unknown} that match no individual of "
            f"{data.source_file.name}; its containers are {sorted(individuals)}."
        )
    if containers and data.timing is None:
        raise MetadataError(
            f"No frame times are known for {data.source_file.name}: the files record no frame rate. Give the frame "
            "rate (sampling_frequency=...) or timestamps (set_aligned_timestamps)."
        )
    video_paths = dict(video_paths or {})
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
        skeleton = None
        if entry.get("skeleton_metadata_key") is not None:
            skeleton_entry = lookup(pose_metadata.get("Skeletons", {}), entry["skeleton_metadata_key"], "skeleton key")
            if list(skeleton_entry["nodes"]) != list(expected.nodes):
                raise MetadataError(
                    f"metadata['Pose']['Skeletons']['{entry['skeleton_metadata_key']}'] lists nodes "
                    f"{list(skeleton_entry['nodes'])}, but '{individual}' has {list(expected.nodes)}; nodes cannot "
                    "be renamed or reordered in metadata."
                )
            skeleton = get_or_add_skeleton(nwbfile, behavior, skeleton_entry, len(individuals) == 1)

        series_3d = []
        track_3d = None
        if data.pose_3d is not None:
            track_3d = next((t for t in data.pose_3d.tracks if t.name == individual), None)
        if track_3d is not None:
            series_3d = _series(
                track_3d, expected.nodes, entry.get("PoseEstimationSeries", {}), data.pose_3d, anchors, where
            )
        elif entry.get("PoseEstimationSeries"):
            raise MetadataError(f"{where} lists 3D series, but {data.source_file.name} has no 3D poses of it.")

        views = []
        unknown_cameras = [name for name in entry.get("CameraViews") or {} if name not in data.cameras]
        if unknown_cameras:
            raise MetadataError(
                f"{where}['CameraViews'] names cameras {unknown_cameras}; the session's cameras are "
                f"{list(data.cameras)}."
            )
        for camera_name, view_entry in (entry.get("CameraViews") or {}).items():
            view_where = f"{where}['CameraViews']['{camera_name}']"
            # The view is the camera's data (keyed by camera name); the device is the metadata entry it names.
            camera = _get_or_add_camera(
                nwbfile, pose_metadata, view_entry["camera_metadata_key"], data.cameras[camera_name]
            )
            view = data.views.get(camera_name)
            track = next((t for t in view.tracks if t.name == individual), None) if view is not None else None
            series_2d = []
            source_video = None
            if track is not None and view is not None:
                series_2d = _series(
                    track,
                    view.skeletons[track.skeleton].nodes,
                    view_entry.get("PoseEstimationSeries", {}),
                    view,
                    anchors,
                    view_where,
                )
                if view_entry.get("source_video_metadata_key") is not None:
                    info = view.videos[track.video]
                    existing = set(nwbfile.acquisition)
                    n_frames = info.n_frames or track.n_frames
                    source_video = get_or_add_external_video(
                        nwbfile,
                        metadata,
                        view_entry["source_video_metadata_key"],
                        video_path=video_paths.get(track.video, info.path),
                        relative_to=Path(relative_to) if relative_to else None,
                        timing_kwargs=series_timing(data.timing, n_frames),
                        n_frames=n_frames,
                        frame_size=info.frame_size,
                    )
                    # The video was recorded by this camera; link it when the video is new here.
                    if source_video.name not in existing and getattr(source_video, "device", None) is None:
                        source_video.device = camera
            elif view_entry.get("PoseEstimationSeries"):
                raise MetadataError(f"{view_where} lists 2D series, but camera '{camera_name}' has no poses of it.")
            view_kwargs: dict[str, Any] = {
                "name": view_entry["name"],
                "pose_estimation_series": series_2d,
                "device": camera,
                "skeleton": skeleton,
                "source_video": source_video,
            }
            for field in ("description", "source_software", "source_software_version", "scorer"):
                if view_entry.get(field):
                    view_kwargs[field] = view_entry[field]
            views.append(PoseEstimation(**{k: v for k, v in view_kwargs.items() if v is not None}))

        container_kwargs: dict[str, Any] = {
            "name": entry["name"],
            "pose_estimation_series": series_3d,
            "pose_estimations": views,
            "skeleton": skeleton,
        }
        for field in ("description", "source_software", "source_software_version", "scorer"):
            if entry.get(field):
                container_kwargs[field] = entry[field]
        container = MultiCameraPoseEstimation(**{k: v for k, v in container_kwargs.items() if v is not None})
        behavior.add(container)
        written.append(container)
    return written


# -- reading -------------------------------------------------------------------------------------


def _values(dataset: Any) -> np.ndarray | None:
    return None if dataset is None else np.asarray(dataset[()] if hasattr(dataset, "shape") else dataset)


def _camera_from_device(device: Any) -> CameraCalibration:
    description = device.description or ""
    # By type name, not class: a file opened before ndx_pose was imported has classes pynwb generated.
    if getattr(device, "neurodata_type", None) != "CalibratedCamera":
        return CameraCalibration(name=device.name, description=description or None)
    unit_match = _UNIT_PATTERN.search(description)
    unit = unit_match.group("unit") if unit_match and unit_match.group("unit") in LENGTH_UNITS else "n.a."
    size_match = _SIZE_PATTERN.search(description)
    size = (int(size_match.group("width")), int(size_match.group("height"))) if size_match else None
    return CameraCalibration(
        name=device.name,
        intrinsic_matrix=_values(device.intrinsic_matrix),
        rotation_matrix=_values(device.rotation_matrix),
        translation_vector=_values(device.translation_vector),
        distortion_coefficients=_values(device.distortion_coefficients),
        image_size=size,
        unit=unit,
        description=description or None,
    )


def _timing_of(series: Any) -> FrameTiming:
    if series.rate is not None:
        return FrameTiming(rate=float(series.rate), starting_time=float(series.starting_time or 0.0), source="NWB rate")
    return FrameTiming(timestamps=np.asarray(series.timestamps[:], dtype="float64"), source="NWB timestamps")


def _node_of(series: Any) -> str:
    match = _NODE_PATTERN.match(series.description or "")
    return match.group("node") if match else series.name


def _track_of(container: Any, individual: str, video: str, skeleton: Skeleton) -> tuple[PoseTrack, dict[str, Any]]:
    by_node = {_node_of(s): s for s in container.pose_estimation_series.values()}
    first = next(iter(by_node.values()))
    n_frames = len(first.data)
    n_dims = first.data.shape[1]
    positions = np.full((n_frames, len(skeleton.nodes), n_dims), np.nan)
    confidence = None
    definition = None
    for j, node in enumerate(skeleton.nodes):
        series = by_node.get(node)
        if series is None:
            continue
        positions[:, j, :] = np.asarray(series.data[:], dtype="float64")
        if series.confidence is not None:
            if confidence is None:
                confidence = np.full((n_frames, len(skeleton.nodes)), np.nan)
            confidence[:, j] = np.asarray(series.confidence[:], dtype="float64")
            definition = definition or series.confidence_definition
    facts = {"unit": first.unit, "reference_frame": first.reference_frame, "timing": _timing_of(first)}
    track = PoseTrack(
        name=individual,
        skeleton=skeleton.name,
        video=video,
        positions=positions,
        confidence=confidence,
        confidence_definition=definition,
    )
    return track, facts


def _skeleton_of(container: Any) -> Skeleton:
    if container.skeleton is not None:
        nwb_skeleton = container.skeleton
        edges = nwb_skeleton.edges[:] if nwb_skeleton.edges is not None else []
        return Skeleton(
            name=nwb_skeleton.name,
            nodes=tuple(str(n) for n in nwb_skeleton.nodes[:]),
            edges=tuple((int(a), int(b)) for a, b in edges),
        )
    series = list(container.pose_estimation_series.values())
    return Skeleton(name="Skeleton", nodes=tuple(_node_of(s) for s in series))


def _individual_of(container: Any) -> str:
    match = _INDIVIDUAL_PATTERN.match(container.description or "")
    if match:
        return match.group("name")
    prefix = "MultiCameraPoseEstimation_"
    return container.name[len(prefix) :] if container.name.startswith(prefix) else "individual"


def _pose(
    parts: list[tuple[PoseTrack, dict[str, Any], Skeleton, VideoInfo]], software: str, source: Path, **kwargs: Any
) -> PoseData:
    skeletons = {skeleton.name: skeleton for _, _, skeleton, _ in parts}
    videos = {info.key: info for _, _, _, info in parts}
    first = parts[0][1]
    return PoseData.from_tracks(
        source_software=software,
        source_file=source,
        skeletons=list(skeletons.values()),
        videos=list(videos.values()),
        tracks=[track for track, _, _, _ in parts],
        timing={info.key: facts["timing"] for _, facts, _, info in parts},
        unit=first["unit"],
        reference_frame=first["reference_frame"],
        **kwargs,
    )


def _read_in_memory(nwbfile: Any, source: Path) -> list[MultiCameraPoseData]:
    # Sorted by name: nwbfile.objects has no stable order.
    containers = sorted(
        (o for o in nwbfile.objects.values() if getattr(o, "neurodata_type", None) == "MultiCameraPoseEstimation"),
        key=lambda container: container.name,
    )
    groups: dict[tuple, list[Any]] = {}
    for container in containers:
        cameras = tuple(
            pe.device.name if pe.device is not None else pe.name for pe in container.pose_estimations.values()
        )
        signature = (container.source_software, container.source_software_version, container.scorer, cameras)
        groups.setdefault(signature, []).append(container)
    result = []
    for (software, version, scorer, _), members in groups.items():
        cameras: dict[str, CameraCalibration] = {}
        parts_3d = []
        parts_views: dict[str, list] = {}
        view_facts: dict[str, dict[str, Any]] = {}
        timing = None
        for container in members:
            individual = _individual_of(container)
            skeleton = _skeleton_of(container)
            if len(container.pose_estimation_series):
                track, facts = _track_of(container, individual, "3D", skeleton)
                parts_3d.append((track, facts, skeleton, VideoInfo(key="3D")))
                timing = timing or facts["timing"]
            for view in container.pose_estimations.values():
                camera = view.device
                name = camera.name if camera is not None else view.name
                if camera is not None and name not in cameras:
                    cameras[name] = _camera_from_device(camera)
                elif camera is None:
                    cameras.setdefault(name, CameraCalibration(name=name))
                if not len(view.pose_estimation_series):
                    continue
                video = view.source_video.name if view.source_video is not None else name
                track, facts = _track_of(view, individual, video, _skeleton_of(view) if view.skeleton else skeleton)
                parts_views.setdefault(name, []).append((track, facts, skeleton, VideoInfo(key=video)))
                view_facts[name] = {"software": view.source_software, "version": view.source_software_version}
                view_facts[name]["scorer"] = view.scorer
                timing = timing or facts["timing"]
        software = software or "unknown"
        pose_3d = (
            _pose(parts_3d, software, source, source_software_version=version, scorer=scorer) if parts_3d else None
        )
        views = {
            name: _pose(
                parts,
                view_facts[name]["software"] or software,
                source,
                source_software_version=view_facts[name]["version"],
                scorer=view_facts[name]["scorer"],
            )
            for name, parts in parts_views.items()
        }
        result.append(
            MultiCameraPoseData.from_parts(
                source_software=software,
                source_file=source,
                cameras=list(cameras.values()),
                views=views,
                pose_3d=pose_3d,
                timing=timing,
                source_software_version=version,
                scorer=scorer,
                notes={"containers": [c.name for c in members]},
            )
        )
    return result


def read_multicamera(nwbfile: Any) -> list[MultiCameraPoseData]:
    """Read every ``MultiCameraPoseEstimation`` of an NWB file back into the multi-camera model.

    Containers with the same source software, version, scorer and cameras form one
    :class:`~poseconv.model.multicamera.MultiCameraPoseData` (one per individual otherwise), with the
    calibration of each ``CalibratedCamera``, the 2D poses of each camera view and the 3D poses.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile or str or pathlib.Path
        An open NWB file, or the path of one (opened, read into memory and closed).

    Returns
    -------
    list of MultiCameraPoseData
        Empty when the file holds no ``MultiCameraPoseEstimation``.
    """
    if isinstance(nwbfile, (str, Path)):
        # Imported first so pynwb builds ndx-pose's own classes, not ones generated from the cached spec.
        import ndx_pose  # noqa: F401
        from pynwb import NWBHDF5IO

        with NWBHDF5IO(str(nwbfile), "r") as io:
            return _read_in_memory(io.read(), Path(nwbfile))
    source = getattr(nwbfile, "container_source", None)
    return _read_in_memory(nwbfile, Path(source) if source else Path(nwbfile.identifier))
