"""EKS v2's output for keypoints with one-word names: empty ``<keypoint>_`` placeholders, then the smoothed keypoints.

eks ``utils.py`` (v2.1.1) ``make_output_dataframe`` names its bodyparts by splitting the flat columns of its input
(``nose_x``) at ``_``: a one-word keypoint becomes ``nose_`` (x, y NaN, likelihood 1.0), and
``populate_output_dataframe`` appends the smoothed ``nose`` (x, y, zscore, nll, x_var, y_var, no likelihood).
The file was refused ("bodyparts have different coordinate columns"); its smoothed poses are read now, and so are
those of keypoints with names of several words (``ear_l``), which EKS v2 names right and leaves the 1.0 likelihood.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.readers.lightningpose import read_lightning_pose

SCORER = "ensemble-kalman_tracker"
KEYPOINTS = ["nose", "tail"]
SMOOTHED = ["x", "y", "zscore", "nll", "x_var", "y_var"]


def write_eks_v2_output(path, n_rows=12):
    """Write the CSV EKS v2.1.1's singlecam script writes for keypoints ``nose`` and ``tail`` (its writer's steps)."""
    rng = np.random.default_rng(3)
    names = ["scorer", "bodyparts", "coords"]
    # make_output_dataframe: the flat nose_x, nose_y, nose_likelihood, ... split at "_": bodypart "nose_".
    placeholders = pd.MultiIndex.from_product([[SCORER], [f"{k}_" for k in KEYPOINTS], ["x", "y", "likelihood"]])
    output = pd.DataFrame(np.nan, index=range(n_rows), columns=placeholders.set_names(names))
    output.loc[:, output.columns.get_level_values("coords") == "likelihood"] = 1.0
    for keypoint in KEYPOINTS:  # populate_output_dataframe: the smoothed keypoint's columns, appended
        for coord in SMOOTHED:
            output[(SCORER, keypoint, coord)] = rng.uniform(0, 400, n_rows)
    output.to_csv(path)
    return path


def source_values(path, coords):
    """The file's values of ``coords`` per keypoint, read by pandas: (rows, keypoints, coords)."""
    table = pd.read_csv(path, header=[0, 1, 2], index_col=0)
    columns = [[(SCORER, keypoint, coord) for coord in coords] for keypoint in KEYPOINTS]
    return np.stack([table.loc[:, keypoint].to_numpy() for keypoint in columns], axis=1)


def test_the_placeholders_are_left_out_with_a_warning_and_the_smoothed_keypoints_read(tmp_path):
    path = write_eks_v2_output(tmp_path / "singlecam_2.0.csv")
    with pytest.warns(PoseconvWarning, match=r"the bodyparts \['nose_', 'tail_'\] are the empty placeholders EKS v2"):
        pose = read_lightning_pose(path, find_side_files=False)
    (track,) = pose.tracks
    assert list(pose.skeletons[track.skeleton].nodes) == KEYPOINTS
    np.testing.assert_array_equal(np.asarray(track.positions), source_values(path, ["x", "y"]))
    assert track.confidence is None  # EKS v2 wrote no likelihood of the smoothed keypoints
    extras = {extra.name: extra for extra in track.extra_coords}
    assert list(extras) == ["zscore", "nll", "var"]
    for name, columns in (("zscore", ["zscore"]), ("nll", ["nll"]), ("var", ["x_var", "y_var"])):
        assert extras[name].columns == tuple(columns)
        np.testing.assert_array_equal(np.asarray(extras[name].values), source_values(path, columns))


def test_a_placeholder_holding_a_position_is_never_dropped(tmp_path):
    path = write_eks_v2_output(tmp_path / "singlecam_2.0.csv")
    table = pd.read_csv(path, header=[0, 1, 2], index_col=0)
    table.loc[5, (SCORER, "tail_", "y")] = 12.5  # a value the placeholder would lose
    table.to_csv(path)
    with pytest.raises(InvalidSourceFileError, match="bodyparts have different coordinate columns"):
        read_lightning_pose(path, find_side_files=False)


