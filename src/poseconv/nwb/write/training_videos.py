"""The videos of training frames: their frame times and counts, and the frames that lie past a video's end."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...metadata.defaults import UNTIMED_IMAGES_SENTENCE
from ...model import VideoInfo
from ...model.training import LabeledFrame

__all__ = ["frames_past_their_video", "video_timing"]


def video_timing(
    info: VideoInfo, path: Path | tuple[Path, ...]
) -> tuple[dict[str, Any], int, tuple[int, int] | None, str] | None:
    """Return the frame timing, frame count, size and a description note of a training video.

    None (with a warning) when a video file gives no times. An image sequence (``path`` its image files)
    has one frame per image, at the rate the tool recorded, else numbered at one a second (the note says so):
    labels placed on images need no times, and their images are still linked, so readers find them.
    """
    from ...video import probe_video

    n_frames, frame_size = info.n_frames, info.frame_size
    timing: dict[str, Any] | None = None
    try:
        probe = probe_video(path) if isinstance(path, Path) else None
    except InvalidSourceFileError as err:
        # As for poses (video.probe_found_video): a video FFmpeg cannot read gives no frame count or times;
        # it is still linked when the labels file records the rate.
        warnings.warn(f"{err} Its frame count and rate are taken from the labels file.", PoseconvWarning, stacklevel=3)
        probe = None
    images = not isinstance(path, Path)
    if images:
        n_frames, path = len(path), path[0]
    probed = probe.timing() if probe is not None else None
    if probe is not None:
        n_frames, frame_size = probe.n_frames, probe.frame_size
    if probed is not None:
        if probed.rate is not None:
            timing = {"rate": probed.rate, "starting_time": probed.starting_time}
        else:
            timing = {"timestamps": probed.timestamps}
    elif info.fps is not None and n_frames:
        timing = {"rate": float(info.fps), "starting_time": 0.0}
    elif images:
        return {"rate": 1.0, "starting_time": 0.0}, n_frames, frame_size, UNTIMED_IMAGES_SENTENCE
    if timing is None:
        warnings.warn(
            f"{path}: the frame times of this training video are unknown (the video container gives none); "
            "the training frames keep their frame index in the sources table but do not link the video.",
            PoseconvWarning,
            stacklevel=3,
        )
        return None
    return timing, n_frames, frame_size, ""


def frames_past_their_video(frames: Sequence[LabeledFrame], counts: Mapping[str, int]) -> set[int]:
    """Return the positions of the frames whose index lies past their video's last frame, with a warning.

    A labeled image named for frame 40 of a 31-frame video was taken from another video (trimmed,
    re-encoded, or another clip of that name): it keeps its index in the sources table, unlinked.
    """
    past = [
        i for i, f in enumerate(frames) if f.frame_index is not None and f.frame_index >= counts.get(f.video, 2**63)
    ]
    for video in dict.fromkeys(frames[i].video for i in past):
        named = [frames[i].image or f"frame {frames[i].frame_index}" for i in past if frames[i].video == video]
        warnings.warn(
            f"Training frames of video '{video}' ({', '.join(named)}) lie past its {counts[video]} frames: the video "
            "linked is not the one they were taken from (trimmed, re-encoded, or another of that name). They do not "
            "link it; to link them, put the video they were taken from where the labels look for it (DeepLabCut: the "
            "project's videos/ folder).",
            PoseconvWarning,
            stacklevel=3,
        )
    return set(past)
