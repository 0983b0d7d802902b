"""Which DeepLabCut model made a predictions file (engine, network, snapshot, detector); tracking; coordinates.

DeepLabCut 3.x (PyTorch engine) names its scorer
``DLC_<Net>_<Task><date>shuffle<N>_snapshot_<uid>`` and, for top-down models run
with a detector, ``DLC_<Net>_<Task><date>shuffle<N>_detector_<uid>_snapshot_<uid>``
(``get_scorer_name`` / ``get_scorer_uid`` in ``deeplabcut.pose_estimation_pytorch``),
where ``<Net>`` is the ``net_type`` with each ``_``-part capitalised (``hrnet_w32``
-> ``HrnetW32``) and ``<uid>`` the snapshot's (``200``, ``best-200``). Its
``_meta.pickle`` keeps the whole ``pytorch-config`` (``net_type``, ``method``
``bu``/``td``/``ctd``, ``detector``) and ``frame_dimensions`` as ``(width, height)``;
DeepLabCut 2.x (TensorFlow) names the scorer ``DLC_<net>_<Task><date>shuffle<N>_<iterations>``
and stores ``frame_dimensions`` as ``(height, width)``. A ``pytorch_config.yaml`` left
beside the predictions (copied from the model's ``train`` folder) says the same as the
pickle's copy and is used when the pickle has none.

A multi-animal file DeepLabCut 3 wrote before tracking (no tracker suffix in the name, not
``stitch_tracklets``' key ``tracks``) holds each frame's detections in turn, unless the model has an
identity head, which orders them by the identity it predicts (:func:`untracked_detections`).
"""

from __future__ import annotations

import dataclasses
import numbers
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import PoseconvWarning
from ..safety.input_checks import UNREADABLE_FILE_ERRORS, is_hdf5
from ..safety.safe_pickle import pandas_store_keys
from .config_text import read_config_text
from .table import H5_SUFFIXES, PIXEL_REFERENCE_FRAME

__all__ = [
    "CONFIDENCE_DEFINITION",
    "MOVEMENT_NOTE",
    "MOVEMENT_SCORER",
    "WRITER_NOTES",
    "DeepLabCutModel",
    "analysis_crop",
    "confidence_definition",
    "describe_model",
    "frame_of_reference",
    "frame_size_from_meta",
    "is_model_zoo",
    "is_tracked",
    "names_detector",
    "untracked_detections",
    "with_project_identity",
    "written_3d_frame",
    "written_confidence",
]

#: The scorer movement's DeepLabCut writers (``save_poses.to_dlc_file``, ``to_dlc_style_df``) put in
#: every file, whichever tool (DeepLabCut, SLEAP, Lightning Pose, ...) estimated the poses.
MOVEMENT_SCORER = "movement"
#: What a container's description says of such a file.
MOVEMENT_NOTE = (
    "Written in DeepLabCut's layout by movement (save_poses.to_dlc_file or to_lp_file), which records neither the "
    "software that estimated the poses nor its model; set source_software in the PoseEstimation metadata "
    "if it is known."
)
#: Scorers of libraries that write other tools' poses in DeepLabCut's layout, and what a container's
#: description says of their files: the writer is recorded as the software, since the file names no other.
WRITER_NOTES = {
    MOVEMENT_SCORER: MOVEMENT_NOTE,
    # sleap-io's save_csv(format="dlc") default scorer.
    "sleap-io": (
        "Written in DeepLabCut's layout by sleap-io (save_csv with format='dlc'), which records neither the "
        "software that estimated the poses (SLEAP, for a SLEAP file saved so) nor its model; set source_software "
        "in the PoseEstimation metadata if it is known."
    ),
}

