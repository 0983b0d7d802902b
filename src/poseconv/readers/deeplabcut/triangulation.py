"""Re-triangulation and camera calibrations of DeepLabCut's stereo pair, as DeepLabCut computes them.

DeepLabCut undistorts and rectifies the 2D points of each camera (``cv2.undistortPoints`` with
``R1/P1``, ``R2/P2``) and triangulates them with the rectified projections ``P1`` and ``P2``
(``cv2.triangulatePoints``). :func:`retriangulation_error` repeats that in numpy (no OpenCV needed)
to tell which 2D files a 3D file was triangulated from; :func:`camera_calibrations` turns the
``stereo_matrix`` of the metadata pickle into one calibration per camera, with extrinsics relative
to the rectified frame of the first camera, the frame of the 3D points.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import PoseconvWarning
from ...model import PoseData
from ...model.multicamera import CameraCalibration

__all__ = ["RETRIANGULATION_RTOL", "camera_calibrations", "retriangulation_error"]

#: A re-triangulated point this close (relative) to the stored one comes from the same 2D files;
#: DeepLabCut stores the result of float32 undistortion, so exact agreement is not expected.
RETRIANGULATION_RTOL = 1e-3
_MAX_CHECKED_POINTS = 500
# OpenCV's undistortPoints iterates 5 times by default; the same count reproduces its result.
_UNDISTORT_ITERATIONS = 5


# -- re-triangulation (numpy port of what cv2.undistortPoints + cv2.triangulatePoints compute) -----


def _undistort_rectify(points: np.ndarray, stereo: Mapping[str, Any], index: int) -> np.ndarray:
    """Undistorted, rectified pixel coordinates of ``(n, 2)`` raw points of camera ``index`` (1 or 2)."""
    k = np.asarray(stereo[f"cameraMatrix{index}"], dtype="float64")
    dist = np.zeros(8)
    coefficients = np.asarray(stereo[f"distCoeffs{index}"], dtype="float64").ravel()[:8]
    dist[: len(coefficients)] = coefficients
    k1, k2, p1, p2, k3, k4, k5, k6 = dist
    y0 = (points[:, 1] - k[1, 2]) / k[1, 1]
    x0 = (points[:, 0] - k[0, 2] - k[0, 1] * y0) / k[0, 0]
    x, y = x0.copy(), y0.copy()
    for _ in range(_UNDISTORT_ITERATIONS):
        r2 = x * x + y * y
        inverse_radial = (1 + ((k6 * r2 + k5) * r2 + k4) * r2) / (1 + ((k3 * r2 + k2) * r2 + k1) * r2)
        delta_x = 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
        delta_y = p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
        x, y = (x0 - delta_x) * inverse_radial, (y0 - delta_y) * inverse_radial
    rectified = np.asarray(stereo[f"R{index}"], dtype="float64") @ np.vstack([x, y, np.ones_like(x)])
    projected = np.asarray(stereo[f"P{index}"], dtype="float64")[:, :3] @ (rectified / rectified[2])
    return (projected[:2] / projected[2]).T


def _triangulate(stereo: Mapping[str, Any], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Linear (DLT) triangulation of rectified points, as ``cv2.triangulatePoints``."""
    p1 = np.asarray(stereo["P1"], dtype="float64")
    p2 = np.asarray(stereo["P2"], dtype="float64")
    result = np.empty((len(left), 3))
    for i, ((x1, y1), (x2, y2)) in enumerate(zip(left, right, strict=True)):
        system = np.stack([x1 * p1[2] - p1[0], y1 * p1[2] - p1[1], x2 * p2[2] - p2[0], y2 * p2[2] - p2[1]])
        solution = np.linalg.svd(system)[2][-1]
        result[i] = solution[:3] / solution[3]
    return result


