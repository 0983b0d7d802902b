"""The columns of a SLEAP analysis CSV: its header as written, and what each column holds by its position.

SLEAP's export and ``sleap_io.save_csv`` write ``track, frame_idx, instance.score`` and then ``<node>.x``,
``<node>.y``, ``<node>.score`` per node. The header is read as pandas and sleap-io read it: each cell whole
(a node ``" paw"`` has the columns ``" paw.x"``, ...), past a UTF-8 byte-order mark only. A node named
``instance`` has a point-score column named ``instance.score`` as SLEAP's instance score is: the instance
score is the first of the two (SLEAP and sleap-io write it before the nodes), so the table names it
``score``, as sleap-io's ``"instances"`` layout does, and the node keeps its name.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from ..safety.input_checks import rows_without_frame_numbers
from .csv_metadata import VIDEO_COLUMNS

__all__ = [
    "INSTANCE_SCORE",
    "check_columns",
    "frame_numbers",
    "header",
    "is_blank",
    "node_names",
    "numbers",
    "table_names",
]

#: The instance score's column in the table read (SLEAP's ``instance.score``, sleap-io's ``score``).
INSTANCE_SCORE = "score"

_BASE = ("track", "frame_idx", "instance.score")


def header(path: Path) -> list[str]:
    """Return the header's cells as written (``utf-8-sig``: a byte-order mark is no part of the first)."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        return next(csv.reader(handle), [])


def is_blank(path: Path) -> bool:
    """Return whether the file holds nothing but white space: sleap-io's CSV of labels without instances.

    Read in blocks up to the first other byte: a blank first line before a header is not such a file.
    """
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            if block.strip():
                return False
    return True


def node_names(columns: list[str]) -> list[str]:
    """Nodes in column order: every ``<node>.x`` with its ``<node>.y``."""
    return [c[:-2] for c in columns if c.endswith(".x") and f"{c[:-2]}.y" in columns]


def table_names(columns: list[str], layout: str | None) -> list[str]:
    """Return the name of each column of the table, by position: the instance score ``score``, the others as written.

    In SLEAP's layout the first ``instance.score`` is the instance score; a second is the point score of a
    node named ``instance`` (pandas would rename it ``instance.score.1``, and the node would get the
    instance score). sleap-io's ``"instances"`` layout names the instance score ``score`` already.
    """
    names = list(columns)
    if layout != "instances" and "instance.score" in names:
        names[names.index("instance.score")] = INSTANCE_SCORE
    return names


def check_columns(path: Path, columns: list[str], nodes: list[str], layout: str | None) -> None:
    """Refuse a header that is not SLEAP's: no ``frame_idx``, no node, a column it does not know or one twice."""
    names = table_names(columns, layout)
    # sleap-io's "instances" layout adds the tracking score and the video.
    known = {*_BASE, INSTANCE_SCORE, "track_score", *VIDEO_COLUMNS}
    known |= {f"{node}.{part}" for node in nodes for part in ("x", "y", "score")}
    unknown = [c for c in columns if c not in known]
    twice = list(dict.fromkeys(c for c in names if names.count(c) > 1))
    if twice:
        raise InvalidSourceFileError(
            f"{path}: the header names the column(s) {twice} more than once, so their values cannot be told "
            "apart; SLEAP writes each column once. Export the CSV again from SLEAP, or convert the .slp."
        )
    if "frame_idx" not in columns or not nodes or unknown:
        found = f"; columns it does not know: {unknown}" if unknown else ""
        raise InvalidSourceFileError(
            f"{path}: not a SLEAP analysis CSV; SLEAP writes the columns track, frame_idx, instance.score and "
            f"<node>.x, <node>.y, <node>.score per node{found}. Export the CSV again from SLEAP, or convert the .slp."
        )


def numbers(path: Path, table: Any, column: str) -> np.ndarray:
    """Return a column as float64; refuse a column the file lacks and values that are not numbers."""
    if column not in table:
        # Read as NaN, a node's poses would vanish without a word.
        raise InvalidSourceFileError(
            f"{path}: has no column {column!r} though it has other columns of its node or of the other nodes; "
            "SLEAP writes <node>.x, <node>.y and <node>.score for every node. Export the CSV again from SLEAP, "
            "or convert the .slp."
        )
    try:
        return table[column].to_numpy(dtype="float64")
    except (TypeError, ValueError) as err:
        raise InvalidSourceFileError(
            f"{path}: column {column!r} holds values that are not numbers; SLEAP writes numbers or empty cells."
        ) from err


def frame_numbers(path: Path, values: np.ndarray) -> np.ndarray:
    """Return ``frame_idx`` as frame numbers; refuse empty, negative or fractional ones, naming the rows."""
    frames = np.asarray(values, dtype="float64")
    what = rows_without_frame_numbers(
        frames,
        lambda row: (
            f"row {row + 1} (line {row + 2} of the file) has no frame_idx; give every row its frame number, "
            "as SLEAP writes it"
        ),
    )
    if what is not None:
        raise InvalidSourceFileError(f"{path}: {what}.")
    wrong = np.flatnonzero((frames < 0) | (frames != np.floor(frames)))
    if len(wrong):
        row = int(wrong[0])
        raise InvalidSourceFileError(
            f"{path}: frame_idx holds negative or fractional values ({frames[row]:g} in row {row + 1}, line "
            f"{row + 2} of the file); SLEAP writes the frame number of each row."
        )
    return frames.astype("int64")