_LIKELIHOOD = (
    "DeepLabCut likelihood: the network's score-map confidence (0 to 1) that the body part is at the predicted location"
)
#: The likelihood of DeepLabCut 3's untracked outputs, which pad an animal not found with -1.
CONFIDENCE_DEFINITION = (
    f"{_LIKELIHOOD}; -1, with x = y = -1, where DeepLabCut 3 found no such animal (kept as written)."
)
# FMPose3D's 2D file (modelzoo/fmpose_3d/inference.py) leaves a frame without a detection as np.zeros.
_FMPOSE3D_LIKELIHOOD = f"{_LIKELIHOOD}; 0, with x = y = 0, where FMPose3D detected no one (kept as written)."
_LIFTED_FRAME = (
    "3D coordinates a DeepLabCut model-zoo model (FMPose3D) lifted from one camera's 2D poses; no camera "
    "calibration is involved, and the origin, axes and unit are the model's."
)
_TRIANGULATED_FRAME = (
    "3D coordinates triangulated by DeepLabCut from calibrated cameras; the origin and axes "
    "are those of the first camera of the stereo calibration and the length unit is that of "
    "the calibration pattern (checkerboard squares unless the calibration says otherwise)."
)
_PYTORCH_SCORER = re.compile(
    r"^DLC_(?P<net>[A-Za-z0-9]+)_.*?shuffle(?P<shuffle>\d+)_(?:detector_(?P<detector>.+?)_)?snapshot_(?P<snapshot>.+)$"
)
_TENSORFLOW_SCORER = re.compile(r"^(?:DLC|DeepCut)_.*shuffle(?P<shuffle>\d+)_(?P<iterations>\d+)$")
# Model zoo video inference (get_super_animal_scorer): "superanimal_<dataset>_<pose model>[_<detector>]".
_SUPERANIMAL_SCORER = re.compile(r"^superanimal_(?P<dataset>[A-Za-z0-9]+)_(?P<models>.+)$")
# FMPose3D of the model zoo (modelzoo/fmpose_3d/inference.py): "DLC_fmpose3d_<model>", "..._3d" for its 3D file.
_FMPOSE3D_SCORER = re.compile(r"^DLC_fmpose3d_(?P<model>.+?)(?:_3d)?$", re.IGNORECASE)
# The detectors the model zoo runs (its own snapshots and torchvision's COCO detectors) start so, or, adapted to
# a video, their snapshot does.
_DETECTOR_START = re.compile(r"_(?=(?:snapshot-)?(?:fasterrcnn|ssdlite|retinanet|fcos|maskrcnn)(?:_|$))")
# Video adaptation (modelzoo/video_inference.py, video_inference_superanimal(video_adapt=True)) runs the models it
# saved as snapshot-<model>-[best-]<epoch>.pt, whose stems name the scorer (modelzoo/utils.get_super_animal_scorer).
_ADAPTED_SNAPSHOT = re.compile(r"snapshot-(?P<model>.+?)-(?P<epoch>(?:best-)?\d+)")
_METHODS = {"bu": "bottom-up", "td": "top-down", "ctd": "conditional top-down"}
# DeepLabCut 2.3's SuperAnimal video inference (TensorFlow, modelzoo/api/superanimal_inference.py) runs the weights
# it downloads to pretrained/superanimal_<dataset>_weights/snapshot-<N> and names the scorer after the snapshot alone
# ("DLC_snapshot-<N>", the init_weights' stem): the model config its _meta.pickle keeps names the dataset.
_TENSORFLOW_SUPERANIMAL_WEIGHTS = re.compile(r"(?:^|[/\\])superanimal_(?P<dataset>[A-Za-z0-9]+)_weights[/\\]")
_SNAPSHOT_SCORER = re.compile(r"^DLC_snapshot-\d+$")
_SNAPSHOT_ITERATIONS = re.compile(r"snapshot-(?P<iterations>\d+)$")


