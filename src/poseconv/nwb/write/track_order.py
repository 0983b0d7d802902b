"""Record the order of the tracks in the file, which HDF5's listing by name does not keep.

HDF5 lists the groups of a processing module by name, so a reader of the containers of
tracks ``1, 2, ..., 10`` finds ``1, 10, 2, ...``. ndx-pose has no field for the position of a
``PoseEstimation`` among its siblings, and its ``description`` is the user's (metadata), so the
order is kept in a small ``DynamicTable`` in the processing module, named
:data:`~poseconv.nwb.layout.TRACK_ORDER_TABLE`: one row per container, in the order of the
tracks in their pose file, with the container's name and the track's
(:data:`~poseconv.nwb.layout.TRACK_ORDER_COLUMNS`). It is machine-readable with any NWB
reader, and :mod:`poseconv.nwb.read.pose` reads the containers in its order. Several pose
files written to one file add their rows in turn. It is written only when there are two
containers or more (one has no order to keep).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...metadata.names import unique_name
from ..layout import TRACK_ORDER_COLUMNS, TRACK_ORDER_TABLE

__all__ = ["record_track_order"]


def record_track_order(behavior: Any, rows: Sequence[tuple[str, str]], *, always: bool = False) -> Any | None:
    """Add ``(container name, track name)`` rows, in track order, to the module's track-order table.

    Parameters
    ----------
    behavior : pynwb.base.ProcessingModule
        The module holding the containers.
    rows : sequence of (str, str)
        The containers just written and their tracks, in the order of the tracks in the pose file.
    always : bool, default: False
        Record even one container (its track is not its name); else a table is made for two or more.

    Returns
    -------
    hdmf.common.DynamicTable or None
        The table, or None when nothing was recorded.
    """
    from hdmf.common import DynamicTable

    existing = behavior.data_interfaces.get(TRACK_ORDER_TABLE)
    name = TRACK_ORDER_TABLE
    if existing is not None and not isinstance(existing.id.data, list):
        # A table read from a file being appended to has fixed-size datasets: the containers added go in a
        # table of their own, TrackOrder_2, ..., which readers read after it.
        name = unique_name(TRACK_ORDER_TABLE, set(behavior.data_interfaces))
        existing = None
    if existing is None:
        if len(rows) < 2 and not (always and rows):
            return None
        table = DynamicTable(
            name=name,
            description=(
                "The PoseEstimation containers of this processing module in the order of the tracks "
                "(individuals) in the pose files they were read from; HDF5 lists them by name."
            ),
        )
        for column, description in TRACK_ORDER_COLUMNS.items():
            table.add_column(name=column, description=description)
        behavior.add(table)
    else:
        table = existing
    for container, track in rows:
        table.add_row(pose_estimation=container, track=track)
    return table
