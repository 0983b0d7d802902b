"""DeepLabCut's table layout: the column header, the frame index, and opening a table.

DeepLabCut writes one table per analysed video (predictions) or per labeled video folder
(labels): columns are a header of three levels (``scorer / bodyparts / coords``) for
single-animal projects and four (``scorer / individuals / bodyparts / coords``) for
multi-animal ones, where the pseudo-individual ``single`` holds the unique bodyparts (arena
corners and the like). ``coords`` is ``x, y, likelihood`` for 2D predictions, ``x, y, z`` for
triangulated 3D output and ``x, y`` for human labels. Rows are frames (predictions) or labeled
images (labels). Lightning Pose writes the same layout.

This module is what the DeepLabCut predictions, labels and 3D readers and the Lightning Pose
reader share: the header checks (:func:`predictions_header`, :func:`bodypart_coords`,
:func:`animal_bodyparts`; a CSV's header rows are read by :mod:`.csv_header`), the frame index
(:func:`~.frame_index.parse_frame_index`, re-exported),
and the two ways to open a table: :func:`open_table` (block-wise and lazy, for predictions of any
length; :func:`open_predictions` also puts the rows on the video's frames) and
:func:`read_deeplabcut_table` / :func:`read_h5_frame` (a whole pandas frame, for small tables and
the unusual layouts). Tables in DeepLabCut's layout that DeepLabCut did not write (re-saved,
renamed, other tools') are recognised by :mod:`.variants`.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model.frame_tables import ArrayTable, FrameTable
from ..safety.input_checks import UNREADABLE_FILE_ERRORS, check_input_file, is_hdf5
from ..safety.safe_pickle import open_pandas_store, pandas_store_keys
from ..tables import CsvTable, NotNumericError, exact_float_option, open_h5_table
from .csv_frame import index_names, not_utf8_error, read_csv_frame
from .csv_header import csv_header_levels
from .frame_index import parse_frame_index, place_on_frames, row_labels_error
from .live import CLOCK_COLUMNS, live_writer, split_clock_columns
from .variants import (
    csv_coords,
    first_row_label,
    has_labeled_rows,
    has_scores,
    labeled_rows_error,
    normalise_columns,
    read_csv_rows,
    table_key,
    unread_table_keys,
)

__all__ = [
    "ANIMAL_SKELETON_NAME",
    "H5_SUFFIXES",
    "PIXEL_REFERENCE_FRAME",
    "SINGLE_ANIMAL_NAME",
    "SUFFIXES",
    "UNIQUE_BODYPARTS_INDIVIDUAL",
    "UNIQUE_SKELETON_NAME",
    "animal_bodyparts",
    "bodypart_coords",
    "common_coords",
    "find_side_file",
    "open_predictions",
    "open_table",
    "parse_frame_index",
    "predictions_header",
    "read_csv_frame",
    "read_deeplabcut_table",
    "read_h5_frame",
    "scorer_span",
    "single_scorer",
]

#: Suffixes of DeepLabCut's HDF5 tables (DeepLabCut-live's GUI names its poses ``<session>_DLC.hdf5``).
H5_SUFFIXES = {".h5", ".hdf5"}
#: Suffixes of DeepLabCut tables.
SUFFIXES = H5_SUFFIXES | {".csv"}
#: DeepLabCut's name for the pseudo-individual that carries unique bodyparts.
UNIQUE_BODYPARTS_INDIVIDUAL = "single"
#: Track name of the animal of a single-animal table.
SINGLE_ANIMAL_NAME = "individual"
#: Skeleton names shared by predictions and labels, so that the labels and the predictions of one
#: project link one NWB Skeleton.
ANIMAL_SKELETON_NAME = "Skeleton"
UNIQUE_SKELETON_NAME = "SkeletonUniqueBodyparts"
#: Reference frame of pixel coordinates in a video frame, as DeepLabCut and Lightning Pose give them.
PIXEL_REFERENCE_FRAME = (
    "(0, 0) is the top-left corner of the video frame; x increases to the right and y increases downward, in pixels."
)


def scorer_span(stem: str, scorer: str) -> tuple[int, int] | None:
    """Return where the scorer stands in an output's file name ``<video><scorer>[_suffix]``, or None.

    The last occurrence: a video whose own name holds the scorer (a labeled video analysed again,
    ``vidDLC_..._labeledDLC_...``) puts it there twice, and DeepLabCut appends the output's after.
    """
    position = stem.rfind(scorer) if scorer else -1
    return (position, position + len(scorer)) if position >= 0 else None


def find_side_file(file_path: str | Path, scorer: str, endings: tuple[str, ...]) -> Path | None:
    """Return the first existing ``<video><scorer><ending>`` beside a predictions file, or None.

    DeepLabCut names an output's side files after the part of its name up to the scorer
    (``..._meta.pickle``, ``..._full.pickle``), also for the tracked and filtered files (``_el_filtered.h5``).
    """
    path = Path(file_path)
    span = scorer_span(path.stem, scorer)
    if span is None:
        return None
    prefix = path.stem[: span[1]]
    return next((path.with_name(prefix + e) for e in endings if path.with_name(prefix + e).is_file()), None)


def read_h5_frame(path: Path, *, what: str, table: str, holds: str, hint: str = "", key: str | None = None) -> Any:
    """Read the first (or the ``key``) pandas frame of a DeepLabCut ``.h5`` whole.

    Parameters
    ----------
    path : pathlib.Path
        The ``.h5`` file.
    what, table, holds, hint : str
        For messages: what the file should be (``".h5 output"``), what the frame should be
        (``"DeepLabCut .h5 table"``), what such files hold, and advice after a read error.
    key : str, optional
        The key to read when the store has it; else the first key.

    Returns
    -------
    pandas.DataFrame
        The frame as pandas reads it.

    Raises
    ------
    InvalidSourceFileError
        When the file is not HDF5, holds no frame, or pandas cannot read it.
    """
    import pandas as pd

    if not is_hdf5(path):
        raise InvalidSourceFileError(f"{path}: not an HDF5 file, so not a DeepLabCut {what}.")
    try:
        with open_pandas_store(path) as store:
            keys = store.keys()
            if not keys:
                raise InvalidSourceFileError(f"{path}: holds no pandas table; {holds}.")
            frame = store[key if key in keys else table_key(keys)]
    except InvalidSourceFileError:
        raise
    except Exception as err:
        # PyTables and pandas fail in many ways on a damaged or foreign file; say which file, and chain.
        raise InvalidSourceFileError(
            f"{path}: cannot be read as a {table} ({type(err).__name__}: {err}).{hint}"
        ) from err
    if not isinstance(frame, pd.DataFrame):
        raise InvalidSourceFileError(f"{path}: the table is a {type(frame).__name__}, not a DataFrame.")
    return frame


def read_deeplabcut_table(file_path: str | Path) -> Any:
    """Read a DeepLabCut table into a pandas DataFrame with named column levels.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A ``.h5`` or ``.csv`` DeepLabCut file.

    Returns
    -------
    pandas.DataFrame
        Columns ``(scorer, [individuals,] bodyparts, coords)``; rows are frames.

    Raises
    ------
    InvalidSourceFileError
        When the file cannot be parsed or its header is not DeepLabCut's.
    """
    path = check_input_file(file_path, suffixes=SUFFIXES, what="DeepLabCut predictions")
    if path.suffix.lower() == ".csv":
        header = csv_header_levels(path, "DeepLabCut predictions")
        frame = read_csv_frame(
            path,
            n_header=header.n_rows,
            level_names=header.level_names,
            index_col=0 if header.frame_column else None,
            what="DeepLabCut",
        )
        if not header.frame_column:
            _warn_no_frame_column(path)
        elif header.level_names[:1] != ["scorer"] and not _numeric_index(frame.index) and has_labeled_rows(path):
            raise labeled_rows_error(path, frame.index[0], scored=has_scores(frame))
    else:
        frame = read_h5_frame(
            path,
            what=".h5 output",
            table="DeepLabCut .h5 table",
            holds="DeepLabCut .h5 files hold one (key 'df_with_missing' or 'tracks')",
            hint=" If it is a SLEAP analysis file, use the SLEAP reader.",
        )
        frame, clock = split_clock_columns(frame)
        frame.attrs["clock_columns"] = clock
    writer = live_writer(path, frame.attrs.get("clock_columns"))
    frame.columns, frame.attrs["positional_levels"] = normalise_columns(frame.columns, path, writer=writer)
    return frame


def _numeric_index(index: Any) -> bool:
    return len(index) == 0 or index.dtype.kind in "iuf"


def _not_numbers(path: Path, err: Exception, what: str = "DeepLabCut", cell: str = "") -> InvalidSourceFileError:
    return InvalidSourceFileError(
        f"{path}: holds values that are not numbers ({cell or err}); {what} writes only numbers or empty cells."
    )


def _first_non_number(path: Path, header: Any, block: int = 1 << 16) -> str:
    """Name a CSV's first non-number cell (value, line, column), or "" if pandas fails; read only on that failure."""
    import pandas as pd

    options = {"header": list(range(header.n_rows)), "index_col": 0 if header.frame_column else None}
    with contextlib.suppress(Exception), pd.read_csv(path, chunksize=block, skip_blank_lines=False, **options) as r:
        for n, chunk in enumerate(r):  # blank lines are kept as empty rows: the count of rows gives the line
            bad = (chunk.notna() & chunk.apply(pd.to_numeric, errors="coerce").isna()).to_numpy()
            if len(rows := np.flatnonzero(bad.any(axis=1))):
                row, k, line = int(rows[0]), int(np.argmax(bad[rows[0]])), header.n_rows + n * block + int(rows[0]) + 1
                named = " / ".join(map(str, chunk.columns[k]))  # the topmost, leftmost; its header cells
                return f"{chunk.iat[row, k]!r} at line {line}, column {k + 1 + header.frame_column} ({named})"
    return ""


