"""Where the per-node values ndx-pose has no place for go: :class:`~poseconv.model.ExtraCoords`.

LightningPose ensembles (EKS) write, per keypoint, ensemble medians and variances
next to x, y and likelihood. ``PoseEstimationSeries`` holds only positions and one
confidence, so these values are written beside the ``PoseEstimation``, in the same
processing module:

* one ``BehavioralTimeSeries`` named ``<PoseEstimation name>ExtraCoords``
  (:func:`extra_coords_name`), holding
* one ``TimeSeries`` per node and group, named ``<node>_<group>``
  (``nose_top_ens_var``): ``data`` is ``(frames, columns)`` float64 in the group's
  order (``x_ens_var, y_ens_var``), ``unit`` the group's unit (``pixels^2`` for
  variances), ``description`` the group's description, the timestamps linked to the
  pose series' (or the same rate and starting time), and ``comments`` a JSON object
  ``{"node": ..., "group": ..., "columns": [...]}`` that :func:`read_extra_coords`
  uses to give the values back to the node and columns they came from.

Values are streamed to the file chunk by chunk, as the pose series are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import MetadataError
from ..model import ExtraCoords, PoseTrack

__all__ = ["EXTRA_COORDS_SUFFIX", "extra_coords_name", "read_extra_coords", "write_extra_coords"]

EXTRA_COORDS_SUFFIX = "ExtraCoords"


def extra_coords_name(pose_estimation_name: str) -> str:
    """Return the name of the ``BehavioralTimeSeries`` holding the extra coords of a ``PoseEstimation``."""
    return f"{pose_estimation_name}{EXTRA_COORDS_SUFFIX}"


def write_extra_coords(
    behavior: Any,
    track: PoseTrack,
    nodes: Sequence[str],
    *,
    pose_estimation_name: str,
    n_frames: int,
    times: dict[str, Any],
    timing_source: str,
) -> Any | None:
    """Add the extra coords of ``track`` next to its ``PoseEstimation`` (see the module docstring).

    Parameters
    ----------
    behavior : pynwb.base.ProcessingModule
        The module holding the ``PoseEstimation``.
    track : PoseTrack
        The track; nothing is written when it has no extra coords.
    nodes : sequence of str
        Node names, in the order of the track's arrays.
    pose_estimation_name : str
        Name of the track's ``PoseEstimation``.
    n_frames : int
        Frames to write (the first ones).
    times : dict
        ``rate``/``starting_time``, or ``timestamps`` (an array or a series to link to), as the pose series got.
    timing_source : str
        Where the frame times come from.

    Returns
    -------
    pynwb.behavior.BehavioralTimeSeries or None
        The container added, or None.

    Raises
    ------
    MetadataError
        When the module already holds an object of that name.
    """
    if not track.extra_coords:
        return None
    from pynwb import TimeSeries
    from pynwb.behavior import BehavioralTimeSeries

    # Imported here: the reader imports this module, and reading needs no hdmf.
    from .iterators import series_values

    name = extra_coords_name(pose_estimation_name)
    if name in behavior.data_interfaces:
        raise MetadataError(
            f"The file already holds '{name}' in processing['behavior']; give the PoseEstimation "
            f"'{pose_estimation_name}' another name in metadata['Pose']['PoseEstimations']."
        )
    container = BehavioralTimeSeries(name=name)
    for position, extra in enumerate(track.extra_coords):
        for index, node in enumerate(nodes):
            container.add_timeseries(
                TimeSeries(
                    name=f"{node}_{extra.name}".replace("/", "_").replace(":", "_"),
                    description=extra.description or f"Columns {', '.join(extra.columns)} of '{node}'.",
                    data=series_values(extra.values, index, n_frames),
                    unit=extra.unit,
                    comments=json.dumps(
                        {
                            "node": node,
                            "group": extra.name,
                            "position": position,
                            "columns": list(extra.columns),
                            "frame_times": timing_source,
                        }
                    ),
                    **times,
                )
            )
    behavior.add(container)
    return container


def read_extra_coords(module: Any, pose_estimation_name: str, nodes: Sequence[str], n_frames: int) -> tuple:
    """Read back the extra coords of a ``PoseEstimation`` from an h5py processing-module group.

    Parameters
    ----------
    module : h5py.Group
        The processing module (``/processing/behavior``).
    pose_estimation_name : str
        Name of the ``PoseEstimation``.
    nodes : sequence of str
        The container's nodes, in skeleton order.
    n_frames : int
        Frames of the container.

    Returns
    -------
    tuple of ExtraCoords
        One per group, in the order written; ``values`` ``(n_frames, nodes, columns)``, NaN for a
        node without a series. Empty when the file holds none.
    """
    group = module.get(extra_coords_name(pose_estimation_name))
    if group is None:
        return ()
    index = {node: j for j, node in enumerate(nodes)}
    found: dict[str, dict[str, Any]] = {}
    for series in group.values():
        comments = series.attrs.get("comments")
        if isinstance(comments, bytes):
            comments = comments.decode("utf-8")
        try:
            facts = json.loads(str(comments))
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
            },
        )
        values = np.asarray(series["data"][()], dtype="float64").reshape(-1, len(entry["columns"]))
        entry["values"][: len(values), index[facts["node"]]] = values[:n_frames]
    return tuple(
        ExtraCoords(
            name=name,
            columns=entry["columns"],
            values=entry["values"],
            description=entry["description"],
            unit=entry["unit"],
        )
        # h5py lists series by name; the groups go back in the order the tool wrote them.
        for name, entry in sorted(found.items(), key=lambda item: item[1]["position"])
    )


def _attr_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return "" if value is None else str(value)
