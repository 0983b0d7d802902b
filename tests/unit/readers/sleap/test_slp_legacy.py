"""SLEAP labels of format 1.0 (before ``format_id``): read where SLEAP reads them, by both reading paths."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from poseconv.readers.sleap import read_sleap
from poseconv.readers.sleap.slp import pose_from_labels
from poseconv.readers.sleap.slp_objects import load_labels

sio = pytest.importorskip("sleap_io")

USER = np.array([[10.0, 20.0], [30.0, 40.0]])
PREDICTED = np.array([[11.0, 21.0], [31.0, 41.0]])


def _format_1_0(path, *, format_id: float | None):
    """Write labels in the format-1.0 layout: no ``format_id``, instances without ``tracking_score``.

    The layout of SLEAP's tests/data/hdf5_format_v1/centered_pair_predictions.h5: the format-1.2 file
    sleap-io writes, with the instances' last column (``tracking_score``, added in 1.2) and the
    ``format_id`` attribute (added in 1.1) taken out. ``format_id`` writes one anyway (1.0).
    """
    skeleton = sio.Skeleton(["head", "tail"], name="s")
    track = sio.Track("a")
    video = sio.Video(filename="arena.mp4", open_backend=False)
    frames = [
        sio.LabeledFrame(video=video, frame_idx=0, instances=[sio.Instance.from_numpy(USER, skeleton, track=track)]),
        sio.LabeledFrame(
            video=video,
            frame_idx=1,
            instances=[
                sio.PredictedInstance.from_numpy(
                    PREDICTED, point_scores=[0.9, 0.8], score=0.7, skeleton=skeleton, track=track
                )
            ],
        ),
    ]
    sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[track]).save(str(path))
    with h5py.File(path, "r+") as handle:
        del handle["metadata"].attrs["format_id"]
        if format_id is not None:
            handle["metadata"].attrs["format_id"] = format_id
        instances = handle["instances"][()]
        names = [name for name in instances.dtype.names if name != "tracking_score"]
        del handle["instances"]
        handle.create_dataset("instances", data=instances[names].copy())
    return path


def test_format_1_0_shifts_user_points_only_as_sleap_reads_them(tmp_path):
    # SLEAP 1.0 saved its labels under an .h5 name too.
    path = _format_1_0(tmp_path / "old.slp", format_id=None).rename(tmp_path / "old.h5")
    (track,) = read_sleap(path).tracks
    np.testing.assert_array_equal(track.positions[0], USER - 0.5)
    np.testing.assert_array_equal(track.positions[1], PREDICTED)


def test_format_1_0_read_from_sleap_io_objects_shifts_user_points_only(tmp_path):
    # sleap-io reads a file only with its format_id; its Labels are what recording sessions and repeats are read from.
    path = _format_1_0(tmp_path / "old.slp", format_id=1.0)
    for pose in (read_sleap(path), pose_from_labels(path, load_labels(path))):
        (track,) = pose.tracks
        np.testing.assert_array_equal(track.positions[0], USER - 0.5)
        np.testing.assert_array_equal(track.positions[1], PREDICTED)
