"""poseconv's own checks of the pose data in an NWB file, beyond what nwbinspector checks.

The file is read through :func:`poseconv.nwb.read.store.open_store` (HDF5, Zarr store or URL), not
pynwb: a file whose skeleton is broken may not build as
pynwb objects at all, and long series are read a block at a time, so memory stays bounded.

* skeleton edges name nodes that exist (``Skeleton`` and the ndx-pose 0.1 ``PoseEstimation``
  ``nodes`` / ``edges``);
* confidence values lie in [0, 1] when the series' ``confidence_definition`` says they are
  a probability or a score from 0 to 1 (a definition that says nothing of the range, or that
  the score is not bounded, as SLEAP's does, is not checked);
* timestamps strictly increase, and a rate is positive; a series has as many timestamps, and
  as many confidence values, as samples of ``data``;
* each external video of an ``ImageSeries`` resolves relative to the NWB file, and the video
  a ``PoseEstimation`` links as its ``source_video`` has as many frames as its series (for a
  file read from a URL, only absolute video paths are checked); a ``source_video`` whose frames
  are stored in the file (no external file) has its stored frames counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..model.location import dandiset_link_problem
from ..model.pose import NO_DETECTION
from ..nwb.read.store import link_target
from .report import Problem

__all__ = ["check_pose_file", "says_unit_interval"]

#: Values read at a time from a long dataset.
_BLOCK = 1_000_000

# "(0 to 1)", "0-1", "[0, 1]", "between 0 and 1", "probability", "softmax": a score bounded by 0 and 1.
_UNIT_INTERVAL = re.compile(
    r"\b0(?:\.0)?\s*(?:to|-|–)\s*1(?:\.0)?\b|\[\s*0(?:\.0)?\s*,\s*1(?:\.0)?\s*\]|between 0 and 1|probabilit|softmax",
    re.IGNORECASE,
)
# "not bounded", "not a calibrated probability", "unbounded", "(usually 0 to 1; it can exceed 1)" (poseconv's
# own SLEAP definitions): the definition says the range is open.
_NOT_BOUNDED = re.compile(
    r"\bnot\b[^.;]*\b(?:bounded|probabilit)|\bunbounded\b|\b(?:can|may)\s+exceed\b", re.IGNORECASE
)


def says_unit_interval(definition: str | None) -> bool:
    """Whether a ``confidence_definition`` says the values lie in [0, 1].

    Parameters
    ----------
    definition : str or None
        The text, e.g. DeepLabCut's "the network's score-map confidence (0 to 1)".

    Returns
    -------
    bool
        True for a probability or a score from 0 to 1; False for anything else, including
        SLEAP's "not a calibrated probability and is not bounded by 1".
    """
    if not definition:
        return False
    return bool(_UNIT_INTERVAL.search(definition)) and not _NOT_BOUNDED.search(definition)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _typed(handle: Any) -> Iterator[tuple[str, Any]]:
    """Yield ``(neurodata_type, group)`` for every typed group of the file.

    Typed datasets (``VectorData`` spike times, an ``RGBImage``, Units ``waveform_mean``) are left out:
    no check is of them, and ``"data" in dataset`` would compare every stored value with "data".
    """
    from ..nwb.read.store import is_dataset

    found: list[tuple[str, Any]] = []

    def visit(name: str, obj: Any) -> None:
        kind = obj.attrs.get("neurodata_type")
        if kind is not None and not is_dataset(obj):
            found.append((_text(kind), obj))

    handle.visititems(visit)
    yield from found


def _problem(importance: str, check: str, group: Any, kind: str, message: str) -> Problem:
    return Problem(
        importance=importance,
        check=f"poseconv:{check}",
        message=message,
        location=group.name,
        object_type=kind,
        object_name=group.name.rsplit("/", 1)[-1],
    )


def _blocks(dataset: Any) -> Iterator[np.ndarray]:
    for start in range(0, dataset.shape[0], _BLOCK):
        yield np.asarray(dataset[start : start + _BLOCK], dtype="float64")


def _check_edges(group: Any, kind: str) -> list[Problem]:
    if "edges" not in group or "nodes" not in group:
        return []
    n_nodes = len(group["nodes"])
    edges = np.asarray(group["edges"][()]).reshape(-1, 2) if group["edges"].size else np.empty((0, 2), int)
    bad = [tuple(int(v) for v in e) for e in edges if min(e) < 0 or max(e) >= n_nodes]
    if not bad:
        return []
    return [
        _problem(
            "CRITICAL",
            "skeleton_edges",
            group,
            kind,
            f"{len(bad)} edge(s) name nodes that do not exist (there are {n_nodes} nodes, indices 0 to "
            f"{n_nodes - 1}): {bad[:5]}{' ...' if len(bad) > 5 else ''}.",
        )
    ]


def _check_confidence(series: Any) -> list[Problem]:
    if "confidence" not in series:
        return []
    confidence = series["confidence"]
    definition = confidence.attrs.get("definition")
    definition = _text(definition) if definition is not None else None
    if not says_unit_interval(definition):
        return []
    outside, low, high = 0, np.inf, -np.inf
    for block in _blocks(confidence):
        # -1 is DeepLabCut 3's mark of an animal it did not detect (x and y are -1 too), not a score.
        finite = block[np.isfinite(block) & (block != NO_DETECTION)]
        if finite.size:
            outside += int(np.count_nonzero((finite < 0) | (finite > 1)))
            low, high = min(low, float(finite.min())), max(high, float(finite.max()))
    if not outside:
        return []
    return [
        _problem(
            "BEST_PRACTICE_VIOLATION",
            "confidence_range",
            series,
            "PoseEstimationSeries",
            f"{outside} confidence value(s) outside [0, 1] (from {low:g} to {high:g}), though its "
            f"confidence_definition says they are: {definition!r}.",
        )
    ]


def _check_times(series: Any, kind: str, seen: set[Any]) -> list[Problem]:
    if "timestamps" in series:
        timestamps = series["timestamps"]
        # A series that links another's timestamps: checked once (by the link's target, in HDF5 and Zarr alike).
        key = link_target(series, "timestamps") or f"{series.name}/timestamps"
        if key in seen:
            return []
        seen.add(key)
        previous, bad, first_bad = -np.inf, 0, None
        for offset, block in zip(range(0, timestamps.shape[0], _BLOCK), _blocks(timestamps), strict=True):
            steps = np.diff(np.concatenate([[previous], block]))
            wrong = np.flatnonzero(~(steps > 0))
            if wrong.size and first_bad is None:
                first_bad = offset + int(wrong[0])
            bad += int(wrong.size)
            previous = block[-1] if block.size else previous
        if not bad:
            return []
        return [
            _problem(
                "CRITICAL",
                "timestamps_increasing",
                series,
                kind,
                f"timestamps do not strictly increase: {bad} step(s) are not positive (or NaN), the first at "
                f"sample {first_bad}.",
            )
        ]
    starting_time = series.get("starting_time")
    rate = starting_time.attrs.get("rate") if starting_time is not None else None
    if rate is not None and not float(rate) > 0:
        return [_problem("CRITICAL", "rate_positive", series, kind, f"rate is {float(rate):g}; it must be above 0.")]
    return []


def _differing_lengths(series: Any, other: str) -> tuple[int, int] | None:
    """Return the samples of a series' ``data`` and of its dataset ``other``; None when one is absent or they agree."""
    if other not in series or "data" not in series:
        return None
    n_data, n_other = int(series["data"].shape[0]), int(series[other].shape[0])
    return (n_data, n_other) if n_data != n_other else None


