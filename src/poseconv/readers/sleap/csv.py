"""Read SLEAP's analysis CSV export (``*.analysis.csv``): one row per instance.

SLEAP's "Export Analysis CSV" and ``sleap_io.save_csv(labels, path, format="sleap")``
write one header row and one row per instance::

    track, frame_idx, instance.score, <node>.x, <node>.y, <node>.score, ...

``track`` is the track name (empty for an instance without a track), ``frame_idx``
the frame of the video, ``instance.score`` the instance score and
``<node>.score`` the point score (both empty for user instances, which have no
score). Nodes follow the skeleton's order in SLEAP's export and alphabetical
order in sleap-io's; the file keeps no edges. One file holds one video.

Every row becomes the pose of its track at its frame; frames run from 0 to the
last frame in the file and frames without a row are NaN. Instances without a
track form the track ``"untracked"`` when no frame holds more than one of them.
The file does not say which rows a user placed, and holds no frame rate.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError
from ...model import PoseData, PoseTrack, Skeleton, VideoInfo
from ..safety.input_checks import check_frame_count, check_input_file, reads_source
from .common import ANALYSIS_CONFIDENCE_DEFINITION, SLEAP_REFERENCE_FRAME, UNTRACKED_TRACK_NAME

__all__ = ["is_sleap_csv_file", "read_sleap_csv"]

_BASE = ("track", "frame_idx", "instance.score")


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        return [cell.strip() for cell in next(csv.reader(handle), [])]


def _node_names(columns: list[str]) -> list[str]:
    """Nodes in column order: every ``<node>.x`` with its ``<node>.y``."""
    return [c[:-2] for c in columns if c.endswith(".x") and f"{c[:-2]}.y" in columns]


def is_sleap_csv_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a SLEAP analysis CSV export; never raises.

    Checked: a ``.csv`` whose header has ``frame_idx``, ``instance.score`` and ``<node>.x`` /
    ``<node>.y`` columns.
    """
    try:
        path = Path(file_path)
        columns = _header(path) if path.suffix.lower() == ".csv" else []
        return "frame_idx" in columns and "instance.score" in columns and bool(_node_names(columns))
    except (OSError, UnicodeError, csv.Error):  # a sniffer says yes or no
        return False


def _check_columns(path: Path, columns: list[str], nodes: list[str]) -> None:
    known = {*_BASE, *(f"{node}.{part}" for node in nodes for part in ("x", "y", "score"))}
    unknown = [c for c in columns if c not in known]
    if "frame_idx" not in columns or not nodes or unknown:
        found = f"; columns it does not know: {unknown}" if unknown else ""
        raise InvalidSourceFileError(
            f"{path}: not a SLEAP analysis CSV; SLEAP writes the columns track, frame_idx, instance.score and "
            f"<node>.x, <node>.y, <node>.score per node{found}. Export the CSV again from SLEAP, or convert the .slp."
        )


def _frame_numbers(path: Path, values: np.ndarray) -> np.ndarray:
    frames = np.asarray(values, dtype="float64")
    if np.isnan(frames).any() or (frames < 0).any() or (frames != np.floor(frames)).any():
        raise InvalidSourceFileError(
            f"{path}: frame_idx holds empty, negative or fractional values; SLEAP writes the frame number of each row."
        )
    return frames.astype("int64")


def _track_names(path: Path, raw: list[object]) -> list[str]:
    names = [UNTRACKED_TRACK_NAME if not isinstance(t, str) or not t.strip() else t for t in raw]
    if UNTRACKED_TRACK_NAME in raw:
        raise InvalidSourceFileError(
            f"{path}: a track is named {UNTRACKED_TRACK_NAME!r}, the name poseconv gives instances without a track; "
            "rename the track in SLEAP and export again."
        )
    return names


