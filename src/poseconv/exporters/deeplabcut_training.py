r"""Export training data to DeepLabCut label files (``CollectedData_<scorer>.h5`` / ``.csv``).

One table per label file read (frames from no DeepLabCut file: one per video),
laid out as DeepLabCut's labeling GUI writes it, so DeepLabCut trains on it as
on its own:

* columns ``(scorer, bodyparts, coords)`` for a single-animal project (no instance
  has an individual), ``(scorer, individuals, bodyparts, coords)`` otherwise, with
  every individual of the training data in order (``single`` holds the unique
  bodyparts) and ``coords`` = ``x, y``;
* one row per labeled frame in the order read; rows labeled as the label file
  labeled them (one column of image paths, ``/`` or ``\\`` kept as recorded, or
  three index columns), or, for frames that did not come from DeepLabCut, their image
  from its ``labeled-data/`` folder on, else ``labeled-data/<video>/<image>``, else
  ``labeled-data/<video>/img<frame index>.png``, in three index columns as DeepLabCut >= 2.2
  writes them (:mod:`poseconv.exporters.deeplabcut_rows`);
* values in the dtype of the label file read (float64 by default), NaN where a
  node was not labeled;
* ``.h5`` under ``key="df_with_missing"`` (PyTables ``table`` format for
  one-column row labels, ``fixed`` for three index columns, as DeepLabCut does).

Labels read from DeepLabCut (directly or back from NWB) export to tables equal to
the originals (``pandas.testing.assert_frame_equal``); what a table cannot hold is named in a warning (left_out).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..errors import InvalidOptionError
from ..model.training import LabeledFrame, TrainingData
from .deeplabcut_label_columns import label_columns
from .deeplabcut_rows import is_label_table, row_index, row_label
from .docstrings import fill_export_docs
from .files import export_path, new_folders, write_pandas_table
from .left_out import label_values, warn_left_out
from .video_crop import warn_crop_kept

__all__ = [
    "DLC_LABELS_H5_KEY",
    "labels_table",
    "name_untracked_by_order",
    "to_deeplabcut_labels",
    "write_deeplabcut_labels",
    "write_labels_table",
]

#: The HDF5 key DeepLabCut writes labels under.
DLC_LABELS_H5_KEY = "df_with_missing"
_DEFAULT_SCORER = "poseconv"
_TABLE = "a DeepLabCut CollectedData table"  # in the warning of what it has no place for
_LIGHTNING_POSE_SCORER = "scorer"
# Key prefix of the frames that came from no label file (e.g. SLEAP), exported per video.
_VIDEO_GROUP = "video:"
#: ``DataFrame.attrs`` key of the CSV header a label file had, when not DeepLabCut's (``LabelFile.header``).
_CSV_HEADER = "poseconv_csv_header"
#: DeepLabCut's names for the animals of a multi-animal project (config.yaml: individual1, individual2, ...).
_INDIVIDUAL_PREFIX = "individual"
#: How to ask for those names, in the exporters' words (the CLI puts its option in their place).
_BY_ORDER = "untracked='by_order'"


def name_untracked_by_order(training: TrainingData) -> TrainingData:
    """Name each frame's k-th instance without an individual ``individual<k+1>``, as DeepLabCut names animals.

    A multi-animal DeepLabCut table has columns per individual; SLEAP labels without tracks (and
    sleap-io's NWB annotations) give their animals none. DeepLabCut does not need an animal to keep its
    name from frame to frame (unless its project learns identities), so the k-th animal of each
    frame takes the k-th name; names the labels already use are skipped. Labels with at most one
    animal a frame and no individual at all stay single-animal.
    """
    untracked = [sum(i.individual is None for i in f.instances) for f in training.frames]
    most = max(untracked, default=0)
    if most == 0 or (most == 1 and not training.individuals):
        return training
    used = set(training.individuals)
    names: list[str] = []
    number = 1
    while len(names) < most:
        if (name := f"{_INDIVIDUAL_PREFIX}{number}") not in used:
            names.append(name)
        number += 1
    frames = []
    for frame in training.frames:
        order = iter(names)
        instances = tuple(
            dataclasses.replace(i, individual=next(order)) if i.individual is None else i for i in frame.instances
        )
        frames.append(dataclasses.replace(frame, instances=instances))
    return dataclasses.replace(training, frames=frames, individuals=[*training.individuals, *names])


def _groups(training: TrainingData) -> dict[str, list[LabeledFrame]]:
    """Frames per output table: per label file they were read from, else per video."""
    groups: dict[str, list[LabeledFrame]] = {}
    for frame in training.frames:
        key = frame.label_file if frame.label_file is not None else f"{_VIDEO_GROUP}{frame.video}"
        groups.setdefault(key, []).append(frame)
    return groups


def _folder_groups(training: TrainingData, groups: list[str]) -> list[tuple[str, str | None]]:
    """Return the tables of a labeled-data tree: label files that were tables keep theirs, other frames go per video.

    A table's path in its project is where DeepLabCut looks for it again; a ``.slp`` (one file for every
    video) has no such place, and DeepLabCut reads ``labeled-data/<video>/CollectedData_<scorer>``. Each
    table is a group and, for a video's table made from another label file, that file (its frames only).
    """
    tables: list[tuple[str, str | None]] = []
    for group in groups:
        if group.startswith(_VIDEO_GROUP) or is_label_table(group):
            tables.append((group, None))
        else:
            videos = dict.fromkeys(frame.video for frame in training.frames if frame.label_file == group)
            tables.extend((f"{_VIDEO_GROUP}{video}", group) for video in videos)
    return list(dict.fromkeys(tables))


def _only_from(training: TrainingData, label_file: str | None) -> TrainingData:
    """Return ``training`` with the frames of ``label_file`` only (all of them when None)."""
    if label_file is None:
        return training
    return dataclasses.replace(training, frames=[f for f in training.frames if f.label_file == label_file])


def _select(training: TrainingData, label_file: str | None, video: str | None) -> tuple[str, list[LabeledFrame]]:
    groups = _groups(training)
    if not groups:
        raise InvalidOptionError(f"{training.source_name}: holds no labeled frames to export.")
    if label_file is not None:
        if label_file not in groups:
            files = [k for k in groups if not k.startswith(_VIDEO_GROUP)]
            raise InvalidOptionError(f"{training.source_name}: no label file {label_file!r}; label files: {files}.")
        return label_file, groups[label_file]
    if video is not None:
        frames = training.frames_of(video)
        if not frames:
            raise InvalidOptionError(
                f"{training.source_name}: no labeled frames of video {video!r}; videos: {training.video_keys()}."
            )
        keys = {k for k, fs in groups.items() if any(f.video == video for f in fs)}
        return (keys.pop() if len(keys) == 1 else f"{_VIDEO_GROUP}{video}"), frames
    if len(groups) > 1:
        raise InvalidOptionError(
            f"{training.source_name}: labels come from several files or videos {list(groups)}; a CollectedData "
            "table holds one, so choose one with label_file=... or video=... (or export to a folder)."
        )
    return next(iter(groups.items()))


def _fill_row(
    training: TrainingData,
    frame: LabeledFrame,
    row: np.ndarray,
    offsets: dict[str | None, int],
    multi: bool,
    flagged: bool = False,
) -> None:
    """Write the points of ``frame``'s instances into ``row``, at their individuals' columns.

    With ``flagged``, each node's visible flag follows its x and y: the instance's own flags, else 2
    where visible, 1 where labeled but not visible, 0 where not labeled (-1, an empty cell, is NaN).
    """
    name = training.source_name
    seen: set[str | None] = set()
    for instance in frame.instances:
        slot = instance.individual if multi else None
        if slot in seen and slot is None:
            # Untracked labels (SLEAP instances without a track): nothing says which animal each is.
            untracked = sum(1 for other in frame.instances if (other.individual if multi else None) is None)
            raise InvalidOptionError(
                f"{name}: frame {frame.frame_index} of video {frame.video!r} has {untracked} untracked instances "
                "(no individual or track), and a single-animal DeepLabCut table holds one animal per frame. To write "
                "a multi-animal table whose individual1, individual2, ... are each frame's first, second, ... "
                f"instance, pass {_BY_ORDER}; or assign the instances to tracks in the labeling tool and export again."
            )
        if slot in seen:
            raise InvalidOptionError(
                f"{name}: frame {frame.frame_index} of video {frame.video!r} has two "
                f"instances of individual {slot!r}; a DeepLabCut table holds one per individual."
            )
        if slot not in offsets:
            raise InvalidOptionError(
                f"{name}: frame {frame.frame_index} of video {frame.video!r} has an instance "
                "without an individual, which has no column in a multi-animal DeepLabCut table. To name such "
                f"animals individual1, individual2, ... by order in each frame, pass {_BY_ORDER}."
            )
        if instance.points.shape[1] != 2:
            raise InvalidOptionError(f"{name}: the labels are 3D; DeepLabCut label files hold x and y only.")
        seen.add(slot)
        start = offsets[slot]
        if not flagged:
            row[start : start + instance.points.size] = instance.points.reshape(-1)
            continue
        flags = instance.visibility_flags
        if flags is None:
            flags = np.where(instance.visible, 2, np.where(np.isnan(instance.points).any(axis=1), 0, 1))
        cells = np.column_stack([instance.points, np.where(flags < 0, np.nan, flags)])
        row[start : start + cells.size] = cells.reshape(-1)


def to_deeplabcut_labels(
    training: TrainingData,
    *,
    label_file: str | None = None,
    video: str | None = None,
    scorer: str | None = None,
    multi_animal: bool | None = None,
    untracked: Literal["error", "by_order"] = "error",
) -> Any:
    """Return the labels of one label file (or one video) as a DeepLabCut CollectedData DataFrame.

    Parameters
    ----------
    training : TrainingData
        The labels.
    label_file : str, optional
        Key of the label file whose frames to export (``training.label_files``); needed only when
        the labels were read from several files.
    video : str, optional
        Export the frames of this video instead (labels that came from no DeepLabCut file).
    scorer : str, optional
        The ``scorer`` header value; by default the annotator of the video's frames (the
        DeepLabCut scorer when the labels came from DeepLabCut), else ``"poseconv"``.
    multi_animal : bool, optional
        Force the four-level (with ``individuals``) or three-level header; by default four
        levels when any instance has an individual.
    untracked : {"error", "by_order"}, default: "error"
        Instances without an individual where a table needs one (several animals in a frame, or
        beside named ones): an error, or named by order (:func:`name_untracked_by_order`).

    Returns
    -------
    pandas.DataFrame
        One row per labeled frame, in order.

    Raises
    ------
    InvalidOptionError
        When the file or video is ambiguous or unknown, a frame has two instances of one individual,
        a single-animal table would hold two animals in a frame, or a frame has no image name
        and no frame index.
    """
    if untracked == "by_order":
        training = name_untracked_by_order(training)
    table, frames = labels_table(training, label_file, video, scorer, multi_animal)
    warn_left_out(training.source_name, _TABLE, label_values(frames), to="dlc", training=True)
    return table


def labels_table(
    training: TrainingData, label_file: str | None, video: str | None, scorer: str | None, multi_animal: bool | None
) -> tuple[Any, list[LabeledFrame]]:
    """Return the table of :func:`to_deeplabcut_labels` (nothing said of what it leaves out) and its frames."""
    import pandas as pd

    group, frames = _select(training, label_file, video)
    if not training.skeletons:
        # Labels read back from NWB take their skeletons from the instances: with none, no bodypart is known.
        raise InvalidOptionError(
            f"{training.source_name}: none of its {len(training.frames)} labeled frames has a labeled animal, so "
            "no skeleton (bodyparts) comes with them and a CollectedData table would have no columns. Label some "
            "frames first, or export the project's own label files."
        )
    has_individuals = any(i.individual is not None for f in training.frames for i in f.instances)
    multi = has_individuals if multi_animal is None else multi_animal
    if multi and not has_individuals and training.frames:
        raise InvalidOptionError(
            f"{training.source_name}: no instance has an individual, so there is no individuals header level."
        )
    annotators = [f.annotator for f in frames if f.annotator]
    # Labels no one signed: Lightning Pose's app heads them "scorer" (init_label_file), poseconv names itself.
    unsigned = _LIGHTNING_POSE_SCORER if training.source_software == "LightningPose" else _DEFAULT_SCORER
    scorer = scorer or (annotators[0] if annotators else unsigned)
    layout = training.label_files.get(group)
    row_labels: Literal["column", "multiindex"] = (layout.row_labels if layout else None) or "multiindex"
    value_dtype = (layout.value_dtype if layout else None) or "float64"

    flagged = any(i.visibility_flags is not None for f in frames for i in f.instances)
    columns, offsets = label_columns(training, scorer, multi, flagged, frames)
    values = np.full((len(frames), len(columns)), np.nan)
    is_flag = np.array([column[-1] == "visible" for column in columns], dtype=bool)
    # A frame without instances: no node labeled, flag 0.
    values[:, is_flag] = 0
    labels: list[str] = []
    for row, frame in enumerate(frames):
        _fill_row(training, frame, values[row], offsets, multi, flagged)
        labels.append(row_label(training, frame))
    index = row_index(training, labels, group, row_labels)
    names = ["scorer", "individuals", "bodyparts", "coords"] if multi else ["scorer", "bodyparts", "coords"]
    table = pd.DataFrame(values, index=index, columns=pd.MultiIndex.from_tuples(columns, names=names))
    table = _as_label_file_typed(table, values, value_dtype, is_flag if flagged else None, layout)
    if layout is not None and layout.bodyparts_dtype is not None:
        table = _with_bodyparts_typed(table, layout.bodyparts_dtype)
    if layout is not None and layout.header is not None and len(layout.header) in (2, 3) and not multi:
        # The CSV header the file had (no scorer row, levels without names), for write_labels_table.
        table.attrs[_CSV_HEADER] = layout.header
    return table, frames


def _as_label_file_typed(
    table: Any, values: np.ndarray, value_dtype: str, is_flag: np.ndarray | None, layout: Any
) -> Any:
    """Give ``table`` the value dtype of the label file read, and integer visibility flags where it had them."""
    if value_dtype != "float64" and not (np.dtype(value_dtype).kind in "iu" and np.isnan(values).any()):
        table = table.astype(value_dtype)
    if is_flag is not None and (layout is None or layout.value_dtype != "float64"):
        # Flags are integers, as Lightning Pose writes them (unless the file had every column as floats,
        # "2.0"); a column with an empty cell is read as floats by pandas, so it stays float, as the source reads.
        whole = is_flag & ~np.isnan(values).any(axis=0)
        table = table.astype({column: "int64" for column in table.columns[whole]})
    return table


def _with_bodyparts_typed(table: Any, dtype: str) -> Any:
    """Give the bodyparts level the dtype the label file had (integers: config.yaml's bodyparts as YAML numbers)."""
    level = table.columns.names.index("bodyparts")
    try:
        typed = table.columns.levels[level].astype(dtype)
        return table.set_axis(table.columns.set_levels(typed, level=level), axis=1)
    except (TypeError, ValueError):
        # A name that is no number, or two that are one ("1", "01"), where labels changed since: text, as read.
        return table


def _csv_columns(table: Any, header: tuple[str, ...]) -> Any:
    """Return the table's columns with the header a label file had: no scorer level for 2 rows, its level names."""
    columns = table.columns.droplevel("scorer") if len(header) == table.columns.nlevels - 1 else table.columns
    return columns.set_names([name or None for name in header])


def write_labels_table(table: Any, path: Path) -> None:
    """Write a table of :func:`labels_table` to ``path`` (.h5 or .csv), with the CSV header its label file had."""
    import pandas as pd

    header = table.attrs.get(_CSV_HEADER)
    if header is not None and path.suffix.lower() == ".csv":
        table = table.set_axis(_csv_columns(table, header), axis=1)
    # DeepLabCut writes one-column row labels as a PyTables table and three index columns as fixed.
    storer = "fixed" if isinstance(table.index, pd.MultiIndex) else "table"
    write_pandas_table(table, path, key=DLC_LABELS_H5_KEY, h5_format=storer)


def _plan_tree(
    training: TrainingData, groups: list[str], output: Path, suffixes: list[str], *, scorer: str | None, overwrite: bool
) -> list[tuple[Any, Path]]:
    """Return each table of a labeled-data tree in ``output`` with its path (checked, nothing written)."""
    planned, made_from = [], {}
    for group, label_file in _folder_groups(training, groups):
        if group.startswith(_VIDEO_GROUP):
            video = group.removeprefix(_VIDEO_GROUP)
            if made_from.setdefault(video, label_file) != label_file:
                raise InvalidOptionError(
                    f"{training.source_name}: the labels of video {video!r} come from {made_from[video]!r} and "
                    f"{label_file!r}, and DeepLabCut reads one table per video: export the frames of each label "
                    "file to a folder of its own (write_deeplabcut_labels(..., label_file=...))."
                )
            table = labels_table(_only_from(training, label_file), None, video, scorer, None)[0]
            table_scorer = str(table.columns.get_level_values("scorer")[0]) if len(table.columns) else _DEFAULT_SCORER
            stem = Path("labeled-data") / video / f"CollectedData_{table_scorer}"
        else:
            table = labels_table(training, group, None, scorer, None)[0]
            relative = Path(*[p for p in group.replace("\\", "/").split("/") if p not in ("", ".", "..")])
            stem = relative.with_suffix("")
        for suffix in suffixes:
            path = export_path(
                output / stem.with_suffix(suffix), overwrite=overwrite, flag="overwrite=True", creates_folder=True
            )
            planned.append((table, path))
    return planned


@fill_export_docs
def write_deeplabcut_labels(
    training: TrainingData,
    output: str | Path,
    *,
    label_file: str | None = None,
    video: str | None = None,
    scorer: str | None = None,
    file_format: Literal["h5", "csv", "both"] = "both",
    overwrite: bool = False,
    untracked: Literal["error", "by_order"] = "error",
) -> list[Path]:
    """Write DeepLabCut label files.

    Parameters
    ----------
    training : TrainingData
        The labels.
    output : str or pathlib.Path
        A ``.h5`` or ``.csv`` file (one label file or video), or a folder: then each label table read
        is written at its path inside it (``labeled-data/<video>/CollectedData_<scorer>``, as in the
        project it came from) and other frames (a ``.slp``'s) per video at
        ``labeled-data/<video>/CollectedData_<scorer>``.
    label_file, video : str, optional
        Export only this label file or video (needed for a file output when there are several).
    scorer : str, optional
        Scorer for the header (and new file names); by default each table's annotator.
    file_format : {"h5", "csv", "both"}, default: "both"
        For a folder output, which files to write (DeepLabCut keeps both).
    overwrite : bool, default: False
        Replace existing files.
    untracked : {"error", "by_order"}, default: "error"
        As for :func:`to_deeplabcut_labels`.

    {files_written}

    Raises
    ------
    InvalidOptionError
        When a file exists and ``overwrite`` is False, or the output, file or video does not fit.
    """
    output = Path(output)
    if untracked == "by_order":
        training = name_untracked_by_order(training)
    if output.suffix.lower() in (".h5", ".csv"):
        table, frames = labels_table(training, label_file, video, scorer, None)
        export_path(output, overwrite=overwrite, flag="overwrite=True", creates_folder=True)
        with new_folders([output.parent]):
            write_labels_table(table, output)
        warn_left_out(training.source_name, _TABLE, label_values(frames), to="dlc", path=output, training=True)
        warn_crop_kept(training, (frame.video for frame in frames), output.name, what="labels")
        return [output]
    if output.suffix:
        raise InvalidOptionError(f"{output}: give a .h5 or .csv file, or a folder for a labeled-data tree.")
    if file_format not in ("h5", "csv", "both"):
        raise InvalidOptionError(f"file_format must be 'h5', 'csv' or 'both', got {file_format!r}.")
    suffixes = [".h5", ".csv"] if file_format == "both" else [f".{file_format}"]
    groups, frames = list(_groups(training)), training.frames
    if label_file is not None or video is not None:
        group, frames = _select(training, label_file, video)
        groups = [group]
    planned = _plan_tree(training, groups, output, suffixes, scorer=scorer, overwrite=overwrite)
    with new_folders([path.parent for _, path in planned]):
        for table, path in planned:
            write_labels_table(table, path)
    warn_left_out(training.source_name, _TABLE, label_values(frames), to="dlc", path=output, training=True)
    warn_crop_kept(training, (frame.video for frame in frames), output.name, what="labels")
    return [path for _, path in planned]
