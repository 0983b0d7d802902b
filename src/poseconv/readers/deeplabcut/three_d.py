"""Read a DeepLabCut 3D session: the triangulated file, its camera views and calibration.

``deeplabcut.triangulate`` writes, for a pair of synchronized videos
``<prefix><camera-1><suffix>`` and ``<prefix><camera-2><suffix>``:

* ``<base>_<scorername_3d>.h5`` (and ``.csv``): x, y, z per bodypart (no
  likelihood), where ``<base>`` joins prefix and suffix (see
  :func:`.camera_files.triangulation_base`);
* ``<base>_<scorername_3d>_meta.pickle`` (DLC >= 2.2; ``_includingmetadata.pickle``
  in DLC 2.1) with ``stereo_matrix`` (OpenCV ``stereoCalibrate`` /
  ``stereoRectify`` output: ``cameraMatrix1/2``, ``distCoeffs1/2``, ``R``, ``T``,
  ``R1/2``, ``P1/2``, ...) and ``scorer_name`` (the 2D scorer per camera);
* per camera, the 2D predictions it triangulated:
  ``<video stem><2D scorer>[_filtered].h5``.

The 3D project ``config.yaml`` (``camera_names``, ``scorername_3d``, skeleton)
lives in the ``<task>-<scorer>-<date>-3d`` project folder, not next to the
outputs; it is found only next to the 3D file or one folder up.

How DeepLabCut triangulates (see :mod:`.triangulation`) fixes what the numbers mean: the 3D
coordinates are in the *rectified frame of the first camera* (origin at its optical centre), in
checkerboard squares, which no file records in millimetres: the unit is ``"n.a."``.

When both filtered and unfiltered 2D predictions exist, which ones were
triangulated is not recorded (DeepLabCut reuses unfiltered files it finds and
filters new ones). :mod:`.camera_files` re-triangulates the finite 3D points from each
candidate pair and keeps the pair that reproduces them.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from ...model import FrameTiming, PoseData
from ...model.multicamera import CameraCalibration, MultiCameraPoseData
from ...timing import SAME_CLOCK_RTOL
from ..multicamera import session_from_parts
from ..safety.input_checks import check_input_file, reads_source
from ..safety.safe_pickle import load_metadata_pickle
from ..side_files import given_or_found
from .camera_files import choose_camera_files, find_camera_files
from .config_text import read_config_text
from .predictions import is_deeplabcut_file, read_deeplabcut
from .project import find_config_file
from .table import SUFFIXES
from .triangulation import RETRIANGULATION_RTOL, camera_calibrations, retriangulation_error

__all__ = [
    "DLC_3D_REFERENCE_FRAME",
    "find_3d_config_file",
    "find_3d_metadata_file",
    "is_deeplabcut_3d_file",
    "read_deeplabcut_3d",
]

_UNCALIBRATED_FRAME = (
    "3D coordinates triangulated by DeepLabCut; the stereo calibration was not available, so the "
    "frame is that of DeepLabCut's triangulation (the rectified frame of the first camera, in "
    "checkerboard squares) as far as the files tell."
)
DLC_3D_REFERENCE_FRAME = (
    "3D coordinates triangulated by DeepLabCut from the undistorted, rectified 2D predictions of a "
    "stereo pair: the rectified frame of camera '{camera}' (OpenCV stereoRectify), with the origin at "
    "that camera's optical centre, z along its rectified optical axis, x to the right and y downward in "
    "its rectified image. Each CalibratedCamera's rotation and translation map this frame into that "
    "camera's own frame. Length unit: one square of the calibration checkerboard (DeepLabCut puts the "
    "checkerboard corners at integer coordinates and records no physical square size), hence 'n.a.'."
)
_STEREO_KEYS = ("cameraMatrix1", "cameraMatrix2", "distCoeffs1", "distCoeffs2", "R1", "R2", "P1", "P2")


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
        with warnings.catch_warnings():
            # A look at the file only: the config found is read again, and a Windows code page said, then.
            warnings.simplefilter("ignore", PoseconvWarning)
            config = yaml.safe_load(read_config_text(candidate, "DeepLabCut 3D project config.yaml"))
    except (OSError, UnicodeError, yaml.YAMLError):
        # Only a readable 3D config is found; a broken one is left for the user to name.
        return None
    return candidate if isinstance(config, dict) and config.get("camera_names") else None


def _load_3d_config(path: Path) -> dict[str, Any]:
    import yaml

    check_input_file(path, suffixes={".yaml", ".yml"}, what="DeepLabCut 3D project config.yaml")
    try:
        config = yaml.safe_load(read_config_text(path, "DeepLabCut 3D project config.yaml"))
    except (OSError, UnicodeError, yaml.YAMLError) as err:
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


# -- entry point ---------------------------------------------------------------------------------


def _side_files(
    path: Path,
    config_file_path: str | Path | None,
    metadata_file_path: str | Path | None,
    find_side_files: bool,
) -> tuple[Path | None, dict[str, Any] | None, Path | None, dict[str, Any] | None]:
    """Return the 3D project config and the metadata pickle (paths and contents), given or found."""
    config_path = given_or_found(config_file_path, find_side_files, find_3d_config_file, path)
    config = _load_3d_config(config_path) if config_path is not None else None
    meta_path = given_or_found(metadata_file_path, find_side_files, find_3d_metadata_file, path)
    meta = None
    if meta_path is not None:
        check_input_file(meta_path, suffixes={".pickle"}, what="DeepLabCut 3D metadata")
        meta = _load_3d_metadata(meta_path)
    return config_path, config, meta_path, meta


def _read_views(
    path: Path,
    pose_3d: PoseData,
    cameras: list[str],
    scorers: dict[str, str],
    stereo: Mapping[str, Any] | None,
    camera_file_paths: Mapping[str, str | Path] | None,
    config_path: Path | None,
    find_side_files: bool,
) -> tuple[dict[str, PoseData], dict[str, Path], dict[str, Any]]:
    """Read the 2D predictions of each camera, given or found; return them, their files and how they were chosen."""

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
        chosen, choice = choose_camera_files(path, missing, found, pose_3d, stereo, read_view)
        given.update(chosen)
    view_paths = {camera: given[camera] for camera in cameras if camera in given}
    views = {camera: read_view(view_path) for camera, view_path in view_paths.items()}
    return views, view_paths, choice


def _cameras(
    path: Path,
    config: dict[str, Any] | None,
    config_path: Path | None,
    scorers: dict[str, str],
    meta_path: Path | None,
    camera_file_paths: Mapping[str, str | Path] | None,
) -> list[str]:
    """Return the camera names of the 3D project: from its config, else the metadata pickle, else the given views."""
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
    return cameras


def _read_3d_poses(path: Path, config_path: Path | None) -> PoseData:
    """Read the triangulated file itself, refusing one without z."""
    # The 3D config has a skeleton but no bodypart list, so it cannot contradict the file's bodyparts.
    pose_3d = read_deeplabcut(path, config_file_path=config_path, find_side_files=False)
    if pose_3d.n_dims != 3:
        raise InvalidSourceFileError(
            f"{path}: holds {pose_3d.n_dims}D coordinates (x, y); a DeepLabCut 3D file has x, y, z. "
            "Convert 2D predictions with DeepLabCutPoseInterface."
        )
    return pose_3d


def _calibrations(
    cameras: list[str], meta: dict[str, Any] | None, meta_path: Path | None
) -> tuple[Mapping[str, Any] | None, list[CameraCalibration]]:
    """Return the stereo matrix (None without the pickle) and one calibration per camera (names only without it)."""
    stereo = meta["stereo_matrix"] if meta else None
    if stereo is None or meta_path is None:
        return None, [CameraCalibration(name=camera) for camera in cameras]
    if len(cameras) != 2:
        raise InvalidSourceFileError(
            f"{meta_path}: a stereo calibration holds two cameras, but the project names {len(cameras)}: {cameras}."
        )
    return stereo, camera_calibrations(cameras, stereo, meta_path)


def _calibration_notes(meta: dict[str, Any] | None) -> dict[str, Any]:
    """Return the stereo calibration as recorded in the metadata pickle, as plain lists (none without it)."""
    if meta is None:
        return {}
    return {
        "stereo_matrix_file": meta.get("stereo_matrix_file"),
        "stereo_matrix": {k: np.asarray(v).tolist() for k, v in meta["stereo_matrix"].items()},
    }


def _check_views(views: dict[str, PoseData], view_paths: dict[str, Path], pose_3d: PoseData, path: Path) -> None:
    for camera, view in views.items():
        if view.n_dims != 2:
            raise InvalidSourceFileError(f"{view_paths[camera]}: camera '{camera}' must hold 2D predictions.")
        if view.track_names() != pose_3d.track_names():
            raise InvalidSourceFileError(
                f"{view_paths[camera]}: individuals {view.track_names()} differ from those of {path.name} "
                f"{pose_3d.track_names()}; these are not the 2D predictions this 3D file was triangulated from."
            )


def _views_error(
    path: Path,
    pose_3d: PoseData,
    views: dict[str, PoseData],
    view_paths: dict[str, Path],
    cameras: list[str],
    stereo: Mapping[str, Any] | None,
) -> float | None:
    """How well the views reproduce the 3D points (warning when they do not); None when it cannot be told."""
    if stereo is None or len(views) != 2:
        return None
    # The 3D points must come from these 2D files; otherwise the views written would not be the ones used.
    error = retriangulation_error(pose_3d, [views[camera] for camera in cameras], stereo)
    if error is not None and error > RETRIANGULATION_RTOL:
        warnings.warn(
            f"{path}: the 2D predictions {[p.name for p in view_paths.values()]} do not reproduce its 3D points "
            f"(median relative error {error:.2g} after re-triangulation); they are written as the camera views "
            "but may not be the files DeepLabCut triangulated. Pass camera_file_paths to choose them.",
            PoseconvWarning,
            stacklevel=3,
        )
    return error


def _session_timing(path: Path, views: dict[str, PoseData]) -> FrameTiming | None:
    """Return the 3D poses' frame timing: the first camera's, when the cameras' recorded rates are one clock's.

    Frames are triangulated pairwise, frame i of one camera with frame i of the other, so a session has one
    clock. Rates within :data:`poseconv.timing.SAME_CLOCK_RTOL` of the first camera's (a measured 29.97
    against a nominal 30) are taken for that clock, and its times are the session's. Rates further apart do
    not say which one the clock is: none is taken (a warning says what to do), and the interfaces refuse to
    convert the session until the user gives its rate or frame times.
    """
    rates = {camera: view.timing.get(next(iter(view.videos))) for camera, view in views.items()}
    known = {camera: t for camera, t in rates.items() if t is not None}
    if not known:
        return None
    first_camera, timing = next(iter(known.items()))
    timing = dataclasses.replace(timing, source=f"{timing.source} (camera '{first_camera}')")
    disagreeing = {c: t.rate for c, t in known.items() if t.rate is not None and not np.isclose(t.rate, timing.rate)}
    if timing.rate is None or not disagreeing:
        return timing
    listed = ", ".join(
        f"'{camera}' {rate:g} fps" for camera, rate in {first_camera: timing.rate, **disagreeing}.items()
    )
    if all(abs(rate - timing.rate) <= SAME_CLOCK_RTOL * timing.rate for rate in disagreeing.values()):
        warnings.warn(
            f"{path}: the cameras record slightly different frame rates ({listed}), taken for one clock's: the "
            f"times of '{first_camera}' ({timing.rate:g} fps) are the session's, for every view and the 3D poses.",
            PoseconvWarning,
            stacklevel=3,
        )
        return timing
    warnings.warn(
        f"{path}: the cameras record different frame rates ({listed}), but a session has one clock (frame i of "
        "every camera is triangulated with frame i of the others), so none of them is taken as the session's. To "
        "convert it, give the session's frame rate (sampling_frequency=..., poseconv convert --fps) or frame times "
        "(--timestamps), or convert each camera's 2D predictions on their own with DeepLabCutPoseInterface "
        f"(poseconv convert <camera's file>: {', '.join(view.source_name for view in views.values())}).",
        PoseconvWarning,
        stacklevel=3,
    )
    return None


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
    config_path, config, meta_path, meta = _side_files(path, config_file_path, metadata_file_path, find_side_files)
    pose_3d = _read_3d_poses(path, config_path)
    scorers: dict[str, str] = dict(meta.get("scorer_name") or {}) if meta else {}
    cameras = _cameras(path, config, config_path, scorers, meta_path, camera_file_paths)
    stereo, calibrations = _calibrations(cameras, meta, meta_path)

    views, view_paths, choice = _read_views(
        path, pose_3d, cameras, scorers, stereo, camera_file_paths, config_path, find_side_files
    )
    _check_views(views, view_paths, pose_3d, path)
    notes_error = _views_error(path, pose_3d, views, view_paths, cameras, stereo)
    if not views and stereo is None:
        raise InvalidSourceFileError(
            f"{path}: found neither the stereo calibration nor the per-camera 2D predictions of this 3D file. "
            "Pass metadata_file_path / camera_file_paths, or convert it as plain 3D data with "
            "DeepLabCutPoseInterface."
        )
    timing = _session_timing(path, views)
    reference_frame = DLC_3D_REFERENCE_FRAME.format(camera=cameras[0]) if stereo is not None else _UNCALIBRATED_FRAME
    pose_3d = dataclasses.replace(pose_3d, unit="n.a.", reference_frame=reference_frame)
    notes: dict[str, Any] = {
        "config_file": str(config_path) if config_path else None,
        "metadata_file": str(meta_path) if meta_path else None,
        "camera_files": {camera: str(p) for camera, p in view_paths.items()},
        "camera_file_choice": choice,
        "retriangulation_relative_error": notes_error,
        "scorer_name": scorers,
        **_calibration_notes(meta),
    }
    return session_from_parts(
        "DeepLabCut", path, calibrations, views, pose_3d, made_by=pose_3d, notes=notes, timing=timing
    )
