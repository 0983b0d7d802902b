"""Which video frame each stored pose time is, when the stored times skip frames.

poseconv writes every frame of a video, from frame 0, so a container's row ``k`` is the video's
frame ``k``. Other writers store only the frames an animal was seen in: neuroconv's
``SLEAPInterface`` writes one track's frames with times ``frame / fps`` (or the video's times of
those frames), sleap-io's NWB writer the frames where a node has a value. Read as rows, the frames
after a gap would be the wrong video frames, and so would every frame of a series that starts
late. :func:`frames_on_video` numbers the stored times by video frame, so that readers and the
exports (DeepLabCut rows, SLEAP ``frame_idx``) keep each pose on its frame:

* times of a ``source_video`` ``ImageSeries`` that has them (its ``timestamps``, or ``rate`` and
  ``starting_time``): each stored time is the frame with that time (of a video in several files, the frame of
  the poses' file, from its first: :mod:`.video_segments`);
* frame numbers recovered from sleap-io's ``frame x fps`` times (:mod:`.frame_times`);
* without a linked video, times with gaps that are all whole multiples of one step (the smallest
  gap): frame ``t / step``, time 0 being frame 0, as neuroconv and sleap-io write them, with a warning;
  times whose differences from the first are whole multiples (or that would put the first pose
  implausibly many frames after time 0: a clock hours into a session, a Unix-epoch camera clock)
  are numbered from the first stored time instead. Times with camera jitter are no whole multiples
  and stay rows.

The times of a linked video are used whether or not the stored times have gaps: poses of a
trimmed segment (a DeepLabCut run on seconds 10 to 20 of a video) or of every 2nd frame are on
the video's frames 300, 301, ... or 0, 2, 4, ..., as ``poseconv plot --video`` shows them, and the
exports number them so. poseconv's own files store the video's times for the poses, so there the
rows stay the frames. Without a linked video, times without gaps are left as rows (frame 0 is the
first stored time): a file whose poses start later than its video's clock cannot be told from one
whose clock was moved (``set_aligned_starting_time``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import PoseconvWarning
from ...model import FrameTiming
from .frame_times import frame_step
from .store import member

__all__ = ["SAME_TIME_TOLERANCE", "frames_on_video", "union_base", "video_timing"]

#: Two frame times closer than this (seconds) are the same frame; video frames are >= 1 ms apart.
SAME_TIME_TOLERANCE = 1e-6
# A stored time within this many frames of a video frame's time is that frame (float rounding of t = k / fps).
_FRAME_TOLERANCE = 1e-3
# Or within this many float32 steps of it: times a writer kept as float32 (a camera's clock, an array built in
# float32; hdmf stores them as float64 unchanged) are off by up to half a step, 0.2 ms an hour into a recording,
# more than _FRAME_TOLERANCE of a frame, while a clock moved for the poses only is off by far more.
_FLOAT32_STEPS = 2.0
# ... but never more than this much of a frame, so that the nearest frame is the only one a time can be.
_MAX_SLACK = 0.45
# Times numbered from time 0 may need at most this many frames, or this many per stored time (a long
# video whose poses start late); beyond, the clock is not the video's (see _from_step).
_MAX_FRAMES = 10**6
_MAX_FRAMES_PER_TIME = 10


def video_timing(source_video: Any) -> FrameTiming | None:
    """Return the frame times an ``ImageSeries`` stores (``timestamps``, or a positive ``rate``); None otherwise."""
    if source_video is None:
        return None
    if member(source_video, "timestamps") is not None:
        timestamps = np.asarray(source_video["timestamps"][()], dtype="float64").reshape(-1)
        return FrameTiming(timestamps=timestamps, source="timestamps of the linked video") if len(timestamps) else None
    if member(source_video, "starting_time") is not None:
        rate = float(source_video["starting_time"].attrs.get("rate", 0.0))
        if np.isfinite(rate) and rate > 0:
            start = float(source_video["starting_time"][()])
            return FrameTiming(rate=rate, starting_time=start, source="rate of the linked video")
    return None


def _has_gaps(base: np.ndarray) -> bool:
    steps = np.diff(base)
    return len(steps) > 0 and float(steps.max()) > 1.5 * float(steps.min())


def _float32_slack(times: np.ndarray) -> np.ndarray:
    """Return, per time, how far (s) float32 rounding may have moved it: :data:`_FLOAT32_STEPS` float32 steps."""
    return _FLOAT32_STEPS * np.spacing(np.abs(times).astype("float32")).astype("float64")


def _on_video(base: np.ndarray, video: FrameTiming) -> np.ndarray | None:
    """Return the frame of the video of each time of ``base``; None when a time is not one of its frames.

    Each time goes to the nearest frame, and must be within the tolerance of it: :data:`_FRAME_TOLERANCE`
    of a frame, or the float32 slack of the time, never more than :data:`_MAX_SLACK` of a frame (on a
    clock far from zero, a Unix-epoch camera clock, float32 steps are longer than frames: no float32
    time could be told apart there, and times that close are the same frame only if they are that near).
    """
    if video.timestamps is not None:
        times = np.asarray(video.timestamps, dtype="float64")
        steps = np.diff(times)
        step = float(steps[steps > 0].min()) if np.any(steps > 0) else 1.0
        tolerance = np.minimum(np.maximum(_FRAME_TOLERANCE * step, _float32_slack(base)), _MAX_SLACK * step)
        after = np.clip(np.searchsorted(times, base), 0, len(times) - 1)
        before = np.clip(after - 1, 0, len(times) - 1)
        index = np.where(np.abs(times[before] - base) <= np.abs(times[after] - base), before, after)
        return index if np.all(np.abs(times[index] - base) <= tolerance) else None
    start = float(video.starting_time or 0.0)
    frames = (base - start) * float(video.rate)
    whole = np.round(frames)
    # Either side may be the rounded one: the stored time or the video's start.
    slack = (_float32_slack(base) + _float32_slack(np.array([start]))) * video.rate
    tolerance = np.minimum(np.maximum(_FRAME_TOLERANCE, slack), _MAX_SLACK)
    return whole.astype("int64") if np.all(np.abs(frames - whole) <= tolerance) and whole.min() >= 0 else None


def _from_step(base: np.ndarray, path: Path | str, video: str) -> tuple[np.ndarray, FrameTiming] | None:
    """Return frame numbers and their timing when every time is a whole multiple of the smallest gap; else None.

    The step is the one sleap-io's ``frame x fps`` times are recovered by (:func:`.frame_times.frame_step`).
    Times that are whole multiples from time 0 are frames ``t / step`` (neuroconv's and sleap-io's
    ``frame / fps``), unless that numbering needs far more frames than there are times (a clock that
    does not start at the video's first frame: hours into a session, a Unix-epoch camera clock); such
    times, and times whose differences from the first are whole multiples, are numbered from the
    first stored time, as times without gaps are.
    """
    limit = max(_MAX_FRAMES_PER_TIME * len(base), _MAX_FRAMES)
    step = frame_step(base)
    frames = None if step is None else np.round(base / step)
    if step is not None and frames is not None and frames.min() >= 0 and frames[-1] < limit:
        origin, source = 0.0, f"frame numbers: stored times / {step:g} s (time 0 = frame 0)"
        said = f"each a whole multiple of {step:g} s; read as frame time / {step:g} (time 0 is frame 0, as neuroconv "
        said += "and sleap-io write them)"
    else:
        origin = float(base[0])
        step = frame_step(base, origin=origin)
        if step is None or (frames := np.round((base - origin) / step))[-1] >= limit:
            return None
        source = f"frame numbers: (stored times - {origin!r} s) / {step:g} s (the first stored time = frame 0)"
        said = f"{step:g} s or a whole multiple of it apart; read as frames from the first stored time ({origin!r} s)"
    warnings.warn(
        f"{path}: the poses of video {video!r} store times with gaps, {said}, so each pose keeps its frame.",
        PoseconvWarning,
        stacklevel=7,
    )
    return frames.astype("int64"), FrameTiming(rate=1.0 / step, starting_time=origin, source=source)


def frames_on_video(
    base: np.ndarray,
    *,
    video_times: FrameTiming | None,
    recovered_rate: float | None,
    path: Path | str,
    video: str,
) -> tuple[np.ndarray, FrameTiming] | None:
    """Return the video frame of each time of ``base`` and the times of frames 0 to the last; None: rows are frames.

    Parameters
    ----------
    base : numpy.ndarray
        The sorted times of a video's containers (the union of their series' times).
    video_times : FrameTiming, optional
        The times of the video's frames, from its linked ``ImageSeries``.
    recovered_rate : float, optional
        The frame rate when the times are sleap-io's ``frame x fps`` recovered as ``frame / rate``.
    path, video : pathlib.Path or str, str
        The file and the video, for the warning.

    Returns
    -------
    (numpy.ndarray, FrameTiming) or None
        Frame number per time of ``base`` and the timing of every frame up to the last; None when
        the times have no gap (and are neither recovered frame numbers nor times of a linked video's
        frames), or are frames 0, 1, 2, ... already.
    """
    if len(base) == 0 or (recovered_rate is None and video_times is None and not _has_gaps(base)):
        return None
    frames: np.ndarray | None = None
    timing: FrameTiming | None = None
    if recovered_rate is not None:
        frames = np.round(base * recovered_rate).astype("int64")
        timing = FrameTiming(rate=recovered_rate, starting_time=0.0, source="frames of sleap-io's frame x fps times")
    elif video_times is not None:
        # Times that are not the video's frames (a clock moved for the poses only) stay rows, as said.
        frames = _on_video(base, video_times)
        if frames is None:
            warnings.warn(
                f"{path}: the poses of video {video!r} store times that are not all frame times of the video their "
                f"PoseEstimation links ({video_times.source}): each pose is numbered by its row (row 0 = frame 0) "
                "in what is read and exported.",
                PoseconvWarning,
                stacklevel=7,
            )
        if frames is not None and video_times.timestamps is not None:
            n_frames = int(frames[-1]) + 1
            timing = FrameTiming(timestamps=np.asarray(video_times.timestamps)[:n_frames], source=video_times.source)
        elif frames is not None:
            timing = video_times
    elif (found := _from_step(base, path, video)) is not None:
        frames, timing = found
    if frames is None or timing is None or np.array_equal(frames, np.arange(len(base))):
        return None
    if np.any(np.diff(frames) <= 0):
        # Two poses on one frame (a camera clock that repeats a time, poses faster than the video): one would
        # overwrite the other, so every pose keeps its row.
        warnings.warn(
            f"{path}: {int(np.sum(np.diff(frames) <= 0))} pose time(s) of video {video!r} fall on the frame of the "
            "time before them; each pose is numbered by its row (row 0 = frame 0) instead, so none is lost.",
            PoseconvWarning,
            stacklevel=7,
        )
        return None
    return frames, timing


def union_base(
    times: Sequence[Sequence[np.ndarray | None]], timings: Sequence[Sequence[FrameTiming | None]], recovered: bool
) -> tuple[np.ndarray, FrameTiming | None, bool]:
    """Return the times of a video's frames (every series' times), their timing, and whether all series share them.

    Parameters
    ----------
    times, timings : sequence of sequence
        Per container of the video, the times and timing of each series (None for a node without series).
    recovered : bool
        Whether the times are frame numbers recovered from sleap-io's ``frame x fps`` (then regular
        union times keep the recovered rate).
    """
    all_times = [t for per_container in times for t in per_container if t is not None]
    all_timings = [timing for per_container in timings for timing in per_container if timing is not None]
    first = all_times[0] if all_times else None
    shared = first is not None and all(len(t) == len(first) and np.array_equal(t, first) for t in all_times)
    if first is None:
        return np.empty(0), None, shared
    if shared:
        return first, all_timings[0], shared
    union = np.unique(np.concatenate(all_times))
    keep = np.concatenate([[True], np.diff(union) > SAME_TIME_TOLERANCE]) if len(union) else union.astype(bool)
    base = union[keep]
    rate = all_timings[0].rate if recovered else None
    if rate is not None and np.allclose(base, base[0] + np.arange(len(base)) / rate, rtol=0, atol=1e-9):
        return base, FrameTiming(rate=rate, starting_time=float(base[0]), source=all_timings[0].source), shared
    source = (
        all_timings[0].source
        if recovered
        else "union of the series' times stored in the NWB file (series store different frames)"
    )
    return base, FrameTiming(timestamps=base, source=source), shared
