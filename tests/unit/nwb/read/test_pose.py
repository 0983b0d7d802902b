"""Reading poses back from NWB files poseconv wrote: names, values, timing, laziness and errors."""

from __future__ import annotations

import dataclasses

import h5py
import numpy as np
import pytest
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

import poseconv
import poseconv.model.frames
from poseconv.errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.model import FrameTiming
from poseconv.nwb.read.pose import open_nwb, read_nwb
from poseconv.nwb.write.pose_estimation import write_pose_estimation
from poseconv.testing.mock import mock_pose_data


def write_nwb(path, pose, *, metadata=None):
    """Write ``pose`` to ``path`` with poseconv's writer and default metadata."""
    nwbfile = mock_NWBFile()
    write_pose_estimation(nwbfile, pose, metadata=metadata or default_pose_metadata(pose))
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def assert_same_tracks(read, written):
    assert read.track_names() == written.track_names()
    for got, expected in zip(read.tracks, written.tracks, strict=True):
        assert read.skeletons[got.skeleton].nodes == written.skeletons[expected.skeleton].nodes
        assert read.skeletons[got.skeleton].edges == written.skeletons[expected.skeleton].edges
        np.testing.assert_array_equal(got.positions, expected.positions)
        if expected.confidence is None:
            assert got.confidence is None
        else:
            np.testing.assert_array_equal(got.confidence, expected.confidence)
            assert got.confidence_definition == expected.confidence_definition


def test_read_nwb_is_exported_lazily():
    assert "read_nwb" in poseconv.__all__ and poseconv.read_nwb is read_nwb


def test_single_animal_round_trip(tmp_path):
    pose = mock_pose_data(n_frames=12, missing_frames=[3, 4])
    [read] = read_nwb(write_nwb(tmp_path / "one.nwb", pose))
    assert read.source_software == "DeepLabCut" and read.scorer == "mock_scorer"
    assert read.unit == "pixels" and read.reference_frame == pose.reference_frame
    assert list(read.videos) == ["video"]
    assert read.timing["video"].rate == 30.0 and read.timing["video"].starting_time == 0.0
    # One animal in one video is written as "PoseEstimation"; its name comes back from the description.
    assert_same_tracks(read, pose)


def test_multi_animal_three_d_without_confidence(tmp_path):
    pose = mock_pose_data(n_individuals=3, n_dims=3, with_confidence=False, missing_frames=[0])
    [read] = read_nwb(write_nwb(tmp_path / "three.nwb", pose))
    assert read.n_dims == 3
    assert_same_tracks(read, pose)


def test_irregular_timestamps_are_kept_exactly(tmp_path):
    pose = mock_pose_data(n_frames=5)
    times = np.array([0.0, 0.033, 0.07, 0.1, 0.2])
    pose = pose.with_timing("video", FrameTiming(timestamps=times, source="test"))
    [read] = read_nwb(write_nwb(tmp_path / "ts.nwb", pose))
    assert read.timing["video"].rate is None
    np.testing.assert_array_equal(read.timing["video"].timestamps, times)


def test_several_videos_come_back_as_videos(tmp_path):
    left = mock_pose_data(n_frames=4, video="left")
    right = mock_pose_data(n_frames=6, video="right", rate=60.0)
    both = dataclasses.replace(
        left,
        videos={**left.videos, **right.videos},
        timing={**left.timing, **right.timing},
        tracks=[*left.tracks, *right.tracks],
    )
    [read] = read_nwb(write_nwb(tmp_path / "two.nwb", both))
    assert sorted(read.videos) == ["left", "right"]
    assert {(t.video, t.name, t.n_frames) for t in read.tracks} == {("left", "animal0", 4), ("right", "animal0", 6)}
    assert read.timing["right"].rate == 60.0


def test_containers_selects_what_is_read(tmp_path):
    path = write_nwb(tmp_path / "multi.nwb", mock_pose_data(n_individuals=3))
    [read] = read_nwb(path, containers=["PoseEstimation_animal2"])
    assert read.track_names() == ["animal2"]
    # One name as a str was read letter by letter: "no PoseEstimation named 'P'".
    [read] = read_nwb(path, containers="PoseEstimation_animal2")
    assert read.track_names() == ["animal2"]
    with open_nwb(path) as nwb:
        assert [p.track_names() for p in nwb.read("PoseEstimation_animal1")] == [["animal1"]]
    with pytest.raises(InvalidOptionError, match=r"no PoseEstimation named 'nope'.*PoseEstimation_animal0"):
        read_nwb(path, containers=["nope"])


