"""DeepLabCut-layout tables as labs actually have them, not only as DeepLabCut writes them.

Three kinds of file keep DeepLabCut's column layout but not all of its details:

* **Re-saved by pandas.** Tools that load a DeepLabCut CSV with a one-row header
  (``pandas.read_csv(path)``) and write it back (``to_csv(index=False)``) leave
  pandas' duplicate-name mangling in the scorer row: ``DLC_resnet50_..._350000,
  ..._350000.1, ..._350000.2``. The other header rows and the values are unchanged,
  so the scorer is restored (with a warning) when the names differ only by that
  suffix.
* **Labels named or placed otherwise.** A ``CollectedData`` table renamed or moved
  out of its project still indexes its rows by labeled images (one path column, or
  the three columns ``labeled-data, <video>, <image>`` of DeepLabCut >= 2.2); that
  row index, not the name, makes it labels.
* **Other tools' keypoint tables.** 3D exports written in DeepLabCut's column layout
  by other code name the header levels differently or not at all (a bare
  ``pandas.MultiIndex.from_product([[scorer], bodyparts, ["x", "y", "z"]])``), or
  drop the scorer level. When the last level holds only ``x``, ``y``, ``z`` and
  ``likelihood``, the levels are read by position as ``[scorer,] bodyparts, coords``
  and the scorer level's value, not "DeepLabCut", is recorded as the software.
"""

from __future__ import annotations

import csv
import itertools
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...video import IMAGE_STACK_SUFFIXES, STILL_IMAGE_SUFFIXES
from ..safety.file_versions import per_file_version
from ..safety.input_checks import UNREADABLE_FILE_ERRORS
from ..safety.safe_pickle import open_pandas_store, probe_hdf5
from .level_order import frame_column_error, in_dlc_order, one_row_header_error

__all__ = [
    "COORD_NAMES",
    "DLC_LEVELS",
    "IMAGE_SUFFIXES",
    "LEVEL_NAMES",
    "has_labeled_rows",
    "has_scores",
    "h5_coords",
    "h5_first_row",
    "h5_keypoint_columns",
    "has_frame_column",
    "has_image_index",
    "h5_row_index_kind",
    "keypoint_header_rows",
    "unmangled_scorer",
    "unnamed_label_levels",
    "csv_coords",
    "first_cells",
    "first_row_label",
    "labeled_rows_error",
    "normalise_columns",
    "positional_software",
    "read_csv_rows",
    "table_key",
    "unread_table_keys",
]

#: Coordinate labels of DeepLabCut's last header level.
COORD_NAMES = frozenset({"x", "y", "z", "likelihood"})
#: Names of DeepLabCut's header levels, top to bottom (``individuals`` only in multi-animal tables);
#: DeepLabCut's CSVs start each header row with its level's name.
LEVEL_NAMES = ("scorer", "individuals", "bodyparts", "coords")
#: The header levels of single- and of multi-animal tables.
DLC_LEVELS = (("scorer", "bodyparts", "coords"), ("scorer", "individuals", "bodyparts", "coords"))
_POSITIONAL_LEVELS = {2: ("bodyparts", "coords"), 3: DLC_LEVELS[0], 4: DLC_LEVELS[1]}
#: Suffixes of the labeled images that name the rows of a labels table.
IMAGE_SUFFIXES = STILL_IMAGE_SUFFIXES + IMAGE_STACK_SUFFIXES
# pandas appends ".1", ".2", ... to repeated column names when it reads a one-row header.
_MANGLED = re.compile(r"^(?P<base>.*?)\.(?P<n>\d+)$")
# DeepLabCut scorers: "DLC_<net>..." (2.1+), "DeepCut_<net>..." (2.0), the 3D "scorername_3d" default.
_DLC_SCORER = re.compile(r"^(DLC|DeepCut)_")
#: Software recorded for a positional table without a scorer level.
UNKNOWN_SOFTWARE = "unknown (a keypoint table in DeepLabCut's column layout)"


