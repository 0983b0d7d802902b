"""read_sleap reads .slp files from their tables as arrays exactly as from sleap-io's objects, or says why it cannot."""

from __future__ import annotations

import dataclasses
import shutil
import warnings

import h5py
import numpy as np
import pytest

from poseconv.errors import InvalidOptionError, InvalidSourceFileError
from poseconv.model import frame_tables as lazy
from poseconv.model.frames import is_lazy_array
from poseconv.readers.sleap import read_sleap, slp_index, slp_points, slp_untracked
from poseconv.readers.sleap.slp import pose_from_labels
from poseconv.readers.sleap.slp_index import SleapIoNeeded, SlpIndex, SlpVideoRows, read_slp_index
from poseconv.readers.sleap.slp_objects import load_labels
from poseconv.readers.sleap.slp_points import SlpPointTable, read_point_rows
from tests.fixtures.sleap import (
    SLP_CENTERED_PAIR,
    SLP_CLIP_PREDICTIONS,
    SLP_CLIP_PROOFREAD,
    SLP_COURTSHIP,
    SLP_DANCE,
    SLP_DEMO_FLIES,
    SLP_IMAGE_LIST,
    SLP_LABELS_V002,
    SLP_MIN_SESSION,
    SLP_MIN_SESSION_USER,
    SLP_MINIMAL_PKG,
    SLP_MULTIVIEW_28,
    SLP_PREDICTIONS_V11,
    SLP_PROVENANCE,
    SLP_TYPICAL,
)

# Files the array path reads (all tracked, one instance per kind, track and frame).
FAST = [
    SLP_COURTSHIP,
    SLP_PROVENANCE,
    SLP_DEMO_FLIES,
    SLP_PREDICTIONS_V11,
    SLP_CENTERED_PAIR,
    SLP_CLIP_PREDICTIONS,
    SLP_CLIP_PROOFREAD,  # user instances over predictions
    # Instances without a track (see slp_untracked):
    SLP_DANCE,  # single animal: user instances replaced predictions
    SLP_TYPICAL,  # user instances on tracks and an untracked prediction
    SLP_MINIMAL_PKG,  # two untracked user instances in a frame (refused unless by_order), embedded images
    SLP_IMAGE_LIST,
    SLP_LABELS_V002,  # several untracked animals, user instances corrected from predictions (from_predicted)
]
# Files read from sleap-io's objects, and why (the index decides it from the content).
SESSIONS = "recording sessions (camera and instance groups are sleap-io objects)"
NEEDS_OBJECTS = {
    SLP_MULTIVIEW_28: "datasets the array path does not know: ['session_data']",
    SLP_MIN_SESSION: SESSIONS,
    SLP_MIN_SESSION_USER: SESSIONS,
}
FALLBACK = list(NEEDS_OBJECTS)


