"""Which container holds the SLEAP predictions another container's user instances replaced.

poseconv writes them beside the track's container as ``<container>_replaced_predictions``
(``<container>_<view>_replaced_predictions`` for a camera view of a ``MultiCameraPoseEstimation``), described
as "SLEAP predictions of '<track>' that a user instance replaced in the same frame..."
(:mod:`poseconv.nwb.write.replaced_predictions`). A name alone does not make one: the container of a SLEAP
track named ``A_replaced_predictions`` beside a track ``A`` took that name in files written before the default
names avoided it (:func:`~poseconv.metadata.container_names.container_names`), and holds a track of its own. A
container is paired as replaced predictions when both its name and its description say so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from ..layout import REPLACED_PREDICTIONS_SUFFIX, view_extra_coords_owner

__all__ = ["is_replaced_predictions", "replaced_containers", "track_names"]

# The start of poseconv.nwb.layout.replaced_predictions_description, in every wording it has had ("...in the same
# frame; the user instance is in ..." when first written, "...in the same frame: the frames where ..." since).
_DESCRIPTION = re.compile(r"^SLEAP predictions of '.*' that a user instance replaced in the same frame[;:] ", re.DOTALL)


def is_replaced_predictions(description: str | None) -> bool:
    """Return whether a ``PoseEstimation``'s description is that of the predictions a user instance replaced.

    Parameters
    ----------
    description : str or None
        The container's description.

    Returns
    -------
    bool
        True for the description poseconv writes (:func:`~poseconv.nwb.layout.replaced_predictions_description`).
    """
    return bool(_DESCRIPTION.match(description or ""))


def replaced_containers(members: Sequence[str], infos: Mapping[str, Any]) -> dict[str, str]:
    """Return, by container, the container of the predictions its user instances replaced (SLEAP).

    Found by name, ``<container>_replaced_predictions`` in the same processing module
    (:func:`~poseconv.nwb.layout.replaced_predictions_name`), ``<container>_<view>_replaced_predictions``
    for a camera view of a ``MultiCameraPoseEstimation``, both among ``members``; and by its description
    (:func:`is_replaced_predictions`), so that a track's own container of such a name stays a track.

    Parameters
    ----------
    members : sequence of str
        Keys of ``infos`` read together.
    infos : mapping
        :class:`~poseconv.nwb.read.pose_containers.PoseContainerInfo` by key (its ``path`` and ``description``);
        not imported, so that the container scanner may use :func:`is_replaced_predictions`.

    Returns
    -------
    dict of str to str
        The key of the replaced predictions' container, by the key of the container of the user instances.
    """
    by_path = {infos[name].path: name for name in members if is_replaced_predictions(infos[name].description)}
    found = {}
    for name in members:
        path = PurePosixPath(infos[name].path)
        # A camera view of a MultiCameraPoseEstimation has its replaced predictions beside the container.
        view_owner = path.parent.parent / view_extra_coords_owner(path.parent.name, path.name)
        for candidate in (f"{path}{REPLACED_PREDICTIONS_SUFFIX}", f"{view_owner}{REPLACED_PREDICTIONS_SUFFIX}"):
            if candidate in by_path and candidate != str(path):
                found[name] = by_path[candidate]
                break
    return found


def track_names(containers: Sequence[Any], default: str | None) -> list[str]:
    """Return the track each container of one video holds, told apart, in the containers' order.

    Parameters
    ----------
    containers : sequence
        The scanned containers (``track``: the animal their description names, None when it names none;
        ``name``; ``facts["description"]``).
    default : str or None
        The track of the one unnamed container of the video; None to name every unnamed one by its container.

    Returns
    -------
    list of str
        A track the description names (an animal may be named ""), else ``default`` or the container's name; a
        track named twice is the second container's name. Replaced predictions claim theirs last: named
        ``<track>_replaced_predictions`` by their container, they would take it from a track of that name.
    """
    names: dict[int, str] = {}
    used: set[str] = set()  # a set, not names.values(): files may hold thousands of containers of one video
    last = sorted(range(len(containers)), key=lambda i: is_replaced_predictions(containers[i].facts.get("description")))
    for i in last:
        raw = containers[i]
        track = raw.track if raw.track is not None else default if default is not None else raw.name
        names[i] = raw.name if track in used else track
        used.add(names[i])
    return [names[i] for i in range(len(containers))]