@dataclass(frozen=True)
class DeepLabCutModel:
    """The model a DeepLabCut predictions file names.

    Attributes
    ----------
    engine : {"pytorch", "tensorflow"}
        DeepLabCut 3.x PyTorch engine or the 2.x TensorFlow one.
    net_type : str or None
        ``net_type`` of the model config (``hrnet_w32``), or the scorer's network name.
    snapshot : str or None
        Pose model snapshot (PyTorch uid such as ``best-200``) or training iterations (TensorFlow).
    shuffle : int or None
        Shuffle of the training set.
    method : str or None
        ``bottom-up``, ``top-down`` or ``conditional top-down`` (PyTorch).
    detector : str or None
        Detector of a top-down model: its type and snapshot (``FasterRCNN, snapshot best-90``).
    superanimal : str or None
        The model zoo's SuperAnimal dataset the models were trained on (``topviewmouse``), for
        predictions of a pretrained model rather than of a project's; or ``FMPose3D-<model>`` for the
        model zoo's FMPose3D (DeepLabCut 3.0.1), which lifts one camera's 2D poses to 3D.
    with_identity : bool or None
        Whether the model has an identity head (``pytorch-config.metadata.with_identity``; the project's
        ``identity: true``): DeepLabCut 3 then orders each frame's animals by the identity it predicts
        (the ``AssignIndividualIdentities`` postprocessor), so an animal's columns are that animal's.
        None when not recorded.
    """

    engine: str
    net_type: str | None = None
    snapshot: str | None = None
    shuffle: int | None = None
    method: str | None = None
    detector: str | None = None
    superanimal: str | None = None
    with_identity: bool | None = None

    def describe(self) -> str:
        """Return one sentence for the PoseEstimation description."""
        engine = "DeepLabCut 3.x PyTorch engine" if self.engine == "pytorch" else "DeepLabCut TensorFlow engine"
        if self.superanimal:
            zoo = self.superanimal if self.superanimal.startswith("FMPose3D") else f"SuperAnimal-{self.superanimal}"
            engine = f"DeepLabCut model zoo, {zoo}, {'PyTorch' if self.engine == 'pytorch' else 'TensorFlow'} engine"
        parts = [f"network {self.net_type}" if self.net_type else None]
        if self.method:
            parts.append(f"{self.method} model")
        if self.shuffle is not None:
            parts.append(f"shuffle {self.shuffle}")
        if self.snapshot:
            what = "snapshot" if self.engine == "pytorch" else "training iterations"
            parts.append(f"{what} {self.snapshot}")
        if self.detector:
            parts.append(f"detector {self.detector}")
        if self.with_identity:
            parts.append("identity head: each frame's animals ordered by the identity it predicts")
        details = ", ".join(p for p in parts if p)
        return f"Model: {engine}" + (f" ({details})." if details else ".")


def _pytorch_config(meta: dict[str, Any] | None, path: Path) -> dict[str, Any]:
    config = (meta or {}).get("pytorch-config")
    if isinstance(config, dict):
        return config
    beside = path.with_name("pytorch_config.yaml")
    if not beside.is_file():
        return {}
    import yaml

    try:
        loaded = yaml.safe_load(read_config_text(beside, "DeepLabCut model config"))
    except (OSError, UnicodeError, yaml.YAMLError):
        # The model config only adds a description: an unreadable one leaves it out.
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _with_identity(config: dict[str, Any]) -> bool | None:
    """Return the model config's ``metadata.with_identity``, None when it is not recorded."""
    metadata = config.get("metadata")
    flag = metadata.get("with_identity") if isinstance(metadata, dict) else None
    return flag if isinstance(flag, bool) else None


def _detector(config: dict[str, Any], snapshot: str | None) -> str | None:
    model = (config.get("detector") or {}).get("model") if isinstance(config.get("detector"), dict) else None
    kind = model.get("type") if isinstance(model, dict) else None
    variant = model.get("variant") if isinstance(model, dict) else None
    named = " ".join(str(p) for p in (kind, f"({variant})" if variant else None) if p)
    if snapshot:
        return f"{named}, snapshot {snapshot}" if named else f"snapshot {snapshot}"
    return named or None


