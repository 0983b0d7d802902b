"""SLEAP's tracking CLI (``python -m sleap.info.write_tracking_h5``) starts its rows at the first labeled frame."""

from __future__ import annotations

import warnings

import h5py
import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.readers.sleap import read_sleap

sio = pytest.importorskip("sleap_io")

N_ROWS = 5


def _write_tracking_h5(path, *, labels_path="None", first_row_empty=False):
    # As SLEAP's write_tracking_h5 main() writes it: (frames, nodes, 2, tracks) transposed for MATLAB; the CLI
    # passes no labels_path, so SLEAP >= 1.2.4 records str(None), and SLEAP before it no labels_path at all.
    locations = np.arange(N_ROWS * 2 * 2, dtype="float64").reshape(N_ROWS, 2, 2, 1)
    if first_row_empty:
        locations[0] = np.nan
    with h5py.File(path, "w") as handle:
        handle["track_names"] = [b"track_0"]
        handle["node_names"] = [b"head", b"tail"]
        handle["tracks"] = locations.T
        handle["track_occupancy"] = np.isfinite(locations).any(axis=(1, 2)).astype(np.uint8).T
        handle["point_scores"] = np.full((N_ROWS, 2, 1), 0.5).T
        handle["instance_scores"] = np.full((N_ROWS, 1), 0.9).T
        handle["tracking_scores"] = np.full((N_ROWS, 1), 0.8).T
        if labels_path is not None:
            handle["labels_path"] = labels_path
            handle["video_path"] = "vid.mp4"
            handle["video_ind"] = 0
    return locations[:, :, :, 0]


def _write_labels(path, frames):
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename="vid.mp4", open_backend=False)
    labeled = [
        sio.LabeledFrame(video, f, [sio.Instance.from_numpy(np.ones((2, 2)), skeleton=skeleton)]) for f in frames
    ]
    sio.save_slp(sio.Labels(labeled, skeletons=[skeleton], videos=[video]), str(path))


def _read(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_sleap(path)
    return pose, [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]


@pytest.mark.parametrize(
    ("name", "labels_path"),
    [("labels.tracking.h5", "None"), ("renamed.h5", "None"), ("labels.tracking.h5", None)],
)
def test_a_tracking_cli_file_without_its_labels_warns_that_it_may_start_later(tmp_path, name, labels_path):
    # Before, row 0 was read as frame 0 with nothing said, while the CLI's default starts at the first labeled frame.
    expected = _write_tracking_h5(tmp_path / name, labels_path=labels_path)
    pose, said = _read(tmp_path / name)
    (warning,) = [m for m in said if "write_tracking_h5" in m]
    assert "--all-frames" in warning and "--starting-time" in warning and "--timestamps" in warning
    np.testing.assert_array_equal(pose.tracks[0].positions, expected)


@pytest.mark.parametrize(
    ("name", "labels_path", "first_row_empty"),
    [
        ("labels.000_vid.analysis.h5", "/data/labels.slp", False),  # the GUI's export (all frames) names its labels
        ("predictions.analysis.h5", None, False),  # an old GUI export: no labels_path, not the CLI's name
        ("labels.tracking.h5", "None", True),  # row 0 empty: an all-frames export, which starts at frame 0
    ],
)
def test_exports_from_frame_0_are_read_without_a_warning(tmp_path, name, labels_path, first_row_empty):
    _write_tracking_h5(tmp_path / name, labels_path=labels_path, first_row_empty=first_row_empty)
    _, said = _read(tmp_path / name)
    assert not [m for m in said if "write_tracking_h5" in m]


def test_the_labels_file_beside_a_tracking_cli_file_places_its_rows(tmp_path):
    _write_labels(tmp_path / "labels.slp", range(3, 3 + N_ROWS))
    expected = _write_tracking_h5(tmp_path / "labels.tracking.h5")
    pose, said = _read(tmp_path / "labels.tracking.h5")
    assert not [m for m in said if "write_tracking_h5" in m]
    track = pose.tracks[0]
    assert len(track.positions) == 3 + N_ROWS and np.isnan(track.positions[:3]).all()
    np.testing.assert_array_equal(track.positions[3:], expected)
    assert np.isnan(track.confidence[:3]).all() and track.confidence[3, 0] == 0.5
    assert track.instance_scores[3] == pytest.approx(0.9) and np.isnan(track.instance_scores[0])
    assert pose.notes["first_frame"]["frame"] == 3


def test_labels_that_no_longer_span_the_rows_give_no_first_frame(tmp_path):
    # Frames labeled since the export: their first frame may not be the one the rows start at.
    _write_labels(tmp_path / "labels.slp", [1, *range(3, 3 + N_ROWS)])
    _write_tracking_h5(tmp_path / "labels.tracking.h5")
    pose, said = _read(tmp_path / "labels.tracking.h5")
    assert len(pose.tracks[0].positions) == N_ROWS
    assert [m for m in said if "write_tracking_h5" in m]
