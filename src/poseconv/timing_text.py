"""Frame times read from a file (``--timestamps FILE``, a spec's ``timestamps_file``): :func:`load_timestamps`.

Split from :mod:`poseconv.timing`, which chooses and checks a pose file's timing; this module reads the times a
user gives (``.npy`` or text, :func:`read_text_times`), and says in the file's own terms (a line, a column, a
decimal comma, a frame) what keeps a file from being one ascending time per frame.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InvalidOptionError
from .model.location import require_file

__all__ = ["TIMESTAMP_SUFFIXES", "load_timestamps", "not_ascending", "read_text_times"]

#: Files :func:`load_timestamps` reads.
TIMESTAMP_SUFFIXES = (".npy", ".csv", ".tsv", ".txt")

# A time written with a decimal comma (European spreadsheets): "0,033", "-1,5".
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
# numpy.loadtxt's comment mark: a line starting with it holds no time.
_COMMENT = "#"


def read_text_times(path: Path, delimiter: str | None) -> np.ndarray:
    """Return the times of a text file, one per line, skipping one header line and comment lines.

    A byte-order mark is not a header: spreadsheets save "CSV UTF-8" with one (Excel), and often one line of
    comma-separated times. Empty lines at the end are taken; one between times is refused (numpy drops it, so
    every later frame would take the next frame's time).

    Raises
    ------
    InvalidOptionError
        When a line between times is empty, or the file holds several columns or times with a decimal comma.
    ValueError
        When the file is otherwise not numbers (numpy's own words).
    """
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    values, header = _parse(path, lines, delimiter)
    _refuse_empty_lines(path, lines, header)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise InvalidOptionError(_columns_message(path, lines, delimiter, header, values.shape))
    return values


def _parse(path: Path, lines: list[str], delimiter: str | None) -> tuple[np.ndarray, bool]:
    """Return the numbers of ``path`` (whose text is ``lines``) and whether a header line was skipped."""
    # utf-8-sig: a BOM before the first time made it unreadable, so it was skipped as a header (a time lost).
    options: dict[str, Any] = {"delimiter": delimiter, "dtype": "float64", "ndmin": 1, "encoding": "utf-8-sig"}
    try:
        return np.loadtxt(path, **options), False
    except ValueError as err:
        first_error = err
    # One header line ("timestamp", "time_s", ...) is common in exported frame times.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # numpy's "input contained no data": said below
            values = np.loadtxt(path, skiprows=1, **options)
    except ValueError as err:
        if _decimal_comma(lines):
            raise InvalidOptionError(_DECIMAL_COMMA_FIX.format(path=path)) from err
        raise first_error from err
    if values.size == 0:
        raise ValueError("no time after its first line, which is not one number; write one time per line")
    return values, True


_DECIMAL_COMMA_FIX = (
    "{path}: the times are written with a decimal comma (0,033); write them with a decimal point (0.033), one "
    "per line (save the spreadsheet with a decimal point, or replace the commas)."
)


def _data_lines(lines: list[str]) -> list[tuple[int, str]]:
    """Return (line number from 1, text) of the lines holding something other than a comment."""
    return [(number, line.strip()) for number, line in enumerate(lines, 1) if line.strip() and not _comment(line)]


def _comment(line: str) -> bool:
    return line.strip().startswith(_COMMENT)


def _refuse_empty_lines(path: Path, lines: list[str], header: bool) -> None:
    """Refuse an empty line between two times: a frame without a time, dropped by numpy.

    Empty lines before the first time (or the header) and after the last are no frame's.
    """
    last = max((number for number, _ in _data_lines(lines)), default=0)
    frame = -1 if header else 0  # the next line's frame; -1: the header line comes first
    for number, line in enumerate(lines[:last], 1):
        if not line.strip():
            if frame <= 0:
                continue  # no time read yet: no frame is missing
            raise InvalidOptionError(
                f"{path}: line {number} is empty: frame {frame} has no time. Give a time (seconds) for every "
                "frame, one per line; an empty line is not left out, as every later frame would take the next "
                "frame's time."
            )
        if not _comment(line):
            frame += 1


def _decimal_comma(lines: list[str]) -> bool:
    """Whether every time of ``lines`` (after an optional header) is written with a decimal comma."""
    data = [text for _, text in _data_lines(lines)]
    if data and not _DECIMAL_COMMA.match(data[0]):
        data = data[1:]  # a header line
    return bool(data) and all(_DECIMAL_COMMA.match(text) for text in data)


def _columns_message(path: Path, lines: list[str], delimiter: str | None, header: bool, shape: tuple[int, ...]) -> str:
    """Say which columns a file of times holds and that only the time column is read."""
    fix = (
        "save only the column of frame times (seconds), one time per line, e.g. with pandas: "
        "pd.read_csv(f)['<time column>'].to_csv('times.csv', index=False)"
    )
    data = _data_lines(lines)
    fields = [field.strip() for field in data[0][1].split(delimiter)] if header and data else []
    if len(fields) > 1:
        named = ", ".join(repr(field) for field in fields)
        return f"{path}: holds {len(fields)} columns ({named}), not one time per line; {fix}."
    if delimiter == "," and _decimal_comma(lines):
        return _DECIMAL_COMMA_FIX.format(path=path)
    return f"{path}: holds {shape[1]} columns of numbers, not one time per line; {fix}."


def not_ascending(times: np.ndarray) -> str | None:
    """Say where ``times`` first fail to increase (NWB times strictly increase); None when they do."""
    steps = np.diff(times)
    if not np.any(steps <= 0):
        return None
    bad = int(np.flatnonzero(steps <= 0)[0])
    return (
        f"must increase from frame to frame, but frame {bad + 1} is at {float(times[bad + 1]):.9g} s, not after "
        f"frame {bad} at {float(times[bad]):.9g} s ({int(np.count_nonzero(steps <= 0))} such step(s)); "
        "give one ascending time per frame."
    )


def load_timestamps(path: str | Path) -> np.ndarray:
    """Read one time (seconds) per frame from ``.npy`` or a text file with one number per line.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.npy``, ``.csv``, ``.tsv`` or ``.txt``; a text file may start with one header line.

    Returns
    -------
    numpy.ndarray
        1-D float64 times.

    Raises
    ------
    InvalidOptionError
        When the file is missing, of another kind, or does not hold one number per line.
    """
    path = Path(path)
    require_file(path, "timestamps", InvalidOptionError)
    suffix = path.suffix.lower()
    if suffix not in TIMESTAMP_SUFFIXES:
        raise InvalidOptionError(f"{path}: timestamps must be one of {', '.join(TIMESTAMP_SUFFIXES)}.")
    try:
        if suffix == ".npy":
            values = np.load(path, allow_pickle=False)
        else:
            values = read_text_times(path, {".csv": ",", ".tsv": "\t"}.get(suffix))
        values = np.asarray(values, dtype="float64")
    except InvalidOptionError:
        raise  # it names the line or the columns
    except (ValueError, OSError) as err:
        raise InvalidOptionError(f"{path}: cannot be read as one time (seconds) per line ({err}).") from err
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise InvalidOptionError(
            f"{path}: expected one time per line (one column), found shape {values.shape}; save only the column of "
            "frame times (seconds)."
        )
    if not np.all(finite := np.isfinite(values)):
        bad = np.flatnonzero(~finite)
        raise InvalidOptionError(
            f"{path}: frame {bad[0]} is at {values[bad[0]]} ({bad.size} such time(s)); give a finite time "
            "(seconds) for every frame."
        )
    if (problem := not_ascending(values)) is not None:
        # NWB times strictly increase (`poseconv validate` calls a file that breaks it critical).
        raise InvalidOptionError(f"{path}: the times {problem}")
    return values
