"""Write the frame, instance and point tables of a ``.slp`` file a block of frames at a time.

A ``.slp`` file keeps its labels in four HDF5 tables: ``frames`` (one row per labeled
frame, with the range of its instances), ``instances`` (type, track, skeleton, score and
the range of its points), ``points`` (user instances) and ``pred_points`` (predicted
instances, with a score per point). sleap-io builds them from one Python object per
instance and per point, which for a long recording takes minutes and gigabytes.
Here sleap-io writes everything else (skeletons, tracks, videos, provenance) from a
``Labels`` without frames, and the four tables are then replaced by tables of the same
dtypes (the ones that sleap-io version writes) filled from the tracks' arrays block by
block, with numpy: rows in the order sleap-io would write them (frames by video and
frame index, instances in track order within a frame), the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import PoseData, PoseTrack
from ..model.frames import is_lazy_array

__all__ = ["write_label_tables"]

# sleap-io's codes for instance types.
_USER, _PREDICTED = 0, 1
# Values (frames x tracks x nodes) gathered per block, which bounds memory whatever the number of tracks.
_BLOCK_VALUES = 2**19
_TABLES = ("frames", "instances", "points", "pred_points")


@dataclass
class _Counters:
    frames: int = 0
    instances: int = 0
    points: int = 0
    pred_points: int = 0


def _frames(values: Any, start: int, stop: int) -> np.ndarray:
    return np.asarray(values.read(start, stop) if is_lazy_array(values) else values[start:stop], dtype="float64")


def _append(dataset: Any, rows: np.ndarray) -> None:
    if len(rows):
        n = dataset.shape[0]
        dataset.resize((n + len(rows),))
        dataset[n:] = rows


def _gather(tracks: list[PoseTrack], start: int, stop: int, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions ``(frames, tracks, width, 2)``, confidence ``(frames, tracks, width)`` and node validity."""
    n = stop - start
    positions = np.full((n, len(tracks), width, 2), np.nan)
    scores = np.full((n, len(tracks), width), np.nan)
    valid = np.zeros((len(tracks), width), dtype=bool)
    for k, track in enumerate(tracks):
        nodes = track.positions.shape[1]
        valid[k, :nodes] = True
        upto = min(stop, track.n_frames)
        if upto <= start:
            continue
        positions[: upto - start, k, :nodes] = _frames(track.positions, start, upto)[..., :2]
        if track.confidence is not None:
            scores[: upto - start, k, :nodes] = _frames(track.confidence, start, upto)
    return positions, scores, valid


def _block_rows(
    tables: dict[str, Any],
    counters: _Counters,
    *,
    video_id: int,
    start: int,
    positions: np.ndarray,
    scores: np.ndarray,
    valid: np.ndarray,
    skeleton_ids: np.ndarray,
    track_ids: np.ndarray,
) -> None:
    """Append the rows of one block of frames of one video to the four tables."""
    # An instance wherever a track has any coordinate in a frame; nonzero gives frame-major, track-minor order.
    present = ~np.all(np.isnan(positions), axis=(2, 3))
    frame_rows, track_cols = np.nonzero(present)
    if not len(frame_rows):
        return
    node_mask = valid[track_cols]  # (instances, width): the nodes each instance has
    points = positions[frame_rows, track_cols]  # (instances, width, 2)
    point_scores = scores[frame_rows, track_cols]
    # No score for any node: a user instance (SLEAP scores every predicted point).
    user = np.all(np.isnan(point_scores) | ~node_mask, axis=1)
    n_points = node_mask.sum(axis=1)

    instances = np.zeros(len(frame_rows), dtype=tables["instances"].dtype)
    instances["instance_id"] = counters.instances + np.arange(len(frame_rows))
    instances["instance_type"] = np.where(user, _USER, _PREDICTED)
    labeled, first_rows, per_frame = np.unique(frame_rows, return_index=True, return_counts=True)
    instances["frame_id"] = counters.frames + np.searchsorted(labeled, frame_rows)
    instances["skeleton"] = skeleton_ids[track_cols]
    instances["track"] = track_ids[track_cols]
    instances["from_predicted"] = -1
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(np.where(node_mask, point_scores, np.nan)[~user], axis=1)
    instances["score"][~user] = mean.astype("float32")
    instances["tracking_score"] = np.nan
    for kind, table, rows in (("points", "points", user), ("pred_points", "pred_points", ~user)):
        counts = np.where(rows, n_points, 0)
        ends = getattr(counters, kind) + np.cumsum(counts)
        instances["point_id_start"][rows] = (ends - counts)[rows]
        instances["point_id_end"][rows] = ends[rows]
        picked = node_mask & rows[:, None]
        values = np.zeros(int(picked.sum()), dtype=tables[table].dtype)
        values["x"], values["y"] = points[picked][:, 0], points[picked][:, 1]
        values["visible"] = ~np.isnan(points[picked]).any(axis=1)
        values["complete"] = False
        if kind == "pred_points":
            values["score"] = point_scores[picked]
        _append(tables[table], values)
        setattr(counters, kind, int(getattr(counters, kind) + counts.sum()))

    frames = np.zeros(len(labeled), dtype=tables["frames"].dtype)
    frames["frame_id"] = counters.frames + np.arange(len(labeled))
    frames["video"] = video_id
    frames["frame_idx"] = start + labeled
    frames["instance_id_start"] = counters.instances + first_rows
    frames["instance_id_end"] = counters.instances + first_rows + per_frame
    _append(tables["instances"], instances)
    _append(tables["frames"], frames)
    counters.instances += len(frame_rows)
    counters.frames += len(labeled)


def write_label_tables(
    handle: Any,
    pose: PoseData,
    *,
    video_keys: list[str],
    skeleton_names: list[str],
    track_ids: dict[str, int],
) -> None:
    """Replace the four label tables of an open ``.slp`` file with the poses' instances, block by block.

    Parameters
    ----------
    handle : h5py.File
        The file sleap-io wrote (without frames), open for writing.
    pose : PoseData
        2D poses.
    video_keys : list of str
        Videos in the order of the file's video list.
    skeleton_names : list of str
        Skeletons in the order of the file's skeleton list.
    track_ids : dict of str to int
        Index of each track name in the file's track list; -1 for instances without a track.
    """
    tables = {}
    for name in _TABLES:
        dtype = handle[name].dtype  # the layout this sleap-io version writes
        del handle[name]
        tables[name] = handle.create_dataset(name, shape=(0,), maxshape=(None,), dtype=dtype, chunks=(65536,))
    counters = _Counters()
    for video_id, key in enumerate(video_keys):
        tracks = [track for track in pose.tracks if track.video == key]
        if not tracks:
            continue
        width = max(track.positions.shape[1] for track in tracks)
        block = max(256, _BLOCK_VALUES // max(1, len(tracks) * width))
        skeletons = np.array([skeleton_names.index(track.skeleton) for track in tracks], dtype="int64")
        ids = np.array([track_ids[track.name] for track in tracks], dtype="int64")
        n_frames = max(track.n_frames for track in tracks)
        for start in range(0, n_frames, block):
            stop = min(n_frames, start + block)
            positions, scores, valid = _gather(tracks, start, stop, width)
            _block_rows(
                tables,
                counters,
                video_id=video_id,
                start=start,
                positions=positions,
                scores=scores,
                valid=valid,
                skeleton_ids=skeletons,
                track_ids=ids,
            )
