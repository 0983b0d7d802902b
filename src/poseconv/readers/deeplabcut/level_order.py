"""The column levels of a DeepLabCut-layout table that a script re-saved: put back in order, or refused by name.

* ``df.swaplevel("individuals", "bodyparts", axis=1)`` (or ``reorder_levels``) keeps DeepLabCut's
  level names, each with its values, in another order. Read by position, animals would become
  bodyparts; read by name, the table is DeepLabCut's (:func:`in_dlc_order`).
* A header flattened to one row (``snout_x, snout_y, snout_likelihood``), or DeepLabCut-live's GUI
  saving its poses without bodypart names (columns ``0, 1, 2, ...`` and its clock columns), has no
  levels to read (:func:`one_row_header_error`).
* A table read with ``pd.read_csv(path, header=[0, 1, 2])`` without ``index_col=0`` and saved again has
  its frame numbers in a column headed by DeepLabCut's level names, after a new row index
  (:func:`frame_column_error`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import InvalidSourceFileError
from .live import CLOCK_COLUMNS

__all__ = ["frame_column_error", "in_dlc_order", "one_row_header_error"]

# Level names of DeepLabCut's tables, top to bottom: its two headers (see variants.DLC_LEVELS), and those
# without a scorer level (DeepLabCut-live's, Lightning Pose's labels).
_SINGLE_ANIMAL = ("scorer", "bodyparts", "coords")
_MULTI_ANIMAL = ("scorer", "individuals", "bodyparts", "coords")
_KNOWN_ORDERS = (_SINGLE_ANIMAL, _MULTI_ANIMAL, ("bodyparts", "coords"), ("individuals", "bodyparts", "coords"))


def in_dlc_order(columns: Any) -> Any:
    """Return ``columns`` with its levels in DeepLabCut's order when their names are DeepLabCut's in another order.

    Parameters
    ----------
    columns : pandas.MultiIndex
        A table's columns.

    Returns
    -------
    pandas.MultiIndex
        The same columns, in the same places, each label's parts reordered with their level names;
        ``columns`` itself when its level names are not a reordering of DeepLabCut's. Values are
        looked up by column label, so they stay with their animal and bodypart.
    """
    names = tuple(columns.names)
    for order in _KNOWN_ORDERS:
        if names != order and len(names) == len(order) and set(names) == set(order):
            return columns.reorder_levels(list(order))
    return columns


def one_row_header_error(columns: Any, path: Path) -> InvalidSourceFileError:
    """Return the error for a table whose columns are one row of names, not DeepLabCut's header levels.

    Parameters
    ----------
    columns : pandas.Index
        The table's one-level columns.
    path : pathlib.Path
        The file, for the message.

    Returns
    -------
    InvalidSourceFileError
        Saying what the header is, which clock columns of DeepLabCut-live it has, and what to do.
    """
    names = [str(name) for name in columns]
    clock = [name for name in names if name in CLOCK_COLUMNS]
    shown = ", ".join(repr(name) for name in names[:4]) + (", ..." if len(names) > 4 else "")
    said = f"{path}: the column header is one row of names ({shown}), not DeepLabCut's levels"
    if clock and all(name.isdigit() for name in names if name not in clock):
        # DeepLabCut-live's GUI saves pd.DataFrame(poses) plus its clock when it has no bodypart names.
        said += (
            f"; its {' and '.join(clock)} columns are DeepLabCut-live's clock and the others are numbered, "
            "without bodypart names: the GUI saves its poses so when it does not know them. Give the table "
            "the levels (bodyparts, coords) with the model's bodyparts (its pose_cfg.yaml lists them), and "
            "keep the clock columns as ('frame_time', '') and ('pose_time', '')"
        )
    else:
        clock_said = f" (with DeepLabCut-live's clock columns {' and '.join(clock)})" if clock else ""
        said += (
            f"{clock_said}: a script flattened the header. Convert DeepLabCut's original file, or give the "
            "table its levels again (a pandas.MultiIndex named scorer, [individuals,] bodyparts, coords)"
        )
    return InvalidSourceFileError(
        f"{said}. DeepLabCut's tables have the header levels {list(_SINGLE_ANIMAL)} or {list(_MULTI_ANIMAL)}."
    )


def frame_column_error(path: Path, levels: Sequence[str]) -> InvalidSourceFileError:
    """Return the error for a table whose frame numbers became a column headed by DeepLabCut's level names.

    Parameters
    ----------
    path : pathlib.Path
        The file, for the message.
    levels : sequence of str
        The level names heading that column (``scorer, [individuals,] bodyparts, coords``).

    Returns
    -------
    InvalidSourceFileError
        Saying how the table came to be so and how to give it its frame numbers back.
    """
    names = list(levels)
    header = list(range(len(names)))
    mend = " (in a CSV, delete the first column)" if path.suffix.lower() == ".csv" else ""
    return InvalidSourceFileError(
        f"{path}: the frame numbers are a column headed {names} (DeepLabCut's level names), after a column of row "
        f"numbers DeepLabCut never writes: the table was read with pandas.read_csv(path, header={header}) without "
        "index_col=0 and saved again. Convert DeepLabCut's original file, or make that column the row index again"
        f"{mend}: in pandas, df = df.set_index(df.columns[0]).rename_axis(None); df.columns.names = {names}; "
        "then save the table."
    )
