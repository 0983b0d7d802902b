"""The metadata sleap-io writes beside a CSV export: ``<name>.json`` (``save_csv(..., save_metadata=True)``).

It lists the labels' videos (path and backend metadata: frame count, size, fps), skeletons
(nodes in order, edges) and tracks, which the CSV itself does not hold. sleap-io's "sleap" CSV
of labels with several videos holds every video's rows with no column saying which video a
row belongs to; such a file is refused rather than merged into one video.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import InvalidSourceFileError
from ...model import Skeleton, VideoInfo
from .videos import find_local_video, shape_facts, video_key

__all__ = ["CsvMetadata", "read_csv_metadata"]


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
