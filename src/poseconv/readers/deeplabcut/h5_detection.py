"""Whether a ``.h5`` / ``.hdf5`` file is a DeepLabCut table, told from its attributes where they suffice.

The table is the one the readers read (:func:`.variants.table_key`): DeepLabCut's key, else the
first, at the top of the file or under a group a lab chose (``to_hdf(path, key="session1/poses")``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..safety.safe_pickle import pandas_store_keys, probe_hdf5
from .live import CLOCK_COLUMNS
from .live_flat import h5_flat_bodyparts
from .variants import LEVEL_NAMES, h5_first_row, h5_keypoint_columns, table_key

__all__ = ["is_deeplabcut_h5"]


def is_deeplabcut_h5(path: Path) -> bool:
    """Return True when an HDF5 file holds a DeepLabCut table or DeepLabCut-live's output.

    Raises
    ------
    InvalidSourceFileError, OSError, ...
        As :data:`~poseconv.readers.safety.input_checks.UNREADABLE_FILE_ERRORS`: the caller, a sniffer, says no.
    """
    import h5py

    # The check every input gets, before this process reads a header (once per version of a file).
    probe_hdf5(path)
    with h5py.File(path, "r") as handle:
        group = _pandas_group(handle, path)
        if group is None:
            # DeepLabCut-live's first analyze_live_video saved plain datasets, no pandas table.
            return h5_flat_bodyparts(handle) is not None
        # Other tools' tables in DeepLabCut's layout may leave the levels unnamed; DeepLabCut-live's GUI
        # names no levels when it does not know the bodyparts, but adds its clock columns.
        return "bodyparts" in _h5_level_names(group) or h5_keypoint_columns(path) or _has_clock_columns(path)


def _pandas_group(handle: Any, path: Path) -> Any:
    """Return the group of the pandas frame the readers read, or None when the file holds none."""
    import h5py

    top = [handle[key] for key in handle]
    for group in top:
        if isinstance(group, h5py.Group) and "pandas_type" in group.attrs:
            return group
    if not any(isinstance(group, h5py.Group) for group in top):
        # Only datasets (SLEAP's analysis files, DeepLabCut-live's first output): no pandas frame to look for.
        return None
    # A frame under a nested key; pandas lists the keys as the readers do (once per version of a file).
    keys = pandas_store_keys(path)
    return handle[table_key(keys)] if keys else None


def _has_clock_columns(path: Path) -> bool:
    """Whether the first frame has DeepLabCut-live's clock columns (``frame_time``, ``pose_time``)."""
    first = h5_first_row(path)
    if first is None:
        return False
    found = {str(column[0] if isinstance(column, tuple) else column) for column in first.columns}
    return set(CLOCK_COLUMNS) <= found


def _h5_level_names(group: Any) -> tuple[str, ...]:
    """Column level names of a pandas HDF5 table, read from its attributes without pandas."""
    names: list[str] = []
    for attr in ("non_index_axes", "axis0_level_names", "columns_level_names"):
        if attr in group.attrs:
            names.append(str(group.attrs[attr]))
    table = group.get("table")
    if table is not None:
        for attr in table.attrs:
            if attr.endswith("_kind") or "names" in attr:
                names.append(str(table.attrs[attr]))
    # Fixed-format frames keep level names on the axis0 datasets' attributes.
    for key in group:
        if key.startswith("axis0"):
            names.append(str(dict(group[key].attrs)))
    blob = " ".join(names)
    found = tuple(level for level in LEVEL_NAMES if level in blob)
    if not found:
        # Level names are stored pickled in some pandas versions; fall back to a byte search.
        raw = b" ".join(bytes(str(v), "utf-8") for v in group.attrs.values())
        found = tuple(level for level in LEVEL_NAMES if level.encode() in raw)
    return found