def write_eks_v2_mixed_output(path, keypoints, n_rows=12):
    """Write EKS v2.1.1's singlecam CSV for ``keypoints`` of one and of several words, as its writer builds it.

    ``make_output_dataframe`` splits each flat ``<keypoint>_<coord>`` column of its input at ``_``: ``nose_x`` gives
    the placeholder ``nose_``, ``ear_l_x`` the keypoint ``ear_l`` itself (x, y NaN, likelihood 1.0);
    ``populate_output_dataframe`` then writes x and y of ``ear_l`` in place and appends its other columns, and
    appends every column of the smoothed ``nose`` (no likelihood), so ``ear_l`` keeps the 1.0 likelihood.
    """
    rng = np.random.default_rng(5)
    flat = [f"{keypoint}_{coord}" for keypoint in keypoints for coord in ("x", "y", "likelihood")]
    split = [(SCORER, f"{name.split('_')[0]}_{'_'.join(name.split('_')[1:-1])}", name.split("_")[-1]) for name in flat]
    output = pd.DataFrame(np.nan, index=range(n_rows), columns=pd.MultiIndex.from_tuples(split))
    output.columns = output.columns.set_names(["scorer", "bodyparts", "coords"])
    output.loc[:, output.columns.get_level_values("coords") == "likelihood"] = 1.0
    for keypoint in keypoints:
        for coord in SMOOTHED:
            output.loc[:, (SCORER, keypoint, coord)] = rng.uniform(0, 400, n_rows)
    output.to_csv(path)
    return path


def test_keypoints_of_one_and_of_several_words_are_read_alike_without_the_placeholder_likelihood(tmp_path):
    # The multi-word keypoints kept x, y and the 1.0 likelihood, the one-word ones had no likelihood: the file
    # was refused ("bodyparts have different coordinate columns").
    keypoints = ["nose", "ear_l", "tail_base"]
    path = write_eks_v2_mixed_output(tmp_path / "singlecam_2.0.csv", keypoints)
    with pytest.warns(PoseconvWarning, match=r"The likelihood of \['ear_l', 'tail_base'\] .* is the same placeholder"):
        pose = read_lightning_pose(path, find_side_files=False)
    (track,) = pose.tracks
    # In EKS's input order, though the smoothed nose comes after every placeholder in the file.
    assert list(pose.skeletons[track.skeleton].nodes) == keypoints
    assert track.confidence is None and track.confidence_definition is None
    table = pd.read_csv(path, header=[0, 1, 2], index_col=0)
    expected = np.stack([table.loc[:, [(SCORER, k, "x"), (SCORER, k, "y")]].to_numpy() for k in keypoints], axis=1)
    np.testing.assert_array_equal(np.asarray(track.positions), expected)
    extras = {extra.name: extra for extra in track.extra_coords}
    assert list(extras) == ["zscore", "nll", "var"] and all(extra.nodes is None for extra in extras.values())
    np.testing.assert_array_equal(
        np.asarray(extras["var"].values),
        np.stack([table.loc[:, [(SCORER, k, "x_var"), (SCORER, k, "y_var")]].to_numpy() for k in keypoints], axis=1),
    )


def test_a_likelihood_beside_the_placeholders_that_is_not_the_constant_is_never_dropped(tmp_path):
    path = write_eks_v2_mixed_output(tmp_path / "singlecam_2.0.csv", ["nose", "ear_l"])
    table = pd.read_csv(path, header=[0, 1, 2], index_col=0)
    table.loc[3, (SCORER, "ear_l", "likelihood")] = 0.25  # a value the drop would lose
    table.to_csv(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)  # nor is anything said to be left out
        with pytest.raises(InvalidSourceFileError, match="bodyparts have different coordinate columns"):
            read_lightning_pose(path, find_side_files=False)
