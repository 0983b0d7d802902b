"""The crop of labels in a crop's pixels, written in the training description and read back per video."""

from __future__ import annotations

import numpy as np
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.metadata.training import default_training_metadata
from poseconv.model import Skeleton, VideoInfo
from poseconv.model.training import LabeledFrame, LabeledInstance, TrainingData
from poseconv.nwb.read.training import read_training
from poseconv.nwb.write.training import write_pose_training

CROPS = {"c1": [10, 5, 50, 40], "c10": [0, 20, 30, 60]}


def _cropped_labels() -> TrainingData:
    """Labels of two videos (c1, c10: one's name the start of the other's), each in a crop's pixels."""
    skeleton = Skeleton(name="mouse", nodes=("nose", "tail"), edges=((0, 1),))
    points = np.array([[1.5, 2.5], [3.0, 4.0]])
    return TrainingData.from_frames(
        source_software="DeepLabCut",
        source_file="CollectedData_Smith.h5",
        skeletons=[skeleton],
        videos=[VideoInfo(key=key) for key in CROPS],
        frames=[
            LabeledFrame(video=key, frame_index=2, instances=(LabeledInstance("mouse", points, np.array([True] * 2)),))
            for key in CROPS
        ],
        notes={"videos": {key: {"crop": crop} for key, crop in CROPS.items()}},
    )


def test_each_video_s_crop_is_read_back_even_from_a_description_given_in_metadata(tmp_path):
    # A description given in metadata leaves out the default's crop sentences, and no ImageSeries (the video is
    # not here, or is the predictions') says the labels' crop: the sources table's description still does.
    training = _cropped_labels()
    metadata = default_training_metadata(training)
    metadata["Pose"]["PoseTraining"]["description"] = "Labeled by Jane."
    nwbfile = mock_NWBFile()
    write_pose_training(nwbfile, training, metadata=metadata)
    description = nwbfile.processing["behavior"]["PoseTrainingSources"].description
    assert description.startswith("Labeled by Jane. The labels of 'c1' are in the coordinates of a crop")
    path = tmp_path / "labels.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    assert read_training(path).notes["videos"] == {key: {"crop": crop} for key, crop in CROPS.items()}


def test_the_default_description_says_each_crop_once():
    training = _cropped_labels()
    nwbfile = mock_NWBFile()
    write_pose_training(nwbfile, training, metadata=default_training_metadata(training))
    description = nwbfile.processing["behavior"]["PoseTrainingSources"].description
    assert description.count("The labels of 'c1' are") == description.count("The labels of 'c10' are") == 1
