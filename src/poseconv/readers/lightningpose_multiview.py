"""Read the per-view predictions of a Lightning Pose multi-view session into one multi-camera session.

Lightning Pose's multi-view models (config ``data.view_names``, one labels CSV per view in
``data.csv_file``) predict on one video per view and write one CSV per video, in the
single-view layout (:mod:`poseconv.readers.lightningpose`): ``Model.predict_on_video_file_multiview``
writes ``<model dir>/video_preds/<video stem>.csv`` for each view's video, and Lightning Pose
names the videos ``<session>_<view>.mp4``, so a session is ``<session>_<view0>.csv``,
``<session>_<view1>.csv``, ... It matches a file to a view by the view name standing in the
file name between non-alphanumeric characters (``io.collect_video_files_by_view``); so does
this reader (:mod:`.lightningpose_view_names`). The Ensemble Kalman Smoother's multi-camera
smoothing (``eks`` ``fit_eks_multicam``) writes ``multicam_<view>_results.csv`` per camera (with the
ensemble columns) and, given a calibration, ``multicam_3d_results.csv``: x, y, z and their posterior
variances per keypoint (no likelihood), read here as the session's 3D poses.

Lightning Pose's metrics and bounding boxes beside the predictions (:mod:`.lightningpose_config` knows their
names) hold no positions: a folder's are skipped, and one given as a view is refused by the single-view reader.

Lightning Pose writes no multi-animal files (no ``individuals`` header level): each view holds one track,
``"individual"``. The project's Anipose calibration (:mod:`.lightningpose_calibration`), given or found through
the model config's ``data.data_dir``, makes the cameras calibrated; without one they are known by name only.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InvalidSourceFileError, PoseconvWarning
from ..model import PoseData
from ..model.location import require_content
from ..model.multicamera import CameraCalibration, MultiCameraPoseData
from .deeplabcut.variants import first_cells, read_csv_rows
from .lightningpose import find_config_file, read_lightning_pose
from .lightningpose_calibration import find_calibration_file, read_anipose_calibration
from .lightningpose_config import is_side_output_name, model_config_data
from .lightningpose_view_names import EKS_VIEW, names_view, session_of, view_in_name, view_names_of_files
from .multicamera import session_from_parts
from .safety.input_checks import UNREADABLE_FILE_ERRORS, reads_source
from .side_files import existing_file, given_or_found

__all__ = [
    "EKS_3D_FILE_NAME",
    "find_view_files",
    "names_view",
    "read_anipose_calibration",
    "read_lightning_pose_multiview",
    "view_names_of_files",
]

#: The 3D file of EKS multi-camera smoothing, written next to its ``multicam_<view>_results.csv``.
EKS_3D_FILE_NAME = "multicam_3d_results.csv"


def _holds_no_poses(path: Path) -> bool:
    """Whether a CSV next to the predictions is no view: Lightning Pose's other outputs, or EKS's 3D file."""
    return is_side_output_name(path) or path.name == EKS_3D_FILE_NAME


def _folder_views(folder: Path) -> list[Path]:
    """Return the CSVs of ``folder`` that may be views: Lightning Pose's other outputs and 3D poses left out."""
    return sorted(p for p in folder.glob("*.csv") if not _holds_no_poses(p) and not _holds_3d(p))


def find_view_files(folder: Path, view_names: Sequence[str] | None) -> dict[str, Path]:
    """Return the predictions of each view in ``folder`` (metrics and bounding-box files skipped).

    Parameters
    ----------
    folder : pathlib.Path
        A ``video_preds`` folder of one session, or an EKS multi-camera output folder.
    view_names : sequence of str, optional
        The views; without them only EKS's ``multicam_<view>_results.csv`` files name their views.

    Raises
    ------
    InvalidSourceFileError
        When a view has no file or several (several sessions in one folder: give the files).
    """
    candidates = _folder_views(folder)
    if view_names is None:
        eks = [p for p in candidates if EKS_VIEW.fullmatch(p.stem)]
        if not eks:
            raise InvalidSourceFileError(_no_view_names(folder, candidates))
        return dict(zip(view_names_of_files(eks), eks, strict=True))
    return match_views(candidates, view_names, folder)


