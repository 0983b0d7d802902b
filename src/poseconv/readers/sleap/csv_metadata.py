"""What sleap-io's CSV exports add to SLEAP's: their layouts and the metadata written beside them.

``sleap_io.save_csv`` writes SLEAP's analysis layout (``format="sleap"``), the ``"instances"``
layout (the same rows, with ``score`` for ``instance.score``, a ``track_score`` and, for labels
of several videos, a video column) and two layouts of other shapes (``"points"``: a row per
point; ``"frames"``: a row per frame), which are refused with how to export again.

The metadata it writes beside a CSV, ``<name>.json`` (``save_metadata=True``), lists the
labels' videos (path and backend metadata: frame count, size, fps), skeletons (nodes in order,
edges) and tracks, which the CSV itself does not hold. For labels of several videos sleap-io's
rows name their video in a column (``to_dataframe``'s ``include_video``; by ``video_id``:
``video_path`` holding the path or, ``"name"``, the file name, or ``video_idx`` the index in the
labels' videos, the metadata's order), which the "sleap" layout keeps only as ``video_idx``
(``_transform_to_sleap_format`` drops ``video_path``). The rows' video is the metadata's entry the
column names; rows of several videos are refused. A CSV whose metadata lists several videos and
whose rows do not name theirs is refused rather than merged into one video, and one without
metadata is read with a warning when its frame numbers go back (:func:`warn_if_frames_go_back`).
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
from ...model.location import recorded_file_name
from .videos import find_local_video, shape_facts, video_key

__all__ = [
    "VIDEO_COLUMNS",
    "CsvMetadata",
    "check_sleap_io_layout",
    "has_csv_metadata",
    "read_csv_metadata",
    "rows_video",
    "rows_video_name",
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
    # Its instance score is "score", which SLEAP's layout never has; "instance.score" may be there too, as the
    # point score of a node named "instance".
    if "score" in names and any(c.endswith(".x") for c in columns):
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


#: How to export one video per file so that its rows name the video (sleap_io/io/csv.py write_labels).
_EXPORT_ONE_VIDEO = (
    "sleap_io.save_csv(labels, path, format='sleap', video=<index>, video_id='index'): its video_idx column "
    "names the video (format='instances' keeps a video_path column)"
)


def _cell(value: Any) -> str:
    """Return a video cell as text: an index pandas read as a float (empty cells in the column) without ``.0``."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def rows_video_name(path: Path, table: Any) -> tuple[str, str] | None:
    """Return the video column of the rows and the one video it names; None without one.

    sleap-io's ``to_dataframe`` writes the column for labels of several videos, even when ``video=`` keeps
    the rows of one (sleap_io/codecs/dataframe.py ``include_video``); rows of several videos are refused.
    """
    column = next((c for c in VIDEO_COLUMNS if c in table), None)
    if column is None:
        return None
    values = list(dict.fromkeys(_cell(v) for v in table[column].dropna()))
    if len(values) > 1:
        raise InvalidSourceFileError(
            f"{path}: holds the rows of {len(values)} videos ({', '.join(repr(v) for v in values[:3])}); poseconv "
            f"converts one video per CSV. Export one video per file with {_EXPORT_ONE_VIDEO}; or convert the .slp."
        )
    return (column, values[0]) if values else None


def rows_video(path: Path, named: tuple[str, str] | None, fallback: str) -> VideoInfo | None:
    """Return the video a ``video_path`` column names (:func:`rows_video_name`); None for other columns."""
    if named is None or named[0] != "video_path":
        return None
    # A path with no backend metadata: the video as the metadata file's entry names one.
    return _video(path, {"filename": named[1]}, fallback)


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
        "into one file, and its 'sleap' layout drops the video_path column), and they are read as one video. "
        f"Export one video per file with {_EXPORT_ONE_VIDEO}; or convert the .slp. If the file holds one video whose "
        "frames are out of order, the poses are right.",
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


def _node_pairs(pairs: Any, index: dict[str, int]) -> tuple[tuple[int, int], ...]:
    """Return as node indices the node-name pairs (edges, symmetries) of a metadata skeleton entry."""
    return tuple(
        (index[str(a)], index[str(b)])
        for a, b in (
            p for p in (pairs if isinstance(pairs, list) else []) if isinstance(p, (list, tuple)) and len(p) == 2
        )
        if str(a) in index and str(b) in index
    )


