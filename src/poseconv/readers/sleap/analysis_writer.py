"""Who wrote a SLEAP analysis ``.h5``: SLEAP (or sleap-io), or another program in SLEAP's layout.

SLEAP scores every predicted instance, exports 2D poses and names its video; movement's
``save_poses.to_sleap_analysis_file`` writes any tool's poses (3D ones too) in the same layout, with no
instance scores, no video and no provenance. Such a file names no software, and its scores are not SLEAP's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...model import PoseTrack
from ..deeplabcut.model_info import written_3d_frame, written_confidence
from .common import SLEAP_REFERENCE_FRAME

__all__ = [
    "OTHER_WRITER_3D_FRAME",
    "OTHER_WRITER_3D_NOTE",
    "OTHER_WRITER_CONFIDENCE",
    "OTHER_WRITER_NOTE",
    "UNKNOWN_WRITER",
    "writer_of",
]

#: The software recorded for an analysis file SLEAP did not write, which names none.
UNKNOWN_WRITER = "unknown"
#: What such a file's container descriptions say.
OTHER_WRITER_NOTE = (
    "Written in SLEAP's analysis layout by a program other than SLEAP (points scored where their instances are "
    "not, or nothing scored and no video named, as movement's save_poses.to_sleap_analysis_file writes any "
    "tool's poses), which records neither the "
    "software that estimated the poses nor its model; set source_software in the PoseEstimation metadata if it "
    "is known."
)
#: The confidence definition of such a file's point scores: the one wording of every file another program wrote.
OTHER_WRITER_CONFIDENCE = f"{written_confidence('point_scores of the analysis file')} NaN where the animal is absent."


#: What a 3D file's container descriptions say: SLEAP's analysis export holds 2D poses only.
OTHER_WRITER_3D_NOTE = (
    "x, y, z points written in SLEAP's analysis layout by a program other than SLEAP, whose analysis export holds "
    "2D poses (movement's save_poses.to_sleap_analysis_file writes any tool's 3D poses so); the file records "
    "neither the software that estimated the poses nor its model; set source_software in the PoseEstimation "
    "metadata if it is known."
)
#: The reference frame of such 3D points, which the file does not record (in the words of the DeepLabCut readers).
OTHER_WRITER_3D_FRAME = written_3d_frame("SLEAP's analysis layout", "a program other than SLEAP")


def _other_writer(scores: Mapping[str, Any], video_path: Any, provenance: Any) -> bool:
    """Whether another program wrote the file (2D).

    A point scored where its instance is not, which SLEAP never exports; or score arrays holding no score, no
    video and no provenance (SLEAP and sleap-io name the video; SLEAP 1.0's minimal export has no score arrays).
    """
    point, instance = scores.get("point_scores"), scores.get("instance_scores")
    scored = None if point is None else np.any(np.isfinite(point), axis=-1)
    if scored is not None and bool(np.any(scored & ~np.isfinite(instance)) if instance is not None else scored.any()):
        return True
    # Score arrays written empty (NaN): SLEAP 1.0's minimal export writes none at all, nor a video.
    written_empty = point is not None and instance is not None and not np.isfinite(point).any()
    return written_empty and not np.isfinite(instance).any() and video_path == "" and not provenance


def writer_of(
    three_d: bool, scores: Mapping[str, Any], video_path: Any, notes: dict[str, Any], tracks: list[PoseTrack]
) -> tuple[str, str]:
    """Return the software and the reference frame of the poses, noting in ``notes`` a writer other than SLEAP.

    Parameters
    ----------
    three_d : bool
        Whether the points are x, y, z.
    scores : mapping
        The file's ``point_scores`` and ``instance_scores`` (None when absent).
    video_path : object
        Its ``video_path`` as read.
    notes : dict
        The reader's notes (``provenance`` read; ``model`` set for another writer).
    tracks : list of PoseTrack
        The tracks; another writer's scores get their own confidence definition.
    """
    if not three_d and not _other_writer(scores, video_path, notes["provenance"]):
        return "SLEAP", SLEAP_REFERENCE_FRAME
    notes["model"] = OTHER_WRITER_3D_NOTE if three_d else OTHER_WRITER_NOTE
    for track in tracks:
        track.confidence_definition = OTHER_WRITER_CONFIDENCE if track.confidence is not None else None
    return UNKNOWN_WRITER, OTHER_WRITER_3D_FRAME if three_d else SLEAP_REFERENCE_FRAME
