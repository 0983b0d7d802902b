"""Summarize poses as plain data: what ``poseconv inspect`` prints.

:func:`summarize_pose` turns a :class:`~poseconv.model.PoseData` into a dict
of JSON types only (str, int, float, None, lists, dicts), so the command line
can print it as a table or as JSON and tests can compare it. Tracks are read a
block of frames at a time (lazy tracks of long recordings stay on disk); only each
node's confidence values are kept whole, for their median.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import PoseData, PoseTrack
from ..model.frames import read_frames
from ..model.location import recorded_location
from .files import missing_nodes, planar_nodes

__all__ = ["summarize_pose"]

# Frames read at once: tracks of long recordings are summarized a block at a time.
_BLOCK_FRAMES = 65536


def _float(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def _confidence_summary(values: np.ndarray) -> dict[str, float | None]:
    """Mean, min, median and max of one node's confidence values (NaN and frames without its coordinates removed)."""
    if values.size == 0:
        return {"mean": None, "min": None, "median": None, "max": None}
    return {
        "mean": _float(values.mean()),
        "min": _float(values.min()),
        "median": _float(np.median(values)),
        "max": _float(values.max()),
    }


# Frames with any node, missing frames per node, confidence summary per node (None without confidence).
_Statistics = tuple[int, np.ndarray, list[dict[str, float | None]] | None]


class _TrackStatistics:
    """Frames with any node, missing frames per node and confidence values per node of one track, a block at a time.

    Only the confidence values (NaN dropped, and those of frames where the node has no coordinates: DeepLabCut
    writes a likelihood beside NaN x, y) are kept whole, for the median; as float32 where that holds them
    exactly (they are float32 in most files), since those of every track of a table are kept at once. The
    ``planar`` nodes (stored as x, y in a 3D track) are missing only where x or y is.
    """

    def __init__(self, track: PoseTrack, n_nodes: int, planar: list[int]) -> None:
        self.track = track
        self.n_nodes = n_nodes
        self.planar = planar
        self.missing = np.zeros(n_nodes, dtype="int64")
        self.frames_with_pose = 0
        self.scores: list[list[np.ndarray]] | None = None if track.confidence is None else [[] for _ in range(n_nodes)]

    def add(self, start: int, stop: int) -> None:
        """Count frames ``[start, stop)`` of the track (those it has)."""
        stop = min(self.track.n_frames, stop)
        if start >= stop:
            return
        positions = read_frames(self.track.positions, start, stop, dtype=None)
        block = None if self.scores is None else read_frames(self.track.confidence, start, stop, dtype=None)
        gone = missing_nodes(positions, block, self.planar)
        self.missing += gone.sum(axis=0)
        self.frames_with_pose += int((~gone).any(axis=1).sum()) if self.n_nodes else 0
        if self.scores is not None:
            for j in range(self.n_nodes):
                column = block[:, j]
                kept = column[~np.isnan(column) & ~gone[:, j]]
                narrow = kept.astype("float32")
                # Compared as float64 again: float32 keeps them when every value comes back bit for bit.
                self.scores[j].append(narrow if np.array_equal(narrow, kept) else kept)

    def result(self) -> tuple[int, np.ndarray, list[dict[str, float | None]] | None]:
        """Return frames with any node, missing frames per node and the confidence summary of each node.

        The values kept are let go: summarized as soon as the track's pass ends, not kept for every track.
        """
        summaries = None
        if self.scores is not None:
            summaries = [
                _confidence_summary(np.concatenate(parts, dtype="float64") if parts else np.empty(0))
                for parts in self.scores
            ]
            self.scores = None
        return self.frames_with_pose, self.missing, summaries


