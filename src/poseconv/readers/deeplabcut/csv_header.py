"""The header of a CSV in DeepLabCut's layout: how many rows, the levels' names, whether rows are labeled.

DeepLabCut starts each header row with its level's name (``scorer``, ``individuals``,
``bodyparts``, ``coords``) and each data row with the frame number or image path. Tables in
that layout written by other code name the levels otherwise or not at all, and a table saved
with ``to_csv(index=False)`` has neither the names nor the frame column (see :mod:`.variants`).
"""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path
from typing import NamedTuple

from ...errors import InvalidSourceFileError
from ..safety.input_checks import UNREADABLE_FILE_ERRORS
from .level_order import frame_column_error, one_row_header_error
from .live import CLOCK_COLUMNS
from .variants import DLC_LEVELS, LEVEL_NAMES, first_cells, has_frame_column, keypoint_header_rows, read_csv_rows

__all__ = [
    "CsvHeader",
    "csv_has_scores",
    "csv_header_levels",
    "labels_place",
    "lost_image_column",
    "lost_image_column_error",
    "lost_image_paths_error",
    "names_no_tool",
]

# The project folder of labeled images and their labels tables (labels_table.LABELED_DATA_FOLDER, which imports this).
_LABELED_DATA = "labeled-data"
# A column name a script made of a bodypart and its coordinate when it flattened the header ("snout_x").
_FLAT_COORD = re.compile(r".+[_.\s-][xy]", re.IGNORECASE)


class CsvHeader(NamedTuple):
    """The header of a CSV in DeepLabCut's layout (see :func:`csv_header_levels`)."""

    #: Header rows: 3 or 4 (2 to 4 by position).
    n_rows: int
    #: Names of the column levels: the first cell of each header row, or ``level_<i>`` by position.
    level_names: list[str]
    #: Whether each row starts with its frame number or image label (False: rows are frames 0, 1, ...).
    frame_column: bool = True


def csv_header_levels(path: Path, what: str, *, positional: bool = True) -> CsvHeader:
    """Return the header rows of a DeepLabCut-style CSV, the names of its levels, and whether rows are labeled.

    Parameters
    ----------
    path : pathlib.Path
        The CSV.
    what : str
        What the file should be, for the message ("DeepLabCut predictions", "DeepLabCut labels").
    positional : bool, default: True
        Accept a header in DeepLabCut's layout under other level names (or none), whose levels are
        then named ``level_<i>`` (see :func:`.variants.keypoint_header_rows`), and a table with no
        frame-number column (see :func:`.variants.has_frame_column`).

    Returns
    -------
    CsvHeader

    Raises
    ------
    InvalidSourceFileError
        When the first cells are not DeepLabCut's level names.
    """
    rows = read_csv_rows(path, n_rows=5)
    cells = first_cells(rows)
    n_header = 0
    for cell in cells:
        if cell not in LEVEL_NAMES:
            break
        n_header += 1
    # DeepLabCut's level names in another order (a script's swaplevel or reorder_levels) are its header too:
    # the table reader puts them back in DeepLabCut's order (see .level_order).
    if sorted(cells[:n_header]) not in [sorted(levels) for levels in DLC_LEVELS]:
        # Other tools' tables in DeepLabCut's layout name the levels otherwise (or not at all).
        by_position = keypoint_header_rows(rows)
        if by_position is not None and lost_image_column(path, rows):
            raise lost_image_column_error(path)
        if positional and by_position is not None:
            if not has_frame_column(rows, by_position):
                # The first cells are values, not the levels' names.
                return CsvHeader(by_position, [f"level_{i}" for i in range(by_position)], frame_column=False)
            return CsvHeader(by_position, [cell or f"level_{i}" for i, cell in enumerate(cells[:by_position])])
        raise _header_error(path, rows, what)
    return CsvHeader(n_header, cells[:n_header])


def _header_error(path: Path, rows: list[list[str]], what: str) -> InvalidSourceFileError:
    """Return the error for a CSV whose header is not DeepLabCut's: what a script made of it, when that shows."""
    # pd.read_csv(path, header=[0, 1, 2]) without index_col=0, saved again: a blank column of row numbers,
    # then the frame numbers under DeepLabCut's level names.
    seconds = tuple(row[1].strip() if len(row) > 1 and not row[0].strip() else "" for row in rows[:4])
    levels = next((levels for levels in DLC_LEVELS if seconds[: len(levels)] == levels), None)
    if levels is not None:
        return frame_column_error(path, levels)
    names = [cell.strip() for cell in rows[0]] if rows else []
    names = names[1:] if names and not names[0] else names  # pandas' blank cell over the row index
    coords = {name[-1].lower() for name in names if _FLAT_COORD.fullmatch(name)}
    if len(rows) > 1 and (coords == {"x", "y"} or set(CLOCK_COLUMNS) & set(names)) and all(map(_is_number, rows[1])):
        # One row of names over rows of numbers: the header flattened, as the .h5 reader says of one.
        return one_row_header_error(names, path)
    return InvalidSourceFileError(
        f"{path}: not a {what} CSV. Expected 3 header rows "
        "(scorer, bodyparts, coords) or 4 (scorer, individuals, bodyparts, coords), "
        f"found first cells {first_cells(rows)[:4]}."
    )


