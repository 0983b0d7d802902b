"""NWB poses of other writers whose times are not rows 0, 1, 2, ... of their video.

* A ``PoseEstimation`` linking a ``source_video`` with its own timing, whose poses start later than
  the video or skip frames: the poses go to the video frames of their times (the exports had
  numbered the rows 0.. as frames).
* A series whose ``data`` and ``timestamps`` differ in length (pynwb < 3 only warned): the shorter
  length is read, with a warning, never padded.
"""

from __future__ import annotations

from datetime import UTC, datetime

import h5py
import numpy as np
import pytest
from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
from pynwb import NWBHDF5IO, NWBFile
from pynwb.image import ImageSeries

from poseconv import open_nwb, read_nwb
from poseconv.errors import PoseconvWarning
from poseconv.exporters.deeplabcut import to_deeplabcut_dataframe
from poseconv.exporters.sleap import to_sleap_labels
from poseconv.validation import check_pose_file

NODES = ["snout", "tail"]
CONTAINER = "processing/behavior/PoseEstimation"


def _nwb(path, data, *, series_timing, video_timing=None):
    """Write one PoseEstimation of ``data`` (frames, nodes, 2), linking a 30 fps video when ``video_timing``."""
    nwbfile = NWBFile(session_description="s", identifier="i", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    video = None
    if video_timing is not None:
        video = ImageSeries(
            name="video_top", external_file=["top.mp4"], format="external", starting_frame=[0], **video_timing
        )
        nwbfile.add_acquisition(video)
    module = nwbfile.create_processing_module("behavior", "b")
    skeleton = Skeleton(name="sk", nodes=NODES, edges=np.array([[0, 1]], dtype="uint8"))
    module.add(Skeletons(skeletons=[skeleton]))
    series = [
        PoseEstimationSeries(
            name=node,
            description=node,
            data=data[:, j],
            reference_frame="top left",
            confidence=np.ones(len(data)),
            **series_timing,
        )
        for j, node in enumerate(NODES)
    ]
    module.add(
        PoseEstimation(
            name="PoseEstimation",
            pose_estimation_series=series,
            skeleton=skeleton,
            source_software="DeepLabCut",
            source_video=video,
        )
    )
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    return path


@pytest.fixture
def truth():
    """Poses of 400 video frames: frame k holds x = k for every node."""
    frames = np.arange(400, dtype="float64")
    return np.stack([np.stack([frames, frames + 0.5], axis=1)] * len(NODES), axis=1)


@pytest.mark.parametrize(
    ("rows", "series_timing"),
    [
        # A DeepLabCut run on a trimmed segment: video frames 300..399, at 10 s.
        (np.arange(300, 400), {"rate": 30.0, "starting_time": 10.0}),
        # Every 2nd video frame, at 15 Hz.
        (np.arange(0, 200, 2), {"rate": 15.0, "starting_time": 0.0}),
        # The same as timestamps.
        (np.arange(300, 400), {"timestamps": np.arange(300, 400) / 30.0}),
    ],
)
def test_poses_go_to_the_frames_of_the_linked_videos_timing(tmp_path, truth, rows, series_timing):
    path = _nwb(
        tmp_path / "segment.nwb",
        truth[rows],
        series_timing=series_timing,
        video_timing={"rate": 30.0, "num_samples": 400},
    )
    [pose] = read_nwb(path)
    [track] = pose.tracks
    assert track.n_frames == rows[-1] + 1
    np.testing.assert_array_equal(track.positions[rows], truth[rows])
    assert np.isnan(np.delete(track.positions, rows, axis=0)).all()
    # SLEAP's frame_idx and DeepLabCut's row are the video's frames.
    labels = to_sleap_labels(pose)
    assert [frame.frame_idx for frame in labels.labeled_frames] == list(rows)
    assert all(frame.instances[0].numpy()[0, 0] == frame.frame_idx for frame in labels.labeled_frames)
    table = to_deeplabcut_dataframe(pose)
    assert list(table.dropna(how="all").index) == list(rows)


def test_poses_on_the_videos_own_times_keep_their_rows(tmp_path, truth):
    # What poseconv writes: the poses at the video's times, from its frame 0.
    path = _nwb(
        tmp_path / "own.nwb", truth[:50], series_timing={"rate": 30.0}, video_timing={"rate": 30.0, "num_samples": 400}
    )
    [pose] = read_nwb(path)
    assert pose.tracks[0].n_frames == 50
    np.testing.assert_array_equal(pose.tracks[0].positions, truth[:50])


def test_poses_whose_times_are_not_the_linked_videos_frames_keep_their_rows_with_a_warning(tmp_path, truth):
    # 60 Hz poses on a 30 fps video: half their times are no frame of it. They were numbered by row silently.
    path = _nwb(
        tmp_path / "fast.nwb",
        truth[:100],
        series_timing={"rate": 60.0},
        video_timing={"rate": 30.0, "num_samples": 400},
    )
    with pytest.warns(PoseconvWarning, match=r"not all frame times of the video .* numbered by its row"):
        [pose] = read_nwb(path)
    np.testing.assert_array_equal(pose.tracks[0].positions, truth[:100])


def test_a_video_time_given_twice_keeps_every_pose(tmp_path, truth):
    # A camera clock that repeats a time (frames 49 and 50 both at 49/30 s): both poses went to frame 49, one lost.
    times = np.arange(100) / 30.0
    times[50] = times[49]
    path = _nwb(
        tmp_path / "repeat.nwb",
        truth[:100],
        series_timing={"timestamps": times},
        video_timing={"timestamps": np.concatenate([times, 100 / 30.0 + np.arange(300) / 30.0])},
    )
    with pytest.warns(PoseconvWarning, match=r"1 pose time\(s\) .* fall on the frame of the time before them"):
        [pose] = read_nwb(path)
    np.testing.assert_array_equal(pose.tracks[0].positions, truth[:100])


def _uneven(tmp_path, n_data, n_times):
    """A series file whose data holds ``n_data`` samples and timestamps ``n_times`` (as pynwb 2 let through)."""
    data = np.arange(max(n_data, n_times) * len(NODES) * 2, dtype="float64").reshape(-1, len(NODES), 2)
    path = _nwb(
        tmp_path / f"uneven_{n_data}_{n_times}.nwb",
        data[:n_times],
        series_timing={"timestamps": np.arange(n_times) / 30.0},
    )
    with h5py.File(path, "a") as handle:
        for j, node in enumerate(NODES):
            group = handle[f"{CONTAINER}/{node}"]
            for key, values in (("data", data[:n_data, j]), ("confidence", np.ones(n_data))):
                attrs = dict(group[key].attrs)
                del group[key]
                group[key] = values
                group[key].attrs.update(attrs)
    return path, data


def test_data_shorter_than_timestamps_is_read_to_its_length_with_a_warning(tmp_path):
    path, data = _uneven(tmp_path, 90, 100)
    with pytest.warns(PoseconvWarning, match=r"series snout, tail store 90 samples of data but 100 timestamps"):
        [pose] = read_nwb(path)
    np.testing.assert_array_equal(pose.tracks[0].positions, data[:90])
    assert len(pose.timing[pose.tracks[0].video].times(90)) == 90


@pytest.mark.parametrize("lazy", [True, False])
def test_data_longer_than_timestamps_is_read_to_the_timestamps_with_a_warning(tmp_path, lazy):
    # Read whole (read_nwb, export --to dlc / movement), numpy refused: "could not broadcast ... (100,2) into (90,2)".
    path, data = _uneven(tmp_path, 100, 90)
    warned = pytest.warns(PoseconvWarning, match=r"100 samples of data but 90 timestamps; the first 90 are read")
    with warned, open_nwb(path) as nwb:
        [pose] = nwb.read(lazy=lazy)
        positions = pose.tracks[0].positions[0:100]
    np.testing.assert_array_equal(positions, data[:90])


def test_validate_reports_data_and_timestamps_of_different_lengths(tmp_path):
    path, _ = _uneven(tmp_path, 100, 90)
    problems = [p for p in check_pose_file(path) if p.check == "poseconv:data_timestamps_length"]
    assert len(problems) == len(NODES)
    assert problems[0].importance == "CRITICAL" and "data has 100 samples but timestamps has 90" in problems[0].message
