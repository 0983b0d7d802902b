"""Index a ``.slp`` for the array reader: where each video's frames and each track's instances are.

``sleap_io.load_slp`` builds one Python object per instance (and per labeled frame), most
of the time of converting a long ``.slp`` (about 14 s for 200,000 frames x 2 tracks), with
memory for the whole file. What poseconv writes is computed from the file's ``frames``,
``instances``, ``points`` and ``pred_points`` tables with vectorised numpy instead, a block
of frames at a time (:mod:`.slp_points`).

:func:`read_slp_index` checks the ``frames`` and ``instances`` tables chunk by chunk. It
returns a :class:`SleapIoNeeded` naming what the file holds that the array path does not
reproduce, decided from the content: two instances of the same kind and track in one
frame, a user instance corrected from another track's prediction, a frame listed twice,
instance ids or ranges out of order, point counts that differ from the skeleton's, track
or video ids that are not list indices, recording sessions, damaged frame indices, or
datasets this module does not know. Such a file is read from
sleap-io's objects (:mod:`.slp_objects`); the tests check that both give the same result
on every file the array path reads.

The semantics reproduced: per frame and track a user instance wins over the prediction,
which is kept as a replaced prediction (``predicted_only`` drops user instances);
instances without a track go to untracked slots by SLEAP's rules (:mod:`.slp_untracked`);
points not visible are NaN; user coordinates of files older than format 1.1 are shifted by
-0.5 px as SLEAP does (:data:`~.slp_objects.LEGACY_SHIFT_NOTE`); confidence is the point
score of predicted instances and NaN for user ones; frames run to the last labeled frame of the video.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..safety.input_checks import MAX_FRAMES, frame_count_plausible
from .slp_layout import layout_obstacle, skeleton_sizes
from .slp_untracked import place_untracked, single_animal_videos

__all__ = [
    "PREDICTED",
    "REPLACED",
    "USER",
    "Group",
    "InstanceTable",
    "SleapIoNeeded",
    "SlpIndex",
    "SlpTrackFacts",
    "SlpVideoRows",
    "read_slp_index",
]

#: ``instance_type`` of user (human-placed) and predicted instances.
USER, PREDICTED = 0, 1
#: Not a SLEAP type: the index's kind of a prediction that a user instance of its track replaced in its frame.
REPLACED = 2
# Frame rows indexed at once: bounds the memory of indexing a long file.
_INDEX_ROWS = 2**17
# Rows between two remembered frame indices of a sorted video (how a block finds its rows).
_CHECKPOINT_ROWS = 4096


def _has_repeats(values: np.ndarray) -> bool:
    # A sort and a comparison of neighbours: cheaper than np.unique on hundreds of thousands of keys.
    ordered = np.sort(values)
    return bool(np.any(ordered[1:] == ordered[:-1]))


# (frames, kinds, point_starts, instance scores, tracking scores or None) of one (video, track, skeleton):
# the instance written for each frame that has one and the prediction it replaced (kind REPLACED), frames
# increasing.
Group = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, "np.ndarray | None"]


class InstanceTable:
    """The ``instances`` table of an open ``.slp``, read for a run of frame rows at a time."""

    def __init__(self, handle: Any, index: SlpIndex) -> None:
        self.instances = handle["instances"]
        self.n_instances = len(self.instances)
        self.n_points = {USER: len(handle["points"]), PREDICTED: len(handle["pred_points"])}
        self.sizes = np.asarray(index.sizes, dtype="int64")
        self.predicted_only = index.predicted_only
        self.n_tracks = index.n_tracks
        self.single_animal = index.single_animal
        names = self.instances.dtype.names or ()
        self.fields = ["instance_id", "instance_type", "track", "skeleton", "point_id_start", "point_id_end", "score"]
        self.fields += [name for name in ("tracking_score", "from_predicted") if name in names]

    def _range_obstacle(self, starts: np.ndarray, ends: np.ndarray, after: int) -> str | None:
        """Why the rows' instance ranges are not SLEAP's layout, or None when they are."""
        if np.any(ends < starts):
            return "frame rows whose instance range ends before it starts"
        # Instance ranges in frame-row order, none shared: how SLEAP writes them; the rest is left to sleap-io.
        if len(starts) and (starts[0] < after or np.any(starts[1:] < ends[:-1])):
            return "instance ranges out of frame-row order or shared by two frames"
        if len(starts) and ends[-1] > self.n_instances:
            return "instance ranges past the end of the instances table"  # would make huge index arrays below
        return None

    def winners(self, rows: np.ndarray, *, after: int = 0) -> dict[tuple[int, int, int], Group] | str:
        """Return the instance written for each track of each frame row, grouped by (video, track, skeleton).

        A prediction a user instance of its track replaced in its frame is in the group too, of kind :data:`REPLACED`
        (:func:`~.slp_points.kind_rows`); untracked instances have the track id of their slot (:mod:`.slp_untracked`).

        Parameters
        ----------
        rows : numpy.ndarray
            Consecutive records of the ``frames`` table, each a different frame.
        after : int
            Instance id the rows' instances may not start before (the end of the previous rows').

        Returns
        -------
        dict or str
            :data:`Group` by ``(video, track, skeleton)``; or what in the rows only sleap-io's objects read exactly.
        """
        starts = rows["instance_id_start"].astype("int64")
        ends = rows["instance_id_end"].astype("int64")
        counts = ends - starts
        obstacle = self._range_obstacle(starts, ends, after)
        if obstacle is not None:
            return obstacle
        first, last = (int(starts[0]), int(ends[-1])) if len(rows) else (0, 0)
        # One field at a time: contiguous columns, never more than these rows' records in memory.
        instances = {name: self.instances.fields(name)[first:last] for name in self.fields}
        if not np.array_equal(instances["instance_id"], np.arange(first, last)):
            return "instance ids that are not their row numbers"
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
        if np.any(track >= self.n_tracks):
            return "instances of a track the track list does not hold"
        if np.any(~np.isin(kind, (USER, PREDICTED))):
            return "instance types other than user and predicted"
        if np.any(skeleton >= len(self.sizes)) or np.any(skeleton < 0):
            return "instances of a skeleton the metadata does not list"
        point_start = instances["point_id_start"].astype("int64")
        point_end = instances["point_id_end"].astype("int64")
        if np.any(point_end - point_start != self.sizes[skeleton]) or np.any(point_start < 0):
            return "instances whose points do not match their skeleton's nodes"  # or would read other points
        # Points are read lazily, where h5py would cut a slice past the end short without a word.
        for instance_kind, available in self.n_points.items():
            if np.any(point_end[kind == instance_kind] > available):
                return "point ranges past the end of the point tables"
        if not self.predicted_only and _swap_fixed(instances, row, kind, track):
            return "a user instance corrected from the prediction of another track, or of none"  # read there
        keep = kind == PREDICTED if self.predicted_only else np.ones(len(kind), dtype=bool)
        row, kind, track, skeleton, point_start = (a[keep] for a in (row, kind, track, skeleton, point_start))
        scores = instances["score"][keep]
        tracking = instances["tracking_score"][keep] if "tracking_score" in instances else None
        tracked = track >= 0
        # One integer per (frame row, track, skeleton); a frame has one row (checked over the whole file). A
        # track's instances of two skeletons go to two containers, so they are not one slot.
        slot = (row * (self.n_tracks + 1) + track) * len(self.sizes) + skeleton
        # Two instances of one kind, track and skeleton in one frame: the object reader keeps the last and warns.
        if _has_repeats((slot * 2 + kind)[tracked]):
            return "two instances of one kind, track and skeleton in one frame"
        # A user instance wins over the prediction of its track (and skeleton) in its frame, kept as replaced.
        kind = np.where(tracked & (kind == PREDICTED) & np.isin(slot, slot[tracked & (kind == USER)]), REPLACED, kind)
        video = rows["video"].astype("int64")[row]
        if not tracked.all():
            # Untracked instances go to slots after the tracks: track id n_tracks + slot (see slp_untracked).
            kept = {name: instances[name][keep] for name in ("instance_id", "from_predicted") if name in instances}
            placed = place_untracked(
                (row, video, track, kind), kept, self.single_animal, self.n_tracks, (USER, PREDICTED, REPLACED)
            )
            if isinstance(placed, str):
                return placed
            track, kind = placed
        frame = rows["frame_idx"].astype("int64")[row]
        return _by_group((video, track, skeleton), len(self.sizes), (frame, kind, point_start, scores, tracking))


def _swap_fixed(instances: dict[str, np.ndarray], row: np.ndarray, kind: np.ndarray, track: np.ndarray) -> bool:
    """Whether a user instance's ``from_predicted`` is a prediction of its frame of another track (-1: none).

    The object reader warns of a swap fixed (:func:`~.slp_instance_links.swap_fixes`) and of an untracked user
    instance made from a track's prediction, and takes an untracked prediction a tracked user instance was made
    from for the one it replaced (:func:`~.slp_untracked.links_across_tracking`), so it is read there.
    """
    if "from_predicted" not in instances:
        return False
    source = instances["from_predicted"].astype("int64")
    users = np.flatnonzero((kind == USER) & (source >= 0))
    if not len(users):
        return False
    ids = instances["instance_id"].astype("int64")
    order = np.argsort(ids, kind="stable")
    at = order[np.minimum(np.searchsorted(ids[order], source[users]), len(ids) - 1)]
    found = (ids[at] == source[users]) & (row[at] == row[users]) & (kind[at] == PREDICTED)
    # Track -1 is none: an untracked user instance made from an untracked prediction is the array path's.
    return bool(np.any(found & (track[at] != track[users])))


def _by_group(
    keys: tuple[np.ndarray, np.ndarray, np.ndarray], n_skeletons: int, columns: tuple[Any, ...]
) -> dict[tuple[int, int, int], Group]:
    """Split the winners' columns (frame, kind, point start, score, tracking score) by (video, track, skeleton)."""
    video, track, skeleton = keys
    frame, kind, point_start, scores, tracking = columns
    group = (video * (int(track.max(initial=0)) + 1) + track) * n_skeletons + skeleton
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
    any_replaced: bool = False


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
    n_tracks : int
        Tracks of the file's track list; track id ``n_tracks + k`` is untracked slot ``k``
        (:mod:`.slp_untracked`).
    single_animal : dict of int to bool
        For each video with untracked instances, whether it is a single-animal video.
    crowded : dict of int to list of numpy.ndarray
        Frames of each video holding more than one untracked animal.
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
    n_tracks: int = 0
    single_animal: dict[int, bool] = field(default_factory=dict)
    crowded: dict[int, list[np.ndarray]] = field(default_factory=dict)
    rows: dict[int, SlpVideoRows] | None = None
    groups: dict[tuple[int, int, int], Group] | None = None