def open_table(path: Path, what: str = "DeepLabCut") -> FrameTable:
    """Open the predictions as a :class:`~poseconv.model.frame_tables.FrameTable` with ``columns`` and ``index``.

    Table-format ``.h5`` files are read in blocks straight from PyTables and CSVs through a
    temporary binary cache, so memory does not grow with the number of frames; other ``.h5``
    layouts (pandas' fixed format) are read whole by pandas. ``what`` names the tool in errors
    (LightningPose writes the same CSVs).
    """
    if path.suffix.lower() == ".csv":
        table = _open_csv(path, what)
    else:
        _warn_unread_tables(path)
        table = _open_h5_lazily(path) if is_hdf5(path) else None
        if table is None:
            # Anything unusual goes through pandas, which words the errors.
            return _open_with_pandas(path)
    # Names the levels as DeepLabCut does; remembers whether they were taken by position.
    table.columns, table.positional_levels = normalise_columns(table.columns, path, writer=live_writer(path))
    return table


def _open_csv(path: Path, what: str) -> FrameTable:
    header = csv_header_levels(path, f"{what} predictions")
    try:
        table = CsvTable(
            path=path,
            n_header=header.n_rows,
            level_names=header.level_names,
            read_csv_options=exact_float_option(),
            frame_column=header.frame_column,
        )
    except NotNumericError as err:
        rows = read_csv_rows(path, n_rows=header.n_rows + 2)
        if has_labeled_rows(path):
            row = rows[header.n_rows] if len(rows) > header.n_rows else []
            raise labeled_rows_error(path, first_row_label(row), scored="likelihood" in csv_coords(rows)) from err
        if names := index_names(rows, header.n_rows):
            # Rows indexed by (video, frame): pandas wrote the index's names in a row of their own.
            raise row_labels_error(path, [rows[-1][0] if len(rows) > header.n_rows + 1 else ""], names=names) from err
        raise _not_numbers(path, err, what, _first_non_number(path, header)) from err
    except UnicodeDecodeError as err:
        raise not_utf8_error(path, err) from err
    except Exception as err:
        # pandas' parser errors have no common base; say which file, and chain.
        raise InvalidSourceFileError(f"{path}: cannot be parsed as a {what} CSV ({err}).") from err
    if not header.frame_column:
        _warn_no_frame_column(path)
    return table


