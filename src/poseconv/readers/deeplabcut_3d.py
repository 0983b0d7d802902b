"""Read a DeepLabCut 3D session: the triangulated file, its camera views and calibration.

``deeplabcut.triangulate`` writes, for a pair of synchronized videos
``<prefix><camera-1><suffix>`` and ``<prefix><camera-2><suffix>``:

* ``<base>_<scorername_3d>.h5`` (and ``.csv``): x, y, z per bodypart (no
  likelihood), where ``<base>`` joins prefix and suffix (see
  :func:`triangulation_base`);
* ``<base>_<scorername_3d>_meta.pickle`` (DLC >= 2.2; ``_includingmetadata.pickle``
  in DLC 2.1) with ``stereo_matrix`` (OpenCV ``stereoCalibrate`` /
  ``stereoRectify`` output: ``cameraMatrix1/2``, ``distCoeffs1/2``, ``R``, ``T``,
  ``R1/2``, ``P1/2``, ...) and ``scorer_name`` (the 2D scorer per camera);
* per camera, the 2D predictions it triangulated:
  ``<video stem><2D scorer>[_filtered].h5``.

The 3D project ``config.yaml`` (``camera_names``, ``scorername_3d``, skeleton)
lives in the ``<task>-<scorer>-<date>-3d`` project folder, not next to the
outputs; it is found only next to the 3D file or one folder up.

How DeepLabCut triangulates fixes what the numbers mean, and this reader says
so rather than guessing: 2D points are undistorted and rectified
(``cv2.undistortPoints`` with ``R1/P1``, ``R2/P2``) and triangulated with the
rectified projections ``P1`` and ``P2``, so the 3D coordinates are in the
*rectified frame of the first camera* (origin at its optical centre), in the
length unit of the calibration pattern. DeepLabCut places the checkerboard
corners at integer coordinates, so that unit is one checkerboard square, which
no file records in millimetres: the unit is ``"n.a."``.

When both filtered and unfiltered 2D predictions exist, which ones were
triangulated is not recorded (DeepLabCut reuses unfiltered files it finds and
filters new ones). The reader re-triangulates the finite 3D points from each
candidate pair and keeps the pair that reproduces them.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from ..model import PoseData
from ..model.multicamera import CameraCalibration, MultiCameraPoseData
from .deeplabcut import find_config_file, is_deeplabcut_file, read_deeplabcut
from .files import check_input_file, reads_source
from .safe_pickle import load_metadata_pickle

__all__ = [
    "DLC_3D_REFERENCE_FRAME",
    "find_3d_config_file",
    "find_3d_metadata_file",
    "find_camera_files",
    "is_deeplabcut_3d_file",
    "read_deeplabcut_3d",
    "triangulation_base",
]

SUFFIXES = {".h5", ".csv"}
DLC_3D_REFERENCE_FRAME = (
    "3D coordinates triangulated by DeepLabCut from the undistorted, rectified 2D predictions of a "
    "stereo pair: the rectified frame of camera '{camera}' (OpenCV stereoRectify), with the origin at "
    "that camera's optical centre, z along its rectified optical axis, x to the right and y downward in "
    "its rectified image. Each CalibratedCamera's rotation and translation map this frame into that "
    "camera's own frame. Length unit: one square of the calibration checkerboard (DeepLabCut puts the "
    "checkerboard corners at integer coordinates and records no physical square size), hence 'n.a.'."
)
# A re-triangulated point this close (relative) to the stored one comes from the same 2D files;
# DeepLabCut stores the result of float32 undistortion, so exact agreement is not expected.
_RETRIANGULATION_RTOL = 1e-3
_MAX_CHECKED_POINTS = 500
# OpenCV's undistortPoints iterates 5 times by default; the same count reproduces its result.
_UNDISTORT_ITERATIONS = 5
_STEREO_KEYS = ("cameraMatrix1", "cameraMatrix2", "distCoeffs1", "distCoeffs2", "R1", "R2", "P1", "P2")


def triangulation_base(video_stem: str, camera: str) -> str | None:
    """Return the name DeepLabCut gives the 3D output of a video, as ``triangulate`` derives it.

    The video name is split at the camera name; a ``_`` or ``-`` next to the split is dropped
    and the two halves are joined with ``_``.

    Parameters
    ----------
    video_stem : str
        Video file name without suffix, e.g. ``"vid1_camera-1"``.
    camera : str
        Camera name, e.g. ``"camera-1"``.

    Returns
    -------
    str or None
        ``"vid1"`` for the example; None when the name does not contain the camera name.
    """
    if camera not in video_stem:
        return None
    parts = video_stem.split(camera)
    prefix, suffix = parts[0], parts[-1]
    if prefix and prefix[-1] in "_-":
        prefix = prefix[:-1]
    if suffix and suffix[0] in "_-":
        suffix = suffix[1:]
    if not prefix:
        return suffix
    return prefix if not suffix else f"{prefix}_{suffix}"


def find_3d_metadata_file(file_path_3d: str | Path) -> Path | None:
    """Find the ``_meta.pickle`` (DLC >= 2.2) or ``_includingmetadata.pickle`` (DLC 2.1) of a 3D file.

    Parameters
    ----------
    file_path_3d : str or pathlib.Path
        The triangulated ``.h5`` / ``.csv``.

    Returns
    -------
    pathlib.Path or None
        The pickle, when it exists.
    """
    path = Path(file_path_3d)
    for name in (f"{path.stem}_meta.pickle", f"{path.stem}_includingmetadata.pickle"):
        if path.with_name(name).is_file():
            return path.with_name(name)
    return None


def is_deeplabcut_3d_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a DeepLabCut 3D output with its stereo calibration beside it; never raises.

    A triangulated table alone is DeepLabCut x, y, z (the plain reader writes it as 3D series);
    with ``deeplabcut.triangulate``'s metadata pickle next to it (``stereo_matrix``), it is a
    calibrated multi-camera session.
    """
    try:
        meta = find_3d_metadata_file(file_path)
        return meta is not None and is_deeplabcut_file(file_path) and bool(_load_3d_metadata(meta))
    except (InvalidSourceFileError, OSError):
        return False


