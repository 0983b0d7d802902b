"""The multi-camera pose model: calibrated cameras, 2D poses per camera, 3D poses.

A :class:`MultiCameraPoseData` is what a multi-camera pose session says: the
cameras (with their calibration, when there is one), the 2D poses each camera
saw (one :class:`~poseconv.model.PoseData` per camera, in pixels), and the 3D
poses triangulated from them (one :class:`~poseconv.model.PoseData` with
``(frames, nodes, 3)`` positions in the world frame of the calibration). The
cameras are synchronized: frame ``i`` of every view and of the 3D poses is the
same instant, so one :class:`~poseconv.model.FrameTiming` serves them all.

Individuals (animals, tracks) are matched across views and 3D by name, and an
individual follows the same nodes everywhere. Readers build the model only
through :meth:`MultiCameraPoseData.from_parts`, which checks that once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .location import SourceNamed, location
from .names import require_names, unique_by
from .pose import FrameTiming, PoseData, Skeleton

__all__ = ["LENGTH_UNITS", "CameraCalibration", "MultiCameraPoseData"]

#: Length units nwbinspector accepts for spatial data; "n.a." when the calibration does not say.
LENGTH_UNITS = ("meters", "centimeters", "millimeters", "micrometers", "n.a.")


def _matrix(value: Any, shape: tuple[int, ...], what: str, camera: str) -> np.ndarray | None:
    if value is None:
        return None
    array = np.asarray(value, dtype="float64")
    if shape == (-1,):
        array = array.reshape(-1)
    elif array.shape != shape:
        raise ValueError(f"Camera {camera!r}: {what} must have shape {shape}, got {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"Camera {camera!r}: {what} holds non-finite values: {array.tolist()}.")
    return array


@dataclass(frozen=True)
class CameraCalibration:
    """One camera of a multi-camera rig and what its calibration says.

    The extrinsics follow OpenCV's convention, which ndx-pose's ``CalibratedCamera``
    uses: a point ``X`` in the world frame (the frame of the 3D poses) is ``R @ X + t``
    in this camera's frame (x right, y down, z along the optical axis).

    Attributes
    ----------
    name : str
        Camera name, unique within the rig.
    intrinsic_matrix : numpy.ndarray or None
        ``(3, 3)`` camera matrix K (focal lengths and principal point, in pixels);
        None for a camera known only by name.
    rotation_matrix : numpy.ndarray or None
        ``(3, 3)`` rotation R from the world frame to this camera's frame.
    translation_vector : numpy.ndarray or None
        ``(3,)`` translation t from the world frame to this camera's frame, in ``unit``.
    distortion_coefficients : numpy.ndarray or None
        Lens distortion, OpenCV order ``(k1, k2, p1, p2[, k3[, ...]])``.
    image_size : tuple of (int, int) or None
        ``(width, height)`` in pixels of the images the camera was calibrated on.
    unit : str
        Length unit of ``translation_vector`` and of the world frame; one of :data:`LENGTH_UNITS`
        (``"n.a."`` when the calibration does not record it).
    description : str or None
        What the calibration is and where it came from.
    """

    name: str
    intrinsic_matrix: np.ndarray | None = None
    rotation_matrix: np.ndarray | None = None
    translation_vector: np.ndarray | None = None
    distortion_coefficients: np.ndarray | None = None
    image_size: tuple[int, int] | None = None
    unit: str = "n.a."
    description: str | None = None

    def __post_init__(self) -> None:
        if not self.name or "/" in self.name or ":" in self.name:
            raise ValueError(f"Camera name {self.name!r} must be non-empty and hold no '/' or ':'.")
        for attribute, shape in (
            ("intrinsic_matrix", (3, 3)),
            ("rotation_matrix", (3, 3)),
            ("translation_vector", (3,)),
            ("distortion_coefficients", (-1,)),
        ):
            object.__setattr__(self, attribute, _matrix(getattr(self, attribute), shape, attribute, self.name))
        if self.image_size is not None:
            size = tuple(int(v) for v in self.image_size)
            if len(size) != 2 or min(size) <= 0:
                raise ValueError(f"Camera {self.name!r}: image_size must be (width, height) > 0, got {size}.")
            object.__setattr__(self, "image_size", size)
        if self.unit not in LENGTH_UNITS:
            raise ValueError(f"Camera {self.name!r}: unit must be one of {list(LENGTH_UNITS)}, got {self.unit!r}.")
        if self.intrinsic_matrix is None and any(
            getattr(self, a) is not None for a in ("rotation_matrix", "translation_vector", "distortion_coefficients")
        ):
            raise ValueError(
                f"Camera {self.name!r}: extrinsics or distortion without an intrinsic matrix; "
                "ndx-pose's CalibratedCamera needs the intrinsic matrix."
            )

    @property
    def is_calibrated(self) -> bool:
        """Whether an intrinsic matrix is known (then it is written as a ``CalibratedCamera``)."""
        return self.intrinsic_matrix is not None


@dataclass
class MultiCameraPoseData(SourceNamed):
    """Everything a multi-camera pose session says; see the module docstring.

    Attributes
    ----------
    source_software : str
        ``"DeepLabCut"``, ``"SLEAP"``, ...
    source_file : pathlib.Path or str
        The file the session was read from (the 3D file, the ``.slp``).
    cameras : dict of str to CameraCalibration
        By camera name, in the rig's order.
    views : dict of str to PoseData
        2D poses by camera name; a camera without 2D poses has no entry.
    pose_3d : PoseData or None
        3D poses, ``(frames, nodes, 3)`` per individual; None when the session has none.
    timing : FrameTiming or None
        Frame times shared by every view and the 3D poses; None when no rate is known.
    source_software_version : str or None
        Version of the tool, when recorded.
    scorer : str or None
        Name of the 3D model / scorer.
    notes : dict
        Other facts read from the files (side files used, choices made, ...).
    metadata_key : str or None
        Suffix making this session's metadata keys and default object names (containers, cameras,
        skeletons) unique when several sessions go into one NWB file.
    """

    source_software: str
    source_file: Path | str
    cameras: dict[str, CameraCalibration]
    views: dict[str, PoseData]
    pose_3d: PoseData | None
    timing: FrameTiming | None = None
    source_software_version: str | None = None
    scorer: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    metadata_key: str | None = None

    @classmethod
    def from_parts(
        cls,
        *,
        source_software: str,
        source_file: str | Path,
        cameras: Sequence[CameraCalibration],
        views: Mapping[str, PoseData],
        pose_3d: PoseData | None,
        timing: FrameTiming | None = None,
        **kwargs: Any,
    ) -> MultiCameraPoseData:
        """Build a :class:`MultiCameraPoseData`, checking every invariant once.

        Parameters
        ----------
        source_software : str
            Name of the pose tool.
        source_file : str or pathlib.Path
            The file read.
        cameras : sequence of CameraCalibration
            The rig; names must be unique.
        views : mapping of str to PoseData
            2D poses by camera name; every name must be a camera.
        pose_3d : PoseData or None
            3D poses.
        timing : FrameTiming, optional
            Shared frame times.
        **kwargs
            Other :class:`MultiCameraPoseData` fields.

        Returns
        -------
        MultiCameraPoseData
            The validated model.

        Raises
        ------
        ValueError
            When names, dimensions or skeletons disagree.
        """
        camera_map: dict[str, CameraCalibration] = unique_by(cameras, "name", "camera")
        # ndx-pose lets a MultiCameraPoseEstimation hold 3D series and no camera view (a 3D-only session).
        if not camera_map and (pose_3d is None or not pose_3d.tracks):
            raise ValueError("A multi-camera session needs at least one camera or 3D poses.")
        unknown = [name for name in views if name not in camera_map]
        if unknown:
            raise ValueError(f"2D poses given for unknown cameras {unknown}; cameras: {list(camera_map)}.")
        for name, view in views.items():
            if view.tracks and view.n_dims != 2:
                raise ValueError(f"The poses of camera {name!r} are {view.n_dims}D; camera views hold 2D poses.")
        if pose_3d is not None and pose_3d.tracks and pose_3d.n_dims != 3:
            raise ValueError(f"3D poses must have x, y and z; got {pose_3d.n_dims} dimensions.")
        data = cls(
            source_software=source_software,
            source_file=location(source_file),
            cameras=camera_map,
            views={name: views[name] for name in camera_map if name in views},
            pose_3d=pose_3d,
            timing=timing,
            **kwargs,
        )
        # One skeleton per individual, everywhere: the MultiCameraPoseEstimation links exactly one.
        for individual in data.individuals():
            nodes = {tuple(skeleton.nodes) for _, skeleton in data._skeletons_of(individual)}
            if len(nodes) > 1:
                where = {where: list(skeleton.nodes) for where, skeleton in data._skeletons_of(individual)}
                raise ValueError(f"Individual {individual!r} follows different nodes in different places: {where}.")
        return data

    # -- queries ------------------------------------------------------------------------------

    def _parts(self) -> list[tuple[str, PoseData]]:
        parts = [("3D", self.pose_3d)] if self.pose_3d is not None else []
        return parts + [(f"camera {name!r}", view) for name, view in self.views.items()]

    def _skeletons_of(self, individual: str) -> list[tuple[str, Skeleton]]:
        found = []
        for where, pose in self._parts():
            for track in pose.tracks:
                if track.name == individual:
                    found.append((where, pose.skeletons[track.skeleton]))
        return found

    def individuals(self) -> list[str]:
        """Return the individual (track) names: those of the 3D poses first, then of the views."""
        names: list[str] = []
        for _, pose in self._parts():
            names.extend(pose.track_names())
        return list(dict.fromkeys(names))

    def skeleton_for(self, individual: str) -> Skeleton:
        """Return the skeleton ``individual`` follows, with the edges and symmetries of the first place with any.

        Raises
        ------
        KeyError
            When ``individual`` is not in the session.
        """
        found = self._skeletons_of(individual)
        if not found:
            raise KeyError(f"{individual!r} is not an individual of {self.source_name}: {self.individuals()}.")
        with_edges = [skeleton for _, skeleton in found if skeleton.edges]
        skeleton = with_edges[0] if with_edges else found[0][1]
        symmetries = next((s.symmetries for _, s in found if s.symmetries), skeleton.symmetries)
        return dataclasses.replace(skeleton, symmetries=symmetries)

    @property
    def n_frames(self) -> int:
        """Number of frames of the longest view or of the 3D poses (the shared frame base)."""
        counts = [track.n_frames for _, pose in self._parts() for track in pose.tracks]
        return max(counts, default=0)

    def select_individuals(self, names: Sequence[str]) -> MultiCameraPoseData:
        """Return a copy holding only the individuals named.

        Raises
        ------
        KeyError
            When a name is not an individual of the session; the message lists those that are.
        """
        wanted = require_names(names, self.individuals(), self.source_file)

        def keep(pose: PoseData) -> PoseData:
            return dataclasses.replace(pose, tracks=[t for t in pose.tracks if t.name in wanted])

        return dataclasses.replace(
            self,
            views={name: keep(view) for name, view in self.views.items()},
            pose_3d=keep(self.pose_3d) if self.pose_3d is not None else None,
        )

    def with_timing(self, timing: FrameTiming | None) -> MultiCameraPoseData:
        """Return a copy with the shared frame timing replaced."""
        return dataclasses.replace(self, timing=timing)
