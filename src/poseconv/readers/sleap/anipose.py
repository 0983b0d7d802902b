"""Read sleap-anipose's triangulated points (``points3d.h5``) as the 3D poses of a SLEAP session.

``sleap_anipose.triangulate(session, calibration, fname="points3d.h5")`` writes one
HDF5 dataset ``tracks`` of shape ``(frames, tracks, nodes, 3)`` (attribute
``Description``) and, when only a frame range was triangulated, a dataset
``frames`` holding ``(start, stop)``. It stores no names: tracks follow the 2D
analysis files it triangulated (the SLEAP project's tracks, one slot when there
are none) and nodes the skeleton. The calibration it used is the one the
session's ``.slp`` carries, so the points are in that session's world frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from ...model import PoseData, PoseTrack, Skeleton, VideoInfo
from ..safety.input_checks import check_input_file, dataset_shapes

__all__ = ["POINTS_3D_FILE_NAME", "find_points_3d_file", "is_points_3d_file", "read_points_3d"]

#: The name sleap-anipose's documentation and examples give the triangulated file.
POINTS_3D_FILE_NAME = "points3d.h5"
ANIPOSE_3D_DESCRIPTION = (
    "3D points triangulated by sleap-anipose (aniposelib CameraGroup.triangulate_optim) from the 2D SLEAP "
    "predictions of the session's cameras, read from {name}."
)


def is_points_3d_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` holds sleap-anipose's ``tracks`` of shape (frames, tracks, nodes, 3)."""
    # SLEAP's analysis export also has a 4-D ``tracks``, with ``node_names`` beside it.
    shapes = dataset_shapes(file_path, ("tracks", "node_names")) or {}
    tracks = shapes.get("tracks", ())
    return len(tracks) == 4 and tracks[-1] == 3 and "node_names" not in shapes


def find_points_3d_file(slp_path: Path) -> Path | None:
    """Return the ``points3d.h5`` next to a session's ``.slp`` (or one folder up), when there is one."""
    for folder in (slp_path.parent, slp_path.parent.parent):
        candidate = folder / POINTS_3D_FILE_NAME
        if candidate.is_file() and is_points_3d_file(candidate):
            return candidate
    return None


def _first_frame(handle: Any, path: Path) -> int:
    frames = handle.get("frames")
    if frames is None:
        return 0
    values = np.asarray(frames[()]).ravel()
    if len(values) != 2 or values[0] < 0:
        raise InvalidSourceFileError(
            f"{path}: 'frames' holds {values.tolist()}; sleap-anipose writes the triangulated range (start, stop)."
        )
    return int(values[0])


def read_points_3d(
    file_path: str | Path, *, track_names: list[str], skeleton: Skeleton, n_frames: int, reference_frame: str
) -> PoseData:
    """Read a sleap-anipose ``points3d.h5`` as the 3D poses of a session.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The triangulated file.
    track_names : list of str
        The session's tracks, in the order of the 2D files triangulated.
    skeleton : Skeleton
        The session's skeleton; its nodes are the file's third axis.
    n_frames : int
        Frames of the session's views; the 3D poses span at least as many.
    reference_frame : str
        Where the session's calibration puts the origin and axes.

    Returns
    -------
    PoseData
        One 3D track per track of the file, unit ``"n.a."``, no confidence (the file has none).

    Raises
    ------
    InvalidSourceFileError
        When the file is not sleap-anipose's, or its tracks or nodes do not match the session.
    """
    import h5py

    path = check_input_file(file_path, suffixes={".h5"}, what="sleap-anipose points3d.h5")
    if not is_points_3d_file(path):
        raise InvalidSourceFileError(
            f"{path}: not a sleap-anipose points3d.h5; expected a 'tracks' dataset of shape "
            "(frames, tracks, nodes, 3), as sleap_anipose.triangulate writes it."
        )
    with h5py.File(path, "r") as handle:
        points = np.asarray(handle["tracks"][()], dtype="float64")
        start = _first_frame(handle, path)
    _, n_tracks, n_nodes, _ = points.shape
    if n_nodes != len(skeleton.nodes):
        raise InvalidSourceFileError(
            f"{path}: holds {n_nodes} nodes per animal, but the session's skeleton has {len(skeleton.nodes)} "
            f"({list(skeleton.nodes)}); give the points3d.h5 triangulated from this session."
        )
    if n_tracks != len(track_names):
        raise InvalidSourceFileError(
            f"{path}: holds {n_tracks} tracks, but the session has {len(track_names)} ({track_names}); "
            "sleap-anipose drops tracks that are empty in the 2D files, so the names of its tracks are unknown. "
            "Triangulate again from analysis files that keep every track."
        )
    total = max(n_frames, start + len(points))
    tracks = []
    for index, name in enumerate(track_names):
        positions = np.full((total, n_nodes, 3), np.nan)
        positions[start : start + len(points)] = points[:, index]
        tracks.append(PoseTrack(name=name, skeleton=skeleton.name, video="3D", positions=positions))
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file=path,
        skeletons=[skeleton],
        videos=[VideoInfo(key="3D")],
        tracks=tracks,
        scorer="sleap-anipose",
        unit="n.a.",
        reference_frame=reference_frame,
        notes={"description": ANIPOSE_3D_DESCRIPTION.format(name=path.name), "first_frame": start},
    )
