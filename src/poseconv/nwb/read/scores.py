"""Read back what ndx-pose has no field for: SLEAP's per-frame instance values, and the order of the tracks.

:mod:`poseconv.nwb.write.scores` says how the values are stored (one ``TimeSeries`` per value
beside the ``PoseEstimation``), :mod:`poseconv.nwb.write.track_order` how the order is (a
``DynamicTable`` in the processing module). Files of other tools have neither: their
containers are put in natural order (``track 2`` before ``track 10``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..layout import INSTANCE_SERIES, TRACK_ORDER_COLUMNS, TRACK_ORDER_TABLE, instance_series_name, natural_key
from .store import is_group, text, texts

__all__ = ["ordered_container_keys", "read_instance_series", "recorded_tracks"]


def read_instance_series(module: Any, pose_estimation_name: str, n_frames: int) -> dict[str, np.ndarray]:
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
    dict of str to numpy.ndarray
        ``instance_scores`` and ``tracking_scores`` ``(n_frames,)`` float64 (NaN where not stored),
        ``user_labeled`` ``(n_frames,)`` bool; only those the file holds.
    """
    found: dict[str, np.ndarray] = {}
    for attribute in INSTANCE_SERIES:
        series = module.get(instance_series_name(pose_estimation_name, attribute))
        if series is None or not is_group(series) or "data" not in series:
            continue
        stored = np.asarray(series["data"][()]).reshape(-1)
        flags = attribute == "user_labeled"
        values = np.zeros(n_frames, dtype=bool) if flags else np.full(n_frames, np.nan)
        stored = stored[:n_frames]
        values[: len(stored)] = (stored != 0) if flags else stored.astype("float64")
        found[attribute] = values
    return found


def recorded_tracks(module: Any) -> tuple[dict[str, str], bool]:
    """Return the track a module's track-order table records for each container, and whether ``""`` means none.

    Tables written before the column said so hold an untracked container's own track name: there
    only a name other than the container's is news (the second value is False).
    """
    table = module.get(TRACK_ORDER_TABLE)
    if table is None or not is_group(table) or "pose_estimation" not in table or "track" not in table:
        return {}, False
    tracks = dict(zip(texts(table["pose_estimation"]), texts(table["track"]), strict=False))
    return tracks, text(table["track"].attrs.get("description")) == TRACK_ORDER_COLUMNS["track"]


def ordered_container_keys(root: Any, infos: Mapping[str, Any]) -> list[str]:
    """Return the keys of ``infos`` (container infos with ``path`` and ``name``) in track order.

    The order each module's track-order table records comes first; containers it does not list
    follow in natural order of their names.
    """
    recorded: dict[str, int] = {}
    modules: set[str] = set()
    for info in infos.values():
        module_path = info.path.rsplit("/", 1)[0]
        if module_path in modules:
            continue
        modules.add(module_path)
        table = root.get(f"{module_path}/{TRACK_ORDER_TABLE}")
        if table is not None and is_group(table) and "pose_estimation" in table:
            for position, name in enumerate(texts(table["pose_estimation"])):
                recorded.setdefault(f"{module_path}/{name}", position)

    def key(item: tuple[str, Any]) -> tuple:
        info = item[1]
        position = recorded.get(info.path)
        return (info.path.rsplit("/", 1)[0], position is None, position or 0, natural_key(info.name))

    return [name for name, _ in sorted(infos.items(), key=key)]