def assert_same(a, b, where="pose"):
    """Equal field by field; arrays (lazy ones read whole) bit for bit with the same dtype."""
    a, b = (np.asarray(x) if is_lazy_array(x) else x for x in (a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray), where
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), where
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def _both(path, **kwargs):
    """Return the poses read from sleap-io's objects and by read_sleap (from arrays where the file allows)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pose_from_labels(path, load_labels(path), **kwargs), read_sleap(path, **kwargs)


@pytest.mark.parametrize("path", FAST, ids=lambda p: p.name)
@pytest.mark.parametrize("predicted_only", [False, True])
def test_arrays_equal_the_objects(path, predicted_only):
    assert isinstance(read_slp_index(path, predicted_only=predicted_only), SlpIndex)
    with h5py.File(path, "r") as handle:
        hand_labels_only = not np.any(handle["instances"]["instance_type"] == 1)
    if predicted_only and hand_labels_only:
        # predicted_only leaves nothing of a file of hand labels: both ways refuse alike, saying why.
        with pytest.raises(InvalidOptionError, match="predicted_only=True leaves user instances out") as slow:
            pose_from_labels(path, load_labels(path), predicted_only=True, untracked="by_order")
        with pytest.raises(InvalidOptionError) as fast:
            read_sleap(path, predicted_only=True, untracked="by_order")
        assert str(slow.value) == str(fast.value)
        return
    slow, fast = _both(path, predicted_only=predicted_only, untracked="by_order")
    assert_same(slow, fast)


@pytest.mark.parametrize("path", FAST, ids=lambda p: p.name)
def test_points_are_read_in_blocks_of_frames(path, monkeypatch):
    """Indexed 7 frame rows at a time, read in blocks of 64 frames; small files read each instance's points alone."""
    monkeypatch.setattr(slp_index, "_INDEX_ROWS", 7)
    monkeypatch.setattr(slp_index, "_CHECKPOINT_ROWS", 5)  # blocks find their rows between checkpoints
    monkeypatch.setattr(slp_untracked, "_SCAN_ROWS", 3)  # the single-animal scan, 3 frame rows at a time
    monkeypatch.setattr(lazy, "MIN_BLOCK_FRAMES", 64)
    monkeypatch.setattr(lazy, "MAX_BLOCK_FRAMES", 64)
    if path in (SLP_CLIP_PROOFREAD, SLP_COURTSHIP, SLP_DEMO_FLIES):
        monkeypatch.setattr(slp_points, "_POINT_GAP", -1)
    slow, fast = _both(path, untracked="by_order")
    assert all(is_lazy_array(track.positions) and track.positions.block_frames == 64 for track in fast.tracks)
    assert_same(slow, fast)


def test_point_rows_are_read_as_few_ranges(tmp_path):
    rows = np.zeros(100, dtype=[("x", "f8"), ("y", "f8"), ("visible", "?")])
    rows["x"] = np.arange(100)
    with h5py.File(tmp_path / "points.h5", "w") as handle:
        dataset = handle.create_dataset("points", data=rows)
        # Out of order, overlapping, adjacent and far apart.
        starts = np.array([90, 2, 4, 3, 40])
        ends = starts + 3
        # Rows 2-6, 40-42 and 90-92 are needed; gaps merge ranges with the rows between them.
        for gap, n_read in ((0, 5 + 3 + 3), (32, 5 + 3 + 3), (33, 41 + 3), (100, 91)):
            read, where = read_point_rows(dataset, ("x", "visible"), starts, ends, gap=gap)
            assert read.dtype.names == ("x", "visible")
            assert len(read) == n_read
            for start in starts:
                np.testing.assert_array_equal(
                    read["x"][where(np.array([start]))[0] + np.arange(3)], start + np.arange(3)
                )


@pytest.mark.parametrize("path", FALLBACK, ids=lambda p: p.name)
def test_other_files_are_read_from_objects_and_say_why(path):
    assert read_slp_index(path) == SleapIoNeeded(NEEDS_OBJECTS[path])
    slow, fast = _both(path, untracked="by_order")
    assert_same(slow, fast)
    assert not any(is_lazy_array(track.positions) for track in fast.tracks)


@pytest.mark.parametrize(
    "fixture",
    [
        "generated_edge_cases",
        "generated_two_skeletons",
        "generated_one_track_two_skeletons",
        "generated_two_videos",
        "generated_single_animal_untracked",
    ],
)
def test_generated_edge_cases_are_equal(fixture, request):
    path = request.getfixturevalue(fixture).path
    for predicted_only in (False, True):
        slow, fast = _both(path, predicted_only=predicted_only)
        assert_same(slow, fast)


def test_user_instance_wins_over_the_prediction(generated_edge_cases):
    index = read_slp_index(generated_edge_cases.path)
    assert index.n_videos == 1 and index.last_frame == {0: 5} and index.rows is not None
    table = SlpPointTable(path=generated_edge_cases.path, index=index, video=0, tracks=[(0, 0, 0)], n_frames=6)
    expected = generated_edge_cases.expected["instances"][("A", 4)]["user"].numpy()
    np.testing.assert_array_equal(table.read_frames(4, 5, table.positions_columns(0))[0], expected)
    assert np.isnan(table.read_frames(4, 5, table.confidence_columns(0))).all()
    assert table.read_frames(4, 5, table.per_frame_column(0, "user"))[0] == 1.0
    assert np.isnan(table.read_frames(4, 5, table.per_frame_column(0, "instance_score"))[0])


