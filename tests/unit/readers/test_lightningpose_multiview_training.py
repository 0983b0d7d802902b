"""``--training`` with the predictions of one view of a Lightning Pose multi-view model.

Its config lists one labels file per view (``data.csv_file: [CollectedData_top.csv, CollectedData_bot.csv]``);
before, the conversion said no labels file was named, neither in the config nor in the model folder.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pynwb import NWBHDF5IO

from poseconv.errors import InvalidOptionError
from poseconv.interfaces import LightningPosePoseInterface
from tests.fixtures.cli import poseconv_in_process

KEYPOINTS = ["paw_l", "paw_r", "nose"]
START = "2024-05-01T10:30:00+02:00"


@pytest.fixture
def model(tmp_path):
    """A multi-view model folder: its config, each view's labels, and the top view's predictions."""
    rng = np.random.default_rng(0)
    (tmp_path / "video_preds").mkdir()
    columns = pd.MultiIndex.from_product(
        [["heatmap_multiview_tracker"], KEYPOINTS, ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    pd.DataFrame(rng.uniform(0, 1, (10, 9)), columns=columns).to_csv(tmp_path / "video_preds/s1_top.csv")
    for view in ("top", "bot"):
        labels = pd.MultiIndex.from_product([["lab"], KEYPOINTS, ["x", "y"]], names=["scorer", "bodyparts", "coords"])
        images = [f"labeled-data/s1_{view}/img00000003.png", f"labeled-data/s1_{view}/img00000009.png"]
        pd.DataFrame(rng.uniform(0, 9, (2, 6)), index=images, columns=labels).to_csv(
            tmp_path / f"CollectedData_{view}.csv"
        )
    (tmp_path / "config.yaml").write_text(
        f"data:\n  data_dir: {tmp_path}\n  view_names: [top, bot]\n  keypoint_names: [{', '.join(KEYPOINTS)}]\n"
        "  csv_file: [CollectedData_top.csv, CollectedData_bot.csv]\nmodel:\n  model_type: heatmap_multiview\n",
        encoding="utf-8",
    )
    return tmp_path


def test_training_with_a_multi_view_config_names_each_views_labels(model):
    with pytest.raises(InvalidOptionError) as raised:
        LightningPosePoseInterface(file_path=model / "video_preds/s1_top.csv", include_training_data=True)
    said = str(raised.value)
    assert "is a multi-view model's config (data.csv_file names one labels file per view: " in said
    assert f"{model / 'CollectedData_top.csv'}, {model / 'CollectedData_bot.csv'}" in said
    assert "labeled_data_path=... (--labeled-data on the command line)" in said
    result = poseconv_in_process(
        "convert", model / "video_preds/s1_top.csv", "--training", "-o", model / "t.nwb", "--fps", 10,
        "--session-start-time", START,
    )  # fmt: skip
    assert result.returncode == 1 and "multi-view model's config" in result.stderr, result.stderr
    assert "no labels file was found" not in result.stderr


def test_the_views_labels_given_are_written(model):
    out = model / "t.nwb"
    result = poseconv_in_process(
        "convert", model / "video_preds/s1_top.csv", "--labeled-data", model / "CollectedData_top.csv", "-o", out,
        "--fps", 10, "--session-start-time", START,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = pd.read_csv(model / "CollectedData_top.csv", header=[0, 1, 2], index_col=0)
    with NWBHDF5IO(out, "r") as io:
        training = io.read().processing["behavior"]["PoseTraining"]
        points = sorted(
            (frame.name, tuple(np.asarray(instance.node_locations).ravel()))
            for frame in training.training_frames.training_frames.values()
            for instance in frame.skeleton_instances.skeleton_instances.values()
        )
    assert [name for name, _ in points] == ["s1_top_img00000003.png", "s1_top_img00000009.png"]
    np.testing.assert_allclose([values for _, values in points], expected.to_numpy())