def _no_view_names(folder: Path, candidates: Sequence[Path]) -> str:
    """Say how to name the views of ``folder`` as every command can (``-O``), as its files suggest them if they do."""
    try:
        # A suggestion only: the folder may hold several sessions, whose views the names alone cannot tell.
        names = ", ".join(view_names_of_files(candidates))
    except InvalidSourceFileError:
        names = "<view1>, <view2>, ..."
    return (
        f"{folder}: no multicam_<view>_results.csv (EKS) here, and no view names given; name the views, in the "
        f"cameras' order: -O \"view_names=[{names}]\" (convert, inspect, metadata, plot), a spec's source_data: "
        f"{{view_names: [{names}]}}, Python's view_names=[...]; or put the model's config (data.view_names) next "
        "to the files, or give every view's file (poseconv convert <session>_<view1>.csv <session>_<view2>.csv ... "
        "--source lp-multiview)."
    )


def match_views(paths: Sequence[Path], view_names: Sequence[str], where: Path | None = None) -> dict[str, Path]:
    """Match files to views by name as Lightning Pose matches videos: exactly one file per view.

    Raises
    ------
    InvalidSourceFileError
        When a view has no file or several, or a file names several views.
    """
    where_text = f"{where}: " if where is not None else ""
    found: dict[str, Path] = {}
    for view in view_names:
        matches = [p for p in paths if names_view(p.stem, str(view))]
        if len(matches) != 1:
            listed = [p.name for p in (matches or paths)]
            raise InvalidSourceFileError(
                f"{where_text}{'several files name' if matches else 'no file names'} the view {view!r} "
                f"({listed}); Lightning Pose writes one <session>_<view>.csv per view. Give exactly one "
                "predictions file per view (one session)."
            )
        found[str(view)] = matches[0]
    repeated = [p.name for p in found.values() if list(found.values()).count(p) > 1]
    if repeated:
        raise InvalidSourceFileError(f"{where_text}{sorted(set(repeated))} name several views of {list(view_names)}.")
    _warn_other_sessions(found, where_text)
    return found


def _warn_other_sessions(found: dict[str, Path], where_text: str) -> None:
    """Warn when the files of the views differ by more than the view's name: views of several sessions."""
    sessions = {view: session_of(path, view) for view, path in found.items()}
    if len(set(sessions.values())) > 1:
        # Lightning Pose names one session's videos, hence predictions, <session>_<view>: same but for the view.
        named = ", ".join(f"{path.name} ({view!r}: {sessions[view]})" for view, path in found.items())
        warnings.warn(
            f"{where_text}the view files {named} differ by more than their view's name, so they look like views "
            "of different sessions (Lightning Pose names one session's files <session>_<view>.csv). They are read "
            "as one session; if they are not one, give one session's files.",
            PoseconvWarning,
            stacklevel=5,
        )


def _holds_3d(path: Path) -> bool:
    """Whether ``path`` is a session's 3D poses (EKS's 3D file; any table whose coords hold z); never raises.

    ``poseconv export --to lp`` writes a session's 3D poses as ``<OUT>_3D.csv`` beside its views' files.
    """
    try:
        rows = read_csv_rows(path, n_rows=3)
    except UNREADABLE_FILE_ERRORS:
        rows = []  # the reader says what is wrong with it
    # Lightning Pose's header rows (blank names where a script rebuilt the table), coords last.
    header = len(rows) == 3 and first_cells(rows) in (["scorer", "bodyparts", "coords"], ["", "", ""])
    return path.name == EKS_3D_FILE_NAME or (header and "z" in rows[2][1:])


