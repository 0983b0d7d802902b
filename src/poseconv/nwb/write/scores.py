"""Where the per-frame values of a track that ndx-pose has no field for go: SLEAP's instance values.

A SLEAP instance has, besides its points and point scores, a score of the whole
instance, a tracking score (how sure the tracker was of the identity), a kind:
predicted, or placed by a user, and in sleap-io's files an ``Identity`` and its score.
:class:`~poseconv.model.PoseTrack` holds them as ``instance_scores``, ``tracking_scores``,
``user_labeled``, ``identities`` and ``identity_scores``, one value per frame.
``PoseEstimation`` has no place for them, so each one a track has is written beside its
``PoseEstimation``, in the same processing module, as one ``TimeSeries`` named
``<PoseEstimation name>_<kind>`` (:func:`~poseconv.nwb.layout.instance_series_name`):

* ``_instance_score``: ``(frames,)`` SLEAP's instance score, NaN where there is no
  predicted instance;
* ``_tracking_score``: ``(frames,)`` SLEAP's tracking score, NaN where there is no instance;
* ``_user_labeled``: ``(frames,)`` uint8, 1 where the pose is a user (human-placed)
  instance, 0 elsewhere;
* ``_identity``: ``(frames,)`` int32, the instance's ``Identity`` (sleap-io's
  re-identification, SLP format 2.5) as an index into the identity names that end the
  series' ``comments`` (:data:`~poseconv.nwb.layout.IDENTITY_NAMES_PREFIX`, then a JSON list),
  -1 where it has none or the animal is absent;
* ``_identity_score``: ``(frames,)`` the score of that identity's assignment, NaN where none.

Their times are the pose series' (a link to the same timestamps dataset, or the same rate
and starting time). Scores are stored as float32 where exact, as the pose series are
(:data:`~poseconv.nwb.write.series_iterators.FLOAT32_WHERE_EXACT`); SLEAP stores them as float32,
so they always are. A track without such values (DeepLabCut's, LightningPose's) gets no series.
"""

from __future__ import annotations

from typing import Any

from ...model import PoseTrack
from ..layout import IDENTITY_NAMES_PREFIX, INSTANCE_SERIES, instance_series_name
from .beside import check_name_beside

__all__ = ["INSTANCE_SERIES_DESCRIPTIONS", "write_instance_series"]

#: What each series holds, written as its description.
INSTANCE_SERIES_DESCRIPTIONS = {
    "instance_scores": (
        "SLEAP instance score of the pose in each frame: the score the model gave the whole predicted "
        "instance. NaN where the frame has no predicted instance of this track (absent, or a user instance)."
    ),
    "tracking_scores": (
        "SLEAP tracking score of the pose in each frame: how well the tracker matched the instance to "
        "this track. NaN where the frame has no instance of this track."
    ),
    "user_labeled": (
        "1 where the pose in the frame is a SLEAP user instance (placed or corrected by a human), "
        "0 where it is a prediction or absent."
    ),
    "identities": (
        "SLEAP identity of the pose in each frame (sleap-io re-identification: the animal as a known "
        "individual, which may differ from the track): an index into the identity names listed at the end "
        "of this series' comments; -1 where the instance has no identity or the frame has no instance."
    ),
    "identity_scores": (
        "SLEAP identity score of the pose in each frame: the score of the assignment of its identity "
        "(see the _identity series beside it). NaN where there is none."
    ),
}


def write_instance_series(
    behavior: Any,
    track: PoseTrack,
    *,
    pose_estimation_name: str,
    n_frames: int,
    times: dict[str, Any],
    timing_source: str,
) -> list[Any]:
    """Add the per-frame instance values ``track`` has next to its ``PoseEstimation`` (see the module docstring).

    Parameters
    ----------
    behavior : pynwb.base.ProcessingModule
        The module holding the ``PoseEstimation``.
    track : PoseTrack
        The track; only the values it has (not None) are written.
    pose_estimation_name : str
        Name of the track's ``PoseEstimation``.
    n_frames : int
        Frames to write (the first ones).
    times : dict
        ``rate``/``starting_time``, or ``timestamps`` (an array or a series to link to), as the pose series got.
    timing_source : str
        Where the frame times come from.

    Returns
    -------
    list of pynwb.TimeSeries
        The series added.

    Raises
    ------
    MetadataError
        When the module already holds an object of a series' name.
    """
    import json

    import numpy as np
    from pynwb import TimeSeries

    # Imported here: the reader imports the layout, and reading needs no hdmf.
    from .series_iterators import FLOAT32_WHERE_EXACT, PoseSeriesIterator, head, storage_dtype

    written = []
    for attribute in INSTANCE_SERIES:
        values = getattr(track, attribute)
        if values is None:
            continue
        name = instance_series_name(pose_estimation_name, attribute)
        check_name_beside(behavior, name, pose_estimation_name)
        # Flags and identity indices keep a dtype of their own; scores are float32 where exact.
        fixed = {"user_labeled": np.dtype("uint8"), "identities": np.dtype("int32")}.get(attribute)
        if n_frames <= 0:
            data: Any = np.empty(0, dtype=fixed or "float64")
        else:
            values = head(values, n_frames)
            data = PoseSeriesIterator(values, n_frames=n_frames, dtype=fixed or storage_dtype(values, n_frames))
        comments = f"Frame times: {timing_source}. {'' if fixed else FLOAT32_WHERE_EXACT}".strip()
        if attribute == "identities":
            comments += f" {IDENTITY_NAMES_PREFIX}{json.dumps(list(track.identity_names))}"
        series = TimeSeries(
            name=name,
            description=INSTANCE_SERIES_DESCRIPTIONS[attribute],
            data=data,
            unit="n.a.",
            comments=comments,
            **times,
        )
        behavior.add(series)
        written.append(series)
    return written
