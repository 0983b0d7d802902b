"""Files poseconv does not convert, recognised so that refusing them says what they are.

Detection asks every format's sniffer; a file none claims gets a generic message unless it is one
of these: other tools' pose files (JABS, Anipose's triangulated tables, sleap-anipose's ``points3d.h5``),
whose message names the tool and the way to a format poseconv reads, or a pose tool's outputs that hold
no poses (Lightning Pose's metrics and bounding boxes), whose message names the predictions they came from.
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from .deeplabcut.variants import read_csv_rows
from .lightningpose_columns import is_bbox_header
from .safety.input_checks import is_hdf5

__all__ = ["other_tool_problem"]


def _jabs(path: Path) -> str | None:
    # JABS pose files (JAX Animal Behavior System, also written by sleap-io's save_jabs): an HDF5 file whose
    # poses are in poseest/points, with a version attribute (2 to 6).
    try:
        with h5py.File(path, "r") as handle:
            group = handle.get("poseest")
            if not isinstance(group, h5py.Group) or "points" not in group:
                return None
            version = group.attrs.get("version")
    except (OSError, ValueError, TypeError, KeyError):
        return None
    # JABS writes [major, minor]; a scalar or a string says as much.
    parts = [v.decode() if isinstance(v, bytes) else str(v) for v in np.atleast_1d(version).tolist()]
    said = f" (version {'.'.join(parts)})" if version is not None and parts else ""
    return (
        f"is a JABS pose file{said}, which poseconv does not convert. sleap-io reads it: "
        "sleap_io.save_slp(sleap_io.load_jabs(path), 'poses.slp'), then convert poses.slp."
    )


def _sleap_anipose_points(path: Path) -> str | None:
    # sleap-anipose's triangulation (sleap_anipose/triangulation.py, triangulate: points3d.h5 at the session
    # root, docs/FOLDER_STRUCTURE.md): one 'tracks' dataset (frames, tracks, nodes, 3), no node or track names.
    from .sleap.anipose import is_points_3d_file

    if not is_points_3d_file(path):
        return None
    return (
        "is sleap-anipose's triangulated 3D points (a 'tracks' array of frames x tracks x nodes x 3, without node "
        "or track names), which poseconv does not convert alone: its names and calibration are in the SLEAP "
        "session it was triangulated from. Convert that session: a SLEAP .slp with a recording session (in SLEAP "
        ">= 1.4's Sessions tab: load the calibration.toml and link each camera's video), with this file beside it "
        "or given as points_3d_file_path (poseconv convert session.slp --source sleap-session); or convert each "
        "camera's 2D predictions (<view>/*.analysis.h5) one camera at a time."
    )


def _anipose(path: Path) -> str | None:
    # Anipose's triangulated table (pose-3d/<session>.csv): <bodypart>_x/_y/_z/_error/_ncams/_score columns,
    # the alignment matrix M_ij and center_i, and the frame number fnum.
    names = {cell.strip() for cell in _first_row(path)}
    if "fnum" not in names or not any(name.endswith("_ncams") for name in names):
        return None
    return (
        "is Anipose's triangulated 3D table, which poseconv does not convert. Convert each camera's 2D "
        "predictions instead: Anipose's pose-2d or pose-2d-filtered files, in DeepLabCut's layout, which "
        "poseconv converts one camera at a time."
    )


def _lightning_pose_side_file(path: Path) -> str | None:
    # Written next to the predictions <stem>.csv by Lightning Pose (metrics.py, litpose create_bbox).
    from .lightningpose_config import BBOX_SUFFIX, metrics_of

    if (metrics := metrics_of(path)) is not None:
        suffix, evaluated = metrics
        kind = suffix.strip("_").replace("_", " ")
        predictions = f"{path.stem.removesuffix(suffix + evaluated)}{evaluated}.csv"
        if predictions.startswith("predictions"):
            # Lightning Pose's evaluation on the labeled frames (predictions.csv, predictions_new.csv): images,
            # not frames of a video, which poseconv refuses as predictions too.
            return (
                f"is a Lightning Pose metrics file ({kind} per keypoint and labeled image), not poses. It is computed "
                f"from {predictions} beside it, the model's predictions on the labeled images, which are no poses over "
                "time either. poseconv converts the predictions on videos (video_preds/<video>.csv) and the labels "
                "(CollectedData.csv, --source lp-labels)."
            )
        return (
            f"is a Lightning Pose metrics file ({kind} per keypoint and frame), not poses. It is computed from the "
            f"predictions {predictions} beside it; poseconv converts the predictions, not their metrics."
        )
    if path.stem.endswith(BBOX_SUFFIX):
        return (
            "is the bounding boxes Lightning Pose's create_bbox writes, not poses; poseconv converts the "
            f"predictions ({path.stem.removesuffix(BBOX_SUFFIX)}.csv beside it)."
        )
    if path.stem == "bbox" and is_bbox_header(_first_row(path)):
        # create_bbox on labeled frames: image_preds/<labels csv>/bbox.csv, from predictions.csv in that folder.
        # The folder is named after the labels CSV whose frames were predicted on.
        named = path.parent.name.lower().endswith(".csv")
        labels = f"the labels ({path.parent.name}, --source lp-labels)" if named else "the labels (--source lp-labels)"
        return (
            "is the bounding boxes Lightning Pose's create_bbox writes for labeled frames (x, y, h, w per image), "
            "not poses, from the predictions on the labeled images beside it (no poses over time either); poseconv "
            f"converts the predictions on videos (video_preds/<video>.csv) and {labels}."
        )
    return None


def _first_row(path: Path) -> list[str]:
    """Return the first row of a CSV file; empty when it cannot be read (a sniffer never raises)."""
    try:
        return (read_csv_rows(path, n_rows=1) or [[]])[0]
    except OSError:
        return []


def other_tool_problem(path: Path) -> str | None:
    """Return what ``path`` is and how to convert it, when it is a known tool's file poseconv does not read.

    Parameters
    ----------
    path : pathlib.Path
        A file no format claims.

    Returns
    -------
    str or None
        The sentence to follow the file's name; None for a file of no tool known here.
    """
    if path.suffix.lower() == ".h5" and is_hdf5(path):
        return _jabs(path) or _sleap_anipose_points(path)
    if path.suffix.lower() == ".csv":
        return _anipose(path) or _lightning_pose_side_file(path)
    return None