def _warn_unread_tables(path: Path) -> None:
    """Warn that a ``.h5`` holding several tables under keys of its own has only its first converted."""
    try:
        keys = pandas_store_keys(path) if is_hdf5(path) else ()
    except UNREADABLE_FILE_ERRORS:
        return
    unread = unread_table_keys(keys)
    if unread:
        warnings.warn(
            f"{path.name}: holds {len(keys)} tables, under keys {', '.join(map(repr, keys))}; only the first, "
            f"{keys[0]!r}, is read (DeepLabCut writes one, under '/df_with_missing'). Save each table as its "
            "own file to convert the others.",
            PoseconvWarning,
            stacklevel=4,
        )


def _warn_no_frame_column(path: Path) -> None:
    warnings.warn(
        f"{path.name}: the table has no frame-number column (it was saved without its row index, as "
        "to_csv(index=False) does); row k is taken as frame k. If rows were dropped before saving, the "
        "frame times are wrong: convert the tool's original file instead.",
        PoseconvWarning,
        stacklevel=4,
    )


def _open_h5_lazily(path: Path) -> FrameTable | None:
    """Return a block reader of a table-format DeepLabCut ``.h5``, or None to let pandas read it."""
    try:
        keys = pandas_store_keys(path)
        if not keys:
            return None
        table, _reason = open_h5_table(path, table_key(keys))
        if table is None:
            return None
        if any(_is_clock_column(column) for column in table.columns):
            # DeepLabCut-live's poses re-saved as a table: pandas reads them, as it does the GUI's own
            # (fixed-format) files, and their clock columns are split off there.
            table.close()
            return None
        table.index = table.frame_index()
    except UNREADABLE_FILE_ERRORS:
        # pandas reads the file next and words what is wrong with it.
        return None
    return table


