"""Reading a DeepLabCut-style CSV whole, and what to say of a CSV that is not as DeepLabCut writes it.

Spreadsheet programs and scripts save tables DeepLabCut wrote in ways it never does: in the
Windows code page instead of UTF-8 (:func:`not_utf8_error`), or with the rows indexed by
(video, frame), a row of index names under the header (:func:`index_names`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from ..tables import exact_float_option
from .variants import IMAGE_SUFFIXES

__all__ = ["index_names", "not_utf8_error", "read_csv_frame"]


def not_utf8_error(path: Path, err: UnicodeDecodeError) -> InvalidSourceFileError:
    """Return the error for a CSV that is not UTF-8 text, with the byte that is not as Windows-1252 reads it.

    Excel's "CSV (Comma delimited)" saves in the Windows code page (Windows-1252 in Western Europe and
    the Americas), where ``ü`` is the one byte ``0xfc``. The file is refused rather than read in a code page
    guessed for it: the same bytes are other letters in other code pages, and a bodypart name read wrongly
    would no longer match the project's (UTF-8) config.yaml or the other files of the session.
    """
    byte = err.object[err.start : err.start + 1]
    letter = byte.decode("cp1252", errors="replace")
    return InvalidSourceFileError(
        f"{path}: is not UTF-8 text (it holds the byte 0x{byte.hex()}, {letter!r} in the Windows code page): a "
        "spreadsheet program saved it in the Windows code page (Excel's 'CSV (Comma delimited)'). The pose tools "
        "write UTF-8: convert the tool's original file, or save this one as 'CSV UTF-8 (Comma delimited)'."
    )


def index_names(rows: list[list[str]], n_header: int) -> list[str] | None:
    """Return the names of several index columns in the row under a CSV's header, or None.

    pandas writes a row of the index's names under the column header when the rows are indexed by
    named levels (``set_index(["video", "frame"]).to_csv()``): the names, then empty cells.
    """
    if len(rows) <= n_header:
        return None
    row = [cell.strip() for cell in rows[n_header]]
    n_names = next((i for i, cell in enumerate(row) if not cell), len(row))
    if n_names < 2 or n_names == len(row) or any(row[n_names:]):
        return None
    return row[:n_names]


def read_csv_frame(
    path: Path, *, n_header: int, level_names: list[str], index_col: int | list[int] | None, what: str
) -> Any:
    """Read a DeepLabCut-style CSV whole with pandas (exact floats), its column levels named."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, header=list(range(n_header)), index_col=index_col, **exact_float_option())
    except UnicodeDecodeError as err:
        raise not_utf8_error(path, err) from err
    except Exception as err:
        # pandas' parser errors have no common base; say which file, and chain.
        raise InvalidSourceFileError(f"{path}: cannot be parsed as a {what} CSV ({err}).") from err
    frame.columns = frame.columns.set_names(level_names)
    return _restore_empty_first_row(frame)


def _restore_empty_first_row(frame: Any) -> Any:
    """Return ``frame`` with its first row back when pandas took an empty one for the index's name.

    After a header of several rows, pandas reads a first data row with no values (an image nobody
    labeled, a frame where no animal was found) as the name of the index and drops it
    (pandas-dev/pandas#21995; Lightning Pose's ``fix_empty_first_row`` undoes the same). A name
    shaped like the row labels (a frame number, an image path) is that row; any other is a name.
    """
    import pandas as pd

    names = list(frame.index.names)
    if any(name is None for name in names):
        return frame
    if frame.index.dtype.kind in "iu" and len(names) == 1:
        if not str(names[0]).strip().lstrip("-").isdigit():
            return frame
        labels: list[Any] = [int(names[0])]
    elif str(names[-1]).strip().lower().endswith(IMAGE_SUFFIXES):
        labels = [tuple(names) if len(names) > 1 else names[0]]
    else:
        return frame
    index = pd.MultiIndex.from_tuples(labels) if len(names) > 1 else pd.Index(labels, dtype=frame.index.dtype)
    empty = pd.DataFrame(np.nan, index=index, columns=frame.columns)
    # With no other row, pandas gave the columns no number type: the restored row's NaN is float.
    rest = frame.astype("float64") if frame.empty else frame
    return pd.concat([empty, rest.set_axis(rest.index.set_names([None] * len(names)))])
