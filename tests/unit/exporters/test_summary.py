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
            "frame_size": None,
        }
    )
    track = summary["tracks"][0]
    assert track["frames_with_pose"] == 8
    assert track["missing_fraction"] == {"node0": 0.2, "node1": 0.2, "node2": 0.3}
    assert track["confidence"]["node1"] == pytest.approx({"mean": 0.55, "min": 0.55, "median": 0.55, "max": 0.55})


def test_summary_without_rate_or_confidence():
    summary = summarize_pose(mock_pose_data(rate=None, with_confidence=False))
    assert summary["videos"]["video"]["rate"] is None
    assert summary["tracks"][0]["confidence"] is None
