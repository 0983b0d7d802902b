"""SLEAP's predictor class (``provenance["predictor"]``), which neuroconv's SLEAPInterface writes as the scorer.

poseconv's scorer is the models; the predictor is said in the container's description (readers/sleap/provenance.py).
"""

from __future__ import annotations

import json
import shutil

import pytest

from poseconv import read_sleap
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.readers.sleap import common
from tests.fixtures.paths import needs_shared_data


def _descriptions(pose) -> list[str]:
    return [c["description"] for c in default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()]


def test_the_predictor_is_said_with_the_sleap_version():
    provenance = {"sleap_version": "1.2.8", "predictor": "TopDownPredictor", "model_paths": ["m/a/"]}
    assert common.inference_note(provenance) == "Predicted by SLEAP 1.2.8 (TopDownPredictor)."
    assert common.scorer_of(provenance) == "a"  # the scorer stays the models


def test_a_predictor_without_a_version_is_said_alone():
    assert common.inference_note({"predictor": "SingleInstancePredictor"}) == (
        "Predicted by SLEAP (SingleInstancePredictor)."
    )


def test_a_tracking_only_run_names_the_predictor_of_the_run_it_tracked():
    predicted = {"sleap_version": "1.4.1", "predictor": "BottomUpPredictor"}
    provenance = {"sleap_nn_version": "0.1.0", "pipeline_type": "tracking_only", "input_provenance": predicted}
    assert common.inference_note(provenance).startswith(
        "Predicted by SLEAP 1.4.1 (BottomUpPredictor), then tracked by sleap-nn 0.1.0"
    )


@needs_shared_data
@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("SLP_COURTSHIP", "Predicted by SLEAP 1.2.8 (TopDownPredictor)."),
        ("SLP_CLIP_PREDICTIONS", "Predicted by SLEAP 1.4.1a2 (BottomUpMultiClassPredictor)."),
    ],
)
def test_real_predictions_say_their_predictor(name, said):
    # neuroconv writes it as the scorer; poseconv's file held it nowhere.
    from tests.fixtures import sleap

    pose = read_sleap(getattr(sleap, name))
    descriptions = _descriptions(pose)
    assert descriptions and all(said in d for d in descriptions)
    assert "Predictor" not in (pose.scorer or "")


@needs_shared_data
def test_an_analysis_export_keeping_the_provenance_says_the_predictor(tmp_path):
    # SLEAP's analysis .h5 keeps the .slp's provenance as JSON.
    import h5py

    from tests.fixtures.sleap import H5_SMALL_ROBOT

    path = shutil.copy(H5_SMALL_ROBOT, tmp_path / "preds.analysis.h5")
    with h5py.File(path, "r+") as file:
        del file["provenance"]
        file["provenance"] = json.dumps({"sleap_version": "1.3.0", "predictor": "TopDownPredictor"})
    assert all("Predicted by SLEAP 1.3.0 (TopDownPredictor)." in d for d in _descriptions(read_sleap(path)))
