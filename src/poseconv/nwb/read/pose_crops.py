"""The crop of its video that poses read back from NWB are in, from their series' ``reference_frame``.

Two writers say it there, in words: poseconv's sentence for a sleap-io virtual crop
(:data:`poseconv.metadata.wording.CROP_SENTENCE`, read by ``crop_of_description``), and the
DeepLabCut reader's reference frame of predictions made with ``analyze_videos(cropping=...)``
(:func:`poseconv.readers.deeplabcut.model_info.frame_of_reference`: "DeepLabCut cropped the video
to [x1, x2, y1, y2] = [10, 50, 5, 40] before analysis"). Both mean coordinates whose (0, 0) is the
crop's top-left corner in the video linked. :func:`video_crops` gives them as the pose readers give
a crop (``notes["videos"][key]["crop"]``, ``[x1, y1, x2, y2]``), which the exports that link the
whole video use to place the poses on it (:mod:`poseconv.exporters.video_crop`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...metadata.wording import crop_of_description

__all__ = ["crop_of_reference_frame", "video_crops"]

# frame_of_reference's words for DeepLabCut's analysed crop, then the crop as Python printed it (a list or a tuple).
_DEEPLABCUT_CROP = re.compile(r"DeepLabCut cropped the video to \[x1, x2, y1, y2\] = (?P<box>[\[(].*?[\])]) before")
# A number printed by numpy 2 (np.int64(10)): its value alone.
_NUMPY_SCALAR = re.compile(r"\b(?:np|numpy)\.\w+\((?P<value>[^()]*)\)")
_NUMBER = re.compile(r"^-?\d+(?:\.0*)?$")


def crop_of_reference_frame(reference_frame: str | None) -> list[int] | None:
    """Return the crop ``[x1, y1, x2, y2]`` a series' reference frame says its poses are in; None for none.

    Parameters
    ----------
    reference_frame : str or None
        The ``reference_frame`` of a ``PoseEstimationSeries``.

    Returns
    -------
    list of int or None
        The crop's corners in the video's pixels, as :func:`poseconv.metadata.wording.crop_sentence` takes them;
        None when the text names no crop, or names one without four whole numbers (a crop DeepLabCut did not
        record).
    """
    text = reference_frame or ""
    said = crop_of_description(text)
    if said is not None:
        return said
    found = _DEEPLABCUT_CROP.search(text)
    if found is None:
        return None
    values = [_NUMPY_SCALAR.sub(r"\g<value>", part).strip() for part in found["box"][1:-1].split(",")]
    if len(values) != 4 or not all(_NUMBER.match(value) for value in values):
        return None
    x1, x2, y1, y2 = (int(float(value)) for value in values)  # DeepLabCut's order
    return [x1, y1, x2, y2]


def video_crops(references: Iterable[tuple[str, str | None]]) -> dict[str, dict[str, list[int]]]:
    """Return ``{video: {"crop": [x1, y1, x2, y2]}}`` for the videos whose poses are in a crop's pixels.

    Parameters
    ----------
    references : iterable of (str, str or None)
        Each container's video key and its series' reference frame.

    Returns
    -------
    dict
        The readers' notes of those videos (``notes["videos"]``); empty when no video is cropped.
    """
    crops: dict[str, dict[str, list[int]]] = {}
    for video, reference_frame in references:
        crop = crop_of_reference_frame(reference_frame)
        if crop is not None and video not in crops:
            crops[video] = {"crop": crop}
    return crops
