"""Why a track a ``.slp`` lists has no poses in what was read: on another video, or on none.

A user asking for a track (``individuals=``, ``--individuals``) that the file lists but the poses read do
not hold is told why (:meth:`poseconv.model.PoseData.select_tracks` reads ``notes["absent_tracks"]``):
its poses are on videos ``video_indices`` left out (named, with their indices), or no instance uses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...model import VideoInfo
from .slp_index import SlpIndex

__all__ = ["absent_tracks"]


def absent_tracks(
    source: SlpIndex | Any,
    infos: Sequence[VideoInfo],
    selected: Sequence[int],
    track_names: Sequence[str],
    used_tracks: set[int],
    *,
    predicted_only: bool,
) -> dict[str, str]:
    """Say, of each track of the file with no poses read, why: ``{track name: reason}``.

    Parameters
    ----------
    source : SlpIndex or sleap_io.Labels
        What the poses were read from (:func:`~.slp_index.read_slp_index`, or sleap-io's labels).
    infos : sequence of VideoInfo
        The file's videos, in order.
    selected : sequence of int
        The videos read (``video_indices``).
    track_names : sequence of str
        The file's tracks' names (:func:`~.common.sleap_names`), in order.
    used_tracks : set of int
        The tracks with poses on the videos read.
    predicted_only : bool
        Whether user instances were left out.

    Returns
    -------
    dict of str to str
        A clause completing "'<track>' is a track of <file>, but ...".
    """
    unused = [t for t in range(len(track_names)) if t not in used_tracks]
    if not unused:
        return {}
    held = _videos_of_tracks(source, predicted_only=predicted_only)
    chosen = ", ".join(_video(v, infos) for v in selected)
    instance = "predicted instance (predicted_only leaves user instances out)" if predicted_only else "instance"
    reasons = {}
    for t in unused:
        others = sorted(held.get(t, set()) - set(selected))
        if others:
            where = ", ".join(_video(v, infos) for v in others)
            reasons[track_names[t]] = (
                f"it has no poses on the video(s) chosen (video_indices: {chosen}); its poses are on video(s) {where}: "
                "add them to video_indices, or leave the track out"
            )
        else:
            reasons[track_names[t]] = f"no {instance} in the file belongs to it, so it has no poses"
    return reasons


def _video(index: int, infos: Sequence[VideoInfo]) -> str:
    return f"{index} ({infos[index].key!r})"


def _videos_of_tracks(source: SlpIndex | Any, *, predicted_only: bool) -> dict[int, set[int]]:
    """Return the videos holding instances of each track of the file's track list, by track index."""
    videos: dict[int, set[int]] = {}
    if isinstance(source, SlpIndex):
        # The index is of every video, and without user instances when predicted_only.
        for v, t, _ in source.tracks:
            if t < source.n_tracks:
                videos.setdefault(t, set()).add(v)
        return videos
    from sleap_io import PredictedInstance

    video_index = {id(video): v for v, video in enumerate(source.videos)}
    track_index = {id(track): t for t, track in enumerate(source.tracks)}
    for frame in source.labeled_frames:
        for instance in frame.instances:
            if instance.track is None or (predicted_only and not isinstance(instance, PredictedInstance)):
                continue
            t, v = track_index.get(id(instance.track)), video_index.get(id(frame.video))
            if t is not None and v is not None:
                videos.setdefault(t, set()).add(v)
    return videos
