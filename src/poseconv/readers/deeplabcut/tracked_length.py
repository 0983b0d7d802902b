"""The length of a DeepLabCut predictions file against its video's: a tracked file is extended to the video's end.

The predictions' rows are checked against the video's frame count (the one found beside the file, as
decoded, else the metadata's ``nframes``); the rows of a tracked file, which end at its last tracked frame,
are extended with NaN to the video's end (:func:`fit_to_video`).
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import PoseconvError, PoseconvWarning
from ...model import VideoInfo
from ...model.frame_tables import FrameTable
from ...video import probe_video

__all__ = ["fit_to_video"]


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


def _decoded_frames(video: VideoInfo) -> int | None:
    """Return the decoded frame count of the video found for the file; None when none was found or it is unreadable."""
    if video.path is None:
        return None
    try:
        return probe_video(video.path).n_frames
    except PoseconvError:
        return None  # the conversion probes it again, and says why it cannot be read


def fit_to_video(
    frame: FrameTable, frame_numbers: Any, path: Path, video: VideoInfo, meta_name: str | None, *, tracks: bool
) -> tuple[VideoInfo, str | None]:
    """Check the frames against the video's; extend a tracked file's to the video's end, saying so.

    Returns the video (its frame count the decoded one, when it rules) and the sentence saying the
    extension, else None.

    DeepLabCut's ``stitch_tracklets`` writes no rows after the last frame with a track or, outer-joined to
    them, a unique bodypart (``format_df``), so a tracked file (``tracks``: tracked, multi-animal, not a time
    lapse) routinely ends before its video: the frames after it have no pose, as those before its first row
    have none. The video's frame count is that of the video found beside the file, as decoded, else the
    ``_meta.pickle``'s: DeepLabCut 3 predicts every frame it decodes, and the ``nframes`` it records is
    OpenCV's header count, which can differ; the video linked is the one found.
    """
    decoded = _decoded_frames(video) if tracks else None
    if decoded is None:
        _warn_beyond_video(frame, path, video, meta_name)
    if not tracks:
        return video, None
    n_video, counted = (decoded, video.path.name) if decoded is not None else (video.n_frames, meta_name)
    header = ""
    if decoded is not None and meta_name and video.n_frames is not None and video.n_frames != decoded:
        # Said, not warned: the header count is OpenCV's estimate, and the decoded frames are those analysed.
        header = f"; {meta_name} records {video.n_frames}, the video header's count"
        video = dataclasses.replace(video, n_frames=decoded)
    last = frame.n_frames - 1
    if n_video is None or n_video <= frame.n_frames:
        return video, None
    frame.set_frames(np.asarray(frame_numbers), n_video)
    return video, (
        # The last row may hold only unique bodyparts: which frame last holds an animal is not known unread.
        f"The last row DeepLabCut's tracking wrote is frame {last}; the video has {n_video} frames ({counted}"
        f"{header}), so frames {last + 1} to {n_video - 1} have no pose (NaN)."
    )
