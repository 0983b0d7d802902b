"""Read the poses of a ``.slp`` a block of frames at a time, from its point tables (the array reader's reading half).

:class:`SlpPointTable` is one video's tracks as the columns of a lazy table
(:class:`~poseconv.model.frames.ColumnView` slices of it are the tracks'
positions, confidence and per-frame scores), so memory does not grow with the
frames of a file whose frame rows are sorted, as SLEAP writes them. Where its
instances are comes from the :class:`~.slp_index.SlpIndex`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from ...model import frame_tables
from ...model.frame_tables import block_frames_for
from ..tables import H5FileTable
from .slp_index import PREDICTED, REPLACED, USER, Group, InstanceTable, SlpIndex
from .slp_layout import LEGACY_USER_SHIFT

__all__ = ["SlpPointTable", "kind_rows", "read_point_rows"]

# Point-table rows between two instances of a block read past rather than read separately.
_POINT_GAP = 4096
# Instance score, tracking score and user flag of each track.
_PER_FRAME_COLUMNS = 3


def kind_rows(group: Group, *, replaced: bool) -> Group:
    """Return the rows of ``group`` written as the track (``replaced=False``) or as its replaced predictions.

    Replaced predictions come back with the kind ``PREDICTED``: they are read like any prediction.
    """
    frames, kinds, point_starts, scores, tracking = group
    keep = kinds == REPLACED if replaced else kinds != REPLACED
    if not replaced and keep.all():
        return group
    kinds = np.full(int(keep.sum()), PREDICTED, dtype=kinds.dtype) if replaced else kinds[keep]
    return (frames[keep], kinds, point_starts[keep], scores[keep], tracking[keep] if tracking is not None else None)


class SlpPointTable(H5FileTable):
    """The poses of one video's tracks in a ``.slp``, read a block of frames at a time.

    Columns, for each track in ``tracks``: ``x`` of every node, then ``y``, then the point
    score, each in skeleton node order; then the instance score, the tracking score and
    1.0 where the pose is a user instance (0.0 for a prediction). A block finds its
    instances (its own frame rows when the file is sorted, see :class:`SlpIndex`), reads
    the rows of ``points`` and ``pred_points`` they use (ranges more than
    :data:`_POINT_GAP` rows apart separately) and scatters them into frames; frames
    without an instance are NaN. Values follow ``read_sleap``: NaN where a point is not
    visible, legacy user coordinates (format before 1.1) shifted by -0.5 px, point and
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
    replaced : bool, default: False
        Read the predictions that a user instance of their track replaced in their frame (each
        track's replaced predictions) instead of the instances that are written as the tracks.
    """

    def __init__(
        self,
        *,
        path: Path,
        index: SlpIndex,
        video: int,
        tracks: Sequence[tuple[int, int, int]],
        n_frames: int,
        replaced: bool = False,
    ) -> None:
        self.path = Path(path)
        self.replaced = replaced
        self.keys = list(tracks)
        self.n_nodes = [index.tracks[key].n_nodes for key in self.keys]
        self.video_rows = index.rows[video] if index.rows is not None else None
        self.groups = {key: index.groups[key] for key in self.keys} if index.groups is not None else None
        self.index = index
        self.legacy_coordinates = index.format_id < 1.1
        widths = [3 * n + _PER_FRAME_COLUMNS for n in self.n_nodes]
        self.bases = np.concatenate([[0], np.cumsum(widths)]).astype("int64")[:-1]
        n_columns = int(sum(widths))
        # Reading a block also holds its point rows (about as many bytes again) while they are
        # scattered, so a block is half the usual size.
        block_frames = block_frames_for(n_columns, target_bytes=frame_tables.TARGET_BLOCK_BYTES // 2)
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
        """Return the rows of frames ``[start, stop)`` this table reads (the tracks', or their replaced predictions)."""
        return {
            key: kind_rows(group, replaced=self.replaced)
            for key, group in self._all_groups(handle, start, stop).items()
        }

    def _all_groups(self, handle: Any, start: int, stop: int) -> dict[tuple[int, int, int], Group]:
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
        table = InstanceTable(handle, self.index)
        groups = table.winners(rows[lo:hi])
        if isinstance(groups, str):
            raise InvalidSourceFileError(
                f"{self.path}: frames {start} to {stop - 1} changed since the file was indexed ({groups})."
            )
        return groups

    def _read_columns(self, start: int, stop: int) -> np.ndarray:
        out = np.full((self.n_columns, stop - start), np.nan)
        handle = self._file()
        groups = self._groups(handle, start, stop)
        for kind, dataset, names in (
            (USER, "points", ("x", "y", "visible")),
            (PREDICTED, "pred_points", ("x", "y", "visible", "score")),
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
            points, where = read_point_rows(
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
                    if self.legacy_coordinates and kind == USER:
                        values -= LEGACY_USER_SHIFT  # SLEAP's shift of the legacy pixel-corner coordinates
                    out[base + axis * n : base + (axis + 1) * n, frames] = np.where(visible, values, np.nan).T
                if kind == PREDICTED:
                    out[base + 2 * n : base + 3 * n, frames] = points["score"][rows].astype("float64").T
        for index, key in enumerate(self.keys):
            if key not in groups:
                continue
            frames, kinds, _, scores, tracking = groups[key]
            column = int(self.bases[index]) + 3 * self.n_nodes[index]
            frames = frames - start
            out[column, frames] = np.where(kinds == PREDICTED, scores.astype("float64"), np.nan)
            if tracking is not None:
                out[column + 1, frames] = tracking.astype("float64")
            out[column + 2, frames] = kinds == USER
        return out


def read_point_rows(
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
