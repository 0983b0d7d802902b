"""The row labels of a DeepLabCut ``CollectedData`` table: the image each labeled frame was labeled on.

DeepLabCut finds a label's image by its row label, ``labeled-data/<video>/<image>`` (one column of paths, or
three index columns as DeepLabCut >= 2.2 writes them); :mod:`poseconv.exporters.deeplabcut_training` writes the
tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InvalidOptionError
from ..model.training import LabeledFrame, TrainingData

__all__ = ["is_label_table", "row_index", "row_label"]


def is_label_table(label_file: str) -> bool:
    """Whether a label file is a table (DeepLabCut's ``CollectedData_<scorer>``, Lightning Pose's CSV)."""
    return Path(label_file.replace("\\", "/")).suffix.lower() in (".h5", ".csv")


def _image_name_width(training: TrainingData, video: str) -> int:
    # DeepLabCut pads frame numbers to the digits of the video's frame count.
    n_frames = training.videos[video].n_frames
    if n_frames:
        return len(str(n_frames))
    indices = [f.frame_index for f in training.frames_of(video) if f.frame_index is not None]
    return len(str(max(indices))) if indices else 1


def row_label(training: TrainingData, frame: LabeledFrame) -> str:
    """Return the row label of ``frame``: the image it was labeled on, else DeepLabCut's name for the frame.

    A label table's own row label is kept as it is. An image known otherwise (a SLEAP image video's file,
    which sleap-io's ``load_dlc`` keeps absolute; ndx-pose's ``source_frame`` images; a labels video's
    ``image_files``) is named from its ``labeled-data/`` folder on, or put in ``labeled-data/<video>/`` as
    DeepLabCut keeps them.
    """
    if frame.image is not None and frame.label_file is not None and is_label_table(frame.label_file):
        return frame.image
    video = training.videos.get(frame.video)
    images = video.image_files if video is not None else None
    image = frame.image
    if image is None and images and frame.frame_index is not None and 0 <= frame.frame_index < len(images):
        image = str(images[frame.frame_index])
    if image is not None:
        parts = image.replace("\\", "/").split("/")
        # The last labeled-data folder (a folder, not a name ending so: unlabeled-data) and what follows it.
        at = max((k for k, part in enumerate(parts[:-2]) if part == "labeled-data"), default=None)
        return "/".join(parts[at:]) if at is not None else f"labeled-data/{frame.video}/{parts[-1]}"
    if frame.frame_index is not None:
        width = _image_name_width(training, frame.video)
        return f"labeled-data/{frame.video}/img{frame.frame_index:0{width}d}.png"
    raise InvalidOptionError(
        f"{training.source_name}: a frame of video {frame.video!r} has neither an image name nor a frame "
        "index, so it has no DeepLabCut row label."
    )


def row_index(training: TrainingData, labels: list[str], group: str, row_labels: str) -> Any:
    """Return the table's row index: three index columns, or one column of image paths."""
    import pandas as pd

    if row_labels != "multiindex":
        return pd.Index(labels, dtype="str" if labels else object)
    parts = [tuple(p for p in label.replace("\\", "/").split("/") if p) for label in labels]
    if any(len(p) != 3 for p in parts):
        raise InvalidOptionError(
            f"{training.source_name}: image paths {labels[:3]} of {group!r} are not "
            "labeled-data/<video>/<image>, so they cannot be written as three index columns."
        )
    return pd.MultiIndex.from_tuples(parts) if parts else pd.MultiIndex.from_tuples([], names=[None] * 3)
