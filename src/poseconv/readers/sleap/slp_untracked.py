"""Which animal an instance without a track is, on the array path: SLEAP's rules, as :mod:`.slp_objects` applies them.

A ``.slp`` instance whose ``track`` is -1 belongs to no track. The array reader files
the untracked instances of a frame into slots ``0, 1, ...`` (the tracks ``"untracked"``,
or ``"untracked_<k>"`` with ``untracked="by_order"``), with the rules the object reader
(:mod:`.slp_objects`) applies to sleap-io's objects:

* In a video where no frame holds more than one untracked user instance and one untracked
  prediction (a single-animal project: :func:`single_animal_videos`), they are one animal:
  slot 0, the user instance where there is one, and the prediction beside it is the one it
  replaced.
* Elsewhere the user instances of a frame come first, in file order; a prediction a user
  instance was corrected from (its ``from_predicted``, an untracked prediction of the same
  frame) is the one it replaced, in its slot; the other predictions follow in file order.
* With ``predicted_only`` the predictions take the slots in file order.
* A user instance given a track but corrected from an untracked prediction of its frame is that
  track's animal: the prediction is the one it replaced, not an untracked animal. A user instance
  without a track corrected from a track's prediction is said:
  the pose is in both (:func:`link_warnings`). The array index leaves such files to the object
  reader (:func:`links_across_tracking`).

A frame with more than one slot holds several animals without a track: the index records it
(``untracked="error"`` refuses such files).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import PoseconvWarning
from .common import MAX_FRAMES_LISTED
from .slp_instance_links import swap_message

__all__ = [
    "labels_beside_tracked_predictions",
    "links_across_tracking",
    "place_untracked",
    "single_animal_videos",
    "link_warnings",
    "untracked_slots",
]

# Frame rows read at once by the single-animal scan.
_SCAN_ROWS = 2**17


def single_animal_videos(handle: Any, user: int, predicted: int) -> dict[int, bool]:
    """Return, for each video with untracked instances, whether it is a single-animal video (see the module docstring).

    Empty when the file has no untracked instance. Instance ranges SLEAP would not write (out of
    order, past the table) are skipped here: the index refuses them.
    """
    instances = handle["instances"]
    track = instances.fields("track")
    if not any(np.any(track[i : i + _SCAN_ROWS] < 0) for i in range(0, len(instances), _SCAN_ROWS)):
        return {}
    frames = handle["frames"]
    most: dict[int, list[int]] = {}
    for first in range(0, len(frames), _SCAN_ROWS):
        rows = frames.fields(["video", "instance_id_start", "instance_id_end"])[first : first + _SCAN_ROWS]
        starts, ends = rows["instance_id_start"].astype("int64"), rows["instance_id_end"].astype("int64")
        counts = ends - starts
        if not len(rows) or np.any(counts < 0) or np.any(starts[1:] < ends[:-1]) or ends[-1] > len(instances):
            continue
        lo, hi = int(starts[0]), int(ends[-1])
        position = np.arange(int(counts.sum()), dtype="int64") + np.repeat(
            starts - lo - (np.cumsum(counts) - counts), counts
        )
        kind = instances.fields("instance_type")[lo:hi][position].astype("int64")
        loose = instances.fields("track")[lo:hi][position] < 0
        row = np.repeat(np.arange(len(rows)), counts)
        n_user = np.bincount(row[loose & (kind == user)], minlength=len(rows))
        n_predicted = np.bincount(row[loose & (kind == predicted)], minlength=len(rows))
        video = rows["video"].astype("int64")
        for v in np.unique(video[(n_user + n_predicted) > 0]).tolist():
            in_video = video == v
            seen = most.setdefault(int(v), [0, 0])
            seen[0] = max(seen[0], int(n_user[in_video].max()))
            seen[1] = max(seen[1], int(n_predicted[in_video].max()))
    return {v: n_user <= 1 and n_predicted <= 1 for v, (n_user, n_predicted) in most.items()}


def _rank_in_row(row: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Position of each of ``members`` (indices, in order) among the members of its row."""
    rows = row[members]
    return np.arange(len(members)) - np.searchsorted(rows, rows, side="left")


def untracked_slots(
    row: np.ndarray,
    kind: np.ndarray,
    links: tuple[np.ndarray, np.ndarray | None],
    single: np.ndarray,
    kinds: tuple[int, int, int],
) -> tuple[np.ndarray, np.ndarray] | str:
    """Return the slot and the kind (user, predicted or replaced) of each untracked instance.

    Parameters
    ----------
    row : numpy.ndarray
        Frame row of each untracked instance, non-decreasing (instances in file order).
    kind : numpy.ndarray
        Their ``instance_type`` (user or predicted).
    links : tuple of numpy.ndarray
        Their instance ids, and their ``from_predicted`` ids (None when the file has no such column).
    single : numpy.ndarray
        Whether the video of each is a single-animal video (:func:`single_animal_videos`).
    kinds : tuple of int
        The codes of user, predicted and replaced instances.

    Returns
    -------
    tuple of numpy.ndarray, or str
        Slots and kinds; or what the instances hold that only sleap-io's objects read exactly.
    """
    user, predicted, replaced = kinds
    ids, from_predicted = links
    slot = np.zeros(len(row), dtype="int64")
    new_kind = kind.copy()
    is_user, is_predicted = kind == user, kind == predicted
    n_rows = int(row.max(initial=-1)) + 1
    # One animal per frame: the user instance, and the prediction beside it replaced.
    has_user = np.bincount(row[is_user], minlength=n_rows).astype(bool)
    new_kind[single & is_predicted & has_user[row]] = replaced
    several = ~single
    if not several.any():
        return slot, new_kind
    users = np.flatnonzero(several & is_user)
    slot[users] = _rank_in_row(row, users)
    corrected = np.zeros(len(row), dtype=bool)
    if from_predicted is not None and len(users):
        # A user instance corrected from an untracked prediction of its frame: that prediction's slot is its own.
        target = np.searchsorted(ids, from_predicted[users])
        target = np.minimum(target, len(ids) - 1)
        found = (ids[target] == from_predicted[users]) & (row[target] == row[users]) & is_predicted[target]
        sources = target[found]
        if len(np.unique(sources)) != len(sources):
            return "two untracked user instances corrected from one prediction"
        corrected[sources] = True
        slot[sources] = slot[users[found]]
        new_kind[sources] = replaced
    others = np.flatnonzero(several & is_predicted & ~corrected)
    n_users = np.bincount(row[users], minlength=n_rows)
    slot[others] = n_users[row[others]] + _rank_in_row(row, others)
    return slot, new_kind


