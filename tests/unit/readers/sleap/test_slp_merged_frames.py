"""A frame listed in two LabeledFrames of a ``.slp`` is read as one frame, as SLEAP merges such entries.

sleap-io's ``Labels.append``/``extend`` save one video frame in two entries (a user instance in one, the
predictions in the other) and SLEAP's loader keeps them apart. Each was read on its own: the user instance
lost, or given the prediction's scores, by the order of the entries, and two untracked animals of one frame
reduced to one without the error one entry gives. Every file here is compared with the same file whose
entries are joined into one ``LabeledFrame`` (read by the array path), value for value.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path

import h5py
import numpy as np
import pytest
import sleap_io as sio

from poseconv import SLEAPPoseInterface
from poseconv.errors import InvalidSourceFileError
from poseconv.readers.sleap import read_sleap, read_sleap_session
from poseconv.readers.sleap.slp import pose_from_labels
from poseconv.readers.sleap.slp_index import SleapIoNeeded, SlpIndex, read_slp_index
from poseconv.readers.sleap.slp_objects import load_labels
from tests.unit.readers.sleap.test_slp_arrays import assert_same

SKELETON = sio.Skeleton(["head", "tail"])
Entries = list[tuple[int, list]]


class _Maker:
    """Instances with distinct random points and scores."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def predicted(self, track=None, xy=None):
        xy = self.rng.uniform(0, 60, (2, 2)) if xy is None else xy
        scores = self.rng.uniform(size=2)
        return sio.PredictedInstance.from_numpy(
            xy, point_scores=scores, score=float(self.rng.uniform()), tracking_score=0.5, skeleton=SKELETON, track=track
        )

    def user(self, track=None, source=None):
        instance = sio.Instance.from_numpy(self.rng.uniform(0, 60, (2, 2)), skeleton=SKELETON, track=track)
        instance.from_predicted = source
        return instance


def _save(path: Path, entries: Entries, tracks=(), session: bool = False) -> Path:
    # One video path for every file, so that the tracks of two files have the same video key.
    video = sio.Video(filename=str(path.parent / "v.mp4"), open_backend=False)
    frames = [sio.LabeledFrame(video=video, frame_idx=frame, instances=list(instances)) for frame, instances in entries]
    sessions = []
    if session:
        from sleap_io.model.camera import Camera, CameraGroup, RecordingSession

        camera = Camera(name="top", size=(64, 48))
        sessions = [RecordingSession(camera_group=CameraGroup(cameras=[camera]))]
        sessions[0].add_video(video, camera)
    labels = sio.Labels(
        labeled_frames=frames, videos=[video], skeletons=[SKELETON], tracks=list(tracks), sessions=sessions
    )
    sio.save_slp(labels, str(path))
    return path


def _joined(entries: Entries) -> Entries:
    """The entries of each frame as one entry, instances in file order."""
    joined: dict[int, list] = {}
    for frame, instances in entries:
        joined.setdefault(frame, []).extend(instances)
    return list(joined.items())


def _pair(tmp_path: Path, entries: Entries, tracks=(), **kwargs) -> tuple[Path, Path]:
    """The file with the frame listed twice, and the same file with its entries joined."""
    split = _save(tmp_path / "split.slp", entries, tracks, **kwargs)
    # Never read by the array path (a session file is read from the objects anyway).
    assert read_slp_index(split) == SleapIoNeeded("a frame listed twice") or kwargs.get("session")
    return split, _save(tmp_path / "joined.slp", _joined(entries), tracks, **kwargs)


