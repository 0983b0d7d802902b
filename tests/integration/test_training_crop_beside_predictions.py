"""Labels in a crop's pixels converted beside predictions of the same video keep their crop.

Labels and predictions of one video share its ``ImageSeries``, described as the predictions'
video, with no word of the labels' crop: the labels' own record of it is the training description
(the ``PoseTrainingSources`` table's), which ``read_training`` reads, so ``export --training``
places the labels on the whole video as it does for labels converted alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image

from poseconv.nwb.read.training import read_training
from tests.fixtures.deeplabcut import write_dlc_file
from tests.fixtures.video import write_video
from tests.integration.test_cli import START
from tests.integration.test_cli import poseconv as run

sio = pytest.importorskip("sleap_io")

BODYPARTS = ["nose", "tail"]


def _dlc_project(folder):
    """Write a project whose labels were extracted with crop=True (x 10 to 50, y 5 to 40), and its predictions.

    Returns the label file, the predictions file and the labels ``(frames, 2 nodes, 2)`` in the crop's pixels.
    """
    project = folder / "proj"
    (project / "labeled-data/c1").mkdir(parents=True)
    (project / "videos").mkdir()
    video = write_video(project / "videos/c1.mp4", n_frames=12)
    config = {
        "Task": "labcrop",
        "scorer": "Smith",
        "date": "May1",
        "multianimalproject": False,
        "bodyparts": BODYPARTS,
        "skeleton": [BODYPARTS],
        # DeepLabCut's order: x1, x2, y1, y2.
        "video_sets": {str(video): {"crop": "10, 50, 5, 40"}},
        "project_path": str(project),
        "iteration": 0,
        "TrainingFraction": [0.95],
        "cropping": False,
    }
    (project / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    labels = np.random.default_rng(1).uniform(0, 30, (3, 2, 2))
    index = []
    for frame in (2, 7, 11):
        name = f"img{frame:03d}.png"
        Image.fromarray(np.zeros((35, 40, 3), np.uint8)).save(project / "labeled-data/c1" / name)
        index.append(("labeled-data", "c1", name))
    columns = pd.MultiIndex.from_product([["Smith"], BODYPARTS, ["x", "y"]], names=["scorer", "bodyparts", "coords"])
    table = pd.DataFrame(labels.reshape(3, 4), index=pd.MultiIndex.from_tuples(index), columns=columns)
    label_file = project / "labeled-data/c1/CollectedData_Smith.h5"
    table.to_hdf(label_file, key="df_with_missing", mode="w")
    positions = {part: np.random.default_rng(2).uniform(0, 40, (12, 2)) for part in BODYPARTS}
    predictions = write_dlc_file(
        project / "videos/c1DLC_resnet50_labcropMay1shuffle1_1000.h5",
        positions,
        likelihood={part: np.full(12, 0.9) for part in BODYPARTS},
        scorer="DLC_resnet50_labcropMay1shuffle1_1000",
    )
    return label_file, predictions, labels


def _exported_labels(nwb, out):
    run("export", nwb, "--training", "--to", "slp", "-o", out, "-q")
    labels = sio.load_slp(str(out), open_videos=False)
    return np.stack([frame.user_instances[0].numpy() for frame in sorted(labels, key=lambda f: f.frame_idx)])


@pytest.mark.parametrize("beside", [False, True], ids=["alone", "beside-predictions"])
def test_deeplabcut_labels_of_a_crop_are_placed_on_the_video(tmp_path, beside):
    label_file, predictions, labels = _dlc_project(tmp_path)
    nwb = tmp_path / "out.nwb"
    if beside:
        run("convert", predictions, "--labeled-data", label_file.parents[2], "-o", nwb, "--session-start-time", START)
    else:
        run("convert", label_file, "--source", "dlc-labels", "-o", nwb, "--session-start-time", START)
    assert read_training(nwb).notes["videos"] == {"c1": {"crop": [10, 5, 50, 40]}}
    np.testing.assert_allclose(_exported_labels(nwb, tmp_path / "labels.slp"), labels + [10.0, 5.0])


def test_sleap_user_instances_of_a_virtual_crop_match_the_predictions_export(tmp_path):
    # Predictions and user instances of one crop: the user instance exported with the labels (--training) sits
    # where the same instance exported with the poses does, on the whole video.
    skeleton = sio.Skeleton(["nose", "tail"], name="s")
    video = sio.Video.from_filename(str(write_video(tmp_path / "c1.mp4", n_frames=4))).crop(crop=(10, 5, 50, 40))
    track = sio.Track("A")
    frames = []
    for index in range(4):
        base = np.array([[5.0 + index, 6.0], [7.0, 8.0 + index]])
        instances = [
            sio.PredictedInstance.from_numpy(np.c_[base, [0.9, 0.8]], skeleton=skeleton, score=0.9, track=track)
        ]
        if index in (1, 3):
            instances.insert(0, sio.Instance.from_numpy(base + 0.5, skeleton=skeleton, track=track))
        frames.append(sio.LabeledFrame(video=video, frame_idx=index, instances=instances))
    slp = tmp_path / "ut.slp"
    sio.Labels(frames).save(str(slp))
    nwb = tmp_path / "ut.nwb"
    run("convert", slp, "--training", "-o", nwb, "--session-start-time", START)
    got = _exported_labels(nwb, tmp_path / "labels.slp")
    expected = np.array([[[5.5 + index, 6.5], [7.5, 8.5 + index]] for index in (1, 3)]) + [10.0, 5.0]
    np.testing.assert_allclose(got, expected)
    poses = tmp_path / "poses.slp"
    run("export", nwb, "--to", "slp", "-o", poses, "-q")
    exported = sio.load_slp(str(poses), open_videos=False)
    users = [
        frame.user_instances[0].numpy() for frame in sorted(exported, key=lambda f: f.frame_idx) if frame.user_instances
    ]
    np.testing.assert_allclose(np.stack(users), expected)


@pytest.mark.parametrize("to, out", [("dlc", "tree"), ("dlc", "labels.csv"), ("lp", "labels.csv")])
def test_label_tables_keep_the_crop_s_pixels_and_say_so(tmp_path, to, out):
    # As the pose tables do (--to dlc, lp, movement): the values are the tool's, and the table records no crop.
    label_file, _, labels = _dlc_project(tmp_path)
    nwb = tmp_path / "out.nwb"
    run("convert", label_file, "--source", "dlc-labels", "-o", nwb, "--session-start-time", START)
    result = run("export", nwb, "--training", "--to", to, "-o", tmp_path / out)
    assert f"{out}: the labels of video 'c1' are in the pixels of a crop of it" in result.stderr, result.stderr
    assert "add (10, 5) to place them on the video" in result.stderr
