"""A fast path for :func:`poseconv.readers.sleap.read_sleap` on ``.slp`` files: the tables read as arrays, in blocks.

``sleap_io.load_slp`` builds one Python object per instance (and per labeled
frame), which is most of the time of converting a long ``.slp`` (about 14 s for
200,000 frames x 2 tracks) and needs memory for the whole file. What poseconv
writes can be computed from the file's ``frames``, ``instances``, ``points`` and
``pred_points`` tables with a few vectorised numpy operations instead, a block of
frames at a time.

:func:`read_slp_index` checks the ``frames`` and ``instances`` tables chunk by chunk
and returns None for anything the fast path does not read exactly as ``read_sleap``
does, so that the caller falls back to sleap-io: instances without a track, two
instances of the same kind and track in one frame (``read_sleap`` warns about
those), a frame listed twice, instance ids or ranges out of order, point counts that
differ from the skeleton's, video ids that are not list indices, recording sessions,
or datasets sleap-io reads that this module does not know. :class:`SlpPointTable`
reads a video's poses block by block (its tracks' positions, confidence and per-frame
scores are lazy views of it), so memory does not grow with the frames of a file whose
frame rows are sorted, as SLEAP writes them. :func:`read_sleap_fast` assembles the
:class:`~poseconv.model.PoseData` with the SLEAP reader's own helpers; the tests
check that it equals ``read_sleap`` field for field.

The semantics reproduced (see ``readers/sleap.py``): per frame and track a user
instance wins over the prediction (``predicted_only`` drops user instances);
points not visible are NaN; coordinates of files older than format 1.1 are
shifted by -0.5 px as sleap-io does; confidence is the point score of predicted
instances and NaN for user ones; frames run to the last labeled frame of the video.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidSourceFileError
from ..model import frames as lazy
from ..model.frames import ColumnView, IsValue, block_frames_for
from .safety.input_checks import MAX_FRAMES, frame_count_plausible, reads_source
from .tables import H5FileTable

__all__ = ["SlpIndex", "SlpPointTable", "read_sleap_fast", "read_slp_index"]

# Top-level datasets/groups of a .slp that this module accounts for (videoN: embedded images).
_KNOWN_KEYS = {
    "frames",
    "instances",
    "metadata",
    "points",
    "pred_points",
    "suggestions_json",
    "tracks_json",
    "videos_json",
    "sessions_json",
    "provenance_json",
}
_USER, _PREDICTED = 0, 1
# Point-table rows between two instances of a block read past rather than read separately.
_POINT_GAP = 4096
# Frame rows indexed at once: bounds the memory of indexing a long file.
_INDEX_ROWS = 2**17
# Rows between two remembered frame indices of a sorted video (how a block finds its rows).
_CHECKPOINT_ROWS = 4096
# Instance score, tracking score and user flag of each track.
_PER_FRAME_COLUMNS = 3


def _skeleton_sizes(handle: Any) -> list[int] | None:
    """Return the number of nodes of each skeleton, from the metadata JSON, in file order."""
    raw = handle["metadata"].attrs.get("json")
    if raw is None:
        return None
    metadata = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    skeletons = metadata.get("skeletons")
    if not isinstance(skeletons, list):
        return None
    return [len(skeleton.get("nodes", [])) for skeleton in skeletons]


def _has_repeats(values: np.ndarray) -> bool:
    # A sort and a comparison of neighbours: cheaper than np.unique on hundreds of thousands of keys.
    ordered = np.sort(values)
    return bool(np.any(ordered[1:] == ordered[:-1]))


# (frames, kinds, point_starts, instance scores, tracking scores or None) of one (video, track, skeleton):
# the instance written for each frame that has one, frames increasing.
Group = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, "np.ndarray | None"]


class _InstanceTable:
    """The ``instances`` table of an open ``.slp``, read for a run of frame rows at a time."""

    def __init__(self, handle: Any, *, sizes: Sequence[int], predicted_only: bool) -> None:
        self.instances = handle["instances"]
        self.n_instances = len(self.instances)
        self.n_points = {_USER: len(handle["points"]), _PREDICTED: len(handle["pred_points"])}
        self.sizes = np.asarray(sizes, dtype="int64")
        self.predicted_only = predicted_only
        names = self.instances.dtype.names or ()
        self.fields = ["instance_id", "instance_type", "track", "skeleton", "point_id_start", "point_id_end", "score"]
        self.fields += ["tracking_score"] if "tracking_score" in names else []

    def winners(self, rows: np.ndarray, *, after: int = 0) -> dict[tuple[int, int, int], Group] | None:
        """Return the instance written for each track of each frame row, grouped by (video, track, skeleton).

        Parameters
        ----------
        rows : numpy.ndarray
            Consecutive records of the ``frames`` table, each a different frame.
        after : int
            Instance id the rows' instances may not start before (the end of the previous rows').

        Returns
        -------
        dict or None
            :data:`Group` by ``(video, track, skeleton)``; None when the rows hold anything the
            fast path does not read exactly like ``read_sleap``.
        """
        starts = rows["instance_id_start"].astype("int64")
        ends = rows["instance_id_end"].astype("int64")
        counts = ends - starts
        if np.any(counts < 0):
            return None
        # Instance ranges in frame-row order, none shared: how SLEAP writes them; the rest is left to sleap-io.
        if len(rows) and (starts[0] < after or np.any(starts[1:] < ends[:-1])):
            return None
        if len(rows) and ends[-1] > self.n_instances:
            return None  # damaged ranges would make the index arrays below huge
        first, last = (int(starts[0]), int(ends[-1])) if len(rows) else (0, 0)
        # One field at a time: contiguous columns, never more than these rows' records in memory.
        instances = {name: self.instances.fields(name)[first:last] for name in self.fields}
        if not np.array_equal(instances["instance_id"], np.arange(first, last)):
            return None
        # Instance positions start..end of every frame row, concatenated, without a Python loop.
        position = np.arange(int(counts.sum()), dtype="int64") + np.repeat(
            starts - first - (np.cumsum(counts) - counts), counts
        )
        if len(position) != last - first:
            instances = {name: values[position] for name, values in instances.items()}
        row = np.repeat(np.arange(len(rows)), counts)
        kind = instances["instance_type"].astype("int64")
        track = instances["track"].astype("int64")
        skeleton = instances["skeleton"].astype("int64")
        if np.any(track < 0) or np.any(~np.isin(kind, (_USER, _PREDICTED))):
            return None  # untracked instances: read_sleap's identity rules apply
        if np.any(skeleton >= len(self.sizes)):
            return None
        point_start = instances["point_id_start"].astype("int64")
        point_end = instances["point_id_end"].astype("int64")
        if np.any(point_end - point_start != self.sizes[skeleton]) or np.any(point_start < 0):
            return None  # a negative index would silently read other points
        # Points are read lazily, where h5py would cut a slice past the end short without a word.
        for instance_kind, available in self.n_points.items():
            if np.any(point_end[kind == instance_kind] > available):
                return None
        keep = kind == _PREDICTED if self.predicted_only else np.ones(len(kind), dtype=bool)
        row, kind, track, skeleton, point_start = (a[keep] for a in (row, kind, track, skeleton, point_start))
        scores = instances["score"][keep]
        tracking = instances["tracking_score"][keep] if "tracking_score" in instances else None
        # One integer per (frame row, track); a frame has one row (checked over the whole file).
        slot = row * (int(track.max(initial=0)) + 1) + track
        # Two instances of one kind for one track in one frame: read_sleap warns; leave it to it.
        if _has_repeats(slot * 2 + kind):
            return None
        # A user instance wins over the prediction of its track in its frame.
        winner = ~((kind == _PREDICTED) & np.isin(slot, slot[kind == _USER]))
        row, kind, track, skeleton, point_start, scores = (
            a[winner] for a in (row, kind, track, skeleton, point_start, scores)
        )
        tracking = tracking[winner] if tracking is not None else None
        video = rows["video"].astype("int64")[row]
        frame = rows["frame_idx"].astype("int64")[row]
        group = (video * (int(track.max(initial=0)) + 1) + track) * len(self.sizes) + skeleton
        by_group = np.argsort(group, kind="stable")
        bounds = np.flatnonzero(np.diff(group[by_group])) + 1
        result = {}
        for members in np.split(by_group, bounds) if len(by_group) else []:
            key = (int(video[members[0]]), int(track[members[0]]), int(skeleton[members[0]]))
            # Compact: frame numbers below 2**31 (checked over the whole file), scores as the file's float32.
            result[key] = (
                frame[members].astype("int32"),
                kind[members].astype("int8"),
                point_start[members],
                scores[members],
                tracking[members] if tracking is not None else None,
            )
        return result


@dataclass
class SlpTrackFacts:
    """What the index knows of one (video, track, skeleton) before any point is read."""

    n_nodes: int
    any_predicted: bool = False


@dataclass
class SlpVideoRows:
    """Where the frame rows of one video are, in a file whose rows are sorted by video and frame.

    Attributes
    ----------
    first_row, stop_row : int
        The video's rows of the ``frames`` table, ``[first_row, stop_row)``.
    checkpoints : numpy.ndarray
        Frame index of every :data:`_CHECKPOINT_ROWS`-th of those rows.
    last_frame : int
        Last labeled frame.
    """

    first_row: int
    stop_row: int
    checkpoints: np.ndarray
    last_frame: int

    def rows_for(self, start: int, stop: int) -> tuple[int, int]:
        """Return a row range holding every row of frames ``[start, stop)`` (and at most 2 checkpoints more)."""
        below = max(0, int(np.searchsorted(self.checkpoints, start, side="right")) - 1)
        above = int(np.searchsorted(self.checkpoints, stop, side="left"))
        return self.first_row + below * _CHECKPOINT_ROWS, min(self.stop_row, self.first_row + above * _CHECKPOINT_ROWS)


@dataclass
class SlpIndex:
    """What :func:`read_slp_index` found: the tracks, the videos, and how to find a block's instances.

    Attributes
    ----------
    tracks : dict
        :class:`SlpTrackFacts` by ``(video, track, skeleton)``.
    last_frame : dict of int to int
        Last labeled frame of each video.
    n_videos : int
        Videos of the file.
    format_id : float
        The file's format id.
    sizes : list of int
        Nodes of each skeleton.
    predicted_only : bool
        Whether user instances are ignored.
    has_tracking_scores : bool
        Whether instances have a tracking score.
    rows : dict of int to SlpVideoRows, optional
        When the file's frame rows are sorted by video and frame (as SLEAP writes them):
        where each video's rows are. Blocks then read their own rows and nothing is kept per frame.
    groups : dict, optional
        Otherwise: every :data:`Group`, by ``(video, track, skeleton)``, in memory.
    """

    tracks: dict[tuple[int, int, int], SlpTrackFacts]
    last_frame: dict[int, int]
    n_videos: int
    format_id: float
    sizes: list[int]
    predicted_only: bool
    has_tracking_scores: bool = False
    rows: dict[int, SlpVideoRows] | None = None
    groups: dict[tuple[int, int, int], Group] | None = None


def read_slp_index(path: str | Path, *, predicted_only: bool = False) -> SlpIndex | None:
    """Index the instances of a ``.slp``, or return None when only sleap-io can read it exactly.

    The ``frames`` and ``instances`` tables are read :data:`_INDEX_ROWS` frame rows at a
    time and every rule of the fast path is checked. When the frame rows are sorted by
    video and frame, as SLEAP writes them, only where each video's rows are is kept;
    otherwise the tables are read again and every track's instances kept in memory
    (about 21 bytes per instance).

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.slp`` file.
    predicted_only : bool, default: False
        Ignore user instances.

    Returns
    -------
    SlpIndex or None
        The index.
    """
    import h5py

    with h5py.File(path, "r") as handle:
        keys = set(handle.keys())
        if any(key not in _KNOWN_KEYS and not re.fullmatch(r"video\d+", key) for key in keys):
            return None
        if "sessions_json" in handle and len(handle["sessions_json"]):
            return None
        format_id = float(handle["metadata"].attrs.get("format_id", 1.0))
        sizes = _skeleton_sizes(handle)
        n_videos = len(handle["videos_json"]) if "videos_json" in handle else 0
        fields = handle["instances"].dtype.names or ()
        if sizes is None or "track" not in fields:
            return None
        index = SlpIndex(
            tracks={},
            last_frame={},
            n_videos=n_videos,
            format_id=format_id,
            sizes=sizes,
            predicted_only=predicted_only,
            has_tracking_scores="tracking_score" in fields,
        )
        try:
            rows = _scan(handle, index)
            if rows is None:
                # Rows out of order: keep every group in memory (a second pass; SLEAP does not write such files).
                index.groups = _collect_groups(handle, index)
            else:
                index.rows = rows
                index.last_frame = {video: info.last_frame for video, info in rows.items()}
        except _NotFast:
            return None
    present = sorted(index.last_frame)
    if present and present != list(range(n_videos)):
        return None  # sleap-io remaps sparse video ids; not reproduced here
    return index


class _NotFast(Exception):
    """The file holds something only sleap-io reads exactly."""


def _checked_winners(table: _InstanceTable, rows: np.ndarray, after: int) -> dict[tuple[int, int, int], Group]:
    groups = table.winners(rows, after=after)
    if groups is None:
        raise _NotFast
    return groups


def _scan(handle: Any, index: SlpIndex) -> dict[int, SlpVideoRows] | None:
    """Check every frame row and instance; return where each video's rows are, or None if they are out of order.

    Raises
    ------
    _NotFast
        When the fast path cannot read the file.
    """
    table = _InstanceTable(handle, sizes=index.sizes, predicted_only=index.predicted_only)
    frames = handle["frames"]
    videos: dict[int, SlpVideoRows] = {}
    checkpoints: dict[int, list[np.ndarray]] = {}
    in_order = True
    after = 0
    previous = (-1, -1)  # (video, frame) of the previous row
    for first in range(0, len(frames), _INDEX_ROWS):
        rows = frames[first : first + _INDEX_ROWS]
        groups = _checked_winners(table, rows, after)
        after = int(rows["instance_id_end"][-1])
        for key, (_, kinds, *_rest) in groups.items():
            facts = index.tracks.setdefault(key, SlpTrackFacts(n_nodes=int(index.sizes[key[2]])))
            facts.any_predicted = facts.any_predicted or bool(np.any(kinds == _PREDICTED))
        video = rows["video"].astype("int64")
        frame = rows["frame_idx"].astype("int64")
        if np.any(frame < 0) or np.any(frame >= MAX_FRAMES):
            raise _NotFast  # damaged; the object reader says so
        if not in_order:
            continue
        same_video = np.concatenate([[video[0] == previous[0]], video[1:] == video[:-1]])
        step = np.diff(np.concatenate([[previous[1]], frame]))
        step_video = np.diff(np.concatenate([[previous[0]], video]))
        if np.any(step_video < 0) or np.any(same_video & (step <= 0)):
            in_order = False
            continue
        previous = (int(video[-1]), int(frame[-1]))
        for v in np.unique(video).tolist():
            positions = np.flatnonzero(video == v)
            info = videos.setdefault(v, SlpVideoRows(first + int(positions[0]), 0, np.empty(0), -1))
            info.stop_row = first + int(positions[-1]) + 1
            info.last_frame = int(frame[positions[-1]])
            marks = (first + positions - info.first_row) % _CHECKPOINT_ROWS == 0
            checkpoints.setdefault(v, []).append(frame[positions[marks]])
    if not in_order:
        return None
    for v, info in videos.items():
        info.checkpoints = np.concatenate(checkpoints[v])
        if not frame_count_plausible(info.last_frame + 1, info.stop_row - info.first_row):
            raise _NotFast  # damaged frame indices; the object reader says so
    return videos


def _collect_groups(handle: Any, index: SlpIndex) -> dict[tuple[int, int, int], Group]:
    """Every group of a file whose frame rows are out of order, frames sorted (raises :class:`_NotFast`)."""
    table = _InstanceTable(handle, sizes=index.sizes, predicted_only=index.predicted_only)
    pieces: dict[tuple[int, int, int], list[Group]] = {}
    video_parts, frame_parts = [], []
    after = 0
    for first in range(0, len(handle["frames"]), _INDEX_ROWS):
        rows = handle["frames"][first : first + _INDEX_ROWS]
        groups = _checked_winners(table, rows, after)
        after = int(rows["instance_id_end"][-1])
        video_parts.append(rows["video"].astype("int64"))
        frame_parts.append(rows["frame_idx"].astype("int64"))
        for key, group in groups.items():
            pieces.setdefault(key, []).append(group)
    video = np.concatenate(video_parts) if video_parts else np.empty(0, dtype="int64")
    frame = np.concatenate(frame_parts) if frame_parts else np.empty(0, dtype="int64")
    del video_parts, frame_parts
    if _has_repeats(video * (int(frame.max(initial=0)) + 1) + frame):
        raise _NotFast  # a frame listed twice
    for v in np.unique(video).tolist():
        in_video = video == v
        index.last_frame[int(v)] = int(frame[in_video].max())
        if not frame_count_plausible(index.last_frame[int(v)] + 1, int(np.count_nonzero(in_video))):
            raise _NotFast  # damaged frame indices; the object reader says so
    del video, frame
    result: dict[tuple[int, int, int], Group] = {}
    for key in sorted(pieces):
        parts = [
            np.concatenate(column) if column[0] is not None else None for column in zip(*pieces.pop(key), strict=True)
        ]
        order = np.argsort(parts[0], kind="stable")
        result[key] = tuple(part[order] if part is not None else None for part in parts)
    return result


class SlpPointTable(H5FileTable):
    """The poses of one video's tracks in a ``.slp``, read a block of frames at a time.

    Columns, for each track in ``tracks``: ``x`` of every node, then ``y``, then the point
    score, each in skeleton node order; then the instance score, the tracking score and
    1.0 where the pose is a user instance (0.0 for a prediction). A block finds its
    instances (its own frame rows when the file is sorted, see :class:`SlpIndex`), reads
    the rows of ``points`` and ``pred_points`` they use (ranges more than
    :data:`_POINT_GAP` rows apart separately) and scatters them into frames; frames
    without an instance are NaN. Values follow ``read_sleap``: NaN where a point is not
    visible, legacy coordinates (format before 1.1) shifted by -0.5 px, point and
    instance scores only for predicted instances.

    Parameters
    ----------
    path : pathlib.Path
        The ``.slp`` file.
    index : SlpIndex
        The file's index.
    video : int
        The video.
    tracks : sequence of (video, track, skeleton)
        The tracks of the video, in column order.
    n_frames : int
        Frames of the video's time base.
    """

    def __init__(
        self, *, path: Path, index: SlpIndex, video: int, tracks: Sequence[tuple[int, int, int]], n_frames: int
    ) -> None:
        self.path = Path(path)
        self.keys = list(tracks)
        self.n_nodes = [index.tracks[key].n_nodes for key in self.keys]
        self.video_rows = index.rows[video] if index.rows is not None else None
        self.groups = {key: index.groups[key] for key in self.keys} if index.groups is not None else None
        self.sizes = index.sizes
        self.predicted_only = index.predicted_only
        self.legacy_coordinates = index.format_id < 1.1
        widths = [3 * n + _PER_FRAME_COLUMNS for n in self.n_nodes]
        self.bases = np.concatenate([[0], np.cumsum(widths)]).astype("int64")[:-1]
        n_columns = int(sum(widths))
        # Reading a block also holds its point rows (about as many bytes again) while they are
        # scattered, so a block is half the usual size.
        block_frames = block_frames_for(n_columns, target_bytes=lazy.TARGET_BLOCK_BYTES // 2)
        super().__init__(n_rows=n_frames, n_columns=n_columns, n_frames=n_frames, block_frames=block_frames)

    def positions_columns(self, index: int) -> np.ndarray:
        """Return the ``(nodes, 2)`` column map of track ``index``'s x, y."""
        n = self.n_nodes[index]
        return int(self.bases[index]) + np.stack([np.arange(n), n + np.arange(n)], axis=-1)

    def confidence_columns(self, index: int) -> np.ndarray:
        """Return the ``(nodes,)`` column map of track ``index``'s point scores."""
        n = self.n_nodes[index]
        return int(self.bases[index]) + 2 * n + np.arange(n)

    def per_frame_column(self, index: int, name: str) -> np.ndarray:
        """Return the 0-d column map of ``"instance_score"``, ``"tracking_score"`` or ``"user"``."""
        offset = ("instance_score", "tracking_score", "user").index(name)
        return np.asarray(int(self.bases[index]) + 3 * self.n_nodes[index] + offset)

    def _groups(self, handle: Any, start: int, stop: int) -> dict[tuple[int, int, int], Group]:
        if self.groups is not None:
            found = {}
            for key, group in self.groups.items():
                lo, hi = np.searchsorted(group[0], [start, stop])
                found[key] = tuple(part[lo:hi] if part is not None else None for part in group)
            return found
        first, last = self.video_rows.rows_for(start, stop)
        rows = handle["frames"][first:last]
        frame = rows["frame_idx"].astype("int64")
        lo, hi = np.searchsorted(frame, [start, stop])
        table = _InstanceTable(handle, sizes=self.sizes, predicted_only=self.predicted_only)
        groups = table.winners(rows[lo:hi])
        if groups is None:
            raise InvalidSourceFileError(
                f"{self.path}: frames {start} to {stop - 1} changed since the file was indexed."
            )
        return groups

    def _read_columns(self, start: int, stop: int) -> np.ndarray:
        out = np.full((self.n_columns, stop - start), np.nan)
        handle = self._file()
        groups = self._groups(handle, start, stop)
        for kind, dataset, names in (
            (_USER, "points", ("x", "y", "visible")),
            (_PREDICTED, "pred_points", ("x", "y", "visible", "score")),
        ):
            picks = []
            for index, key in enumerate(self.keys):
                if key not in groups:
                    continue
                frames, kinds, point_starts, _, _ = groups[key]
                of_kind = kinds == kind
                if np.any(of_kind):
                    picks.append((index, frames[of_kind] - start, point_starts[of_kind]))
            if not picks:
                continue
            points, where = _read_point_rows(
                handle[dataset],
                names,
                np.concatenate([p[2] for p in picks]),
                np.concatenate([p[2] + self.n_nodes[p[0]] for p in picks]),
            )
            for index, frames, point_starts in picks:
                n, base = self.n_nodes[index], int(self.bases[index])
                rows = where(point_starts)[:, None] + np.arange(n)
                visible = points["visible"][rows].astype(bool)
                for axis, name in enumerate(("x", "y")):
                    values = points[name][rows].astype("float64")
                    if self.legacy_coordinates:
                        values -= 0.5  # sleap-io's shift of the legacy pixel-corner coordinates
                    out[base + axis * n : base + (axis + 1) * n, frames] = np.where(visible, values, np.nan).T
                if kind == _PREDICTED:
                    out[base + 2 * n : base + 3 * n, frames] = points["score"][rows].astype("float64").T
        for index, key in enumerate(self.keys):
            if key not in groups:
                continue
            frames, kinds, _, scores, tracking = groups[key]
            column = int(self.bases[index]) + 3 * self.n_nodes[index]
            frames = frames - start
            out[column, frames] = np.where(kinds == _PREDICTED, scores.astype("float64"), np.nan)
            if tracking is not None:
                out[column + 1, frames] = tracking.astype("float64")
            out[column + 2, frames] = kinds == _USER
        return out