def describe_model(path: Path, scorer: str, meta: dict[str, Any] | None) -> DeepLabCutModel | None:
    """Return the model of a DeepLabCut predictions file, from its scorer, metadata and model config.

    Parameters
    ----------
    path : pathlib.Path
        The predictions file (a ``pytorch_config.yaml`` beside it is read).
    scorer : str
        The file's scorer.
    meta : dict or None
        The ``data`` of its ``_meta.pickle``.

    Returns
    -------
    DeepLabCutModel or None
        None when neither the scorer nor the metadata names a model.
    """
    match = _PYTORCH_SCORER.match(scorer)
    config = _pytorch_config(meta, path)
    if match or config:
        method = config.get("method")
        return DeepLabCutModel(
            engine="pytorch",
            net_type=str(config.get("net_type") or (match["net"] if match else "")) or None,
            snapshot=match["snapshot"] if match else None,
            shuffle=int(match["shuffle"]) if match else None,
            method=_METHODS.get(str(method).lower(), str(method)) if method else None,
            detector=_detector(config, match["detector"] if match else None),
            with_identity=_with_identity(config),
        )
    dataset = _tensorflow_superanimal(scorer, meta)
    if dataset is not None:
        test_config = (meta or {})["DLC-model-config file"]
        iterations = _SNAPSHOT_ITERATIONS.search(str(test_config["init_weights"]))
        net_type = test_config.get("net_type")
        return DeepLabCutModel(
            engine="tensorflow",
            net_type=str(net_type) if net_type else None,
            snapshot=iterations["iterations"] if iterations else None,
            superanimal=dataset,
        )
    match = _TENSORFLOW_SCORER.match(scorer)
    if match:
        return DeepLabCutModel(engine="tensorflow", snapshot=match["iterations"], shuffle=int(match["shuffle"]))
    match = _FMPOSE3D_SCORER.match(scorer)
    if match:
        return DeepLabCutModel(engine="pytorch", superanimal=f"FMPose3D-{match['model']}")
    match = _SUPERANIMAL_SCORER.match(scorer)
    return _superanimal_model(match["dataset"], match["models"]) if match else None


def _superanimal_model(dataset: str, models: str) -> DeepLabCutModel:
    """Return the model of a SuperAnimal scorer's ``<pose model>[_<detector>]``, either adapted to the video."""
    pose_model, *detector = _DETECTOR_START.split(models, maxsplit=1)
    adapted = _ADAPTED_SNAPSHOT.fullmatch(pose_model)
    adapted_detector = _ADAPTED_SNAPSHOT.fullmatch(detector[0]) if detector else None
    return DeepLabCutModel(
        engine="pytorch",
        net_type=adapted["model"] if adapted else pose_model,
        snapshot=f"{adapted['epoch']}, adapted to the video" if adapted else None,
        method="top-down" if detector else None,
        detector=(
            f"{adapted_detector['model']}, snapshot {adapted_detector['epoch']}, adapted to the video"
            if adapted_detector
            else (detector[0] if detector else None)
        ),
        superanimal=dataset,
    )


def _tensorflow_superanimal(scorer: str, meta: dict[str, Any] | None) -> str | None:
    """Return the SuperAnimal dataset whose weights DeepLabCut 2.3's model zoo ran, from a ``_meta.pickle``'s data.

    None unless the scorer is the snapshot's alone (``DLC_snapshot-<N>``) and the model config's
    (``DLC-model-config file``) ``init_weights`` lies in ``superanimal_<dataset>_weights/``: a project's own
    model (a task or a folder named ``superanimal_...``) has a scorer of its project.
    """
    if not _SNAPSHOT_SCORER.match(scorer):
        return None
    test_config = (meta or {}).get("DLC-model-config file")
    weights = test_config.get("init_weights") if isinstance(test_config, dict) else None
    match = _TENSORFLOW_SUPERANIMAL_WEIGHTS.search(weights) if isinstance(weights, str) else None
    return match["dataset"] if match else None


