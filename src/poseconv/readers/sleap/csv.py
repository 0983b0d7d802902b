"""Read SLEAP's analysis CSV export (``*.analysis.csv``): one row per instance.

SLEAP's "Export Analysis CSV" and ``sleap_io.save_csv(labels, path, format="sleap")``
write one header row and one row per instance::

    track, frame_idx, instance.score, <node>.x, <node>.y, <node>.score, ...

``track`` is the track name (empty for an instance without a track), ``frame_idx``
the frame of the video, ``instance.score`` the instance score and
``<node>.score`` the point score (both empty for user instances, which have no
score). Nodes follow the skeleton's order in SLEAP's export and alphabetical
order in sleap-io's; the file keeps no edges. One file holds one video: sleap-io's of labels with
several videos names it in a column (``video_idx``, or ``video_path`` in its "instances" layout), and
rows of several videos are refused.

Every row becomes the pose of its track at its frame; frames run from 0 to the
last frame in the file (or to the end of the video, when the metadata records its length) and
frames without a row are NaN. A row with no track and
no value is sleap-io's placeholder of a frame without instances
(``include_empty=True``): no animal, though its frame counts. Instances without a
track form the track ``"untracked"`` when no frame holds more than one of them
(otherwise see the ``untracked`` option of :func:`read_sleap_csv`).
SLEAP's export holds one instance per track and frame; sleap-io's holds every
instance, so a proofread frame has the user instance (a row without scores) and
the prediction it replaced: the user instance is the pose, as in SLEAP, and the
prediction is kept as the track's replaced prediction. Otherwise the file does
not say which rows a user placed. It holds no frame rate; the metadata sleap-io
writes beside it (``save_metadata=True``, :mod:`.csv_metadata`) gives the video (the
one the rows name when it lists several), its frame rate and the skeleton. Without it,
the video is the one the file is
named after (SLEAP's default ``<labels>.<NNN>_<video>.analysis.csv``, or
``<video>.analysis.csv``), found beside the file.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from ...model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from ..safety.input_checks import check_frame_count, check_input_file, reads_source
from .common import (
    ANALYSIS_CONFIDENCE_DEFINITION,
    SLEAP_REFERENCE_FRAME,
    UNTRACKED_TRACK_NAME,
    UntrackedPolicy,
    check_untracked_option,
    slot_names,
    video_frames,
)
from .csv_columns import (
    INSTANCE_SCORE,
    check_columns,
    frame_numbers,
    header,
    is_blank,
    node_names,
    numbers,
    table_names,
)
from .csv_metadata import (
    VIDEO_COLUMNS,
    CsvMetadata,
    check_sleap_io_layout,
    has_csv_metadata,
    read_csv_metadata,
    rows_video,
    rows_video_name,
    sleap_io_layout,
    warn_if_frames_go_back,
)
from .videos import analysis_video_stem, export_video

__all__ = ["is_sleap_csv_file", "read_sleap_csv"]


def is_sleap_csv_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a SLEAP analysis CSV export; never raises.

    Checked: a ``.csv`` whose header has ``frame_idx``, ``instance.score`` and ``<node>.x`` /
    ``<node>.y`` columns.
    """
    try:
        path = Path(file_path)
        if path.suffix.lower() != ".csv":
            return False
        columns = header(path)
        sleap = "frame_idx" in columns and "instance.score" in columns and bool(node_names(columns))
        # sleap-io's other layouts are claimed too: the reader reads one, and says how to export the others.
        # So is sleap-io's empty file of labels without instances, with its metadata: it holds no poses.
        return (
            sleap
            or sleap_io_layout(columns) is not None
            or (not any(columns) and has_csv_metadata(path) and is_blank(path))
        )
    except (OSError, UnicodeError, csv.Error):  # a sniffer says yes or no
        return False


def _track_names(path: Path, raw: list[object]) -> list[str]:
    # Only an empty cell is no track (sleap-io writes None as ""); a name of spaces is a name, as sleap-io reads it.
    names = [UNTRACKED_TRACK_NAME if not isinstance(t, str) or t == "" else t for t in raw]
    if UNTRACKED_TRACK_NAME in raw:
        raise InvalidSourceFileError(
            f"{path}: a track is named {UNTRACKED_TRACK_NAME!r}, the name poseconv gives instances without a track; "
            "rename the track in SLEAP and export again."
        )
    return names


