"""SLEAP recording sessions: one name per instance group for its 3D points and its 2D views, and group values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from poseconv.readers.sleap import read_sleap_session
from tests.fixtures.sleap_session_groups import animal_of_2d, session_file


def _read(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_sleap_session(path, **kwargs)


def _check_animals(data, names: list[str]) -> None:
    """Each individual's 3D points and 2D views are one animal's (:mod:`tests.fixtures.sleap_session_groups`)."""
    assert sorted(t.name for t in data.pose_3d.tracks) == sorted(names)
    for track in data.pose_3d.tracks:
        animal = int(np.nanmin(track.positions[:, 0, 0]) // 10)
        for camera, view in data.views.items():
            (seen,) = [t for t in view.tracks if t.name == track.name]
            xs = np.asarray(seen.positions)[:, 0, 0]
            assert {animal_of_2d(x) for x in xs[np.isfinite(xs)]} == {animal}, (track.name, camera)


def test_a_group_of_tracked_instances_with_an_identity_goes_by_its_track(tmp_path):
    # 2D instances tracked r1/r2 and groups of identity Ar1/Ar2: the 3D points went to 'Ar1' (with no views)
    # and the views to 'r1' (with no 3D points), and the NWB file could not be read back.
    path = session_file(tmp_path / "s.slp", tracks=["r1", "r2"], identities=["Ar1", "Ar2"])
    data = _read(path)
    assert data.individuals() == ["r1", "r2"]
    _check_animals(data, ["r1", "r2"])


def test_an_untracked_instance_of_a_tracked_group_joins_the_groups_track(tmp_path):
    # The group names its animal by the track its tracked instances share: its untracked instance is that animal.
    path = session_file(tmp_path / "s.slp", tracks=["r1", "r2"])
    import sleap_io

    labels = sleap_io.load_slp(str(path), open_videos=False)
    for frame_group in labels.sessions[0].frame_groups.values():
        cam1 = frame_group.instance_groups[0].instance_by_camera[labels.sessions[0].camera_group.cameras[1]]
        cam1.track = None
    labels.save(str(tmp_path / "partly.slp"))
    data = _read(tmp_path / "partly.slp")
    assert data.individuals() == ["r1", "r2"]
    assert data.views["cam1"].track_names() == ["r1", "r2"]
    _check_animals(data, ["r1", "r2"])


def test_by_order_views_follow_the_instance_groups(tmp_path):
    # cam1 lists animal 1 first: its k-th untracked instance went with the k-th group's 3D points of another animal.
    path = session_file(tmp_path / "s.slp", reversed_in=("cam1",))
    data = _read(path, untracked="by_order")
    _check_animals(data, ["untracked_0", "untracked_1"])
    for view in data.views.values():
        assert [t.track_name for t in view.tracks] == ["", ""]  # instances the file gives no track
        assert "untracked_0" not in view.notes.get("tracks_without_instances", [])


def test_by_order_a_frame_with_one_triangulated_group_keeps_its_name(tmp_path):
    # Frame 2 triangulated animal 0 only: its 3D points went to 'untracked' (3D only) instead of 'untracked_0'.
    path = session_file(tmp_path / "s.slp", without_3d=((2, 1),))
    data = _read(path, untracked="by_order")
    assert sorted(t.name for t in data.pose_3d.tracks) == ["untracked_0", "untracked_1"]
    (first,) = [t for t in data.pose_3d.tracks if t.name == "untracked_0"]
    np.testing.assert_array_equal(first.positions[:, 0, 0], [0.0, 1.0, 2.0])
    _check_animals(data, ["untracked_0", "untracked_1"])


def test_the_3d_instance_scores_and_the_group_scores_are_read(tmp_path):
    path = session_file(tmp_path / "s.slp", tracks=["r1", "r2"], scores_3d=True, group_score=0.375)
    data = _read(path)
    for animal, name in enumerate(["r1", "r2"]):
        (track,) = [t for t in data.pose_3d.tracks if t.name == name]
        np.testing.assert_allclose(track.instance_scores, [0.5 + f / 8 + animal / 16 for f in range(3)])
        np.testing.assert_array_equal(data.notes["instance_group_scores"][name], [0.375] * 3)


def test_untracked_groups_that_cannot_be_told_apart_say_their_scores_are_dropped(tmp_path):
    # Two unnamed groups without 3D points, each seen by one camera: converted, but their scores go nowhere.
    path = session_file(tmp_path / "s.slp", seen_by={0: (0,), 1: (1,)}, group_score=0.5)
    with pytest.warns(UserWarning, match=r"InstanceGroup scores of frame\(s\) \[0, 1, 2\] are not converted"):
        data = read_sleap_session(path)
    assert data.notes["instance_group_scores"] == {}


def test_the_videos_of_another_session_are_said_to_be_its_own(tmp_path):
    # Session 1's videos were "linked to no camera of the recording session", with advice to link them in SLEAP.
    import sleap_io

    first = sleap_io.load_slp(str(session_file(tmp_path / "a.slp", tracks=["r1", "r2"])), open_videos=False)
    second = sleap_io.load_slp(str(session_file(tmp_path / "b.slp", tracks=["r1", "r2"])), open_videos=False)
    for video in second.videos:
        video.filename = f"s1_{video.filename}"
    tracks = {t.name: t for t in first.tracks}
    for frame in second.labeled_frames:
        for instance in frame.instances:
            instance.track = tracks[instance.track.name]
    labels = sleap_io.Labels(
        labeled_frames=first.labeled_frames + second.labeled_frames,
        videos=first.videos + second.videos,
        skeletons=first.skeletons,
        tracks=first.tracks,
        sessions=first.sessions + second.sessions,
    )
    for frame in second.labeled_frames:
        for instance in frame.instances:
            instance.skeleton = first.skeletons[0]
    labels.save(str(tmp_path / "two.slp"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_sleap_session(tmp_path / "two.slp")
    said = " ".join(str(w.message) for w in caught)
    assert "belong to the file's other recording session(s) [1], not to session 0" in said
    assert "-O session_index=1" in said
    assert "linked to no camera" not in said
