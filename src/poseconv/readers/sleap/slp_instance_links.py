"""How a ``.slp``'s instances link to other objects: their identities, and the predictions they were corrected from.

* sleap-io's re-identification (SLP format 2.5) gives an instance an ``Identity``, the known animal, which
  may differ from its track: :func:`identity_list` numbers the identities a track's ``identities`` index.
* SLEAP saves a user instance corrected from a prediction beside it, its ``from_predicted`` the prediction.
  poseconv pairs a user instance with the prediction of its own track (the track's replaced predictions);
  :func:`swap_fixes` finds the user instances made from another track's prediction (an identity swap fixed
  in SLEAP), which :func:`swap_message` says are paired so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import PoseconvWarning
from .common import MAX_FRAMES_LISTED

__all__ = ["identity_list", "swap_fixes", "swap_message"]


def identity_list(labels: Any) -> list[Any]:
    """Return the ``Identity`` objects of ``labels``: its list of them, then any other an instance has, in use order."""
    identities = {id(identity): identity for identity in getattr(labels, "identities", None) or []}
    for frame in labels.labeled_frames:
        for instance in frame.instances:
            identity = getattr(instance, "identity", None)
            if identity is not None:
                identities.setdefault(id(identity), identity)
    return list(identities.values())


def swap_fixes(instances: list[Any], track_index: dict[int, int]) -> list[tuple[int, int]]:
    """Return the (user instance's, prediction's) tracks of a frame's user instances made from another track's.

    A user instance's ``from_predicted`` of another track is how SLEAP saves the fix of an identity swap.
    """
    from sleap_io import PredictedInstance

    present = {id(inst) for inst in instances}
    pairs = []
    for inst in instances:
        source = getattr(inst, "from_predicted", None)
        if isinstance(inst, PredictedInstance) or source is None or id(source) not in present:
            continue
        user, predicted = (track_index.get(id(i.track)) if i.track is not None else None for i in (inst, source))
        if user is not None and predicted is not None and user != predicted:
            pairs.append((user, predicted))
    return pairs


def swap_message(path: Path, video: str, frames: list[int], user: str, predicted: str) -> PoseconvWarning:
    """Say that the replaced predictions pair by track, where a user moved a correction to another track."""
    return PoseconvWarning(
        f"{path}: in frame(s) {frames[:MAX_FRAMES_LISTED]} of video '{video}', a user instance of track '{user}' was "
        f"corrected from the prediction of track '{predicted}' (an identity swap fixed in SLEAP). Each track's poses "
        "are its own instances: a user instance replaces the prediction of its own track, which is kept beside the "
        f"track (its replaced predictions), so the prediction of '{predicted}' is the pose of '{predicted}' or one "
        f"of its replaced predictions, not one of '{user}', and a .slp written back links each user instance to the "
        "prediction of its own track, not to the one it was made from."
    )
