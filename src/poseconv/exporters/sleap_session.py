"""Export a multi-camera session (:class:`~poseconv.model.multicamera.MultiCameraPoseData`) to a SLEAP ``.slp``.

A SLEAP multi-view project keeps, beside its videos and labeled frames, a
``RecordingSession``: a ``CameraGroup`` of calibrated cameras and the video each
camera recorded. :func:`write_slp_session` writes one ``.slp`` per session:

* one video per camera view, in the order of the cameras, with the 2D poses of that
  view (as :func:`poseconv.exporters.sleap.write_slp` writes a single-view file);
* one ``RecordingSession`` whose ``CameraGroup`` holds a ``sleap_io.Camera`` per camera,
  with its intrinsic matrix, distortion, image size, and extrinsics as sleap-anipose stores
  them (``rvec``, the Rodrigues vector of the rotation matrix, and ``tvec``), linked to its video;
* the provenance a single-view file records (:func:`poseconv.exporters.sleap.sleap_provenance`): SLEAP's
  version and models, and what predicted the poses as the views say it ("Predicted by SLEAP 1.4.1 (...).").

Not written: the session's frame groups (which instances of the views are one animal; the
2D poses of one individual share its track name instead) and 3D points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError
from ..model import PoseData
from ..model.multicamera import CameraCalibration, MultiCameraPoseData

__all__ = ["camera_of", "rotation_vector", "session_pose", "write_slp_session"]


def rotation_vector(rotation: np.ndarray) -> np.ndarray:
    """Return the Rodrigues (axis-angle) vector of a ``(3, 3)`` rotation matrix, as OpenCV's ``Rodrigues`` does."""
    rotation = np.asarray(rotation, dtype="float64")
    cos = np.clip((np.trace(rotation) - 1.0) / 2.0, -1.0, 1.0)
    angle = float(np.arccos(cos))
    if angle < 1e-12:
        return np.zeros(3)
    if np.pi - angle < 1e-6:
        # sin(angle) ~ 0: the axis is the column of (R + I) / 2 = n n^T with the largest diagonal.
        outer = (rotation + np.eye(3)) / 2.0
        k = int(np.argmax(np.diag(outer)))
        axis = outer[:, k] / np.sqrt(outer[k, k])
        return axis * angle
    axis = np.array(
        [rotation[2, 1] - rotation[1, 2], rotation[0, 2] - rotation[2, 0], rotation[1, 0] - rotation[0, 1]]
    ) / (2.0 * np.sin(angle))
    return axis * angle


def camera_of(calibration: CameraCalibration) -> Any:
    """Return the ``sleap_io.Camera`` of a camera (SLEAP's cameras take 5 distortion coefficients)."""
    import sleap_io as sio

    kwargs: dict[str, Any] = {"name": calibration.name}
    if calibration.intrinsic_matrix is not None:
        kwargs["matrix"] = calibration.intrinsic_matrix
    if calibration.distortion_coefficients is not None:
        if np.size(calibration.distortion_coefficients) != 5:
            raise InvalidOptionError(
                f"camera {calibration.name!r} has {np.size(calibration.distortion_coefficients)} distortion "
                "coefficients (a fisheye or another lens model); SLEAP's cameras take 5 (k1, k2, p1, p2, k3), so the "
                "session cannot be exported to .slp with its calibration. Export each view instead (--container)."
            )
        kwargs["dist"] = calibration.distortion_coefficients
    if calibration.image_size is not None:
        kwargs["size"] = tuple(calibration.image_size)
    if calibration.rotation_matrix is not None:
        kwargs["rvec"] = rotation_vector(calibration.rotation_matrix)
    if calibration.translation_vector is not None:
        kwargs["tvec"] = calibration.translation_vector
    return sio.Camera(**kwargs)


def session_pose(data: MultiCameraPoseData) -> tuple[PoseData, dict[str, str]]:
    """Return the 2D poses of every camera view as one :class:`PoseData`, and each camera's video key.

    Raises
    ------
    InvalidOptionError
        When the session holds no 2D poses, or two views name their video alike.
    """
    views = [(name, data.views[name]) for name in data.cameras if name in data.views]
    if not views:
        raise InvalidOptionError(f"{data.source_name}: the session holds no 2D poses to write to a .slp file.")
    camera_videos: dict[str, str] = {}
    skeletons, videos, tracks, timing = {}, {}, [], {}
    crops: dict[str, Any] = {}  # a view's poses in a crop's pixels, which the export places on its video
    # What each view says of what predicted its poses (its containers' descriptions, a .slp's note): the export's
    # provenance is made of them as a single file's is (exporters.sleap.sleap_provenance).
    descriptions: dict[str, str] = {}
    model_notes: list[str] = []
    for name, view in views:
        [key] = list(view.videos)
        if key in videos:
            raise InvalidOptionError(f"{data.source_name}: cameras '{name}' and another both name their video '{key}'.")
        camera_videos[name] = key
        videos[key] = view.videos[key]
        skeletons.update(view.skeletons)
        tracks.extend(view.tracks)
        timing.update(view.timing)
        crops.update({key: view.notes["videos"][key]} if key in view.notes.get("videos", {}) else {})
        # Keyed by camera too: the views of one animal share its track name.
        descriptions.update({f"{name}/{track}": text for track, text in view.notes.get("descriptions", {}).items()})
        model_notes.extend([view.notes["model"]] if view.notes.get("model") else [])
    first = views[0][1]
    pose = PoseData.from_tracks(
        source_software=data.source_software,
        source_file=data.source_file,
        skeletons=list(skeletons.values()),
        videos=list(videos.values()),
        tracks=tracks,
        timing=timing,
        source_software_version=data.source_software_version,
        scorer=data.scorer,
        unit=first.unit,
        reference_frame=first.reference_frame,
        notes=_said_notes(crops, descriptions, model_notes),
    )
    return pose, camera_videos


def _said_notes(crops: dict[str, Any], descriptions: dict[str, str], model_notes: list[str]) -> dict[str, Any]:
    """Return the notes of the session's 2D poses: the views' crops, descriptions and first note of their model."""
    notes: dict[str, Any] = {}
    if crops:
        notes["videos"] = crops
    if descriptions:
        notes["descriptions"] = descriptions
    if model_notes:
        notes["model"] = model_notes[0]
    return notes


def write_slp_session(data: MultiCameraPoseData, file_path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a multi-camera session as a SLEAP ``.slp`` with its ``RecordingSession`` (see the module docstring).

    Parameters
    ----------
    data : MultiCameraPoseData
        The session.
    file_path, overwrite
        As for :func:`~poseconv.exporters.sleap.write_slp`, which writes the file.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from .sleap import write_slp

    pose, camera_videos = session_pose(data)
    cameras = [(camera_of(calibration), camera_videos.get(name)) for name, calibration in data.cameras.items()]
    return write_slp(pose, file_path, overwrite=overwrite, cameras=cameras)