# sleap-io's save_csv writes the rows of every video of the labels into one file unless given video=.
_SEVERAL_VIDEOS = (
    " If the labels have several videos, the file may hold the rows of each (sleap-io's save_csv writes them all "
    "into one file unless given video=): export one video per file."
)


def _check_once_per_frame(path: Path, name: str, frames: np.ndarray, video: str) -> None:
    values, counts = np.unique(frames, return_counts=True)
    twice = values[counts > 1]
    if not len(twice):
        return
    who = f"track {name!r} twice"
    by_order = ""
    if name == UNTRACKED_TRACK_NAME:
        # As for a .slp or an analysis .h5 of the same instances: untracked="by_order" reads them.
        who = f"more than one instance without a track in video {video!r}"
        by_order = (
            "; or pass untracked='by_order' (poseconv convert --untracked by_order; in a spec, source_data: "
            "{untracked: by_order}) to write the k-th untracked instance of each frame to 'untracked_<k>' (then "
            "one container does NOT follow one animal)"
        )
    raise InvalidSourceFileError(
        f"{path}: frame(s) {twice[:5].tolist()} hold {who}; poseconv cannot tell the animals apart. Track the "
        f"animals in SLEAP (or proofread the tracks) and export again{by_order}." + _SEVERAL_VIDEOS
    )


def _untracked_by_order(rows_at: _Rows) -> _Rows:
    """Name the k-th row without a track of each frame as a ``.slp``'s k-th untracked instance (``untracked_<k>``).

    A frame's user instances come first, then its predictions, each in file order, as the ``.slp`` readers
    order them (a CSV keeps no ``from_predicted`` link to pair a user instance with the prediction it replaced).
    The names are the ``.slp`` readers' (``"untracked"`` when no frame holds two), listed in slot order.
    """
    frames, tracks = rows_at.frames, rows_at.tracks
    rows = np.flatnonzero(np.asarray(tracks, dtype=object) == UNTRACKED_TRACK_NAME)
    if not len(rows):
        return rows_at
    ordered = rows[np.lexsort((rows, ~rows_at.user[rows], frames[rows]))]
    firsts = np.r_[0, np.flatnonzero(np.diff(frames[ordered])) + 1]
    slot = np.arange(len(ordered)) - np.repeat(firsts, np.diff(np.r_[firsts, len(ordered)]))
    tracked = [name for name in dict.fromkeys(tracks) if name != UNTRACKED_TRACK_NAME]
    slots = [("untracked", k) for k in range(int(slot.max()) + 1)]
    names = slot_names([(0, key, 0) for key in slots], tracked, ["Skeleton"])
    renamed = list(tracks)
    for row, k in zip(ordered, slot, strict=True):
        renamed[row] = names[slots[k], 0]["name"]
    loose = tuple(names[key, 0]["name"] for key in slots)
    return _Rows(frames, renamed, rows_at.user, rows_at.n_frames, loose)


@dataclass(frozen=True)
class _RowValues:
    """Per-row values of the file: positions (rows, nodes, 2), point scores (rows, nodes), instance scores."""

    xy: np.ndarray
    point_scores: np.ndarray | None
    instance_scores: np.ndarray | None
    tracking_scores: np.ndarray | None = None


def _row_values(path: Path, table: Any, nodes: list[str]) -> tuple[_RowValues, np.ndarray]:
    """Return the values of every row (positions and scores, in the order of ``nodes``) and which are a user's."""

    def column(name: str) -> np.ndarray:
        return numbers(path, table, name)

    xy = np.stack([np.stack([column(f"{n}.x"), column(f"{n}.y")], axis=-1) for n in nodes], axis=1)
    has_scores = any(f"{n}.score" in table for n in nodes)
    values = _RowValues(
        xy,
        np.stack([column(f"{n}.score") for n in nodes], axis=1) if has_scores else None,
        column(INSTANCE_SCORE) if INSTANCE_SCORE in table else None,
        column("track_score") if "track_score" in table else None,
    )
    return values, _user_rows(table, nodes, has_scores)