def _is_number(cell: str) -> bool:
    """Whether a CSV cell holds a number or nothing (a missing value)."""
    try:
        float(cell or "nan")
    except ValueError:
        return False
    return True


def lost_image_column(path: Path, rows: list[list[str]]) -> bool:
    """Return whether a CSV is human labels saved without their image column (``to_csv(index=False)``).

    Such a table has DeepLabCut's layout without the level names and without the column of labeled
    images (its coords row starts with ``x``), no likelihood, and the name (``CollectedData*``) or
    place (a project's ``labeled-data/``) of labels; read by position, it would be a video's frames.

    Parameters
    ----------
    path : pathlib.Path
        The CSV.
    rows : list of list of str
        Its first 4 rows.
    """
    n_header = keypoint_header_rows(rows)
    if n_header is None or has_frame_column(rows, n_header):
        return False
    return labels_place(path) and "likelihood" not in {cell.strip() for cell in rows[n_header - 1]}


def labels_place(path: Path) -> bool:
    """Return whether a table is named (``CollectedData*``) or kept (a project's ``labeled-data/``) as labels are."""
    return path.name.startswith("CollectedData") or _LABELED_DATA in path.absolute().parts[:-1]


def lost_image_column_error(path: Path) -> InvalidSourceFileError:
    """Return the error for human labels saved without their image column (see :func:`lost_image_column`)."""
    return lost_image_paths_error(
        path,
        "was saved without its column of labeled images and the header's level names, as to_csv(index=False) saves it",
    )


def lost_image_paths_error(path: Path, how: str) -> InvalidSourceFileError:
    """Return the error for a table of human labels whose rows lost the images they label.

    Parameters
    ----------
    path : pathlib.Path
        The labels table.
    how : str
        What happened to the image paths, for the message.
    """
    return InvalidSourceFileError(
        f"{path}: human labels whose rows no longer name their images: the table {how}. Without the image "
        "paths the labels cannot be placed on their images, and read as a video's frames they would be "
        "written as predictions, which they are not. Convert the labels' original file (DeepLabCut saves "
        "CollectedData_<scorer> both as .h5 and as .csv, side by side), or save the table again with the "
        "image paths as its row index."
    )


# The scorer DeepLabCut gives its predictions names the model ("DLC_resnet50_...", "DeepCut_resnet50_..."),
# Lightning Pose's ends in "_tracker"; other programs that write the layout put their own name there.
_TOOL_SCORER = re.compile(r"(?:DLC|DeepCut).*|[A-Za-z0-9][A-Za-z0-9_-]*_tracker")


def names_no_tool(file_path: str | Path) -> bool:
    """Return True for single-animal predictions in DeepLabCut's CSV layout whose scorer names no tool; never raises.

    movement's ``to_lp_file`` and ``to_dlc_file`` write the scorer ``movement``, whatever tool made the
    poses: such a file may be read as any format of that layout the user chooses.
    """
    path = Path(file_path)
    try:
        rows = read_csv_rows(path, n_rows=3) if path.suffix.lower() == ".csv" else []
    except UNREADABLE_FILE_ERRORS:
        return False
    if len(rows) < 3 or first_cells(rows) != ["scorer", "bodyparts", "coords"]:
        return False
    scorers = {cell.strip() for cell in rows[0][1:] if cell.strip()}
    coords = {cell.strip() for cell in rows[2][1:] if cell.strip()}
    return len(scorers) == 1 and not _TOOL_SCORER.fullmatch(scorers.pop()) and "likelihood" in coords


def csv_has_scores(path: Path, rows: list[list[str]]) -> bool:
    """Whether a DeepLabCut-style CSV's likelihood columns hold any value (a model's scores).

    Human labels written in DeepLabCut's layout by other tools (sleap-io's ``save_csv(format="dlc")``)
    carry likelihood columns with every cell empty. The data rows are read up to the first value, so
    a model's predictions answer at their first row; labels tables (a row per labeled image) are small.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.
    rows : list of list of str
        Its first rows (the header).
    """
    header = next((k for k, row in enumerate(rows[:4]) if row and row[0].strip() == "coords"), None)
    if header is None:
        return False
    columns = [k for k, cell in enumerate(rows[header]) if cell.strip() == "likelihood"]
    if not columns:
        return False
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        for row in itertools.islice(csv.reader(handle), header + 1, None):
            for k in columns:
                cell = row[k].strip() if k < len(row) else ""
                if cell and cell.lower() != "nan":
                    return True
    return False
