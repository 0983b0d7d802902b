"""The Lightning Pose version a model's config records (``model.lightning_pose_version``) reaches the poses.

Lightning Pose (1.5 and later) records its version when training starts (``train.py``:
``cfg.model.lightning_pose_version = lightning_pose.version``), in the ``config.yaml`` it saves to the model folder,
which the reader already reads for the model type; the version was left out (source_software_version None).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from poseconv import read_lightning_pose_multiview
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.readers.lightningpose import read_lightning_pose

KEYPOINTS = ["nose", "tail"]
VERSION = "2.3.1"


def write_predictions(path, scorer, *, coords=("x", "y", "likelihood"), n_frames=5, seed=0):
    """Write predictions on a video as Lightning Pose's PredictionHandler (``make_dlc_pandas_index``) does."""
    columns = pd.MultiIndex.from_product([[scorer], KEYPOINTS, coords], names=["scorer", "bodyparts", "coords"])
    values = np.random.default_rng(seed).uniform(0, 1, (n_frames, len(columns)))
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(values, columns=columns).to_csv(path)
    return path


def write_config(path, *, version=VERSION, views=None):
    """Write a model config as Lightning Pose's training saves it (``OmegaConf.save`` of the run's config)."""
    model = {"model_type": "heatmap_multiview" if views else "heatmap", "backbone": "resnet50_animal_ap10k"}
    if version is not None:
        model["lightning_pose_version"] = version
    data = {"keypoint_names": KEYPOINTS, **({"view_names": views} if views else {})}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"data": data, "model": model}), encoding="utf-8")
    return path


def test_the_config_s_version_is_the_poses_and_their_container_s(tmp_path):
    model = tmp_path / "outputs" / "2026-01-02" / "12-00-00"
    write_config(model / "config.yaml")
    predictions = write_predictions(model / "video_preds" / "test_vid.csv", "heatmap_tracker")
    pose = read_lightning_pose(predictions)
    assert pose.notes["config_file"] == str(model / "config.yaml")
    assert pose.source_software == "LightningPose" and pose.source_software_version == VERSION
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert container["source_software_version"] == VERSION


def test_a_hydra_run_s_version_is_in_the_config_saved_beside_hydra_s(tmp_path):
    # Hydra writes .hydra/config.yaml before training starts, without the version; train.py saves it with the
    # version to <model dir>/config.yaml, and the reader finds .hydra/config.yaml first.
    model = tmp_path / "model"
    write_config(model / ".hydra" / "config.yaml", version=None)
    write_config(model / "config.yaml")
    predictions = write_predictions(model / "video_preds" / "test_vid.csv", "heatmap_tracker")
    pose = read_lightning_pose(predictions)
    assert pose.notes["config_file"] == str(model / ".hydra" / "config.yaml")
    assert pose.source_software_version == VERSION


def test_no_version_is_given_when_none_is_recorded_or_the_file_is_eks_s(tmp_path):
    predictions = write_predictions(tmp_path / "p.csv", "heatmap_tracker")
    older = write_config(tmp_path / "old.yaml", version=None)  # before Lightning Pose 1.5
    assert (
        read_lightning_pose(predictions, config_file_path=older, find_side_files=False).source_software_version is None
    )
    unknown = write_config(tmp_path / "unknown.yaml", version="unknown")  # Lightning Pose could not find its own
    assert (
        read_lightning_pose(predictions, config_file_path=unknown, find_side_files=False).source_software_version
        is None
    )
    # EKS smoothed the model's predictions: the model's Lightning Pose version is not the file writer's.
    eks = write_predictions(
        tmp_path / "eks.csv", "ensemble-kalman_tracker", coords=("x", "y", "likelihood", "x_ens_median", "y_ens_median")
    )
    config = write_config(tmp_path / "config.yaml")
    assert read_lightning_pose(eks, config_file_path=config, find_side_files=False).source_software_version is None


def test_a_multi_view_session_and_its_views_have_the_version(tmp_path):
    model = tmp_path / "model"
    write_config(model / "config.yaml", views=["top", "bot"])
    for seed, view in enumerate(["top", "bot"]):
        write_predictions(model / "video_preds" / f"sess_{view}.csv", "heatmap_multiview_tracker", seed=seed)
    data = read_lightning_pose_multiview(model / "video_preds" / "sess_top.csv")
    assert list(data.views) == ["top", "bot"]
    assert data.source_software_version == VERSION
    assert all(view.source_software_version == VERSION for view in data.views.values())
