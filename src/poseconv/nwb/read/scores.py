"""Read back what ndx-pose has no field for: SLEAP's per-frame instance values, and the order of the tracks.

:mod:`poseconv.nwb.write.scores` says how the values are stored (one ``TimeSeries`` per value
beside the ``PoseEstimation``), :mod:`poseconv.nwb.write.track_order` how the order is (a
``DynamicTable`` in the processing module). Files of other tools have neither: their
containers are put in natural order (``track 2`` before ``track 10``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from ..layout import (
    IDENTITY_NAMES_PREFIX,
    INSTANCE_SERIES,
    TRACK_ORDER_COLUMNS,
    camera_order_name,
    instance_series_name,
    natural_key,
    track_order_table_names,
)
from .store import is_group, member, neurodata_type, text, texts

__all__ = [
    "ordered_container_keys",
    "read_instance_series",
    "recorded_camera_order",
    "recorded_tracks",
    "track_order_tables",
]


def read_instance_series(module: Any, pose_estimation_name: str, n_frames: int) -> dict[str, Any]:
    """Return the per-frame instance values stored beside a ``PoseEstimation``, by ``PoseTrack`` attribute.

    Parameters
    ----------
    module : h5py.Group or h5py-style group
        The processing module (``/processing/behavior``).
    pose_estimation_name : str
        Name of the ``PoseEstimation``.
    n_frames : int
        Frames of the container; the series share its times (row ``i`` is frame ``i``).

    Returns
    -------
    dict of str
        ``instance_scores``, ``tracking_scores`` and ``identity_scores`` ``(n_frames,)`` float64 (NaN where
        not stored), ``user_labeled`` ``(n_frames,)`` bool, ``identities`` ``(n_frames,)`` int32 (-1 where not
        stored) with ``identity_names``, the names its comments list; only those the file holds.

    Raises
    ------
    InvalidSourceFileError
        When an ``_identity`` series does not list the names of its identities, or gives an index it does not list.
    """
    found: dict[str, Any] = {}
    for attribute in INSTANCE_SERIES:
        series = member(module, instance_series_name(pose_estimation_name, attribute))
        if series is None or not is_group(series) or member(series, "data") is None:
            continue
        stored = np.asarray(series["data"][()]).reshape(-1)[:n_frames]
        if attribute == "user_labeled":
            values = np.zeros(n_frames, dtype=bool)
            values[: len(stored)] = stored != 0
        elif attribute == "identities":
            values = np.full(n_frames, -1, dtype="int32")
            values[: len(stored)] = stored
            found["identity_names"] = _identity_names(series, values)
        else:
            values = np.full(n_frames, np.nan)
            values[: len(stored)] = stored.astype("float64")
        found[attribute] = values
    return found


def _identity_names(series: Any, identities: np.ndarray) -> tuple[str, ...]:
    """Return the identity names an ``_identity`` series' comments list (see :mod:`poseconv.nwb.write.scores`)."""
    comments = text(series.attrs.get("comments")) or ""
    names = None
    if IDENTITY_NAMES_PREFIX in comments:
        with contextlib.suppress(ValueError):
            names = json.loads(comments.split(IDENTITY_NAMES_PREFIX, 1)[1])
    valid = isinstance(names, list) and all(isinstance(name, str) for name in names)
    if not valid or (identities.size and (identities.min() < -1 or identities.max() >= len(names))):
        raise InvalidSourceFileError(
            f"{series.name}: the SLEAP identities of the poses are indices into the names its comments should list "
            f"after {IDENTITY_NAMES_PREFIX.strip()!r} (a JSON list of strings, one per index); they do not. Write "
            "the NWB file again from the SLEAP file."
        )
    return tuple(names)


def track_order_tables(module: Any) -> list[Any]:
    """Return a module's track-order tables: ``TrackOrder``, then those appends added (``TrackOrder_2``, ...)."""
    tables = [module[name] for name in track_order_table_names(module)]
    return [t for t in tables if is_group(t) and "pose_estimation" in t]


def recorded_tracks(module: Any) -> tuple[dict[str, str], bool]:
    """Return the track a module's track-order tables record for each container, and whether ``""`` means none.

    Tables written before the column said so hold an untracked container's own track name: there
    only a name other than the container's is news (the second value is False).
    """
    tables = [table for table in track_order_tables(module) if "track" in table]
    if not tables:
        return {}, False
    tracks = {}
    for table in tables:
        tracks.update(zip(texts(table["pose_estimation"]), texts(table["track"]), strict=False))
    return tracks, text(tables[0]["track"].attrs.get("description")) == TRACK_ORDER_COLUMNS["track"]


def recorded_camera_order(root: Any, container: Any) -> list[str]:
    """Return the camera views of a ``MultiCameraPoseEstimation`` in the order the table beside it records.

    Parameters
    ----------
    root : h5py.File or h5py-style group
        The file's root group.
    container : h5py.Group or h5py-style group
        The ``MultiCameraPoseEstimation``.

    Returns
    -------
    list of str
        The names of its views (``PoseEstimation``) the table lists, as it lists them; empty without a table
        (:func:`~poseconv.nwb.layout.camera_order_name`).
    """
    parent, name = container.name.rsplit("/", 1)
    table = root[parent or "/"].get(camera_order_name(name))
    if table is None or not is_group(table) or "pose_estimation" not in table:
        return []
    return texts(table["pose_estimation"])


def ordered_container_keys(root: Any, infos: Mapping[str, Any]) -> list[str]:
    """Return the keys of ``infos`` (container infos with ``path`` and ``name``) in track order.

    The order each module's track-order table records comes first (for the camera views of a
    ``MultiCameraPoseEstimation``, its camera-order table's); containers it does not list follow in
    natural order of their names.
    """
    recorded: dict[str, int] = {}
    modules: set[str] = set()
    for info in infos.values():
        module_path = info.path.rsplit("/", 1)[0]
        if module_path in modules:
            continue
        modules.add(module_path)
        module = root.get(module_path)
        if module is None or not is_group(module):
            continue
        if neurodata_type(module) == "MultiCameraPoseEstimation":
            # Camera views, in the session's camera order (Zarr lists them by name).
            names = recorded_camera_order(root, module)
        else:
            names = [name for table in track_order_tables(module) for name in texts(table["pose_estimation"])]
        for position, name in enumerate(names):
            recorded.setdefault(f"{module_path}/{name}", position)

    def key(item: tuple[str, Any]) -> tuple:
        info = item[1]
        position = recorded.get(info.path)
        return (info.path.rsplit("/", 1)[0], position is None, position or 0, natural_key(info.name))

    return [name for name, _ in sorted(infos.items(), key=key)]