def _given_files(path: Path, view_file_paths: Sequence[Path] | None) -> tuple[list[Path], Path | None]:
    """Return the files given as views, without those a folder scan skips, and the 3D file among them.

    ``poseconv convert out/multicam_*.csv`` gives EKS's ``multicam_3d_results.csv`` (eks ``multicam_smoother.py``
    writes it beside the views; ``poseconv export --to lp`` writes ``<OUT>_3D.csv``) and ``video_preds/*.csv``
    Lightning Pose's metrics and bounding boxes: as in a folder, the 3D file is the session's 3D poses and the
    others are no view.
    """
    given = [Path(p) for p in (view_file_paths or [])]
    if given and path.resolve() not in {p.resolve() for p in given}:
        given.insert(0, path)
    three_d = [p for p in given if not is_side_output_name(p) and _holds_3d(p)]
    points = list(dict.fromkeys(p.resolve() for p in three_d))
    if len(points) > 1:
        raise InvalidSourceFileError(
            f"{[str(p) for p in points]}: several files of 3D poses (x, y, z) given; a session has one (EKS's "
            f"{EKS_3D_FILE_NAME}): give one session's files."
        )
    skipped = [p.name for p in given if _holds_no_poses(p) and p.name != EKS_3D_FILE_NAME]
    if skipped:
        warnings.warn(
            f"{path.parent}: {skipped} are Lightning Pose metrics or bounding-box files, which hold no keypoint "
            "positions; they are not read as views (as in a folder of views).",
            PoseconvWarning,
            stacklevel=4,
        )
    views = [p for p in given if not _holds_no_poses(p) and p not in three_d]
    return views, points[0] if points else None


def _view_files(
    path: Path, view_file_paths: Sequence[Path] | None, view_names: list[str] | None
) -> tuple[dict[str, Path], str, Path | None]:
    """Return the predictions by view, how the views were found and EKS's 3D file when given among them."""
    if path.is_dir():
        return find_view_files(path, view_names), f"the files of {path}", None
    given, points = _given_files(path, view_file_paths)
    if not given and path.name == EKS_3D_FILE_NAME:
        # EKS's 3D file alone: its views are the multicam_<view>_results.csv written beside it.
        return find_view_files(path.parent, view_names), f"the files beside {path.name}", path
    if given:
        if view_names is None:
            return dict(zip(view_names_of_files(given), given, strict=True)), "the files given", points
        return match_views(given, view_names), "the files given", points
    if view_names is None:
        raise InvalidSourceFileError(
            f"{path}: one view's predictions, and no view names: give every view's file (view_file_paths=[...], "
            "or all of them on the command line with --source lp-multiview), or the views (view_names=[...], "
            "or the model's config with data.view_names)."
        )
    # One view given: the others are its siblings, Lightning Pose writes every view of a session together.
    own = [view for view in view_names if names_view(path.stem, view)]
    if len(own) != 1:
        raise InvalidSourceFileError(f"{path}: its name names {len(own)} of the views {view_names}; expected one.")
    found = {}
    for view in view_names:
        # The stem's own dots stay (180607_004.train_frames=75.rng=0.top.csv, <eid>.left.rng=0.csv): only the
        # view's name is replaced and the suffix put back, never the stem's last dotted part.
        sibling = path.with_name(view_in_name(own[0]).sub(view, path.stem) + path.suffix)
        if not sibling.is_file():
            raise InvalidSourceFileError(
                f"{sibling}: the predictions of view {view!r} are missing (found {path.name} for view {own[0]!r}); "
                "give every view's file (view_file_paths=[...])."
            )
        found[view] = sibling
    return found, f"the siblings of {path.name}", None


def _session_views(
    path: Path,
    listed: list[Path],
    view_names: Sequence[str] | None,
    config_file_path: str | Path | None,
    find_side_files: bool,
) -> tuple[dict[str, Path], str, Path | None, dict[str, PoseData], Path | None, str | None]:
    """Return the files by view, how found, EKS's 3D file among them, the views, the config, the views' order.

    A config found in the model folder that does not fit the views is left out, its view names too, with a warning.
    """
    # A folder's model config is looked for as a file's in that folder would be.
    inside = path / "_" if path.is_dir() else path
    config_path = given_or_found(config_file_path, find_side_files, find_config_file, inside)
    given = [str(n) for n in view_names] if view_names else None
    data = model_config_data(config_path) if config_path else {}
    names = given or [str(name) for name in data.get("view_names") or []] or None
    files, how, given_3d = _view_files(path, listed, names)
    found = config_file_path is None
    views = _read_views(files, config_path, found, find_side_files)
    order = "view_names" if given else "config" if names else None
    if found and config_path is not None and any(view.notes.get("config_file") is None for view in views.values()):
        _warn_config_not_used(config_path, views, files, None if given else names)
        if order == "config":  # named by their files instead, a folder's too (by the file names only here)
            here = _folder_views(path) if path.is_dir() else listed
            files, how, given_3d = _view_files(here[0] if path.is_dir() and here else path, here, None)
            how = f"the files of {path}" if path.is_dir() else how
            views, order = _read_views(files, config_path, found, find_side_files, read=views), None
        config_path = None
    return files, how, given_3d, views, config_path, order


