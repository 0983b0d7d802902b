"""What a ``PoseEstimation`` group says of its video: the file recorded, the file here, the frame size.

The video is the ``source_video`` link's external file (ndx-pose 0.2+; of a video in several files, the
one that is the poses', :mod:`.video_segments`), else ndx-pose's deprecated
``original_videos``, else the recorded path poseconv's description names (a video the writing machine
did not have). The frame size is the linked ``ImageSeries``' ``dimension``, else the deprecated
``dimensions``, whose order depends on the writer (:func:`frame_size_of_dimensions`): ndx-pose's
``[width, height]``, but ``[height, width]`` from neuroconv's LightningPose interface and from its
DeepLabCut interface since that builds the container from metadata (:func:`dimensions_height_first`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...metadata.defaults import MISSING_VIDEO_PATTERN, RECORDED_SIZE_PATTERN
from ...model import FrameTiming
from ...video import STILL_IMAGE_SUFFIXES, is_video_in_segments
from .pose_names import neuroconv_dlc_animal
from .store import EMPTY_TEXT, base_name, local_file, local_folder, member, neurodata_type, texts
from .video_frames import video_timing
from .video_segments import pose_segment, segment_timing, starting_frames

__all__ = [
    "dimensions_height_first",
    "frame_size_of_dimensions",
    "image_sequence",
    "video_facts",
]


def video_facts(group: Any, path: Path | str, description: str | None, software: str | None) -> dict[str, Any]:
    """Return what a ``PoseEstimation`` group says of its video.

    ``original_video``, ``video_path``, ``frame_size``, ``image_files``, ``video_timing`` (the
    linked ``ImageSeries``' frame times) and ``video_linked`` (``original_video`` is a file the NWB
    file links, relative to it, rather than the tool's path its description names). The video is
    its ``source_video`` link's external file, else ndx-pose's deprecated ``original_videos``, else
    the recorded path the description names (a video the writing machine did not have);
    ``video_path`` is that file on this machine, when it is there. The frame size is the linked ``ImageSeries``'
    ``dimension``, else the deprecated ``dimensions``, else the size the description says the tool recorded
    (:data:`~poseconv.metadata.defaults.RECORDED_SIZE_PATTERN`).
    An ``original_videos`` entry that is the name of an external ``ImageSeries`` of ``acquisition``
    (neuroconv's LightningPose converter with its legacy metadata stores the name it gave the
    video's ``ImageSeries``) stands for that ``ImageSeries``, as a ``source_video`` link would.

    Parameters
    ----------
    group : h5py.Group or zarr.Group
        The ``PoseEstimation``.
    path : pathlib.Path or str
        The NWB file (a str for a URL): external files are relative to it.
    description : str or None
        The group's description.
    software : str or None
        Its source software (how the deprecated ``dimensions`` are ordered).
    """
    facts: dict[str, Any] = {}
    source_video = member(group, "source_video")
    if source_video is None:
        source_video = _named_image_series(group)
    facts["video_timing"] = video_timing(source_video)
    if source_video is not None and member(source_video, "external_file") is not None:
        external = texts(source_video["external_file"])
        if external:
            facts["original_video"] = external[0]
            facts["video_linked"] = True
        if is_video_in_segments(external):
            # One camera recorded in several files: the poses are those of one file, numbered from its first frame.
            facts.update(_segment_facts(group, source_video, external, description, facts["video_timing"]))
        if (images := image_sequence(external, local_folder(path))) is not None:
            facts["image_files"] = images if all(images) else None
        if member(source_video, "dimension") is not None:
            width, height = (int(v) for v in np.asarray(source_video["dimension"][()]).reshape(-1)[:2])
            facts["frame_size"] = (height, width)
    elif member(group, "original_videos") is not None:
        # VAME's export stores [None] as "None" when it knows no video.
        originals = [v for v in texts(group["original_videos"]) if v.strip() not in EMPTY_TEXT]
        if originals:
            facts["original_video"] = originals[0]
            facts["video_linked"] = True
    elif missing := MISSING_VIDEO_PATTERN.search(description or ""):
        # A video the tool recorded that the writing machine did not have: named in the description.
        facts["original_video"] = missing["path"]
    if "frame_size" not in facts and member(group, "dimensions") is not None:
        facts["frame_size"] = frame_size_of_dimensions(group["dimensions"], dimensions_height_first(group, software))
    if facts.get("frame_size") is None and (size := RECORDED_SIZE_PATTERN.search(description or "")):
        # No ImageSeries holds the size: what the tool recorded of the video, which the description keeps.
        facts["frame_size"] = (int(size["height"]), int(size["width"]))
    if facts.get("original_video") and "image_files" not in facts:
        facts["video_path"] = local_file(facts["original_video"], local_folder(path))
    return facts


def _segment_facts(
    group: Any, source_video: Any, external: list[str], description: str | None, timing: FrameTiming | None
) -> dict[str, Any]:
    """Return ``original_video`` and ``video_timing`` of the poses of one file of a video in segments.

    The file is the one the description names, else the one whose frames hold the poses' times
    (:func:`~.video_segments.pose_segment`); its frame times are that file's. None found: the first file
    and the whole video's times, as for a video of one file.
    """
    starts = starting_frames(source_video, len(external))
    segment = pose_segment(group, external, starts, timing, description)
    if segment is None:
        return {}
    return {
        "original_video": external[segment],
        "video_timing": segment_timing(timing, starts, segment) if timing is not None else None,
    }


def image_sequence(external: list[str], folder: Path | None) -> tuple[Path | None, ...] | None:
    """Return the local files of an ImageSeries that is a sequence of images, one per frame; None for a video.

    Several files are images (SLEAP's image sequences, labels on a folder of photos), unless all are named
    like videos: one camera recorded in segments (:mod:`.video_segments`); so is one file of an image format
    (such a folder with one labeled photo). Each file is None when it is not on this machine.
    """
    if is_video_in_segments(external):
        return None
    if len(external) > 1 or (external and Path(external[0]).suffix.lower() in STILL_IMAGE_SUFFIXES):
        return tuple(local_file(image, folder) for image in external)
    return None


def _named_image_series(group: Any) -> Any | None:
    """Return the external ``ImageSeries`` of ``acquisition`` that the first ``original_videos`` entry names, if any."""
    if member(group, "original_videos") is None:
        return None
    originals = texts(group["original_videos"])
    name = originals[0].strip() if originals else ""
    # A name, not a path: a path's separators would be read as the file's groups.
    if not name or "/" in name or "\\" in name:
        return None
    series = group.get(f"/acquisition/{name}")
    if series is None or neurodata_type(series) != "ImageSeries" or "external_file" not in series:
        return None
    return series


def dimensions_height_first(group: Any, software: str | None) -> bool:
    """Return whether the writer of ``group`` stored its deprecated ``dimensions`` as ``[height, width]``.

    ndx-pose defines them as ``[width, height]``. neuroconv's LightningPose interface (the one
    writer of ``source_software`` "LightningPose" that stores them) writes the frame shape. Its
    DeepLabCut interface writes ``[[height, width]]`` (crop ``x1, x2, y1, y2`` as ``[[y2, x2]]``)
    since it builds the container from metadata: those versions link a ``Skeleton`` named
    ``Skeleton<container>_<Subject>`` (:func:`~.pose_names.neuroconv_dlc_animal`). The versions
    before (dlc2nwb's code, ``[x2, y2]``) linked such a skeleton too, but also a camera named after
    the container (``PoseEstimation...``), which the later ones do not (``Camera<container>``, or none).

    Parameters
    ----------
    group : h5py.Group or zarr.Group
        The ``PoseEstimation``.
    software : str or None
        Its source software.
    """
    if software == "LightningPose":
        return True
    if software != "DeepLabCut":
        return False
    # Dangling links are left out: "in" is False for them.
    members = {key: neurodata_type(group[key]) for key in group if key in group}
    if any(kind == "Device" and key.startswith("PoseEstimation") for key, kind in members.items()):
        return False
    container = base_name(group.name)
    return any(kind == "Skeleton" and neuroconv_dlc_animal(key, container) for key, kind in members.items())


def frame_size_of_dimensions(dimensions: Any, height_first: bool) -> tuple[int, int] | None:
    """Return ``(height, width)`` of the first video from ndx-pose's deprecated ``dimensions``.

    ``height_first`` says the writer stored ``[height, width]`` rather than ndx-pose's
    ``[width, height]`` (:func:`dimensions_height_first`). None when unknown: dlc2nwb stores ``[[0, 0]]``,
    and ndx-pose 0.1 stored them as uint8, so real sizes wrapped around (640 x 480 reads 128 x 224).
    """
    values = np.asarray(dimensions[()])
    if values.dtype == np.uint8 or values.size < 2:
        return None
    first, second = (int(v) for v in values.reshape(-1, values.shape[-1])[0][:2])
    if first <= 0 or second <= 0:
        return None
    return (first, second) if height_first else (second, first)