def find_3d_config_file(file_path_3d: str | Path) -> Path | None:
    """Find a 3D project ``config.yaml`` (one with ``camera_names``) next to the file or one folder up."""
    import yaml

    candidate = find_config_file(file_path_3d)
    if candidate is None:
        return None
    try:
        config = yaml.safe_load(candidate.read_text(encoding="utf-8"))
    except Exception:
        return None
    return candidate if isinstance(config, dict) and config.get("camera_names") else None


def _load_3d_config(path: Path) -> dict[str, Any]:
    import yaml

    check_input_file(path, suffixes={".yaml", ".yml"}, what="DeepLabCut 3D project config.yaml")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception as err:
        raise InvalidSourceFileError(f"{path}: cannot be read as YAML ({err}).") from err
    if not isinstance(config, dict) or not isinstance(config.get("camera_names"), list):
        raise InvalidSourceFileError(
            f"{path}: not a DeepLabCut 3D project config (no 'camera_names' list). Pass the config.yaml of "
            "the '-3d' project that triangulated the file."
        )
    return config


def _load_3d_metadata(path: Path) -> dict[str, Any]:
    meta = load_metadata_pickle(path)
    stereo = meta.get("stereo_matrix")
    if not isinstance(stereo, dict):
        raise InvalidSourceFileError(
            f"{path}: holds no 'stereo_matrix'; keys found: {sorted(meta)}. Expected the metadata pickle "
            "DeepLabCut writes next to a triangulated 3D file."
        )
    missing = [key for key in _STEREO_KEYS if key not in stereo]
    if missing:
        raise InvalidSourceFileError(f"{path}: the stereo_matrix lacks {missing}; found {sorted(stereo)}.")
    return meta


def _scorer_position(stem: str, scorer: str | None) -> tuple[int, int] | None:
    """Start and end of the 2D scorer in a predictions file name."""
    if scorer:
        position = stem.find(scorer)
        return (position, position + len(scorer)) if position >= 0 else None
    # Without the metadata pickle: DeepLabCut scorers start with "DLC_" or (2.0) "DeepCut_".
    match = re.search(r"(DLC|DeepCut)_[A-Za-z0-9]+_[^_]*?shuffle\d+_\d+", stem)
    return (match.start(), match.end()) if match else None