def _read_views(
    files: Mapping[str, Path], config_path: Path | None, found: bool, find_side_files: bool, read: Any = None
) -> dict[str, PoseData]:
    """Read each view's file (but those ``read`` already) with the session's config, ``found`` or given."""
    done = {Path(view.source_file).resolve(): view for view in (read or {}).values()}
    options = {"config_file_path": config_path, "find_side_files": find_side_files, "config_found": found}
    return {view: done.get(file.resolve()) or read_lightning_pose(file, **options) for view, file in files.items()}


def _warn_config_not_used(
    config_path: Path, views: Mapping[str, PoseData], files: Mapping[str, Path], its: Any
) -> None:
    """Say once that the session's found config does not fit its views' keypoints and is not used."""
    view = next(view for view, data in views.items() if data.notes.get("config_file") is None)
    keypoints = list(views[view].skeletons[views[view].tracks[0].skeleton].nodes)
    names = [str(name) for name in model_config_data(config_path).get("keypoint_names") or []]
    warnings.warn(
        f"{config_path}: keypoint_names {names} differ from the keypoints of {files[view].name} {keypoints}; this "
        "config, found in the model folder, is another model's and is not used"
        f"{f' (nor its view_names {its}: the views are named by their files)' if its else ''}. Pass the config "
        "of the model that wrote the views (config_file_path=...) to use one.",
        PoseconvWarning,
        stacklevel=5,
    )


def _other_sessions_views(views: Mapping[str, Path]) -> list[Path]:
    """Return the predictions beside ``views`` of the same views in another session (``<session>_<view>.csv``).

    EKS's own names (``multicam_<view>_results.csv``) are one run's, written with the 3D file: none. Other
    CSVs (frame times, a view not given) are no other session's.
    """
    if all(EKS_VIEW.fullmatch(path.stem) for path in views.values()):
        return []
    mine = {path.resolve() for path in views.values()}
    sessions = {session_of(path, view) for view, path in views.items()}
    folder = next(iter(views.values())).parent
    others = []
    for path in sorted(folder.glob("*.csv")):
        if path.resolve() in mine or _holds_no_poses(path):
            continue
        named = [view for view in views if names_view(path.stem, view)]
        if named and session_of(path, named[0]) not in sessions:
            others.append(path)
    return others


def _points_3d(
    given: str | Path | None,
    among_views: Path | None,
    views: Mapping[str, Path],
    config_path: Path | None,
    find_side_files: bool,
) -> tuple[Path | None, PoseData | None]:
    """Return EKS's 3D file (given, among the views, or ``multicam_3d_results.csv`` beside them) and its poses."""
    first = next(iter(views.values()))
    if among_views and given and Path(given).resolve() != among_views.resolve():
        raise InvalidSourceFileError(
            f"{among_views}: given among the views, and points_3d_file_path={given} too; give one."
        )
    given = given if given is not None else among_views
    path = given_or_found(given, find_side_files, existing_file, first.parent / EKS_3D_FILE_NAME)
    if path is None:
        return None, None
    if given is None and (others := _other_sessions_views(views)):
        # The Lightning Pose app runs EKS for every session into one folder and renames the views only
        # (<session>_<view>.csv): the one 3D file there is the last session's, perhaps not these views'.
        warnings.warn(
            f"{path}: found beside views of other sessions too ({others[0].name}, ...); EKS writes its 3D file "
            f"under this one name for every session, so it may be another session's and is not written. If it is "
            "these views', give it (points_3d_file_path=, or among the files on the command line).",
            PoseconvWarning,
            stacklevel=5,
        )
        return None, None
    pose_3d = read_lightning_pose(path, config_file_path=config_path, find_side_files=False)
    if pose_3d.n_dims != 3:
        raise InvalidSourceFileError(f"{path}: has no z column; EKS's 3D file has x, y, z per keypoint.")
    return path, pose_3d