def test_open_nwb_describes_without_reading_and_hands_out_datasets(tmp_path):
    pose = mock_pose_data(n_individuals=2, n_frames=7)
    path = write_nwb(tmp_path / "lazy.nwb", pose)
    with open_nwb(path) as nwb:
        info = nwb.containers["PoseEstimation_animal1"]
        assert (info.track, info.video, info.n_frames, info.n_dims) == ("animal1", "video", 7, 2)
        assert info.skeleton.nodes == ("node0", "node1", "node2") and info.has_confidence
        handle = nwb.series("PoseEstimation_animal1", "node2")
        assert isinstance(handle.data, h5py.Dataset) and handle.data.shape == (7, 2)
        np.testing.assert_array_equal(handle.data[2:4], pose.tracks[1].positions[2:4, 2])
        track = nwb.load_track("PoseEstimation_animal1")
        np.testing.assert_array_equal(track.positions, pose.tracks[1].positions)
        with pytest.raises(InvalidOptionError, match="no node 'tail'"):
            nwb.series("PoseEstimation_animal1", "tail")
    # The datasets die with the file; the loaded arrays do not.
    assert not handle.data.id.valid
    assert track.positions.shape == (7, 3, 2)
    # A read after the block was a bare h5py KeyError ('invalid identifier type to function').
    for read_closed in (
        nwb.read,
        lambda: nwb.load_track("PoseEstimation_animal1"),
        lambda: nwb.series("PoseEstimation_animal1", "node2"),
        nwb.sessions,
    ):
        with pytest.raises(InvalidOptionError, match=r"lazy\.nwb: the file is closed.*open it again with open_nwb"):
            read_closed()


def test_file_without_poses_reads_as_empty(tmp_path):
    path = tmp_path / "empty.nwb"
    with NWBHDF5IO(str(path), "w") as io:
        io.write(mock_NWBFile())
    assert read_nwb(path) == []


def test_missing_and_non_nwb_files_are_refused(tmp_path):
    # None or a list of paths failed in pathlib with a bare TypeError.
    for wrong in (None, [tmp_path / "a.nwb"]):
        with pytest.raises(InvalidOptionError, match=r"open_nwb: path must be a path \(str or pathlib.Path\), got"):
            read_nwb(wrong)
    with pytest.raises(InvalidSourceFileError, match="file not found"):
        read_nwb(tmp_path / "absent.nwb")
    text = tmp_path / "text.nwb"
    text.write_text("not hdf5")
    with pytest.raises(InvalidSourceFileError, match="not an HDF5 NWB file"):
        read_nwb(text)
    plain = tmp_path / "plain.nwb"
    with h5py.File(plain, "w") as handle:
        handle["x"] = 1
    with pytest.raises(InvalidSourceFileError, match="not an NWB file"):
        read_nwb(plain)


@pytest.mark.parametrize("n_dims", [2, 3])
def test_lazy_tracks_read_the_same_values_from_the_open_file(tmp_path, n_dims):
    pose = mock_pose_data(n_frames=300, n_individuals=2, n_dims=n_dims, missing_frames=[5, 299])
    path = write_nwb(tmp_path / "lazy.nwb", pose)
    with open_nwb(path) as nwb:
        eager, lazy = nwb.read(), nwb.read(lazy=True)
        for got, expected in zip(lazy[0].tracks, eager[0].tracks, strict=True):
            assert (
                poseconv.model.frames.is_lazy_array(got.positions) and got.positions.shape == expected.positions.shape
            )
            np.testing.assert_array_equal(got.positions[:], expected.positions)
            np.testing.assert_array_equal(got.positions[100:180], expected.positions[100:180])
            np.testing.assert_array_equal(got.positions.select(1)[7:9], expected.positions[7:9, 1])
            np.testing.assert_array_equal(np.asarray(got.confidence), expected.confidence)
            np.testing.assert_array_equal(got.confidence.select(2).read(0, 300), expected.confidence[:, 2])


def _short_confidence_nwb(path, n_scores):
    """One PoseEstimation of two 20-sample series at 30 fps; node a stores ``n_scores`` confidence values."""
    from datetime import UTC, datetime

    from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
    from pynwb import NWBFile

    nwbfile = NWBFile(session_description="s", identifier="i", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    module = nwbfile.create_processing_module("behavior", "b")
    skeleton = Skeleton(name="sk", nodes=["a", "b"])
    module.add(Skeletons(skeletons=[skeleton]))
    scores = {"a": np.linspace(0.1, 0.9, n_scores), "b": np.full(20, 0.5)}
    series = [
        PoseEstimationSeries(
            name=node, data=np.arange(40.0).reshape(20, 2), reference_frame="tl", confidence=scores[node], rate=30.0
        )
        for node in "ab"
    ]
    module.add(PoseEstimation(name="PoseEstimation", pose_estimation_series=series, skeleton=skeleton))
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path, scores["a"]


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("n_scores", [15, 25])
def test_a_confidence_of_another_length_than_the_data_is_read_for_the_samples_it_has(tmp_path, lazy, n_scores):
    # Read whole (read_nwb, export --to dlc / movement), the 15 values were dropped for 20 NaN without a word, while
    # the lazy read (export --to slp) kept them.
    path, scores = _short_confidence_nwb(tmp_path / "conf.nwb", n_scores)
    said = rf"series a stores 20 samples of data but {n_scores} confidence values; the .*first (15|20)"
    with pytest.warns(PoseconvWarning, match=said), open_nwb(path) as nwb:
        [pose] = nwb.read(lazy=lazy)
        confidence = np.asarray(pose.tracks[0].confidence[0:20])
    kept = min(n_scores, 20)
    np.testing.assert_array_equal(confidence[:kept, 0], scores[:kept])
    assert np.isnan(confidence[kept:, 0]).all() and (confidence[:, 1] == 0.5).all()
