"""SLEAP recording sessions written to NWB and read back: each animal's container, its scores, empty views."""

from __future__ import annotations

import warnings

import h5py
import numpy as np
import pytest

from poseconv import SLEAPSessionPoseInterface, read_nwb
from poseconv.interfaces.base import STUB_FRAMES
from poseconv.nwb.read.multicamera import read_multicamera
from tests.fixtures.nwb import user_metadata
from tests.fixtures.sleap_session_groups import animal_of_2d, session_file


def _convert(slp, nwb, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface = SLEAPSessionPoseInterface(file_path=slp, **options)
        interface.run_conversion(nwbfile_path=nwb, metadata=user_metadata(interface))
    return nwb


def _containers(path) -> dict[str, tuple[bool, list[str]]]:
    """Each MultiCameraPoseEstimation: whether it holds 3D series, and the views that hold 2D series."""
    found = {}
    with h5py.File(path, "r") as file:
        behavior = file["processing/behavior"]
        for name, group in behavior.items():
            if group.attrs.get("neurodata_type") != "MultiCameraPoseEstimation":
                continue
            kinds = {key: group[key].attrs.get("neurodata_type") for key in group}
            views = [key for key, kind in kinds.items() if kind == "PoseEstimation" and len(group[key]) > 4]
            found[name] = ("PoseEstimationSeries" in kinds.values(), sorted(views))
    return found


def test_a_tracked_session_with_group_identities_keeps_each_animal_in_one_container(tmp_path):
    # 3D points went to MultiCameraPoseEstimation_Ar1 (empty views), the 2D views to _r1 (no 3D points), and
    # inspect / export / read_nwb failed: "Track 'cam0' appears twice for video 'PoseEstimation_cam0'".
    slp = session_file(tmp_path / "s.slp", tracks=["r1", "r2"], identities=["Ar1", "Ar2"])
    path = _convert(slp, tmp_path / "s.nwb")
    assert _containers(path) == {
        "MultiCameraPoseEstimation_r1": (True, ["PoseEstimation_cam0", "PoseEstimation_cam1"]),
        "MultiCameraPoseEstimation_r2": (True, ["PoseEstimation_cam0", "PoseEstimation_cam1"]),
    }
    (pose,) = read_nwb(path)
    assert sorted(pose.track_names()) == ["r1", "r2"]
    (session,) = read_multicamera(path)
    for track in session.pose_3d.tracks:
        animal = int(track.positions[0, 0, 0] // 10)
        for view in session.views.values():
            (seen,) = [t for t in view.tracks if t.name == track.name]
            assert animal_of_2d(seen.positions[0, 0, 0]) == animal


def test_views_that_record_only_their_camera_are_skipped_when_read(tmp_path):
    # Two animals that camera cam1 never sees: each container records cam1 in a view without series, and
    # read_nwb read both as the track 'cam1' of one video: "Track 'cam1' appears twice".
    slp = session_file(tmp_path / "s.slp", tracks=["r1", "r2"], seen_by={0: (0,), 1: (0,)})
    path = _convert(slp, tmp_path / "s.nwb")
    (pose,) = read_nwb(path)
    assert sorted((t.name, t.video) for t in pose.tracks) == [("r1", "cam0"), ("r2", "cam0")]
    (session,) = read_multicamera(path)
    assert sorted(session.cameras) == ["cam0", "cam1"]  # the camera is still the session's


def test_by_order_containers_join_one_groups_3d_points_and_views(tmp_path):
    slp = session_file(tmp_path / "s.slp", reversed_in=("cam1",), without_3d=((2, 1),))
    path = _convert(slp, tmp_path / "s.nwb", untracked="by_order")
    assert sorted(_containers(path)) == [
        "MultiCameraPoseEstimation_untracked_0",
        "MultiCameraPoseEstimation_untracked_1",
    ]
    (session,) = read_multicamera(path)
    for track in session.pose_3d.tracks:
        animal = int(np.nanmin(track.positions[:, 0, 0]) // 10)
        for view in session.views.values():
            (seen,) = [t for t in view.tracks if t.name == track.name]
            assert {animal_of_2d(x) for x in np.asarray(seen.positions)[:, 0, 0]} == {animal}
    assert len(read_nwb(path)) == 1


def test_the_3d_instance_scores_and_the_group_scores_are_written_and_read_back(tmp_path):
    # PredictedInstance3D.score and InstanceGroup.score were dropped without a word.
    slp = session_file(tmp_path / "s.slp", tracks=["r1", "r2"], scores_3d=True, group_score=0.375)
    path = _convert(slp, tmp_path / "s.nwb")
    with h5py.File(path, "r") as file:
        behavior = file["processing/behavior"]
        np.testing.assert_allclose(behavior["MultiCameraPoseEstimation_r1_instance_score/data"][()], [0.5, 0.625, 0.75])
        np.testing.assert_allclose(behavior["MultiCameraPoseEstimation_r2_instance_group_score/data"][()], [0.375] * 3)
    (session,) = read_multicamera(path)
    for animal, name in enumerate(["r1", "r2"]):
        (track,) = [t for t in session.pose_3d.tracks if t.name == name]
        np.testing.assert_allclose(track.instance_scores, [0.5 + f / 8 + animal / 16 for f in range(3)])
        np.testing.assert_array_equal(session.notes["instance_group_scores"][name], [0.375] * 3)


@pytest.mark.parametrize("stub", [False, True], ids=["whole", "stub"])
def test_group_scores_follow_the_frames_written(tmp_path, stub):
    slp = session_file(tmp_path / "s.slp", tracks=["r1", "r2"], n_frames=STUB_FRAMES + 2, group_score=0.25)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface = SLEAPSessionPoseInterface(file_path=slp)
        interface.run_conversion(nwbfile_path=tmp_path / "s.nwb", metadata=user_metadata(interface), stub_test=stub)
    (session,) = read_multicamera(tmp_path / "s.nwb")
    assert len(session.notes["instance_group_scores"]["r1"]) == STUB_FRAMES + (0 if stub else 2)


def test_a_camera_whose_frames_are_stored_in_an_hdf5_file_is_said_to_be_so(tmp_path):
    # As for one camera (metadata/defaults): a view on SLEAP's HDF5Video was described as a video that "does not
    # exist on the machine that wrote this file", though its frames file is here.
    import sleap_io

    from poseconv.metadata.multicamera import default_multicamera_metadata

    videos = []
    for i in range(2):
        with h5py.File(tmp_path / f"cam{i}.h5", "w") as handle:
            handle.create_dataset("box", data=np.zeros((3, 8, 8, 1), np.uint8))
        videos.append(sleap_io.load_video(str(tmp_path / f"cam{i}.h5"), dataset="box"))
    slp = session_file(tmp_path / "s.slp", tracks=["r1", "r2"], videos=videos)
    for video in videos:
        video.close()
    interface = SLEAPSessionPoseInterface(file_path=slp)
    entries = default_multicamera_metadata(interface.session)["Pose"]["MultiCameraPoseEstimations"]
    views = [view for entry in entries.values() for view in entry["CameraViews"].values()]
    assert views and all("does not exist" not in view["description"] for view in views)
    assert all("frames stored as images in the HDF5 file" in view["description"] for view in views)


def test_views_tracked_apart_follow_the_identity_of_their_groups(tmp_path):
    # Each view's tracker named the animals its own way (animal 0 is t1 in cam0, t2 in cam1); the groups'
    # identities join them. The 3D went to _mouseA / _mouseB without views, and _t1 / _t2 each mixed both animals.
    slp = session_file(
        tmp_path / "s.slp", identities=["mouseA", "mouseB"], tracks_by_camera=[["t1", "t2"], ["t2", "t1"]]
    )
    with pytest.warns(Warning, match=r"2D instances of different tracks in different views .* named by its identity"):
        interface = SLEAPSessionPoseInterface(file_path=slp)
        interface.run_conversion(nwbfile_path=tmp_path / "s.nwb", metadata=user_metadata(interface))
    assert _containers(tmp_path / "s.nwb") == {
        "MultiCameraPoseEstimation_mouseA": (True, ["PoseEstimation_cam0", "PoseEstimation_cam1"]),
        "MultiCameraPoseEstimation_mouseB": (True, ["PoseEstimation_cam0", "PoseEstimation_cam1"]),
    }
    (session,) = read_multicamera(tmp_path / "s.nwb")
    for track in session.pose_3d.tracks:
        animal = int(track.positions[0, 0, 0] // 10)
        for view in session.views.values():
            (seen,) = [t for t in view.tracks if t.name == track.name]
            assert animal_of_2d(seen.positions[0, 0, 0]) == animal
