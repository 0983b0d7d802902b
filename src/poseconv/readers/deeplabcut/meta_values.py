"""What a DeepLabCut ``_meta.pickle`` records of the analysed video, when it can be the video's.

DeepLabCut records OpenCV's ``CAP_PROP_FPS`` and ``CAP_PROP_FRAME_COUNT``, which some video containers report
wrongly: a rate of 0 ("unknown"), a count of 0, negative, or estimated from a broken duration. Such values are
not used, and a warning names the side file and the value.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import PoseconvWarning

__all__ = ["PLAUSIBLE_VIDEO_FACTOR", "recorded_frame_count", "recorded_rate"]

#: A ``_meta.pickle``'s nframes above this many times the frames a tracked file covers is not the video's.
PLAUSIBLE_VIDEO_FACTOR = 10


def recorded_rate(raw_fps: Any, meta_path: Path | None, path: Path, *, found_video: bool) -> float | None:
    """Return the metadata's fps when it is a rate; say why one that is not (0, NaN) is not used."""
    if isinstance(raw_fps, bool) or not isinstance(raw_fps, (int, float)):
        return None
    if np.isfinite(raw_fps) and raw_fps > 0:
        return float(raw_fps)
    if not found_video:
        # The video found beside the file gives the rate; without it, the error that follows says only that
        # no rate is recorded, though the metadata records one, which OpenCV sets to 0 when it cannot read it.
        warnings.warn(
            f"{path.name}: {meta_path.name if meta_path else 'its metadata'} records fps {raw_fps!r}, "
            "which is no frame rate (OpenCV's CAP_PROP_FPS is 0 when it cannot read the video's rate); "
            "give the rate with --fps (sampling_frequency=) or the video with --video (video_file_path=).",
            PoseconvWarning,
            stacklevel=4,
        )
    return None


def recorded_frame_count(raw: Any, meta_path: Path | None, path: Path, covered: int | None) -> int | None:
    """Return the metadata's frame count of the video, unless it cannot be the video's (said in a warning).

    DeepLabCut records OpenCV's ``CAP_PROP_FRAME_COUNT``, which some containers report wrongly (0, negative,
    or a count estimated from a broken duration). A count of 0 or less is never a video's. A tracked file
    (``covered`` its frames) is padded with NaN rows to the video's length: its rows run up to the last frame
    with a tracked animal, so a video more than :data:`PLAUSIBLE_VIDEO_FACTOR` times longer would have lost
    every animal for nine tenths of its length, and the count is not taken as the video's (a bogus 2e8 padded
    for minutes). Other files are never padded: their rows are every frame analysed.
    """
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    if raw > 0 and (covered is None or raw <= PLAUSIBLE_VIDEO_FACTOR * max(covered, 1)):
        return raw
    why = (
        "no frame count"
        if raw <= 0
        else f"more than {PLAUSIBLE_VIDEO_FACTOR} times the {covered} frame(s) its predictions cover"
    )
    warnings.warn(
        f"{path.name}: {meta_path.name if meta_path else 'its metadata'} records nframes {raw}, {why} "
        "(OpenCV's frame count is unreliable for some video containers); it is not used as the video's length.",
        PoseconvWarning,
        stacklevel=4,
    )
    return None
