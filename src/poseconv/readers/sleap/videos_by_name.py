r"""Videos of a ``.slp`` linked only by a file of their name beside it: no video's when several claim it.

SLEAP looks for a video it does not find where it records it under the same file name beside the labels file
(:func:`~poseconv.readers.sleap.videos.find_local_video`). Labs name every session's video alike in its own
folder (``C:\day1\top.mp4``, ``C:\day2\top.mp4``), and a project of several sessions records them all: the one
``top.mp4`` copied beside the file is then any of them, and linking it to each would declare one session's poses
as estimated on another session's video. As for DeepLabCut's ``video_sets`` of one name
(:func:`~poseconv.readers.deeplabcut.project.find_video`), none is linked and the user is told how to choose.

What to tell is the video's fact :data:`~poseconv.model.unlinked_videos.UNLINKED` in the notes: the interfaces say
it only of the videos they convert and the user gives no file for (:class:`~poseconv.pose_source.PoseSource`), the
way out being :data:`FOR_POSES`; the reader of training labels, whose interface takes no video, says it at once
(:func:`warn_unlinked`) with a way out of its own, and the labels read with their poses
(:func:`~poseconv.readers.sleap.labels.read_sleap_labels_with_poses`) leave it to their interface, with a way out
for both.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

from ...errors import PoseconvWarning
from ...model import VideoInfo
from ...model.unlinked_videos import EACH_VIDEO, UNLINKED

__all__ = ["BY_NAME", "FOR_POSES", "UNLINKED", "unlink_shared_by_name", "warn_unlinked"]

#: How :func:`~poseconv.readers.sleap.videos.find_local_video` says a video was found by its name beside the file.
BY_NAME = "same file name next to the SLEAP file"
#: How the warning tells to give each video its file where the poses are converted (video_indices= works there).
FOR_POSES = (
    f"Give each video with its poses, one at a time: {EACH_VIDEO}; a recording session's videos with "
    "video_file_paths= by camera name."
)

_Described = tuple[VideoInfo, dict[str, Any]]


def _same_path(recorded: str | None) -> str | None:
    r"""Return a recorded path in one form: ``C:\day1\top.mp4`` and ``C:/day1/top.mp4`` are one path."""
    return recorded.replace("\\", "/") if recorded else recorded


def unlink_shared_by_name(described: list[_Described], slp_path: Path, *, advice: str = FOR_POSES) -> list[_Described]:
    """Unlink the videos that only their name links to a local file that another recorded video also claims.

    A video found where it records itself keeps its file; videos recording one path are one video and keep
    theirs. A local file found by name for one video while another video of a different recorded path also
    leads to it is linked to no video found by name: each keeps its recorded path, as a video not found does,
    and its facts keep, as :data:`UNLINKED`, the warning (one for each such file) that names the ``.slp``, the
    recorded paths, the file and how to choose. Nothing is said here (:func:`warn_unlinked` says it).

    Parameters
    ----------
    described : list of (VideoInfo, dict)
        Each video of the ``.slp``, in file order, and its facts (``found_by``: how its file was found;
        ``index``: its index in the file), as :func:`~poseconv.readers.sleap.videos.slp_video_info` gives them.
    slp_path : pathlib.Path
        The ``.slp``, for the warning.
    advice : str
        How the warning ends: the way to give each video its file, for the poses by default (:data:`FOR_POSES`).

    Returns
    -------
    list of (VideoInfo, dict)
        ``described``, with those videos' local file and ``found_by`` taken away and the warning added.
    """
    by_file: dict[Path | tuple[Path, ...], list[int]] = {}
    for position, (info, _) in enumerate(described):
        if info.local_files is not None:
            by_file.setdefault(info.local_files, []).append(position)
    result = list(described)
    for local, positions in by_file.items():
        by_name = [p for p in positions if described[p][1].get("found_by") == BY_NAME]
        if not by_name or len({_same_path(described[p][0].original_path) for p in positions}) < 2:
            continue
        as_recorded = [described[p] for p in positions if p not in by_name]
        said = f"{_shared_message(slp_path, local, [described[p] for p in by_name], as_recorded)} {advice}"
        for position in by_name:
            info, facts = described[position]
            unlinked = dataclasses.replace(info, path=None, image_files=None, others=())
            kept = {key: value for key, value in facts.items() if key != "found_by"}
            result[position] = (unlinked, {**kept, UNLINKED: said})
    return result


def warn_unlinked(facts: list[dict[str, Any]], *, stacklevel: int) -> None:
    """Warn, once each, what :func:`unlink_shared_by_name` left in the videos' ``facts`` (:data:`UNLINKED`)."""
    for message in dict.fromkeys(f[UNLINKED] for f in facts if f.get(UNLINKED)):
        warnings.warn(message, PoseconvWarning, stacklevel=stacklevel + 1)


def _listing(videos: list[_Described]) -> str:
    r"""Return ``"0 (C:\day1\top.mp4) and 1 (C:\day2\top.mp4)"``: each video's index and recorded path."""
    named = [f"{facts.get('index', '?')} ({info.original_path})" for info, facts in videos]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def _shared_message(
    slp_path: Path, local: Path | tuple[Path, ...], by_name: list[_Described], as_recorded: list[_Described]
) -> str:
    """Return why ``local`` is linked to none of the videos ``by_name`` (:func:`unlink_shared_by_name`)."""
    what = f"the file {local}" if isinstance(local, Path) else f"the images from {local[0]}"
    if as_recorded:
        found = f"{what}, beside it, has that name but is video {_listing(as_recorded)}, where the file records it"
        why = "so it is linked to that video only"
    else:
        found = f"{what}, beside it, has the name of each (labs name every session's video alike in its own folder)"
        why = "nothing says which one it is, so none is linked"
    plural = "s" if len(by_name) > 1 else ""
    return (
        f"{slp_path}: video{plural} {_listing(by_name)} {'are' if plural else 'is'} not where the file records "
        f"{'them' if plural else 'it'}; {found}; {why}."
    )