def retriangulation_error(pose_3d: PoseData, views: list[PoseData], stereo: Mapping[str, Any]) -> float | None:
    """Median relative distance between stored 3D points and those re-triangulated from ``views``."""
    errors = []
    for track in pose_3d.tracks:
        pair = [next((t for t in view.tracks if t.name == track.name), None) for view in views]
        if any(t is None for t in pair):
            continue
        n = min(track.n_frames, *(t.n_frames for t in pair))
        stored = track.positions[:n]
        frames, nodes = np.nonzero(np.all(np.isfinite(stored), axis=2))
        flat = [t.positions[:n][frames, nodes] for t in pair]
        usable = np.all(np.isfinite(flat[0]), axis=1) & np.all(np.isfinite(flat[1]), axis=1)
        frames, nodes = frames[usable][:_MAX_CHECKED_POINTS], nodes[usable][:_MAX_CHECKED_POINTS]
        if len(frames) == 0:
            continue
        left = _undistort_rectify(pair[0].positions[frames, nodes], stereo, 1)
        right = _undistort_rectify(pair[1].positions[frames, nodes], stereo, 2)
        recomputed = _triangulate(stereo, left, right)
        expected = stored[frames, nodes]
        errors.extend(
            np.linalg.norm(recomputed - expected, axis=1) / np.maximum(np.linalg.norm(expected, axis=1), 1e-12)
        )
    return float(np.median(errors)) if errors else None


# -- calibration ---------------------------------------------------------------------------------


def camera_calibrations(cameras: list[str], stereo: Mapping[str, Any], meta_path: Path) -> list[CameraCalibration]:
    """One calibration per camera, extrinsics relative to the rectified frame of the first camera."""
    calibrations = []
    image_shapes = stereo.get("image_shape")
    extrinsics = {}
    for index, camera in enumerate(cameras, start=1):
        rectification = np.asarray(stereo[f"R{index}"], dtype="float64")
        projection = np.asarray(stereo[f"P{index}"], dtype="float64")
        # P = K' [I | t'] in the rectified frame; R_i rotates camera i into it. World (rectified
        # camera-1) -> camera i is then x_i = R_i^T (X + t').
        offset = np.linalg.solve(projection[:, :3], projection[:, 3])
        rotation = rectification.T
        translation = rotation @ offset
        extrinsics[camera] = (rotation, translation)
        size = None
        if isinstance(image_shapes, (list, tuple)) and len(image_shapes) >= index:
            shape = image_shapes[index - 1]
            if isinstance(shape, (list, tuple)) and len(shape) == 2:
                size = (int(shape[0]), int(shape[1]))
        calibrations.append(
            CameraCalibration(
                name=camera,
                intrinsic_matrix=stereo[f"cameraMatrix{index}"],
                rotation_matrix=rotation,
                translation_vector=translation,
                distortion_coefficients=np.asarray(stereo[f"distCoeffs{index}"]).ravel(),
                image_size=size,
                unit="n.a.",
                description=(
                    f"Camera '{camera}' of a DeepLabCut stereo calibration ({meta_path.name}: cameraMatrix{index}, "
                    f"distCoeffs{index}). Rotation and translation map the 3D poses' frame (the rectified frame "
                    f"of camera '{cameras[0]}') into this camera's frame: rotation = R{index}^T, translation = "
                    f"R{index}^T K'^-1 P{index}[:, 3], in checkerboard squares."
                ),
            )
        )
    # The stereo pair's own R, T must agree with the derived extrinsics; if not, the pickle is inconsistent.
    if len(cameras) == 2 and "R" in stereo and "T" in stereo:
        (r1, t1), (r2, t2) = extrinsics[cameras[0]], extrinsics[cameras[1]]
        relative_rotation = r2 @ r1.T
        relative_translation = t2 - relative_rotation @ t1
        stereo_t = np.asarray(stereo["T"], dtype="float64").ravel()
        if not (
            np.allclose(relative_rotation, np.asarray(stereo["R"], dtype="float64"), atol=1e-6)
            and np.allclose(relative_translation, stereo_t, atol=1e-6 * max(1.0, float(np.linalg.norm(stereo_t))))
        ):
            warnings.warn(
                f"{meta_path}: the rectification (R1, R2, P1, P2) does not reproduce the stereo R and T; the "
                "camera extrinsics written follow the rectification, which DeepLabCut triangulated with.",
                PoseconvWarning,
                stacklevel=4,
            )
    return calibrations
