"""What a ``.slp``'s provenance says of who predicted and who tracked its poses (readers/sleap/common.py)."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv import read_sleap
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.readers.sleap import common
from tests.fixtures.paths import needs_shared_data

sio = pytest.importorskip("sleap_io")

SLEAP_14_PREDICTIONS = {
    "sleap_version": "1.4.1",
    "model_paths": ["/models/250101_centroid/training_config.json", "/models/250101_centered_instance/"],
    "filename": "/data/preds_sleap14.slp",
}
SLEAP_NN_PREDICTIONS = {
    "sleap_nn_version": "0.0.5",
    "model_type": "top_down",
    "model_paths": ["/models/centroid_250101/best.ckpt", "/models/centered_instance_250101/best.ckpt"],
}


def _tracking_only(input_provenance: dict | None) -> dict:
    """The provenance sleap-nn's ``build_tracking_only_provenance`` records (``sleap-nn track --tracking-only``)."""
    provenance = {
        "sleap_nn_version": "0.1.0",
        "sleap_io_version": "0.5.0",
        "pipeline_type": "tracking_only",
        "source_file": "/data/preds.slp",
        "tracking_config": {"tracker_type": "flow"},
    }
    if input_provenance:
        provenance["input_provenance"] = input_provenance
    return provenance


def _tracked_file(path, provenance: dict):
    skeleton, track = sio.Skeleton(["a", "b"], name="s"), sio.Track("track_0")
    video = sio.Video(filename="none.mp4", backend_metadata={"fps": 10.0, "shape": (3, 8, 8, 1)}, open_backend=False)
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[f, 1, 0.5], [2, 3, 0.6]], float), skeleton=skeleton, score=0.9, track=track
                )
            ],
        )
        for f in range(3)
    ]
    labels = sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[track])
    labels.provenance.update(provenance)
    sio.save_slp(labels, str(path))
    return path


def test_sleap_predictions_tracked_by_sleap_nn_keep_the_predicting_version_and_models(tmp_path):
    # They were said "Predicted by sleap-nn 0.1.0", with no SLEAP version and no model.
    pose = read_sleap(_tracked_file(tmp_path / "tracked.slp", _tracking_only(SLEAP_14_PREDICTIONS)))
    assert pose.source_software_version == "1.4.1"
    assert pose.scorer == "250101_centroid, 250101_centered_instance"
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert (
        "Predicted by SLEAP 1.4.1, then tracked by sleap-nn 0.1.0 with its tracking-only pipeline"
        in (container["description"])
    )
    assert "Predicted by sleap-nn" not in container["description"]


def test_sleap_nn_predictions_tracked_again_name_both_runs():
    provenance = _tracking_only(SLEAP_NN_PREDICTIONS)
    assert common.inference_note(provenance) == (
        "Predicted by sleap-nn 0.0.5 (top_down model), then tracked by sleap-nn 0.1.0 with its tracking-only "
        "pipeline, which predicts no poses."
    )
    assert common.scorer_of(provenance) == "centroid_250101, centered_instance_250101"
    assert common.sleap_version_of(provenance) is None


def test_tracking_twice_follows_the_inputs_to_the_predicting_run():
    provenance = _tracking_only(_tracking_only(SLEAP_14_PREDICTIONS))
    assert common.predicting_provenance(provenance) == SLEAP_14_PREDICTIONS
    assert common.sleap_version_of(provenance) == "1.4.1"
    assert common.inference_note(provenance).startswith("Predicted by SLEAP 1.4.1, then tracked by sleap-nn 0.1.0")


def test_a_tracking_only_run_that_recorded_no_input_claims_no_predictor():
    provenance = _tracking_only(None)
    assert common.inference_note(provenance) == (
        "Tracked by sleap-nn 0.1.0 with its tracking-only pipeline, which predicts no poses; the file does not "
        "record what predicted them."
    )
    assert common.scorer_of(provenance) is None
    assert common.sleap_version_of(provenance) is None


def test_an_inference_run_does_not_take_its_input_labels_version_as_its_own():
    # sleap-nn's build_inference_provenance keeps the provenance of the labels it predicted on as input_provenance:
    # that SLEAP version labeled the frames, it predicted nothing.
    provenance = {**SLEAP_NN_PREDICTIONS, "input_provenance": {"sleap_version": "1.3.4", "filename": "labels.slp"}}
    assert common.sleap_version_of(provenance) is None
    assert common.inference_note(provenance) == "Predicted by sleap-nn 0.0.5 (top_down model)."
    assert common.scorer_of(provenance) == "centroid_250101, centered_instance_250101"


def test_sleap_predictions_get_no_note():
    # Their version is the container's source_software_version already.
    assert common.inference_note(SLEAP_14_PREDICTIONS) is None
    assert common.sleap_version_of(SLEAP_14_PREDICTIONS) == "1.4.1"


@needs_shared_data
def test_an_analysis_export_of_a_tracking_only_run_takes_the_predicting_sleap_version(tmp_path):
    # SLEAP's analysis .h5 keeps the .slp's provenance as JSON; the version is the predicting run's, as for the .slp.
    import json
    import shutil

    import h5py

    from tests.fixtures.sleap import H5_SMALL_ROBOT

    path = shutil.copy(H5_SMALL_ROBOT, tmp_path / "tracked.analysis.h5")
    with h5py.File(path, "r+") as file:
        del file["provenance"]
        file["provenance"] = json.dumps(_tracking_only(SLEAP_14_PREDICTIONS))
    pose = read_sleap(path)
    assert pose.source_software_version == "1.4.1"
    assert pose.scorer == "250101_centroid, 250101_centered_instance"