def _user_rows(table: Any, nodes: list[str], has_scores: bool) -> np.ndarray:
    """Rows of user instances: no instance score and no point score in a file that has both columns."""
    if INSTANCE_SCORE not in table or not has_scores:
        return np.zeros(len(table), dtype=bool)
    scores = [table[f"{n}.score"].isna().to_numpy() for n in nodes if f"{n}.score" in table]
    return table[INSTANCE_SCORE].isna().to_numpy() & np.logical_and.reduce(scores)


def _choose_rows(path: Path, name: str, rows: np.ndarray, rows_at: _Rows, video: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the rows that are the track's poses and the predictions a user instance replaced.

    A frame holding the track twice is read as SLEAP reads a proofread file when one of the two is a
    user instance and the other a prediction (sleap-io's CSV writer keeps both): the user instance
    wins. Anything else is refused, since the animals cannot be told apart.
    """
    frames, user_rows = rows_at.frames, rows_at.user
    in_frames = frames[rows]
    values, counts = np.unique(in_frames, return_counts=True)
    twice = values[counts > 1]
    if not len(twice):
        return rows, rows[:0]
    user, predicted = rows[user_rows[rows]], rows[~user_rows[rows]]
    if name == UNTRACKED_TRACK_NAME or any(len(np.unique(frames[r])) != len(r) for r in (user, predicted)):
        _check_once_per_frame(path, name, in_frames, video)
    replaced = predicted[np.isin(frames[predicted], frames[user])]
    kept = np.concatenate([user, predicted[~np.isin(frames[predicted], frames[user])]])
    return np.sort(kept), replaced


def _track(
    values: _RowValues, name: str, at: np.ndarray, rows: np.ndarray, n_frames: int, skeleton: str, video: str
) -> PoseTrack:
    """Return the pose track of ``rows`` (one per frame, placed at frames ``at``), NaN in every other frame."""
    n_nodes = values.xy.shape[1]
    positions = np.full((n_frames, n_nodes, 2), np.nan)
    positions[at] = values.xy[rows]
    confidence = scores = None
    if values.point_scores is not None:
        confidence = np.full((n_frames, n_nodes), np.nan)
        confidence[at] = values.point_scores[rows]
    if values.instance_scores is not None:
        scores = np.full(n_frames, np.nan)
        scores[at] = values.instance_scores[rows]
    tracking = None
    if values.tracking_scores is not None:
        tracking = np.full(n_frames, np.nan)
        tracking[at] = values.tracking_scores[rows]
    return PoseTrack(
        name=name,
        skeleton=skeleton,
        video=video,
        positions=positions,
        confidence=confidence,
        confidence_definition=ANALYSIS_CONFIDENCE_DEFINITION if confidence is not None else None,
        instance_scores=scores,
        tracking_scores=tracking,
    )


@dataclass(frozen=True)
class _Rows:
    """Where each row of the file goes: its frame, its track, whether a user placed it; and the frame count.

    ``untracked``: the tracks of rows without one, in slot order (placed after the others).
    """

    frames: np.ndarray
    tracks: list[str]
    user: np.ndarray
    n_frames: int
    untracked: tuple[str, ...] = (UNTRACKED_TRACK_NAME,)


def _pose_tracks(
    path: Path, rows_at: _Rows, values: _RowValues, listed: Sequence[str], names: tuple[str, str]
) -> list[PoseTrack]:
    """Return one track per track of the rows: the listed tracks first, then in file order, untracked ones last."""
    skeleton, video = names
    frames, n_frames, user_rows = rows_at.frames, rows_at.n_frames, rows_at.user
    present = set(rows_at.tracks)
    loose = [name for name in rows_at.untracked if name in present]
    order = [
        name for name in dict.fromkeys([*(t for t in listed if t in present), *rows_at.tracks]) if name not in loose
    ]
    order += loose
    track_array = np.asarray(rows_at.tracks, dtype=object)
    chosen = {name: _choose_rows(path, name, np.flatnonzero(track_array == name), rows_at, video) for name in order}
    # A file holding a user instance and the prediction it replaced (sleap-io writes every instance) says
    # which rows a user placed: those without scores.
    says_user = any(len(replaced) for _, replaced in chosen.values())
    pose_tracks = []
    for name, (rows, replaced) in chosen.items():
        track = _track(values, name, frames[rows], rows, n_frames, skeleton, video)
        if says_user:
            track.user_labeled = np.zeros(n_frames, dtype=bool)
            track.user_labeled[frames[rows]] = user_rows[rows]
        if len(replaced):
            track.replaced_predictions = _track(values, name, frames[replaced], replaced, n_frames, skeleton, video)
        pose_tracks.append(track)
    return pose_tracks


def _placeholder_rows(table: Any) -> np.ndarray:
    """Return the rows that stand for a frame without instances: no track and no value at all.

    sleap-io's ``save_csv(..., include_empty=True)`` (``"sleap"`` and ``"instances"`` layouts) writes one
    such row per frame that has no instance; it is no instance, so it must not become an animal.
    """
    no_track = table["track"].isna().to_numpy() if "track" in table else np.ones(len(table), dtype=bool)
    values = [column for column in table.columns if column not in ("track", "frame_idx", *VIDEO_COLUMNS)]
    # An untracked instance with every point missing looks the same, and holds nothing to convert either.
    return no_track & table[values].isna().all(axis=1).to_numpy()


def _read_rows(path: Path, names: list[str]) -> Any:
    """Read the CSV's rows: numbers exactly as written, a track's name as written (empty: no track).

    ``names``: the columns' names by position (:func:`.csv_columns.table_names`), in place of the header's.
    """
    import pandas as pd

    from ..tables import exact_float_option, warn_if_rows_short

    named_columns = {"header": 0, "names": names}
    table = pd.read_csv(path, dtype={"track": "string"}, keep_default_na=True, **named_columns, **exact_float_option())
    if len(table):
        # A file cut short: pandas fills the row with NaN and keeps its last value, cut in the middle, as written.
        last = table["frame_idx"].iloc[-1] if "frame_idx" in table else len(table) - 1
        cut = warn_if_rows_short(path, n_header=1, n_fields=len(table.columns), n_rows=len(table), last_row=last)
        if cut is not None and table.columns[cut] != "track":
            table.iloc[-1, cut] = np.nan
    if "track" in table and table["track"].isna().any():
        # pandas reads a track named "NA", "None" or "nan" as missing; only an empty cell is no track.
        named = pd.read_csv(path, usecols=["track"], dtype="string", keep_default_na=False, **named_columns)["track"]
        table["track"] = named.mask(named == "")
    return table


def _frame_count(path: Path, frames: np.ndarray, recorded: VideoInfo | None) -> int:
    """Frames of the time base: to the last ``frame_idx`` of any row, or the metadata's video length when longer.

    A frame placeholder's row counts too: sleap-io writes them up to the video's last frame when asked. The
    length sleap-io's metadata records for the video (``recorded``) extends the time base as it does for the
    ``.slp`` and its analysis ``.h5``, so the three exports of one project have one time base; poses past
    that length are kept, with the ``.slp`` reader's warning.
    """
    last_frame = int(frames.max()) if len(frames) else -1
    if recorded is None or not recorded.n_frames:
        check_frame_count(path, last_frame + 1, len(frames))
        return last_frame + 1
    n_frames = max(last_frame + 1, recorded.n_frames)
    # Checked here with the CSV's own words first (video_frames' hint is about a .slp's labels).
    check_frame_count(path, n_frames, len(frames), what=f"the video length its metadata records for {recorded.key!r}")
    return video_frames(path, recorded, last_frame)


@reads_source("SLEAP analysis CSV")
def read_sleap_csv(file_path: str | Path, *, untracked: UntrackedPolicy = "error") -> PoseData:
    """Read a SLEAP analysis CSV export into a :class:`~poseconv.model.PoseData`.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The ``.csv`` SLEAP (or sleap-io, ``format="sleap"``) exported.
    untracked : {"error", "by_order"}, default: "error"
        When a frame holds several instances without a track (sleap-io's ``save_csv`` of untracked
        predictions): raise an error, or write the k-th one of each frame (its user instances first) to
        ``"untracked_<k>"``, as for a ``.slp`` (such a track does not follow one animal).

    Returns
    -------
    PoseData
        One track per SLEAP track (plus ``"untracked"``), with point scores as confidence and
        instance scores; no frame rate (the file has none).

    Raises
    ------
    InvalidSourceFileError
        When the columns are not SLEAP's, frame numbers are not frame numbers, or one track (or
        more than one untracked instance) appears twice in a frame.
    """
    check_untracked_option(untracked)
    path = check_input_file(file_path, suffixes={".csv"}, what="SLEAP analysis CSV")
    columns = header(path)
    if not any(columns) and is_blank(path):
        _refuse_empty(path)
    layout = sleap_io_layout(columns)
    check_sleap_io_layout(path, layout)
    nodes = node_names(columns)
    check_columns(path, columns, nodes, layout)
    # SLEAP names its export after the video (<labels>.<NNN>_<video>.analysis.csv by default), as do users.
    video_stem = analysis_video_stem(path.name) or "video"
    table = _read_rows(path, table_names(columns, layout))
    # The video the rows name, in either layout: sleap-io's "sleap" layout keeps video_id="index"'s video_idx
    # (sleap_io/io/csv.py _transform_to_sleap_format drops only video_path and track_score). Several: refused.
    named = rows_video_name(path, table)
    # sleap-io's metadata beside the CSV: its video (frame rate, file), skeleton (node order, edges) and tracks.
    side = read_csv_metadata(path, nodes, video_stem, named)
    skeleton = side.skeleton if side and side.skeleton else Skeleton(name="Skeleton", nodes=tuple(nodes), edges=())
    nodes = list(skeleton.nodes)
    # Without the metadata the CSV records no video (or only its path): the one of that name beside it.
    video = side.video if side and side.video else None
    video = video or rows_video(path, named, video_stem) or export_video(path, None, video_stem)[0]
    frames = frame_numbers(path, table["frame_idx"].to_numpy())
    if not (side and side.video) and named is None:
        # Nothing names the rows' video (metadata of several videos, or a video column of several, was refused).
        warn_if_frames_go_back(path, frames)
    n_frames = _frame_count(path, frames, video if side and side.video else None)
    instances = ~_placeholder_rows(table)
    table, frames = table[instances].reset_index(drop=True), frames[instances]
    raw_tracks = table["track"].astype(object).where(table["track"].notna(), None).tolist() if "track" in table else []
    tracks_of_rows = _track_names(path, raw_tracks) if raw_tracks else [UNTRACKED_TRACK_NAME] * len(table)
    values, user_rows = _row_values(path, table, nodes)
    at = _Rows(frames, tracks_of_rows, user_rows, n_frames)
    at = _untracked_by_order(at) if untracked == "by_order" else at
    pose_tracks = _pose_tracks(path, at, values, side.tracks if side else (), (skeleton.name, video.key))
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file=path,
        skeletons=[skeleton],
        videos=[video],
        tracks=pose_tracks,
        timing={video.key: FrameTiming(rate=video.fps, source=f"video fps recorded in {side.file_name}")}
        if side and video.fps
        else {},
        unit="pixels",
        reference_frame=SLEAP_REFERENCE_FRAME,
        notes=_notes(len(table), side, untracked),
    )


def _refuse_empty(path: Path) -> None:
    """Refuse a CSV without a header: sleap-io's ``save_csv`` of labels without instances writes a blank line."""
    beside = path.with_suffix(".json").name
    origin = (
        f", as sleap-io's save_csv writes it (with its metadata, {beside}) for labels without instances"
        if has_csv_metadata(path)
        else " (sleap-io's save_csv writes such a file for labels without instances)"
    )
    raise InvalidSourceFileError(
        f"{path}: holds no poses: the file has no header and no rows{origin}, so the NWB file would hold nothing "
        "of it. Check that this is the file with the predictions (labels after inference found animals), or "
        "convert the .slp."
    )


def _notes(n_rows: int, side: CsvMetadata | None, untracked: str) -> dict[str, Any]:
    """Return the reader's notes: rows, the metadata file, and where the video's size is recorded."""
    notes: dict[str, Any] = {
        "n_rows": n_rows,
        "layout": "SLEAP analysis CSV",
        "metadata_file": side.file_name if side else None,
        "untracked": untracked,
    }
    if side and side.video and (side.video.frame_size or side.video.n_frames):
        # Said in the descriptions when no video is linked, whose ImageSeries would hold the size (as a .slp's).
        notes["videos"] = {side.video.key: {"size_recorded_in": side.file_name}}
    return notes
