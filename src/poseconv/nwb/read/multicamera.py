"""Read ndx-pose's ``MultiCameraPoseEstimation`` back into :class:`~poseconv.model.multicamera.MultiCameraPoseData`.

:mod:`poseconv.nwb.write.multicamera` says how the objects are written; the stored groups are
read through :mod:`poseconv.nwb.read.store`, as every reader here does. SLEAP's values beside a
container come back too: the instance scores of its 3D poses and views, and a session's
``InstanceGroup.score`` per individual in ``notes["instance_group_scores"]``. A container's camera
views are read in the order its camera-order table records (Zarr lists them by name), else as listed.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from ...model.multicamera import LENGTH_UNITS, CameraCalibration, MultiCameraPoseData
from ..layout import (
    CAMERA_SIZE_PATTERN,
    CAMERA_UNIT_PATTERN,
    instance_group_score_name,
    natural_key,
    replaced_predictions_name,
    view_extra_coords_owner,
)
from .extra_coords import read_extra_coords
from .pose_crops import video_crops
from .scores import read_instance_series, recorded_camera_order
from .skeletons import stored_skeleton
from .store import (
    base_name,
    child_groups,
    damage_named,
    linked,
    member,
    neurodata_type,
    nwb_location,
    open_nwbfile_object,
    open_store,
    text,
    visit_groups,
)
from .video_facts import video_facts

__all__ = ["camera_views", "read_multicamera", "read_sessions"]

_INDIVIDUAL_PATTERN = re.compile(r"^(?:3D poses|Poses) of '(?P<name>.*?)' ")
_NODE_PATTERN = re.compile(r"^(?:3D|2D) position of '(?P<node>.*?)' of '")


def _values(group: Any, name: str) -> np.ndarray | None:
    return np.asarray(group[name][()]) if name in group else None


def camera_views(root: Any, container: Any) -> dict[str, Any]:
    """Return the camera views (``PoseEstimation`` groups) of a container by name, in the session's camera order.

    The order is the one the table beside the container records (:func:`poseconv.nwb.write.multicamera.
    camera_order_name`); views it does not list follow as the file lists them (HDF5 in creation order).
    """
    views = child_groups(container, "PoseEstimation")
    recorded = [view for view in recorded_camera_order(root, container) if view in views]
    return {**{view: views[view] for view in recorded}, **views}


def _camera_from_device(path: str, device: Any) -> CameraCalibration:
    name = base_name(path)
    description = text(device.attrs.get("description")) or ""
    if neurodata_type(device) != "CalibratedCamera":
        return CameraCalibration(name=name, description=description or None)
    unit_match = CAMERA_UNIT_PATTERN.search(description)
    unit = unit_match.group("unit") if unit_match and unit_match.group("unit") in LENGTH_UNITS else "n.a."
    size_match = CAMERA_SIZE_PATTERN.search(description)
    size = (int(size_match.group("width")), int(size_match.group("height"))) if size_match else None
    return CameraCalibration(
        name=name,
        intrinsic_matrix=_values(device, "intrinsic_matrix"),
        rotation_matrix=_values(device, "rotation_matrix"),
        translation_vector=_values(device, "translation_vector"),
        distortion_coefficients=_values(device, "distortion_coefficients"),
        image_size=size,
        unit=unit,
        description=description or None,
    )


def _timing_of(series: Any) -> FrameTiming:
    if member(series, "starting_time") is not None:
        start = series["starting_time"]
        rate = float(start.attrs["rate"])
        if not (np.isfinite(rate) and rate > 0):
            # As read_nwb reads such a series (see poseconv.nwb.read.frame_times): frame numbers.
            warnings.warn(
                f"{series.name} stores a frame rate of {rate!r}; its frames are read as frame numbers, one per "
                "second. Convert the source file again with its real frame rate to get real times.",
                PoseconvWarning,
                stacklevel=4,
            )
            return FrameTiming(rate=1.0, source=f"frame numbers: the NWB file stores a rate of {rate!r}")
        return FrameTiming(rate=rate, starting_time=float(start[()]), source="NWB rate")
    if member(series, "timestamps") is None:
        raise InvalidSourceFileError(f"{series.name} stores neither timestamps nor a starting time and rate.")
    return FrameTiming(timestamps=np.asarray(series["timestamps"][()], dtype="float64"), source="NWB timestamps")


def _node_of(name: str, series: Any) -> str:
    match = _NODE_PATTERN.match(text(series.attrs.get("description")) or "")
    return match.group("node") if match else name


def _track_of(
    container: Any, individual: str, video: str, skeleton: Skeleton, extra: tuple[Any, str] | None = None
) -> tuple[PoseTrack, dict[str, Any]]:
    """Return the track a container (3D) or camera view holds; ``extra`` is (module, owner name) of its extra coords."""
    by_node = {_node_of(name, s): s for name, s in child_groups(container, "PoseEstimationSeries").items()}
    first = next(iter(by_node.values()))
    n_frames, n_dims = first["data"].shape[:2]
    positions = np.full((n_frames, len(skeleton.nodes), n_dims), np.nan)
    confidence = None
    definition = None
    for j, node in enumerate(skeleton.nodes):
        series = by_node.get(node)
        if series is None:
            continue
        if series["data"].shape[:2] != (n_frames, n_dims):
            raise InvalidSourceFileError(
                f"{series.name} holds {series['data'].shape[:2]} (frames, coordinates) where the other series of "
                f"{container.name} hold {(n_frames, n_dims)}; a multi-camera container needs one time base."
            )
        positions[:, j, :] = np.asarray(series["data"][()], dtype="float64")
        if member(series, "confidence") is not None:
            if confidence is None:
                confidence = np.full((n_frames, len(skeleton.nodes)), np.nan)
            confidence[:, j] = np.asarray(series["confidence"][()], dtype="float64")
            definition = definition or text(series["confidence"].attrs.get("definition"))
    facts = {
        "unit": text(first["data"].attrs.get("unit")),
        "reference_frame": text(member(first, "reference_frame")),
        "timing": _timing_of(first),
    }
    track = PoseTrack(
        name=individual,
        skeleton=skeleton.name,
        video=video,
        positions=positions,
        confidence=confidence,
        confidence_definition=definition,
        extra_coords=read_extra_coords(extra[0], extra[1], skeleton.nodes, n_frames) if extra is not None else (),
    )
    return track, facts


def _skeleton_of(root: Any, container: Any, source: Path | str) -> Skeleton | None:
    # ndx-pose links the skeleton under the skeleton's own name.
    members = (linked(root, container, name) for name in container)
    found = next((m for m in members if m is not None and neurodata_type(m[1]) == "Skeleton"), None)
    if found is None:
        return None
    return stored_skeleton(root, *found, source=source, owner=container.name)


def _individual_of(container: Any) -> str:
    match = _INDIVIDUAL_PATTERN.match(
        text(container.attrs.get("description")) or text(container.get("description")) or ""
    )
    if match:
        return match.group("name")
    name = base_name(container.name)
    prefix = "MultiCameraPoseEstimation_"
    return name[len(prefix) :] if name.startswith(prefix) else "individual"


def _source_facts(container: Any) -> dict[str, Any]:
    """Source software, its version and the scorer of a container, as stored (None when absent)."""
    software = container.get("source_software")
    version = text(software.attrs.get("version")) if software is not None else None
    return {
        "software": text(software),
        "version": version or text(container.get("source_software_version")),
        "scorer": text(container.get("scorer")),
    }


def _pose(
    parts: list[tuple[PoseTrack, dict[str, Any], Skeleton, VideoInfo]], software: str, source: Path | str, **kwargs: Any
) -> PoseData:
    skeletons = {skeleton.name: skeleton for _, _, skeleton, _ in parts}
    videos = {info.key: info for _, _, _, info in parts}
    first = parts[0][1]
    # A view's poses in a crop's pixels (its reference frame says so), as the pose readers note them.
    crops = video_crops((info.key, facts["reference_frame"]) for _, facts, _, info in parts)
    descriptions = {track.name: facts["description"] for track, facts, _, _ in parts if facts.get("description")}
    return PoseData.from_tracks(
        source_software=software,
        source_file=source,
        skeletons=list(skeletons.values()),
        videos=list(videos.values()),
        tracks=[track for track, _, _, _ in parts],
        timing={info.key: facts["timing"] for _, facts, _, info in parts},
        unit=first["unit"],
        reference_frame=first["reference_frame"],
        notes={**({"videos": crops} if crops else {}), **({"descriptions": descriptions} if descriptions else {})},
        **kwargs,
    )


class _Session:
    """The 3D poses, camera views and cameras of the containers that form one session."""

    def __init__(self, root: Any, source: Path | str) -> None:
        self.root = root
        self.source = source
        self.cameras: dict[str, CameraCalibration] = {}
        self.parts_3d: list[tuple] = []
        self.parts_views: dict[str, list] = {}
        self.view_facts: dict[str, dict[str, Any]] = {}
        self.timing: FrameTiming | None = None
        self.group_scores: dict[str, np.ndarray] = {}

    def add(self, container: Any) -> None:
        individual = _individual_of(container)
        skeleton = _skeleton_of(self.root, container, self.source)
        series = child_groups(container, "PoseEstimationSeries")
        if skeleton is None:
            skeleton = Skeleton(name="Skeleton", nodes=tuple(_node_of(name, s) for name, s in series.items()))
        module = self.root[container.name.rsplit("/", 1)[0]]
        if series:
            track, facts = _track_of(container, individual, "3D", skeleton, (module, base_name(container.name)))
            # SLEAP's 3D instance scores, beside the container (poseconv.nwb.write.multicamera).
            track = dataclasses.replace(
                track, **read_instance_series(module, base_name(container.name), track.n_frames)
            )
            self.parts_3d.append((track, facts, skeleton, VideoInfo(key="3D")))
            self.timing = self.timing or facts["timing"]
        # A SLEAP session's InstanceGroup.score, written beside the container as <container>_instance_group_score.
        scores = module.get(instance_group_score_name(base_name(container.name)))
        if scores is not None and "data" in scores:
            self.group_scores[individual] = np.asarray(scores["data"][()], dtype="float64")
        for view_name, view in camera_views(self.root, container).items():
            extra = (module, view_extra_coords_owner(base_name(container.name), view_name))
            self._add_view(view_name, view, individual, skeleton, extra)

    def _add_view(self, view_name: str, view: Any, individual: str, skeleton: Skeleton, extra: tuple[Any, str]) -> None:
        device = linked(self.root, view, "device")
        name = base_name(device[0]) if device is not None else view_name
        if name not in self.cameras:
            self.cameras[name] = _camera_from_device(*device) if device is not None else CameraCalibration(name=name)
        if not child_groups(view, "PoseEstimationSeries"):
            return
        source_video = linked(self.root, view, "source_video")
        video = base_name(source_video[0]) if source_video is not None else name
        track, facts = _track_of(view, individual, video, _skeleton_of(self.root, view, self.source) or skeleton, extra)
        # SLEAP's instance values of the view, beside the container (poseconv.nwb.write.multicamera).
        container_path = PurePosixPath(view.name).parent
        values = read_instance_series(
            self.root[str(container_path.parent)],
            view_extra_coords_owner(container_path.name, view_name),
            track.n_frames,
        )
        track = dataclasses.replace(track, **values, replaced_predictions=self._replaced(track, skeleton, extra))
        # The video as the single-camera reader finds it: the linked file, or the recorded path.
        found = video_facts(view, self.source, text(view.get("description")), text(view.get("source_software")))
        info = VideoInfo(
            key=video,
            original_path=found.get("original_video"),
            path=found.get("video_path"),
            frame_size=found.get("frame_size"),
            image_files=found.get("image_files"),
            linked_in_nwb=bool(found.get("video_linked")),
        )
        # What the view says of what predicted its poses, which an export to SLEAP records (sleap_provenance).
        facts = {**facts, "description": text(view.get("description"))}
        self.parts_views.setdefault(name, []).append((track, facts, skeleton, info))
        self.view_facts[name] = _source_facts(view)
        self.timing = self.timing or facts["timing"]

    def _replaced(self, track: PoseTrack, skeleton: Skeleton, extra: tuple[Any, str]) -> PoseTrack | None:
        """Return the SLEAP predictions a user instance replaced in a view, written beside its container."""
        module, owner = extra
        name = replaced_predictions_name(owner)
        group = module.get(name)
        if group is None or neurodata_type(group) != "PoseEstimation":
            return None
        own = _skeleton_of(self.root, group, self.source)
        replaced, _ = _track_of(group, track.name, track.video, own or skeleton, None)
        values = read_instance_series(module, name, replaced.n_frames)
        values.pop("user_labeled", None)
        return dataclasses.replace(replaced, skeleton=track.skeleton, **values)

    def data(self, facts: dict[str, Any], source: Path | str, names: list[str]) -> MultiCameraPoseData:
        software = facts["software"] or "unknown"
        version, scorer = facts["version"], facts["scorer"]
        pose_3d = None
        if self.parts_3d:
            pose_3d = _pose(self.parts_3d, software, source, source_software_version=version, scorer=scorer)
        views = {
            name: _pose(
                parts,
                self.view_facts[name]["software"] or software,
                source,
                source_software_version=self.view_facts[name]["version"],
                scorer=self.view_facts[name]["scorer"],
            )
            for name, parts in self.parts_views.items()
        }
        return MultiCameraPoseData.from_parts(
            source_software=software,
            source_file=source,
            cameras=list(self.cameras.values()),
            views=views,
            pose_3d=pose_3d,
            timing=self.timing,
            source_software_version=version,
            scorer=scorer,
            notes={"containers": names, **({"instance_group_scores": self.group_scores} if self.group_scores else {})},
        )


def read_sessions(root: Any, source: Path | str) -> list[MultiCameraPoseData]:
    """Read every ``MultiCameraPoseEstimation`` under ``root``, an open file (see :func:`read_multicamera`).

    Parameters
    ----------
    root : h5py.File or zarr.Group
        The root group of an NWB file opened with :func:`~poseconv.nwb.read.store.open_store`.
    source : pathlib.Path or str
        Where it was opened from (a str for a URL), for the models and messages.

    Returns
    -------
    list of MultiCameraPoseData
        Empty when the file holds no ``MultiCameraPoseEstimation``.
    """
    # Natural order of the names: individual 2 before individual 10.
    containers = sorted(
        visit_groups(root, "MultiCameraPoseEstimation"), key=lambda group: natural_key(base_name(group.name))
    )
    groups: dict[tuple, list[Any]] = {}
    for container in containers:
        cameras = []
        for view_name, view in camera_views(root, container).items():
            device = linked(root, view, "device")
            cameras.append(base_name(device[0]) if device is not None else view_name)
        facts = _source_facts(container)
        signature = (facts["software"], facts["version"], facts["scorer"], tuple(cameras))
        groups.setdefault(signature, []).append(container)
    result = []
    for members in groups.values():
        session = _Session(root, source)
        for container in members:
            try:
                session.add(container)
            except InvalidSourceFileError as err:
                # The stored groups name only their HDF5 paths; the message names the file too, once (a failed
                # read of a URL is said naming it already).
                if str(err).startswith(f"{source}: "):
                    raise
                raise InvalidSourceFileError(f"{source}: {err}") from err
        names = [base_name(c.name) for c in members]
        result.append(session.data(_source_facts(members[0]), source, names))
    return result


def read_multicamera(nwbfile: Any) -> list[MultiCameraPoseData]:
    """Read every ``MultiCameraPoseEstimation`` of an NWB file back into the multi-camera model.

    Containers with the same source software, version, scorer and cameras form one
    :class:`~poseconv.model.multicamera.MultiCameraPoseData` (one per individual otherwise), with the
    calibration of each ``CalibratedCamera``, the 2D poses of each camera view and the 3D poses.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile or str or pathlib.Path
        The path of an NWB file (HDF5 or Zarr store) or its ``http(s)://`` / ``s3://`` URL, or an NWB
        file object (read from disk or built in memory).

    Returns
    -------
    list of MultiCameraPoseData
        Empty when the file holds no ``MultiCameraPoseEstimation``.
    """
    from ...readers.safety.input_checks import require_path_or_nwbfile

    if require_path_or_nwbfile(nwbfile, "read_multicamera: nwbfile"):
        location = nwb_location(nwbfile)
        # HDF5's errors for damaged objects met anywhere in the reading name the file.
        with open_store(location) as root, damage_named(location):
            return read_sessions(root, location)
    with open_nwbfile_object(nwbfile) as (root, path), damage_named(path or nwbfile.identifier):
        return read_sessions(root, path if path is not None else Path(nwbfile.identifier))