def _is_clock_column(column: Any) -> bool:
    """Whether ``column`` is one of DeepLabCut-live's clock columns (``("frame_time", "")``)."""
    return isinstance(column, tuple) and column[0] in CLOCK_COLUMNS and not any(str(v) for v in column[1:])


def _open_with_pandas(path: Path) -> FrameTable:
    frame = read_deeplabcut_table(path)
    try:
        values = frame.to_numpy(dtype="float64", copy=False)
    except (TypeError, ValueError) as err:
        raise _not_numbers(path, err) from err
    table = ArrayTable(values)
    table.columns = frame.columns
    table.index = frame.index
    table.positional_levels = bool(frame.attrs.get("positional_levels"))
    table.clock_columns = frame.attrs.get("clock_columns") or {}
    return table


def open_predictions(
    path: Path, what: str = "DeepLabCut", *, images_as_frames: bool = False
) -> tuple[FrameTable, np.ndarray]:
    """Open a predictions table (see :func:`open_table`) with its rows put on the video's frames.

    Rows may skip frames (stubbed or filtered files): the frame numbers index the full time base,
    which ends at the last frame number, and a frame without a row reads as NaN. Only the header
    and the frame numbers are read here; values are read in blocks when used.

    ``images_as_frames`` reads the rows of a time-lapse analysis (images of one folder) as frames 0, 1, ...
    (:func:`~.frame_index.parse_frame_index`).

    Returns
    -------
    (FrameTable, numpy.ndarray)
        The table and the frame number of each of its rows.

    Raises
    ------
    InvalidSourceFileError
        When the table cannot be read, its rows are not frame numbers (labels, not predictions), or
        the frame numbers are out of order or reach a time base no recording has.
    """
    table = open_table(path, what)
    return table, place_on_frames(table, path, images_as_frames=images_as_frames)


def predictions_header(
    columns: Any, path: Path, expected: str
) -> tuple[str, dict[str, dict[str, tuple[str, ...]]], tuple[str, ...]]:
    """Return the scorer, the bodyparts per individual and the coord labels of a predictions header.

    Parameters
    ----------
    columns : pandas.MultiIndex
        The table's columns, levels named as DeepLabCut names them.
    path : pathlib.Path
        The file, for messages.
    expected : str
        Ends the message when bodyparts have different coord labels (what the tool writes).

    Returns
    -------
    (str, dict, tuple of str)
        The one scorer, :func:`bodypart_coords` of the header, and the coord labels every bodypart has.

    Raises
    ------
    InvalidSourceFileError
        When the header names several scorers or the bodyparts have different coord labels.
    """
    scorer = single_scorer(columns, path)
    by_individual = bodypart_coords(columns)
    return scorer, by_individual, common_coords(by_individual, path, expected)


