"""Summarize poses as plain data: what ``poseconv inspect`` prints.

:func:`summarize_pose` turns a :class:`~poseconv.model.PoseData` into a dict
of JSON types only (str, int, float, None, lists, dicts), so the command line
can print it as a table or as JSON and tests can compare it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import PoseData, PoseTrack

__all__ = ["summarize_pose"]


def _float(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def _confidence_summary(track: PoseTrack, j: int) -> dict[str, float | None] | None:
    if track.confidence is None:
        return None
    values = track.confidence[:, j]
    values = values[~np.isnan(values)]
    if values.size == 0:
        return {"mean": None, "min": None, "median": None, "max": None}
    return {
        "mean": _float(values.mean()),
        "min": _float(values.min()),
        "median": _float(np.median(values)),
        "max": _float(values.max()),
    }


def _timing_summary(pose: PoseData, video: str) -> dict[str, Any]:
    n_frames = pose.n_frames(video)
    timing = pose.timing.get(video)
    if timing is None:
        return {"rate": None, "starting_time": None, "timestamps": False, "duration": None, "timing_source": None}
    times = timing.times(n_frames) if n_frames else np.empty(0)
    duration = float(times[-1] - times[0]) if n_frames > 1 else 0.0
    rate = timing.rate
    if rate is None and n_frames > 1 and duration > 0:
        rate = (n_frames - 1) / duration
    return {
        "rate": _float(rate) if rate is not None else None,
        "starting_time": float(times[0]) if n_frames else float(timing.starting_time),
        "timestamps": timing.timestamps is not None,
        "duration": duration,
        "timing_source": timing.source,
    }


def summarize_pose(pose: PoseData) -> dict[str, Any]:
    """Return the facts ``poseconv inspect`` shows about ``pose``.

    Parameters
    ----------
    pose : PoseData
        The poses.

    Returns
    -------
    dict
        ``source_file``, ``source_software``, ``source_software_version``, ``scorer``, ``unit``,
        ``n_dims``; ``skeletons`` (nodes, edges by name); ``videos`` (frames, rate or mean rate of
        timestamps, duration, paths); ``tracks``, each with its frame count, the number of frames
        where any node is present, per-node ``missing_fraction`` (frames where the node is NaN) and
        per-node ``confidence`` (mean, min, median, max over frames with a value; None without
        confidence).
    """
    videos = {}
    for key, info in pose.videos.items():
        videos[key] = {
            "n_frames": pose.n_frames(key),
            **_timing_summary(pose, key),
            "original_path": info.original_path,
            "path": str(info.path) if info.path is not None else None,
            "frame_size": list(info.frame_size) if info.frame_size is not None else None,
        }
    tracks = []
    for track in pose.tracks:
        nodes = pose.skeletons[track.skeleton].nodes
        missing = np.isnan(track.positions).any(axis=2)
        n_frames = track.n_frames
        tracks.append(
            {
                "name": track.name,
                "video": track.video,
                "skeleton": track.skeleton,
                "n_frames": n_frames,
                "frames_with_pose": int((~missing).any(axis=1).sum()) if nodes else 0,
                "missing_fraction": {
                    node: (float(missing[:, j].mean()) if n_frames else None) for j, node in enumerate(nodes)
                },
                "confidence": (
                    None
                    if track.confidence is None
                    else {node: _confidence_summary(track, j) for j, node in enumerate(nodes)}
                ),
                "confidence_definition": track.confidence_definition,
            }
        )
    return {
        "source_file": str(pose.source_file),
        "source_software": pose.source_software,
        "source_software_version": pose.source_software_version,
        "scorer": pose.scorer,
        "unit": pose.unit,
        "n_dims": pose.n_dims,
        "skeletons": {
            name: {"nodes": list(s.nodes), "edges": [list(e) for e in s.edges]} for name, s in pose.skeletons.items()
        },
        "videos": videos,
        "tracks": tracks,
    }
