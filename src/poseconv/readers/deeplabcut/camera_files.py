"""Which 2D predictions a DeepLabCut 3D file was triangulated from.

``deeplabcut.triangulate`` names the 3D output of the videos ``<prefix><camera-1><suffix>`` and
``<prefix><camera-2><suffix>`` after their common name (:func:`triangulation_base`) and leaves it
in the folder of the 2D predictions ``<video stem><2D scorer>[_filtered].h5``.
:func:`find_camera_files` lists the candidates per camera; when several variants exist (filtered
and unfiltered: which ones were triangulated is not recorded), :func:`choose_camera_files`
re-triangulates the 3D points from each candidate pair and keeps the pair that reproduces them.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ...errors import PoseconvWarning
from ...model import PoseData
from .predictions import is_deeplabcut_file
from .table import SUFFIXES, read_deeplabcut_table, scorer_span
from .triangulation import retriangulation_error

__all__ = ["choose_camera_files", "find_camera_files", "triangulation_base"]


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


def _scorer_position(stem: str, scorer: str | None) -> tuple[int, int] | None:
    """Start and end of the 2D scorer in a predictions file name."""
    if scorer:
        return scorer_span(stem, scorer)
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


def choose_camera_files(
    path: Path,
    cameras: list[str],
    found: dict[str, dict[str, Path]],
    pose_3d: PoseData,
    stereo: Mapping[str, Any] | None,
    read_view: Callable[[Path], PoseData],
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
            errors[variant] = retriangulation_error(pose_3d, views, stereo)
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
        stacklevel=4,
    )
    return {camera: found[camera][variant] for camera in cameras}, {"how": "default (unfiltered) without evidence"}
