"""DeepLabCut 3's -1 padding of an undetected animal exported to SLEAP files: no instance, no point.

DeepLabCut 3 writes x = y = likelihood = -1 for an animal it did not detect in a frame. The NWB file
keeps the values as written (and the DeepLabCut export gives them back); SLEAP has no instance there,
and before, every SLEAP writer exported one at (-1, -1) with a score of -1.
"""

from __future__ import annotations

import h5py
import numpy as np
import sleap_io as sio

from poseconv.exporters.sleap import to_sleap_labels, write_slp
from poseconv.exporters.sleap_analysis import write_sleap_analysis
from poseconv.testing.mock import mock_pose_data

PADDED = [0, 3]


def _padded_pose():
    pose = mock_pose_data(n_frames=6, n_individuals=2)
    for track in pose.tracks:
        track.confidence[:] = 0.75
    second = pose.tracks[1]
    second.positions[PADDED] = -1.0
    second.confidence[PADDED] = -1.0
    return pose


def _frames_of(labels, track_name):
    return {
        lf.frame_idx: inst for lf in labels.labeled_frames for inst in lf.instances if inst.track.name == track_name
    }


def test_slp_exports_hold_no_instance_where_deeplabcut_padded(tmp_path):
    pose = _padded_pose()
    name = pose.tracks[1].name
    path = write_slp(pose, tmp_path / "padded.slp")
    for labels in (to_sleap_labels(pose), sio.load_slp(str(path))):
        assert sorted(_frames_of(labels, name)) == [1, 2, 4, 5]
        assert sorted(_frames_of(labels, pose.tracks[0].name)) == list(range(6))
        kept = _frames_of(labels, name)[1]
        np.testing.assert_array_equal(kept.numpy(), pose.tracks[1].positions[1])
    # The track itself keeps the values as written.
    assert (pose.tracks[1].positions[PADDED] == -1).all()


def test_analysis_export_has_nan_and_no_occupancy_where_deeplabcut_padded(tmp_path):
    pose = _padded_pose()
    path = write_sleap_analysis(pose, tmp_path / "padded.analysis.h5")
    with h5py.File(path) as handle:
        occupancy = handle["track_occupancy"][:]  # (frames, tracks)
        tracks = handle["tracks"][:]  # (tracks, 2, nodes, frames)
        scores = handle["point_scores"][:]  # (tracks, nodes, frames)
    assert occupancy[:, 1].tolist() == [0, 1, 1, 0, 1, 1] and occupancy[:, 0].all()
    assert np.isnan(tracks[1][..., PADDED]).all() and np.isnan(scores[1][:, PADDED]).all()
    np.testing.assert_array_equal(tracks[1][..., 2].T, pose.tracks[1].positions[2])