def _cameras(
    given: str | Path | None, config_path: Path | None, files: dict[str, Path], find_side_files: bool
) -> tuple[Path | None, list[CameraCalibration]]:
    """Return the calibration used (given or found) and the cameras, calibrated or known by name only."""
    path = given_or_found(
        given, find_side_files, find_calibration_file, config_path, next(iter(files.values())), next(iter(files))
    )
    if path is None:
        return None, [CameraCalibration(name=view) for view in files]
    return path, read_anipose_calibration(path, list(files))


def _existing(file_path: str | Path) -> Path:
    """Return ``file_path`` as a Path; refuse it when it names nothing here (a broken link, no file or folder)."""
    path = Path(file_path)
    require_content(path)
    if not path.exists():
        raise InvalidSourceFileError(f"{path}: file or folder not found. Check the path of the Lightning Pose files.")
    return path


@reads_source("LightningPose multi-view predictions")
def read_lightning_pose_multiview(
    file_path: str | Path,
    *,
    view_file_paths: Sequence[str | Path] | None = None,
    view_names: Sequence[str] | None = None,
    config_file_path: str | Path | None = None,
    points_3d_file_path: str | Path | None = None,
    calibration_file_path: str | Path | None = None,
    find_side_files: bool = True,
) -> MultiCameraPoseData:
    """Read the per-view predictions of one Lightning Pose (or EKS multi-camera) session.

    Parameters
    ----------
    file_path : str or pathlib.Path
        One view's predictions (``<session>_<view>.csv``; the other views are found beside it by
        name), or the folder holding one session's views (``video_preds``, an EKS output folder).
    view_file_paths : sequence of str or pathlib.Path, optional
        Every view's predictions (``file_path`` among them or added first).
    view_names : sequence of str, optional
        The views (Lightning Pose's ``data.view_names``), which become the camera names; from the
        model's config, or from the file names, when not given.
    config_file_path : str or pathlib.Path, optional
        The model's config (``data.view_names``, ``data.keypoint_names``); found in the model folder.
    points_3d_file_path : str or pathlib.Path, optional
        EKS's ``multicam_3d_results.csv`` (x, y, z per keypoint); found beside the views when not given.
    calibration_file_path : str or pathlib.Path, optional
        The session's Anipose calibration ``.toml``, one ``[cam_N]`` per view; found through the config's
        ``data.data_dir`` (``calibrations/<session>.toml``, ``calibration.toml``) when not given.
    find_side_files : bool, default: True
        Look for the config, the 3D file, the calibration and each view's video (``<file stem>.mp4``).

    Returns
    -------
    MultiCameraPoseData
        One camera (calibrated when a calibration is there) and one 2D view per view name, in that order;
        the 3D poses when an EKS 3D file is there; no frame timing (Lightning Pose records none).

    Raises
    ------
    InvalidSourceFileError
        When the views cannot be matched to one file each, a file is not Lightning Pose predictions
        (a metrics file), or the views disagree on the keypoints.
    """
    path = _existing(file_path)
    listed = [Path(p) for p in view_file_paths or []]
    files, how, given_3d, views, config_path, order = _session_views(
        path, listed, view_names, config_file_path, find_side_files
    )
    first = next(iter(files.values()))
    points_path, pose_3d = _points_3d(points_3d_file_path, given_3d, files, config_path, find_side_files)
    calibration, cameras = _cameras(calibration_file_path, config_path, files, find_side_files)
    side_files = {"config_file": config_path, "points_3d_file": points_path, "calibration_file": calibration}
    notes: dict[str, Any] = {
        "view_files": {view: str(file) for view, file in files.items()},
        "views_from": how,
        "view_order": order,  # None: named by their files
        **{key: str(value) if value else None for key, value in side_files.items()},
    }
    try:
        # The model's Lightning Pose version (its config's), as its poses'; none for EKS's files.
        made_by = pose_3d or views[next(iter(views))]
        return session_from_parts("LightningPose", first, cameras, views, pose_3d, made_by=made_by, notes=notes)
    except ValueError as err:
        raise InvalidSourceFileError(
            f"{first}: the views {list(files)} ({', '.join(f.name for f in files.values())}) are not one session: {err}"
        ) from err