def place_untracked(
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    kept: dict[str, np.ndarray],
    single_animal: dict[int, bool],
    n_tracks: int,
    kinds: tuple[int, int, int],
) -> tuple[np.ndarray, np.ndarray] | str:
    """Return the track ids and kinds of a run of instances, each untracked one given its slot's id ``n_tracks + k``.

    ``columns`` are the instances' frame row, video, track (-1: none) and kind; ``kept`` their
    ``instance_id`` and (when the file has it) ``from_predicted``; ``single_animal`` is
    :func:`single_animal_videos`' answer. Or what the instances hold that only sleap-io's objects read.
    """
    row, video, track, kind = columns
    loose = track < 0
    links = (
        kept["instance_id"][loose].astype("int64"),
        kept["from_predicted"][loose].astype("int64") if "from_predicted" in kept else None,
    )
    single = np.array([single_animal.get(v, True) for v in video[loose].tolist()], dtype=bool)
    found = untracked_slots(row[loose], kind[loose], links, single, kinds)
    if isinstance(found, str):
        return found
    track, kind = track.copy(), kind.copy()
    track[loose], kind[loose] = n_tracks + found[0], found[1]
    return track, kind


def labels_beside_tracked_predictions(
    predicted: Mapping[tuple[int, int, int], bool], video: int, n_tracks: int
) -> bool:
    """Whether a video's untracked instances are all a user's while its tracks hold predictions.

    ``predicted`` says, for each ``(video, track id, skeleton)`` of the index, whether it holds a prediction;
    track ids from ``n_tracks`` on are untracked slots. Such a video is a project after inference whose labels
    are training data: with ``predicted_only`` the predictions are read and no untracked instance is left.
    """
    tracked = [any_predicted for (v, t, _), any_predicted in predicted.items() if v == video and t < n_tracks]
    loose = [any_predicted for (v, t, _), any_predicted in predicted.items() if v == video and t >= n_tracks]
    return any(tracked) and bool(loose) and not any(loose)


def links_across_tracking(instances: list[Any], track_index: dict[int, int]) -> tuple[dict[int, Any], list[int]]:
    """Return a frame's corrections that cross between a track and none, by ``from_predicted``.

    Returns the untracked predictions a user instance of a track was corrected from (by ``id``: that user
    instance), and the tracks of the predictions an untracked user instance was corrected from.
    """
    from sleap_io import PredictedInstance

    present = {id(inst) for inst in instances}
    taken: dict[int, Any] = {}
    tracks: list[int] = []
    for inst in instances:
        source = getattr(inst, "from_predicted", None)
        if isinstance(inst, PredictedInstance) or source is None or id(source) not in present:
            continue
        if source.track is None and track_index.get(id(inst.track)) is not None:
            taken[id(source)] = inst
        elif inst.track is None and (track := track_index.get(id(source.track))) is not None:
            tracks.append(track)
    return taken, tracks


def _untracked_correction(path: Path, video: str, frames: list[int], track: str) -> PoseconvWarning:
    """Say that a user instance without a track, corrected from the prediction of ``track``, is in both."""
    return PoseconvWarning(
        f"{path}: in frame(s) {frames[:MAX_FRAMES_LISTED]} of video '{video}', a user instance without a track was "
        f"corrected from the prediction of track '{track}': the animal is in the poses of '{track}' (its prediction) "
        "and in the untracked poses (the correction). To keep one pose of it, give the user instance the track "
        f"'{track}' in SLEAP (its correction then replaces the prediction) and convert again."
    )


def link_warnings(
    path: Path,
    keys: list[str],
    track_names: list[str],
    repeated: dict[tuple[int, int], list[int]],
    swapped: dict[tuple[int, int, int], list[int]],
) -> list[PoseconvWarning]:
    """Return what the object reader says of a file's instances, by video and track, with the frames.

    ``repeated``: two instances of one kind, track and skeleton in a frame, by (video, track);
    ``swapped``: user instances corrected from another track's prediction, by (video, user's track,
    prediction's track), the user's track -1 for an untracked user instance.
    """
    said = [
        PoseconvWarning(
            f"{path}: track {track_names[t]!r} of video '{keys[v]}' has two instances of the same kind and skeleton in "
            f"frame(s) {frames[:MAX_FRAMES_LISTED]}; the last one is kept, as in SLEAP's analysis export."
        )
        for (v, t), frames in repeated.items()
    ]
    for (v, user, predicted), frames in swapped.items():
        if user >= 0:
            said.append(swap_message(path, keys[v], frames, track_names[user], track_names[predicted]))
        else:
            said.append(_untracked_correction(path, keys[v], frames, track_names[predicted]))
    return said
