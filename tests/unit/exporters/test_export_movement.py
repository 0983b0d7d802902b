"""movement export: movement's own dataset, shared keypoints, time."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv import read_deeplabcut, read_sleap
from poseconv.exporters.movement import to_movement_dataset
from poseconv.model import FrameTiming, PoseData, PoseTrack, Skeleton
from poseconv.testing.mock import mock_pose_data
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.movement import plural_dims
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLP_DANCE

pytest.importorskip("movement")


def test_dataset_holds_every_value():
    pose = mock_pose_data(n_individuals=2, n_frames=5, missing_frames=[3])
    ds = plural_dims(to_movement_dataset(pose))
    assert ds.position.dims == ("time", "space", "keypoints", "individuals")
    assert list(ds.individuals.values) == ["animal0", "animal1"]
    assert ds.attrs["fps"] == 30.0 and ds.attrs["source_software"] == "DeepLabCut"
    np.testing.assert_array_equal(
        ds.position.sel(individuals="animal1").values, pose.tracks[1].positions.transpose(0, 2, 1)
    )
    np.testing.assert_array_equal(ds.confidence.sel(individuals="animal0").values, pose.tracks[0].confidence)


def test_keypoints_are_the_union_and_timestamps_give_time():
    base = mock_pose_data(n_frames=3)
    extra = PoseTrack(name="single", skeleton="Unique", video="video", positions=np.ones((3, 1, 2)))
    pose = PoseData.from_tracks(
        source_software="DeepLabCut",
        source_file=base.source_file,
        skeletons=[*base.skeletons.values(), Skeleton(name="Unique", nodes=("corner",))],
        videos=list(base.videos.values()),
        tracks=[*base.tracks, extra],
        timing={"video": FrameTiming(timestamps=[0.0, 0.5, 2.0])},
    )
    ds = plural_dims(to_movement_dataset(pose))
    assert list(ds.keypoints.values) == ["node0", "node1", "node2", "corner"]
    assert np.isnan(ds.position.sel(individuals="single", keypoints="node0")).all()
    assert np.isnan(ds.confidence.sel(individuals="single")).all()
    np.testing.assert_array_equal(ds.time.values, [0.0, 0.5, 2.0])


@needs_shared_data
@pytest.mark.parametrize(
    ("loader", "source", "reader"),
    [("from_dlc_file", SINGLE_ANIMAL_H5, read_deeplabcut), ("from_sleap_file", SLP_DANCE, read_sleap)],
    ids=["dlc-single-animal", "sleap-untracked"],
)
def test_animals_the_source_does_not_name_take_movement_s_names(loader, source, reader):
    # Before, 'individual' and 'untracked' where movement's loaders give 'individual_0' and 'id_0'.
    from movement.io import load_poses

    ours = plural_dims(to_movement_dataset(reader(source)))
    theirs = plural_dims(getattr(load_poses, loader)(source, fps=30))
    assert list(ours.individuals.values) == list(theirs.individuals.values)


def test_saved_dataset_opens_with_its_times_in_seconds(tmp_path):
    # Before, time had attrs units='seconds': xarray.open_dataset (movement's napari loader) decoded it
    # to timedelta64 and movement's velocities were per nanosecond, 1e9 too small.
    import xarray as xr
    from movement.kinematics import compute_velocity

    times = [0.0, 0.5, 2.0]
    pose = mock_pose_data(n_frames=3)
    pose = PoseData.from_tracks(
        source_software="DeepLabCut",
        source_file=pose.source_file,
        skeletons=list(pose.skeletons.values()),
        videos=list(pose.videos.values()),
        tracks=pose.tracks,
        timing={"video": FrameTiming(timestamps=times)},
    )
    ds = to_movement_dataset(pose)
    assert ds.time.attrs == {} and ds.attrs["time_unit"] == "seconds"
    ds.attrs = {k: v for k, v in ds.attrs.items() if v is not None}
    ds.to_netcdf(tmp_path / "poses.nc")
    with xr.open_dataset(tmp_path / "poses.nc") as back:
        assert back.time.dtype == np.float64
        np.testing.assert_array_equal(back.time.values, times)
        np.testing.assert_allclose(compute_velocity(back.position).values, compute_velocity(ds.position).values)


def test_a_signed_url_is_recorded_without_its_query():
    # A presigned URL's signature was written into the dataset's source_file (and so into the saved .nc).
    import dataclasses

    url = "https://bucket.s3.amazonaws.com/a/s.nwb?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abc#part"
    pose = dataclasses.replace(mock_pose_data(), source_file=url)
    assert to_movement_dataset(pose).attrs["source_file"] == "https://bucket.s3.amazonaws.com/a/s.nwb"
