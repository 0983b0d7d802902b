"""What predicted SLEAP's poses, which the NWB description says, goes back into an exported file's provenance."""

from __future__ import annotations

import numpy as np
import pytest
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv import read_sleap
from poseconv.exporters.sleap import sleap_provenance, write_slp
from poseconv.exporters.sleap_analysis import write_sleap_analysis
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.nwb.read.pose import read_nwb
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.readers.sleap.provenance import inference_note, provenance_said

sio = pytest.importorskip("sleap_io")

PREDICTED = {"sleap_version": "1.2.8", "predictor": "TopDownPredictor", "model_paths": ["models/centroid/"]}
SAID = "Predicted by SLEAP 1.2.8 (TopDownPredictor)."


def _predicted_slp(path, provenance):
    skeleton = sio.Skeleton(["a", "b"], name="s")
    video = sio.Video(filename="v.mp4", backend_metadata={"fps": 10.0, "shape": (3, 8, 8, 1)}, open_backend=False)
    points = np.array([[1.0, 2.0, 0.5], [3.0, 4.0, 0.6]])
    frames = [
        sio.LabeledFrame(
            video=video, frame_idx=i, instances=[sio.PredictedInstance.from_numpy(points, skeleton=skeleton, score=0.9)]
        )
        for i in range(3)
    ]
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], provenance=provenance), path)
    return path


def _through_nwb(tmp_path, pose):
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=default_pose_metadata(pose))
    with NWBHDF5IO(str(tmp_path / "poses.nwb"), "w") as io:
        io.write(nwbfile)
    [back] = read_nwb(tmp_path / "poses.nwb")
    return back


def _descriptions(pose):
    return [entry["description"] for entry in default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()]


def test_an_nwb_file_exported_to_slp_and_converted_again_says_its_predictor(tmp_path):
    # Before: the exported .slp recorded sleap_version and model_paths only, and the description lost the sentence.
    pose = read_sleap(_predicted_slp(tmp_path / "preds.slp", PREDICTED))
    assert all(SAID in d for d in _descriptions(pose))
    back = _through_nwb(tmp_path, pose)
    again = read_sleap(write_slp(back, tmp_path / "again.slp"))
    assert all(SAID in d for d in _descriptions(again))
    assert again.scorer == "centroid" and again.source_software_version == "1.2.8"
    assert sio.load_slp(str(tmp_path / "again.slp")).provenance["predictor"] == "TopDownPredictor"


def test_the_analysis_export_keeps_it_too(tmp_path):
    back = _through_nwb(tmp_path, read_sleap(_predicted_slp(tmp_path / "preds.slp", PREDICTED)))
    path = write_sleap_analysis(back, tmp_path / "again.analysis.h5")
    assert all(SAID in d for d in _descriptions(read_sleap(path)))


def test_a_slp_read_directly_keeps_it():
    from poseconv.testing.mock import mock_pose_data

    pose = mock_pose_data(source_software="SLEAP")
    pose.notes["model"] = SAID
    assert sleap_provenance(pose)["predictor"] == "TopDownPredictor"


@pytest.mark.parametrize(
    "provenance",
    [
        {"sleap_version": "1.2.8", "predictor": "TopDownPredictor"},
        {"predictor": "SingleInstancePredictor"},
        {"sleap_nn_version": "0.1.0", "model_type": "centroid"},
        {"sleap_nn_version": "0.1.0"},
        {
            "pipeline_type": "tracking_only",
            "sleap_nn_version": "0.2",
            "input_provenance": {"sleap_version": "1.4.1", "predictor": "BottomUpPredictor"},
        },
        {"pipeline_type": "tracking_only", "input_provenance": {"sleap_nn_version": "0.1", "model_type": "bottomup"}},
        {"pipeline_type": "tracking_only", "sleap_nn_version": "0.2"},
    ],
)
def test_the_note_is_read_back_into_the_provenance_it_was_made_from(provenance):
    description = f"Poses of 'a' estimated with SLEAP on video 'v', read from x.slp. {inference_note(provenance)} More."
    assert provenance_said(description) == provenance


def test_a_description_without_the_note_says_nothing():
    assert provenance_said("Poses of 'a' estimated with SLEAP on video 'v', read from x.slp.") == {}
    assert provenance_said(None) == {}
