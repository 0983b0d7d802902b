"""Read SLEAP labels (``.slp``, ``.pkg.slp``) into the pose model: the one SLEAP predictions reader.

``.slp`` files are HDF5 containers that SLEAP and sleap-io write; they hold
skeletons, videos, tracks and, per labeled frame, *instances*: predicted ones
(with a score per point, an instance score and, since format 1.2, a tracking
score) and user ones placed or corrected by a human (no scores). A ``.pkg.slp``
embeds the labeled images; it has no external video, only the path of the
video the images came from. No video is opened.

How it is read: the poses from the file's tables as arrays, a block of frames at
a time (:mod:`.slp_index` indexes the instances, :mod:`.slp_points` reads the
points); the videos, skeletons, tracks and provenance, which are JSON, with
sleap-io's small readers of them. A file holding what the array path does not
reproduce exactly (the index says what, from the content: recording sessions,
repeated instances, ...) is read from sleap-io's ``Labels`` objects instead
(:mod:`.slp_objects`), with the same rules:

* Per frame and track, a user instance wins over the predicted one, as in
  SLEAP's own analysis export; the prediction it replaced is kept beside the
  track (:attr:`~poseconv.model.PoseTrack.replaced_predictions`, with its point,
  instance and tracking scores). ``predicted_only=True`` keeps predictions only.
* Instances without a track go to one track named ``"untracked"`` when they can
  be told to be one animal (see :mod:`.slp_untracked`); otherwise an error, unless
  ``untracked="by_order"``.
* Frames run from 0 to the last labeled frame (or the video length, when the
  file records it); frame index ``i`` is row ``i`` and frames without the
  animal are NaN.

SLEAP 1.0 also saved labels files in the ``.slp`` layout under a ``.h5`` name;
such files are told from analysis exports (:mod:`.analysis`) by their content.

Coordinates are in pixels with (0, 0) at the center of the top-left pixel
(SLEAP >= 1.1). User points of format 1.0 files (no ``format_id``) are shifted by -0.5 on
reading, as SLEAP's own reader does (sleap/io/format/hdf5.py ``LabelsV1Adaptor.read``: "Shift
the *non-predicted* points"); predicted points are read as saved, although sleap-io shifts them
too. SLEAP's test files settled it: ``tests/data/hdf5_format_v1/centered_pair_predictions.h5``
(format 1.0) and SLEAP's re-save of it, ``centered_pair_predictions.slp`` (format 1.2), hold the
very same ``pred_points``. SLEAP 1.0.5 already wrote format 1.1.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidOptionError, InvalidSourceFileError
from ...model import FrameTiming, PoseData, PoseTrack, VideoInfo
from ...model.frames import ColumnView, IsValue
from ..safety.input_checks import check_input_file, reads_source
from .analysis import read_sleap_analysis
from .common import (
    SLEAP_REFERENCE_FRAME,
    SLP_CONFIDENCE_DEFINITION,
    SlotKey,
    UntrackedPolicy,
    check_untracked_option,
    inference_note,
    is_slp_file,
    scorer_of,
    select_videos,
    skeletons_of,
    sleap_names,
    sleap_version_of,
    slot_names,
    slot_order,
    slp_header,
    too_many_untracked,
    video_frames,
    warn_other_annotations,
)
from .slp_absent_tracks import absent_tracks
from .slp_index import USER, SlpIndex, read_slp_index
from .slp_layout import table_columns
from .slp_objects import load_labels, object_tracks, tracks_from_identities
from .slp_points import SlpPointTable
from .slp_untracked import labels_beside_tracked_predictions
from .videos import describe_videos

__all__ = ["SUFFIXES", "pose_from_labels", "read_sleap"]

SUFFIXES = {".slp", ".h5"}
logger = logging.getLogger(__name__)


@reads_source("SLEAP file")
def read_sleap(
    file_path: str | Path,
    *,
    video_indices: Sequence[int] | None = None,
    predicted_only: bool = False,
    untracked: UntrackedPolicy = "error",
) -> PoseData:
    """Read SLEAP labels (``.slp``, ``.pkg.slp``) or a SLEAP analysis export (``.h5``).

    Parameters
    ----------
    file_path : str or pathlib.Path
        A ``.slp`` / ``.pkg.slp`` labels file or an analysis ``.h5`` export (any layout).
    video_indices : sequence of int, optional
        Read only these videos of a multi-video ``.slp`` (indices into the file's video
        list); all videos when not given. An analysis file has one video (index 0).
    predicted_only : bool, default: False
        Use predicted instances only, ignoring user (human-placed) instances. By default a
        user instance replaces the prediction of the same track in that frame. Not possible
        for analysis files, which do not record which poses were placed by a user.
    untracked : {"error", "by_order"}, default: "error"
        What to do when a frame holds several instances without a track: raise (default), or
        write the k-th one of each frame to ``"untracked_<k>"`` (not one animal per track).

    Returns
    -------
    PoseData
        One track per SLEAP track, video and skeleton (plus ``"untracked"``), on the frame
        index time base of each video; frame rate only when the file records it. The poses
        of a ``.slp`` are read lazily, a block of frames at a time, where the file allows.
        Videos of different recorded paths and one name that only a file of that name beside
        the ``.slp`` would link are linked to none; nothing is said here: the warning why, and
        how to give their files, is ``notes["videos"][key]["unlinked_warning"]``, which the
        interfaces and commands give for the videos they convert without a file.

    Raises
    ------
    InvalidSourceFileError
        When the file is not SLEAP's, is corrupt, or holds untracked animals that cannot be
        told apart (see ``untracked``).
    InvalidOptionError
        When a video index is out of range or an option does not apply to the file.
    """
    from ...interfaces.mixin import warnings_at_user_line

    path = check_input_file(file_path, suffixes=SUFFIXES, what="SLEAP .slp or analysis .h5")
    check_untracked_option(untracked)
    if path.suffix.lower() == ".slp" or is_slp_file(path):
        # Its warnings are given several calls down (sleap-io's objects, the layout's notes): at the user's line.
        with warnings_at_user_line():
            return _read_slp(path, video_indices=video_indices, predicted_only=predicted_only, untracked=untracked)
    if predicted_only:
        raise InvalidOptionError(
            f"{path}: analysis files do not record which poses a user placed, so predicted_only=True "
            "cannot be honoured; convert the .slp labels file instead."
        )
    if video_indices is not None and list(video_indices) != [0]:
        raise InvalidOptionError(
            f"{path}: video indices {list(video_indices)} are out of range; an analysis file holds one video (index 0)."
        )
    return read_sleap_analysis(path, untracked=untracked)


@dataclass
class _Parts:
    """What a ``.slp`` holds besides the poses (sleap-io objects), and how its videos were described."""

    videos: list[Any]
    skeletons: list[Any]
    tracks: list[Any]
    provenance: dict[str, Any]
    n_sessions: int = 0
    infos: list[VideoInfo] = field(default_factory=list)
    video_facts: list[dict[str, Any]] = field(default_factory=list)


def _read_slp(
    path: Path, *, video_indices: Sequence[int] | None, predicted_only: bool, untracked: UntrackedPolicy
) -> PoseData:
    header = slp_header(path)
    index = read_slp_index(path, predicted_only=predicted_only)
    if isinstance(index, SlpIndex):
        from sleap_io.io import slp as sio_slp

        # The JSON parts (videos, skeletons, tracks, provenance): small, and sleap-io parses every version of them.
        videos = sio_slp.read_videos(str(path), open_backend=False)
        if len(videos) == index.n_videos:
            metadata = sio_slp.read_metadata(str(path))
            parts = _Parts(
                videos=list(videos),
                skeletons=list(sio_slp.read_skeletons(str(path))),
                tracks=list(sio_slp.read_tracks(str(path))),
                provenance=dict(sio_slp.read_provenance(str(path), metadata) or {}),
            )
            return _assemble(path, header, parts, index, video_indices, predicted_only, untracked)
        reason = f"{len(videos)} videos in sleap-io's reading of videos_json, {index.n_videos} rows"
    else:
        reason = index.reason
    # A variant the array path does not read exactly, decided from the content by read_slp_index (the reason
    # says which): read it from sleap-io's objects (repeated instances, sessions, odd tables).
    logger.debug("%s: read with sleap-io's objects: %s", path, reason)
    labels = load_labels(path)
    from_identities = tracks_from_identities(labels)
    pose = _assemble(path, header, _labels_parts(labels), labels, video_indices, predicted_only, untracked)
    if from_identities:
        pose.notes["tracks_from_identities"] = from_identities
    return pose


def pose_from_labels(
    path: Path,
    labels: Any,
    *,
    video_indices: Sequence[int] | None = None,
    predicted_only: bool = False,
    untracked: UntrackedPolicy = "error",
) -> PoseData:
    """Read the poses of a ``.slp`` from sleap-io's ``labels`` of it (see :mod:`.slp_objects`).

    For files :func:`read_sleap` cannot read from arrays, and for callers that need the
    ``Labels`` anyway (recording sessions); the result is what :func:`read_sleap` returns,
    videos left without the file of their name included (said by the interfaces, not here).
    """
    check_untracked_option(untracked)
    return _assemble(path, slp_header(path), _labels_parts(labels), labels, video_indices, predicted_only, untracked)


def _labels_parts(labels: Any) -> _Parts:
    return _Parts(
        videos=list(labels.videos),
        skeletons=list(labels.skeletons),
        tracks=list(labels.tracks),
        provenance=dict(labels.provenance or {}),
        n_sessions=len(getattr(labels, "sessions", None) or []),
    )


def _assemble(
    path: Path,
    header: dict[str, Any],
    parts: _Parts,
    source: SlpIndex | Any,
    video_indices: Sequence[int] | None,
    predicted_only: bool,
    untracked: UntrackedPolicy,
) -> PoseData:
    """Return the PoseData of a ``.slp`` whose poses come from its :class:`SlpIndex` or sleap-io ``Labels``."""
    # Videos left without the file of their name are said by the interfaces, of those converted without a file.
    parts.infos, parts.video_facts = describe_videos(parts.videos, path, warn=False)
    selected = select_videos(path, len(parts.infos), [info.key for info in parts.infos], video_indices)
    names = sleap_names(parts.skeletons, parts.tracks)
    if isinstance(source, SlpIndex):
        tracks, used_tracks = _array_tracks(path, header, source, parts.infos, selected, names, untracked)
    else:
        tracks, used_tracks = object_tracks(
            path,
            source,
            parts.infos,
            selected,
            names,
            has_tracking_score=header["has_tracking_score"],
            predicted_only=predicted_only,
            untracked=untracked,
        )
    if not tracks:
        _refuse_centroids_only(path)
        _refuse_empty_selection(path, parts.infos, selected, predicted_only=predicted_only)
    warn_other_annotations(path, header)
    notes = {
        "file_kind": "slp",
        "format_id": header["format_id"],
        "predicted_only": predicted_only,
        "untracked": untracked,
        "videos": {info.key: facts for info, facts in zip(parts.infos, parts.video_facts, strict=True)},
        "selected_videos": [parts.infos[i].key for i in selected],
        "tracks_without_instances": [name for i, name in enumerate(names[1]) if i not in used_tracks],
        "absent_tracks": absent_tracks(
            source, parts.infos, selected, names[1], used_tracks, predicted_only=predicted_only
        ),
        "provenance": {k: v for k, v in parts.provenance.items() if k != "filename"},
    }
    if parts.n_sessions:
        notes["n_recording_sessions"] = parts.n_sessions
    version = sleap_version_of(parts.provenance)
    if (note := inference_note(parts.provenance)) is not None:
        notes["model"] = note
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file=path,
        skeletons=skeletons_of(parts.skeletons, names[0]),
        videos=parts.infos,
        tracks=tracks,
        timing={
            info.key: FrameTiming(rate=info.fps, source=f"video fps recorded in {path.name}")
            for info in parts.infos
            if info.fps is not None
        },
        source_software_version=version,
        scorer=scorer_of(parts.provenance),
        reference_frame=SLEAP_REFERENCE_FRAME,
        notes=notes,
    )


def _array_tracks(
    path: Path,
    header: dict[str, Any],
    index: SlpIndex,
    infos: list[VideoInfo],
    selected: list[int],
    names: tuple[list[str], list[str]],
    untracked: UntrackedPolicy,
) -> tuple[list[PoseTrack], set[int]]:
    """Return the tracks of the selected videos as lazy views of one :class:`SlpPointTable` per video.

    Raises
    ------
    InvalidSourceFileError
        With ``untracked="error"``, when a frame of a selected video holds several untracked animals.
    """
    skeleton_names, track_names = names
    if untracked == "error":
        for v in selected:
            if index.crowded.get(v):
                predicted = {key: facts.any_predicted for key, facts in index.tracks.items()}
                labels = labels_beside_tracked_predictions(predicted, v, index.n_tracks)
                frames = np.unique(np.concatenate(index.crowded[v])).tolist()
                raise too_many_untracked(path, infos[v].key, frames, labels_beside_predictions=labels)
    # Track ids from n_tracks on are the untracked slots (see slp_untracked).
    slots = [
        (v, ("track", t) if t < index.n_tracks else ("untracked", t - index.n_tracks), s)
        for (v, t, s) in index.tracks
        if v in selected
    ]
    slot_name = slot_names(slots, track_names, skeleton_names)
    ordered = slot_order(slots, selected)
    with_tracking = bool(header["has_tracking_score"]) and index.has_tracking_scores
    by_slot: dict[SlotKey, PoseTrack] = {}
    for v in [v for v in selected if any(o[0] == v for o in ordered)]:
        keys = [(v, _track_id(slot, index), s) for video, slot, s in ordered if video == v]
        n_frames = video_frames(path, infos[v], index.last_frame[v])
        # One table per video, so that a block of frames is read once for all of its tracks.
        table = SlpPointTable(path=path, index=index, video=v, tracks=keys, n_frames=n_frames)
        with_replaced = [key for key in keys if index.tracks[key].any_replaced]
        replaced_table = (
            SlpPointTable(path=path, index=index, video=v, tracks=with_replaced, n_frames=n_frames, replaced=True)
            if with_replaced
            else None
        )
        for key, (_, slot, s) in zip(keys, [o for o in ordered if o[0] == v], strict=True):
            track = _lazy_track(
                table, keys.index(key), scored=index.tracks[key].any_predicted, with_tracking=with_tracking
            )
            if replaced_table is not None and key in with_replaced:
                replaced = _lazy_track(
                    replaced_table, with_replaced.index(key), scored=True, with_tracking=with_tracking
                )
                track["replaced_predictions"] = PoseTrack(
                    **slot_name[slot, s], skeleton=skeleton_names[s], video=infos[v].key, **replaced
                )
            by_slot[v, slot, s] = PoseTrack(
                **slot_name[slot, s], skeleton=skeleton_names[s], video=infos[v].key, **track
            )
    return [by_slot[key] for key in ordered], {slot[1] for _, slot, _ in slots if slot[0] == "track"}


def _track_id(slot: tuple[str, int], index: SlpIndex) -> int:
    """Return the index's track id of a slot: the SLEAP track, or ``n_tracks + k`` for untracked slot ``k``."""
    return slot[1] if slot[0] == "track" else index.n_tracks + slot[1]


