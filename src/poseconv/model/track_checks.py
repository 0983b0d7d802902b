"""Checks of the values of a :class:`~poseconv.model.PoseTrack`: its per-frame values and extra coordinates.

:meth:`poseconv.model.PoseData.from_tracks` runs them once for every track a reader builds (the tracks are
typed ``Any`` here: :mod:`poseconv.model.pose` imports this module).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .frames import is_lazy_array

__all__ = ["PER_FRAME", "checked_extra_coords", "checked_per_frame", "float64_array"]

#: A track's per-frame values besides its poses (PoseTrack attributes), and their dtypes.
PER_FRAME = {
    "instance_scores": "float64",
    "tracking_scores": "float64",
    "user_labeled": "bool",
    "identities": "int32",
    "identity_scores": "float64",
}


def checked_per_frame(track: Any, n_frames: int) -> dict[str, Any]:
    """Return the track's per-frame arrays (scores, user flags, identities) that it has, checked and typed."""
    per_frame: dict[str, Any] = {"identity_names": tuple(str(name) for name in track.identity_names)}
    for attribute, dtype in PER_FRAME.items():
        values = getattr(track, attribute)
        if values is None:
            continue
        if is_lazy_array(values):
            if values.dtype != np.dtype(dtype):
                raise ValueError(f"Track {track.name!r}: lazy {attribute} must be {dtype}, got {values.dtype}.")
        else:
            values = np.asarray(values, dtype=dtype)
        if tuple(values.shape) != (n_frames,):
            raise ValueError(f"Track {track.name!r}: {attribute} must be ({n_frames},), got {values.shape}.")
        per_frame[attribute] = values
    identities = per_frame.get("identities")
    n_names = len(per_frame["identity_names"])
    in_memory = identities is not None and not is_lazy_array(identities) and identities.size
    if in_memory and (identities.min() < -1 or identities.max() >= n_names):
        raise ValueError(
            f"Track {track.name!r}: identities must be -1 (none) or an index into its {n_names} identity_names."
        )
    return per_frame


def checked_extra_coords(track: Any, n_frames: int, skeleton_nodes: tuple[str, ...]) -> tuple[Any, ...]:
    """Return the track's extra coordinates as float64, checked against its frames and nodes."""
    extra_coords = []
    for extra in track.extra_coords:
        values = float64_array(extra.values, track.name, f"extra coords {extra.name!r}")
        held = skeleton_nodes if extra.nodes is None else tuple(extra.nodes)
        shape = (n_frames, len(held), len(extra.columns))
        if tuple(values.shape) != shape or len(set(held) & set(skeleton_nodes)) < len(held):
            raise ValueError(f"Track {track.name!r}: extra coords {extra.name!r} must be {shape}, nodes {held} once.")
        nodes = None if extra.nodes is None else held
        extra_coords.append(dataclasses.replace(extra, columns=tuple(extra.columns), values=values, nodes=nodes))
    if len({extra.name for extra in extra_coords}) != len(extra_coords):
        raise ValueError(f"Track {track.name!r}: extra coords names repeat.")
    return tuple(extra_coords)


def float64_array(values: Any, track: str, what: str) -> Any:
    """Return ``values`` as float64: lazy arrays as they are (checked, not read), anything else as numpy."""
    if is_lazy_array(values):
        if values.dtype != np.float64:
            raise ValueError(f"Track {track!r}: lazy {what} must be float64, got {values.dtype}.")
        return values
    return np.asarray(values, dtype="float64")
