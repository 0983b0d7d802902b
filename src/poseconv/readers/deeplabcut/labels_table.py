r"""One table of human labels in DeepLabCut's layout (``CollectedData_<scorer>.h5`` / ``.csv``), row by row.

The columns are the header of :mod:`.table` without likelihood (``scorer / [individuals /]
bodyparts / coords`` with coords ``x, y``); the rows are labeled images. The scorer is the
person who labeled. Real files label their rows in three ways, all read here and all written back
the same way by :mod:`poseconv.exporters.deeplabcut_training`:

* one index column of paths with ``/`` (``labeled-data/video1/img0042.png``);
* the same with Windows ``\\`` separators (projects labeled on Windows);
* three index columns ``labeled-data, video1, img0042.png`` (DeepLabCut >= 2.2).

``.h5`` files hold the table in PyTables ``table`` or ``fixed`` format under any key
(``df_with_missing``; ``calib`` in DeepLabCut's own test data); ``.csv`` files have 3 or 4 header
rows and 1 or 3 index columns. The frame index comes from the image name (``img0123.png`` is
frame 123); images named otherwise keep no index. Lightning Pose keeps its labels in this layout
too, and reads them with the functions here.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import VideoInfo
from ...model.location import where_linked
from ...model.training import LabeledFrame, LabeledInstance, LabelFile
from ..safety.input_checks import check_input_file
from .csv_header import csv_header_levels, labels_place, lost_image_paths_error
from .level_order import in_dlc_order
from .project import find_video
from .table import (
    ANIMAL_SKELETON_NAME,
    SUFFIXES,
    UNIQUE_BODYPARTS_INDIVIDUAL,
    UNIQUE_SKELETON_NAME,
    read_csv_frame,
    read_h5_frame,
)
from .variants import DLC_LEVELS, first_cells, has_scores, labeled_rows_error, read_csv_rows, unnamed_label_levels

__all__ = [
    "LABELED_DATA_FOLDER",
    "frame_index_from_image",
    "frames_of_table",
    "read_deeplabcut_labels_table",
]

#: The project folder that holds one folder of labeled images (and their labels table) per video.
LABELED_DATA_FOLDER = "labeled-data"
# DeepLabCut names extracted frames img<index>.<ext>, zero-padded to the digits of the frame count.
_IMAGE_NAME = re.compile(r"img(?P<index>\d+)\.[A-Za-z0-9]+")
# The coords of a node in a labels table: DeepLabCut's x, y; Lightning Pose's may add a visible flag.
_LABEL_COORDS = {"x", "y", "visible"}
# Lightning Pose's visible flags (COCO): 0 not labeled, 1 occluded, 2 visible.
_FLAG_VALUES = (0, 1, 2)
# The header of labels without a scorer row, which Lightning Pose also reads.
_NO_SCORER_LEVELS = ("bodyparts", "coords")
# A scorer cell that names no labeler: blank, as pandas reads (and writes back) a blank cell
# ("Unnamed: 3_level_0"), or the word "scorer" itself, which lightning-pose-app writes as the scorer of
# every label file it starts (app_server/src/litpose_app/routes/extract_frames.py, init_label_file).
_UNNAMED_CELL = re.compile(r"(Unnamed: \d+_level_\d+|scorer)?")


def frame_index_from_image(image: str) -> int | None:
    r"""Return the video frame index a DeepLabCut image name encodes (``img0123.png`` -> 123), or None.

    Parameters
    ----------
    image : str
        An image path or name, with ``/`` or ``\\`` separators.

    Returns
    -------
    int or None
        The index, or None when the name is not ``img<digits>.<ext>``.
    """
    match = _IMAGE_NAME.fullmatch(re.split(r"[\\/]", image)[-1])
    return int(match["index"]) if match else None


def _split_row_label(label: str) -> list[str]:
    return [part for part in re.split(r"[\\/]", label) if part]


def _read_labels_frame(path: Path) -> tuple[Any, tuple[str, ...] | None]:
    """Read a CollectedData ``.csv`` or ``.h5`` whole with pandas, column levels named.

    Also returns the first cells of a CSV header that is not DeepLabCut's (see :class:`LabelFile`).
    """
    import pandas as pd

    if path.suffix.lower() != ".csv":
        frame = read_h5_frame(
            path,
            what="CollectedData .h5",
            table="DeepLabCut CollectedData table",
            holds="a CollectedData .h5 holds one",
            key="/df_with_missing",
        )
        return frame, None
    rows = read_csv_rows(path, n_rows=4)
    unnamed = unnamed_label_levels(rows)
    if first_cells(rows[:2]) == list(_NO_SCORER_LEVELS):
        # Lightning Pose also reads labels without the scorer row (its header_rows [0, 1]).
        n_header, cells = 2, list(_NO_SCORER_LEVELS)
        header: tuple[str, ...] | None = _NO_SCORER_LEVELS
    elif unnamed is not None:
        # Levels without names (blank first cells), read by position as Lightning Pose does.
        n_header, cells = len(unnamed), list(unnamed)
        header = ("",) * n_header
    else:
        header = None
        n_header, cells, _ = csv_header_levels(path, "DeepLabCut labels", positional=False)
    # Three index columns leave the header's next two cells empty ("coords,,,x,y,..."). The coords
    # row is counted: a scorer row may be blank throughout (Lightning Pose labels made by script).
    coords_row = rows[n_header - 1]
    n_index = 1
    while n_index < len(coords_row) and coords_row[n_index].strip() == "":
        n_index += 1
    if n_index not in (1, 3):
        raise InvalidSourceFileError(
            f"{path}: {n_index} index columns; DeepLabCut labels have 1 (image path) or 3 (labeled-data, video, image)."
        )
    frame = read_csv_frame(
        path,
        n_header=n_header,
        level_names=list(cells[:n_header]),
        index_col=list(range(n_index)),
        what="DeepLabCut labels",
    )
    if n_header == len(_NO_SCORER_LEVELS):
        # No labeler named: one empty scorer, as for a blank scorer row.
        frame.columns = pd.MultiIndex.from_tuples(
            [("", *column) for column in frame.columns], names=["scorer", *frame.columns.names]
        )
    return frame, header


def _unnamed_scorer(columns: Any) -> Any:
    """Return the columns with a scorer level of blank cells (or placeholders for them) as ``""``.

    A labels CSV made without a labeler's name has a blank scorer row, which pandas reads as
    ``Unnamed: <i>_level_0`` (a different name per column) and writes back as such, or the placeholder
    ``scorer`` (lightning-pose-app's label files); Lightning Pose ignores the scorer row. One empty
    scorer lets the table be read as one labeler's, unnamed.
    """
    import pandas as pd

    scorers = [str(value) for value in columns.get_level_values("scorer")]
    if not all(_UNNAMED_CELL.fullmatch(scorer.strip()) for scorer in scorers):
        return columns
    return pd.MultiIndex.from_tuples([("", *column[1:]) for column in columns], names=columns.names)


def _check_columns(frame: Any, path: Path, *, drop_scores: bool = False, tool: str = "DeepLabCut") -> Any:
    """Return the labels table ``frame`` with its columns checked, empty likelihood columns left out.

    With ``drop_scores``, likelihood columns holding values beside rows of images are left out too,
    with a warning (see :func:`read_deeplabcut_labels_table`). ``tool`` is whose labels were asked for.
    """
    # Levels a script re-saved in another order (swaplevel): read by name, as predictions are.
    frame.columns = in_dlc_order(frame.columns)
    names = tuple(frame.columns.names)
    if names not in DLC_LEVELS:
        raise InvalidSourceFileError(
            f"{path}: column header levels are {list(names)}; DeepLabCut labels have {list(DLC_LEVELS[0])} "
            f"or {list(DLC_LEVELS[1])}."
        )
    coords = set(frame.columns.get_level_values("coords"))
    if "likelihood" in coords and not has_scores(frame):
        # An empty score column beside the labels (sleap-io's save_csv(format="dlc") of user instances):
        # nothing a model scored, so human labels.
        frame = frame.drop(columns="likelihood", level="coords")
        coords.discard("likelihood")
    if "likelihood" in coords:
        example = frame.index[0] if len(frame.index) else None
        if drop_scores and example is not None and not isinstance(example, int | np.integer):
            _warn_scores_dropped(path)
            return _check_columns(frame.drop(columns="likelihood", level="coords"), path, tool=tool)
        if example is not None and not isinstance(example, int | np.integer):
            # Scored rows of images (machinelabels): the same words as when read as predictions, which refuse
            # them too, so that neither reading sends the user to the other.
            raise labeled_rows_error(path, example, scored=True)
        what, instead = _PREDICTIONS_NOT_LABELS[tool]
        raise InvalidSourceFileError(
            f"{path}: has likelihood columns, so it holds machine predictions ({what}), not human labels. {instead}"
        )
    if not {"x", "y"} <= coords <= _LABEL_COORDS:
        raise InvalidSourceFileError(
            f"{path}: coordinate columns are {sorted(coords)}; labels have x and y (and Lightning Pose's a "
            "visible flag)."
        )
    return frame


#: For each tool whose labels have this layout: what a table of its with likelihood columns is, and the way
#: to its labels.
_PREDICTIONS_NOT_LABELS = {
    "DeepLabCut": (
        "DeepLabCut's machinelabels or an analysis output",
        "Give the CollectedData_<scorer> file of the folder.",
    ),
    "LightningPose": (
        "a Lightning Pose predictions CSV",
        "Convert it as Lightning Pose predictions; the model's labels are its CollectedData.csv (the config's "
        "data.csv_file).",
    ),
}


def _warn_scores_dropped(path: Path) -> None:
    """Warn that the likelihood of a labels table was left out, as DeepLabCut leaves it out."""
    warnings.warn(
        f"{path}: labels with a likelihood column (napari-deeplabcut 0.3.0.0 saved the likelihood of the "
        "machine labels a user refined into CollectedData; DeepLabCut issue #3319): read as human labels "
        "without it, as DeepLabCut reads them to build a training set (merge_annotateddatasets drops "
        "likelihood columns). If this file is a model's predictions on images rather than labels, do not "
        "convert it as labels.",
        PoseconvWarning,
        stacklevel=5,
    )


def _with_path_rows(frame: Any) -> Any:
    """Return ``frame`` with rows labeled by image paths when its index splits a path into other than 3 levels.

    DeepLabCut's ``guarantee_multiindex_rows`` splits an image path at its slashes: 3 levels for
    ``labeled-data/<video>/<image>``, 4 for an image in a subfolder, 1 for a bare name. The
    path, joined again, is what those rows label.
    """
    import pandas as pd

    if isinstance(frame.index, pd.MultiIndex) and frame.index.nlevels != 3:
        frame = frame.copy()
        frame.index = pd.Index(["/".join(str(part) for part in row) for row in frame.index])
    return frame


def _row_labels(frame: Any, path: Path) -> str:
    """How the rows are labeled: ``"multiindex"`` (three index columns) or ``"column"`` (one path)."""
    import pandas as pd

    index = frame.index
    if isinstance(index, pd.MultiIndex):
        return "multiindex"
    if len(index) and not all(isinstance(value, str) for value in index):
        if labels_place(path) and index.dtype.kind in "iu" and np.array_equal(index, np.arange(len(index))):
            # Rows 0 .. n-1 of a labels file (x, y, no likelihood): its image paths were dropped; no frames.
            raise lost_image_paths_error(
                path,
                f"numbers its rows 0 to {len(index) - 1} where the image paths were (a script re-saved it after "
                "reset_index(drop=True), or ignore_index=True)",
            )
        raise InvalidSourceFileError(
            f"{path}: rows are labeled by {index.dtype} values such as {index[0]}, not image paths; "
            "this is a predictions file (use read_deeplabcut), not labeled data."
        )
    return "column"


def read_deeplabcut_labels_table(
    file_path: str | Path, *, drop_scores: bool = False, tool: str = "DeepLabCut"
) -> tuple[Any, LabelFile]:
    """Read one CollectedData table with named column levels, and how it lays out its rows.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A ``CollectedData_<scorer>.h5`` or ``.csv``.
    drop_scores : bool, default: False
        Read a table of labeled images whose likelihood columns hold values as labels, those columns
        left out with a warning, as DeepLabCut does (``trainingsetmanipulation.merge_annotateddatasets``
        calls ``drop_likelihood_columns``): napari-deeplabcut 0.3.0.0 saved the likelihood of refined
        machine labels into CollectedData. Otherwise such a table (machinelabels, Lightning Pose's
        ``predictions.csv``) is refused as a model's predictions.
    tool : {"DeepLabCut", "LightningPose"}, default: "DeepLabCut"
        Whose labels were asked for (Lightning Pose's have DeepLabCut's layout): the refusal of a
        predictions file says what it is and where that tool keeps its labels.

    Returns
    -------
    tuple of (pandas.DataFrame, LabelFile)
        The table exactly as pandas reads it, and its layout (``name`` is the file name).

    Raises
    ------
    InvalidSourceFileError
        When the file is not a DeepLabCut labels table (or holds predictions).
    """
    path = check_input_file(file_path, suffixes=SUFFIXES, what="DeepLabCut CollectedData")
    frame, header = _read_labels_frame(path)
    frame = _check_columns(frame, path, drop_scores=drop_scores, tool=tool)
    frame.columns = _unnamed_scorer(frame.columns)
    frame = _with_path_rows(frame)
    row_labels = _row_labels(frame, path)
    dtypes = {str(dtype) for dtype in frame.dtypes}
    non_numeric = [d for d in dtypes if not (d.startswith("float") or d.startswith("int"))]
    if non_numeric:
        raise InvalidSourceFileError(
            f"{path}: label columns hold {non_numeric} values; DeepLabCut labels are numbers (NaN where unlabeled)."
        )
    layout = LabelFile(
        name=path.name, row_labels=row_labels, value_dtype=dtypes.pop() if len(dtypes) == 1 else None, header=header
    )
    return frame, layout


def _slots(
    table: Any, scorer: str, animal_parts: list[str], unique_parts: list[str]
) -> list[tuple[Any, str, Any, Any]]:
    """(individual, skeleton, column indices of x and y per node, of the visible flags or None) per individual.

    The individual None is the single animal.
    """
    # Keyed by text, as the header's names are read (bodyparts YAML gave as numbers are numbers in the table).
    position = {tuple(str(level) for level in column): i for i, column in enumerate(table.columns)}
    flagged = "visible" in set(table.columns.get_level_values("coords"))
    # A bodypart this file does not have (added to the project after it was labeled): the NaN column
    # frames_of_table puts after the table's.
    missing = len(table.columns)

    def columns(prefix: tuple[Any, ...], parts: list[str]) -> tuple[Any, Any]:
        xy = np.array([[position.get((*prefix, p, axis), missing) for axis in "xy"] for p in parts])
        return xy, (np.array([position.get((*prefix, p, "visible"), missing) for p in parts]) if flagged else None)

    if "individuals" not in table.columns.names:
        return [(None, ANIMAL_SKELETON_NAME, *columns((scorer,), animal_parts))]
    slots = []
    for individual in dict.fromkeys(table.columns.get_level_values("individuals")):
        unique = individual == UNIQUE_BODYPARTS_INDIVIDUAL
        parts = unique_parts if unique else animal_parts
        if not parts:
            continue
        skeleton = UNIQUE_SKELETON_NAME if unique else ANIMAL_SKELETON_NAME
        slots.append((str(individual), skeleton, *columns((scorer, str(individual)), parts)))
    return slots


def _instance(points: Any, flags: Any, path: Path, row_label: Any, **names: Any) -> LabeledInstance | None:
    """Return the instance of one animal's cells in a row, or None when nothing of it is labeled.

    With visible flags (Lightning Pose), a node is labeled where it has coordinates or a flag other
    than 0, and visible where the flag is 2 (-1 keeps an empty flag cell).
    """
    labeled = ~np.isnan(points).any(axis=1)
    if flags is None:
        return LabeledInstance(points=points, visible=labeled, **names) if labeled.any() else None
    known = ~np.isnan(flags)
    if not np.isin(flags[known], _FLAG_VALUES).all():
        raise InvalidSourceFileError(
            f"{path}: row {row_label!r} has visible flags {flags[known].tolist()}; Lightning Pose's flags are "
            "0 (not labeled), 1 (occluded) or 2 (visible)."
        )
    codes = np.where(known, flags, -1).astype("int8")
    if not (labeled.any() or (codes != 0).any()):
        return None
    return LabeledInstance(points=points, visible=codes == 2, visibility_flags=codes, **names)


def frames_of_table(
    path: Path,
    table: Any,
    layout: LabelFile,
    *,
    scorer: str,
    label_file: str,
    animal_parts: list[str],
    unique_parts: list[str],
    videos: dict[str, VideoInfo],
    config: dict[str, Any] | None,
    project: Path | None,
    unknown_video: str | None = None,
) -> list[LabeledFrame]:
    """One LabeledFrame per row of one CollectedData table.

    A row label without the ``labeled-data/<video>/`` prefix belongs to the video named by the
    file's folder (DeepLabCut keeps one label file per video folder), or, when ``unknown_video``
    is given, to that video key with no frame index (LightningPose keeps one file for all videos).
    Videos met for the first time are added to ``videos`` (looked for in ``project``'s ``videos/``).
    """
    values = np.concatenate([table.to_numpy(dtype="float64"), np.full((len(table), 1), np.nan)], axis=1)
    slots = _slots(table, scorer, animal_parts, unique_parts)
    folders = [project / "videos"] if project is not None else []
    frames = []
    for row, label in enumerate(table.index):
        image = "/".join(str(part) for part in label) if layout.row_labels == "multiindex" else str(label)
        parts = _split_row_label(image)
        frame_index = frame_index_from_image(image)
        if len(parts) >= 3 and parts[-3] == LABELED_DATA_FOLDER:
            video = parts[-2]
        elif unknown_video is not None:
            video, frame_index = unknown_video, None
        else:
            # A row label without the labeled-data/<video>/ prefix: the folder of the file is the video.
            video = where_linked(path).parent.name
        if video not in videos:
            videos[video] = find_video(video, config, folders, resolve_recorded=True)
        instances = []
        for individual, skeleton, columns, flag_columns in slots:
            flags = values[row][flag_columns] if flag_columns is not None else None
            instance = _instance(values[row][columns], flags, path, label, skeleton=skeleton, individual=individual)
            if instance is not None:
                instances.append(instance)
        frames.append(
            LabeledFrame(
                video=video,
                frame_index=frame_index,
                instances=tuple(instances),
                image=image,
                annotator=scorer,
                label_file=label_file,
            )
        )
    return frames