def _lazy_track(table: SlpPointTable, column: int, *, scored: bool, with_tracking: bool) -> dict[str, Any]:
    """Return the arrays of track ``column`` of ``table`` as lazy views (of replaced predictions: no user flags)."""

    def per_frame(name: str) -> ColumnView:
        return ColumnView(table, table.per_frame_column(column, name))

    return {
        "positions": ColumnView(table, table.positions_columns(column)),
        "confidence": ColumnView(table, table.confidence_columns(column)) if scored else None,
        "confidence_definition": SLP_CONFIDENCE_DEFINITION if scored else None,
        "instance_scores": per_frame("instance_score") if scored else None,
        "tracking_scores": per_frame("tracking_score") if with_tracking else None,
        "user_labeled": None if table.replaced else IsValue(per_frame("user"), 1.0),
    }


def _refuse_centroids_only(path: Path) -> None:
    """Refuse, saying so, a ``.slp`` whose detections are centroids alone (sleap-nn's ``centroids`` table)."""
    import h5py

    with h5py.File(path, "r") as handle:
        group = handle.get("centroids")
        count = len(group["frame_idx"]) if isinstance(group, h5py.Group) and "frame_idx" in group else 0
    if count:
        raise InvalidSourceFileError(
            f"{path}: holds {count} centroid(s) and no pose: one point per detected animal, as a centroid "
            "model run alone writes, not the keypoints of a skeleton. Convert the predictions of the whole "
            "pipeline (the centroid and the centered-instance model together)."
        )