def _read(path: Path, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_sleap(path, **kwargs)
    assert not [w for w in caught if "two instances" in str(w.message)]
    return pose


def _assert_read_alike(split: Path, joined: Path, **kwargs) -> None:
    """Every track of the two files equal bit for bit, by read_sleap and by the sleap-io objects."""
    for predicted_only in (False, True):
        want = _read(joined, predicted_only=predicted_only, **kwargs).tracks
        assert_same(_read(split, predicted_only=predicted_only, **kwargs).tracks, want)
        assert_same(pose_from_labels(split, load_labels(split), predicted_only=predicted_only, **kwargs).tracks, want)


def _tracked(make: _Maker, user_first: bool) -> tuple[Entries, list, dict]:
    a, b = sio.Track("a"), sio.Track("b")
    p3, u3 = make.predicted(a), make.user(a)  # the user instance replaced track a's prediction (no link)
    p5 = make.predicted(b)
    u5 = make.user(b, source=p5)  # corrected from track b's prediction
    entries = [(0, [make.predicted(a), make.predicted(b)])]
    for user_entry, predicted_entry in [
        ((3, [u3]), (3, [p3, make.predicted(b)])),
        ((5, [u5]), (5, [make.predicted(a), p5])),
    ]:
        entries += [user_entry, predicted_entry] if user_first else [predicted_entry, user_entry]
    return entries, [a, b], {"a": (3, u3, p3), "b": (5, u5, p5)}


@pytest.mark.parametrize("user_first", [True, False], ids=["user_entry_first", "predictions_first"])
def test_tracked_the_user_instance_wins_across_entries(tmp_path, user_first):
    entries, tracks, corrected = _tracked(_Maker(1), user_first)
    split, joined = _pair(tmp_path, entries, tracks)
    _assert_read_alike(split, joined)
    pose = {track.name: track for track in _read(split).tracks}
    for name, (frame, user, prediction) in corrected.items():
        track = pose[name]
        np.testing.assert_array_equal(np.asarray(track.positions)[frame], user.numpy())
        assert np.isnan(np.asarray(track.confidence)[frame]).all() and np.isnan(
            np.asarray(track.instance_scores)[frame]
        )
        assert np.asarray(track.user_labeled)[frame]
        replaced = track.replaced_predictions
        np.testing.assert_array_equal(np.asarray(replaced.positions)[frame], prediction.numpy())
        np.testing.assert_array_equal(np.asarray(replaced.confidence)[frame], prediction.points["score"])
        assert np.asarray(replaced.instance_scores)[frame] == np.float32(prediction.score)  # saved as float32


@pytest.mark.parametrize("user_first", [True, False], ids=["user_entry_first", "predictions_first"])
def test_untracked_a_corrected_prediction_in_another_entry_is_the_same_animal(tmp_path, user_first):
    make = _Maker(2)
    p2a, p2b = make.predicted(), make.predicted()
    u2 = make.user(source=p2a)
    user_entry, predicted_entry = (2, [u2]), (2, [p2a, p2b])
    entries = [(0, [make.predicted(), make.predicted()])]
    entries += [user_entry, predicted_entry] if user_first else [predicted_entry, user_entry]
    split, joined = _pair(tmp_path, entries)
    # Two animals in frames 0 and 2 (the user instance and the prediction it did not replace): refused alike.
    for path in (split, joined):
        with pytest.raises(InvalidSourceFileError, match=r"2 frame\(s\) of video 'v'.*frames 0, 2"):
            read_sleap(path)
    _assert_read_alike(split, joined, untracked="by_order")
    first, second = _read(split, untracked="by_order").tracks
    np.testing.assert_array_equal(np.asarray(first.positions)[2], u2.numpy())
    np.testing.assert_array_equal(np.asarray(first.replaced_predictions.positions)[2], p2a.numpy())
    np.testing.assert_array_equal(np.asarray(second.positions)[2], p2b.numpy())


@pytest.mark.parametrize("user_first", [True, False], ids=["user_entry_first", "predictions_first"])
def test_untracked_single_animal_user_and_prediction_in_two_entries(tmp_path, user_first):
    make = _Maker(3)
    prediction, user = make.predicted(), make.user()
    user_entry, predicted_entry = (1, [user]), (1, [prediction])
    entries = [(0, [make.predicted()])] + (
        [user_entry, predicted_entry] if user_first else [predicted_entry, user_entry]
    )
    split, joined = _pair(tmp_path, entries)
    _assert_read_alike(split, joined)
    (track,) = _read(split).tracks
    np.testing.assert_array_equal(np.asarray(track.positions)[1], user.numpy())
    np.testing.assert_array_equal(np.asarray(track.replaced_predictions.positions)[1], prediction.numpy())


def test_two_untracked_predictions_in_two_entries_are_two_animals(tmp_path):
    # Each entry held one prediction, so the frame's second animal was dropped without a word.
    make = _Maker(4)
    entries = [(0, [make.predicted()]), (2, [make.predicted()]), (2, [make.predicted()])]
    split, joined = _pair(tmp_path, entries)
    for path in (split, joined):
        with pytest.raises(InvalidSourceFileError, match=r"1 frame\(s\) of video 'v'.*frames 2"):
            read_sleap(path)
    _assert_read_alike(split, joined, untracked="by_order")


@pytest.mark.parametrize("tracked", [True, False], ids=["tracked", "untracked"])
def test_an_instance_repeated_in_a_second_entry_is_dropped_as_sleap_does(tmp_path, tracked):
    # SLEAP's merge drops an instance that matches one already in the frame: the points with coordinates
    # (a NaN node is not compared) and their scores, the type and the track.
    make = _Maker(5)
    track = sio.Track("a") if tracked else None
    xy = np.array([[10.0, 20.0], [np.nan, np.nan]])
    once = make.predicted(track, xy)
    again = sio.PredictedInstance.from_numpy(
        xy.copy(), point_scores=once.points["score"].copy(), score=once.score, skeleton=SKELETON, track=track
    )
    entries = [(0, [make.predicted(track)]), (1, [once]), (1, [again])]
    split = _save(tmp_path / "split.slp", entries, [track] if tracked else [])
    single = _save(tmp_path / "single.slp", entries[:2], [track] if tracked else [])
    assert_same(_read(split).tracks, _read(single).tracks)  # no warning, no second animal


def test_the_session_reader_merges_the_entries_too(tmp_path):
    entries, tracks, _ = _tracked(_Maker(6), user_first=True)
    split, joined = _pair(tmp_path, entries, tracks, session=True)
    views = [read_sleap_session(path).views["top"].tracks for path in (split, joined)]
    assert_same(views[0], views[1])
    assert views[0][0].replaced_predictions is not None


def _nwb_values(path: Path) -> dict[str, np.ndarray]:
    values: dict[str, np.ndarray] = {}
    with h5py.File(path, "r") as handle:

        def keep(name, item):
            if isinstance(item, h5py.Dataset) and item.dtype.kind in "fiub":
                values[name] = item[()]

        handle["processing"].visititems(keep)
    return values


def test_the_interface_writes_what_the_joined_file_gives(tmp_path):
    entries, tracks, _ = _tracked(_Maker(7), user_first=True)
    split, joined = _pair(tmp_path, entries, tracks)
    written = []
    for path in (split, joined):
        interface = SLEAPPoseInterface(file_path=path, sampling_frequency=10.0)
        metadata = interface.get_metadata()
        metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
        output = path.with_suffix(".nwb")
        interface.run_conversion(nwbfile_path=output, metadata=metadata)
        written.append(_nwb_values(output))
    assert written[0].keys() == written[1].keys()
    assert any("replaced_predictions" in name for name in written[0])
    for name, value in written[0].items():
        np.testing.assert_array_equal(value, written[1][name], err_msg=name)
    assert isinstance(read_slp_index(joined), SlpIndex)


def test_entries_of_one_frame_apart_in_the_file_are_merged(tmp_path):
    # Frames 3 and 5 each listed twice, their entries interleaved: the index finds the repeat all the same.
    entries, tracks, corrected = _tracked(_Maker(8), user_first=True)
    first, u3, p3, u5, p5 = entries
    split, joined = _pair(tmp_path, [first, u3, u5, p3, p5], tracks)
    _assert_read_alike(split, joined)
    pose = {track.name: track for track in _read(split).tracks}
    for name, (frame, user, _) in corrected.items():
        np.testing.assert_array_equal(np.asarray(pose[name].positions)[frame], user.numpy())
