"""Name the instance groups of a SLEAP recording session, and the 2D instances they join.

An ``InstanceGroup`` joins, in one frame, the instances of one animal across the views (and its
triangulated 3D points). One rule names a group, its 3D points and its untracked 2D instances alike: the
track its 2D instances share, else its multi-view identity, else ``"untracked"`` (``"untracked_<k>"``
for the k-th unnamed group of a frame with ``untracked="by_order"``). Used by
:mod:`poseconv.readers.sleap.session`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import PoseData
from .common import UNTRACKED_TRACK_NAME
from .slp import pose_from_labels
from .slp_objects import tracks_from_identities

__all__ = ["GroupNames", "group_names", "group_scores", "identities_of_groups", "views_by_group"]


def identities_of_groups(labels: Any, path: Path | str = "") -> None:
    """Give the untracked 2D instances of an instance group the group's animal.

    A group joins one animal's instances across the views: its untracked instances are that animal too,
    named as the group is (:func:`_group_name`): the track its tracked instances share, else the group's
    multi-view identity (without which the views of several animals would have nothing to split them by,
    while their 3D points do). Instances with a track keep it, unless the tracks of a group's views differ
    and the group has an identity (each view tracked on its own): then the identity names them all, as said in a
    warning naming ``path``. Only the in-memory ``labels`` change.
    """
    overridden: list[tuple[int, list[str], str]] = []
    for session in getattr(labels, "sessions", None) or []:
        for frame, frame_group in sorted((getattr(session, "frame_groups", None) or {}).items()):
            for group in getattr(frame_group, "instance_groups", None) or []:
                tracks = {i.track.name: i.track for i in group.instances if i.track is not None and i.track.name}
                identity = getattr(group, "identity", None)
                if len(tracks) > 1 and identity is not None and getattr(identity, "name", None):
                    # Each view's tracker named the animal its own way; the group's identity is the one animal.
                    overridden.append((int(frame), sorted(tracks), str(identity.name)))
                    for instance in group.instances:
                        instance.track, instance.identity = None, identity
                    tracks = {}
                for instance in group.instances:
                    if instance.track is not None or (len(tracks) != 1 and identity is None):
                        continue
                    if len(tracks) == 1:
                        instance.track = next(iter(tracks.values()))
                    elif getattr(instance, "identity", None) is None:
                        instance.identity = identity
    if overridden:
        frame, tracks, identity = overridden[0]
        warnings.warn(
            f"{path}: {len(overridden)} instance group(s) join 2D instances of different tracks in different views "
            f"(frame {frame}: {', '.join(tracks)}, identity {identity!r}): each group's 2D instances are named by its "
            "identity, with its 3D points, not by the views' tracks.",
            PoseconvWarning,
            stacklevel=4,
        )
    tracks_from_identities(labels)


def _group_name(group: Any, frame: int, path: Path) -> str | None:
    """Return the animal of a group: the track its 2D instances share, else its identity; None when unnamed."""
    tracks = {inst.track.name for inst in group.instances if inst.track is not None and inst.track.name}
    if len(tracks) == 1:
        return str(tracks.pop())
    identity = getattr(group, "identity", None)
    if identity is not None and getattr(identity, "name", None):
        return str(identity.name)
    if len(tracks) > 1:
        raise InvalidSourceFileError(
            f"{path}: an instance group of frame {frame} joins instances of different tracks {sorted(tracks)}; "
            "it does not follow one animal. Fix the grouping in SLEAP."
        )
    return None


class GroupNames(dict):
    """Names of instance groups by ``id`` (see :func:`group_names`); ``unnamed``: the ids of the untracked ones."""

    unnamed: set[int]


def group_names(session: Any, untracked: str, taken: set[str], path: Path) -> GroupNames:
    """Name the instance groups of a session, by ``id``: the individual of their 3D points and 2D views.

    An unnamed group (no track, no identity) is ``"untracked"``; with ``untracked="by_order"`` the k-th
    unnamed group of a frame is ``"untracked_<k>"`` when a frame holds several (as the k-th untracked
    instance of a view is, :func:`~.common.slot_names`). Otherwise several unnamed groups of a frame with
    3D points are refused, and those without 3D stay unnamed (their 2D instances go by the views' rule).
    """
    unnamed: dict[int, list[Any]] = {}
    names = GroupNames()
    names.unnamed = set()
    for frame, frame_group in sorted(session.frame_groups.items()):
        for group in frame_group.instance_groups:
            name = _group_name(group, int(frame), path)
            if name is None:
                unnamed.setdefault(int(frame), []).append(group)
            else:
                names[id(group)] = name
    several = any(len(groups) > 1 for groups in unnamed.values())
    for frame, groups in unnamed.items():
        with_3d = [g for g in groups if g.instance_3d is not None and g.points is not None]
        if untracked != "by_order":
            if len(with_3d) > 1:
                raise InvalidSourceFileError(
                    f"{path}: frame {frame} holds several 3D instance groups without identity or track; they "
                    "cannot be told apart. Assign tracks in SLEAP, or pass untracked='by_order'."
                )
            groups = groups if len(groups) == 1 else with_3d
        for k, group in enumerate(groups):
            name = f"{UNTRACKED_TRACK_NAME}_{k}" if several and untracked == "by_order" else UNTRACKED_TRACK_NAME
            while name in taken:  # a track of the file named so: as for the views' untracked instances
                name = f"{name}_instances"
            names[id(group)] = name
            names.unnamed.add(id(group))
    return names


def views_by_group(
    path: Path, labels: Any, session: Any, names: GroupNames, predicted_only: bool, untracked: str
) -> PoseData:
    """Read the 2D poses, the untracked instances of the session's groups named as their groups (by_order).

    Without it the k-th untracked instance of each view would be ``untracked_<k>`` in the view's own
    order, so one container would join the 3D points of a group with another animal's views. Each such
    group's untracked instances (and the predictions their user instances replaced) get, in memory and
    for this read only, a track of the group's name; the tracks read are then said to be untracked.
    """
    import sleap_io

    if untracked != "by_order":
        return pose_from_labels(path, labels, predicted_only=predicted_only, untracked=untracked)
    made: dict[str, Any] = {}
    tagged = []
    for frame_group in session.frame_groups.values():
        for group in frame_group.instance_groups:
            name = names.get(id(group))
            if name is None or id(group) not in names.unnamed:
                continue
            for instance in group.instances:
                for member in (instance, getattr(instance, "from_predicted", None)):
                    if member is not None and member.track is None:
                        member.track = made.setdefault(name, sleap_io.Track(name))
                        tagged.append(member)
    labels.tracks.extend(made.values())
    try:
        pose = pose_from_labels(path, labels, predicted_only=predicted_only, untracked=untracked)
    finally:
        for member in tagged:
            member.track = None
        labels.tracks[:] = [t for t in labels.tracks if all(t is not m for m in made.values())]
    for track in pose.tracks:
        for part in (track, track.replaced_predictions):
            if part is not None and part.track_name in made:
                part.track_name = ""  # instances without a track in the file, as the views' untracked ones
    unused = pose.notes.get("tracks_without_instances")
    if unused:
        pose.notes["tracks_without_instances"] = [name for name in unused if name not in made]
    return pose


def group_scores(session: Any, names: GroupNames, n_frames: int, path: Path) -> dict[str, np.ndarray]:
    """Return the ``InstanceGroup.score`` of each named group per frame (NaN where none), by group name.

    A group's score is that of the grouping across the views, one per frame: it goes with the individual
    the group names. Scores of groups that cannot be told apart (several unnamed groups of a frame
    without 3D points and ``untracked="error"``) have no individual to go with, and are said to be dropped.
    """
    scores: dict[str, np.ndarray] = {}
    unplaced: list[int] = []
    for frame, frame_group in sorted(session.frame_groups.items()):
        for group in frame_group.instance_groups:
            if getattr(group, "score", None) is None:
                continue
            if id(group) not in names:
                unplaced.append(int(frame))
                continue
            values = scores.setdefault(names[id(group)], np.full(n_frames, np.nan))
            if int(frame) < n_frames:
                values[int(frame)] = group.score
    if unplaced:
        warnings.warn(
            f"{path.name}: the InstanceGroup scores of frame(s) {sorted(set(unplaced))[:10]} are not converted: "
            "those frames hold several groups without track or identity (untracked='by_order' names them).",
            PoseconvWarning,
            stacklevel=4,
        )
    return scores
