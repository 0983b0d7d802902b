"""What the tool recorded of a video, said in a container's description when the NWB file would lose it.

A video this machine does not have gets no ``ImageSeries`` (an external file that does not exist is an error
for DANDI): the path the tool recorded is said instead (:func:`unlinked_video_sentence`), and read back
(:data:`MISSING_VIDEO_PATTERN`). A video linked at another path than the one recorded keeps that path
here too (:func:`recorded_elsewhere_sentence`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

from ..model import VideoInfo
from ..model.location import is_absolute_anywhere, is_url, where_linked

__all__ = [
    "HDF5_IMAGES_SENTENCE",
    "MISSING_IMAGES_SENTENCE",
    "MISSING_VIDEO_PATTERN",
    "MISSING_VIDEO_SENTENCE",
    "RECORDED_ELSEWHERE_SENTENCE",
    "recorded_elsewhere_sentence",
    "unlinked_video_sentence",
]

# A video the tool recorded but this machine does not have gets no ImageSeries (an external file that
# does not exist is an error for DANDI): its path is said in the container's description, and read back.
MISSING_VIDEO_SENTENCE = (
    "The tool recorded the video as '{path}', which does not exist on the machine that wrote this file."
)
# Frames SLEAP stored as images in a dataset of an HDF5 file (its HDF5Video): no video file NWB can link, here or not.
HDF5_IMAGES_SENTENCE = (
    "The tool recorded the video as frames stored as images in the HDF5 file '{path}' (dataset '{dataset}'), "
    "which NWB cannot link as a video: it is not linked."
)
# A video that is a sequence of image files (SLEAP) is linked when every image is here; otherwise this is said.
MISSING_IMAGES_SENTENCE = (
    "The tool recorded the video as {n} image files, the first '{path}', which do not all exist on the machine "
    "that wrote this file."
)
# A video linked at another path than the tool recorded (found beside the poses, or given with video_file_path=):
# the path the tool recorded, which the ImageSeries does not hold, is kept here (for a DeepLabCut project, the
# config's video_sets path). Not MISSING_VIDEO_PATTERN's: readers take the video from the ImageSeries.
RECORDED_ELSEWHERE_SENTENCE = (
    "The tool recorded the video as {what}; the video linked is the file found or given for it on the machine "
    "that wrote this file."
)
MISSING_VIDEO_PATTERN = re.compile(
    r"The tool recorded the video as (?:\d+ image files, the first |frames stored as images in the HDF5 file )?"
    r"'(?P<path>.*)'(?:, which do(?:es)? not (?:all )?exist on the machine that wrote this file\.| \(dataset '.*'\), "
    r"which NWB cannot link as a video)"
)


def unlinked_video_sentence(facts: Mapping[str, Any], original_path: str) -> str:
    """Say what the recorded video of a container is that no ``ImageSeries`` links.

    Parameters
    ----------
    facts : mapping
        The reader's notes of the video (``pose.notes["videos"][key]``): its image files or HDF5 dataset.
    original_path : str
        The path the tool recorded.
    """
    if facts.get("images_dataset") and facts.get("images_file") == original_path:
        return HDF5_IMAGES_SENTENCE.format(path=original_path, dataset=facts["images_dataset"])
    images = facts.get("image_files")
    sentence = MISSING_IMAGES_SENTENCE if images and len(images) > 1 else MISSING_VIDEO_SENTENCE
    return sentence.format(path=original_path, n=len(images or ()))


def recorded_elsewhere_sentence(info: VideoInfo, facts: Mapping[str, Any]) -> str:
    """Say the path the tool recorded of a linked video found or given at another path; "" when it is that path.

    The ``ImageSeries`` holds the file linked; what the tool recorded (a SLEAP file's video path on the machine
    that labelled, a DeepLabCut config's ``video_sets`` path) is said here, or the NWB file loses it. A relative
    record naming the linked file's last folders and name (SLEAP's paths relative to its working folder) is
    that file.

    Parameters
    ----------
    info : VideoInfo
        The video, linked when ``info.local_files`` is not None.
    facts : mapping
        The reader's notes of the video (``pose.notes["videos"][key]``): the image files of an image sequence.

    Returns
    -------
    str
        :data:`RECORDED_ELSEWHERE_SENTENCE`, with a leading space, or "".
    """
    linked = info.local_files
    first = linked[0] if isinstance(linked, tuple) and linked else linked
    recorded = info.original_path
    if not recorded or not isinstance(first, PurePath) or info.linked_in_nwb or _is_recorded(recorded, first):
        return ""
    images = facts.get("image_files") or ()
    what = f"{len(images)} image files, the first '{recorded}'" if len(images) > 1 else f"'{recorded}'"
    return " " + RECORDED_ELSEWHERE_SENTENCE.format(what=what)


def _is_recorded(recorded: str, linked: PurePath) -> bool:
    """Whether ``linked`` is the file at the path a tool ``recorded`` (absolute, or relative to a folder of it)."""
    here = where_linked(linked)
    if is_url(recorded):
        return False
    if is_absolute_anywhere(recorded):
        return Path(recorded).is_absolute() and where_linked(recorded) == here
    parts = [part for part in re.split(r"[\\/]", recorded) if part not in ("", ".", "..")]
    return bool(parts) and list(here.parts[-len(parts) :]) == parts
