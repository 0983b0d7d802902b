"""Where the per-node values ndx-pose has no place for go: :class:`~poseconv.model.ExtraCoords`.

LightningPose ensembles (EKS) write, per keypoint, ensemble medians and variances
next to x, y and likelihood. ``PoseEstimationSeries`` holds only positions and one
confidence, so these values are written beside the ``PoseEstimation``, in the same
processing module:

* one ``BehavioralTimeSeries`` named ``<PoseEstimation name>ExtraCoords``
  (:func:`extra_coords_name`), holding
* one ``TimeSeries`` per node and group, named ``<node>_<group>`` (``nose_top_ens_var``; made unique
  as pose series names are, :func:`~poseconv.metadata.names.unique_nwb_names`): ``data`` is
  ``(frames, columns)`` float32 where exact, else float64, in the group's order (``x_ens_var, y_ens_var``),
  ``unit`` the group's unit (``pixels^2`` for variances), ``description`` the group's description, the
  timestamps linked to the pose series' (or the same rate and starting time), and ``comments`` a JSON object
  ``{"node": ..., "group": ..., "columns": [...], "storage": <the float32 rule>}`` that
  :func:`poseconv.nwb.read.extra_coords.read_extra_coords` uses to give the values back to the node and
  columns they came from. A group only some nodes have
  (:attr:`~poseconv.model.ExtraCoords.nodes`) has series for those nodes only.

Values are streamed to the file chunk by chunk, as the pose series are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ...metadata.names import unique_nwb_names
from ...model import PoseTrack
from ..layout import EXTRA_COORDS_SUFFIX, extra_coords_name
from .beside import check_name_beside

__all__ = ["EXTRA_COORDS_SUFFIX", "extra_coords_name", "write_extra_coords"]


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
    pose_estimation_name, n_frames, times, timing_source
        The track's ``PoseEstimation``, and the frames and times its series got, as for
        :func:`~poseconv.nwb.write.scores.write_instance_series`.

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
    from .series_iterators import FLOAT32_WHERE_EXACT, series_values

    name = extra_coords_name(pose_estimation_name)
    check_name_beside(behavior, name, pose_estimation_name)
    container = BehavioralTimeSeries(name=name)
    # A group only some nodes have (EKS smoothing a subset of the keypoints) gets series for those only.
    series = [
        (position, extra, index, node)
        for position, extra in enumerate(track.extra_coords)
        for index, node in enumerate(nodes if extra.nodes is None else extra.nodes)
    ]
    # Named as pose series are: "<node>_<group>" of two pairs can be one name (tail + ens_var, tail_ens + var;
    # kp/3 + var, kp_3 + var), the second gets "_2". The comments say which node and group a series holds.
    names = unique_nwb_names([f"{node}_{extra.name}" for _, extra, _, node in series])
    for (position, extra, index, node), series_name in zip(series, names, strict=True):
        container.add_timeseries(
            TimeSeries(
                name=series_name,
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
                        # As the pose series say it: a reader of a float32 dataset knows nothing was rounded.
                        "storage": FLOAT32_WHERE_EXACT,
                    }
                ),
                **times,
            )
        )
    behavior.add(container)
    return container