def is_model_zoo(scorer: str, meta: dict[str, Any] | None = None) -> bool:
    """Return True for the predictions of a pretrained model of DeepLabCut's model zoo, made without a project.

    SuperAnimal video inference (``superanimal_<dataset>_<models>``), DeepLabCut 3.0.1's FMPose3D
    (``DLC_fmpose3d_<model>``, and ``..._3d`` for its 3D file), and DeepLabCut 2.3's SuperAnimal video
    inference, whose scorer (``DLC_snapshot-<N>``) names no model but whose ``_meta.pickle`` data ``meta``
    does (the model config's ``init_weights``).
    """
    return bool(
        _SUPERANIMAL_SCORER.match(scorer)
        or _FMPOSE3D_SCORER.match(scorer)
        or _tensorflow_superanimal(scorer, meta) is not None
    )


def names_detector(scorer: str) -> bool:
    """Return True when ``scorer`` names a top-down model's detector, whose boxes DeepLabCut keeps beside the poses.

    A project's PyTorch model run with its detector (``..._detector_<uid>_snapshot_<uid>``), and the model
    zoo's SuperAnimal models (``superanimal_<dataset>_<pose model>_<detector>``).
    """
    match = _PYTORCH_SCORER.match(scorer)
    if match:
        return match["detector"] is not None
    match = _SUPERANIMAL_SCORER.match(scorer)
    return bool(match and len(_DETECTOR_START.split(match["models"], maxsplit=1)) > 1)


def frame_size_from_meta(meta: dict[str, Any]) -> tuple[int, int] | None:
    """Return ``(height, width)`` from a ``_meta.pickle``'s ``frame_dimensions``; None when it is a crop's size.

    The PyTorch engine stores ``(width, height)``, the TensorFlow one ``(height, width)``. Analysing with
    ``cropping``, some versions record the crop's size there (``checkcropping``'s ``(ny, nx)``; the PyTorch
    engine's cropped video iterator's box) and others the video's, read before cropping (TensorFlow's
    ``AnalyzeVideo``): a size that is the crop box's (``cropping_parameters`` ``[x1, x2, y1, y2]``) is not
    the video's, which, when found, gives its own size instead.
    """
    dims = meta.get("frame_dimensions")
    if not isinstance(dims, (list, tuple)) or len(dims) != 2:
        return None
    first, second = int(dims[0]), int(dims[1])
    if meta.get("cropping"):
        box = meta.get("cropping_parameters")
        if not isinstance(box, (list, tuple)) or len(box) != 4:
            return None  # cropped, by a box not recorded: the size may be either
        width, height = int(box[1]) - int(box[0]), int(box[3]) - int(box[2])
        if {(first, second), (second, first)} & {(height, width)}:
            return None
    return (second, first) if isinstance(meta.get("pytorch-config"), dict) else (first, second)


# Suffixes DeepLabCut's trackers give the files they write, before "filtered": ellipse, skeleton, box,
# identity, and DeepLabCut 3's transformer and conditional top-down (CTD) tracking, whose model tracks
# as it predicts (trackingutils.TRACK_METHODS).
_TRACKED_STEM = re.compile(r"_(?:el|sk|bx|id|tr|ctd)(?:_?filtered)?$")
# CTD tracking's file: tracked, yet with DeepLabCut 3's -1 pads for the animals not found.
_CTD_STEM = re.compile(r"_ctd(?:_?filtered)?$")