def test_the_prediction_a_user_instance_replaced_is_kept_beside_the_track(generated_edge_cases):
    made = generated_edge_cases.expected["instances"]
    slow, fast = _both(generated_edge_cases.path)
    assert_same(slow, fast)
    track_a, track_b = fast.tracks
    replaced = track_a.replaced_predictions
    assert is_lazy_array(replaced.positions)  # the array path reads them a block at a time too
    assert (replaced.name, replaced.skeleton, replaced.video) == (track_a.name, track_a.skeleton, track_a.video)
    prediction = made["A", 4]["predicted"]
    np.testing.assert_array_equal(np.asarray(replaced.positions)[4], prediction.numpy())
    np.testing.assert_array_equal(np.asarray(replaced.confidence)[4], prediction.points["score"])
    assert np.asarray(replaced.instance_scores)[4] == np.float32(prediction.score)
    assert np.asarray(replaced.tracking_scores)[4] == np.float32(prediction.tracking_score)
    others = [0, 1, 2, 3, 5]
    assert np.isnan(np.asarray(replaced.positions)[others]).all()
    assert np.isnan(np.asarray(replaced.instance_scores)[others]).all()
    assert replaced.user_labeled is None
    # Track B's user instance of frame 5 replaced nothing; predictions only: nothing is replaced.
    assert track_b.replaced_predictions is None
    assert all(
        t.replaced_predictions is None for t in read_sleap(generated_edge_cases.path, predicted_only=True).tracks
    )


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")
@pytest.mark.parametrize(("path", "kept"), [(SLP_DANCE, 3), (SLP_MIN_SESSION_USER, 42)], ids=["dance", "session"])
def test_every_replaced_prediction_of_the_real_files_is_kept(path, kept):
    # dance: untracked, one animal (the single-animal rule); the session: two tracks in 8 views.
    pose = read_sleap(path)
    frames = [
        int((~np.isnan(np.asarray(t.replaced_predictions.positions)).all(axis=(1, 2))).sum())
        for t in pose.tracks
        if t.replaced_predictions is not None
    ]
    assert sum(frames) == kept


def test_selected_videos_are_honoured(generated_two_videos):
    for indices in ([0], [1], [1, 0]):
        slow, fast = _both(generated_two_videos.path, video_indices=indices)
        assert_same(slow, fast)


def test_frames_listed_out_of_instance_order_are_read_from_objects(tmp_path):
    path = tmp_path / "reordered.slp"
    shutil.copyfile(SLP_CLIP_PREDICTIONS, path)
    with h5py.File(path, "r+") as handle:
        frames = handle["frames"][()]
        handle["frames"][...] = frames[::-1]
    assert read_slp_index(path) == SleapIoNeeded("instance ranges out of frame-row order or shared by two frames")
    slow, fast = _both(path)
    assert_same(slow, fast)


@pytest.mark.parametrize("path", [SLP_CENTERED_PAIR, SLP_CLIP_PROOFREAD], ids=lambda p: p.name)
def test_frames_out_of_frame_order_are_indexed_in_memory(tmp_path, path, monkeypatch):
    """Frame rows (with their instances) in a shuffled order: the index keeps every instance instead."""
    shuffled = tmp_path / "shuffled.slp"
    shutil.copyfile(path, shuffled)
    with h5py.File(shuffled, "r+") as handle:
        frames, instances = handle["frames"][()], handle["instances"][()]
        order = np.random.default_rng(0).permutation(len(frames))
        counts = (frames["instance_id_end"] - frames["instance_id_start"]).astype("int64")[order]
        new_starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        moved = np.concatenate(
            [
                np.arange(a, b, dtype="int64")
                for a, b in zip(frames["instance_id_start"][order], frames["instance_id_end"][order], strict=True)
            ]
        )
        frames = frames[order]
        frames["instance_id_start"], frames["instance_id_end"] = new_starts, new_starts + counts
        instances = instances[moved]
        instances["instance_id"] = np.arange(len(instances))
        handle["frames"][...] = frames
        handle["instances"][...] = instances
    index = read_slp_index(shuffled)
    assert isinstance(index, SlpIndex) and index.rows is None and index.groups is not None
    monkeypatch.setattr(lazy, "MIN_BLOCK_FRAMES", 64)
    monkeypatch.setattr(lazy, "MAX_BLOCK_FRAMES", 64)
    slow, fast = _both(shuffled, untracked="by_order")
    assert_same(slow, fast)
    assert_same(pose_from_labels(path, load_labels(path), untracked="by_order").tracks, fast.tracks, where="tracks")


