"""Read LightningPose predictions (``.csv``) and labeled data (``CollectedData.csv``).

LightningPose writes its predictions on a video in DeepLabCut's CSV layout: three
header rows (``scorer / bodyparts / coords``), one row per frame, the frame number
as index, in ``<model dir>/video_preds/<video>.csv``. What tells it from DeepLabCut
is the scorer, ``<model_type>_tracker`` (``heatmap_tracker``,
``heatmap_mhcrnn_tracker``, ``regression_tracker``, ``heatmap_multiview_tracker``,
...; LightningPose's ``make_dlc_pandas_index``), and ``ensemble-kalman_tracker``
for the Ensemble Kalman Smoother (EKS) of LightningPose ensembles. The coords are
``x, y, likelihood``; EKS adds six columns per keypoint, kept as
:class:`~poseconv.model.ExtraCoords` groups (see :mod:`.lightningpose_columns`):

* ``x_ens_median, y_ens_median``: median of the ensemble members' predictions;
* ``x_ens_var, y_ens_var``: variance of the ensemble members' predictions;
* ``x_posterior_var, y_posterior_var``: posterior variance of the smoothed estimate.

EKS before its 2025 rewrite wrote ``x_var, y_var`` (the posterior variance), ``zscore``, and in its
multi-camera smoother ``nll`` and ``ensemble_std``; they are described as such. EKS v2 wrote, for a keypoint
with a one-word name (``nose``), an empty placeholder bodypart ``nose_`` before the smoothed ``nose``: the
placeholders are left out, with a warning, when their x and y are NaN throughout, and so is the placeholder
likelihood (1.0) of the keypoints with names of several words beside them (see :mod:`.lightningpose_columns`).

Any other coord column is kept the same way: ``<axis>_<name>`` columns form the group
``<name>`` and any other label is a group of its own, so no value is dropped; a group only
some keypoints have (EKS run on a subset of them, see :mod:`.lightningpose_columns`) is kept for
those keypoints (:attr:`~poseconv.model.ExtraCoords.nodes`).

The CSVs are read with the DeepLabCut table module (:mod:`poseconv.readers.deeplabcut.table`:
the same header checks, exact float parsing and block-wise lazy columns). The video is
found next to the predictions by name (``test_vid.csv`` next to ``test_vid.mp4``), else in
the video folders of the model's config (:mod:`.lightningpose_videos`), or given; LightningPose
records no frame rate, so the frame times come from the video or from ``sampling_frequency``. The model's
config gives the Lightning Pose version that trained it (``model.lightning_pose_version``, since 1.5).

Labeled data is DeepLabCut's labels format too (``CollectedData.csv``, scorer = labeler,
rows = image paths such as ``labeled-data/<video>/img00000123.png``) and is read with
:func:`poseconv.readers.deeplabcut.labels_table.read_deeplabcut_labels_table`. LightningPose
projects keep no per-video label files and often no video folder in the image paths
(``labeled-data/img01.png``): such frames belong to the video key
:data:`UNKNOWN_VIDEO` and have no frame index, rather than a guessed one.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidSourceFileError, PoseconvWarning
from ..model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from ..model.frame_tables import FrameTable
from ..model.frames import ColumnView
from ..model.location import where_linked
from ..model.training import TrainingData
from .deeplabcut.csv_header import csv_has_scores
from .deeplabcut.labels import in_deeplabcut_project
from .deeplabcut.labels_table import frames_of_table, read_deeplabcut_labels_table
from .deeplabcut.model_info import WRITER_NOTES, written_3d_frame
from .deeplabcut.project import load_yaml_config
from .deeplabcut.table import (
    ANIMAL_SKELETON_NAME,
    PIXEL_REFERENCE_FRAME,
    SINGLE_ANIMAL_NAME,
    bodypart_coords,
    open_predictions,
    single_scorer,
)
from .deeplabcut.variants import first_cells, has_labeled_rows, read_csv_rows, unmangled_scorer
from .lightningpose_columns import (
    HEATMAP_CONFIDENCE_DEFINITION,
    IBL_PAW_RIGHT_REFERENCE_FRAME,
    KNOWN_EXTRA_COORDS,
    LightningPoseColumns,
    confidence_definition,
    extra_coords_of,
    ibl_paw_camera,
    one_header_row_table,
    parse_columns,
    without_eks_placeholders,
)
from .lightningpose_config import find_config_file, find_model_labels, model_labels_files
from .lightningpose_videos import find_model_video
from .safety.input_checks import UNREADABLE_FILE_ERRORS, check_input_file, reads_source
from .side_files import given_or_found

__all__ = [
    "CONFIDENCE_DEFINITION",
    "KNOWN_EXTRA_COORDS",
    "UNKNOWN_VIDEO",
    "find_config_file",
    "find_model_labels",
    "model_labels_files",
    "is_lightning_pose_file",
    "is_lightning_pose_header",
    "read_lightning_pose",
    "read_lightning_pose_labels",
]

SUFFIXES = {".csv"}
#: The likelihood of Lightning Pose's heatmap models; :func:`.lightningpose_columns.confidence_definition` gives
#: each file's (a regression model's and EKS's differ).
CONFIDENCE_DEFINITION = HEATMAP_CONFIDENCE_DEFINITION
# LightningPose names the scorer "<model_type>_tracker"; EKS "ensemble-kalman_tracker". DeepLabCut
# scorers end in the training iteration ("..._200000") or are a labeler's name.
_SCORER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*_tracker")
#: Reference frame of 3D positions (EKS multi-camera smoothing's latent state, multicam_3d_results.csv).
WORLD_REFERENCE_FRAME = (
    "The world frame of the camera calibration the Ensemble Kalman Smoother used (Anipose calibration.toml), "
    "in its length unit."
)
#: Video key of labeled frames whose image path names no video (``labeled-data/img01.png``).
UNKNOWN_VIDEO = "unknown_video"
_LABELS_REFERENCE_FRAME = (
    "(0, 0) is the top-left corner of the labeled image; x increases to the right and y increases downward, in pixels."
)


def is_lightning_pose_header(rows: list[list[str]]) -> bool:
    """Return True when the first CSV rows are a LightningPose predictions header; never raises.

    Parameters
    ----------
    rows : list of list of str
        The first rows of the CSV, as :mod:`csv` splits them.

    Returns
    -------
    bool
        Whether the rows are ``scorer / bodyparts / coords`` with a LightningPose scorer
        (``<model_type>_tracker``) or coords only LightningPose ensembles write.
    """
    # pandas writes blank level names for a header whose levels have none (a table rebuilt by other code).
    if first_cells(rows[:3]) not in (["scorer", "bodyparts", "coords"], ["", "", ""]):
        return False
    # Lightning Pose's predictions on labeled frames end with a "set" column (train/val/test) that
    # names no keypoint; the scorer is that of the keypoint columns.
    keypoint_columns = [i for i, cell in enumerate(rows[1][1:], start=1) if cell.strip()] if len(rows) > 1 else []
    scorers = [rows[0][i].strip() for i in keypoint_columns if i < len(rows[0]) and rows[0][i].strip()]
    # One scorer, or the numbered copies of one that a re-save by pandas makes.
    scorer = scorers[0] if len(set(scorers)) == 1 else unmangled_scorer(scorers)
    coords = {cell.strip() for cell in rows[2][1:] if cell.strip()}
    return bool(scorer is not None and _SCORER.fullmatch(scorer)) or bool(
        coords & {f"{axis}_{name}" for name in KNOWN_EXTRA_COORDS for axis in "xy"}
    )


def is_lightning_pose_labels_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a Lightning Pose labels CSV; never raises.

    Lightning Pose keeps DeepLabCut's labels layout (rows indexed by images) but not its project
    layout, and names the files freely (``CollectedData.csv``, one ``<view>.csv`` per view of a
    multi-view project), so any single-animal labels CSV outside a DeepLabCut project is claimed
    here, unless named ``CollectedData_<scorer>.csv`` after the labeler of its scorer row as
    DeepLabCut names them (and by the DeepLabCut labels reader unless named ``CollectedData.csv``:
    then the user chooses, from the formats the error names).
    """
    path = Path(file_path)
    try:
        rows = read_csv_rows(path, n_rows=4)
    except (OSError, UnicodeError):
        return False
    # An individuals row: multi-animal labels, which are DeepLabCut's (Lightning Pose's are single-animal).
    multi_animal = any(row and row[0].strip() == "individuals" for row in rows)
    # DeepLabCut names the file after the labeler of its scorer row; Lightning Pose does not.
    scorers = {cell.strip() for cell in rows[0][1:] if cell.strip()} if rows else set()
    deeplabcut_name = len(scorers) == 1 and path.stem == f"CollectedData_{scorers.pop()}"
    return (
        path.suffix.lower() == ".csv"
        and not multi_animal
        and not deeplabcut_name
        and not in_deeplabcut_project(path)
        and has_labeled_rows(path)
        # Likelihood values: the model's predictions on the labeled frames (predictions.csv), not labels.
        and not csv_has_scores(path, rows)
    )