def _read_point_rows(
    dataset: Any, names: Sequence[str], starts: np.ndarray, ends: np.ndarray, *, gap: int | None = None
) -> tuple[np.ndarray, Any]:
    """Read the rows ``[starts[i], ends[i])`` of a point table, as few contiguous ranges as sensible.

    Rows up to ``gap`` (default :data:`_POINT_GAP`) apart are read as one range, the rows between
    included. Returns the rows read (fields ``names``) and a function mapping a file row to its
    position there.
    """
    gap = _POINT_GAP if gap is None else gap
    order = np.argsort(starts, kind="stable")
    first, last = starts[order], np.maximum.accumulate(ends[order])
    # A new range where the next instance starts more than _POINT_GAP rows after everything so far.
    breaks = np.flatnonzero(first[1:] > last[:-1] + gap) + 1
    range_starts = first[np.concatenate([[0], breaks])]
    range_stops = last[np.concatenate([breaks - 1, [len(first) - 1]])]
    view = dataset.fields(list(names))
    pieces = [view[int(a) : int(b)] for a, b in zip(range_starts, range_stops, strict=True)]
    offsets = np.concatenate([[0], np.cumsum([len(piece) for piece in pieces])])[:-1]
    rows = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)

    def where(file_rows: np.ndarray) -> np.ndarray:
        in_range = np.searchsorted(range_starts, file_rows, side="right") - 1
        return file_rows - range_starts[in_range] + offsets[in_range]

    return rows, where