def read_csv_rows(path: Path, n_rows: int = 4) -> list[list[str]]:
    """Return the first ``n_rows`` rows of a CSV file as lists of cells (undecodable bytes replaced)."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        return list(itertools.islice(csv.reader(handle), n_rows))


def first_cells(rows: list[list[str]]) -> list[str]:
    """Return the first cell of each CSV row, stripped (``""`` for an empty row)."""
    return [row[0].strip() if row else "" for row in rows]


def has_scores(frame: Any) -> bool:
    """Whether a table's likelihood columns hold any value (a model's scores), not only empty cells.

    ``frame`` is a DataFrame or a block-wise :class:`~poseconv.model.frame_tables.FrameTable`; the latter
    is asked only when its rows turned out to be images, so its likelihood columns are few rows to read.
    """
    levels = np.asarray(frame.columns.get_level_values(-1))
    if "likelihood" not in set(levels):
        return False
    if hasattr(frame, "xs"):
        return bool(frame.xs("likelihood", axis=1, level=-1, drop_level=False).notna().to_numpy().any())
    return bool((~np.isnan(frame.read_frames(0, frame.n_frames, np.flatnonzero(levels == "likelihood")))).any())


def labeled_rows_error(path: Path, example: Any, *, scored: bool = False) -> InvalidSourceFileError:
    """Return the error for a table whose rows are labeled images, read as predictions on a video.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    example : object
        The first row label, shown to the user.
    scored : bool, default: False
        Whether the table has likelihood columns: a model's predictions on the labeled frames
        rather than human labels.

    Returns
    -------
    InvalidSourceFileError
        Saying what the rows are and how to convert the file.
    """
    if scored:
        return InvalidSourceFileError(
            f"{path}: rows are images such as {example!r} and the values have a likelihood: these are a "
            "model's predictions on separate images (DeepLabCut's machinelabels, evaluation results or "
            "analyze_images of images of several folders, Lightning Pose's predictions.csv), neither poses "
            "over a video's frames nor human labels, the two kinds poseconv converts (a time-lapse analysis, whose "
            "rows are the images of one folder: their names, or with DeepLabCut 3 their paths in an "
            "image_predictions_<scorer> file, converts as that folder's frames). Convert the predictions on the "
            "video (Lightning Pose: video_preds/<video>.csv) or the human labels (CollectedData), with "
            "--source dlc-labels or "
            "--source lp-labels; human labels saved with a likelihood column (napari-deeplabcut 0.3.0.0 kept the "
            "refined machine labels' in CollectedData) are read as labels, without it, by --source dlc-labels."
        )
    return InvalidSourceFileError(
        f"{path}: rows are labeled images such as {example!r}, not frame numbers; this is labeled/training "
        "data, not predictions on a video. Convert it as training data: DeepLabCutTrainingDataInterface or "
        "LightningPoseTrainingDataInterface, or on the command line --source dlc-labels or --source lp-labels."
    )


def first_row_label(row: list[str]) -> str | list[str]:
    """Return the image cells that begin a CSV row of a labels table (one path, or three cells)."""
    for end, cell in enumerate(row[:3], start=1):
        if cell.strip().lower().endswith(IMAGE_SUFFIXES):
            return row[0] if end == 1 else row[:end]
    return row[0] if row else ""


def csv_coords(rows: list[list[str]]) -> set[str]:
    """Return the labels of the coords row of a DeepLabCut-style CSV header (empty when there is none)."""
    for row in rows[:4]:
        if row and row[0].strip() == "coords":
            return {cell.strip() for cell in row[1:] if cell.strip()}
    return set()


def keypoint_header_rows(rows: list[list[str]]) -> int | None:
    """Return the header rows of a CSV in DeepLabCut's layout with other level names, or None.

    Parameters
    ----------
    rows : list of list of str
        The first rows of the CSV.

    Returns
    -------
    int or None
        2 to 4 when row ``n - 1`` is a coords row (only x, y, z, likelihood after the first
        cell, with x and y) and the rows above it repeat names, else None.
    """
    for n_header, row in enumerate(rows[:4], start=1):
        # A table saved without its index has no first column of row labels (see has_frame_column).
        cells = [cell.strip() for cell in (row if row and row[0].strip() in COORD_NAMES else row[1:])]
        if n_header >= 2 and cells and set(cells) <= COORD_NAMES and {"x", "y"} <= set(cells):
            return n_header
    return None


def has_frame_column(rows: list[list[str]], n_header: int) -> bool:
    """Return whether a CSV in DeepLabCut's layout starts each row with the frame number.

    A table re-saved with ``to_csv(index=False)``, or written that way (DeepLabCut-live's
    benchmark), has no such column: its coords row starts with a coordinate label, where
    DeepLabCut's starts with ``coords`` (or is blank when the levels have no names).
    """
    coords_row = rows[n_header - 1] if len(rows) >= n_header else []
    return not coords_row or coords_row[0].strip() not in COORD_NAMES


def unmangled_scorer(scorers: list[str]) -> str | None:
    """Return the one scorer of a header pandas re-saved (``s``, ``s.1``, ``s.2``, ...), or None.

    ``pd.read_csv(path).to_csv(...)`` reads the scorer row as column names, which pandas
    numbers where they repeat.
    """
    names = list(dict.fromkeys(scorers))
    if len(names) < 2:
        return None
    bases = {(_MANGLED.match(s)["base"] if _MANGLED.match(s) else s) for s in names}  # type: ignore[index]
    return names[0] if len(bases) == 1 and names[0] in bases else None


def _unmangle_scorers(columns: Any, path: Path) -> Any:
    import pandas as pd

    scorers = [str(s) for s in columns.get_level_values("scorer")]
    base = unmangled_scorer(scorers)
    if base is None:
        return columns
    scorers = list(dict.fromkeys(scorers))
    warnings.warn(
        f"{path.name}: the scorer row reads {scorers[0]!r}, {scorers[1]!r}, ...: the file was re-saved by "
        f"pandas, which numbers repeated names. Read with the scorer {base!r}.",
        PoseconvWarning,
        stacklevel=4,
    )
    return pd.MultiIndex.from_tuples([(base, *column[1:]) for column in columns], names=columns.names)


def normalise_columns(columns: Any, path: Path, *, writer: str | None = None) -> tuple[Any, bool]:
    """Return DeepLabCut's column header for a table in its layout, and whether it was read by position.

    Parameters
    ----------
    columns : pandas.MultiIndex
        The table's columns, as parsed.
    path : pathlib.Path
        The file, for messages.
    writer : str, optional
        The tool known to have written a table without a scorer level (:data:`.live.LIVE_SOFTWARE`):
        it stands for the scorer, and the levels are read by position without a warning.

    Returns
    -------
    (pandas.MultiIndex, bool)
        Columns with levels ``scorer, [individuals,] bodyparts, coords`` and one scorer; True
        when the level names were not DeepLabCut's and were taken by position.

    Raises
    ------
    InvalidSourceFileError
        When the header is not in DeepLabCut's layout.
    """
    import pandas as pd

    if columns.nlevels == 1:
        raise one_row_header_error(columns, path)
    # Level values written by scripts may be numbers (individuals 0, 1, ...); DeepLabCut's are text.
    columns = _text_levels(columns)
    if len(columns) and tuple(columns[0]) in DLC_LEVELS:
        # Read with pd.read_csv(path, header=[0, 1, 2]) without index_col=0 and saved: the frames are a column.
        raise frame_column_error(path, columns[0])
    # DeepLabCut's level names in another order (df.swaplevel(...)): reading by position would swap
    # animals and bodyparts, so the levels are put back in DeepLabCut's order, each with its values.
    columns = in_dlc_order(columns)
    names = tuple(columns.names)
    positional = False
    if names not in DLC_LEVELS:
        levels = _positional_levels(columns)
        coords = {str(value) for value in columns.get_level_values(-1)} if levels else set()
        if not levels or not coords <= COORD_NAMES or not {"x", "y"} <= coords:
            hint = ""
            if path.stem.endswith("_skeleton"):
                hint = " This looks like DeepLabCut's bone analysis ('_skeleton') output, which holds no keypoints."
            raise InvalidSourceFileError(
                f"{path}: column header levels are {list(names)}; DeepLabCut predictions have "
                f"{list(DLC_LEVELS[0])} or {list(DLC_LEVELS[1])}, and a table in that layout under other "
                f"level names ends with a level of x, y[, z][, likelihood].{hint}"
            )
        positional = True
        tuples = [tuple(str(v) for v in column) for column in columns]
        if levels[0] != "scorer":
            tuples = [(writer or UNKNOWN_SOFTWARE, *column) for column in tuples]
            levels = ("scorer", *levels)
        columns = pd.MultiIndex.from_tuples(tuples, names=list(levels))
        if writer is not None or _DLC_SCORER.match(columns.get_level_values("scorer")[0]):
            # DeepLabCut's own table, its level names lost (a CSV saved without its index), or a
            # table whose writer is known: nothing to doubt.
            return _unmangle_scorers(columns, path), positional
        warnings.warn(
            f"{path.name}: header levels {list(names)} are not DeepLabCut's; read by position as "
            f"{list(levels)}, scorer {columns.get_level_values('scorer')[0]!r}. The software is told from the "
            "scorer; set source_software in the PoseEstimation metadata if another tool wrote the file.",
            PoseconvWarning,
            stacklevel=4,
        )
    return _unmangle_scorers(columns, path), positional


def _text_levels(columns: Any) -> Any:
    """Return ``columns`` with every level value as text (unchanged when they already are)."""
    import pandas as pd

    if all(isinstance(value, str) for level in columns.levels for value in level):
        return columns
    return pd.MultiIndex.from_tuples([tuple(str(value) for value in column) for column in columns], names=columns.names)


def _positional_levels(columns: Any) -> tuple[str, ...] | None:
    """Return the DeepLabCut level names a header under other names is read as, by position; None if none fit.

    Three levels are ``scorer, bodyparts, coords``, unless the top one varies or is named
    ``individuals``: a table with no scorer level (DeepLabCut-live's multi-animal output), whose
    top level names the animals, since a DeepLabCut table has one scorer.
    """
    if columns.nlevels == 3 and (columns.names[0] == "individuals" or len(set(columns.get_level_values(0))) > 1):
        return DLC_LEVELS[1][1:]
    return _POSITIONAL_LEVELS.get(columns.nlevels)


def h5_row_index_kind(path: Path) -> str | None:
    """Return the kind pandas recorded for the row index of a ``.h5``'s only frame, read with h5py.

    Answered without pandas for the layouts pandas writes for one frame with a one-level row
    index: table format (the ``index`` column's ``index_kind``) and fixed format (the ``axis1``
    dataset's ``kind``). The file's structure is checked in a child first
    (:func:`~poseconv.readers.safety.isolation.probe`).

    Returns
    -------
    str or None
        ``"integer"``, ``"string"``, ... ; None when the file holds another layout (several
        frames, a multi-level row index), which only pandas can tell.

    Raises
    ------
    InvalidSourceFileError, OSError
        When the file is damaged (see :data:`~poseconv.readers.safety.input_checks.UNREADABLE_FILE_ERRORS`).
    """
    import h5py

    probe_hdf5(path)
    with h5py.File(path, "r") as handle:
        frames = [handle[key] for key in handle]
        if len(frames) != 1 or not isinstance(frames[0], h5py.Group):
            return None
        group = frames[0]
        # A frame is one group of datasets (PyTables may add its column index, "_i_table").
        if any(isinstance(item, h5py.Group) for key, item in group.items() if key != "_i_table"):
            return None
        kind = group.attrs.get("pandas_type")
        if kind == b"frame_table" and group.attrs.get("table_type") == b"appendable_frame":
            table = group.get("table")
            found = table.attrs.get("index_kind") if isinstance(table, h5py.Dataset) else None
        elif kind == b"frame" and group.attrs.get("axis1_variety") == b"regular":
            axis = group.get("axis1")
            found = axis.attrs.get("kind") if isinstance(axis, h5py.Dataset) else None
        else:
            return None
    return found.decode("ascii", "replace") if isinstance(found, bytes) else None


# The keys DeepLabCut writes its tables under: predictions and labels, tracklets, its own test data.
_TABLE_KEYS = ("/df_with_missing", "/tracks", "/df", "/calib")


def table_key(keys: Sequence[str]) -> str:
    """Return the key of the DeepLabCut table among a pandas ``.h5``'s ``keys``: DeepLabCut's own, else the first.

    DeepLabCut writes one table; a file a user added a frame to (notes, a re-analysis) keeps it under
    its usual key.
    """
    return next((key for key in _TABLE_KEYS if key in keys), keys[0])


def unread_table_keys(keys: Sequence[str]) -> list[str]:
    """Return the keys :func:`table_key` leaves unread when none is DeepLabCut's: another tool's tables.

    Several tables under keys of a script's choosing (one per animal, say) are not one DeepLabCut
    table; beside DeepLabCut's own key, other keys are notes a user added, and none is returned.
    """
    if len(keys) < 2 or any(key in _TABLE_KEYS for key in keys):
        return []
    return list(keys[1:])


@per_file_version
def h5_first_row(path: Path) -> Any:
    """Return the first row of the first table of a pandas ``.h5`` (header and index), or None; never raises.

    A labels table is small; a predictions table (table format) is read one row only.
    """
    try:
        with open_pandas_store(path) as store:
            keys = store.keys()
            key = table_key(keys) if keys else None
            storer = store.get_storer(key) if key else None
            if storer is None:
                return None
            if storer.is_table:
                return store.select(key, start=0, stop=1)
            # A fixed-format table is read whole; the copy keeps only its first row in the cache.
            return store[key].iloc[:1].copy()
    except UNREADABLE_FILE_ERRORS:
        # A sniffer says yes or no: a table pandas cannot read is not one of these.
        return None


@per_file_version
def has_image_index(path: Path) -> bool:
    """Return True when the first table of a pandas ``.h5`` indexes its rows by images; never raises."""
    try:
        if h5_row_index_kind(path) == "integer":
            # Frame numbers (predictions): told from the file's attributes, without pandas.
            return False
    except UNREADABLE_FILE_ERRORS:
        return False
    first = h5_first_row(path)
    if first is None or len(first) == 0:
        return False
    label = first.index[0]
    cells = [str(c).lower() for c in (label if isinstance(label, tuple) else (label,))]
    return cells[0] == "labeled-data" or any(cell.endswith(IMAGE_SUFFIXES) for cell in cells)


def h5_coords(path: Path) -> set[str]:
    """Return the labels of the last column level of a pandas ``.h5``'s first table (empty when unreadable)."""
    first = h5_first_row(path)
    return set() if first is None else {str(value) for value in first.columns.get_level_values(-1)}


def h5_keypoint_columns(path: Path) -> bool:
    """Return True when a pandas ``.h5`` holds a table whose last column level is x, y[, z][, likelihood]."""
    first = h5_first_row(path)
    if first is None or first.columns.nlevels not in _POSITIONAL_LEVELS:
        return False
    coords = h5_coords(path)
    return coords <= COORD_NAMES and {"x", "y"} <= coords


def positional_software(scorer: str) -> str:
    """Return the software to record for a positional table whose scorer level says ``scorer``."""
    return "DeepLabCut" if _DLC_SCORER.match(scorer) else scorer


def unnamed_label_levels(rows: list[list[str]]) -> tuple[str, ...] | None:
    """Return the level names of a labels CSV header whose first cells are blank, or None.

    pandas writes blank first cells for column levels without names (labels built by a script);
    Lightning Pose reads such a header by position. 2 rows are bodyparts and coords (Lightning
    Pose's ``header_rows: [0, 1]``), 3 add the scorer above, 4 the individuals between.

    Parameters
    ----------
    rows : list of list of str
        The first rows of the CSV.
    """
    for n_header, row in enumerate(rows[:4], start=1):
        if not row or row[0].strip():
            return None
        cells = {cell.strip() for cell in row[1:] if cell.strip()}
        if n_header >= 2 and cells <= COORD_NAMES and {"x", "y"} <= cells:
            return (None, ("bodyparts", "coords"), *DLC_LEVELS)[n_header - 1]
    return None


def has_labeled_rows(file_path: str | Path) -> bool:
    """Return True when a DeepLabCut-style CSV indexes its rows by labeled images; never raises.

    Labels tables (``CollectedData*.csv`` of DeepLabCut and Lightning Pose) name an image in the
    first cell of each row (``labeled-data/video1/img042.png``, or three cells ``labeled-data,
    video1, img042.png``); predictions number their frames.
    """
    try:
        path = Path(file_path)
        if path.suffix.lower() == ".h5":
            return has_image_index(path)
        if path.suffix.lower() != ".csv":
            return False
        rows = read_csv_rows(path, 6)
        unnamed = unnamed_label_levels(rows)
        n_header = (
            len(unnamed)
            if unnamed is not None
            else next((i for i, cell in enumerate(first_cells(rows)) if cell not in LEVEL_NAMES), len(rows))
        )
        data = [row for row in rows[n_header:] if row]
        # Two header rows: Lightning Pose's labels without the scorer row (bodyparts, coords).
        if n_header < 2 or not data:
            return False
        cells = [cell.strip().lower() for cell in data[0][:3]]
        return cells[0] == "labeled-data" or any(cell.endswith(IMAGE_SUFFIXES) for cell in cells)
    except (OSError, UnicodeError, IndexError):
        return False