def is_lightning_pose_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` looks like LightningPose predictions; never raises.

    Checked: whether it is a ``.csv`` with a LightningPose header (see :func:`is_lightning_pose_header`),
    and not rows of labeled images without likelihoods: those are labels, whatever their scorer
    (Lightning Pose's converter from SLEAP labels names it ``lightning_tracker``).
    """
    path = Path(file_path)
    try:
        if path.suffix.lower() != ".csv":
            return False
        rows = read_csv_rows(path, n_rows=3)
        if not is_lightning_pose_header(rows):
            return False
        return not has_labeled_rows(path) or csv_has_scores(path, rows)
    except UNREADABLE_FILE_ERRORS:
        # A sniffer says yes or no: a file that cannot be read is not Lightning Pose's.
        return False


def _parse_columns(columns: Any, path: Path) -> LightningPoseColumns:
    """Return what the header holds (see :func:`~.lightningpose_columns.parse_columns`); refuse multi-animal ones."""
    if "individuals" in columns.names:
        raise InvalidSourceFileError(
            f"{path}: has an 'individuals' header row; LightningPose predictions are single-animal "
            "(scorer, bodyparts, coords). Is this a multi-animal DeepLabCut file? Use the DeepLabCut reader. "
            "LightningPose writes no multi-animal files: it reads one view per CSV (--source lp) and the "
            "per-view CSVs of a multi-view model or of EKS multi-camera smoothing together (--source lp-multiview)."
        )
    return parse_columns(columns, path)


def _load_config(path: Path) -> dict[str, Any]:
    check_input_file(path, suffixes={".yaml", ".yml"}, what="LightningPose config")
    return load_yaml_config(path, "LightningPose config")


def _keypoints_problem(config: dict[str, Any], config_path: Path, bodyparts: list[str], path: Path) -> str | None:
    """Return how the config's keypoint_names differ from the file's keypoints; None when they do not."""
    names = (config.get("data") or {}).get("keypoint_names")
    if names and [str(n) for n in names] != bodyparts:
        return f"{config_path}: keypoint_names {list(names)} differ from the keypoints of {path.name} {bodyparts}"
    return None


def _check_keypoints(config: dict[str, Any], config_path: Path, bodyparts: list[str], path: Path) -> None:
    problem = _keypoints_problem(config, config_path, bodyparts, path)
    if problem is not None:
        raise InvalidSourceFileError(
            f"{problem}. Pass the config of the model that wrote this file (config_file_path=...), or none."
        )


def _fitting_config(
    config_path: Path | None, given: bool, found: bool, bodyparts: list[str], path: Path
) -> tuple[dict[str, Any] | None, Path | None]:
    """Return the config and its path, or None and None when there is none or it was found and does not fit.

    A config the user gave (``given``, not ``found`` by a caller) that does not fit the file's keypoints is an
    error; a found one is left out, with a warning when found here (a caller that found it says it).
    """
    if config_path is None:
        return None, None
    config = _load_config(config_path)
    if given and not found:
        _check_keypoints(config, config_path, bodyparts, path)
    elif (problem := _keypoints_problem(config, config_path, bodyparts, path)) is not None:
        # Found by its place, not given: another model's config (predictions copied into its folder).
        if not found:
            warnings.warn(f"{problem}; the config is not used.", PoseconvWarning, stacklevel=4)
        return None, None
    return config, config_path


@reads_source("LightningPose file")
def read_lightning_pose(
    file_path: str | Path,
    *,
    config_file_path: str | Path | None = None,
    find_side_files: bool = True,
    config_found: bool = False,
) -> PoseData:
    """Read LightningPose predictions into a :class:`~poseconv.model.PoseData`.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A LightningPose (or EKS) predictions ``.csv``.
    config_file_path : str or pathlib.Path, optional
        The model's config (``.hydra/config.yaml``); its ``keypoint_names`` must match the file.
        Found in the model folder when not given.
    find_side_files : bool, default: True
        Look for the config in the model folder and the video (``<file stem>.<video suffix>``) next to the
        predictions, else in the folders the config names (:mod:`.lightningpose_videos`).
    config_found : bool, default: False
        ``config_file_path`` was found by the caller, not given by the user (the multi-view reader looks
        once for a session): when it does not fit the file it is left out, without a warning, and
        ``notes["config_file"]`` is None; the caller says so once.

    Returns
    -------
    PoseData
        One track (``"individual"``), x and y as positions, the likelihood as confidence, and
        every other coord column in ``extra_coords`` groups; no frame timing (the CSV records none).

    Raises
    ------
    InvalidSourceFileError
        When the file is missing, its header is not LightningPose's, a value is not a number,
        or the config disagrees with it; the message names the file.
    """
    path = check_input_file(file_path, suffixes=SUFFIXES, what="LightningPose predictions")
    _refuse_metrics_file(path)
    table, frame_numbers = open_predictions(path, what="LightningPose")
    header = _parse_columns(without_eks_placeholders(table, path), path)
    scorer, bodyparts, pose_coords = header.scorer, list(header.bodyparts), list(header.pose_coords)

    config_path = given_or_found(config_file_path, find_side_files, find_config_file, path)
    config, config_path = _fitting_config(config_path, config_file_path is not None, config_found, bodyparts, path)
    video, video_notes = (
        find_model_video(path, config, config_path) if find_side_files else (VideoInfo(key=path.stem or "video"), {})
    )
    ibl_paw = ibl_paw_camera(table, header, path)
    track = _track(table, header, video.key, confidence_definition(header, path, ibl_paw))
    model = (config or {}).get("model") or {}
    notes: dict[str, Any] = {
        "config_file": str(config_path) if config_path else None,
        "n_rows": int(len(frame_numbers)),
        "model_type": model.get("model_type"),
        "model_name": model.get("model_name"),
        "backbone": model.get("backbone"),
    }
    if video_notes:
        notes["videos"] = video_notes
    # movement's to_lp_file names no pose tool, only itself: its file is not known to be Lightning Pose's.
    writer = scorer if scorer in WRITER_NOTES else None
    if model_note := _model_note(model, config_path, writer):
        # Ends every container's description, as DeepLabCut's and SLEAP's model notes do.
        notes["model"] = model_note
    timing: dict[str, FrameTiming] = {}
    return PoseData.from_tracks(
        source_software=writer or "LightningPose",
        # The config's Lightning Pose wrote the model's predictions, not EKS's smoothing of them, nor another writer's.
        source_software_version=_lightning_pose_version(model, config_path) if _scorer_is_model(scorer) else None,
        source_file=path,
        skeletons=[Skeleton(name=ANIMAL_SKELETON_NAME, nodes=tuple(bodyparts))],
        videos=[video],
        tracks=[track],
        timing=timing,
        scorer=scorer,
        reference_frame=IBL_PAW_RIGHT_REFERENCE_FRAME if ibl_paw == "right" else _reference_frame(pose_coords, writer),
        # 3D (EKS multi-camera): the calibration's length unit, which no file records.
        unit="n.a." if "z" in pose_coords else "pixels",
        notes=notes,
    )


def _scorer_is_model(scorer: str) -> bool:
    """Whether ``scorer`` is a Lightning Pose model's (``<model_type>_tracker``), not EKS's or another writer's."""
    return scorer not in WRITER_NOTES and scorer != "ensemble-kalman_tracker"


def _lightning_pose_version(model: dict[str, Any], config_path: Path | None) -> str | None:
    """Return the Lightning Pose version that trained the model (``model.lightning_pose_version``); None if unrecorded.

    Lightning Pose (1.5 and later) records it when training starts, in the ``config.yaml`` it saves to the model
    folder; hydra's ``.hydra/config.yaml`` beside it is written before that, so the model folder's is read then.
    """
    version = model.get("lightning_pose_version")
    saved = config_path.parent.parent / "config.yaml" if config_path and config_path.parent.name == ".hydra" else None
    if version is None and saved is not None and saved.is_file():
        try:
            version = (load_yaml_config(saved, "LightningPose config").get("model") or {}).get("lightning_pose_version")
        except InvalidSourceFileError:
            # The version is a detail: an unreadable second copy of the config leaves it unknown.
            version = None
    # Lightning Pose records "unknown" when it cannot find its own version.
    return str(version) if version not in (None, "", "unknown") else None


def _refuse_metrics_file(path: Path) -> None:
    rows = read_csv_rows(path, n_rows=3)
    if not rows or not rows[0] or rows[0][0].strip() == "scorer" or is_lightning_pose_header(rows):
        return
    if len(rows) >= 2 and len(rows[0]) == len(rows[1]):
        # Metrics files next to the predictions (<video>_temporal_norm.csv, ..._pca_singleview_error.csv)
        # have one header row of keypoint names; create_bbox's bounding boxes one of x, y, h, w; a flat
        # table of positions (EKS's of SLEAP predictions) one of <keypoint>_x, <keypoint>_y.
        raise InvalidSourceFileError(
            f"{path}: has one header row ({rows[0][:4]}...), not LightningPose's three (scorer, bodyparts, "
            f"coords); {one_header_row_table(path, rows[0])}."
        )


def _model_note(model: dict[str, Any], config_path: Path | None, writer: str | None) -> str | None:
    """Say which model the config describes (model_type, model_name, backbone); None when it names none.

    ``writer``: the program other than Lightning Pose that wrote the file (:data:`.deeplabcut.WRITER_NOTES`),
    whose note says that the file names neither the pose tool nor its model.
    """
    if writer is not None:
        return WRITER_NOTES[writer]
    if config_path is None:
        return None
    parts = [f"{key} {model[key]}" for key in ("model_type", "model_name", "backbone") if model.get(key)]
    return f"Model: LightningPose {', '.join(parts)} (read from {config_path.name})." if parts else None


def _reference_frame(pose_coords: Sequence[str], writer: str | None) -> str:
    """Return the reference frame of a predictions file's points, 3D ones as ``writer`` (when not None) wrote them."""
    if "z" not in pose_coords:
        return PIXEL_REFERENCE_FRAME
    return written_3d_frame("DeepLabCut's layout", writer) if writer else WORLD_REFERENCE_FRAME


def _track(
    table: FrameTable, header: LightningPoseColumns, video_key: str, confidence_definition: str | None
) -> PoseTrack:
    """Return the one track of a predictions table: lazy views of its columns, extra coords in groups."""
    position = {tuple(str(level) for level in column): i for i, column in enumerate(table.columns)}
    scorer, bodyparts, pose_coords = header.scorer, list(header.bodyparts), list(header.pose_coords)

    def view(coords: tuple[str, ...] | list[str], parts: Sequence[str] = bodyparts) -> ColumnView:
        # (frames, parts, len(coords)) lazy columns: nothing is read until the values are used.
        return ColumnView(table, np.array([[position[(scorer, p, c)] for c in coords] for p in parts], "intp"))

    # 3D (EKS multi-camera): the calibration's length unit, which the file does not record. A group only
    # some keypoints have (EKS run on a subset of them) is kept for those keypoints only.
    partial = {group: tuple(p for p in bodyparts if p in parts) for group, parts in header.partial_groups().items()}
    extra_coords = extra_coords_of(header.groups, partial, view, "pixels" if "z" not in pose_coords else None)
    has_likelihood = "likelihood" in pose_coords
    return PoseTrack(
        name=SINGLE_ANIMAL_NAME,
        skeleton=ANIMAL_SKELETON_NAME,
        video=video_key,
        positions=view(("x", "y", "z") if "z" in pose_coords else ("x", "y")),
        confidence=view(("likelihood",)).select(slice(None), 0) if has_likelihood else None,
        confidence_definition=confidence_definition if has_likelihood else None,
        extra_coords=tuple(extra_coords),
    )


@reads_source("LightningPose labels file")
def read_lightning_pose_labels(
    file_path: str | Path,
    *,
    config_file_path: str | Path | None = None,
    find_side_files: bool = True,
) -> TrainingData:
    """Read the human labels of a LightningPose project (``CollectedData.csv``).

    Parameters
    ----------
    file_path : str or pathlib.Path
        The labels CSV (DeepLabCut's labels layout: scorer = labeler, rows = image paths).
    config_file_path : str or pathlib.Path, optional
        The project's config; its ``keypoint_names`` must match the labels.
    find_side_files : bool, default: True
        Look for the videos of the labeled frames in the ``videos`` folder next to the CSV
        (LightningPose's ``data.video_dir`` default).

    Returns
    -------
    TrainingData
        One labeled frame per row in file order, each with one instance (no individual) when
        any keypoint is labeled. Frames whose image path is ``labeled-data/<video>/img<N>.<ext>``
        belong to ``<video>`` at frame ``N``; others to :data:`UNKNOWN_VIDEO` without a frame index.

    Raises
    ------
    InvalidSourceFileError
        When the file is missing or not a labels CSV (the message speaks of DeepLabCut's labels
        layout, which LightningPose uses), or the config disagrees with it.
    """
    path = check_input_file(file_path, suffixes=SUFFIXES, what="LightningPose CollectedData")
    table, layout = read_deeplabcut_labels_table(path, tool="LightningPose")
    if "individuals" in table.columns.names:
        raise InvalidSourceFileError(
            f"{path}: has an 'individuals' header row; LightningPose labels are single-animal "
            "(scorer, bodyparts, coords). Convert multi-animal DeepLabCut labels with the DeepLabCut reader."
        )
    scorer = single_scorer(table.columns, path, " (labeler)")
    parts = bodypart_coords(table.columns)[SINGLE_ANIMAL_NAME]
    bodyparts = list(parts)
    for part, part_coords in parts.items():
        if part_coords not in (("x", "y"), ("x", "y", "visible")):
            raise InvalidSourceFileError(
                f"{path}: keypoint {part!r} has coordinate columns {list(part_coords)}; labels have x, y (and visible)."
            )
    config_path = Path(config_file_path) if config_file_path is not None else None
    if config_path is not None:
        _check_keypoints(_load_config(config_path), config_path, bodyparts, path)
    videos: dict[str, VideoInfo] = {}
    frames = frames_of_table(
        path,
        table,
        layout,
        scorer=scorer,
        label_file=path.name,
        animal_parts=bodyparts,
        unique_parts=[],
        videos=videos,
        config=None,
        # LightningPose keeps the videos in <data_dir>/videos/, as a DeepLabCut project does.
        project=where_linked(path).parent if find_side_files else None,
        unknown_video=UNKNOWN_VIDEO,
    )
    return TrainingData.from_frames(
        source_software="LightningPose",
        source_file=path,
        skeletons=[Skeleton(name=ANIMAL_SKELETON_NAME, nodes=tuple(bodyparts))],
        videos=list(videos.values()),
        frames=frames,
        label_files=[dataclasses.replace(layout, name=path.name)],
        reference_frame=_LABELS_REFERENCE_FRAME,
        notes={"config_file": str(config_path) if config_path else None},
    )
