"""The rows DeepLabCut 2 gives a video's undecoded frames: 0 in every column, left out as holding no pose.

DeepLabCut 2's TensorFlow engine (``predict_videos.GetPoseF``, ``GetPoseS`` and their ``_GTF`` and dynamic
variants) allocates ``np.zeros`` rows for the frames OpenCV's header counts (``CAP_PROP_FRAME_COUNT``,
also the ``nframes`` of its ``_meta.pickle``) and fills the row of each frame it decodes. Frames past the
last one the video decodes keep x = y = likelihood = 0 in every column: no prediction can (a likelihood is
the score map's highest sigmoid, above 0, and every bodypart would be at the image's corner at once).
DeepLabCut 3 (PyTorch) writes one row per frame it decodes, padding an animal not found with -1, and its
model zoo's FMPose3D writes 0 for a frame without a detection: their rows are left as written.

The video, probed at conversion, says where its frames end (:func:`poseconv.video_span.fit_to_video`);
without it, the trailing block of such rows is left out here (:func:`drop_unfilled_rows`), with the same
warning (:func:`unfilled_rows_warning`): the poses written do not depend on the video being on the machine.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ...errors import PoseconvWarning
from ...model.frame_tables import FrameTable
from .model_info import DeepLabCutModel

__all__ = ["drop_unfilled_rows", "unfilled_rows_warning"]

# Rows read at most at once, from the table's end, looking for the last row holding a value other than 0.
_SCAN_ROWS = 65_536


def unfilled_rows_warning(source_name: str, first: int, last: int, written_for: str) -> str:
    """Return the warning that rows ``first..last`` are DeepLabCut 2's unfilled rows, left out.

    ``written_for`` says which frames the poses are written for (the video's, those before the rows).
    """
    return (
        f"{source_name}: rows {first}..{last} are 0 in every column (x, y and confidence), as DeepLabCut 2 leaves "
        "the rows of frames a video's header counts and the video does not decode: they hold no poses, and the "
        f"poses are written for {written_for}."
    )


def _first_unfilled_row(frame: FrameTable) -> int | None:
    """Return the first row of the block of rows 0 in every column that ends the table; None without one.

    Read from the end, one row first (a table whose last row holds a value is read no further), then blocks
    growing up to :data:`_SCAN_ROWS` rows. NaN is a value (a bodypart not found), not an unfilled row.
    """
    stop, step = frame.n_rows, 1
    while stop > 0:
        start = max(0, stop - step)
        # Read past the table's block cache: nothing is kept, and a stub conversion still reads its first rows alone.
        rows = frame._read_source(start, stop)
        held = np.flatnonzero(np.any(rows != 0, axis=0))
        if held.size:
            first = start + int(held[-1]) + 1
            return first if first < frame.n_rows else None
        stop, step = start, min(step * 16, _SCAN_ROWS)
    return 0


def drop_unfilled_rows(
    frame: FrameTable,
    path: Path,
    model: DeepLabCutModel | None,
    *,
    coords: tuple[str, ...],
    stacklevel: int,
) -> int | None:
    """Leave out the rows DeepLabCut 2 left at 0 after a video's last decoded frame, with a warning.

    Only for the TensorFlow engine's predictions (``model``) with a likelihood per bodypart (``coords``), whose
    row ``i`` is frame ``i``: the caller calls it for a file of one video's frames whose video is not found.
    A table all of whose rows are 0 holds no pose at all and is left as it is.

    Returns
    -------
    int or None
        The frames kept, when rows were left out; else None.
    """
    if model is None or model.engine != "tensorflow" or "likelihood" not in coords or frame.frame_numbers is not None:
        return None
    first = _first_unfilled_row(frame)
    if not first:
        return None
    warnings.warn(
        unfilled_rows_warning(path.name, first, frame.n_rows - 1, f"the {first} frames before them"),
        PoseconvWarning,
        stacklevel=stacklevel,
    )
    frame.set_frames(None, first)
    return first
