"""A Lightning Pose model folder's video: beside the predictions, else in the folders its config names.

Lightning Pose writes ``<model dir>/video_preds/<video>.csv`` and keeps the videos in the config's
``eval.test_videos_directory`` / ``data.video_dir`` (saved unresolved: ``${data.video_dir}``), with
relative paths taken as its ``utils/io.py`` takes them. Before, poseconv looked beside the CSV only and
stopped asking for a frame rate or a video although the config it had read named the folder holding it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from poseconv.errors import PoseconvWarning
from poseconv.readers.lightningpose import read_lightning_pose
from poseconv.readers.lightningpose_videos import config_video_folders
from tests.fixtures.lightningpose import LP_CONFIG, LP_CSV, LP_VIDEO
from tests.fixtures.paths import needs_shared_data

pytestmark = needs_shared_data

MODEL = "outputs/2024-05-01/12-00-00"


def lp_model(root: Path, video_folder: str | None, **data_and_eval: object) -> Path:
    """Write a hydra model folder under ``root`` (the real example config, edited); return its predictions.

    ``video_folder`` (relative to ``root``) receives a copy of the real video; ``data_dir``, ``video_dir``
    and ``test_videos_directory`` replace the config's values when given (None removes them).
    """
    config = yaml.safe_load(LP_CONFIG.read_text())
    for key in ("data_dir", "video_dir"):
        if key in data_and_eval:
            config["data"][key] = data_and_eval[key]
    if "test_videos_directory" in data_and_eval:
        config["eval"]["test_videos_directory"] = data_and_eval["test_videos_directory"]
    model = root / MODEL
    (model / ".hydra").mkdir(parents=True)
    (model / "video_preds").mkdir()
    (model / ".hydra/config.yaml").write_text(yaml.safe_dump(config))
    shutil.copy(LP_CSV, model / "video_preds/test_vid.csv")
    if video_folder is not None:
        (root / video_folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(LP_VIDEO, root / video_folder / "test_vid.mp4")
    return model / "video_preds/test_vid.csv"


def test_video_in_the_config_s_video_dir_is_found(tmp_path):
    # The example config as Lightning Pose saves it: video_dir ${data.data_dir}/videos, test videos ${data.video_dir}.
    data_dir = tmp_path / "data/mirror mouse"
    predictions = lp_model(tmp_path, "data/mirror mouse/videos", data_dir=str(data_dir))
    pose = read_lightning_pose(predictions)
    assert pose.videos["test_vid"].path == data_dir / "videos/test_vid.mp4"
    assert "videos" not in pose.notes
    assert pose.notes["config_file"].endswith(".hydra/config.yaml")
    # Looking is off: no config, no video.
    assert read_lightning_pose(predictions, find_side_files=False).videos["test_vid"].path is None


def test_relative_paths_are_resolved_as_lightning_pose_resolves_them(tmp_path):
    # data_dir from three folders above the model folder (where training ran); video_dir from data_dir.
    predictions = lp_model(tmp_path, "data/mm/clips", data_dir="data/mm", video_dir="clips", test_videos_directory=None)
    assert read_lightning_pose(predictions).videos["test_vid"].path == tmp_path / "data/mm/clips/test_vid.mp4"
    # eval.test_videos_directory from the same folder as data_dir, not from data_dir.
    other = tmp_path / "other"
    predictions = lp_model(other, "to predict", data_dir="data", video_dir="none", test_videos_directory="to predict")
    assert read_lightning_pose(predictions).videos["test_vid"].path == other / "to predict/test_vid.mp4"


def test_a_hydra_multirun_model_resolves_from_above_multirun(tmp_path):
    model = tmp_path / "multirun/2024-05-01/12-00-00/0"
    config = tmp_path / "config.yaml"
    config.write_text("data: {data_dir: data, video_dir: videos}\neval: {test_videos_directory: null}\n")
    (tmp_path / "data/videos").mkdir(parents=True)
    assert config_video_folders(yaml.safe_load(config.read_text()), model / ".hydra/config.yaml") == [
        tmp_path / "data/videos"
    ]


def test_folders_not_here_are_named_and_those_not_resolvable_left_out(tmp_path):
    predictions = lp_model(tmp_path, None, data_dir="/cluster/lab/mirror-mouse")
    pose = read_lightning_pose(predictions)
    assert pose.videos["test_vid"].path is None
    # Where it was looked for, then the config's folder that is not here (named by two keys), for the message
    # asking for the video or a rate.
    not_here = "/cluster/lab/mirror-mouse/videos (eval.test_videos_directory and data.video_dir of the model's config)"
    assert pose.notes["videos"] == {"test_vid": {"looked_in": [str(predictions.parent), not_here]}}
    # Lightning Pose's own resolver (its install folder on the training machine) names no folder here.
    config = yaml.safe_load(LP_CONFIG.read_text())
    assert config["data"]["data_dir"].startswith("${LP_ROOT_PATH:}")
    assert config_video_folders(config, predictions.parents[1] / ".hydra/config.yaml") == []


def test_the_video_beside_the_predictions_wins(tmp_path):
    data_dir = tmp_path / "data"
    predictions = lp_model(tmp_path, "data/videos", data_dir=str(data_dir))
    shutil.copy(LP_VIDEO, predictions.with_suffix(".mp4"))
    assert read_lightning_pose(predictions).videos["test_vid"].path == predictions.with_suffix(".mp4")


def test_a_config_left_out_gives_no_folders(tmp_path):
    # Another model's config (keypoints differ) is not used, nor are its video folders.
    data_dir = tmp_path / "data"
    predictions = lp_model(tmp_path, "data/videos", data_dir=str(data_dir))
    config = predictions.parents[1] / ".hydra/config.yaml"
    values = yaml.safe_load(config.read_text())
    values["data"]["keypoint_names"] = values["data"]["keypoint_names"][::-1]
    config.write_text(yaml.safe_dump(values))
    with pytest.warns(PoseconvWarning, match="the config is not used"):
        assert read_lightning_pose(predictions).videos["test_vid"].path is None