def test_read_pose_and_the_interface_read_slp_files_with_the_array_path():
    from poseconv import read_pose
    from poseconv.interfaces import SLEAPPoseInterface

    assert all(is_lazy_array(track.positions) for track in read_pose(SLP_CENTERED_PAIR).tracks)
    interface = SLEAPPoseInterface(file_path=SLP_CENTERED_PAIR)
    assert all(is_lazy_array(track.positions) for track in interface.pose.tracks)
    assert SLEAPPoseInterface.get_available_tracks(SLP_CENTERED_PAIR) == read_sleap(SLP_CENTERED_PAIR).track_names()


def test_a_block_finds_its_rows_between_checkpoints(monkeypatch):
    monkeypatch.setattr(slp_index, "_CHECKPOINT_ROWS", 4)
    # Rows 10..21 of the frames table hold frames 3, 5, 6, 8, 20, 21, 22, 30, 31, 40, 50, 51.
    frames = np.array([3, 5, 6, 8, 20, 21, 22, 30, 31, 40, 50, 51])
    rows = SlpVideoRows(first_row=10, stop_row=22, checkpoints=frames[::4], last_frame=51)
    for start, stop in ((0, 100), (0, 4), (6, 21), (9, 20), (22, 41), (41, 50), (52, 60), (0, 3)):
        first, last = rows.rows_for(start, stop)
        wanted = 10 + np.flatnonzero((frames >= start) & (frames < stop))
        assert 10 <= first <= last <= 22
        assert set(wanted) <= set(range(first, last)), (start, stop)
        assert last - first <= len(wanted) + 2 * 4


def test_damaged_tables_are_refused_not_read_another_way(tmp_path):
    """A table the array path cannot parse is an error naming the file, never a quiet second try."""
    path = tmp_path / "damaged.slp"
    shutil.copyfile(SLP_CENTERED_PAIR, path)
    with h5py.File(path, "r+") as handle:
        handle["metadata"].attrs["json"] = "{not json"
    with pytest.raises(InvalidSourceFileError, match="damaged.slp"):
        read_sleap(path)


def test_a_track_s_instances_of_two_skeletons_in_one_frame_are_both_kept(generated_one_track_two_skeletons, recwarn):
    # The track is written as one container per skeleton, so a frame holding both is no repeat.
    path = generated_one_track_two_skeletons.path
    assert isinstance(read_slp_index(path), SlpIndex)
    pose = read_sleap(path)
    assert not [w for w in recwarn if "two instances" in str(w.message)]
    labels = generated_one_track_two_skeletons.expected["labels"]
    by_skeleton = {track.skeleton: track for track in pose.tracks}
    assert sorted(by_skeleton) == ["fly", "mouse"]
    for lf in labels.labeled_frames:
        for inst in lf.instances:
            track = by_skeleton[inst.skeleton.name]
            if type(inst).__name__ == "PredictedInstance" and inst.skeleton.name == "mouse" and lf.frame_idx == 2:
                # The user instance corrected from it wins; the prediction is kept beside it.
                track = track.replaced_predictions
            np.testing.assert_array_equal(np.asarray(track.positions[lf.frame_idx]), inst.numpy())
