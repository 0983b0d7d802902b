"""A video already in the file that the poses link: its files, the segment that is the poses' video, its frame times.

A camera recorded in segments (one file every N minutes, a recording restarted) is one ``ImageSeries`` of
several files, as neuroconv's ``ExternalVideoInterface(file_paths=[...])`` writes it: ``external_file`` the
segments, ``starting_frame`` the frame of the series each one begins at. A pose file of one of those files is
that camera's poses, and its frames are the segment's (found by time: the poses keep their own times).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ...errors import PoseconvWarning
from ...model.location import where_linked
from ...timing import SAME_CLOCK_RTOL
from ...video import is_video_in_segments

__all__ = ["linked_files", "segment_of", "video_of_segment", "warn_if_other_times"]


def linked_files(series: Any, relative_to: Path | None) -> list[list[Path]]:
    """Return the external files of ``series`` as paths here, read once per folder they may be relative to.

    A relative external file is relative to the NWB file (poseconv's, as DANDI asks) or to the folder the
    conversion ran in (neuroconv's ``ExternalVideoInterface`` writes the paths it was given): one reading
    for each, in that order. Empty when the series links no files (its frames are in the NWB file).
    """
    files = getattr(series, "external_file", None)
    if files is None or len(files) == 0:
        return []
    folders = [Path(relative_to)] if relative_to is not None else []
    return [[where_linked(folder / str(file)) for file in files] for folder in [*folders, Path.cwd()]]


def segment_of(series: Any, video_path: Path | Sequence[Path], relative_to: Path | None) -> int | None:
    """Return the index of ``video_path`` among the files of ``series``, a video recorded in segments; else None.

    None too for the image files of an image sequence (each a frame, not a segment) and for a series of
    one file (the same video, or another one).
    """
    if not isinstance(video_path, (str, os.PathLike)):
        return None
    wanted = where_linked(video_path)
    for reading in linked_files(series, relative_to):
        # The readers' rule too (nwb/read/video_facts): what is linked as a segment is read as one.
        if is_video_in_segments(reading) and wanted in reading:
            return reading.index(wanted)
    return None


def video_of_segment(
    nwbfile: Any, video_path: Path | Sequence[Path], relative_to: Path | None
) -> tuple[Any, int] | tuple[None, None]:
    """Return the external ``ImageSeries`` of ``acquisition`` of which ``video_path`` is a segment, and its index."""
    for series in nwbfile.acquisition.values():
        segment = segment_of(series, video_path, relative_to)
        if segment is not None:
            return series, segment
    return None, None


def _frames_of(series: Any, segment: int | None) -> tuple[int, int | None]:
    """Return the frame of ``series`` at which its file ``segment`` begins and the one its next file begins at.

    ``(0, None)`` for the whole series; None for the end of the last file.
    """
    starts = getattr(series, "starting_frame", None)
    if segment is None or starts is None or len(starts) <= segment:
        return 0, None
    return int(starts[segment]), int(starts[segment + 1]) if len(starts) > segment + 1 else None


class _Times(NamedTuple):
    """The first frame time and frame step of a rate or of timestamps (their mean step), and the frames spanned."""

    first: float
    step: float
    n_frames: int | None
    from_timestamps: bool

    def said(self) -> str:
        rate = f"{1 / self.step:.6g} fps" + (" on average" if self.from_timestamps else "")
        return f"first {self.first:.6g} s, {rate}"


def _first_time_and_step(
    timing: Mapping[str, Any], first_frame: int = 0, end_frame: int | None = None, n_frames: int | None = None
) -> _Times | None:
    """Return frame ``first_frame``'s time and the frame step of ``rate``/``starting_time`` or ``timestamps``.

    The step of ``timestamps`` is their mean over ``n_frames`` frames from ``first_frame`` (all, up to
    ``end_frame``, when None): the first step of jittered times (a camera's, or aligned ones) is off their
    rate by the jitter.
    """
    if timing.get("rate"):
        step = 1.0 / float(timing["rate"])
        return _Times(float(timing.get("starting_time") or 0.0) + first_frame * step, step, None, False)
    times = timing.get("timestamps")
    end = len(times) if times is not None else 0
    end = min(end, end_frame) if end_frame is not None else end
    end = min(end, first_frame + max(n_frames, 2)) if n_frames is not None else end
    if end < first_frame + 2:
        return None
    # Two values, not the series: a dataset stored in the file reads only these.
    first, last = float(times[first_frame]), float(times[end - 1])
    return _Times(first, (last - first) / (end - 1 - first_frame), end - first_frame, True)


def warn_if_other_times(series: Any, timing_kwargs: Mapping[str, Any], segment: int | None = None) -> None:
    """Warn when the poses link a video already in the file whose frame times are not theirs.

    A video interface aligned otherwise than the poses (``set_aligned_starting_time`` on one of them)
    leaves each pose on a frame of the video at another time; nothing else would say so. The poses of a
    segment (file ``segment`` of the series) are compared with that segment's frames. Timestamps are
    compared by their mean rate over the frames the poses span (times may be jittered), and said so.
    """
    stored = {"rate": series.rate, "starting_time": series.starting_time, "timestamps": series.timestamps}
    first_frame, end_frame = _frames_of(series, segment)
    ours = _first_time_and_step(timing_kwargs)
    if ours is None:
        return
    # The video's frames the poses span: mean steps over the same frames compare like with like.
    theirs = _first_time_and_step(stored, first_frame, end_frame, ours.n_frames)
    if theirs is None:
        return
    # Half a frame apart at the start, or steps of other clocks.
    if (
        abs(theirs.first - ours.first) <= 0.5 * ours.step
        and abs(theirs.step - ours.step) <= SAME_CLOCK_RTOL * ours.step
    ):
        return
    video = f"the video '{series.name}' already in the file"
    if segment is not None:
        video += f" (its file {series.external_file[segment]}, from its frame {first_frame})"
    warnings.warn(
        f"The poses link {video}, whose frame times ({theirs.said()}) are not the poses' ({ours.said()}): the "
        "poses keep their times, and a reader that takes a pose's time from its video frame gets another one. "
        "Align the video and the poses alike (e.g. the same set_aligned_starting_time on the video interface and "
        "the pose interface; for a video of several files, its set_aligned_segment_starting_times and the times of "
        "each file's poses).",
        PoseconvWarning,
        stacklevel=2,
    )
