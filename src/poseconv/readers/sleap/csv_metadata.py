"""What sleap-io's CSV exports add to SLEAP's: their layouts and the metadata written beside them.

``sleap_io.save_csv`` writes SLEAP's analysis layout (``format="sleap"``), the ``"instances"``
layout (the same rows, with ``score`` for ``instance.score``, a ``track_score`` and, for labels
of several videos, a video column) and two layouts of other shapes (``"points"``: a row per
point; ``"frames"``: a row per frame), which are refused with how to export again.

The metadata it writes beside a CSV, ``<name>.json`` (``save_metadata=True``), lists the
labels' videos (path and backend metadata: frame count, size, fps), skeletons (nodes in order,
edges) and tracks, which the CSV itself does not hold. sleap-io's "sleap" CSV of labels with
several videos holds every video's rows with no column saying which video a row belongs to;
such a file is refused rather than merged into one video when its metadata lists the videos, and
read with a warning when, without metadata, its frame numbers go back (:func:`warn_if_frames_go_back`).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import Skeleton, VideoInfo
from .videos import find_local_video, shape_facts, video_key

__all__ = [
    "VIDEO_COLUMNS",
    "CsvMetadata",
    "check_sleap_io_layout",
    "read_csv_metadata",
    "rows_video",
    "sleap_io_layout",
    "warn_if_frames_go_back",
]


#: The column naming each row's video in sleap-io's "instances" layout (by ``video_id``: path, index, name).
VIDEO_COLUMNS = ("video_path", "video_idx", "video")


def sleap_io_layout(columns: list[str]) -> str | None:
    """Return the sleap-io CSV layout of a header (``"instances"``, ``"points"``, ``"frames"``); None for others."""
    names = set(columns)
    if "frame_idx" not in names:
        return None
    if {"node", "x", "y"} <= names:
        return "points"
    if any(re.fullmatch(r"inst\d+\.(track|score|.+\.x)", c) for c in columns):
        return "frames"
    if "score" in names and "instance.score" not in names and any(c.endswith(".x") for c in columns):
        return "instances"
    return None


def check_sleap_io_layout(path: Path, layout: str | None) -> None:
    """Refuse the layouts that are not one row per instance, saying how to export the file again."""
    if layout in ("points", "frames"):
        per = "point" if layout == "points" else "frame"
        raise InvalidSourceFileError(
            f"{path}: a sleap-io CSV in its '{layout}' layout (one row per {per}); poseconv reads the layouts "
            "with one row per instance. Export it again with sleap_io.save_csv(labels, path, format='sleap') "
            "(or format='instances'), or convert the .slp."
        )


def rows_video(path: Path, table: Any, fallback: str) -> VideoInfo | None:
    """Return the video an "instances" CSV's video column names; None without one. Several videos are refused."""
    column = next((c for c in VIDEO_COLUMNS if c in table), None)
    if column is None:
        return None
    values = list(dict.fromkeys(str(v) for v in table[column].dropna()))
    if len(values) > 1:
        raise InvalidSourceFileError(
            f"{path}: holds the rows of {len(values)} videos ({', '.join(repr(v) for v in values[:3])}); poseconv "
            "converts one video per CSV. Export one video per file (sleap_io.save_csv(labels, path, "
            "format='sleap', video=<index>)), or convert the .slp."
        )
    if column != "video_path" or not values:
        return None
    # A path with no backend metadata: the video as the metadata file's entry names one.
    return _video(path, {"filename": values[0]}, fallback)