def _check_once_per_frame(path: Path, name: str, frames: np.ndarray) -> None:
    values, counts = np.unique(frames, return_counts=True)
    twice = values[counts > 1]
    if len(twice):
        who = "more than one instance without a track" if name == UNTRACKED_TRACK_NAME else f"track {name!r} twice"
        raise InvalidSourceFileError(
            f"{path}: frame(s) {twice[:5].tolist()} hold {who}; poseconv cannot tell the animals apart. Track "
            "the animals in SLEAP (or proofread the tracks) and export again."
        )


def _numbers(path: Path, table: Any, column: str) -> np.ndarray:
    """Return a column as float64 (NaN when the column is absent); refuse values that are not numbers."""
    if column not in table:
        return np.full(len(table), np.nan)
    try:
        return table[column].to_numpy(dtype="float64")
    except (TypeError, ValueError) as err:
        raise InvalidSourceFileError(
            f"{path}: column {column!r} holds values that are not numbers; SLEAP writes numbers or empty cells."
        ) from err


@reads_source("SLEAP analysis CSV")
def read_sleap_csv(file_path: str | Path) -> PoseData:
    """Read a SLEAP analysis CSV export into a :class:`~poseconv.model.PoseData`.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The ``.csv`` SLEAP (or sleap-io, ``format="sleap"``) exported.

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
    import pandas as pd

    from ..tables import exact_float_option

    path = check_input_file(file_path, suffixes={".csv"}, what="SLEAP analysis CSV")
    columns = _header(path)
    nodes = _node_names(columns)
    _check_columns(path, columns, nodes)
    table = pd.read_csv(path, dtype={"track": "string"}, keep_default_na=True, **exact_float_option())
    frames = _frame_numbers(path, table["frame_idx"].to_numpy())
    raw_tracks = table["track"].astype(object).where(table["track"].notna(), None).tolist() if "track" in table else []
    tracks_of_rows = _track_names(path, raw_tracks) if raw_tracks else [UNTRACKED_TRACK_NAME] * len(table)
    n_frames = int(frames.max()) + 1 if len(frames) else 0
    check_frame_count(path, n_frames, len(frames))

    def numbers(column: str) -> np.ndarray:
        return _numbers(path, table, column)

    xy = np.stack([np.stack([numbers(f"{n}.x"), numbers(f"{n}.y")], axis=-1) for n in nodes], axis=1)
    point_scores = np.stack([numbers(f"{n}.score") for n in nodes], axis=1)
    instance_scores = numbers("instance.score")
    has_scores = any(f"{n}.score" in table for n in nodes)
    video_key = path.name.removesuffix(".csv").removesuffix(".analysis") or "video"
    skeleton = Skeleton(name="Skeleton", nodes=tuple(nodes), edges=())
    order = list(dict.fromkeys(t for t in tracks_of_rows if t != UNTRACKED_TRACK_NAME))
    if UNTRACKED_TRACK_NAME in tracks_of_rows:
        order.append(UNTRACKED_TRACK_NAME)
    track_array = np.asarray(tracks_of_rows, dtype=object)
    pose_tracks = []
    for name in order:
        rows = np.flatnonzero(track_array == name)
        _check_once_per_frame(path, name, frames[rows])
        positions = np.full((n_frames, len(nodes), 2), np.nan)
        positions[frames[rows]] = xy[rows]
        confidence = np.full((n_frames, len(nodes)), np.nan)
        confidence[frames[rows]] = point_scores[rows]
        scores = np.full(n_frames, np.nan)
        scores[frames[rows]] = instance_scores[rows]
        pose_tracks.append(
            PoseTrack(
                name=name,
                skeleton=skeleton.name,
                video=video_key,
                positions=positions,
                confidence=confidence if has_scores else None,
                confidence_definition=ANALYSIS_CONFIDENCE_DEFINITION if has_scores else None,
                instance_scores=scores if "instance.score" in table else None,
            )
        )
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file=path,
        skeletons=[skeleton],
        videos=[VideoInfo(key=video_key)],
        tracks=pose_tracks,
        unit="pixels",
        reference_frame=SLEAP_REFERENCE_FRAME,
        notes={"n_rows": len(table), "layout": "SLEAP analysis CSV"},
    )
