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

The values movement has no variable for are data variables of their own beside ``position`` and
``confidence``, on the same dimensions, NaN where a track has none (movement's loaders, validators and
writers read ``position`` and ``confidence`` and leave them be):

* each group of extra per-keypoint columns (:class:`~poseconv.model.ExtraCoords`, the Ensemble Kalman
  Smoother's ``x_ens_var, y_ens_var``, ...): a group of one column per axis (``x_<name>``, ``y_<name>``) is
  ``<name>`` on ``(time, space, keypoints, individuals)``; any other column is a variable of its label on
  ``(time, keypoints, individuals)``; attrs ``description`` and ``units``;
* SLEAP's ``instance_score`` and ``tracking_score`` (``(time, individuals)``), ``user_labeled``
  (bool, False where the source does not say), ``identity`` (the Identity's name, empty where none) and
  ``identity_score``;
* the SLEAP predictions a user instance replaced, as ``replaced_position``, ``replaced_confidence``,
  ``replaced_instance_score``, ``replaced_tracking_score``, ... (NaN where nothing was replaced).

A name the dataset already has (``position``, a dimension) gets ``extra_`` before it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import PoseconvError
from ..model import PoseData, PoseTrack
from ..model.location import recorded_location
from ..timing import known_rate
from .docstrings import fill_export_docs
from .files import is_multi_animal, video_tracks
from .video_crop import warn_crop_kept

__all__ = ["to_movement_dataset"]

# Per-animal values of a track (attribute -> variable, description); the replaced predictions' too, prefixed.
_TRACK_VALUES = {
    "instance_scores": ("instance_score", "SLEAP's score of the whole instance; NaN where absent or unscored."),
    "tracking_scores": ("tracking_score", "SLEAP tracker's score of the track assignment; NaN where absent."),
    "user_labeled": ("user_labeled", "True where a user placed the pose (SLEAP user instance), not a prediction."),
    "identity_scores": ("identity_score", "Score of the instance's SLEAP Identity; NaN where none."),
}
_IDENTITY_DESCRIPTION = "The instance's identity (SLEAP Identity, sleap-io re-identification); empty where none."
_REPLACED = "replaced_"
_REPLACED_DESCRIPTION = "The SLEAP prediction a user instance replaced in the frame (NaN where none was)."
# Axes of position and of the per-keypoint values, by the names of movement before 0.17.
_AXES = ("time", "space", "keypoints", "individuals")
_NODE_AXES = ("time", "keypoints", "individuals")


def _individual_names(pose: PoseData, tracks: list[PoseTrack]) -> list[str]:
    """Return the tracks' names, or movement's own where the source names no animal.

    movement's loaders call the animal of a single-animal DeepLabCut or Lightning Pose file
    ``individual_0`` and SLEAP instances without a track ``id_<k>``: the dataset is then the one
    movement loads from the source file.
    """
    if not is_multi_animal(pose, tracks):
        return ["individual_0"]
    untracked = iter(range(len(tracks)))
    names = pose.exported_names(tracks)
    return [
        name if pose.identity(track) is not None else f"id_{next(untracked)}"
        for name, track in zip(names, tracks, strict=True)
    ]


@fill_export_docs
def to_movement_dataset(pose: PoseData, *, video: str | None = None, output: str | Path | None = None) -> Any:
    """Return the poses of one video as a movement poses dataset.

    Parameters
    ----------
    pose : PoseData
        The poses.
    {one_video}
    output : str or pathlib.Path, optional
        The file the dataset is written to, which the warning of poses in a crop's pixels names (as the
        DeepLabCut export names its table); "the movement dataset" when not given.

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
    video, tracks = video_tracks(pose, video, why_one="a movement dataset holds one video")
    # Before movement is imported: it shows later warnings through its own logger.
    warn_crop_kept(pose, [video], Path(output).name if output is not None else "the movement dataset")
    try:
        from movement.io import load_poses
    except ImportError as err:
        # The extra pins what keeps conversion working (a bare `pip install movement` brings zarr 3).
        raise PoseconvError(
            "Exporting to movement needs the 'movement' package: pip install 'poseconv[movement]'."
        ) from err

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
    fps = known_rate(timing)
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
    dataset.attrs["source_file"] = recorded_location(pose.source_file)
    return dataset.assign(_extra_variables(pose, tracks, keypoints, dataset))


class _Variables:
    """The data variables beside position and confidence, ``name -> (dims, values, attrs)``, made on first use."""

    def __init__(self, dataset: Any, n_individuals: int) -> None:
        self.found: dict[str, tuple] = {}
        self.taken = {*dataset.data_vars, *dataset.coords, *dataset.dims}
        # movement's names of the dimensions (singular from movement 0.17 on).
        self.dims = dict(zip(_AXES, dataset["position"].dims, strict=True))
        self.sizes = {axis: dataset.sizes[dim] for axis, dim in self.dims.items()} | {"individuals": n_individuals}

    def array(self, name: str, axes: tuple[str, ...], attrs: dict[str, str], dtype: str = "float64") -> np.ndarray:
        """Return the values of variable ``name`` on ``axes`` (``extra_<name>`` when the dataset has ``name``)."""
        name = f"extra_{name}" if name in self.taken else name
        if name not in self.found:
            fill = {"bool": False, "object": ""}.get(dtype, np.nan)
            values = np.full(tuple(self.sizes[axis] for axis in axes), fill, dtype)
            self.found[name] = (tuple(self.dims[axis] for axis in axes), values, attrs)
        return self.found[name][1]


def _extra_variables(pose: PoseData, tracks: list[PoseTrack], keypoints: list[str], dataset: Any) -> dict:
    """Return the values beside position and confidence (see the module docstring) as data variables."""
    variables = _Variables(dataset, len(tracks))
    space = tuple(str(axis) for axis in dataset[variables.dims["space"]].values)
    for i, track in enumerate(tracks):
        nodes = [keypoints.index(node) for node in pose.skeletons[track.skeleton].nodes]
        _track_values(variables, track, i)
        for extra in track.extra_coords:
            holders = [keypoints.index(node) for node in extra.nodes] if extra.nodes is not None else nodes
            values = np.asarray(extra.values, dtype="float64")
            attrs = {"description": extra.description, "units": extra.unit}
            if extra.columns == tuple(f"{axis}_{extra.name}" for axis in space):
                variables.array(extra.name, _AXES, attrs)[:, :, holders, i] = values.transpose(0, 2, 1)
                continue
            for c, column in enumerate(extra.columns):
                variables.array(column, _NODE_AXES, attrs)[:, holders, i] = values[..., c]
        replaced = track.replaced_predictions
        if replaced is not None:
            attrs = {"description": f"{_REPLACED_DESCRIPTION} Its position."}
            positions = np.asarray(replaced.positions, dtype="float64")
            variables.array(f"{_REPLACED}position", _AXES, attrs)[:, :, nodes, i] = positions.transpose(0, 2, 1)
            if replaced.confidence is not None:
                attrs = {"description": f"{_REPLACED_DESCRIPTION} Its confidence."}
                confidence = np.asarray(replaced.confidence, dtype="float64")
                variables.array(f"{_REPLACED}confidence", _NODE_AXES, attrs)[:, nodes, i] = confidence
            _track_values(variables, replaced, i, replaced=True)
    return variables.found


def _track_values(variables: _Variables, track: PoseTrack, i: int, *, replaced: bool = False) -> None:
    """Put the per-frame values of ``track`` (SLEAP's scores and user flags) in column ``i``."""
    for attribute, (name, description) in _TRACK_VALUES.items():
        values = getattr(track, attribute)
        if values is None or (replaced and attribute == "user_labeled"):
            continue
        dtype = "bool" if attribute == "user_labeled" else "float64"
        if replaced:
            name, description = _REPLACED + name, f"{_REPLACED_DESCRIPTION} {description}"
        target = variables.array(name, ("time", "individuals"), {"description": description}, dtype)
        target[:, i] = np.asarray(values, dtype=dtype)
    if track.identities is not None:
        # The names, "" for -1 (no identity): the last of the list.
        names = np.array([*track.identity_names, ""], dtype=object)
        prefix, described = (_REPLACED, f"{_REPLACED_DESCRIPTION} ") if replaced else ("", "")
        attrs = {"description": described + _IDENTITY_DESCRIPTION}
        target = variables.array(f"{prefix}identity", ("time", "individuals"), attrs, "object")
        target[:, i] = names[np.asarray(track.identities, dtype="int64")]
