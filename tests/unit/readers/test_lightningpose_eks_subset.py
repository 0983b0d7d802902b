"""EKS run on a subset of the keypoints: the poses of every keypoint, its extra columns for the smoothed ones only.

paninski-lab/eks's scripts (v1.0.0 ``multicam_example.py`` / ``singlecam_example.py`` with ``--bodypart-list``, the
README's own example) and v2.x ``eks/utils.py`` ``populate_output_dataframe`` start from a copy of a Lightning Pose
CSV (x, y NaN, likelihood 1.0 for every keypoint) and add ``zscore`` (v2 also ``nll``, ``x_var``, ``y_var``) for the
smoothed keypoints only, after every other column. Such files were refused ("bodyparts have different coordinate
columns"), then converted without those columns; they are kept for the smoothed keypoints, none invented for the
others.
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from poseconv import read_nwb
from poseconv.errors import InvalidSourceFileError
from poseconv.readers import read_pose
from poseconv.readers.lightningpose import read_lightning_pose
from tests.fixtures.lightningpose import EKS_SCORER, LP_CSV, read_lp_csv
from tests.integration.test_cli import START, poseconv

SMOOTHED = ["paw1LH_top", "paw2LF_top", "paw3RF_top", "paw4RH_top"]
#: EKS's --bodypart-list in the user's order, not the file's: its columns are added in this order.
LISTED = ["paw4RH_top", "paw1LH_top", "paw3RF_top", "paw2LF_top"]


def write_eks_subset(path, extra=("zscore",), *, whole=(), n_rows=60):
    """Write EKS output smoothed for :data:`SMOOTHED` only, as EKS's scripts build it with pandas.

    ``extra`` columns are added for the smoothed keypoints only; ``whole`` columns for every keypoint
    (an input that already had them, which EKS's ``make_output_dataframe`` keeps as NaN).
    """
    markers = read_lp_csv(LP_CSV).iloc[:n_rows]
    for coord in whole:
        for keypoint in dict.fromkeys(markers.columns.get_level_values(1)):
            markers[(markers.columns[0][0], keypoint, coord)] = 0.0
    eks = markers.copy()
    eks.columns = eks.columns.set_levels([EKS_SCORER], level=0)
    for column in eks.columns:
        eks[column] = 1.0 if column[-1] == "likelihood" else np.nan
    rng = np.random.default_rng(0)
    for keypoint in LISTED:
        for coord in ("x", "y", *extra):
            eks.loc[:, (EKS_SCORER, keypoint, coord)] = rng.random(len(eks)) * 300
    eks.to_csv(path)
    return path


def assert_poses_of_every_keypoint(pose, path):
    table = read_lp_csv(path)
    keypoints = list(dict.fromkeys(table.columns.get_level_values(1)))
    (track,) = pose.tracks
    assert pose.skeletons[track.skeleton].nodes == tuple(keypoints)
    positions, confidence = np.asarray(track.positions), np.asarray(track.confidence)
    for j, keypoint in enumerate(keypoints):
        for d, axis in enumerate("xy"):
            np.testing.assert_array_equal(positions[:, j, d], table[(EKS_SCORER, keypoint, axis)].to_numpy())
        np.testing.assert_array_equal(confidence[:, j], table[(EKS_SCORER, keypoint, "likelihood")].to_numpy())


def assert_subset_extras(pose, path, extra):
    """The extra columns are those of the smoothed keypoints, in the file's keypoint order, value for value."""
    table = read_lp_csv(path)
    (track,) = pose.tracks
    groups = {group.name: group for group in track.extra_coords}
    expected = {"zscore": ("zscore",), "nll": ("nll",), "var": ("x_var", "y_var")}
    assert {name: group.columns for name, group in groups.items()} == {
        name: columns for name, columns in expected.items() if columns[0] in extra
    }
    for group in groups.values():
        assert group.nodes == tuple(SMOOTHED)
        values = np.asarray(group.values)
        assert values.shape == (len(table), len(SMOOTHED), len(group.columns))
        for j, keypoint in enumerate(SMOOTHED):
            for c, column in enumerate(group.columns):
                np.testing.assert_array_equal(values[:, j, c], table[(EKS_SCORER, keypoint, column)].to_numpy())


@pytest.mark.parametrize(
    "extra", [("zscore",), ("zscore", "nll", "x_var", "y_var")], ids=["eks-v1-zscore", "eks-v2-zscore-nll-var"]
)
def test_eks_on_a_subset_of_keypoints_keeps_its_columns_for_those_keypoints_only(tmp_path, extra):
    path = write_eks_subset(tmp_path / "eks.csv", extra)
    pose = read_pose(path)
    assert pose.source_software == "LightningPose" and pose.scorer == EKS_SCORER
    assert_poses_of_every_keypoint(pose, path)
    assert_subset_extras(pose, path, extra)


def test_a_group_every_keypoint_has_is_kept_beside_a_subset_s(tmp_path):
    path = write_eks_subset(tmp_path / "eks.csv", ("zscore",), whole=("x_ens_var", "y_ens_var"))
    pose = read_lightning_pose(path)
    whole, subset = pose.tracks[0].extra_coords
    assert (whole.name, whole.columns, whole.nodes, np.asarray(whole.values).shape) == (
        "ens_var",
        ("x_ens_var", "y_ens_var"),
        None,
        (60, 17, 2),
    )
    assert (subset.name, subset.nodes) == ("zscore", tuple(SMOOTHED))
    assert_poses_of_every_keypoint(pose, path)


@pytest.mark.parametrize("dropped", ["likelihood", "y"])
def test_pose_columns_missing_for_one_keypoint_are_still_refused(tmp_path, dropped):
    # Extra columns of a subset are read; x, y or likelihood missing for one keypoint is a damaged table.
    path = write_eks_subset(tmp_path / "eks.csv")
    read_lightning_pose(path)
    table = read_lp_csv(path).drop(columns=[(EKS_SCORER, "nose_top", dropped)])
    table.to_csv(path)
    with pytest.raises(InvalidSourceFileError, match="eks.csv: bodyparts have different coordinate columns"):
        read_lightning_pose(path)


def test_an_eks_subset_file_goes_through_nwb_and_back_to_lightning_pose(tmp_path):
    extra = ("zscore", "nll", "x_var", "y_var")
    path = write_eks_subset(tmp_path / "eks.csv", extra)
    output = tmp_path / "eks.nwb"
    result = poseconv("convert", path, "-o", output, "--session-start-time", START, "--fps", "250")
    assert "only some keypoints" not in result.stderr
    with h5py.File(output, "r") as nwb:
        series = set(nwb["processing/behavior/PoseEstimationExtraCoords"])
    assert series == {f"{keypoint}_{group}" for keypoint in SMOOTHED for group in ("zscore", "nll", "var")}
    (pose,) = read_nwb(output)
    assert_poses_of_every_keypoint(pose, path)
    assert_subset_extras(pose, path, extra)
    # Exported back, each column is the source's, and a keypoint EKS did not smooth has none of them.
    back = tmp_path / "back.csv"
    poseconv("export", output, back, "--to", "lp")
    source, exported = read_lp_csv(path), read_lp_csv(back)
    assert set(exported.columns) == set(source.columns)
    for column in source.columns:
        np.testing.assert_array_equal(exported[column].to_numpy(), source[column].to_numpy(), err_msg=str(column))
