"""The checks every exporter makes before writing: the file it is asked to write, and the video it exports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidOptionError

if TYPE_CHECKING:
    from ..model import PoseData, PoseTrack

__all__ = ["export_path", "video_tracks"]


def export_path(
    file_path: str | Path,
    *,
    overwrite: bool,
    suffixes: Sequence[str] = (),
    kind: str = "",
    flag: str = "overwrite=True (--overwrite)",
) -> Path:
    """Return ``file_path`` as a Path once it is known the exporter may write it.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The output file.
    overwrite : bool
        Whether an existing file may be replaced.
    suffixes : sequence of str, optional
        The suffixes (lower case) the format's files end in; any when empty.
    kind : str, optional
        The format's files, for the message (``"a SLEAP file"``).
    flag : str, default: "overwrite=True (--overwrite)"
        How the user allows replacing a file, for the message.

    Returns
    -------
    pathlib.Path
        The output file.

    Raises
    ------
    InvalidOptionError
        When the suffix is not one of ``suffixes``, or the file exists and ``overwrite`` is False.
    """
    path = Path(file_path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise InvalidOptionError(f"{path}: {kind} ends in {' or '.join(suffixes)}, got {path.suffix!r}.")
    if path.exists() and not overwrite:
        raise InvalidOptionError(f"{path}: already exists; pass {flag} to replace it.")
    return path


def video_tracks(pose: PoseData, video: str | None, *, why_one: str = "") -> tuple[str, list[PoseTrack]]:
    """Return the video an exporter of one video's poses writes, and its tracks.

    Parameters
    ----------
    pose : PoseData
        The poses.
    video : str, optional
        The video key asked for; needed only when ``pose`` holds several videos.
    why_one : str, optional
        Why the format holds one video, for the message (``"a DeepLabCut table holds one video"``).

    Returns
    -------
    tuple of (str, list of PoseTrack)
        The video key and its tracks, in order.

    Raises
    ------
    InvalidOptionError
        When ``pose`` has no tracks, holds several videos and none is chosen, or has no video ``video``.
    """
    videos = list(dict.fromkeys(track.video for track in pose.tracks))
    if not videos:
        raise InvalidOptionError(f"{pose.source_name}: holds no tracks to export.")
    if video is None:
        if len(videos) > 1:
            reason = f"{why_one}, so " if why_one else ""
            raise InvalidOptionError(
                f"{pose.source_name}: holds poses of several videos {videos}; {reason}choose one with video=..."
            )
        video = videos[0]
    if video not in videos:
        raise InvalidOptionError(f"{pose.source_name}: no video {video!r}; videos: {videos}.")
    return video, [track for track in pose.tracks if track.video == video]
