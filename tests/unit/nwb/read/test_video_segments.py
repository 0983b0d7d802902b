"""Poses of one file of a video in several files (one camera recorded in segments) read as that file's poses.

neuroconv's ``ExternalVideoInterface(file_paths=[part1, part2])`` writes one ``ImageSeries`` of both files, with
``starting_frame`` [0, n1]; the poses of part2 link it. They were read as poses of an image sequence of two images
(the first file named as theirs) and numbered by the whole video's frames (part2's frame 0 read as frame n1).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
from pynwb import NWBHDF5IO, NWBFile
from pynwb.image import ImageSeries

from poseconv import read_nwb
from poseconv.exporters.deeplabcut import to_deeplabcut_dataframe
from poseconv.exporters.sleap import to_sleap_labels
from poseconv.nwb.read.video_facts import image_sequence

NODES = ["snout", "tail"]
# Each file holds 10 frames at 30 fps.
PER_FILE, RATE = 10, 30.0
# The second file's frames 2..9, each pose's x its frame in that file.
ROWS = np.arange(2, 10)


def _nwb(path, video_timing, pose_times, description=None, files=("rec/part1.mp4", "rec/part2.mp4")):
    """Write a video of two files (``video_timing``) and the poses of ROWS at ``pose_times``, as another tool would."""
    nwbfile = NWBFile(session_description="s", identifier="i", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    video = ImageSeries(
        name="Video part1",
        external_file=list(files),
        starting_frame=[0, PER_FILE],
        format="external",
        **video_timing,
    )
    nwbfile.add_acquisition(video)
    module = nwbfile.create_processing_module("behavior", "b")
    skeleton = Skeleton(name="sk", nodes=NODES, edges=np.array([[0, 1]], dtype="uint8"))
    module.add(Skeletons(skeletons=[skeleton]))
    data = np.stack([ROWS, ROWS + 0.5], axis=1).astype("float64")
    series = [
        PoseEstimationSeries(
            name=node,
            description=node,
            data=data,
            reference_frame="top left",
            confidence=np.ones(len(data)),
            timestamps=pose_times,
        )
        for node in NODES
    ]
    module.add(
        PoseEstimation(
            name="PoseEstimation",
            pose_estimation_series=series,
            skeleton=skeleton,
            source_software="DeepLabCut",
            source_video=video,
            **({"description": description} if description else {}),
        )
    )
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    return path


# The whole video's timing: one rate (files one after the other), or times with the second file at 100 s.
ONE_RATE = {"rate": RATE, "starting_time": 0.0, "num_samples": 2 * PER_FILE}
SECOND_AT_100 = {"timestamps": np.concatenate([np.arange(PER_FILE), 3000 + np.arange(PER_FILE)]) / RATE}


@pytest.mark.parametrize(
    ("video_timing", "pose_times"),
    [(ONE_RATE, (PER_FILE + ROWS) / RATE), (SECOND_AT_100, 100.0 + ROWS / RATE)],
    ids=["rate", "timestamps"],
)
def test_the_poses_of_the_second_file_are_its_own_frames(tmp_path, video_timing, pose_times):
    [pose] = read_nwb(_nwb(tmp_path / "s.nwb", video_timing, pose_times))
    [info] = pose.videos.values()
    assert info.original_path == "rec/part2.mp4"
    assert info.image_files is None
    [track] = pose.tracks
    assert track.n_frames == ROWS[-1] + 1
    np.testing.assert_array_equal(track.positions[ROWS, 0, 0], ROWS)
    assert np.isnan(track.positions[: ROWS[0]]).all()
    assert [frame.frame_idx for frame in to_sleap_labels(pose).labeled_frames] == list(ROWS)
    assert list(to_deeplabcut_dataframe(pose).dropna(how="all").index) == list(ROWS)
    timing = pose.timing[info.key]
    np.testing.assert_allclose(timing.times(track.n_frames)[ROWS], pose_times)


def test_the_file_the_description_names_is_the_poses_even_at_other_times(tmp_path):
    # poseconv's description names the poses' video; their times were left on their own clock (the writer warned).
    description = "Poses of 'mouse' estimated with DeepLabCut (scorer s) on video 'part2', read from part2.h5."
    path = _nwb(tmp_path / "s.nwb", SECOND_AT_100, ROWS / RATE, description=description)
    with pytest.warns(match="not all frame times"):
        [pose] = read_nwb(path)
    assert [info.original_path for info in pose.videos.values()] == ["rec/part2.mp4"]


def test_poses_at_no_file_s_times_keep_the_video_s_first_file(tmp_path):
    with pytest.warns(match="not all frame times"):
        [pose] = read_nwb(_nwb(tmp_path / "s.nwb", SECOND_AT_100, 50.0 + ROWS / RATE))
    [info] = pose.videos.values()
    assert (info.original_path, info.image_files) == ("rec/part1.mp4", None)


def test_several_images_are_still_an_image_sequence(tmp_path):
    (tmp_path / "a.png").touch()
    (tmp_path / "b.png").touch()
    assert image_sequence(["a.png", "b.png"], tmp_path) == (tmp_path / "a.png", tmp_path / "b.png")
    assert image_sequence(["a.mp4", "b.mp4"], tmp_path) is None
