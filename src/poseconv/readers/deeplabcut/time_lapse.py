"""DeepLabCut's time-lapse analysis (``analyze_time_lapse_frames``): predictions on the images of a folder.

DeepLabCut writes ``<folder><scorer>.h5`` (and ``.csv``) into the folder of the images it analysed,
one row an image, labelled by its file name, in the sorted order of the folder; it records no frame
rate. poseconv reads the rows as frames 0, 1, 2, ... of an image-sequence video, the folder, whose
images are linked when every one is here (as SLEAP's image sequences are); the times come from the
user (``--fps``, ``--timestamps``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...model import VideoInfo
from .variants import IMAGE_SUFFIXES

__all__ = ["time_lapse_images", "time_lapse_video"]


def time_lapse_images(index: Any) -> list[str] | None:
    """Return the row labels when every one is an image's bare file name, else None.

    DeepLabCut's ``analyze_time_lapse_frames`` labels each row by the name of the image it analysed, in the
    sorted order of the folder it writes into; machine labels, evaluation results and DLC 3's
    ``analyze_images`` name images by a path (``labeled-data/<video>/img.png``, a full path) instead.
    """
    if not len(index) or not isinstance(index[0], str):
        return None  # frame numbers: not looked at row by row
    names = [label for label in index if isinstance(label, str)]
    if len(names) != len(index):
        return None
    bare = all("/" not in name and "\\" not in name and name.lower().endswith(IMAGE_SUFFIXES) for name in names)
    return names if bare else None


def time_lapse_video(path: Path, index: Any) -> tuple[VideoInfo, dict[str, Any]] | None:
    """Return the image-sequence video of a time-lapse analysis and its notes; None for other predictions.

    Parameters
    ----------
    path : pathlib.Path
        The predictions, in the folder of the images.
    index : sequence
        The table's row labels.

    Returns
    -------
    (VideoInfo, dict) or None
        The folder as a video of ``len(index)`` frames, and the notes naming its images (read back, and
        said in the description when they are not all here).
    """
    images = time_lapse_images(index)
    if images is None:
        return None
    folder = path.absolute().parent
    found = tuple(folder / name for name in images)
    video = VideoInfo(
        key=folder.name or "images",
        original_path=images[0],
        n_frames=len(images),
        image_files=found if all(image.is_file() for image in found) else None,
    )
    return video, {"videos": {video.key: {"image_files": images}}}