def find_camera_files(
    file_path_3d: str | Path,
    cameras: list[str],
    scorers: Mapping[str, str] | None = None,
    *,
    scorer_3d: str | None = None,
) -> dict[str, dict[str, Path]]:
    """Find the 2D predictions of each camera that a 3D file could have been triangulated from.

    Parameters
    ----------
    file_path_3d : str or pathlib.Path
        The triangulated file; its folder is searched (DeepLabCut writes everything there).
    cameras : list of str
        Camera names of the 3D project.
    scorers : mapping of str to str, optional
        2D scorer per camera (``scorer_name`` in the 3D metadata pickle).
    scorer_3d : str, optional
        The 3D scorer (``scorername_3d``), which ends the 3D file name; read from the file when not given.

    Returns
    -------
    dict
        ``{camera: {variant: path}}`` where ``variant`` is what follows the scorer in the
        file name (``""``, ``"filtered"``, ``"_filtered"``, ``"_el"``, ...); ``.h5`` is taken
        over a ``.csv`` of the same name.
    """
    path = Path(file_path_3d)
    if scorer_3d is None:
        from .deeplabcut import read_deeplabcut_table

        scorer_3d = str(read_deeplabcut_table(path).columns.get_level_values("scorer")[0])
    base = path.stem[: -len(scorer_3d) - 1] if path.stem.endswith("_" + scorer_3d) else path.stem
    found: dict[str, dict[str, Path]] = {camera: {} for camera in cameras}
    for candidate in sorted(path.parent.iterdir()):
        if candidate.suffix.lower() not in SUFFIXES or candidate.resolve() == path.resolve():
            continue
        for camera in cameras:
            span = _scorer_position(candidate.stem, (scorers or {}).get(camera))
            if span is None:
                continue
            video_stem, variant = candidate.stem[: span[0]], candidate.stem[span[1] :]
            if triangulation_base(video_stem, camera) != base or variant.endswith("_skeleton"):
                continue
            if not is_deeplabcut_file(candidate):
                continue
            previous = found[camera].get(variant)
            if previous is None or (previous.suffix.lower() == ".csv" and candidate.suffix.lower() == ".h5"):
                found[camera][variant] = candidate
    return found


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


def _retriangulation_error(pose_3d: PoseData, views: list[PoseData], stereo: Mapping[str, Any]) -> float | None:
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


def _camera_calibrations(cameras: list[str], stereo: Mapping[str, Any], meta_path: Path) -> list[CameraCalibration]:
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
                stacklevel=3,
            )
    return calibrations


# -- entry point ---------------------------------------------------------------------------------


def _choose_variants(
    path: Path,
    cameras: list[str],
    found: dict[str, dict[str, Path]],
    pose_3d: PoseData,
    stereo: Mapping[str, Any] | None,
    read_view: Any,
) -> tuple[dict[str, Path], dict[str, Any]]:
    """Pick, per camera, the 2D file that was triangulated; return the choice and how it was made."""
    common = sorted(set.intersection(*(set(found[camera]) for camera in cameras))) if cameras else []
    if not common:
        return {camera: next(iter(found[camera].values())) for camera in cameras if found[camera]}, {
            "how": "only files found" if any(found.values()) else "no 2D files found"
        }
    if len(common) == 1:
        return {camera: found[camera][common[0]] for camera in cameras}, {"how": "one candidate per camera"}
    errors: dict[str, float | None] = {}
    if stereo is not None and len(cameras) == 2:
        for variant in common:
            views = [read_view(found[camera][variant]) for camera in cameras]
            errors[variant] = _retriangulation_error(pose_3d, views, stereo)
    scored = {variant: error for variant, error in errors.items() if error is not None}
    if scored:
        best = min(scored, key=lambda v: scored[v])
        return {camera: found[camera][best] for camera in cameras}, {
            "how": "re-triangulated the 3D points from each candidate pair",
            "retriangulation_relative_error": scored,
        }
    # Nothing to check against: DeepLabCut's own analysis output (no variant) is the plain choice.
    variant = "" if "" in common else common[0]
    warnings.warn(
        f"{path}: several 2D prediction files per camera ({common}) and no finite 3D point to tell which were "
        f"triangulated; using {[found[c][variant].name for c in cameras]}. Pass camera_file_paths to choose.",
        PoseconvWarning,
        stacklevel=3,
    )
    return {camera: found[camera][variant] for camera in cameras}, {"how": "default (unfiltered) without evidence"}


