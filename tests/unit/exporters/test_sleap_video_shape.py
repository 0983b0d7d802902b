"""The video an exported ``.slp`` records: its shape, whose frame count keeps the poses' length read back."""

from __future__ import annotations

import dataclasses
import json

import h5py
import numpy as np

from poseconv.exporters.sleap import write_slp
from poseconv.readers.sleap import read_sleap
from poseconv.testing.mock import mock_pose_data


def _short_poses():
    """Poses of the first 5 frames of a 12-frame video of 48 x 64 pixels, the last 2 with no instance."""
    pose = mock_pose_data(n_frames=5, n_individuals=1, source_software="SLEAP")
    for track in pose.tracks:
        track.positions[3:] = np.nan
        if track.confidence is not None:
            track.confidence[3:] = np.nan
    (key,) = pose.videos
    videos = {key: dataclasses.replace(pose.videos[key], n_frames=12, frame_size=(48, 64), path=None)}
    return dataclasses.replace(pose, videos=videos), key


def test_an_exported_slp_records_the_video_shape_and_reads_back_at_the_video_s_length(tmp_path):
    # Before, videos_json held only the rate and the file name: poses of a 12-frame video read back as 3 frames.
    pose, _ = _short_poses()
    path = write_slp(pose, tmp_path / "out.slp")
    with h5py.File(path, "r") as handle:
        backend = json.loads(handle["videos_json"][0])["backend"]
    assert backend["shape"] == [12, 48, 64, 3]
    back = read_sleap(path)
    assert {track.n_frames for track in back.tracks} == {12}