def _instance_counts(path: Path, n_videos: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Return the labeled frames, user instances and predicted instances of each video of a ``.slp``.

    None when the tables are not as SLEAP writes them (the caller then says nothing more).
    """
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            frames = table_columns(handle["frames"], ["video", "instance_id_start", "instance_id_end"])
            kinds = np.asarray(table_columns(handle["instances"], ["instance_type"])["instance_type"], dtype="int64")
        video = frames["video"].astype("int64")
        start, end = frames["instance_id_start"].astype("int64"), frames["instance_id_end"].astype("int64")
        users = np.concatenate([[0], np.cumsum(kinds == USER)])
        predicted = np.concatenate([[0], np.cumsum(kinds != USER)])
        per_frame = [(users[end] - users[start]), (predicted[end] - predicted[start])]
        counts = [np.bincount(video, weights=values, minlength=n_videos)[:n_videos] for values in per_frame]
        return np.bincount(video, minlength=n_videos)[:n_videos], counts[0].astype(int), counts[1].astype(int)
    except (KeyError, ValueError, IndexError, TypeError, OSError):
        return None


def _refuse_empty_selection(path: Path, infos: list[VideoInfo], selected: list[int], *, predicted_only: bool) -> None:
    """Refuse, naming the cause, a ``.slp`` whose chosen videos or ``predicted_only`` leave no pose of those it holds.

    The generic "holds no poses" (the file's own fault) would send the user after another file.
    """
    counts = _instance_counts(path, len(infos))
    if counts is None:
        return
    n_frames, users, predicted = counts
    kept = predicted if predicted_only else users + predicted

    def named(videos: list[int], *, with_counts: bool = False) -> str:
        said = [
            f"{v} ({infos[v].key!r}"
            + (f": {n_frames[v]} labeled frame(s), {users[v] + predicted[v]} instance(s))" if with_counts else ")")
            for v in videos
        ]
        return f"video{'s' if len(videos) > 1 else ''} " + ", ".join(said)

    elsewhere = [v for v in range(len(infos)) if v not in selected and kept[v]]
    others = (
        f" The file's poses are on {named(elsewhere, with_counts=True)}; choose among these with video_indices= "
        f"(poseconv convert -O 'video_indices=[{elsewhere[0]}]')."
        if elsewhere
        else ""
    )
    chosen = "the file" if len(selected) == len(infos) else named(selected)
    dropped = int(sum(users[v] for v in selected))
    verb = "hold" if chosen.startswith("videos ") else "holds"
    if predicted_only and dropped:
        raise InvalidOptionError(
            f"{path}: {chosen} {verb} {dropped} user instance(s) (poses placed by hand) and no prediction, and "
            "predicted_only=True leaves user instances out, so nothing is left to convert. Convert without "
            "predicted_only to write them as poses, or convert them as training data (--source sleap-labels; "
            f"SLEAPTrainingDataInterface in Python).{others}"
        )
    if elsewhere:
        raise InvalidOptionError(
            f"{path}: {chosen} {'have' if verb == 'hold' else 'has'} no labeled frame and no instance.{others}"
        )