@reads_source("DeepLabCut 3D file")
def read_deeplabcut_3d(
    file_path_3d: str | Path,
    *,
    config_file_path: str | Path | None = None,
    metadata_file_path: str | Path | None = None,
    camera_file_paths: Mapping[str, str | Path] | None = None,
    find_side_files: bool = True,
) -> MultiCameraPoseData:
    """Read a DeepLabCut 3D output with its camera views and stereo calibration.

    Parameters
    ----------
    file_path_3d : str or pathlib.Path
        The triangulated ``<base>_<scorername_3d>.h5`` or ``.csv``.
    config_file_path : str or pathlib.Path, optional
        The 3D project's ``config.yaml`` (camera names, skeleton); found next to the file or one
        folder up when not given. Without it the camera names come from the metadata pickle.
    metadata_file_path : str or pathlib.Path, optional
        The ``_meta.pickle`` / ``_includingmetadata.pickle`` with the stereo calibration; found by name.
    camera_file_paths : mapping of str to path, optional
        The 2D predictions per camera name; found next to the 3D file when not given.
    find_side_files : bool, default: True
        Look for the config, metadata pickle, 2D files (and their metadata and videos) by name.

    Returns
    -------
    MultiCameraPoseData
        3D poses (unit ``"n.a."``, see the module docstring), one 2D view per camera found, and
        one calibration per camera (intrinsics, distortion, extrinsics) when the pickle exists.

    Raises
    ------
    InvalidSourceFileError
        When a file is malformed, is not 3D, or the side files disagree with it.
    InvalidOptionError
        When ``camera_file_paths`` names a camera the project does not have.
    """
    path = check_input_file(file_path_3d, suffixes=SUFFIXES, what="DeepLabCut 3D predictions")
    config_path = Path(config_file_path) if config_file_path is not None else None
    if config_path is None and find_side_files:
        config_path = find_3d_config_file(path)
    config = _load_3d_config(config_path) if config_path is not None else None
    meta_path = Path(metadata_file_path) if metadata_file_path is not None else None
    if meta_path is None and find_side_files:
        meta_path = find_3d_metadata_file(path)
    meta = None
    if meta_path is not None:
        check_input_file(meta_path, suffixes={".pickle"}, what="DeepLabCut 3D metadata")
        meta = _load_3d_metadata(meta_path)

    # The 3D config has a skeleton but no bodypart list, so it cannot contradict the file's bodyparts.
    pose_3d = read_deeplabcut(path, config_file_path=config_path, find_side_files=False)
    if pose_3d.n_dims != 3:
        raise InvalidSourceFileError(
            f"{path}: holds {pose_3d.n_dims}D coordinates (x, y); a DeepLabCut 3D file has x, y, z. "
            "Convert 2D predictions with DeepLabCutPoseInterface."
        )

    scorers: dict[str, str] = dict(meta.get("scorer_name") or {}) if meta else {}
    if config is not None:
        cameras = [str(c) for c in config["camera_names"]]
        if scorers and set(scorers) != set(cameras):
            raise InvalidSourceFileError(
                f"{meta_path}: scorer_name names cameras {sorted(scorers)}, but {config_path} has camera_names "
                f"{cameras}; pass the metadata pickle and config.yaml of the same 3D project."
            )
    elif scorers:
        # DeepLabCut fills scorer_name in camera_names order, which is also the stereo matrix order.
        cameras = list(scorers)
    elif camera_file_paths:
        cameras = list(camera_file_paths)
    else:
        raise InvalidSourceFileError(
            f"{path}: the camera names are unknown: no 3D project config.yaml (camera_names) and no "
            "_meta.pickle / _includingmetadata.pickle next to the file. Pass config_file_path (the '-3d' "
            "project's config.yaml), metadata_file_path or camera_file_paths. A 3D file without its cameras "
            "is plain 3D data: convert it with DeepLabCutPoseInterface."
        )
    unknown = [camera for camera in camera_file_paths or {} if camera not in cameras]
    if unknown:
        raise InvalidOptionError(f"camera_file_paths names cameras {unknown}; the 3D project has {cameras}.")

    stereo = meta["stereo_matrix"] if meta else None
    if stereo is not None and len(cameras) != 2:
        raise InvalidSourceFileError(
            f"{meta_path}: a stereo calibration holds two cameras, but the project names {len(cameras)}: {cameras}."
        )
    calibrations = (
        _camera_calibrations(cameras, stereo, meta_path)
        if stereo is not None and meta_path is not None
        else [CameraCalibration(name=camera) for camera in cameras]
    )

    def read_view(view_path: Path) -> PoseData:
        # The 3D config's skeleton is the project's; without it the 2D project's config is looked for.
        if config_path is not None:
            return read_deeplabcut(view_path, config_file_path=config_path, find_side_files=find_side_files)
        return read_deeplabcut(view_path, find_side_files=find_side_files)

    given = {camera: Path(p) for camera, p in (camera_file_paths or {}).items()}
    missing = [camera for camera in cameras if camera not in given]
    choice: dict[str, Any] = {"how": "given"}
    if missing and find_side_files:
        found = find_camera_files(path, missing, scorers, scorer_3d=pose_3d.scorer)
        chosen, choice = _choose_variants(path, missing, found, pose_3d, stereo, read_view)
        given.update(chosen)
    view_paths = {camera: given[camera] for camera in cameras if camera in given}
    views = {camera: read_view(view_path) for camera, view_path in view_paths.items()}
    for camera, view in views.items():
        if view.n_dims != 2:
            raise InvalidSourceFileError(f"{view_paths[camera]}: camera '{camera}' must hold 2D predictions.")
        if view.track_names() != pose_3d.track_names():
            raise InvalidSourceFileError(
                f"{view_paths[camera]}: individuals {view.track_names()} differ from those of {path.name} "
                f"{pose_3d.track_names()}; these are not the 2D predictions this 3D file was triangulated from."
            )
    if stereo is not None and len(views) == 2:
        # The 3D points must come from these 2D files; otherwise the views written would not be the ones used.
        error = _retriangulation_error(pose_3d, [views[camera] for camera in cameras], stereo)
        notes_error = error
        if error is not None and error > _RETRIANGULATION_RTOL:
            warnings.warn(
                f"{path}: the 2D predictions {[p.name for p in view_paths.values()]} do not reproduce its 3D points "
                f"(median relative error {error:.2g} after re-triangulation); they are written as the camera views "
                "but may not be the files DeepLabCut triangulated. Pass camera_file_paths to choose them.",
                PoseconvWarning,
                stacklevel=2,
            )
    else:
        notes_error = None
    if not views and stereo is None:
        raise InvalidSourceFileError(
            f"{path}: found neither the stereo calibration nor the per-camera 2D predictions of this 3D file. "
            "Pass metadata_file_path / camera_file_paths, or convert it as plain 3D data with "
            "DeepLabCutPoseInterface."
        )

    # Frames are triangulated pairwise, frame i with frame i, so the first camera's clock is the 3D one.
    timing = None
    rates = {camera: view.timing.get(next(iter(view.videos))) for camera, view in views.items()}
    known = {camera: t for camera, t in rates.items() if t is not None}
    if known:
        first_camera, timing = next(iter(known.items()))
        timing = dataclasses.replace(timing, source=f"{timing.source} (camera '{first_camera}')")
        disagreeing = {
            c: t.rate for c, t in known.items() if t.rate is not None and not np.isclose(t.rate, timing.rate)
        }
        if timing.rate is not None and disagreeing:
            warnings.warn(
                f"{path}: the cameras record different frame rates {disagreeing}; the rate of '{first_camera}' "
                f"({timing.rate}) is used for every view and the 3D poses.",
                PoseconvWarning,
                stacklevel=2,
            )

    reference_frame = DLC_3D_REFERENCE_FRAME.format(camera=cameras[0])
    if stereo is None:
        reference_frame = (
            "3D coordinates triangulated by DeepLabCut; the stereo calibration was not available, so the "
            "frame is that of DeepLabCut's triangulation (the rectified frame of the first camera, in "
            "checkerboard squares) as far as the files tell."
        )
    pose_3d = dataclasses.replace(pose_3d, unit="n.a.", reference_frame=reference_frame)
    notes: dict[str, Any] = {
        "config_file": str(config_path) if config_path else None,
        "metadata_file": str(meta_path) if meta_path else None,
        "camera_files": {camera: str(p) for camera, p in view_paths.items()},
        "camera_file_choice": choice,
        "retriangulation_relative_error": notes_error,
        "scorer_name": scorers,
    }
    if meta is not None:
        notes["stereo_matrix_file"] = meta.get("stereo_matrix_file")
        notes["stereo_matrix"] = {k: np.asarray(v).tolist() for k, v in stereo.items()}
    return MultiCameraPoseData.from_parts(
        source_software="DeepLabCut",
        source_file=path,
        cameras=calibrations,
        views=views,
        pose_3d=pose_3d,
        timing=timing,
        source_software_version=pose_3d.source_software_version,
        scorer=pose_3d.scorer,
        notes=notes,
    )