def _track_statistics(pose: PoseData, tracks: list[PoseTrack]) -> list[_Statistics]:
    """Return the statistics of every track of ``tracks``; the tracks cut from one table in one pass over it.

    Tracks cut from one table (every individual of a multi-animal DeepLabCut file) are read a block of the
    table at a time, every track from each block before the next: read track after track, a table larger
    than the blocks it keeps was read whole once per track. Blocks are no longer than the table reads at
    once (and aligned with them), so each block of it is read once. Other tracks (an NWB file's series, read
    from datasets of their own) are read one after another, so only one track's confidence values are kept.
    """
    shared: dict[int, list[int]] = {}
    for i, track in enumerate(tracks):
        table = getattr(track.positions, "table", None)
        shared.setdefault(id(table) if table is not None else -1 - i, []).append(i)
    results: list[_Statistics] = [None] * len(tracks)  # type: ignore[list-item]
    for indices in shared.values():
        group = [tracks[i] for i in indices]
        tallies = [
            _TrackStatistics(track, len(pose.skeletons[track.skeleton].nodes), planar_nodes(pose, track))
            for track in group
        ]
        sizes = [
            getattr(values, "block_frames", None) for track in group for values in (track.positions, track.confidence)
        ]
        step = min([_BLOCK_FRAMES, *(int(size) for size in sizes if size)])
        for start in range(0, max(track.n_frames for track in group), step):
            for tally in tallies:
                tally.add(start, start + step)
        for i, tally in zip(indices, tallies, strict=True):
            results[i] = tally.result()
    return results


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


def _track_summary(pose: PoseData, track: PoseTrack, statistics: _Statistics) -> dict[str, Any]:
    """Return the facts of one track: frames, frames with a pose, missing fraction and confidence per node.

    ``statistics`` are the track's from :func:`_track_statistics`.
    """
    nodes = pose.skeletons[track.skeleton].nodes
    n_frames = track.n_frames
    frames_with_pose, missing, scores = statistics
    return {
        "name": track.name,
        "video": track.video,
        "skeleton": track.skeleton,
        "n_frames": n_frames,
        "frames_with_pose": frames_with_pose,
        "missing_fraction": {
            node: (float(missing[j] / n_frames) if n_frames else None) for j, node in enumerate(nodes)
        },
        "confidence": None if scores is None else dict(zip(nodes, scores, strict=True)),
        "confidence_definition": track.confidence_definition,
        # Per-node columns beside x, y and confidence (EKS's ens_median, ens_var, ...), kept in the file too.
        "extra_columns": {extra.name: list(extra.columns) for extra in track.extra_coords},
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
        timestamps, duration, paths: ``path`` a video file, ``image_files`` the images of an image
        sequence); ``tracks``, each with its frame count, the number of frames
        where any node is present, per-node ``missing_fraction`` (frames where the node is NaN) and
        per-node ``confidence`` (mean, min, median, max over frames with a value; None without
        confidence). A track's SLEAP ``replaced_predictions`` follow it as an entry named
        ``"<track> (replaced predictions)"`` with ``replaced_predictions_of`` and, read from NWB,
        the ``container`` holding them.
    """
    videos = {}
    for key, info in pose.videos.items():
        videos[key] = {
            "n_frames": pose.n_frames(key),
            **_timing_summary(pose, key),
            "original_path": info.original_path,
            "path": str(info.path) if info.path is not None else None,
            # An image sequence (SLEAP's image videos): its images here, one per frame, while ``path`` is None.
            "image_files": [str(image) for image in info.image_files] if info.image_files else None,
            "frame_size": list(info.frame_size) if info.frame_size is not None else None,
        }
    tracks = []
    replaced_containers = pose.notes.get("replaced_predictions_containers", {})
    replaced = [track.replaced_predictions for track in pose.tracks if track.replaced_predictions is not None]
    every = [*pose.tracks, *replaced]
    # Tracks sharing a table counted in one pass: read track by track, the table was read once per track.
    counted = {id(track): stats for track, stats in zip(every, _track_statistics(pose, every), strict=True)}
    for track in pose.tracks:
        tracks.append(_track_summary(pose, track, counted[id(track)]))
        if track.replaced_predictions is not None:
            # SLEAP predictions a user instance of the track replaced: listed after it, with their container.
            entry = _track_summary(pose, track.replaced_predictions, counted[id(track.replaced_predictions)])
            entry["name"] = f"{track.name} (replaced predictions)"
            entry["replaced_predictions_of"] = track.name
            container = replaced_containers.get(f"{track.video}/{track.name}")
            if container is not None:
                entry["container"] = container
            tracks.append(entry)
    return {
        "source_file": recorded_location(pose.source_file),
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
