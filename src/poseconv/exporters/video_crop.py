"""Poses and labels in a crop's pixels, placed on the whole video the exports link.

A pose tool that analysed or labelled a crop of each frame keeps the coordinates in the crop's pixels:
DeepLabCut's ``analyze_videos(cropping=[x1, x2, y1, y2])`` (or ``cropping: true`` in config.yaml) and
``extract_frames(crop=True)``, a sleap-io virtual crop (SLP format 2.3). poseconv keeps those values, and
links the whole video. The exports that pair the coordinates with that video's frames (``.slp``, SLEAP's
analysis ``.h5``, ``plot --video``) add the crop's top-left corner so that they stay on the animal; the
tables that link no frame (DeepLabCut's, Lightning Pose's, movement's) keep them as the tool wrote them.

The crop is read here alone, from what the readers note:

* ``notes["videos"][key]["crop"]``, ``[x1, y1, x2, y2]``: the SLEAP readers, DeepLabCut's labels reader
  and the NWB readers (which read it back from the series' ``reference_frame``,
  :mod:`poseconv.nwb.read.pose_crops`, or the training video's description);
* ``notes["cropping_parameters"]``, ``[x1, x2, y1, y2]`` as DeepLabCut records it: the DeepLabCut
  predictions reader (one video a file).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..errors import PoseconvWarning
from ..model.crop import crop_numbers

__all__ = ["crop_corner", "on_video", "warn_crop_kept"]


def crop_corner(data: Any, video: str) -> np.ndarray | None:
    """Return the ``(x1, y1)`` to add to the coordinates of ``video`` to place them on the whole video.

    Parameters
    ----------
    data : PoseData or TrainingData
        The poses or labels, whose ``notes`` the reader filled (see the module docstring).
    video : str
        The video's key.

    Returns
    -------
    numpy.ndarray or None
        The crop's top-left corner in the video's pixels; None when the coordinates are the whole video's
        (no crop, or a crop at (0, 0)).
    """
    notes = getattr(data, "notes", None) or {}
    videos = notes.get("videos")
    facts = videos.get(video) if isinstance(videos, dict) else None
    crop = crop_numbers(facts.get("crop") if isinstance(facts, dict) else None, float)
    if crop is not None:
        corner = np.array([crop[0], crop[1]])
    else:
        box = crop_numbers(notes.get("cropping_parameters"), float)
        if box is None:
            return None
        corner = np.array([box[0], box[2]])  # DeepLabCut's [x1, x2, y1, y2]
    return corner if corner.any() else None


def on_video(positions: np.ndarray, corner: np.ndarray | None) -> np.ndarray:
    """Return ``positions`` (``(..., 2)`` or more coordinates) with ``corner`` added to x and y; as given for None.

    NaN stays NaN. The array given is not changed.
    """
    if corner is None:
        return positions
    moved = np.array(positions, dtype="float64", copy=True)
    moved[..., :2] += corner
    return moved


def warn_crop_kept(data: Any, videos: Any, output: str, *, what: str = "poses", stacklevel: int = 3) -> None:
    """Warn that ``output`` (a table that links no frame) keeps the crop's pixels of ``videos`` and records no crop.

    DeepLabCut's, Lightning Pose's and movement's tables hold the values as the tool wrote them; read again
    without the crop (DeepLabCut's ``_meta.pickle``, the NWB's reference frame), they would be taken for the whole
    frame's. ``videos``: the keys of the videos whose poses ``output`` holds; ``what``: "poses" or "labels".
    """
    for video in dict.fromkeys(videos):
        corner = crop_corner(data, video)
        if corner is not None:
            warnings.warn(
                f"{output}: the {what} of video '{video}' are in the pixels of a crop of it, as the pose tool wrote "
                f"them, and {output} records no crop: add ({corner[0]:g}, {corner[1]:g}) to place them on the video "
                "(a SLEAP export, .slp or analysis .h5, places them).",
                PoseconvWarning,
                stacklevel=stacklevel,
            )
