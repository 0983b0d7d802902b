"""movement export: the values movement has no variable for are data variables beside position and confidence."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from poseconv.exporters.movement import to_movement_dataset
from poseconv.model import ExtraCoords
from poseconv.readers.sleap import read_sleap
from poseconv.testing.mock import mock_pose_data
from tests.fixtures.movement import plural_dims
from tests.fixtures.sleap import generated_edge_cases  # noqa: F401 (a fixture)

pytest.importorskip("movement")

N_FRAMES = 6


def _ensemble_pose():
    """Two animals of three nodes: EKS's ens_var (x, y) on every node, zscore on node2 only (a subset run)."""
    pose = mock_pose_data(n_individuals=2, n_frames=N_FRAMES)
    rng = np.random.default_rng(1)
    tracks = []
    for track in pose.tracks:
        extra = (
            ExtraCoords("ens_var", ("x_ens_var", "y_ens_var"), rng.random((N_FRAMES, 3, 2)), "variance", "pixels^2"),
            ExtraCoords("zscore", ("zscore",), rng.random((N_FRAMES, 1, 1)), "z-score", nodes=("node2",)),
        )
        tracks.append(dataclasses.replace(track, extra_coords=extra))
    return dataclasses.replace(pose, tracks=tracks)


@pytest.fixture(scope="module")
def ensemble():
    pose = _ensemble_pose()
    return pose, plural_dims(to_movement_dataset(pose))


def test_extra_columns_are_variables_on_movement_s_dimensions(ensemble):
    # Before, the dataset held position and confidence only: the ensemble's columns were dropped unsaid.
    pose, ds = ensemble
    assert ds.ens_var.dims == ("time", "space", "keypoints", "individuals")
    assert ds.zscore.dims == ("time", "keypoints", "individuals")
    assert ds.ens_var.attrs == {"description": "variance", "units": "pixels^2"}
    for i, track in enumerate(pose.tracks):
        ens_var, zscore = track.extra_coords
        one = ds.isel(individuals=i)
        np.testing.assert_array_equal(one.ens_var.values, ens_var.values.transpose(0, 2, 1))
        np.testing.assert_array_equal(one.zscore.sel(keypoints="node2").values, zscore.values[:, 0, 0])
    assert np.isnan(ds.zscore.sel(keypoints=["node0", "node1"])).all()


def test_the_saved_dataset_is_one_movement_reads_and_writes(ensemble, tmp_path):
    import xarray as xr
    from movement.io import save_poses
    from movement.validators.datasets import ValidPosesInputs

    _, ds = ensemble
    ds.attrs = {k: v for k, v in ds.attrs.items() if v is not None}
    ds.to_netcdf(tmp_path / "poses.nc")
    with xr.open_dataset(tmp_path / "poses.nc") as back:
        ValidPosesInputs.validate(back)  # as movement's napari widget loads a .nc
        np.testing.assert_array_equal(back.ens_var.values, ds.ens_var.values)
        save_poses.to_dlc_file(back, tmp_path / "poses.h5")  # the extra variables are left to the user


def test_a_name_the_dataset_has_is_kept_apart():
    pose = mock_pose_data(n_frames=N_FRAMES)
    clash = ExtraCoords("position", ("position",), np.ones((N_FRAMES, 3, 1)))
    pose = dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], extra_coords=(clash,))])
    ds = to_movement_dataset(pose)
    assert (ds.extra_position.values == 1).all() and ds.position.ndim == 4


def test_sleap_scores_user_flags_and_replaced_predictions_are_variables(generated_edge_cases):  # noqa: F811
    # Before, instance and tracking scores, user flags and the replaced predictions were dropped unsaid.
    pose = read_sleap(generated_edge_cases.path)
    ds = plural_dims(to_movement_dataset(pose))
    assert set(ds.data_vars) >= {"instance_score", "tracking_score", "user_labeled", "replaced_position"}
    assert ds.user_labeled.dims == ("time", "individuals") and ds.user_labeled.dtype == bool
    for track in pose.tracks:
        one = ds.sel(individuals=track.name)
        np.testing.assert_array_equal(one.instance_score.values, track.instance_scores)
        np.testing.assert_array_equal(one.tracking_score.values, track.tracking_scores)
        np.testing.assert_array_equal(one.user_labeled.values, track.user_labeled)
    assert pose.tracks[0].name == "A" and pose.tracks[0].replaced_predictions is not None
    replaced = ds.sel(individuals="A", time=ds.time[4])
    prediction = generated_edge_cases.expected["instances"][("A", 4)]["predicted"]
    np.testing.assert_allclose(replaced.replaced_position.values.T, prediction.numpy())
    assert replaced.replaced_instance_score == pytest.approx(prediction.score)
    assert bool(replaced.user_labeled) and np.isnan(ds.replaced_position.sel(individuals="B")).all()


def test_identities_are_names_and_scores(tmp_path):
    # Before, the SLEAP Identity of each instance (sleap-io re-identification) and its score were dropped.
    import xarray as xr

    pose = mock_pose_data(n_frames=3, source_software="SLEAP")
    identified = dataclasses.replace(
        pose.tracks[0],
        identities=np.array([1, -1, 0], dtype="int32"),
        identity_scores=np.array([0.5, np.nan, 0.75]),
        identity_names=("mouseA", "mouseB"),
    )
    ds = to_movement_dataset(dataclasses.replace(pose, tracks=[identified]))
    assert list(ds.identity.values[:, 0]) == ["mouseB", "", "mouseA"]
    np.testing.assert_array_equal(ds.identity_score.values[:, 0], [0.5, np.nan, 0.75])
    ds.attrs = {k: v for k, v in ds.attrs.items() if v is not None}
    ds.to_netcdf(tmp_path / "ids.nc")
    with xr.open_dataset(tmp_path / "ids.nc") as back:
        assert list(back.identity.values[:, 0]) == ["mouseB", "", "mouseA"]