def is_tracked(path: Path) -> bool:
    """Return True when DeepLabCut's tracking wrote ``path``: a tracker's suffix in its name, or its HDF5 key.

    ``stitch_tracklets`` saves under the key ``tracks``, which a file renamed by a lab's pipeline keeps.
    Reading the key opens the file: a reader asks once and passes the answer on.
    """
    if _TRACKED_STEM.search(path.stem):
        return True
    try:
        return path.suffix.lower() in H5_SUFFIXES and is_hdf5(path) and "/tracks" in pandas_store_keys(path)
    except UNREADABLE_FILE_ERRORS:
        # The table was read already: a store whose keys cannot be listed again is not known to be tracked.
        return False


def untracked_detections(path: Path, animals: list[str], model: DeepLabCutModel | None, *, tracked: bool) -> str | None:
    """Return why the animals of a multi-animal file are the k-th detections of each frame, not tracks; else None.

    SuperAnimal video inference never tracks, and DeepLabCut 3 saves a multi-animal model's
    predictions before tracking (``save_as_df``) under a name without a tracker's suffix, under the key
    ``df_with_missing``; a model with an identity head orders the animals by their predicted identity.
    ``tracked``: whether DeepLabCut's tracking wrote ``path`` (:func:`is_tracked`).
    """
    if len(animals) < 2:
        return None
    advice = " Track them in DeepLabCut (the tracked _el.h5) to convert animals."
    if "_superanimal_" in path.name:
        who = "SuperAnimal video inference does not track animals"
    elif model is None or model.engine != "pytorch" or model.superanimal or model.with_identity or tracked:
        # A model-zoo model's other outputs (FMPose3D) are not DeepLabCut's save_as_df before tracking.
        return None
    elif path.name.startswith("image_predictions_"):
        # analyze_images predicts each image on its own: DeepLabCut tracks videos only.
        who, advice = "DeepLabCut 3's analyze_images predicts each image on its own, without tracking", ""
    else:
        who = "DeepLabCut 3 wrote these predictions before tracking (no tracker suffix such as _el in the name)"
    return (
        f"{who}: '{animals[0]}', '{animals[1]}', ... are the first, second, ... detection of each frame and do "
        f"NOT follow one animal over time.{advice}"
    )


def with_project_identity(model: DeepLabCutModel | None, config: dict[str, Any] | None) -> DeepLabCutModel | None:
    """Return ``model`` with the project's ``identity: true`` when its own config does not say (no _meta.pickle)."""
    if model is None or model.engine != "pytorch" or model.superanimal or model.with_identity is not None:
        return model
    if config and config.get("identity") is True:
        return dataclasses.replace(model, with_identity=True)
    return model


def confidence_definition(model: DeepLabCutModel | None, tracked: bool, path: Path | None = None) -> str:
    """Return what a file's likelihood means: its no-detection mark is said only where the writer puts one.

    DeepLabCut 3 pads the animals it did not find with -1 before tracking; tracking (and DeepLabCut 2)
    leaves NaN there; FMPose3D writes 0. ``tracked``: whether tracking wrote the file (:func:`is_tracked`).
    ``path``: the file; CTD tracking's (``_ctd.h5``, ``analyze_videos(ctd_tracking=True)``) is tracked but holds
    the top-down postprocessor's output as it is, padded with -1 (``build_top_down_postprocessor``'s
    ``PadOutputs(pad_value=-1)``), not stitched.
    """
    ctd = path is not None and _CTD_STEM.search(path.stem) is not None
    if model is None or model.engine != "pytorch" or (tracked and not ctd):
        return f"{_LIKELIHOOD}."
    if model.superanimal and model.superanimal.startswith("FMPose3D"):
        return _FMPOSE3D_LIKELIHOOD
    return CONFIDENCE_DEFINITION


