"""Lightning Pose multi-view: views whose file names say they are of different sessions are named in a warning."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.readers.lightningpose_multiview import read_lightning_pose_multiview

KEYPOINTS = ("nose", "tail")


def write_view(path, offset=0.0, n_frames=5):
    """One view's predictions as Lightning Pose's PredictionHandler writes them (scorer, bodyparts, coords)."""
    columns = pd.MultiIndex.from_product(
        [["heatmap_multiview_transformer_tracker"], KEYPOINTS, ["x", "y", "likelihood"]],
        names=["scorer", "bodyparts", "coords"],
    )
    values = np.arange(n_frames * len(columns), dtype=float).reshape(n_frames, -1) + offset
    pd.DataFrame(values, columns=columns).to_csv(path)
    return path


def write_session_files(folder, names, view_names=("top", "bot")):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(f"data:\n  view_names: [{', '.join(view_names)}]\n")
    return [write_view(folder / name, offset=i) for i, name in enumerate(names)]


@pytest.mark.parametrize("in_folder", [False, True])
def test_views_of_two_sessions_are_named_in_a_warning(tmp_path, in_folder):
    # sess1_top.csv + sess2_bot.csv were written as one multi-camera session without a word.
    files = write_session_files(tmp_path / "preds", ["sess1_top.csv", "sess2_bot.csv"])
    given = {"file_path": tmp_path / "preds"} if in_folder else {"file_path": files[0], "view_file_paths": files}
    with pytest.warns(PoseconvWarning, match=r"sess1_top\.csv \('top': sess1_<view>\), sess2_bot\.csv .*sessions"):
        session = read_lightning_pose_multiview(**given, find_side_files=True)
    assert list(session.cameras) == ["top", "bot"]


def test_one_session_s_views_raise_no_warning(tmp_path):
    files = write_session_files(tmp_path / "preds", ["mouse1_2024-05-01_top.csv", "mouse1_2024-05-01_bot.csv"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        session = read_lightning_pose_multiview(files[0], view_file_paths=files)
        assert session.notes["view_order"] == "config"
        assert read_lightning_pose_multiview(files[1], view_names=["bot", "top"]).notes["view_order"] == "view_names"