def warn_if_frames_go_back(path: Path, frames: np.ndarray) -> None:
    """Warn that the rows may be of several videos when ``frame_idx`` goes back; call only when nothing names the video.

    A step back is a sign, not a proof, of several videos: SLEAP's export is in frame order and sleap-io's
    ``include_empty=True`` sorts by video then frame, but sleap-io otherwise writes the labels' frames in
    their order, which for frames a user labeled out of order goes back within one video. So the file is
    read (as one video), with a warning saying where and how to export one video per file.

    Parameters
    ----------
    path : pathlib.Path
        The CSV, for the message.
    frames : numpy.ndarray
        The ``frame_idx`` of every row, in file order.
    """
    back = np.flatnonzero(np.diff(frames) < 0)
    if not len(back):
        return
    row = int(back[0]) + 1
    more = f" (and {len(back) - 1} more time(s))" if len(back) > 1 else ""
    warnings.warn(
        f"{path}: frame_idx goes back from {frames[row - 1]} to {frames[row]} at row {row + 1} (line {row + 2} of "
        f"the file){more}; the rows may be of several videos (sleap-io's save_csv writes the rows of every video "
        "into one file, with no column saying which video a row belongs to), and they are read as one video. "
        "Export one video per file (sleap_io.save_csv(labels, path, format='sleap', video=<index>)), or with its "
        "metadata (save_metadata=True), or convert the .slp. If the file holds one video whose frames are out of "
        "order, the poses are right.",
        PoseconvWarning,
        stacklevel=3,
    )


@dataclass(frozen=True)
class CsvMetadata:
    """What sleap-io's metadata file says of a CSV export."""

    file_name: str
    video: VideoInfo | None
    skeleton: Skeleton | None
    tracks: tuple[str, ...]


def _load(path: Path) -> dict[str, Any] | None:
    """Return the metadata beside ``path`` as a dict; None when there is none (or it is not sleap-io's)."""
    side = path.with_suffix(".json")
    if not side.is_file():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, ValueError):
        return None
    if not isinstance(data, dict) or not {"version", "videos", "skeletons"} <= set(data):
        return None
    return data


def _video(path: Path, entry: Any, fallback: str) -> VideoInfo | None:
    """Return the video of a sleap-io video entry (``filename``, ``backend_metadata``), found here when it is."""
    if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
        return None
    recorded = entry["filename"]
    backend = entry.get("backend_metadata") if isinstance(entry.get("backend_metadata"), dict) else {}
    n_frames, frame_size, fps = shape_facts(backend)
    local, _ = find_local_video(recorded, path.parent)
    return VideoInfo(
        key=video_key(recorded, fallback),
        original_path=recorded,
        path=local,
        n_frames=n_frames,
        frame_size=frame_size,
        fps=fps,
    )


def _skeleton(entries: Any, nodes: list[str]) -> Skeleton | None:
    """Return the listed skeleton with exactly the CSV's nodes (its order and edges); None when none has them."""
    for entry in entries if isinstance(entries, list) else []:
        listed = [str(n) for n in entry.get("nodes", [])] if isinstance(entry, dict) else []
        if sorted(listed) != sorted(nodes) or len(set(listed)) != len(listed):
            continue
        index = {name: i for i, name in enumerate(listed)}
        edges = [
            (index[str(a)], index[str(b)])
            for a, b in (e for e in entry.get("edges", []) if isinstance(e, (list, tuple)) and len(e) == 2)
            if str(a) in index and str(b) in index
        ]
        return Skeleton(name=str(entry.get("name") or "Skeleton"), nodes=tuple(listed), edges=tuple(edges))
    return None


def read_csv_metadata(path: Path, nodes: list[str], fallback_key: str) -> CsvMetadata | None:
    """Read sleap-io's metadata beside the CSV ``path``; None when there is none.

    Raises
    ------
    InvalidSourceFileError
        When it lists several videos: the CSV does not say which video each row belongs to.
    """
    data = _load(path)
    if data is None:
        return None
    videos = data["videos"] if isinstance(data["videos"], list) else []
    if len(videos) > 1:
        names = ", ".join(repr(v.get("filename")) for v in videos if isinstance(v, dict))
        raise InvalidSourceFileError(
            f"{path}: its metadata ({path.with_suffix('.json').name}) lists {len(videos)} videos ({names}), and "
            "the CSV does not say which video each row belongs to (sleap-io's save_csv writes the rows of every "
            "video into one file). Export one video per file (sleap_io.save_csv(labels, path, format='sleap', "
            "video=<index>)), or convert the .slp."
        )
    tracks = data.get("tracks") if isinstance(data.get("tracks"), list) else []
    return CsvMetadata(
        file_name=path.with_suffix(".json").name,
        video=_video(path, videos[0], fallback_key) if videos else None,
        skeleton=_skeleton(data["skeletons"], nodes),
        tracks=tuple(str(t) for t in tracks),
    )