@reads_source("SLEAP file")
def read_sleap_fast(
    file_path: str | Path,
    *,
    video_indices: Sequence[int] | None = None,
    predicted_only: bool = False,
    untracked: str = "error",
) -> Any:
    """Read a SLEAP file like :func:`~poseconv.readers.sleap.read_sleap`, from arrays when the file allows.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A ``.slp`` (analysis ``.h5`` files are passed to ``read_sleap``).
    video_indices, predicted_only, untracked
        As :func:`~poseconv.readers.sleap.read_sleap`.

    Returns
    -------
    PoseData
        Equal to what ``read_sleap`` returns.
    """
    import dataclasses

    from ..model import FrameTiming, PoseData, PoseTrack, Skeleton
    from . import sleap as slow
    from .safety.input_checks import check_frame_count, check_input_file

    path = check_input_file(file_path, suffixes=slow.SUFFIXES, what="SLEAP .slp or analysis .h5")
    slow._check_untracked_option(untracked)
    index = None
    if path.suffix.lower() == ".slp" or slow.is_slp_file(path):
        header = slow.slp_header(path)
        try:
            index = read_slp_index(path, predicted_only=predicted_only)
        except Exception:
            index = None
    if index is None:
        return slow.read_sleap(path, video_indices=video_indices, predicted_only=predicted_only, untracked=untracked)

    from sleap_io.io import slp as sio_slp

    videos = sio_slp.read_videos(str(path), open_backend=False)
    skeleton_objects = sio_slp.read_skeletons(str(path))
    sleap_tracks = sio_slp.read_tracks(str(path))
    metadata = sio_slp.read_metadata(str(path))
    provenance = dict(sio_slp.read_provenance(str(path), metadata) or {})
    if len(videos) != index.n_videos:
        return slow.read_sleap(path, video_indices=video_indices, predicted_only=predicted_only, untracked=untracked)

    described = [slow.slp_video_info(video, i, path) for i, video in enumerate(videos)]
    keys = slow.unique_names([info.key for info, _ in described])
    infos = [dataclasses.replace(info, key=key) for (info, _), key in zip(described, keys, strict=True)]
    selected = slow._select_videos(path, len(infos), keys, video_indices)
    skeleton_names, track_names = slow.sleap_names(skeleton_objects, sleap_tracks)
    rows = {(v, ("track", t), s): None for (v, t, s) in index.tracks if v in selected}
    names = slow._slot_names(rows, track_names, skeleton_names)
    ordered = sorted(rows, key=lambda k: (selected.index(k[0]), k[1][0] != "track", k[1][1], k[2]))
    with_tracking = bool(header["has_tracking_score"]) and index.has_tracking_scores
    tracks = []
    for v in dict.fromkeys(v for v, _, _ in ordered):
        n_frames = max(index.last_frame[v] + 1, infos[v].n_frames or 0)
        check_frame_count(path, n_frames, index.last_frame[v] + 1, what=f"frames of video {infos[v].key!r}")
        in_video = [key for key in ordered if key[0] == v]
        # One table per video, so that a block of frames is read once for all of its tracks.
        table = SlpPointTable(
            path=path, index=index, video=v, tracks=[(v, slot[1], s) for _, slot, s in in_video], n_frames=n_frames
        )
        for column, (_, slot, s) in enumerate(in_video):
            any_predicted = index.tracks[v, slot[1], s].any_predicted

            def per_frame(name: str, table: SlpPointTable = table, column: int = column) -> ColumnView:
                return ColumnView(table, table.per_frame_column(column, name))

            tracks.append(
                PoseTrack(
                    name=names[slot, s],
                    skeleton=skeleton_names[s],
                    video=infos[v].key,
                    positions=ColumnView(table, table.positions_columns(column)),
                    confidence=ColumnView(table, table.confidence_columns(column)) if any_predicted else None,
                    confidence_definition=slow.SLP_CONFIDENCE_DEFINITION if any_predicted else None,
                    instance_scores=per_frame("instance_score") if any_predicted else None,
                    tracking_scores=per_frame("tracking_score") if with_tracking else None,
                    user_labeled=IsValue(per_frame("user"), 1.0),
                )
            )
    skeletons = [
        Skeleton(name=name, nodes=tuple(s.node_names), edges=tuple(tuple(e) for e in s.edge_inds))
        for s, name in zip(skeleton_objects, skeleton_names, strict=True)
    ]
    timing = {
        info.key: FrameTiming(rate=info.fps, source=f"video fps recorded in {path.name}")
        for info in infos
        if info.fps is not None
    }
    version = provenance.get("sleap_version")
    used_tracks = {slot[1] for _, slot, _ in rows}
    notes: dict[str, Any] = {
        "file_kind": "slp",
        "format_id": header["format_id"],
        "predicted_only": predicted_only,
        "untracked": untracked,
        "videos": {info.key: facts for info, (_, facts) in zip(infos, described, strict=True)},
        "selected_videos": [infos[i].key for i in selected],
        "tracks_without_instances": [name for i, name in enumerate(track_names) if i not in used_tracks],
        "provenance": {k: v for k, v in provenance.items() if k != "filename"},
    }
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file=path,
        skeletons=skeletons,
        videos=infos,
        tracks=tracks,
        timing=timing,
        source_software_version=str(version) if version else None,
        scorer=slow._scorer(provenance),
        reference_frame=slow.SLEAP_REFERENCE_FRAME,
        notes=notes,
    )
