"""The default NWB names of a file's ``PoseEstimation`` containers, and the names of what goes beside each.

poseconv writes objects beside a container under names made from the container's (the extra coords, SLEAP's
instance series, the predictions a user instance replaced: :mod:`poseconv.nwb.layout`), and readers find them
by those names. A track named after one of them (``A_replaced_predictions`` beside ``A``) would give its
container that name, so the default names avoid them (:func:`container_names`) and the writer refuses a name
given in metadata that takes one (:mod:`poseconv.nwb.write.container_checks`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import PoseTrack
from ..nwb.layout import INSTANCE_SERIES, extra_coords_name, instance_series_name, replaced_predictions_name
from .names import nwb_name, unique_nwb_names

__all__ = ["container_names", "names_beside"]

# What the objects written beside a container hold, for the container checks' messages.
_INSTANCE_SERIES_WORDS = {"user_labeled": "user-labeled flags"}
_REPLACED_WORDS = "predictions a user instance replaced"


def names_beside(name: str, track: PoseTrack | None = None) -> dict[str, str]:
    """Return the names of the objects poseconv writes beside the ``PoseEstimation`` ``name``, with what each holds.

    Readers find them by these names (:mod:`poseconv.nwb.layout`): the extra coords, the SLEAP instance series, the
    predictions a user instance replaced (``<name>_replaced_predictions``) and their instance series. No container
    may take one of another's.

    Parameters
    ----------
    name : str
        The container's NWB name.
    track : PoseTrack, optional
        Its track: only what it has is named. Every name poseconv may write beside ``name`` when None.

    Returns
    -------
    dict of str to str
        What each name holds ("instance scores", "predictions a user instance replaced", ...), by name.
    """
    beside = {extra_coords_name(name): "extra coords"} if track is None or track.extra_coords else {}
    beside.update(_instance_series_names(name, track))
    if track is None or track.replaced_predictions is not None:
        replaced = replaced_predictions_name(name)
        beside[replaced] = _REPLACED_WORDS
        of = None if track is None else track.replaced_predictions
        beside.update(_instance_series_names(replaced, of, f" of the {_REPLACED_WORDS}"))
    return beside


def _instance_series_names(owner: str, track: PoseTrack | None, whose: str = "") -> dict[str, str]:
    """Return the names of the instance series beside ``owner`` (``track``'s; all when None), with their words."""
    return {
        instance_series_name(owner, attribute): _INSTANCE_SERIES_WORDS.get(attribute, attribute.replace("_", " "))
        + whose
        for attribute in INSTANCE_SERIES
        if track is None or getattr(track, attribute) is not None
    }


def container_names(keys: Sequence[str]) -> dict[str, str]:
    """Return the default NWB name of each container key: distinct, and none the name of what goes beside another.

    A track named ``A_replaced_predictions`` (or ``A_instance_score``, ...) beside a track ``A`` would otherwise
    take the name of what is written beside ``A``'s container, by which readers pair it with ``A``: it gets
    ``PoseEstimation_A_replaced_predictions_2``. Names made unique this way are checked again, as ``_2`` names
    have their own.

    Parameters
    ----------
    keys : sequence of str
        The containers' metadata keys (:func:`~poseconv.metadata.defaults.container_key`), in order.

    Returns
    -------
    dict of str to str
        The NWB name of each key.
    """
    taken = {beside for key in keys for beside in names_beside(nwb_name(key))}
    while True:
        names = unique_nwb_names(keys, taken=taken)
        beside = {name for chosen in names for name in names_beside(chosen)}
        if not beside & set(names):
            return dict(zip(keys, names, strict=True))
        taken |= beside
