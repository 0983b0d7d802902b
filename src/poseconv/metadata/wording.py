"""Words the default descriptions share: the individual a container holds, a crop of the video.

:mod:`poseconv.metadata.defaults` imports and exports these names, where the pose and training
defaults take them from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import PoseTrack

__all__ = [
    "CROP_RECORDED_BY",
    "CROP_SENTENCE",
    "crop_of_description",
    "crop_sentence",
    "individual_words",
    "track_and_skeleton",
]

# A SLEAP video that is a virtual crop of a video file (sleap-io, SLP format 2.3), or DeepLabCut frames
# extracted with crop=True: the poses are in the crop's coordinates while the video linked is the whole file,
# so each container and series (the training video, for labels) says where the crop is.
CROP_SENTENCE = (
    "The {what} are in the coordinates of a crop of this video (x {x1} to {x2}, y {y1} to {y2} of its frames, "
    "as {how}): (0, 0) here is the video's pixel ({x1}, {y1}); add ({x1}, {y1}) to place them on the video."
)
#: Who recorded a crop, for :data:`CROP_SENTENCE`.
CROP_RECORDED_BY = {
    "SLEAP": "SLEAP recorded it",
    "DeepLabCut": "DeepLabCut cropped the frames it extracted for labeling, config.yaml's video_sets crop",
}


def crop_sentence(crop: Sequence[int] | None, *, what: str = "poses", software: str = "SLEAP") -> str:
    """Return the sentence saying that coordinates are in a crop ``[x1, y1, x2, y2]`` of the video; "" for None.

    Parameters
    ----------
    crop : sequence of int, optional
        The crop's corners, ``[x1, y1, x2, y2]`` in the video's pixels.
    what : str, default: "poses"
        What is in the crop's coordinates ("poses", "labels").
    software : str, default: "SLEAP"
        The tool that cropped (a key of :data:`CROP_RECORDED_BY`).
    """
    if not crop:
        return ""
    x1, y1, x2, y2 = crop
    how = CROP_RECORDED_BY.get(software, f"{software} recorded it")
    return CROP_SENTENCE.format(what=what, how=how, x1=x1, y1=y1, x2=x2, y2=y2)


def crop_of_description(description: str) -> list[int] | None:
    """Return the crop ``[x1, y1, x2, y2]`` a description's :data:`CROP_SENTENCE` names; None when it names none.

    The readers take back what :func:`crop_sentence` wrote (the training video's description).
    """
    # The sentence's corners, as CROP_SENTENCE words them: "(x {x1} to {x2}, y {y1} to {y2} of its frames".
    start = CROP_SENTENCE.index("(x {x1}")
    corners = re.escape(CROP_SENTENCE[start : CROP_SENTENCE.index(" of its frames", start) + len(" of its frames")])
    for name in ("x1", "x2", "y1", "y2"):
        corners = corners.replace(re.escape("{" + name + "}"), rf"(?P<{name}>-?\d+)")
    found = re.search(corners, description or "")
    if found is None:
        return None
    return [int(found[name]) for name in ("x1", "y1", "x2", "y2")]


def individual_words(individual: str, skeleton: str | None = None) -> str:
    """Return how a description names an individual: ``'b'``, or ``'b' (skeleton 'one')`` with its skeleton.

    :mod:`poseconv.nwb.read.pose_names` reads both back (``names_from_description``).
    """
    return f"'{individual}'" + (f" (skeleton '{skeleton}')" if skeleton is not None else "")


def track_and_skeleton(track: PoseTrack) -> tuple[str, str | None]:
    """Return the individual a track's descriptions name, and its skeleton when that is not the track's name.

    A SLEAP track whose instances use two skeletons is two tracks (``b_mouse``, ``b_one``, see
    :func:`poseconv.readers.sleap.common.slot_names`): each is described as the file's track ``b``
    and its skeleton, not by a name the file does not have.
    """
    if track.track_name and track.track_name != track.name:
        return track.track_name, track.skeleton
    return track.name, None
