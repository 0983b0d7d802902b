"""The facts `poseconv inspect` prints."""

from __future__ import annotations

import json

import pytest

from poseconv.exporters.summary import summarize_pose
from poseconv.testing.mock import mock_pose_data


def test_summary_counts_missing_and_confidence():
    pose = mock_pose_data(n_frames=10, n_individuals=2, missing_frames=[0, 1])
    pose.tracks[0].positions[5, 2] = float("nan")
    summary = summarize_pose(pose)
    json.dumps(summary)  # plain data only
    assert summary["videos"]["video"] == pytest.approx(
        {
            "n_frames": 10,
            "rate": 30.0,
            "starting_time": 0.0,
            "timestamps": False,
            "duration": 9 / 30,
            "timing_source": "mock rate",
            "original_path": None,
            "path": None,
            "image_files": None,
            "frame_size": None,
        }
    )
    track = summary["tracks"][0]
    assert track["frames_with_pose"] == 8
    assert track["missing_fraction"] == {"node0": 0.2, "node1": 0.2, "node2": 0.3}
    assert track["confidence"]["node1"] == pytest.approx({"mean": 0.55, "min": 0.55, "median": 0.55, "max": 0.55})


def test_deeplabcut_3_s_no_detection_mark_counts_missing():
    # DeepLabCut 3 pads an animal it did not detect with x = y = likelihood = -1: before, inspect reported such
    # an animal in every frame with a mean confidence of -1.
    pose = mock_pose_data(n_frames=10, n_individuals=2)
    pose.tracks[1].positions[:4] = -1.0
    pose.tracks[1].confidence[:4] = -1.0
    track = summarize_pose(pose)["tracks"][1]
    assert track["frames_with_pose"] == 6
    assert track["missing_fraction"] == {"node0": 0.4, "node1": 0.4, "node2": 0.4}
    assert track["confidence"]["node0"]["min"] >= 0


def test_summary_without_rate_or_confidence():
    summary = summarize_pose(mock_pose_data(rate=None, with_confidence=False))
    assert summary["videos"]["video"]["rate"] is None
    assert summary["tracks"][0]["confidence"] is None


def test_summary_of_a_lazy_track_read_in_blocks_equals_the_in_memory_one(monkeypatch):
    import dataclasses

    import numpy as np

    import poseconv.exporters.summary as summary
    from poseconv.model.frames import ArrayTable, ColumnView

    pose = mock_pose_data(n_frames=1000, n_nodes=3, missing_frames=[0, 500, 999])
    track = pose.tracks[0]
    rng = np.random.default_rng(2)
    track.confidence[rng.random(track.confidence.shape) < 0.3] = np.nan
    expected = summarize_pose(pose)
    values = np.concatenate([track.positions.reshape(1000, -1), track.confidence], axis=1)
    table = ArrayTable(values, block_frames=128)
    lazy = dataclasses.replace(
        track,
        positions=ColumnView(table, np.arange(6).reshape(3, 2)),
        confidence=ColumnView(table, np.arange(6, 9)),
    )
    monkeypatch.setattr(summary, "_BLOCK_FRAMES", 100)
    assert summarize_pose(dataclasses.replace(pose, tracks=[lazy])) == expected


def test_the_summary_records_a_url_without_its_query():
    # inspect --json of a presigned URL: its signature is no part of where the poses came from.
    import dataclasses

    pose = dataclasses.replace(mock_pose_data(), source_file="https://lab.example.org/a.nwb?X-Amz-Signature=abc#x")
    assert summarize_pose(pose)["source_file"] == "https://lab.example.org/a.nwb"


def test_an_image_sequence_lists_its_images(tmp_path):
    # Only path and original_path were copied: the images of an image sequence (path None) went unsaid.
    import dataclasses

    pose = mock_pose_data()
    images = (tmp_path / "img000.png", tmp_path / "img001.png")
    pose.videos["video"] = dataclasses.replace(pose.videos["video"], original_path="img000.png", image_files=images)
    assert summarize_pose(pose)["videos"]["video"]["image_files"] == [str(image) for image in images]


def test_the_tracks_of_one_table_are_counted_in_one_pass_over_it():
    # inspect of a multi-animal DeepLabCut .h5 read the whole table once per individual (28 of 31 s at 100,000
    # frames x 10 animals): each track read every block before the next track began, so blocks were dropped.
    import dataclasses

    import numpy as np

    from poseconv.model.frames import ArrayTable, ColumnView

    class CountingTable(ArrayTable):
        rows_read = 0

        def _read_columns(self, start: int, stop: int) -> np.ndarray:
            CountingTable.rows_read += stop - start
            return super()._read_columns(start, stop)

    pose = mock_pose_data(n_frames=1000, n_individuals=3, n_nodes=2, missing_frames=[3, 700])
    expected = summarize_pose(pose)
    columns = [np.concatenate([t.positions.reshape(1000, -1), t.confidence], axis=1) for t in pose.tracks]
    table = CountingTable(np.concatenate(columns, axis=1), block_frames=128)
    lazy = [
        dataclasses.replace(
            track,
            positions=ColumnView(table, 6 * k + np.arange(4).reshape(2, 2)),
            confidence=ColumnView(table, 6 * k + np.arange(4, 6)),
        )
        for k, track in enumerate(pose.tracks)
    ]
    assert summarize_pose(dataclasses.replace(pose, tracks=lazy)) == expected
    assert CountingTable.rows_read == 1000
