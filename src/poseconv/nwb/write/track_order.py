"""Record the order of the tracks in the file, which HDF5's listing by name does not keep.

HDF5 lists the groups of a processing module by name, so a reader of the containers of
tracks ``1, 2, ..., 10`` finds ``1, 10, 2, ...``. ndx-pose has no field for the position of a
``PoseEstimation`` among its siblings, and its ``description`` is the user's (metadata), so the
order is kept in a small ``DynamicTable`` in the processing module, named
:data:`~poseconv.nwb.layout.TRACK_ORDER_TABLE`: one row per container, in the order of the
tracks in their pose file, with the container's name and the track's
(:data:`~poseconv.nwb.layout.TRACK_ORDER_COLUMNS`). It is machine-readable with any NWB
reader, and :mod:`poseconv.nwb.read.pose` reads the containers in its order. Several pose
files written to one file add their rows in turn, each numbered in the ``input`` column: the
reader keeps the containers of one number together (a track a user placed by hand, whose scorer
differs, too) and two numbers of one video apart (:mod:`poseconv.nwb.read.inputs`). It is written
when there are two containers or more, or one beside the containers of another pose file that may
share its video (one container alone has no order to keep; two files on two linked videos are told
apart by them). Readers read the containers a table lists before the others, so a table made after
such a lone container lists it first, with a number of its own: the files read back in the order
they were written, in one conversion or appended.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...metadata.names import unique_name
from ..layout import (
    REPLACED_PREDICTIONS_SUFFIX,
    TRACK_ORDER_COLUMNS,
    TRACK_ORDER_TABLE,
    natural_key,
    new_table,
    replaced_predictions_name,
    track_order_table_names,
)
from ..read.pose_names import names_from_container_name, names_from_description
from ..read.store import decode

__all__ = ["record_track_order"]


def record_track_order(behavior: Any, rows: Sequence[tuple[str, str]], *, always: bool = False) -> Any | None:
    """Add the ``(container name, track name)`` rows of one pose file, in track order, to the module's table.

    Parameters
    ----------
    behavior : pynwb.base.ProcessingModule
        The module holding the containers.
    rows : sequence of (str, str)
        The containers just written from one pose file and their tracks, in the order of the tracks in the file.
    always : bool, default: False
        Record even one container (its track is not its name); else a table is made for two or more, or for
        one beside another file's containers. A table made lists first the containers written before it that
        no table lists (:func:`_unlisted_inputs`), numbered before this file.

    Returns
    -------
    hdmf.common.DynamicTable or None
        The table, or None when nothing was recorded.
    """
    tables = _track_order_tables(behavior)
    existing = behavior.data_interfaces.get(TRACK_ORDER_TABLE)
    name = TRACK_ORDER_TABLE
    if existing is not None and not isinstance(existing.id.data, list):
        # A table read from a file being appended to has fixed-size datasets: the containers added go in a
        # table of their own, TrackOrder_2, ..., which readers read after it.
        name = unique_name(TRACK_ORDER_TABLE, set(behavior.data_interfaces))
        existing = None
    number = _next_input(tables)
    written = {container for container, _track in rows}
    if existing is None:
        # One container beside another file's: recorded, so that a reader tells the two files apart.
        if len(rows) < 2 and not ((always or _other_containers(behavior, written)) and rows):
            return None
        table = new_table(
            name,
            "The PoseEstimation containers of this processing module in the order of the tracks (individuals) in "
            "the pose files they were read from, and which file each was read from; HDF5 lists them by name.",
            TRACK_ORDER_COLUMNS,
        )
        # Readers read the containers a table lists before the others: those written before it are listed
        # first, numbered before this file, so that they are read back first, as they were written.
        for earlier in _unlisted_inputs(behavior, written, tables):
            for container, track in earlier:
                table.add_row(pose_estimation=container, track=track, input=number)
            number += 1
        behavior.add(table)
    else:
        table = existing
    for container, track in rows:
        table.add_row(pose_estimation=container, track=track, input=number)
    return table


def _track_order_tables(behavior: Any) -> list[Any]:
    """Return the module's track-order tables (``TrackOrder``, ``TrackOrder_2``, ...), in the order written."""
    tables = [behavior.data_interfaces[name] for name in track_order_table_names(behavior.data_interfaces)]
    return [table for table in tables if "pose_estimation" in getattr(table, "colnames", ())]


def _next_input(tables: Sequence[Any]) -> int:
    """Return the number of the next pose file written to a module holding ``tables``.

    A table without an ``input`` column (written before it was) held one file: the containers it lists.
    """
    number = 0
    for table in tables:
        if "input" in table.colnames:
            values = [int(value) for value in table["input"].data[:]]
            number = max([number, *(value + 1 for value in values)])
        else:
            number += 1
    return number


def _other_containers(behavior: Any, written: set[str]) -> bool:
    """Whether the module holds a ``PoseEstimation`` another pose file wrote that may share a video with ``written``.

    Two files' containers on two linked videos are told apart by their videos (two cameras in one converter
    need no table); on one video, or with a video linked to neither, only the table tells them apart.
    """
    from ndx_pose import PoseEstimation

    items = behavior.data_interfaces
    mine = written | {replaced_predictions_name(name) for name in written}
    videos = [getattr(items.get(name), "source_video", None) for name in written]
    for name, item in items.items():
        if not isinstance(item, PoseEstimation) or name in mine:
            continue
        if item.source_video is None or any(video is None or video is item.source_video for video in videos):
            return True
    return False


def _unlisted_inputs(behavior: Any, written: set[str], tables: Sequence[Any]) -> list[list[tuple[str, str]]]:
    """Return the ``(container, track)`` rows of the module's ``PoseEstimation`` no table lists, one list per file.

    A pose file's one container alone in its module (or on a video of its own) gets no table; when a table is
    made later, its rows come first. The files are told apart as readers tell unlisted containers apart: by
    source software, version and scorer. Those read from the file appended to come first, in the order readers
    gave them (by name), then those written since, in the order written. Replaced predictions go with their
    container (readers attach them). A container whose description and name name no track (another tool's) is
    left unlisted: readers take a recorded track for the pose file's name of it, which is not known here.
    """
    from ndx_pose import PoseEstimation

    items = behavior.data_interfaces
    listed = {decode(value) for table in tables for value in table["pose_estimation"].data[:]}
    found = [
        (name, item)
        for name, item in items.items()
        if isinstance(item, PoseEstimation)
        and name not in written | listed
        and not (name.endswith(REPLACED_PREDICTIONS_SUFFIX) and name[: -len(REPLACED_PREDICTIONS_SUFFIX)] in items)
    ]
    # Containers read from the file appended to have a container_source; the others were written after them.
    stored = sorted((pair for pair in found if pair[1].container_source is not None), key=lambda p: natural_key(p[0]))
    files: dict[tuple, list[tuple[str, str]]] = {}
    for name, item in [*stored, *(pair for pair in found if pair[1].container_source is None)]:
        track = names_from_description(item.description, item.source_software)[0]
        if track is None:
            track = names_from_container_name(name, item.source_software)[0]
        if track is not None:
            facts = (item.container_source is None, item.source_software, item.source_software_version, item.scorer)
            files.setdefault(facts, []).append((name, track))
    return list(files.values())