@dataclass(frozen=True)
class SleapIoNeeded:
    """What a ``.slp`` holds that the array path does not read exactly: it is read from sleap-io's objects."""

    reason: str


def read_slp_index(path: str | Path, *, predicted_only: bool = False) -> SlpIndex | SleapIoNeeded:
    """Index the instances of a ``.slp``, or say what in it only sleap-io's objects read exactly.

    The ``frames`` and ``instances`` tables are read :data:`_INDEX_ROWS` frame rows at a
    time and every rule of the array path is checked. When the frame rows are sorted by
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
    SlpIndex or SleapIoNeeded
        The index, or the reason the file needs sleap-io's objects.
    """
    import h5py

    with h5py.File(path, "r") as handle:
        obstacle = layout_obstacle(handle)
        if obstacle is not None:
            return SleapIoNeeded(obstacle)
        sizes = skeleton_sizes(handle)
        if sizes is None:
            return SleapIoNeeded("no skeleton list in the metadata JSON")
        fields = handle["instances"].dtype.names or ()
        index = SlpIndex(
            tracks={},
            last_frame={},
            n_videos=len(handle["videos_json"]) if "videos_json" in handle else 0,
            format_id=float(handle["metadata"].attrs.get("format_id", 1.0)),
            sizes=sizes,
            predicted_only=predicted_only,
            has_tracking_scores="tracking_score" in fields,
            n_tracks=len(handle["tracks_json"]) if isinstance(handle.get("tracks_json"), h5py.Dataset) else 0,
            single_animal=single_animal_videos(handle, USER, PREDICTED),
        )
        try:
            rows = _scan(handle, index)
            if rows is None:
                # Rows out of order: keep every group in memory (a second pass; SLEAP does not write such files).
                index.groups = _collect_groups(handle, index)
            else:
                index.rows = rows
                index.last_frame = {video: info.last_frame for video, info in rows.items()}
        except _NeedsObjects as why:
            return SleapIoNeeded(str(why))
    present = sorted(index.last_frame)
    if present and present != list(range(index.n_videos)):
        return SleapIoNeeded("video ids that are not the indices of its video list (sleap-io remaps them)")
    return index