def _skeleton(entries: Any, nodes: list[str]) -> Skeleton | None:
    """Return the listed skeleton with exactly the CSV's nodes (order, edges and symmetries); None when none has them.

    sleap-io writes each skeleton's ``symmetries`` (left/right node-name pairs) beside its edges; they are kept as
    the .slp and analysis .h5 readers keep them.
    """
    for entry in entries if isinstance(entries, list) else []:
        listed = [str(n) for n in entry.get("nodes", [])] if isinstance(entry, dict) else []
        if sorted(listed) != sorted(nodes) or len(set(listed)) != len(listed):
            continue
        index = {name: i for i, name in enumerate(listed)}
        return Skeleton(
            name=str(entry.get("name") or "Skeleton"),
            nodes=tuple(listed),
            edges=_node_pairs(entry.get("edges"), index),
            # A node paired with itself is no mirror pair (sleap-io's add_symmetry refuses it).
            symmetries=tuple((a, b) for a, b in _node_pairs(entry.get("symmetries"), index) if a != b),
        )
    return None


def _filenames(entry: Any) -> list[str]:
    """Return the file name(s) of a metadata video entry: one for a video file, every image of a sequence."""
    filename = entry.get("filename") if isinstance(entry, dict) else None
    if isinstance(filename, list):
        return [str(f) for f in filename]
    return [filename] if isinstance(filename, str) else []


def _is_named(entry: Any, column: str, value: str) -> bool:
    """Whether a video cell names this metadata entry, as sleap-io's ``_format_video`` writes it.

    ``"path"``: the entry's filename (an image sequence's list as pandas writes it); ``"name"``: its
    file name (an image sequence's first image's); ``"object"`` (column ``video``): the Video's text.
    """
    names = _filenames(entry)
    if not names:
        return False
    whole = names[0] if isinstance(entry.get("filename"), str) else str(names)
    if column == "video":
        return whole in value
    return value == whole or value == recorded_file_name(names[0])


def _listed_video(path: Path, videos: list[Any], named: tuple[str, str] | None) -> Any | None:
    """Return the metadata's entry of the rows' video (``named``: column and value); refuse when none is."""
    listed = ", ".join(repr(v.get("filename")) for v in videos if isinstance(v, dict))
    count = f"{len(videos)} video" + ("" if len(videos) == 1 else "s")
    where = f"{path}: its metadata ({path.with_suffix('.json').name}) lists {count} ({listed})"
    if named is None:
        if len(videos) > 1:
            raise InvalidSourceFileError(
                f"{where}, and the CSV has no column saying which of them its rows belong to (sleap-io's "
                "format='sleap' drops the video_path column, and save_csv writes the rows of every video unless "
                f"given video=). Export it again with save_metadata=True and {_EXPORT_ONE_VIDEO}; or convert the .slp."
            )
        return videos[0] if videos else None
    column, value = named
    if not videos:  # nothing to tell the video by: the rows' own name of it is used
        return None
    if column == "video_idx":
        index = int(value) if value.isdigit() else -1
        matches = [videos[index]] if 0 <= index < len(videos) else []
    else:
        matches = [v for v in videos if _is_named(v, column, value)]
    if len(matches) != 1:
        what = "none of them" if not matches else f"{len(matches)} of them (the same file name)"
        raise InvalidSourceFileError(
            f"{where}; the CSV's {column} column names {value!r}, which is {what}: the metadata is not the CSV's, "
            "or the name does not tell the videos apart. Export it again with save_metadata=True and "
            f"{_EXPORT_ONE_VIDEO}; or convert the .slp."
        )
    return matches[0]


def read_csv_metadata(
    path: Path, nodes: list[str], fallback_key: str, named: tuple[str, str] | None = None
) -> CsvMetadata | None:
    """Read sleap-io's metadata beside the CSV ``path``; None when there is none.

    Parameters
    ----------
    path : pathlib.Path
        The CSV.
    nodes : list of str
        The CSV's nodes, to find their skeleton.
    fallback_key : str
        The video's key when its entry names none.
    named : tuple of str, optional
        The rows' video column and the video it names (:func:`rows_video_name`): the metadata's video of
        that name is the CSV's video.

    Raises
    ------
    InvalidSourceFileError
        When it lists several videos and the rows do not name theirs, or lists none the rows name.
    """
    data = _load(path)
    if data is None:
        return None
    videos = data["videos"] if isinstance(data["videos"], list) else []
    entry = _listed_video(path, videos, named)
    tracks = data.get("tracks") if isinstance(data.get("tracks"), list) else []
    return CsvMetadata(
        file_name=path.with_suffix(".json").name,
        video=_video(path, entry, fallback_key) if entry is not None else None,
        skeleton=_skeleton(data["skeletons"], nodes),
        tracks=tuple(str(t) for t in tracks),
    )


def has_csv_metadata(path: Path) -> bool:
    """Return whether sleap-io's metadata (``<name>.json``, ``save_metadata=True``) is beside the CSV ``path``."""
    return _load(path) is not None
