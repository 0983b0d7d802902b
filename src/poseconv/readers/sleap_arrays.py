"""A fast path for :func:`poseconv.readers.sleap.read_sleap` on ``.slp`` files: the instance tables read as arrays.

``sleap_io.load_slp`` builds one Python object per instance (and per labeled
frame), which is most of the time of converting a long ``.slp`` (about 14 s for
200,000 frames x 2 tracks). The dense per-track arrays that poseconv writes can
be computed from the file's ``frames``, ``instances``, ``points`` and
``pred_points`` tables with a few vectorised numpy operations instead.

:func:`read_slp_track_arrays` does that for the files it can read exactly as
``read_sleap`` does, and returns None for anything else, so that the caller falls
back to sleap-io: instances without a track, two instances of the same kind and
track in one frame (``read_sleap`` warns about those), a frame listed twice,
instance ids out of order, point counts that differ from the skeleton's, video ids
that are not list indices, recording sessions, or datasets sleap-io reads that this
module does not know. :func:`read_sleap_fast` assembles the
:class:`~poseconv.model.PoseData` around those arrays with the SLEAP reader's own
helpers; the tests check that it equals ``read_sleap`` field for field.

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
from typing import Any, NamedTuple

import numpy as np

from .. import lazy
from ..lazy import ColumnView, block_frames_for
from .files import frame_count_plausible
from .registry import register_reader
from .sleap import SUFFIXES, is_sleap_file
from .tables import H5FileTable

__all__ = ["SlpPointTable", "SlpTrackIndex", "read_sleap_fast", "read_slp_track_index"]

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


@dataclass(frozen=True)
class SlpTrackIndex:
    """Where the instances of one (video, track, skeleton) of a ``.slp`` are; one entry per frame that has one.

    Attributes
    ----------
    frames : numpy.ndarray
        int64 frame indices, increasing.
    kinds : numpy.ndarray
        int8 instance kind of each frame's instance: 0 user, 1 predicted.
    point_starts : numpy.ndarray
        int64 row of the instance's first node in its kind's point table (``points`` or ``pred_points``).
    n_nodes : int
        Nodes of the skeleton (points per instance).
    instance_scores : numpy.ndarray
        float64 instance score, NaN for user instances.
    tracking_scores : numpy.ndarray or None
        float64 tracking score, when the file has them.
    """

    frames: np.ndarray
    kinds: np.ndarray
    point_starts: np.ndarray
    n_nodes: int
    instance_scores: np.ndarray
    tracking_scores: np.ndarray | None

    @property
    def user_labeled(self) -> np.ndarray:
        """True where the frame's instance is a user instance."""
        return self.kinds == _USER

    @property
    def any_predicted(self) -> bool:
        """Whether any frame holds a predicted instance."""
        return bool(np.any(self.kinds == _PREDICTED))


