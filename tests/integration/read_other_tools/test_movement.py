"""movement's NWB writer, fed by movement's own DeepLabCut loader: one file per individual, confidence kept.

movement names the container ``PoseEstimation`` and the animal in its description ("Estimated
positions of ... for rat 1 using DeepLabCut."), gives every series its own copy of the timestamps
(frames / fps), and names the skeleton after the individual.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from poseconv.nwb.read.pose import read_nwb
from tests.fixtures.deeplabcut import RATS_H5
from tests.fixtures.movement import plural_dims
from tests.fixtures.paths import needs_shared_data

from .checks import assert_values, check_inspect_and_export


def test_movement_nwb_writer_multi_individual(tmp_path):
    pytest.importorskip("movement")
    from movement.io import load_poses, save_poses
    from pynwb import NWBHDF5IO

    # movement's file loader looks for the key 'df_with_missing'; this maDLC file stores '/tracks'.
    loaded = load_poses.from_dlc_style_df(pd.read_hdf(RATS_H5), fps=30, source_software="DeepLabCut")
    dataset = plural_dims(loaded)
    individuals = [str(name) for name in dataset.individuals.values]
    assert len(individuals) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = save_poses.to_nwb_file(loaded)
    assert len(files) == len(individuals)
    for nwbfile, individual in zip(files, individuals, strict=True):
        path = tmp_path / f"{individual}.nwb"
        with NWBHDF5IO(str(path), "w") as io:
            io.write(nwbfile)
        [pose] = read_nwb(path)
        [track] = pose.tracks
        one = dataset.sel(individuals=individual)
        keypoints = tuple(str(k) for k in dataset.keypoints.values)
        assert track.name == individual and pose.source_software == "DeepLabCut"
        assert pose.skeletons[track.skeleton].nodes == keypoints
        assert_values(track.positions, one.position.transpose("time", "keypoints", "space").values)
        assert_values(track.confidence, one.confidence.transpose("time", "keypoints").values)
        assert np.isnan(track.positions).any() and np.isnan(track.confidence).any()
        assert_values(pose.timing[track.video].timestamps, dataset.time.values)
        folder = tmp_path / individual
        folder.mkdir()
        check_inspect_and_export(path, [pose], folder)


@needs_shared_data
def test_movement_3d_confidence_left_out_of_deeplabcut_tables_with_a_warning(tmp_path):
    """3D poses with confidence (movement's writer): DeepLabCut and Lightning Pose tables hold x, y, z, and say so."""
    pytest.importorskip("movement")
    from movement.io import load_poses, save_poses
    from pynwb import NWBHDF5IO

    from poseconv.readers.deeplabcut import read_deeplabcut
    from tests.fixtures.cli import poseconv_in_process
    from tests.fixtures.deeplabcut import DLC

    views = DLC / "3Dtestviews_videos"
    one = read_deeplabcut(views / "vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10.h5", find_side_files=False)
    two = read_deeplabcut(views / "vid1_camera-2DLC_resnet50_TESTNov4shuffle2_10.h5", find_side_files=False)
    # Stand-in 3D points (x, y of camera 1, z from camera 2's x) with camera 1's likelihood as confidence.
    positions = np.concatenate(
        [np.asarray(one.tracks[0].positions), np.asarray(two.tracks[0].positions)[..., :1]], axis=2
    )
    confidence = np.asarray(one.tracks[0].confidence)
    keypoints = list(one.skeletons[one.tracks[0].skeleton].nodes)
    dataset = load_poses.from_numpy(
        positions.transpose(0, 2, 1)[..., None],
        confidence[..., None],
        individual_names=["mouse"],
        keypoint_names=keypoints,
        fps=30,
        source_software="Anipose",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nwbfile = save_poses.to_nwb_file(dataset)
    path = tmp_path / "mouse3d.nwb"
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    [pose] = read_nwb(path)
    assert_values(pose.tracks[0].confidence, confidence)
    for to, name in (("dlc", "back.h5"), ("lp", "back.csv")):
        result = poseconv_in_process("export", path, "--to", to, tmp_path / name)
        assert result.returncode == 0, result.stderr
        assert "no likelihood; the confidence of the 3D poses of ['mouse']" in result.stderr
        back = read_deeplabcut(tmp_path / name, find_side_files=False)
        [track] = back.tracks
        assert back.tracks[0].confidence is None and track.positions.shape[2] == 3
        assert_values(track.positions, positions)


def test_movement_export_of_timestamps_is_in_seconds(tmp_path):
    """neuroconv's DeepLabCut interface with aligned timestamps: the movement time is in seconds, and says so."""
    pytest.importorskip("movement")
    import xarray as xr
    from movement.io import save_poses
    from neuroconv.datainterfaces import DeepLabCutInterface

    from poseconv.exporters.movement import to_movement_dataset
    from tests.fixtures.paths import SHARED_DATA

    from .checks import run_cli

    interface = DeepLabCutInterface(file_path=SHARED_DATA / "movement/data/DLC_sample_poses.h5")
    # A camera clock with one jump (a dropped frame): no constant rate.
    times = 0.5 + np.arange(1085) / 108.5
    times[500:] += 0.013
    interface.set_aligned_timestamps(times)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    path = tmp_path / "wasp.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface.run_conversion(nwbfile_path=path, metadata=metadata)

    dataset = to_movement_dataset(read_nwb(path)[0])
    assert dataset.attrs["time_unit"] == "seconds" and dataset.attrs.get("fps") is None
    np.testing.assert_allclose(dataset.time.values, times, rtol=0, atol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nwbfile = save_poses.to_nwb_file(dataset)
    series = next(iter(nwbfile.processing["behavior"]["PoseEstimation"].pose_estimation_series.values()))
    np.testing.assert_allclose(series.timestamps[:], times, rtol=0, atol=1e-9)
    run_cli("export", path, "--to", "movement", tmp_path / "wasp.nc", "-q")
    with xr.open_dataset(tmp_path / "wasp.nc", decode_timedelta=False) as saved:
        assert saved.attrs["time_unit"] == "seconds"
        np.testing.assert_allclose(saved.time.values, times, rtol=0, atol=1e-9)


def test_movement_software_with_a_space_keeps_the_individual(tmp_path):
    """movement's description ends "using <source_software>."; a software "DeepLabCut 3.0" or a track holding
    " using " still names the individual (the track was read as the default "individual")."""
    pytest.importorskip("movement")
    from movement.io import load_poses, save_poses
    from pynwb import NWBHDF5IO

    rng = np.random.default_rng(7)
    for individual in ("rat_7", "rat using wheel"):
        dataset = load_poses.from_numpy(
            position_array=rng.random((10, 2, 2, 1)) * 100,
            confidence_array=rng.random((10, 2, 1)),
            individual_names=[individual],
            keypoint_names=["a", "b"],
            fps=30,
            source_software="DeepLabCut 3.0",
        )
        path = tmp_path / f"{individual}.nwb"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nwbfile = save_poses.to_nwb_file(dataset)
            with NWBHDF5IO(str(path), "w") as io:
                io.write(nwbfile)
        [pose] = read_nwb(path)
        assert [track.name for track in pose.tracks] == [individual]


def test_the_rate_of_movements_regular_times_is_exported(tmp_path):
    # movement's to_nwb_file stores one time per frame, at 29.97 Hz here: the movement export wrote no fps
    # (movement's own reader gives 29.97) and the .slp no video fps, which could then not be converted back.
    pytest.importorskip("movement")
    import sleap_io as sio
    import xarray as xr
    from movement.io import load_poses, save_poses
    from pynwb import NWBHDF5IO

    from tests.fixtures.cli import poseconv_in_process

    position = np.random.default_rng(0).uniform(0, 100, (30, 2, 2, 1))
    dataset = load_poses.from_numpy(position, np.full((30, 2, 1), 0.9), individual_names=["id_0"], fps=29.97)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nwbfile = save_poses.to_nwb_file(dataset)
    with NWBHDF5IO(str(tmp_path / "mv.nwb"), "w") as io:
        io.write(nwbfile)
    for to, output in (("movement", "out.nc"), ("slp", "out.slp")):
        result = poseconv_in_process("export", tmp_path / "mv.nwb", "--to", to, tmp_path / output, "-q")
        assert result.returncode == 0, result.stderr
    assert xr.open_dataset(tmp_path / "out.nc").attrs["fps"] == pytest.approx(29.97)
    assert sio.load_slp(str(tmp_path / "out.slp")).videos[0].backend_metadata["fps"] == pytest.approx(29.97)