def _check_lengths(series: Any, kind: str) -> list[Problem]:
    """Compare the samples of a series' ``data`` with its ``timestamps`` (pynwb before 3.0 only warned)."""
    # An ImageSeries of external files keeps its frames in them; its data is an empty placeholder.
    if "external_file" in series or (lengths := _differing_lengths(series, "timestamps")) is None:
        return []
    n_data, n_times = lengths
    return [
        _problem(
            "CRITICAL",
            "data_timestamps_length",
            series,
            kind,
            f"data has {n_data} samples but timestamps has {n_times}; each sample needs one time. poseconv reads "
            f"the first {min(n_data, n_times)}; write the series again with as many timestamps as samples.",
        )
    ]


def _check_confidence_length(series: Any) -> list[Problem]:
    """Compare the samples of a series' ``data`` with its ``confidence`` (pynwb does not check it)."""
    if (lengths := _differing_lengths(series, "confidence")) is None:
        return []
    n_data, n_scores = lengths
    return [
        _problem(
            "CRITICAL",
            "data_confidence_length",
            series,
            "PoseEstimationSeries",
            f"data has {n_data} samples but confidence has {n_scores}; each sample needs one confidence value. "
            f"poseconv reads the confidence of the first {min(n_data, n_scores)} samples"
            f"{'; the others have none' if n_scores < n_data else ''}; write the series again with as many "
            "confidence values as samples.",
        )
    ]


def _external_files(image_series: Any) -> list[str]:
    if "external_file" not in image_series:
        return []
    return [_text(v) for v in np.asarray(image_series["external_file"][()]).reshape(-1)]


def _check_videos(folder: Path | None, image_series: Any) -> tuple[list[Problem], list[Path] | None]:
    """Check the external files resolve; return the problems and the files (None when one is missing or unchecked)."""
    problems, paths = [], []
    for recorded in _external_files(image_series):
        candidate = Path(recorded)
        if folder is None and not candidate.is_absolute():
            # A file read from a URL: its relative paths name files beside it there, not here.
            return [], None
        resolved = candidate if candidate.is_absolute() else (folder or Path.cwd()) / candidate
        if resolved.is_file():
            paths.append(resolved)
            outside = dandiset_link_problem(recorded, folder) if folder is not None else None
            if outside:
                problems.append(
                    _problem("BEST_PRACTICE_VIOLATION", "video_outside_dandiset", image_series, "ImageSeries", outside)
                )
            continue
        problems.append(
            _problem(
                "CRITICAL",
                "external_video",
                image_series,
                "ImageSeries",
                f"the external video {recorded!r} is not found (looked for {resolved}); external files are "
                "resolved relative to the NWB file: move the video there or fix external_file.",
            )
        )
    missing = any(p.check == "poseconv:external_video" for p in problems)
    return problems, (paths if not missing else None)


