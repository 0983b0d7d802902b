"""What a SLEAP file's provenance says of what made its poses: the models (scorer), SLEAP version and predictor.

SLEAP's inference records ``sleap_version``, ``predictor`` and ``model_paths``; sleap-nn's (SLEAP 1.5 and
later) ``sleap_nn_version``, ``model_type`` and ``model_paths``; sleap-nn's tracking-only pipeline keeps its
input's provenance under ``input_provenance``. The ``.slp`` and analysis ``.h5`` readers read them here.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["inference_note", "predicting_provenance", "provenance_said", "scorer_of", "sleap_version_of"]


def scorer_of(provenance: dict[str, Any]) -> str | None:
    """Model names from SLEAP inference provenance (``model_paths`` or ``model.*.path``).

    A sleap-nn tracking-only run names no model: the models are those of the run that predicted the
    poses (:func:`predicting_provenance`).
    """
    return _model_names(provenance) or _model_names(predicting_provenance(provenance))


def _model_names(provenance: dict[str, Any]) -> str | None:
    paths: list[str] = []
    model_paths = provenance.get("model_paths")
    if isinstance(model_paths, (list, tuple)):
        paths.extend(str(p) for p in model_paths)
    for key, value in provenance.items():
        if re.fullmatch(r"model\..+\.path", str(key)) and isinstance(value, str):
            paths.append(value)
    names = []
    for recorded in paths:
        parts = [p for p in re.split(r"[\\/]", recorded) if p]
        # A model's file (SLEAP's training_config.json, sleap-nn's .ckpt): its folder names the model.
        if parts and parts[-1].endswith((".json", ".ckpt")) and len(parts) > 1:
            parts = parts[:-1]
        if parts:
            names.append(parts[-1])
    names = list(dict.fromkeys(names))
    return ", ".join(names) if names else None


def sleap_version_of(provenance: dict[str, Any]) -> str | None:
    """Return the SLEAP version that predicted the poses: ``sleap_version``, else the predicting run's."""
    version = provenance.get("sleap_version") or predicting_provenance(provenance).get("sleap_version")
    return str(version) if version else None


def _tracking_only(provenance: dict[str, Any]) -> bool:
    return provenance.get("pipeline_type") == "tracking_only"


def predicting_provenance(provenance: dict[str, Any]) -> dict[str, Any]:
    """Return the provenance of the run that predicted the poses of a file with this ``provenance``.

    sleap-nn's tracking-only pipeline (``sleap-nn track --tracking-only``) tracks poses predicted before,
    without a model: it records ``pipeline_type: tracking_only`` and the provenance of its input file under
    ``input_provenance``, which is followed (through earlier tracking-only runs too). Any other provenance
    is its own predicting run's; the ``input_provenance`` of an inference run is its labels', not a prediction's.
    """
    while _tracking_only(provenance) and isinstance(provenance.get("input_provenance"), dict):
        provenance = provenance["input_provenance"]
    return provenance


def inference_note(provenance: dict[str, Any]) -> str | None:
    """Say what made the predictions, from their provenance: SLEAP's predictor class, or which sleap-nn.

    SLEAP before 1.5 records its ``predictor`` (``TopDownPredictor``, ``BottomUpMultiClassPredictor``, ...),
    which neuroconv's SLEAPInterface writes as the scorer; poseconv's scorer is the models, so the predictor
    is said here ("Predicted by SLEAP 1.2.8 (TopDownPredictor)."). sleap-nn (SLEAP 1.5 and later) records
    ``sleap_nn_version`` and ``model_type`` rather than SLEAP's ``sleap_version``. A tracking-only run
    (:func:`predicting_provenance`) only tracked: the note says so, and what predicted.
    """
    if not _tracking_only(provenance):
        # SLEAP's sleap_version alone is the container's source_software_version already: no note repeats it.
        said = provenance.get("sleap_nn_version") or provenance.get("predictor")
        predicted = _predicted_by(provenance) if said else None
        return f"{predicted}." if predicted else None
    tracker = f"sleap-nn {provenance['sleap_nn_version']}" if provenance.get("sleap_nn_version") else "sleap-nn"
    tracked = f"tracked by {tracker} with its tracking-only pipeline, which predicts no poses"
    predicting = predicting_provenance(provenance)
    predicted = None if predicting is provenance else _predicted_by(predicting)
    if predicted:
        return f"{predicted}, then {tracked}."
    return f"T{tracked[1:]}; the file does not record what predicted them."


def _predicted_by(provenance: dict[str, Any]) -> str | None:
    """Return "Predicted by ..." for a predicting run's provenance; None when it names no predictor."""
    if version := provenance.get("sleap_nn_version"):
        model = provenance.get("model_type")
        return f"Predicted by sleap-nn {version}" + (f" ({model} model)" if model else "")
    version, predictor = provenance.get("sleap_version"), provenance.get("predictor")
    if not (version or predictor):
        return None
    return "Predicted by SLEAP" + (f" {version}" if version else "") + (f" ({predictor})" if predictor else "")


# What _predicted_by and inference_note write, read back: a version runs to the next space, "(" or the end of the
# sentence (versions hold dots: "1.2.8."), a predictor or model type to its ")".
_VERSION = r"[^\s()]+?"
_SENTENCE_END = r"(?=\.(?:\s|$)|, then tracked by )"
_PREDICTED = re.compile(
    rf"Predicted by (?:SLEAP(?: (?P<sleap_version>{_VERSION}))?(?: \((?P<predictor>[^()]+)\))?"
    rf"|sleap-nn (?P<sleap_nn_version>{_VERSION})(?: \((?P<model_type>[^()]+) model\))?){_SENTENCE_END}"
)
_TRACKED = re.compile(
    rf"(?:, then t|\bT)racked by sleap-nn(?: (?P<sleap_nn_version>{_VERSION}))? with its tracking-only pipeline, "
    "which predicts no poses"
)


def provenance_said(text: str | None) -> dict[str, Any]:
    """Return the provenance keys the note of :func:`inference_note` in ``text`` says; ``{}`` when it has none.

    The inverse of :func:`inference_note`: a ``.slp`` (or analysis ``.h5``) written with them is read with the same
    note, so the predictor a description says ("Predicted by SLEAP 1.2.8 (TopDownPredictor).") survives an
    export of the NWB file to SLEAP and its conversion again.

    Parameters
    ----------
    text : str or None
        A container description (or the note alone).

    Returns
    -------
    dict
        ``sleap_version`` and ``predictor``, or ``sleap_nn_version`` and ``model_type``, of the predicting run; for
        a tracking-only run, ``pipeline_type``, its ``sleap_nn_version`` and the predicting run's as
        ``input_provenance`` (:func:`predicting_provenance`). Only what the note says.
    """
    predicted = _PREDICTED.search(text or "")
    said = {key: value for key, value in predicted.groupdict().items() if value} if predicted else {}
    tracked = _TRACKED.search(text or "")
    if tracked is None:
        return said
    run: dict[str, Any] = {"pipeline_type": "tracking_only"}
    if tracked["sleap_nn_version"]:
        run["sleap_nn_version"] = tracked["sleap_nn_version"]
    if said:
        run["input_provenance"] = said
    return run
