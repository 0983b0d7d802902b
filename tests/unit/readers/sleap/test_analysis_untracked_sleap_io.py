"""sleap-io's analysis export of labels without tracks names its slots ``track_0`` ... ``track_<n-1>``.

Those names were read as tracks: two untracked animals per frame became two PoseEstimation containers,
each said to be one animal, where the .slp itself is refused. The labels file beside the export, holding no
track, tells them from tracks SLEAP's tracker named so. Without it (the analysis file shared alone) they are read
as tracks with a warning, or as untracked instances when ``untracked="by_order"`` is given.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.readers.sleap import read_sleap
from tests.fixtures.sleap import predictions_per_frame

sio = pytest.importorskip("sleap_io")


def _export(folder, tracks):
    """Write predictions of ``tracks`` (None: untracked) on 4 frames, the .slp and its analysis export."""
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename=str(folder / "vid.mp4"), open_backend=False)
    labels = predictions_per_frame(
        video,
        skeleton,
        range(4),
        # Track "track_<k>": 10 * frame + k; untracked instances: 10 * frame.
        lambda t, f: np.full((2, 2), 10.0 * f + (0 if t is None else int(t.name[-1]))),
        point_scores=np.ones(2),
        tracks=tracks,
    )
    slp = folder / "labels.slp"
    sio.save_slp(labels, str(slp))
    h5 = folder / "labels.analysis.h5"
    sio.save_analysis_h5(labels, str(h5), labels_path=str(slp))
    return slp, h5


def _read(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_sleap(path, **options)


def test_two_untracked_animals_per_frame_are_refused_as_the_slp_is(tmp_path):
    slp, h5 = _export(tmp_path, (None, None))
    with pytest.raises(InvalidSourceFileError, match="hold more than one instance without a track"):
        _read(slp)
    with pytest.raises(InvalidSourceFileError, match="hold more than one instance without a track"):
        _read(h5)


def test_by_order_names_the_slots_as_the_slp_does(tmp_path):
    slp, h5 = _export(tmp_path, (None, None))
    names = [t.name for t in _read(h5, untracked="by_order").tracks]
    assert names == [t.name for t in _read(slp, untracked="by_order").tracks] == ["untracked_0", "untracked_1"]
    assert "track_<i>" in _read(h5, untracked="by_order").notes["untracked_slots"]


def test_one_untracked_animal_is_one_untracked_track_as_in_the_slp(tmp_path):
    slp, h5 = _export(tmp_path, (None,))
    assert [t.name for t in _read(h5).tracks] == [t.name for t in _read(slp).tracks] == ["untracked"]


def test_tracks_a_lab_or_sleap_s_tracker_named_track_0_stay_tracks(tmp_path):
    _, h5 = _export(tmp_path, (sio.Track("track_0"), sio.Track("track_1")))
    pose = _read(h5)
    assert [t.name for t in pose.tracks] == ["track_0", "track_1"]
    assert "untracked_slots" not in pose.notes
    np.testing.assert_array_equal(np.asarray(pose.tracks[1].positions)[:, 0, 0], [1.0, 11.0, 21.0, 31.0])


def _warned(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [w for w in caught if "named track_0" in str(w.message)]


def test_without_the_slp_the_slots_are_animals_with_a_warning_at_the_user_s_line(tmp_path):
    slp, h5 = _export(tmp_path, (None, None))
    slp.unlink()  # the analysis file shared alone
    pose, [said] = _warned(lambda: read_sleap(h5))
    assert [t.name for t in pose.tracks] == ["track_0", "track_1"]
    assert said.category is PoseconvWarning and said.filename == __file__
    assert "untracked='by_order'" in str(said.message) and "labels.slp" in str(said.message)


def test_without_the_slp_by_order_reads_the_slots_as_untracked(tmp_path):
    slp, h5 = _export(tmp_path, (None, None))
    slp.unlink()
    pose, said = _warned(lambda: read_sleap(h5, untracked="by_order"))
    assert [t.name for t in pose.tracks] == ["untracked_0", "untracked_1"] and said == []
    assert "untracked='by_order'" in pose.notes["untracked_slots"]


def test_tracks_named_track_0_with_their_slp_are_not_warned_of(tmp_path):
    _, h5 = _export(tmp_path, (sio.Track("track_0"), sio.Track("track_1")))
    pose, said = _warned(lambda: read_sleap(h5))
    assert [t.name for t in pose.tracks] == ["track_0", "track_1"] and said == []


def test_one_slot_without_the_slp_is_one_animal_unwarned(tmp_path):
    slp, h5 = _export(tmp_path, (None,))
    slp.unlink()
    pose, said = _warned(lambda: read_sleap(h5))
    assert [t.name for t in pose.tracks] == ["track_0"] and said == []
