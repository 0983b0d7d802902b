"""DeepLabCut-live's outputs: what its GUI and its benchmark add to DeepLabCut's table layout.

* The GUI (``<session>_DLC.hdf5``) saves the poses of the frames it analysed with two clock
  columns, ``("frame_time", "")`` and ``("pose_time", "")``, and no scorer level. It analyses
  frames as fast as the model goes, so its rows are not every camera frame: ``frame_time``,
  not a frame rate, places them (:func:`live_timing`).
* The benchmark (``<video>_poses_<YYYYmmdd_HHMMSS>.h5`` / ``.csv``) saves one row per frame with
  no scorer level, its animals named ``individual_<i>``, and the CSV without its frame column;
  :mod:`.variants` reads those layouts, and :func:`live_video_stem` finds the video. Its first
  versions saved a flat CSV and plain HDF5 datasets instead, which :mod:`.live_flat` reads.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import PoseconvWarning
from ...model import FrameTiming

__all__ = [
    "CLOCK_COLUMNS",
    "LIVE_SOFTWARE",
    "live_timing",
    "live_video_stem",
    "live_writer",
    "recorded_timing",
    "split_clock_columns",
]

#: DeepLabCut-live's clock columns, in seconds: when the analysed frame was captured, when its pose was ready.
CLOCK_COLUMNS = ("frame_time", "pose_time")
#: The software of a table with DeepLabCut-live's clock columns.
LIVE_SOFTWARE = "DeepLabCut-live"
# The benchmark's file names: "<video>_poses_<YYYYmmdd_HHMMSS>".
_POSES_STEM = re.compile(r"_poses_\d{8}_\d{6}$")
# Its first versions named them "<video>_poses", a name too common to take from tables of unknown writers.
_UNTIMED_POSES_STEM = re.compile(r"_poses(?:_\d{8}_\d{6})?$")


def live_video_stem(stem: str, scorer: str | None = None) -> str:
    """Return the video's stem in the name of DeepLabCut-live's benchmark poses; ``stem`` if it is not one.

    Parameters
    ----------
    stem : str
        The poses file's stem, ``<video>_poses_<YYYYmmdd_HHMMSS>``.
    scorer : str, optional
        The table's scorer: when it is :data:`LIVE_SOFTWARE` (the flat files of :mod:`.live_flat`),
        ``<video>_poses``, the name of the first versions, is one too.

    Returns
    -------
    str
        The video's stem.
    """
    pattern = _UNTIMED_POSES_STEM if scorer == LIVE_SOFTWARE else _POSES_STEM
    return pattern.sub("", stem) or stem


def live_writer(path: Path, clock: dict[str, Any] | None = None) -> str | None:
    """Return :data:`LIVE_SOFTWARE` for a table DeepLabCut-live wrote without a scorer level; None otherwise.

    The GUI's tables are known by their clock columns (``clock``, from :func:`split_clock_columns`), the
    benchmark's by their name, ``<video>_poses_<YYYYmmdd_HHMMSS>``: both lack DeepLabCut's scorer level,
    and without a writer the software would be recorded as unknown, with a warning that another tool may
    have written them.
    """
    return LIVE_SOFTWARE if clock or _POSES_STEM.search(path.stem) else None


def split_clock_columns(frame: Any) -> tuple[Any, dict[str, np.ndarray]]:
    """Return ``frame`` without DeepLabCut-live's clock columns, and their values by name (empty if none).

    DeepLabCut-live's GUI saves each pose with two more columns, ``("frame_time", "")`` (when the
    analysed frame was captured) and ``("pose_time", "")`` (when its pose was ready), in seconds
    of the recording computer's clock.
    """
    clock = [
        column
        for column in frame.columns
        if isinstance(column, tuple) and column[0] in CLOCK_COLUMNS and not any(str(v) for v in column[1:])
    ]
    if not clock:
        return frame, {}
    values = {column[0]: frame[column].to_numpy(dtype="float64") for column in clock}
    return frame.drop(columns=clock), values


def _clock_problem(frame_time: np.ndarray) -> str | None:
    """Say why ``frame_time`` cannot place the poses; None when it can."""
    if len(frame_time) == 0 or not np.all(np.isfinite(frame_time)):
        return "its frame_time column has empty cells"
    if np.all(frame_time < 0):
        # DeepLabCut-live's processors write -1 when the caller gave process() no frame time.
        return (
            f"its frame_time column is {float(frame_time[0])!r} on every row: DeepLabCut-live recorded no frame times"
        )
    steps = np.flatnonzero(np.diff(frame_time) <= 0)
    if len(steps):
        row = int(steps[0])
        return f"its frame_time readings do not increase (rows {row} and {row + 1} read alike or go back)"
    return None


def live_timing(clock: dict[str, np.ndarray], path: Path) -> FrameTiming | None:
    """Return the times DeepLabCut-live's GUI recorded for its poses, the first at 0 s; None when it recorded none.

    Its rows are the frames it analysed, which need not be every frame the camera took, so
    ``frame_time`` (when each was captured), not a frame rate, places them. The clock is the
    recording computer's (``time.time()`` or a performance counter), so the first pose's reading
    is kept in the text, not guessed into a date. A column that cannot place them (no times
    recorded, readings that do not increase) is warned of, and the frame times must be given
    (sampling_frequency or timestamps): refused here, giving them could not help.
    """
    frame_time = clock["frame_time"]
    problem = _clock_problem(frame_time)
    if problem is not None:
        warnings.warn(
            f"{path}: {problem}, so it does not place the poses; give the frame times another way "
            "(sampling_frequency / --fps, or timestamps / --timestamps).",
            PoseconvWarning,
            stacklevel=2,
        )
        return None
    source = (
        f"frame_time column of {path.name}, written by DeepLabCut-live (when each analysed frame was "
        f"captured), counted from the first pose, whose clock read {float(frame_time[0])!r} s"
    )
    pose_time = clock.get("pose_time")
    if pose_time is not None and len(pose_time) == len(frame_time):
        latency = (pose_time - frame_time) * 1000
        source += (
            f"; its pose_time column (when each pose was ready) is {np.nanmedian(latency):.1f} ms later "
            f"in the median, {np.nanmax(latency):.1f} ms at most"
        )
    return FrameTiming(timestamps=frame_time - frame_time[0], source=source)


def recorded_timing(
    clock: dict[str, Any] | None, path: Path, key: str, fps: float | None, meta_path: Path | None
) -> dict[str, FrameTiming]:
    """Return the frame times a DeepLabCut predictions file records, by video key; empty when none.

    DeepLabCut-live's clock columns (``clock``, from :func:`split_clock_columns`) win over the fps of
    the analysis metadata (``meta_path``); a time-lapse analysis records neither.
    """
    if clock and "frame_time" in clock:
        timing = live_timing(clock, path)
        return {} if timing is None else {key: timing}
    if fps is not None and meta_path is not None:
        return {key: FrameTiming(rate=fps, source=f"fps recorded by DeepLabCut in {meta_path.name}")}
    return {}
