"""DeepLabCut-live's first saved poses: ``analyze_live_video``'s flat CSV and its HDF5 of plain datasets.

Before it saved pandas tables in DeepLabCut's layout (read by :mod:`.variants`), DeepLabCut-live's
``analyze_live_video`` (``dlclive/live_inference.py``, ``benchmark_videos`` before it) wrote, in
``save_poses_to_files``, ``<video>_poses.csv`` / ``.h5`` (``<video>_poses_<YYYYmmdd_HHMMSS>`` in
later versions):

* the CSV with ``csv.writer``: one header row ``frame, <bp>_x, <bp>_y, <bp>_confidence, ...`` and one
  row per analysed frame;
* the ``.h5`` with h5py: a 1-D dataset ``frames`` and one 1-D dataset per ``<bp>_x``, ``<bp>_y`` and
  ``<bp>_confidence``.

Both hold one animal. They are opened here as a table in DeepLabCut's layout (scorer
``DeepLabCut-live``, coords ``x, y, likelihood``) with its rows on the frames ``frame`` numbers, so
the predictions reader reads them as it reads DeepLabCut's own tables.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model.frame_tables import ArrayTable
from ..safety.input_checks import is_hdf5
from ..safety.safe_pickle import import_pandas_check, probe_hdf5
from ..tables import exact_float_option
from .frame_index import place_on_frames
from .live import LIVE_SOFTWARE
from .variants import read_csv_rows

__all__ = ["flat_bodyparts", "h5_flat_bodyparts", "open_live_flat"]

# The writer's axis suffixes, in the order it writes them, and DeepLabCut's coords they stand for.
_AXES = ("x", "y", "confidence")
_COORDS = ("x", "y", "likelihood")
_FRAME_COLUMN = "frame"
_FRAMES_DATASET = "frames"
# The first versions wrote each value as str() gives it: a torch tensor's is "tensor(12.3456[, device=...])".
_TORCH_CELL = re.compile(r"\s*tensor\(\s*([^,()\s]+)")


def flat_bodyparts(header: Sequence[str]) -> list[str] | None:
    """Return the bodyparts of a header ``frame, <bp>_x, <bp>_y, <bp>_confidence, ...``, in order; else None.

    Strict, so that other flat tables are not taken for DeepLabCut-live's: the first cell is
    ``frame`` and every bodypart has its three columns, in the writer's order. A bodypart's name may
    hold underscores: the suffix is the last one.
    """
    if len(header) < 4 or header[0] != _FRAME_COLUMN or (len(header) - 1) % 3:
        return None
    bodyparts = []
    for start in range(1, len(header), 3):
        triplet = header[start : start + 3]
        bodypart = triplet[0][: -len("_x")]
        if not bodypart or list(triplet) != [f"{bodypart}_{axis}" for axis in _AXES]:
            return None
        bodyparts.append(bodypart)
    return bodyparts


def h5_flat_bodyparts(handle: Any) -> list[str] | None:
    """Return the bodyparts of an open h5py file of DeepLabCut-live's plain datasets, in writing order; else None.

    The file holds only 1-D numeric datasets of one length: ``frames`` and each bodypart's
    ``_x``, ``_y`` and ``_confidence``. h5py lists members by name; the writer's bodypart order is
    the order it created them, which the addresses of their object headers keep.
    """
    import h5py

    members = {name: handle[name] for name in handle}
    if _FRAMES_DATASET not in members or len(members) < 4:
        return None
    lengths = set()
    axes: dict[str, set[str]] = {}
    for name, member in members.items():
        if not isinstance(member, h5py.Dataset) or member.ndim != 1 or member.dtype.kind not in "iuf":
            return None
        lengths.add(member.shape[0])
        if name != _FRAMES_DATASET:
            bodypart, _, axis = name.rpartition("_")
            if not bodypart or axis not in _AXES:
                return None
            axes.setdefault(bodypart, set()).add(axis)
    if len(lengths) != 1 or any(found != set(_AXES) for found in axes.values()):
        return None
    try:
        return sorted(axes, key=lambda part: h5py.h5o.get_info(members[f"{part}_x"].id).addr)
    except (AttributeError, TypeError, ValueError):
        # No address to order by in this h5py: the names' order is the one left.
        return list(axes)


def open_live_flat(path: Path) -> tuple[ArrayTable, np.ndarray] | None:
    """Open DeepLabCut-live's flat poses as a DeepLabCut table on the video's frames; None if ``path`` is not one.

    Parameters
    ----------
    path : pathlib.Path
        A ``.csv`` or ``.h5`` file.

    Returns
    -------
    (ArrayTable, numpy.ndarray) or None
        The table, columns ``(DeepLabCut-live, bodypart, x | y | likelihood)`` and positional level
        names (the software is the scorer's), and the frame number of each row; None when the file
        is not in this layout.

    Raises
    ------
    InvalidSourceFileError
        When the file is in this layout but its values are not numbers or its frame numbers are
        repeated, out of order or implausible.
    """
    if path.suffix.lower() == ".csv":
        bodyparts = flat_bodyparts((read_csv_rows(path, n_rows=1) or [[]])[0])
        if bodyparts is None:
            return None
        frames, values = _read_csv(path)
    else:
        if not is_hdf5(path):
            return None
        import h5py

        # The check every HDF5 input gets before this process opens it (made once per version of a file):
        # with pandas imported it is the check pandas needs, so a DeepLabCut table read next is not forked for again.
        import_pandas_check()
        probe_hdf5(path)
        with h5py.File(path, "r") as handle:
            bodyparts = h5_flat_bodyparts(handle)
            if bodyparts is None:
                return None
            frames = handle[_FRAMES_DATASET][()]
            names = [f"{part}_{axis}" for part in bodyparts for axis in _AXES]
            values = np.column_stack([handle[name][()].astype("float64") for name in names])
    return _on_frames(path, bodyparts, frames, values)


def _read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Return the frame column and the values (rows x columns, float64) of the flat CSV."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, header=0, **exact_float_option())
    except Exception as err:
        # pandas' parser errors have no common base; say which file, and chain.
        raise InvalidSourceFileError(f"{path}: cannot be parsed as DeepLabCut-live's poses CSV ({err}).") from err
    printed = False
    for column in frame.select_dtypes(exclude="number").columns:
        frame[column], torch_text = _cell_numbers(frame[column], path, column)
        printed |= torch_text
    if printed:
        warnings.warn(
            f"{path.name}: values are written as torch prints tensors ('tensor(12.3456)'), which rounds them; "
            "the .h5 analyze_live_video saved with it holds them exactly: convert that one for full precision.",
            PoseconvWarning,
            stacklevel=5,
        )
    return frame.iloc[:, 0].to_numpy(), frame.iloc[:, 1:].to_numpy(dtype="float64")


def _cell_numbers(cells: Any, path: Path, column: str) -> tuple[list[float], bool]:
    """Return a text column's numbers (``tensor(...)`` unwrapped) and whether any cell was a printed tensor."""
    numbers, torch_text = [], False
    for cell in cells.astype(str):
        match = _TORCH_CELL.match(cell)
        torch_text |= match is not None
        try:
            numbers.append(float(match.group(1) if match else cell))
        except ValueError as err:
            raise InvalidSourceFileError(
                f"{path}: column {column!r} holds {cell!r}, not a number; DeepLabCut-live writes only numbers."
            ) from err
    return numbers, torch_text


def _on_frames(
    path: Path, bodyparts: list[str], frames: np.ndarray, values: np.ndarray
) -> tuple[ArrayTable, np.ndarray]:
    """Return the values as a table in DeepLabCut's layout, its rows on the frames ``frames`` numbers."""
    import pandas as pd

    table = ArrayTable(values)
    table.columns = pd.MultiIndex.from_tuples(
        [(LIVE_SOFTWARE, part, coord) for part in bodyparts for coord in _COORDS],
        names=["scorer", "bodyparts", "coords"],
    )
    table.index = pd.Index(frames)
    # The writer is known and names no scorer: the software is told from the scorer, as for the GUI's tables.
    table.positional_levels = True
    table.clock_columns = {}
    # As open_predictions places DeepLabCut's rows: frames may start late or skip (NaN between).
    return table, place_on_frames(table, path)
