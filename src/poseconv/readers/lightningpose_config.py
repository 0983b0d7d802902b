"""The config of the Lightning Pose model that wrote a predictions file, the labels it names, its outputs' names.

Lightning Pose writes its predictions to ``<model dir>/video_preds/<video>.csv`` and the model's config
beside them (``<model dir>/config.yaml``, ``<model dir>/.hydra/config.yaml``); the config's ``data.csv_file``
names the labels the model was trained on: one CSV, or one per view for a multi-view model.

Next to the predictions Lightning Pose writes metrics, one header row of keypoint names:
``<stem>_pixel_error.csv``, ``<stem>_temporal_norm.csv``, ``<stem>_pca_singleview_error.csv``,
``<stem>_pca_multiview_error.csv``, and ``litpose create_bbox`` writes bounding boxes, ``<stem>_bbox.csv``.
They hold no positions; their names tell them from predictions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InvalidOptionError, InvalidSourceFileError
from ..model.location import where_linked
from .deeplabcut.project import load_yaml_config

__all__ = [
    "BBOX_SUFFIX",
    "EVALUATION_SETS",
    "METRICS_SUFFIXES",
    "find_config_file",
    "find_model_labels",
    "is_metrics_file_name",
    "is_side_output_name",
    "metrics_of",
    "model_config_data",
    "model_labels_files",
]

#: Stem endings of the metrics files Lightning Pose writes next to its predictions (``metrics.py``).
METRICS_SUFFIXES = ("_pixel_error", "_temporal_norm", "_pca_singleview_error", "_pca_multiview_error")


#: Stem ending of the bounding boxes ``litpose create_bbox`` writes next to a video's predictions.
BBOX_SUFFIX = "_bbox"


#: The labeled frames Lightning Pose's train.py evaluates besides the training set (CollectedData_new.csv, _test.csv):
#: it writes the metrics of their predictions into the model folder as predictions<metric>_new.csv / _test.csv.
EVALUATION_SETS = ("_new", "_test")


def metrics_of(path: str | Path) -> tuple[str, str] | None:
    """Return the metric suffix and evaluation set of a Lightning Pose metrics file's name; None for another name.

    ``<stem>_temporal_norm.csv`` gives ``("_temporal_norm", "")``, ``predictions_pixel_error_new.csv``
    ``("_pixel_error", "_new")``.
    """
    stem = Path(path).stem
    for suffix in METRICS_SUFFIXES:
        for evaluated in ("", *EVALUATION_SETS):
            if stem.endswith(suffix + evaluated):
                return suffix, evaluated
    return None


def is_metrics_file_name(path: str | Path) -> bool:
    """Whether ``path`` is named as a Lightning Pose metrics file (``<predictions stem>_temporal_norm.csv``, ...)."""
    return metrics_of(path) is not None


def is_side_output_name(path: str | Path) -> bool:
    """Whether ``path`` is named as an output Lightning Pose writes beside its predictions that holds no keypoints.

    Its metrics (``<stem>_temporal_norm.csv``, ...) and bounding boxes (``<stem>_bbox.csv``), by name only.
    """
    return is_metrics_file_name(path) or Path(path).stem.endswith(BBOX_SUFFIX)


def model_config_data(config_path: Path) -> dict[str, Any]:
    """Return the ``data`` section of a Lightning Pose model config (``view_names``, ``keypoint_names``, ...)."""
    return (load_yaml_config(config_path, "LightningPose config") or {}).get("data") or {}


def _is_model_config(path: Path) -> bool:
    """Whether ``path`` is a Lightning Pose model config (a ``data`` block naming keypoints or labels); never raises."""
    try:
        data = load_yaml_config(path, "LightningPose config").get("data")
    except InvalidSourceFileError:
        return False
    return isinstance(data, dict) and any(key in data for key in ("keypoint_names", "csv_file", "view_names"))


def find_config_file(file_path: str | Path) -> Path | None:
    """Find the config of the model that wrote ``file_path``.

    LightningPose writes predictions to ``<model dir>/video_preds/<video>.csv`` and its config to
    ``<model dir>/.hydra/config.yaml`` (hydra runs) or ``<model dir>/config.yaml`` (``litpose
    train``, and hydra runs too); the folder of the file and its parent are looked in. A
    ``config.yaml`` counts only when it is Lightning Pose's (not, e.g., a DeepLabCut project's).
    """
    path = where_linked(file_path)
    for folder in (path.parent, path.parent.parent):
        candidate = folder / ".hydra" / "config.yaml"
        if candidate.is_file():
            return candidate
        candidate = folder / "config.yaml"
        if candidate.is_file() and _is_model_config(candidate):
            return candidate
    return None


def find_model_labels(config_path: Path) -> Path | None:
    """Return the labels CSV a single-view model was trained on, where it is on this machine; None when not found.

    The config names it (``data.data_dir`` / ``data.csv_file``); training also copies it into the
    model folder, which is where it is found once the model has moved to another machine.

    Raises
    ------
    InvalidOptionError
        When the config is a multi-view model's (``data.csv_file`` lists one labels file per view): which
        view's labels go with one view's predictions is not known, so the message lists them.
    """
    data = load_yaml_config(config_path, "LightningPose config").get("data") or {}
    csv_file = data.get("csv_file")
    if isinstance(csv_file, list) and len(csv_file) == 1:
        csv_file = csv_file[0]
    if isinstance(csv_file, list) and csv_file:
        found = model_labels_files(config_path)
        raise InvalidOptionError(
            f"{config_path}: is a multi-view model's config (data.csv_file names one labels file per view: "
            f"{', '.join(str(path) for path in found)}), so which of them are these predictions' labels is not "
            "known. Give the view's labels file as labeled_data_path=... (--labeled-data on the command line), "
            "or convert each view's labels on its own (--source lp-labels; a spec's interface: lp-labels)."
        )
    if not isinstance(csv_file, str) or not csv_file:
        return None
    return _labels_file(config_path, data, csv_file)


def model_labels_files(config_path: Path) -> list[Path]:
    """Return every labels CSV a model's config names (``data.csv_file``: one, or one per view of a multi-view model).

    Each is where it is on this machine (under ``data.data_dir``, or copied into the model folder), else as
    the config names it; none when the config names no labels file.

    Raises
    ------
    InvalidSourceFileError
        When the config cannot be read.
    """
    data = load_yaml_config(config_path, "LightningPose config").get("data") or {}
    csv_file = data.get("csv_file")
    names = [str(name) for name in csv_file] if isinstance(csv_file, list) else [csv_file] if csv_file else []
    return [_labels_file(config_path, data, name) or Path(name) for name in names]


def _labels_file(config_path: Path, data: dict[str, Any], csv_file: str) -> Path | None:
    """Return the labels file ``csv_file`` of a model's config where it is: under data_dir, or in the model folder."""
    model_folder = config_path.parent.parent if config_path.parent.name == ".hydra" else config_path.parent
    named = Path(csv_file) if Path(csv_file).is_absolute() else Path(str(data.get("data_dir") or "")) / csv_file
    for candidate in (named, model_folder / Path(csv_file).name):
        if candidate.is_file():
            return candidate
    return None