def read_slp_track_index(
    path: str | Path, *, predicted_only: bool = False
) -> tuple[dict[tuple[int, int, int], SlpTrackIndex], dict[int, int], int, float] | None:
    """Index every (video, track, skeleton) of a ``.slp``, or None when only sleap-io can read it exactly.

    Only the ``frames`` and ``instances`` tables are read, :data:`_INDEX_ROWS` frame rows at a
    time; the points stay in the file until :class:`SlpPointTable` reads them block by block.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.slp`` file.
    predicted_only : bool, default: False
        Ignore user instances.

    Returns
    -------
    (dict, dict, int, float) or None
        :class:`SlpTrackIndex` by ``(video, track, skeleton)``; the last labeled frame of each
        video; the number of videos; the file's ``format_id``.
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
        table = _InstanceTable(handle, sizes=sizes, predicted_only=predicted_only)
        pieces: dict[tuple[int, int, int], list[tuple[np.ndarray, ...]]] = {}
        frame_videos, frame_numbers = [], []
        for first in range(0, len(handle["frames"]), _INDEX_ROWS):
            rows = handle["frames"][first : first + _INDEX_ROWS]
            chunk = table.winners(rows)
            if chunk is None:
                return None
            frame_videos.append(rows["video"].astype("int64"))
            frame_numbers.append(rows["frame_idx"].astype("int64"))
            for key, arrays in chunk.items():
                pieces.setdefault(key, []).append(arrays)

    video_ids = np.concatenate(frame_videos) if frame_videos else np.empty(0, dtype="int64")
    frame_idx = np.concatenate(frame_numbers) if frame_numbers else np.empty(0, dtype="int64")
    present_videos = set(np.unique(video_ids).tolist())
    if len(video_ids) and (len(present_videos) != n_videos or max(present_videos) != n_videos - 1):
        return None  # sleap-io remaps sparse video ids; not reproduced here
    if len(frame_idx) and frame_idx.min() < 0:
        return None  # damaged; the object reader says so
    if _has_repeats(video_ids * (int(frame_idx.max(initial=0)) + 1) + frame_idx):
        return None  # a frame listed twice
    last_frame: dict[int, int] = {}
    for video in present_videos:
        in_video = video_ids == video
        last_frame[int(video)] = int(frame_idx[in_video].max())
        if not frame_count_plausible(last_frame[int(video)] + 1, int(np.count_nonzero(in_video))):
            return None  # damaged frame indices; the object reader says so
    del video_ids, frame_idx

    result: dict[tuple[int, int, int], SlpTrackIndex] = {}
    for key in sorted(pieces):
        frames, kinds, point_starts, scores, tracking = (
            np.concatenate(parts) if parts[0] is not None else None for parts in zip(*pieces.pop(key), strict=True)
        )
        if np.any(frames[1:] < frames[:-1]):
            order = np.argsort(frames, kind="stable")
            frames, kinds, point_starts, scores = (a[order] for a in (frames, kinds, point_starts, scores))
            tracking = tracking[order] if tracking is not None else None
        result[key] = SlpTrackIndex(
            frames=frames,
            kinds=kinds,
            point_starts=point_starts,
            n_nodes=int(sizes[key[2]]),
            instance_scores=np.where(kinds == _PREDICTED, scores, np.nan),
            tracking_scores=tracking,
        )
    return result, last_frame, n_videos, format_id


class _InstanceTable:
    """The ``instances`` table of an open ``.slp``, indexed a chunk of frame rows at a time."""

    def __init__(self, handle: Any, *, sizes: list[int], predicted_only: bool) -> None:
        self.instances = handle["instances"]
        self.n_instances = len(self.instances)
        self.n_points = {_USER: len(handle["points"]), _PREDICTED: len(handle["pred_points"])}
        self.sizes = np.asarray(sizes, dtype="int64")
        self.predicted_only = predicted_only
        names = self.instances.dtype.names or ()
        self.fields = ["instance_id", "instance_type", "track", "skeleton", "point_id_start", "point_id_end", "score"]
        self.fields += ["tracking_score"] if "tracking_score" in names else []
        # End of the instance range of the previous frame row.
        self.previous_end = 0

    def winners(self, rows: np.ndarray) -> dict[tuple[int, int, int], tuple[np.ndarray | None, ...]] | None:
        """Return the instance written for each track of each frame row, grouped by (video, track, skeleton).

        Each group is ``(frames, kinds, point_starts, scores, tracking_scores or None)``. None
        when the rows hold anything the fast path does not read exactly like ``read_sleap``.
        """
        starts = rows["instance_id_start"].astype("int64")
        ends = rows["instance_id_end"].astype("int64")
        counts = ends - starts
        if np.any(counts < 0):
            return None
        # Instance ranges in frame-row order, none shared: how SLEAP writes them; the rest is left to sleap-io.
        if len(rows) and (starts[0] < self.previous_end or np.any(starts[1:] < ends[:-1])):
            return None
        if len(rows) and ends[-1] > self.n_instances:
            return None  # damaged ranges would make the index arrays below huge
        first, last = (int(starts[0]), int(ends[-1])) if len(rows) else (0, 0)
        self.previous_end = last
        # One field at a time: contiguous columns, never more than this chunk's records in memory.
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
        scores = instances["score"][keep].astype("float64")
        tracking = instances["tracking_score"][keep].astype("float64") if "tracking_score" in instances else None
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
            result[key] = (
                frame[members],
                kind[members].astype("int8"),
                point_start[members],
                scores[members],
                tracking[members] if tracking is not None else None,
            )
        return result


class _PointRefs(NamedTuple):
    frames: np.ndarray
    kinds: np.ndarray
    point_starts: np.ndarray
    n_nodes: int


class SlpPointTable(H5FileTable):
    """The points of one video's tracks in a ``.slp``, read a block of frames at a time.

    Columns: for each track in ``tracks``, ``x`` of every node, then ``y``, then the
    point score, each in skeleton node order. A block reads the rows of ``points`` and
    ``pred_points`` its instances use (ranges more than :data:`_POINT_GAP` rows apart
    separately) and scatters them into frames; frames without an instance are NaN.
    Values follow ``read_sleap``: NaN where a point is not visible, legacy coordinates
    (format before 1.1) shifted by -0.5 px, score only for predicted instances.

    Parameters
    ----------
    path : pathlib.Path
        The ``.slp`` file.
    tracks : sequence of SlpTrackIndex
        The tracks of the video, in column order.
    n_frames : int
        Frames of the video's time base.
    format_id : float
        The file's format id.
    """

    def __init__(self, *, path: Path, tracks: Sequence[SlpTrackIndex], n_frames: int, format_id: float) -> None:
        self.path = Path(path)
        # Only where the points are: the table does not keep the index's per-frame scores alive.
        self.tracks = [_PointRefs(t.frames, t.kinds, t.point_starts, t.n_nodes) for t in tracks]
        widths = [3 * track.n_nodes for track in self.tracks]
        self.bases = np.concatenate([[0], np.cumsum(widths)]).astype("int64")[:-1]
        self.legacy_coordinates = format_id < 1.1
        n_columns = int(sum(widths))
        # Reading a block also holds its point rows (about as many bytes again) while they are
        # scattered, so a block is half the usual size.
        block_frames = block_frames_for(n_columns, target_bytes=lazy.TARGET_BLOCK_BYTES // 2)
        super().__init__(n_rows=n_frames, n_columns=n_columns, n_frames=n_frames, block_frames=block_frames)

    def positions_columns(self, index: int) -> np.ndarray:
        """Return the ``(nodes, 2)`` column map of track ``index``'s x, y."""
        n = self.tracks[index].n_nodes
        return int(self.bases[index]) + np.stack([np.arange(n), n + np.arange(n)], axis=-1)

    def confidence_columns(self, index: int) -> np.ndarray:
        """Return the ``(nodes,)`` column map of track ``index``'s point scores."""
        n = self.tracks[index].n_nodes
        return int(self.bases[index]) + 2 * n + np.arange(n)

    def _read_columns(self, start: int, stop: int) -> np.ndarray:
        out = np.full((self.n_columns, stop - start), np.nan)
        handle = self._file()
        for kind, dataset, names in (
            (_USER, "points", ("x", "y", "visible")),
            (_PREDICTED, "pred_points", ("x", "y", "visible", "score")),
        ):
            picks = []
            for index, track in enumerate(self.tracks):
                lo, hi = np.searchsorted(track.frames, [start, stop])
                of_kind = track.kinds[lo:hi] == kind
                if np.any(of_kind):
                    picks.append((index, track.frames[lo:hi][of_kind] - start, track.point_starts[lo:hi][of_kind]))
            if not picks:
                continue
            points, where = _read_point_rows(
                handle[dataset],
                names,
                np.concatenate([p[2] for p in picks]),
                np.concatenate([p[2] + self.tracks[p[0]].n_nodes for p in picks]),
            )
            for index, frames, point_starts in picks:
                n, base = self.tracks[index].n_nodes, int(self.bases[index])
                rows = where(point_starts)[:, None] + np.arange(n)
                visible = points["visible"][rows].astype(bool)
                for axis, name in enumerate(("x", "y")):
                    values = points[name][rows].astype("float64")
                    if self.legacy_coordinates:
                        values -= 0.5  # sleap-io's shift of the legacy pixel-corner coordinates
                    out[base + axis * n : base + (axis + 1) * n, frames] = np.where(visible, values, np.nan).T
                if kind == _PREDICTED:
                    out[base + 2 * n : base + 3 * n, frames] = points["score"][rows].astype("float64").T
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