class _NeedsObjects(Exception):
    """Raised while indexing: the file holds something only sleap-io's objects read exactly (the message says what)."""


# Damaged frame indices: the object reader refuses the file with an error that names the video.
_DAMAGED = "damaged frame indices"


def _checked_winners(table: InstanceTable, rows: np.ndarray, after: int) -> dict[tuple[int, int, int], Group]:
    groups = table.winners(rows, after=after)
    if isinstance(groups, str):
        raise _NeedsObjects(groups)
    return groups


def _scan(handle: Any, index: SlpIndex) -> dict[int, SlpVideoRows] | None:
    """Check every frame row and instance; return where each video's rows are, or None if they are out of order.

    Raises
    ------
    _NeedsObjects
        When the array path cannot read the file exactly.
    """
    table = InstanceTable(handle, index)
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
        for key, (frames_of, kinds, *_rest) in groups.items():
            facts = index.tracks.setdefault(key, SlpTrackFacts(n_nodes=int(index.sizes[key[2]])))
            facts.any_predicted = facts.any_predicted or bool(np.any(kinds == PREDICTED))
            facts.any_replaced = facts.any_replaced or bool(np.any(kinds == REPLACED))
            if key[1] > index.n_tracks:  # a second untracked animal in these frames
                index.crowded.setdefault(key[0], []).append(frames_of[kinds != REPLACED])
        video = rows["video"].astype("int64")
        frame = rows["frame_idx"].astype("int64")
        if np.any(frame < 0) or np.any(frame >= MAX_FRAMES):
            raise _NeedsObjects(_DAMAGED)
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
            raise _NeedsObjects(_DAMAGED)
    return videos


def _collect_groups(handle: Any, index: SlpIndex) -> dict[tuple[int, int, int], Group]:
    """Every group of a file whose frame rows are out of order, frames sorted (raises :class:`_NeedsObjects`)."""
    table = InstanceTable(handle, index)
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
        raise _NeedsObjects("a frame listed twice")
    for v in np.unique(video).tolist():
        in_video = video == v
        index.last_frame[int(v)] = int(frame[in_video].max())
        if not frame_count_plausible(index.last_frame[int(v)] + 1, int(np.count_nonzero(in_video))):
            raise _NeedsObjects(_DAMAGED)
    del video, frame
    result: dict[tuple[int, int, int], Group] = {}
    for key in sorted(pieces):
        parts = [
            np.concatenate(column) if column[0] is not None else None for column in zip(*pieces.pop(key), strict=True)
        ]
        order = np.argsort(parts[0], kind="stable")
        result[key] = tuple(part[order] if part is not None else None for part in parts)
    return result