def single_scorer(columns: Any, path: Path, who: str = "") -> str:
    """Return the one scorer of a header; ``who`` qualifies the word in the message (``" (labeler)"``)."""
    scorers = [str(s) for s in dict.fromkeys(columns.get_level_values("scorer"))]
    if len(scorers) != 1:
        raise InvalidSourceFileError(f"{path}: expected one scorer{who} in the header, found {scorers}.")
    return scorers[0]


def bodypart_coords(columns: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    """Return, per individual in header order, each bodypart's coord labels in header order.

    The individual of a single-animal header is :data:`SINGLE_ANIMAL_NAME`.
    """
    if "individuals" in columns.names:
        individuals: list[Any] = list(dict.fromkeys(columns.get_level_values("individuals")))
    else:
        individuals = [None]
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for individual in individuals:
        sub = columns if individual is None else columns[columns.get_level_values("individuals") == individual]
        parts = {}
        for part in dict.fromkeys(sub.get_level_values("bodyparts")):
            parts[str(part)] = tuple(
                str(c) for c in sub[sub.get_level_values("bodyparts") == part].get_level_values("coords")
            )
        found[SINGLE_ANIMAL_NAME if individual is None else str(individual)] = parts
    return found


def common_coords(by_individual: dict[str, dict[str, tuple[str, ...]]], path: Path, expected: str) -> tuple[str, ...]:
    """Return the coord labels every bodypart shares (see :func:`bodypart_coords`).

    Raises
    ------
    InvalidSourceFileError
        When bodyparts have different coord labels; ``expected`` ends the message.
    """
    having: dict[tuple[str, ...], dict[str, None]] = {}  # coord labels -> bodyparts, in header order
    for parts in by_individual.values():
        for part, coords in parts.items():
            having.setdefault(coords, {})[part] = None
    if repeated := [part for coords, parts in having.items() if _repeats(coords) for part in parts]:
        raise InvalidSourceFileError(
            f"{path}: bodypart(s) {repeated} have their coordinate columns twice: the header names such a bodypart "
            "twice (was it listed twice in config.yaml when the network was trained?), so its two sets of values "
            "cannot be told apart. Rename one of them in the table."
        )
    if len(having) != 1:
        said = "; ".join(f"{list(parts)[:5]}{' ...' * (len(parts) > 5)} have {list(c)}" for c, parts in having.items())
        raise InvalidSourceFileError(f"{path}: bodyparts have different coordinate columns ({said}); {expected}")
    return next(iter(having))


def _repeats(coords: tuple[str, ...]) -> bool:
    """Whether a bodypart's coord labels repeat (pandas reads a CSV's second ``x`` as ``x.1``)."""
    bases = [base if (base := re.sub(r"\.\d+$", "", c)) in coords else c for c in coords]
    return len(set(bases)) < len(bases)


def animal_bodyparts(
    bodyparts: dict[str, list[str]], multi_animal: bool, path: Path
) -> tuple[list[str], list[str], list[str]]:
    """Split a header's bodyparts into animals and the unique bodyparts of multi-animal projects.

    Parameters
    ----------
    bodyparts : dict of str to list of str
        Bodyparts per individual, in header order.
    multi_animal : bool
        Whether the header has an ``individuals`` level (only then is ``single`` the unique bodyparts).
    path : pathlib.Path
        The file, for messages.

    Returns
    -------
    (list of str, list of str, list of str)
        The animals' names, their common bodyparts, and the unique bodyparts.

    Raises
    ------
    InvalidSourceFileError
        When two animals have different bodyparts.
    """
    animals = [name for name in bodyparts if name != UNIQUE_BODYPARTS_INDIVIDUAL or not multi_animal]
    parts = bodyparts[animals[0]] if animals else []
    for name in animals:
        if bodyparts[name] != parts:
            raise InvalidSourceFileError(
                f"{path}: individual {name!r} has bodyparts {bodyparts[name]}, "
                f"but {animals[0]!r} has {parts}; all animals must share one bodypart list."
            )
    unique = bodyparts.get(UNIQUE_BODYPARTS_INDIVIDUAL, []) if multi_animal else []
    return animals, parts, unique