@register_reader("SLEAP", suffixes=SUFFIXES, sniff=is_sleap_file)
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
    from .files import check_frame_count, check_input_file

    path = check_input_file(file_path, suffixes=slow.SUFFIXES, what="SLEAP .slp or analysis .h5")
    slow._check_untracked_option(untracked)
    index = None
    if path.suffix.lower() == ".slp":
        header = slow._slp_header(path)
        try:
            index = read_slp_track_index(path, predicted_only=predicted_only)
        except Exception:
            index = None
    if index is None:
        return slow.read_sleap(path, video_indices=video_indices, predicted_only=predicted_only, untracked=untracked)
    track_index, last_frame, n_videos, format_id = index

    from sleap_io.io import slp as sio_slp

    videos = sio_slp.read_videos(str(path), open_backend=False)
    skeleton_objects = sio_slp.read_skeletons(str(path))
    sleap_tracks = sio_slp.read_tracks(str(path))
    metadata = sio_slp.read_metadata(str(path))
    provenance = dict(sio_slp.read_provenance(str(path), metadata) or {})
    if len(videos) != n_videos:
        return slow.read_sleap(path, video_indices=video_indices, predicted_only=predicted_only, untracked=untracked)

    described = [slow._slp_video_info(video, index, path) for index, video in enumerate(videos)]
    keys = slow._unique([info.key for info, _ in described])
    infos = [dataclasses.replace(info, key=key) for (info, _), key in zip(described, keys, strict=True)]
    selected = slow._select_videos(path, len(infos), keys, video_indices)
    skeleton_names = slow._unique([str(s.name) if s.name else "Skeleton" for s in skeleton_objects])
    track_names = slow._unique([str(t.name) if str(t.name or "") else f"track_{i}" for i, t in enumerate(sleap_tracks)])
    rows = {(v, ("track", t), s): None for (v, t, s) in track_index if v in selected}
    names = slow._slot_names(rows, track_names, skeleton_names)
    ordered = sorted(rows, key=lambda k: (selected.index(k[0]), k[1][0] != "track", k[1][1], k[2]))
    # One point table per video, so that a block of frames is read once for all of its tracks.
    columns: dict[tuple[int, tuple[str, int], int], tuple[SlpPointTable, int]] = {}
    for v in dict.fromkeys(v for v, _, _ in ordered):
        n_frames = max(last_frame[v] + 1, infos[v].n_frames or 0)
        check_frame_count(path, n_frames, last_frame[v] + 1, what=f"frames of video {infos[v].key!r}")
        in_video = [key for key in ordered if key[0] == v]
        table = SlpPointTable(
            path=path,
            tracks=[track_index[w, slot[1], s] for w, slot, s in in_video],
            n_frames=n_frames,
            format_id=format_id,
        )
        columns.update({key: (table, i) for i, key in enumerate(in_video)})
    tracks = []
    for v, slot, s in ordered:
        data = track_index[v, slot[1], s]
        table, column = columns[v, slot, s]
        frames = data.frames

        def per_frame(values: np.ndarray, fill: Any, n_frames: int = table.n_frames, frames: np.ndarray = frames):
            dense = np.full(n_frames, fill, dtype=np.asarray(values).dtype)
            dense[frames] = values
            return dense

        any_predicted = data.any_predicted
        tracks.append(
            PoseTrack(
                name=names[slot, s],
                skeleton=skeleton_names[s],
                video=infos[v].key,
                positions=ColumnView(table, table.positions_columns(column)),
                confidence=ColumnView(table, table.confidence_columns(column)) if any_predicted else None,
                confidence_definition=slow.SLP_CONFIDENCE_DEFINITION if any_predicted else None,
                instance_scores=per_frame(data.instance_scores, np.nan) if any_predicted else None,
                tracking_scores=(
                    per_frame(data.tracking_scores, np.nan)
                    if header["has_tracking_score"] and data.tracking_scores is not None
                    else None
                ),
                user_labeled=per_frame(data.user_labeled, False),
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
