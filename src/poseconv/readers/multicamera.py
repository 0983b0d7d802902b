"""What the multi-camera readers (DeepLabCut 3D, SLEAP sessions, Lightning Pose multi-view) share.

Each ends by building its session from the cameras, views and 3D poses it read
(:func:`session_from_parts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..model import FrameTiming, PoseData
from ..model.multicamera import CameraCalibration, MultiCameraPoseData

__all__ = ["session_from_parts"]


def session_from_parts(
    source_software: str,
    path: Path,
    cameras: Sequence[CameraCalibration],
    views: Mapping[str, PoseData],
    pose_3d: PoseData | None,
    *,
    made_by: PoseData,
    notes: dict[str, Any],
    timing: FrameTiming | None = None,
) -> MultiCameraPoseData:
    """Return the session read from ``path``, with the tool version and scorer of the poses ``made_by``.

    The session records the version and scorer of the poses its reader chooses: the 3D file's (DeepLabCut),
    the 2D poses' (SLEAP), the 3D poses' or else the first view's (Lightning Pose).

    Parameters
    ----------
    source_software : str
        The tool whose session it is.
    path : pathlib.Path
        The file the session was read from.
    cameras : sequence of CameraCalibration
        The rig, in its order.
    views : mapping of str to PoseData
        The 2D poses by camera name.
    pose_3d : PoseData or None
        The 3D poses; None when the session has none.
    made_by : PoseData
        The poses whose ``source_software_version`` and ``scorer`` the session records.
    notes : dict
        What the reader noted of the session.
    timing : FrameTiming, optional
        The frame times every view shares; None when no rate is known.

    Returns
    -------
    MultiCameraPoseData
        The session (see :meth:`~poseconv.model.multicamera.MultiCameraPoseData.from_parts`).

    Raises
    ------
    ValueError
        When names, dimensions or skeletons disagree.
    """
    return MultiCameraPoseData.from_parts(
        source_software=source_software,
        source_file=path,
        cameras=cameras,
        views=views,
        pose_3d=pose_3d,
        timing=timing,
        source_software_version=made_by.source_software_version,
        scorer=made_by.scorer,
        notes=notes,
    )
