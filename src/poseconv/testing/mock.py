"""Factories of valid pose objects with deterministic values, for tests and examples.

Geometry of :func:`mock_pose_data`: node ``j`` of individual ``i`` at frame ``t``
sits at ``x = 100 i + 10 (j + 1) + t``, ``y = 5 (j + 1) + 2 t`` (and
``z = i + j`` in 3D); its confidence is ``0.5 + 0.05 j``. Frames listed in
``missing_frames`` are NaN for every node of every individual.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo

__all__ = ["mock_pose_data"]


def mock_pose_data(
    *,
    n_frames: int = 10,
    n_individuals: int = 1,
    n_nodes: int = 3,
    n_dims: int = 2,
    rate: float | None = 30.0,
    with_confidence: bool = True,
    missing_frames: Sequence[int] = (),
    source_software: str = "DeepLabCut",
    video: str = "video",
) -> PoseData:
    """Return a PoseData with the geometry described in the module docstring.

    Parameters
    ----------
    n_frames, n_individuals, n_nodes, n_dims : int
        Sizes; individuals are named ``animal0, animal1, ...`` and nodes ``node0, ...``.
    rate : float or None, default: 30.0
        Frame rate; None leaves the timing unknown.
    with_confidence : bool, default: True
        Whether tracks carry confidence.
    missing_frames : sequence of int
        Frames where every value is NaN.
    source_software : str
        Recorded tool name.
    video : str
        Video key.

    Returns
    -------
    PoseData
        The poses.
    """
    nodes = tuple(f"node{j}" for j in range(n_nodes))
    edges = tuple((j, j + 1) for j in range(n_nodes - 1))
    t = np.arange(n_frames, dtype="float64")[:, None]
    j = np.arange(n_nodes, dtype="float64")[None, :]
    tracks = []
    for i in range(n_individuals):
        columns = [100 * i + 10 * (j + 1) + t, 5 * (j + 1) + 2 * t]
        if n_dims == 3:
            columns.append(np.broadcast_to(i + j, (n_frames, n_nodes)).astype("float64"))
        positions = np.stack(columns, axis=-1)
        confidence = np.broadcast_to(0.5 + 0.05 * j, (n_frames, n_nodes)).copy() if with_confidence else None
        positions[list(missing_frames)] = np.nan
        if confidence is not None:
            confidence[list(missing_frames)] = np.nan
        tracks.append(
            PoseTrack(
                name=f"animal{i}",
                skeleton="Skeleton",
                video=video,
                positions=positions,
                confidence=confidence,
                confidence_definition="Mock confidence." if with_confidence else None,
            )
        )
    timing = {video: FrameTiming(rate=rate, source="mock rate")} if rate is not None else {}
    return PoseData.from_tracks(
        source_software=source_software,
        source_file=Path(f"{video}_mock.h5"),
        skeletons=[Skeleton(name="Skeleton", nodes=nodes, edges=edges)],
        videos=[VideoInfo(key=video, n_frames=n_frames)],
        tracks=tracks,
        timing=timing,
        scorer="mock_scorer",
    )
