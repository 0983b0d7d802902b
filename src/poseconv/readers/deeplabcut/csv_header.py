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
from .variants import DLC_LEVELS, LEVEL_NAMES, first_cells, has_frame_column, keypoint_header_rows, read_csv_rows

__all__ = ["CsvHeader", "csv_has_scores", "csv_header_levels", "names_no_tool"]


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
        by_position = keypoint_header_rows(rows) if positional else None
        if by_position is not None:
            if not has_frame_column(rows, by_position):
                # The first cells are values, not the levels' names.
                return CsvHeader(by_position, [f"level_{i}" for i in range(by_position)], frame_column=False)
            return CsvHeader(by_position, [cell or f"level_{i}" for i, cell in enumerate(cells[:by_position])])
        raise InvalidSourceFileError(
            f"{path}: not a {what} CSV. Expected 3 header rows "
            "(scorer, bodyparts, coords) or 4 (scorer, individuals, bodyparts, coords), "
            f"found first cells {cells[:4]}."
        )
    return CsvHeader(n_header, cells[:n_header])


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
