"""SLEAP analysis .h5 files other programs write in SLEAP's layout (built here with their own writers)."""

from __future__ import annotations

import datetime

import h5py
import numpy as np
import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.readers.sleap import read_sleap
from poseconv.readers.sleap.analysis import OTHER_WRITER_3D_FRAME, OTHER_WRITER_3D_NOTE, UNKNOWN_WRITER

load_poses = pytest.importorskip("movement.io.load_poses")
save_poses = pytest.importorskip("movement.io.save_poses")


def _movement_3d(path):
    rng = np.random.default_rng(5)
    position = rng.uniform(0, 100, size=(9, 3, 2, 2))
    confidence = rng.uniform(size=(9, 2, 2))
    position[4, :, :, 1] = confidence[4, :, 1] = np.nan
    dataset = load_poses.from_numpy(
        position_array=position,
        confidence_array=confidence,
        individual_names=["m1", "m2"],
        keypoint_names=["nose", "tail"],
        fps=30,
    )
    # movement/io/save_poses.py to_sleap_analysis_file: tracks = ds.position.data.transpose(3, 1, 2, 0), so
    # (individuals, 3, keypoints, frames) for 3D poses; load_poses.from_sleap_file reads them back as 3D.
    save_poses.to_sleap_analysis_file(dataset, path)
    return dataset


def test_movement_s_3d_poses_in_sleap_s_analysis_layout_are_read_as_3d(tmp_path):
    # Before, refused: "the x/y axis has 3 entries instead of 2".
    path = tmp_path / "poses3d.analysis.h5"
    dataset = _movement_3d(path)
    assert dict(load_poses.from_sleap_file(path).sizes)["space"] == 3
    pose = read_sleap(path)
    assert pose.n_dims == 3 and [t.name for t in pose.tracks] == ["m1", "m2"]
    assert pose.source_software == UNKNOWN_WRITER and pose.notes["model"] == OTHER_WRITER_3D_NOTE
    assert pose.reference_frame == OTHER_WRITER_3D_FRAME and pose.unit == "n.a."
    assert pose.skeletons[pose.tracks[0].skeleton].nodes == ("nose", "tail")
    for track in pose.tracks:
        expected = dataset.position.sel(individuals=track.name).values.transpose(0, 2, 1)
        np.testing.assert_array_equal(track.positions, expected)
        np.testing.assert_array_equal(track.confidence, dataset.confidence.sel(individuals=track.name).values)


def test_movement_s_3d_analysis_file_converts_and_movement_reads_the_nwb_file_back(tmp_path):
    import pynwb

    from poseconv import SLEAPPoseInterface

    path = tmp_path / "poses3d.analysis.h5"
    dataset = _movement_3d(path)
    interface = SLEAPPoseInterface(path, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    nwb = tmp_path / "out.nwb"
    interface.run_conversion(nwbfile_path=nwb, metadata=metadata, overwrite=True)
    with pynwb.NWBHDF5IO(nwb, "r") as io:
        behavior = io.read().processing["behavior"]
        series = behavior["PoseEstimation_m2"].pose_estimation_series["tail"]
        assert series.unit == "n.a." and series.reference_frame == OTHER_WRITER_3D_FRAME
        expected = dataset.position.sel(individuals="m2", keypoints="tail").values
        np.testing.assert_array_equal(series.data[:], expected)
    for animal in ("m1", "m2"):
        back = load_poses.from_nwb_file(nwb, pose_estimation_key=f"PoseEstimation_{animal}")
        np.testing.assert_array_equal(
            back.position.squeeze("individuals").values, dataset.position.sel(individuals=animal).values
        )


def test_a_coordinate_axis_of_four_entries_is_still_refused(tmp_path):
    path = tmp_path / "four.analysis.h5"
    _movement_3d(path)
    with h5py.File(path, "r+") as handle:
        tracks = handle["tracks"][()]
        del handle["tracks"]
        handle["tracks"] = np.concatenate([tracks, tracks[:, :1]], axis=1)
    with pytest.raises(InvalidSourceFileError, match=r"4 entries instead of 2 \(x, y\) or 3 \(x, y, z\)"):
        read_sleap(path)
