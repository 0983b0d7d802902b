"""Export poses to a movement-style ``xarray.Dataset`` (needs the optional ``movement`` package).

The dataset is built by ``movement.io.load_poses.from_numpy``, so it passes
movement's own validation and has the dimension names of the movement
installed: ``position`` with dims ``(time, space, keypoints, individuals)``
and ``confidence`` with ``(time, keypoints, individuals)`` (``keypoint`` and
``individual`` from movement 0.17 on). movement wants one keypoint list shared by all individuals,
so the keypoints are the union of the tracks' nodes in first-seen order and a
track lacking a keypoint (DeepLabCut's ``single``, which carries only the
unique bodyparts) is NaN there. Individuals keep their track names, except where the
source names none: movement's own names then (``individual_0``, ``id_<k>``). ``fps`` is the
frame rate when it is known;
with irregular frame times the ``time`` coordinate is replaced by the
timestamps in float seconds, and the dataset's ``time_unit`` says seconds (movement's writers read
times in frames as frame numbers); the coordinate itself has no ``units`` attribute, as in
movement's datasets, so ``xarray.open_dataset`` keeps it in seconds. Confidence missing from the
poses is NaN, as movement does for tools that write none.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import PoseconvError
from ..model import PoseData, PoseTrack
from .files import is_multi_animal, video_tracks

__all__ = ["to_movement_dataset"]


def _individual_names(pose: PoseData, tracks: list[PoseTrack]) -> list[str]:
    """Return the tracks' names, or movement's own where the source names no animal.

    movement's loaders call the animal of a single-animal DeepLabCut or Lightning Pose file
    ``individual_0`` and SLEAP instances without a track ``id_<k>``: the dataset is then the one
    movement loads from the source file.
    """
    if not is_multi_animal(pose, tracks):
        return ["individual_0"]
    untracked = iter(range(len(tracks)))
    return [track.name if pose.identity(track) is not None else f"id_{next(untracked)}" for track in tracks]


def to_movement_dataset(pose: PoseData, *, video: str | None = None) -> Any:
    """Return the poses of one video as a movement poses dataset.

    Parameters
    ----------
    pose : PoseData
        The poses.
    video : str, optional
        Video key; needed only when ``pose`` holds several videos.

    Returns
    -------
    xarray.Dataset
        With ``position`` and ``confidence``; attrs ``source_software``, ``fps``, ``source_file``.

    Raises
    ------
    PoseconvError
        When movement is not installed.
    InvalidOptionError
        When the video choice is missing or unknown.
    """
    try:
        from movement.io import load_poses
    except ImportError as err:
        # The extra pins what keeps conversion working (a bare `pip install movement` brings zarr 3).
        raise PoseconvError(
            "Exporting to movement needs the 'movement' package: pip install 'poseconv[movement]'."
        ) from err

    video, tracks = video_tracks(pose, video, why_one="a movement dataset holds one video")
    keypoints = list(dict.fromkeys(node for track in tracks for node in pose.skeletons[track.skeleton].nodes))
    n_frames = tracks[0].n_frames
    n_dims = tracks[0].positions.shape[2]
    position = np.full((n_frames, n_dims, len(keypoints), len(tracks)), np.nan)
    confidence = np.full((n_frames, len(keypoints), len(tracks)), np.nan)
    for i, track in enumerate(tracks):
        for j, node in enumerate(pose.skeletons[track.skeleton].nodes):
            k = keypoints.index(node)
            position[:, :, k, i] = track.positions[:, j, :]
            if track.confidence is not None:
                confidence[:, k, i] = track.confidence[:, j]
    timing = pose.timing.get(video)
    fps = timing.rate if timing is not None and timing.rate is not None else None
    dataset = load_poses.from_numpy(
        position_array=position,
        confidence_array=confidence,
        individual_names=_individual_names(pose, tracks),
        keypoint_names=keypoints,
        fps=fps,
        source_software=pose.source_software,
    )
    if timing is not None and timing.timestamps is not None:
        # Float seconds with no attrs on the coordinate, as movement's own datasets
        # (validators/datasets.py ValidPosesInputs.to_dataset): a CF ``units`` attribute there
        # makes xarray.open_dataset (movement's napari loader) decode the times to timedelta64,
        # and movement's kinematics would then differentiate per nanosecond.
        dataset = dataset.assign_coords(time=np.asarray(timing.times(n_frames), dtype=np.float64))
        # from_numpy said "frames" (no fps): movement would divide these seconds by a frame rate.
        dataset.attrs["time_unit"] = "seconds"
    elif timing is not None and timing.rate is not None and timing.starting_time:
        dataset = dataset.assign_coords(time=dataset["time"].values + timing.starting_time)
    dataset.attrs["source_file"] = str(pose.source_file)
    return dataset
