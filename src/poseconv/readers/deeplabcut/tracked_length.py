"""The length of a DeepLabCut predictions file against its video's: a tracked file is extended to the video's end.

The predictions' rows are checked against the frame count the metadata records (``nframes``); the rows of a
tracked file, which end at its last tracked frame, are extended with NaN to that count
(:func:`extend_to_recorded_length`). The video the conversion probes (the one given, else the one found beside
the file) then rules over the recorded count: :func:`poseconv.video_span.fit_to_video` fits the rows to it by the
note :data:`TRACKED_ROWS` left here, so that the video is probed once, where every format's is.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import PoseconvWarning
from ...model import VideoInfo
from ...model.frame_tables import FrameTable

__all__ = ["TRACKED_ROWS", "extend_to_recorded_length", "to_video_end"]

#: The ``notes`` key of a tracked file's rows: ``{"video", "last_row", "recorded", "recorded_in", "sentence"}``,
#: the video's key, the last row's frame, the frame count the metadata records and its file's name, and the
#: description's sentence of the rows' extension (None when not extended).
TRACKED_ROWS = "tracked_rows"


def _warn_beyond_video(frame: FrameTable, path: Path, video: VideoInfo, meta_name: str | None) -> None:
    """Warn when the predictions reach frames past the end of the video the metadata describes."""
    n_frames = frame.n_frames
    if video.n_frames is not None and n_frames > video.n_frames:
        warnings.warn(
            f"{path}: predictions reach frame {n_frames - 1} but "
            f"{meta_name or 'the metadata'} says the video has {video.n_frames} frames.",
            PoseconvWarning,
            stacklevel=3,
        )


def to_video_end(last: int, n_video: int, counted: str | None) -> str:
    """Return the description's sentence of a tracked file's rows, ending at frame ``last``, extended to ``n_video``.

    ``counted`` names where the count comes from (the video's file, the metadata's).
    """
    # The last row may hold only unique bodyparts: which frame last holds an animal is not known unread.
    return (
        f"The last row DeepLabCut's tracking wrote is frame {last}; the video has {n_video} frames"
        f"{f' ({counted})' if counted else ''}, so frames {last + 1} to {n_video - 1} have no pose (NaN)."
    )


def extend_to_recorded_length(
    frame: FrameTable, frame_numbers: Any, path: Path, video: VideoInfo, meta_name: str | None, *, tracks: bool
) -> dict[str, Any] | None:
    """Check the frames against the recorded video's; extend a tracked file's to its recorded end, saying so.

    Returns the :data:`TRACKED_ROWS` note of a tracked file (its ``sentence`` saying the extension, else None),
    else None.

    DeepLabCut's ``stitch_tracklets`` writes no rows after the last frame with a track or, outer-joined to
    them, a unique bodypart (``format_df``), so a tracked file (``tracks``: tracked, multi-animal, not a time
    lapse) routinely ends before its video: the frames after it have no pose, as those before its first row
    have none. The ``_meta.pickle``'s ``nframes`` is OpenCV's header count, which can differ from the frames
    DeepLabCut 3 decoded and predicted: the video probed at conversion rules over it.
    """
    _warn_beyond_video(frame, path, video, meta_name)
    if not tracks:
        return None
    last = frame.n_frames - 1
    note = {"video": video.key, "last_row": last, "recorded": video.n_frames, "recorded_in": meta_name}
    if video.n_frames is None or video.n_frames <= frame.n_frames:
        return {**note, "sentence": None}
    frame.set_frames(np.asarray(frame_numbers), video.n_frames)
    return {**note, "sentence": to_video_end(last, video.n_frames, meta_name)}
