"""Read back the per-node values ndx-pose has no place for (:class:`~poseconv.model.ExtraCoords`).

:mod:`poseconv.nwb.write.extra_coords` says how they are stored: a ``BehavioralTimeSeries``
beside the ``PoseEstimation`` whose ``TimeSeries`` say in their ``comments`` which node and
columns they hold.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...model import ExtraCoords
from ..layout import extra_coords_name
from .store import decode

__all__ = ["read_extra_coords"]


def read_extra_coords(module: Any, pose_estimation_name: str, nodes: Sequence[str], n_frames: int) -> tuple:
    """Read back the extra coords of a ``PoseEstimation`` from a stored processing-module group.

    Parameters
    ----------
    module, pose_estimation_name
        As for :func:`~poseconv.nwb.read.scores.read_instance_series`.
    nodes : sequence of str
        The container's nodes, in skeleton order.
    n_frames : int
        Frames of the container.

    Returns
    -------
    tuple of ExtraCoords
        One per group, in the order written; ``values`` ``(n_frames, nodes, columns)``. A group with
        series for only some nodes (written so, as every node gets one otherwise) has those as its
        ``nodes``, in skeleton order. Empty when the file holds none.
    """
    group = module.get(extra_coords_name(pose_estimation_name))
    if group is None:
        return ()
    index = {node: j for j, node in enumerate(nodes)}
    found: dict[str, dict[str, Any]] = {}
    for series in group.values():
        try:
            facts = json.loads(decode(series.attrs.get("comments")))
        except ValueError:
            continue
        if not isinstance(facts, dict) or facts.get("node") not in index or "group" not in facts:
            continue
        columns = tuple(str(c) for c in facts.get("columns") or ())
        entry = found.setdefault(
            str(facts["group"]),
            {
                "position": int(facts.get("position", 0)),
                "columns": columns,
                "values": np.full((n_frames, len(nodes), len(columns)), np.nan),
                "description": _attr_text(series.attrs.get("description")),
                "unit": _attr_text(series["data"].attrs.get("unit")) or "n.a.",
                "held": np.zeros(len(nodes), dtype=bool),
            },
        )
        entry["held"][index[facts["node"]]] = True
        values = np.asarray(series["data"][()], dtype="float64").reshape(-1, len(entry["columns"]))
        entry["values"][: len(values), index[facts["node"]]] = values[:n_frames]
    return tuple(
        ExtraCoords(
            name=name,
            columns=entry["columns"],
            values=entry["values"] if entry["held"].all() else entry["values"][:, entry["held"]],
            description=entry["description"],
            unit=entry["unit"],
            nodes=None
            if entry["held"].all()
            else tuple(n for n, held in zip(nodes, entry["held"], strict=True) if held),
        )
        # h5py lists series by name; the groups go back in the order the tool wrote them.
        for name, entry in sorted(found.items(), key=lambda item: item[1]["position"])
    )


def _attr_text(value: Any) -> str:
    return "" if value is None else decode(value)
