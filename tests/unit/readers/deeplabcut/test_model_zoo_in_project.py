"""Model-zoo predictions saved inside a user's DeepLabCut project, whose config.yaml had no part in them.

``deeplabcut.video_inference_superanimal([<project>/videos/mouse1.mp4], "superanimal_topviewmouse")`` writes
``mouse1_superanimal_topviewmouse_<pose model>_<detector>.h5`` beside the video (its default ``dest_folder``),
animals ``animal0, animal1, ...`` (``modelzoo/inference.py``); DeepLabCut 3.0.1's FMPose3D writes
``<video>_DLC_fmpose3d_<model>.h5`` there too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.readers.deeplabcut import read_deeplabcut

SUPERANIMAL = "superanimal_topviewmouse_hrnet_w32_fasterrcnn_resnet50_fpn_v2"
FMPOSE3D = "DLC_fmpose3d_humans"
# The user's own project: other bodyparts than the model zoo's.
PROJECT = {
    "Task": "myproj",
    "scorer": "me",
    "multianimalproject": False,
    "engine": "pytorch",
    "bodyparts": ["snout", "tailbase"],
    "skeleton": [["snout", "tailbase"]],
    "individuals": ["individual_1"],
}


def _in_project(tmp_path, scorer, animals, bodyparts):
    project = tmp_path / "myproj-me-2025-12-03"
    (project / "videos").mkdir(parents=True)
    (project / "config.yaml").write_text(yaml.safe_dump(PROJECT))
    columns = pd.MultiIndex.from_product(
        [[scorer], animals, bodyparts, ["x", "y", "likelihood"]], names=["scorer", "individuals", "bodyparts", "coords"]
    )
    table = pd.DataFrame(np.random.default_rng(0).uniform(0, 1, (6, len(columns))), columns=columns)
    path = project / "videos" / f"mouse1_{scorer}.h5"
    table.to_hdf(path, key="df_with_missing", format="table", mode="w")
    return project, path, table


@pytest.mark.filterwarnings("ignore:.*does not track animals")
@pytest.mark.parametrize(
    ("scorer", "animals", "bodyparts"),
    [
        (SUPERANIMAL, ["animal0", "animal1"], ["nose", "left_ear", "right_ear", "tail_base"]),
        (FMPOSE3D, ["individual1"], ["pelvis", "right_hip", "right_knee"]),
    ],
)
def test_model_zoo_predictions_in_a_project_ignore_its_config_and_say_so(tmp_path, scorer, animals, bodyparts):
    # Before, the project's config.yaml, found one folder up, was checked against the file and refused it
    # ("bodyparts [...] do not match"), and the command line had no way around it.
    project, path, table = _in_project(tmp_path, scorer, animals, bodyparts)
    with pytest.warns(PoseconvWarning, match="config.yaml is ignored: these are predictions of DeepLabCut's model zoo"):
        pose = read_deeplabcut(path)
    assert pose.notes["config_file"] is None
    assert [track.name for track in pose.tracks] == animals
    np.testing.assert_array_equal(
        np.asarray(pose.tracks[0].positions[:])[:, :, 0],
        table.xs(animals[0], axis=1, level="individuals").xs("x", axis=1, level="coords").to_numpy(),
    )
    # A config the user names is still checked against the file.
    with pytest.raises(InvalidSourceFileError, match="do not match"):
        read_deeplabcut(path, config_file_path=project / "config.yaml")


def test_a_project_models_predictions_still_use_the_project_config(tmp_path):
    scorer = "DLC_Resnet50_myprojDec3shuffle1_snapshot_best-200"
    project, path, _ = _in_project(tmp_path, scorer, ["individual_1"], ["snout", "tailbase"])
    pose = read_deeplabcut(path)
    assert pose.notes["config_file"] == str(project / "config.yaml")


def test_deeplabcut_2_3_superanimal_predictions_in_a_project_ignore_its_config(tmp_path):
    # DeepLabCut 2.3's SuperAnimal video inference (TensorFlow, modelzoo/api/superanimal_inference.py) names its
    # scorer after the snapshot alone ("DLC_" + the init_weights' stem); its _meta.pickle's model config names the
    # weights. Before, the project's config was applied and refused the file.
    import pickle

    bodyparts = ["nose", "left_ear", "right_ear", "tail_base"]
    weights = "/home/u/dlc/pretrained/superanimal_topviewmouse_weights/snapshot-200000"
    scorer = "DLC_snapshot-200000"
    project = tmp_path / "myproj-me-2025-12-03"
    (project / "videos").mkdir(parents=True)
    (project / "config.yaml").write_text(yaml.safe_dump(PROJECT))
    columns = pd.MultiIndex.from_product([[scorer], bodyparts, ["x", "y", "likelihood"]])
    columns.names = ["scorer", "bodyparts", "coords"]
    path = project / "videos" / f"mouse1{scorer}.h5"
    index = [f"frame{i}" for i in range(6)]
    pd.DataFrame(np.ones((6, 12)), columns=columns, index=index).to_hdf(path, key="df_with_missing")
    test_config = {"init_weights": weights, "net_type": "dlcrnet_ms5", "all_joints_names": bodyparts}
    meta = {"data": {"Scorer": scorer, "DLC-model-config file": test_config, "nframes": 6, "fps": 30.0}}
    path.with_name(f"mouse1{scorer}_meta.pickle").write_bytes(pickle.dumps(meta))
    with pytest.warns(PoseconvWarning, match="config.yaml is ignored: these are predictions of DeepLabCut's model zoo"):
        pose = read_deeplabcut(path)
    assert pose.notes["config_file"] is None
    assert pose.notes["model"].startswith(
        "Model: DeepLabCut model zoo, SuperAnimal-topviewmouse, TensorFlow engine (network dlcrnet_ms5, training "
        "iterations 200000)."
    )
    # Weights of the user's own (no superanimal_ in their path): the project's config is the one.
    test_config["init_weights"] = str(project / "dlc-models" / "snapshot-200000")
    path.with_name(f"mouse1{scorer}_meta.pickle").write_bytes(pickle.dumps(meta))
    with pytest.raises(InvalidSourceFileError, match="do not match"):
        read_deeplabcut(path)