def written_confidence(scores: str, writer: str | None = None) -> str:
    """Return the ``confidence_definition`` of ``scores`` (``"point_scores of the analysis file"``) ``writer`` wrote.

    The one wording of every reader of files a program other than the pose tool wrote (movement, sleap-io; in
    SLEAP's analysis layout, DeepLabCut's or Lightning Pose's): nothing says what computed the scores, nor that
    they lie in [0, 1] (movement carries SLEAP's instance scores, which exceed 1, over). ``writer``: when named.
    """
    by = f" by {writer}" if writer else ""
    return (
        f"The {scores}, as written{by}; the file does not say what computed them (for DeepLabCut poses, the "
        "likelihood)."
    )


def written_3d_frame(layout: str, writer: str) -> str:
    """Return the reference frame of x, y, z points ``writer`` wrote in another tool's ``layout``, which says none."""
    return (
        f"3D coordinates (x, y, z) as written in {layout} by {writer}; the file records neither their origin and "
        "axes nor their length unit (those of the tool that made them)."
    )


def analysis_crop(meta: dict[str, Any] | None, config: dict[str, Any] | None, path: Path) -> Any:
    """Return the box ``[x1, x2, y1, y2]`` DeepLabCut cropped the video to before analysing; None when it did not.

    The ``_meta.pickle`` records what was done (``cropping``, ``cropping_parameters``) and wins; else the
    ``config.yaml``, whose ``x1``..``y2`` both engines' ``analyze_videos`` crop to when its ``cropping`` is true
    (``predict_videos``, PyTorch's ``apis/videos.py``), with a warning naming ``path`` (the config may have changed).
    """
    if meta and "cropping" in meta:
        recorded = meta.get("cropping_parameters")
        return ("not recorded" if recorded is None else recorded) if meta["cropping"] else None
    if not config or config.get("cropping") is not True:
        return None
    box = [config.get(key) for key in ("x1", "x2", "y1", "y2")]
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in box):
        return None  # DeepLabCut's analysis stops on such a box: these predictions were not made with it
    warnings.warn(
        f"{path.name}: no _meta.pickle beside it records whether DeepLabCut cropped the video before analysis; the "
        f"project's config.yaml says it does (cropping: true, [x1, x2, y1, y2] = {box}), so the crop is taken from "
        "config.yaml: the poses are in that crop's pixels, as their reference frame says. Put the _meta.pickle "
        "DeepLabCut wrote beside the file if the config has changed since the analysis.",
        PoseconvWarning,
        stacklevel=4,
    )
    return box


def frame_of_reference(
    crop: Any, n_dims: int, notes: dict[str, Any], scorer: str, writer: str | None = None
) -> tuple[str, str]:
    """Return the unit and the reference frame of the coordinates (noting a crop in ``notes``).

    ``crop``: the box DeepLabCut analysed (:func:`analysis_crop`), None for the whole frame. A model-zoo model
    (FMPose3D) lifts 3D from one camera; other 3D files are triangulated, unless ``writer`` (not DeepLabCut) wrote them.
    """
    reference_frame = PIXEL_REFERENCE_FRAME
    unit = "pixels"
    if crop is not None:
        notes["cropping_parameters"] = crop
        if isinstance(crop, list | tuple) and all(isinstance(value, numbers.Real) for value in crop):
            crop = [int(v) if float(v).is_integer() else float(v) for v in crop]  # numpy 2 prints np.int64(10)
        reference_frame = (
            "(0, 0) is the top-left corner of the analysed frame; DeepLabCut cropped the video "
            f"to [x1, x2, y1, y2] = {crop} before analysis. x increases to the right and y "
            "increases downward, in pixels."
        )
    if n_dims == 3:
        # nwbinspector accepts "n.a." for a length unit the files do not state.
        unit = "n.a."
        # DeepLabCut 3.0.1's model zoo also lifts one camera's 2D poses to 3D (FMPose3D): nothing triangulated.
        reference_frame = _LIFTED_FRAME if "fmpose3d" in scorer.lower() else _TRIANGULATED_FRAME
        if writer is not None:
            reference_frame = written_3d_frame("DeepLabCut's layout", writer)
    return unit, reference_frame
