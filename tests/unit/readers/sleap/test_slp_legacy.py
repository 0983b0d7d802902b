"""SLEAP labels of format 1.0 (before ``format_id``): read where SLEAP reads them, by both reading paths."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.readers.sleap import read_sleap, read_sleap_labels
from poseconv.readers.sleap.slp import pose_from_labels
from poseconv.readers.sleap.slp_objects import load_labels
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLP_MINIMAL_PKG

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


# Coordinates no shift may round (values below 0.5 lose bits in x - 0.5 + 0.5), so the paths must agree bit for bit.
ODD_USER = np.array([[0.1, 1e-3], [517.3, 0.3333333333333333]])
ODD_PREDICTED = np.array([[0.2, 1e-17], [31.7, 0.49999999999999994]])


def _without_format_id(path, *, tracking_score: bool, repeat: bool = False, format_id: float | None = None):
    """Labels as SLEAP 1.0 saved them: no ``format_id``; with ``tracking_score``, instances as later SLEAPs write them.

    ``repeat`` adds a second prediction of the track to frame 1, which only sleap-io's objects read;
    ``format_id`` writes one anyway (1.0, before SLEAP's shift of coordinates).
    """
    skeleton = sio.Skeleton(["head", "tail"], name="s")
    track = sio.Track("a")
    video = sio.Video(filename="arena.mp4", open_backend=False)

    def predicted(points):
        return sio.PredictedInstance.from_numpy(
            points, point_scores=[0.9, 0.8], score=0.7, skeleton=skeleton, track=track
        )

    frame_1 = [predicted(ODD_PREDICTED + 1.0), predicted(ODD_PREDICTED)] if repeat else [predicted(ODD_PREDICTED)]
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=0,
            instances=[sio.Instance.from_numpy(ODD_USER, skeleton, track=track), predicted(ODD_PREDICTED + 2.0)],
        ),
        sio.LabeledFrame(video=video, frame_idx=1, instances=frame_1),
    ]
    sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[track]).save(str(path))
    with h5py.File(path, "r+") as handle:
        del handle["metadata"].attrs["format_id"]
        if format_id is not None:
            handle["metadata"].attrs["format_id"] = format_id
        if not tracking_score:
            instances = handle["instances"][()]
            names = [name for name in instances.dtype.names if name != "tracking_score"]
            del handle["instances"]
            handle.create_dataset("instances", data=instances[names].copy())
    return path


def _assert_same_tracks(a, b):
    assert [t.name for t in a.tracks] == [t.name for t in b.tracks]
    for x, y in zip(a.tracks, b.tracks, strict=True):
        for field in ("positions", "confidence", "instance_scores", "user_labeled"):
            np.testing.assert_array_equal(getattr(x, field), getattr(y, field), strict=True)
        np.testing.assert_array_equal(x.replaced_predictions.positions, y.replaced_predictions.positions, strict=True)


@pytest.mark.parametrize(("format_id", "tracking_score"), [(None, False), (None, True), (1.0, False), (1.0, True)])
def test_file_before_format_1_1_is_read_by_sleap_io_as_by_the_arrays(tmp_path, format_id, tracking_score):
    # SLEAP 1.0 wrote no format_id; sleap-io refused such a file ("sleap-io cannot read this SLEAP file (KeyError").
    # With format 1.0, sleap-io shifted the predictions too, and shifting them back rounded (1e-17 became 0).
    path = _without_format_id(tmp_path / "old.slp", tracking_score=tracking_score, format_id=format_id)
    arrays = read_sleap(path)
    objects = pose_from_labels(path, load_labels(path))
    _assert_same_tracks(arrays, objects)
    (track,) = objects.tracks
    np.testing.assert_array_equal(track.positions[0], ODD_USER - 0.5)  # user points shifted once, as SLEAP does
    np.testing.assert_array_equal(track.positions[1], ODD_PREDICTED)  # predictions not at all
    np.testing.assert_array_equal(track.replaced_predictions.positions[0], ODD_PREDICTED + 2.0)


def test_file_without_format_id_that_needs_sleap_io_objects_is_read(tmp_path):
    # Two predictions of one track in a frame: read_sleap reads the file from sleap-io's objects.
    path = _without_format_id(tmp_path / "old.slp", tracking_score=False, repeat=True)
    with pytest.warns(PoseconvWarning, match="two instances of the same kind"):
        (track,) = read_sleap(path).tracks
    np.testing.assert_array_equal(track.positions[0], ODD_USER - 0.5)
    np.testing.assert_array_equal(track.positions[1], ODD_PREDICTED)


def test_labels_without_format_id_are_training_data_where_sleap_reads_them(tmp_path):
    path = _without_format_id(tmp_path / "old.slp", tracking_score=False)
    (frame,) = read_sleap_labels(path).frames
    (instance,) = frame.instances
    np.testing.assert_array_equal(instance.points, ODD_USER - 0.5)


def test_file_without_format_id_in_a_read_only_folder_leaves_nothing_behind(tmp_path, monkeypatch):
    import tempfile

    folder = tmp_path / "read_only"
    folder.mkdir()
    path = _without_format_id(folder / "old.slp", tracking_score=False)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder.chmod(0o555)
    try:
        labels = load_labels(path)
    finally:
        folder.chmod(0o755)
    assert len(labels.labeled_frames) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["old.slp"]
    assert list(scratch.iterdir()) == []  # the stand-in sleap-io read is removed
    with h5py.File(path, "r") as handle:
        assert "format_id" not in handle["metadata"].attrs  # the user's file is untouched


@needs_shared_data
def test_package_without_format_id_names_its_own_file_for_its_images(tmp_path):
    # The images of a .pkg.slp are in the file itself: sleap-io names the file it read, which is not the user's.
    path = tmp_path / SLP_MINIMAL_PKG.name
    path.write_bytes(SLP_MINIMAL_PKG.read_bytes())
    with h5py.File(path, "r+") as handle:
        del handle["metadata"].attrs["format_id"]
    (video,) = load_labels(path).videos
    assert video.filename == path.as_posix()
    original, legacy = read_sleap_labels(SLP_MINIMAL_PKG), read_sleap_labels(path)
    assert legacy.videos == original.videos
    assert (
        legacy.notes["videos"]
        == original.notes["videos"]
        == {"centered_pair_low_quality": {"index": 0, "embedded_images": True}}
    )
