"""Lightning Pose multi-view sessions: what the files given or found say, beyond the views' own predictions."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from poseconv import read_lightning_pose_multiview
from poseconv.errors import InvalidSourceFileError
from tests.fixtures.lightningpose import LP_VIEWS, write_eks_multicam, write_lp_multiview_session


def test_a_folder_without_view_names_is_told_the_option_every_command_takes(tmp_path):
    # The message named view_names=[...] in Python and `poseconv convert <view files>`, which inspect and plot
    # (one INPUT) cannot take; -O names the views for every command, here as the files suggest them.
    views = write_lp_multiview_session(tmp_path / "model", with_videos=False)
    folder = tmp_path / "alone"
    folder.mkdir()
    for path in views.values():
        shutil.copy(path, folder / path.name)
    with pytest.raises(InvalidSourceFileError, match=r'-O "view_names=\[bot, top\]" \(convert, inspect') as refused:
        read_lightning_pose_multiview(folder)
    assert str(refused.value).startswith(f"{folder}: no multicam_<view>_results.csv (EKS) here")
    # Named so, the folder reads.
    assert list(read_lightning_pose_multiview(folder, view_names=["bot", "top"]).cameras) == ["bot", "top"]


def test_a_3d_table_given_among_the_views_is_the_session_s_3d_poses_whatever_its_name(tmp_path):
    # `poseconv export --to lp` of an EKS session writes <OUT>_multicam_<view>_results.csv and <OUT>_3D.csv; given
    # back, the 3D file was read as a camera named '3D' and the session refused.
    write_eks_multicam(tmp_path / "eks")
    folder = read_lightning_pose_multiview(tmp_path / "eks")
    exported = tmp_path / "exp"
    exported.mkdir()
    for path in (tmp_path / "eks").glob("*.csv"):
        name = "s_3D.csv" if path.name == "multicam_3d_results.csv" else f"s_{path.name}"
        shutil.copy(path, exported / name)
    given = sorted(exported.glob("*.csv"))
    assert given[0].name == "s_3D.csv"
    data = read_lightning_pose_multiview(given[0], view_file_paths=given)
    assert list(data.cameras) == sorted(LP_VIEWS) == list(folder.cameras)
    assert data.notes["points_3d_file"] == str(exported / "s_3D.csv")
    np.testing.assert_array_equal(data.pose_3d.tracks[0].positions, folder.pose_3d.tracks[0].positions)
    for view in LP_VIEWS:
        np.testing.assert_array_equal(data.views[view].tracks[0].positions, folder.views[view].tracks[0].positions)
    # Their folder: the 3D table is no view the names suggest, nor one to match a view name to.
    with pytest.raises(InvalidSourceFileError, match=r'-O "view_names=\[bot, top\]"'):
        read_lightning_pose_multiview(exported)
    assert list(read_lightning_pose_multiview(exported, view_names=["top", "bot"]).cameras) == ["top", "bot"]
    # Two 3D tables are two sessions' (or one given twice under two names): refused, not one picked.
    shutil.copy(given[0], exported / "s_other_3D.csv")
    with pytest.raises(InvalidSourceFileError, match="several files of 3D poses"):
        read_lightning_pose_multiview(given[0], view_file_paths=sorted(exported.glob("*.csv")))
