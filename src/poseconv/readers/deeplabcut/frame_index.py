"""The frame numbers of a predictions table's rows: checked, or refused with what the rows are instead.

DeepLabCut numbers each row by its video frame (0, 1, 2, ..., or the frames a stub or filter kept);
SuperAnimal video inference labels them ``frame0000``. Rows named by images are labels or
predictions on images; rows numbered by fractions, dates or durations are times.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from ..safety.input_checks import check_frame_count, rows_without_frame_numbers
from .time_lapse import time_lapse_images
from .variants import IMAGE_SUFFIXES, has_scores, labeled_rows_error

__all__ = ["parse_frame_index", "place_on_frames", "row_labels_error"]

# DeepLabCut 2.3's SuperAnimal video inference labels its rows "frame" + the frame number, zero-padded.
_FRAME_LABEL = re.compile(r"frame(\d+)")
# What to do about rows labelled by times, for the errors that refuse them.
_FIX = (
    "poseconv places each row on the video frame its index names; write the table with the frame "
    "numbers as its index (0, 1, 2, ..., as DeepLabCut does) and give the times with --timestamps "
    "(set_aligned_timestamps() in Python)."
)


def _frame_labels(index: Any) -> np.ndarray | None:
    """Return the frame numbers of rows labelled ``frame<number>``; None when any row is labelled otherwise."""
    matches = [_FRAME_LABEL.fullmatch(str(label)) for label in index]
    if not matches or not all(matches):
        return None
    return np.array([int(match.group(1)) for match in matches], dtype="int64")


def parse_frame_index(frame: Any, path: Path, *, images_as_frames: bool = False) -> np.ndarray:
    """Return the frame numbers of a predictions table's rows, checked to be increasing and not negative.

    With ``images_as_frames``, rows labelled by the images of a time-lapse folder
    (:func:`time_lapse_images`) are frames 0, 1, 2, ... in row order (put in the order of their image names
    after, by :func:`~.time_lapse.in_image_order`).

    Raises
    ------
    InvalidSourceFileError
        When rows are labeled images (labels, not predictions) or the numbers are out of order.
    """
    index = frame.index
    _refuse_fractional_index(index, path)
    try:
        values = np.asarray(index, dtype="int64")
    except (TypeError, ValueError) as err:
        values = _frame_labels(index)
        if values is None and images_as_frames and time_lapse_images(index, path) is not None:
            values = np.arange(len(index), dtype="int64")
        if values is None and _labelled_by_times(index):
            raise _times_error(path, index) from err
        if values is None and _names_images(index):
            raise labeled_rows_error(path, index[0], scored=has_scores(frame)) from err
        if values is None:
            raise row_labels_error(path, index, second_index=_has_second_index(frame)) from err
    if len(values) and (values.min() < 0 or np.any(np.diff(values) <= 0)):
        raise _order_error(path, values)
    return values


def _order_error(path: Path, values: np.ndarray) -> InvalidSourceFileError:
    """Return the error for frame numbers that do not increase from 0 up, naming the first row at fault.

    Two analyses joined without dropping the frames they share (``pd.concat``) repeat frames; the parts
    of a video joined in the wrong order go back. Rows count from 0, as pandas' ``df.iloc`` does.
    """
    negative = np.flatnonzero(values < 0)
    back = np.flatnonzero(np.diff(values) <= 0) + 1  # rows numbered no higher than the row before
    row = int(min(negative[:1].tolist() + back[:1].tolist()))
    frame = int(values[row])
    rule = "DeepLabCut numbers each row by its video frame, from 0 up (none below 0, repeated or out of order)"
    save = "and save the table again"
    if frame < 0:
        said = f"row {row} (counting from 0) is numbered {frame}, not a frame number"
        fix = (
            "Number the rows by their video frames, or drop the rows before the video "
            f"(pandas: df = df[df.index >= 0]), {save}"
        )
    elif frame == values[row - 1]:
        said = f"frame {frame} is repeated, in rows {row - 1} and {row} (counting from 0)"
        fix = f'Keep one row per frame (pandas: df = df[~df.index.duplicated(keep="first")]) {save}'
    else:
        earlier = np.flatnonzero(values[:row] == frame)
        repeats = f" and repeats row {int(earlier[0])}" if len(earlier) else ""
        before = f"frame {int(values[row - 1])} in row {row - 1}"
        said = f"row {row} (counting from 0) is frame {frame}, after {before}{repeats}"
        dedupe = 'df = df[~df.index.duplicated(keep="first")], then ' if len(np.unique(values)) < len(values) else ""
        fix = f"Put the rows in frame order (pandas: {dedupe}df = df.sort_index()) {save}"
    return InvalidSourceFileError(f"{path}: {said}; {rule}. {fix}.")


def _names_images(index: Any) -> bool:
    """Whether the first row labels name images (an image suffix, DeepLabCut's ``labeled-data`` folder)."""
    for label in index[:5]:
        for cell in label if isinstance(label, tuple) else (label,):
            text = str(cell).strip().lower().replace("\\", "/")
            if text.endswith(IMAGE_SUFFIXES) or text == "labeled-data" or "labeled-data/" in text:
                return True
    return False


def _has_second_index(frame: Any) -> bool:
    """Whether the rows have a second index column: several index levels, or a column without a header.

    A CSV written from rows indexed by (video, frame) is read with its first column as the row labels:
    the frame numbers become a column whose header cells are blank (pandas names them ``Unnamed: ...``).
    """
    if getattr(frame.index, "nlevels", 1) > 1:
        return True
    return any(
        all(str(part).startswith("Unnamed: ") for part in (column if isinstance(column, tuple) else (column,)))
        for column in frame.columns
    )


def row_labels_error(
    path: Path, labels: Any, *, second_index: bool = False, names: list[str] | None = None
) -> InvalidSourceFileError:
    """Return the error for rows labelled by text that names no image, where frame numbers should be.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    labels : sequence
        The first row labels, shown to the user.
    second_index : bool, default: False
        Whether the rows have a second index column (rows indexed by video and frame).
    names : list of str, optional
        The names of the index columns, when the file gives them.

    Returns
    -------
    InvalidSourceFileError
        Saying what the rows are labelled by and how to write the table.
    """
    shown = ", ".join(repr(label) for label in list(dict.fromkeys(labels[:3]))[:3])
    said = f"{path}: rows are labelled {shown}, ..., not frame numbers"
    if second_index or names:
        columns = f" ({', '.join(names)})" if names else " (video, frame, as set_index(['video', 'frame']) writes)"
        return InvalidSourceFileError(
            f"{said}: the table has a second index column{columns}, which a DeepLabCut table has not; its rows "
            "are numbered by the frame only. Save each video's rows as a table of its own with the frame numbers "
            "as its only index (df.xs(video, level=0) for each video), or convert DeepLabCut's original files."
        )
    return InvalidSourceFileError(f"{said}, and they name no images (as labels and predictions on images do). {_FIX}")


def _refuse_fractional_index(index: Any, path: Path) -> None:
    """Refuse rows numbered by fractions (times, such as a movement dataset's seconds), not frames.

    Cast to frame numbers, 0.0, 0.033, 0.067, ... would become 0, 0, 0 (an error about repeated
    frames that says nothing of the cause) and 0.0, 2.0, 4.0 s frames 0, 2, 4.
    """
    values = np.asarray(index)
    if values.dtype.kind in "mM" and len(values):
        # Dates or durations: cast to int64 they are nanoseconds, "frames" in the billions.
        raise _times_error(path, index)
    if values.dtype.kind != "f" or not len(values):
        return
    # pandas reads an empty first cell as NaN, which cast to a frame number is far below 0.
    what = rows_without_frame_numbers(
        values, lambda row: f"row {row} of the table has no frame number; give every row its frame number"
    )
    if what is not None:
        raise InvalidSourceFileError(f"{path}: {what}.")
    finite = values
    if np.array_equal(finite, np.round(finite)):
        return
    fraction = finite[finite != np.round(finite)][0]
    shown = ", ".join(f"{value:g}" for value in values[:3])
    raise InvalidSourceFileError(
        f"{path}: rows are numbered {shown}, ..., and {float(fraction)!r} is a fraction: not frame numbers "
        f"(times in seconds, perhaps). {_FIX}"
    )


def _labelled_by_times(index: Any) -> bool:
    """Whether text row labels read as durations or dates: how pandas writes a time index to a CSV.

    ``0 days 00:00:00.033333333`` or ``2024-05-01 10:00:00.033333333`` are no images; said to be
    predictions on images, the rows would be refused for what they are not.
    """
    import pandas as pd

    sample = [str(label) for label in index[:5]]
    for parse in (pd.to_timedelta, lambda labels: pd.to_datetime(labels, format="ISO8601")):
        try:
            parse(sample)
        except (ValueError, TypeError, OverflowError):
            continue
        return True
    return False


def _times_error(path: Path, index: Any) -> InvalidSourceFileError:
    shown = ", ".join(str(value) for value in index[:3])
    return InvalidSourceFileError(f"{path}: rows are labelled {shown}, ..., times, not frame numbers. {_FIX}")


def place_on_frames(table: Any, path: Path, *, images_as_frames: bool = False) -> np.ndarray:
    """Put the rows of ``table`` (a FrameTable) on the frames its index numbers, in place; return their numbers.

    The time base ends at the last frame number; a frame without a row reads as NaN. Raises as
    :func:`parse_frame_index`, and when the frames reach a time base no recording has.
    """
    frame_numbers = parse_frame_index(table, path, images_as_frames=images_as_frames)
    n_frames = int(frame_numbers[-1]) + 1 if len(frame_numbers) else 0
    check_frame_count(path, n_frames, len(frame_numbers))
    table.set_frames(None if len(frame_numbers) == n_frames else frame_numbers, n_frames)
    return frame_numbers