def _frame_count(paths: list[Path], image_series: Any) -> tuple[list[int] | None, Problem | None]:
    """Return the frame count of each external file of ``image_series`` (one video, or its segments)."""
    from ..errors import PoseconvError
    from ..video import probe_video

    counts = []
    for path in paths:
        try:
            counts.append(probe_video(path).n_frames)
        except PoseconvError as err:
            return None, _problem("CRITICAL", "external_video", image_series, "ImageSeries", str(err))
    return counts, None


def _video_frames(group: Any, source_video: Any, counts: list[int]) -> tuple[int, str]:
    """Return the frame count of the poses' video and what to call it: a video in segments is one file's."""
    from ..nwb.read.store import member, texts
    from ..nwb.read.video_frames import video_timing
    from ..nwb.read.video_segments import pose_segment, starting_frames
    from ..video import is_video_in_segments

    # A video whose frames the file holds (neuroconv's InternalVideoInterface) has no external files.
    external = texts(source_video["external_file"]) if member(source_video, "external_file") is not None else []
    if len(external) == len(counts) and is_video_in_segments(external):
        starts = starting_frames(source_video, len(external))
        description = group.attrs.get("description")
        description = _text(description) if description is not None else None
        segment = pose_segment(group, external, starts, video_timing(source_video), description)
        if segment is not None:
            return counts[segment], f"{source_video.name} (its file {external[segment]})"
    return sum(counts), source_video.name


def _source_video(group: Any) -> str | None:
    """Return the HDF5 path of the ImageSeries a PoseEstimation links as ``source_video``, or None."""
    from ..nwb.read.store import link_target

    target = link_target(group, "source_video")
    if target is not None:
        return target
    return group["source_video"].name if "source_video" in group else None


def _check_pose_video(handle: Any, group: Any, frames: dict[str, list[int] | None]) -> list[Problem]:
    """Compare the length of a PoseEstimation's series with the frame count of its source video (or its file)."""
    video = _source_video(group)
    if video is None or frames.get(video) is None:
        return []
    lengths = {int(group[k]["data"].shape[0]) for k in group if _type_of(group[k]) == "PoseEstimationSeries"}
    n_frames, video = _video_frames(group, handle[video.lstrip("/")], frames[video])
    if not lengths or lengths == {n_frames}:
        return []
    return [
        _problem(
            "BEST_PRACTICE_VIOLATION",
            "video_frame_count",
            group,
            "PoseEstimation",
            f"its series have {', '.join(map(str, sorted(lengths)))} samples but its source video {video} "
            f"has {n_frames} frames; the poses may be of another video or cut short.",
        )
    ]


def _type_of(obj: Any) -> str | None:
    kind = obj.attrs.get("neurodata_type")
    return _text(kind) if kind is not None else None


def check_pose_file(path: str | Path) -> list[Problem]:
    """Run poseconv's pose checks on an NWB file.

    Parameters
    ----------
    path : str or pathlib.Path
        An NWB file (HDF5 or Zarr store), or its URL (external videos are then not checked: they are
        beside the file there, not here).

    Returns
    -------
    list of Problem
        What is wrong; empty when every check passes.
    """
    from ..exporters.linked_video import stored_source_video
    from ..nwb.read.store import damage_named, local_folder, nwb_location, open_store

    path = nwb_location(path)
    folder = local_folder(path)
    problems: list[Problem] = []
    seen_times: set[Any] = set()
    frames: dict[str, list[int] | None] = {}
    # A file at a URL is not walked first as one on disk is: an object whose bytes are damaged fails here,
    # said naming the file (it gave h5py's "Object visitation failed").
    with open_store(path) as handle, damage_named(path):
        typed = list(_typed(handle))
        linked = {_source_video(g) for kind, g in typed if kind == "PoseEstimation"}
        for kind, group in typed:
            if kind in ("Skeleton", "PoseEstimation"):
                problems += _check_edges(group, kind)
            if kind == "PoseEstimationSeries":
                problems += _check_confidence(group)
                problems += _check_confidence_length(group)
            if "data" in group and ("timestamps" in group or "starting_time" in group):
                problems += _check_times(group, kind, seen_times)
                problems += _check_lengths(group, kind)
            if kind == "ImageSeries" and _external_files(group):
                found, paths = _check_videos(folder, group)
                problems += found
                frames[group.name] = None
                if paths is not None and group.name in linked:
                    frames[group.name], failed = _frame_count(paths, group)
                    problems += [failed] if failed else []
        for kind, group in typed:
            if kind == "PoseEstimation":
                # A source_video whose frames the file holds (neuroconv's InternalVideoInterface) has them counted.
                if (stored := stored_source_video(handle, group)) is not None:
                    frames[stored.name] = [stored.n_frames]
                problems += _check_pose_video(handle, group, frames)
    return problems
