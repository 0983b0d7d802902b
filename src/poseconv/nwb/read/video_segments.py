"""A pose container's source video of several files: one camera recorded in segments, and the file that is the poses'.

neuroconv's ``ExternalVideoInterface(file_paths=[part1, part2])`` writes one camera's recording in segments
(a file every N minutes, a recording restarted) as one ``ImageSeries``: ``external_file`` the files,
``starting_frame`` (an attribute of ``external_file``) the frame of the series each one begins at, and the frame
times of all of them. The poses of one of those files link it (poseconv's writer does, :mod:`poseconv.nwb.write.
video_segments`, and so may others): their video is that one file, whose frames are numbered from 0 as the pose
tool numbered them. Several files that are not all named like videos are an image sequence, one image per frame
(:func:`~.video_facts.image_sequence`).

The poses' file is the one their container's description names (poseconv's ``"... on video 'part2', read
from ..."``, when one file's name is that), else the one whose frames hold the poses' first time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ...model import FrameTiming
from .pose_names import file_stem, names_from_description
from .store import child_groups, member

__all__ = ["pose_segment", "segment_timing", "starting_frames"]


def starting_frames(source_video: Any, n_files: int) -> np.ndarray:
    """Return the frame of the series each external file begins at (``starting_frame``; 0 for every file if absent).

    NWB stores ``starting_frame`` as an attribute of ``external_file``; a writer that left it out (it is
    required of several files) gives no way to tell the files' frames apart: each is read from frame 0.
    """
    starts = source_video["external_file"].attrs.get("starting_frame")
    values = np.asarray(starts if starts is not None else [], dtype="int64").reshape(-1)
    return values if len(values) == n_files else np.zeros(n_files, dtype="int64")


def pose_segment(
    group: Any, external: Sequence[str], starts: np.ndarray, timing: FrameTiming | None, description: str | None
) -> int | None:
    """Return which external file of a video in segments holds the poses of ``group``; None when none can be told.

    Parameters
    ----------
    group : h5py.Group or zarr.Group
        The ``PoseEstimation``.
    external : sequence of str
        The video's files (:func:`poseconv.video.is_video_in_segments`).
    starts : numpy.ndarray
        The frame each begins at (:func:`starting_frames`).
    timing : FrameTiming or None
        The frame times of the whole video.
    description : str or None
        The container's description: poseconv's names the poses' video (its file's name without extension).
    """
    _, video = names_from_description(description, None)
    named = [k for k, file in enumerate(external) if video is not None and file_stem(file) == video]
    if len(named) == 1:
        return named[0]
    first = _first_pose_time(group)
    if first is None or timing is None or not np.any(starts):
        return None  # no starting_frame: the files' frames cannot be told apart
    return _segment_at(first, starts, timing)


def segment_timing(timing: FrameTiming, starts: np.ndarray, segment: int) -> FrameTiming:
    """Return the frame times of file ``segment`` of a video in segments, its first frame being frame 0."""
    first = int(starts[segment])
    stop = int(starts[segment + 1]) if segment + 1 < len(starts) else None
    source = f"{timing.source}, its file {segment + 1} of {len(starts)} from its frame {first}"
    if timing.timestamps is not None:
        return FrameTiming(timestamps=np.asarray(timing.timestamps)[first:stop], source=source)
    start = float(timing.starting_time or 0.0) + first / float(timing.rate)
    return replace(timing, starting_time=start, source=source)


def _first_pose_time(group: Any) -> float | None:
    """Return the first time of the first ``PoseEstimationSeries`` of ``group`` (one value read), if any."""
    for series in child_groups(group, "PoseEstimationSeries").values():
        timestamps = member(series, "timestamps")
        if timestamps is not None and len(timestamps):
            return float(timestamps[0])
        starting_time = member(series, "starting_time")
        if starting_time is not None:
            return float(starting_time[()])
    return None


def _segment_at(time: float, starts: np.ndarray, timing: FrameTiming) -> int | None:
    """Return the file whose frames hold ``time`` (within half a frame); None when none or several do.

    Frame times (``timestamps``) may start each file at a time of its own (neuroconv's
    ``set_aligned_segment_starting_times``), and the files' times are then not one sequence: each file's
    times are looked at. A rate gives one sequence of frames, each file holding those from its start on.
    """
    if timing.timestamps is None:
        frame = round((time - float(timing.starting_time or 0.0)) * float(timing.rate))
        return int(np.searchsorted(starts, frame, side="right")) - 1 if frame >= 0 else None
    holding = []
    for segment in range(len(starts)):
        times = np.asarray(segment_timing(timing, starts, segment).timestamps, dtype="float64")
        steps = np.diff(times)
        half = 0.5 * float(np.median(steps)) if len(steps) else 0.0
        if len(times) and float(times.min()) - half <= time <= float(times.max()) + half:
            holding.append(segment)
    return holding[0] if len(holding) == 1 else None
