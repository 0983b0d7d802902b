"""Lightning Pose's camera calibrations: Anipose ``.toml`` files, found as Lightning Pose finds them.

Lightning Pose keeps camera calibrations with the project, in Anipose's format
(``<data_dir>/calibrations/<session>.toml``, else ``<data_dir>/calibration.toml``: one ``[cam_N]`` table per
camera with ``name``, ``size``, ``matrix``, ``distortions``, ``rotation`` as a Rodrigues vector and
``translation``). :mod:`poseconv.readers.lightningpose_multiview` makes a session's cameras calibrated with them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import InvalidSourceFileError
from ..model.multicamera import CameraCalibration
from .deeplabcut.project import load_yaml_config

__all__ = ["find_calibration_file", "read_anipose_calibration"]


def read_anipose_calibration(path: Path, view_names: Sequence[str]) -> list[CameraCalibration]:
    """Return the cameras of an Anipose calibration ``.toml`` (Lightning Pose's format), in view order.

    The distortion coefficients are kept as written: 5 (k1, k2, p1, p2, k3) for Anipose's pinhole
    cameras, 4 (k1 to k4) for its fisheye ones (``fisheye = true``), or another OpenCV count.

    Raises
    ------
    InvalidSourceFileError
        When the file is not TOML, a camera misses a field, or a view has no camera of its name.
    """
    # The Rodrigues conversion of sleap-io's Camera, as for sleap-anipose's calibrations; its Camera itself
    # takes 5 distortion coefficients only.
    from sleap_io.model.camera import rodrigues_transformation

    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
        cameras = {}
        for key, table in tables.items():
            if key.startswith("cam_"):
                rvec = np.asarray(table["rotation"], dtype="float64").reshape(3)
                cameras[str(table["name"])] = {
                    "intrinsic_matrix": np.asarray(table["matrix"], dtype="float64").reshape(3, 3),
                    "rotation_matrix": np.asarray(rodrigues_transformation(rvec)[0], dtype="float64"),
                    "translation_vector": np.asarray(table["translation"], dtype="float64").reshape(3),
                    "distortion_coefficients": np.asarray(table["distortions"], dtype="float64").reshape(-1),
                    "image_size": tuple(int(v) for v in table["size"]),
                    "description": _anipose_description(path, str(table["name"]), rvec, bool(table.get("fisheye"))),
                }
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, OSError, UnicodeError) as err:
        raise InvalidSourceFileError(
            f"{path}: not an Anipose camera calibration ([cam_N] tables with name, size, matrix, distortions, "
            f"rotation, translation): {type(err).__name__}: {err}."
        ) from err
    missing = [view for view in view_names if view not in cameras]
    if missing:
        raise InvalidSourceFileError(f"{path}: no camera named {missing}; its cameras are {list(cameras)}.")
    return [CameraCalibration(name=view, **cameras[view]) for view in view_names]


def _anipose_description(path: Path, name: str, rvec: np.ndarray, fisheye: bool) -> str:
    lens = (
        "Fisheye lens model: the distortion coefficients are k1 to k4 (OpenCV's fisheye model)."
        if fisheye
        else "Distortion coefficients as OpenCV orders them (k1, k2, p1, p2, k3, ...)."
    )
    return (
        f"Camera '{name}' of the Anipose calibration {path.name} (Lightning Pose). Rotation = Rodrigues(rotation "
        f"{rvec.tolist()}); translation in the unit of the calibration board, which the file does not record. {lens}"
    )


def find_calibration_file(config_path: Path | None, first_view: Path, view: str) -> Path | None:
    """Find the session's calibration as Lightning Pose does, else beside the predictions; None when none is.

    ``<data_dir>/calibrations/<session>.toml``, else ``<data_dir>/calibration.toml``; ``data_dir``
    from the model config, the session from the file name ``<session>_<view>``. Without a config
    (EKS multi-camera output, files moved), the same two names in the predictions' folder.
    """
    session = re.sub(rf"[^0-9a-zA-Z]{re.escape(view)}(?![0-9a-zA-Z]).*$", "", first_view.stem)
    folders = [first_view.parent]
    if config_path is not None:
        data_dir = ((load_yaml_config(config_path, "LightningPose config") or {}).get("data") or {}).get("data_dir")
        folders = [Path(str(data_dir)), *folders] if data_dir else folders
    for folder in folders:
        for candidate in (folder / "calibrations" / f"{session}.toml", folder / "calibration.toml"):
            if candidate.is_file():
                return candidate
    return None
