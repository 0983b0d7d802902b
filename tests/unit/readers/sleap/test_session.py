"""SLEAP recording-session reader: calibrated cameras, one 2D view per camera, 3D points."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sleap_io

from poseconv.errors import InvalidOptionError, InvalidSourceFileError
from poseconv.readers.sleap import has_recording_session, read_sleap, read_sleap_session
from tests.fixtures.multicamera import SLEAP_MULTIVIEW_3D, SLEAP_SESSION, SLEAP_SESSION_USER
from tests.fixtures.paths import SHARED_DATA
from tests.fixtures.sleap import one_instance_per_frame


def _labels(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sleap_io.load_slp(str(path), open_videos=False)


@pytest.mark.parametrize("path", [SLEAP_SESSION, SLEAP_SESSION_USER], ids=["predicted", "user_labeled"])
def test_eight_camera_session(path):
    data = read_sleap_session(path)
    labels = _labels(path)
    session = labels.sessions[0]
    assert list(data.cameras) == [camera.name for camera in session.camera_group.cameras]
    assert len(data.cameras) == 8
    assert data.individuals() == ["track_0", "track_1"]
    assert data.pose_3d is None  # this file has no triangulated points
    assert data.timing is None  # nor a frame rate
    for camera in session.camera_group.cameras:
        calibration = data.cameras[camera.name]
        np.testing.assert_array_equal(calibration.intrinsic_matrix, camera.matrix)
        np.testing.assert_array_equal(calibration.distortion_coefficients, camera.dist)
        np.testing.assert_array_equal(calibration.rotation_matrix, camera.extrinsic_matrix[:3, :3])
        np.testing.assert_array_equal(calibration.translation_vector, camera.tvec)
        assert calibration.image_size == tuple(camera.size)
        assert calibration.unit == "n.a."
        assert str(camera.rvec[0]) in calibration.description  # rvec kept exactly, in words
    # Each view is what the SLEAP reader gives for that camera's video.
    whole = read_sleap(path)
    for camera in session.camera_group.cameras:
        video = session.get_video(camera)
        key = data.notes["camera_videos"][camera.name]
        assert whole.videos[key].original_path == video.filename
        view = data.views[camera.name]
        expected = [t for t in whole.tracks if t.video == key]
        assert [t.name for t in view.tracks] == [t.name for t in expected]
        for got, want in zip(view.tracks, expected, strict=True):
            np.testing.assert_array_equal(got.positions, want.positions)
    assert data.views["side"].track_names() == ["track_0"]  # track_1 is not seen by the side cameras


def test_multiview_3d_points_and_scores():
    data = read_sleap_session(SLEAP_MULTIVIEW_3D)
    labels = _labels(SLEAP_MULTIVIEW_3D)
    group = labels.sessions[0].frame_groups[0].instance_groups[0]
    assert data.individuals() == ["untracked"]
    track = data.pose_3d.tracks[0]
    assert track.positions.shape == (1, 2, 3)
    np.testing.assert_array_equal(track.positions[0], group.points)
    np.testing.assert_array_equal(track.confidence[0], group.instance_3d.point_scores)
    assert track.instance_scores[0] == pytest.approx(0.92)
    assert data.pose_3d.unit == "n.a."
    np.testing.assert_array_equal(data.cameras["c2"].translation_vector, [100.0, 0.0, 0.0])
    np.testing.assert_array_equal(data.views["c1"].tracks[0].positions[0], [[10.0, 20.0], [30.0, 40.0]])
    np.testing.assert_array_equal(data.views["c2"].tracks[0].positions[0], [[50.0, 60.0], [70.0, 80.0]])
    # 2D and 3D share one skeleton.
    assert data.skeleton_for("untracked").nodes == ("A", "B")
    assert data.pose_3d.tracks[0].skeleton == data.views["c1"].tracks[0].skeleton


def test_file_without_session_is_refused():
    single = SHARED_DATA / "sleap-io.js/tests/data/slp/typical.slp"
    assert not has_recording_session(single)
    assert has_recording_session(SLEAP_SESSION)
    with pytest.raises(InvalidSourceFileError, match="SLEAPPoseInterface"):
        read_sleap_session(single)


def test_session_index_out_of_range():
    with pytest.raises(InvalidOptionError, match="1 session"):
        read_sleap_session(SLEAP_SESSION, session_index=3)


def test_a_file_of_several_sessions_says_which_one_is_converted(tmp_path):
    # Only session 0 was converted, without a word about the others.
    from sleap_io.model.camera import CameraGroup, RecordingSession

    labels = _labels(SLEAP_SESSION)
    cameras = labels.sessions[0].camera_group.cameras
    labels.sessions.append(RecordingSession(camera_group=CameraGroup(cameras=list(cameras))))
    path = tmp_path / "two_sessions.slp"
    labels.save(str(path))
    with pytest.warns(
        UserWarning, match=r"two_sessions.slp: holds 2 recording sessions; session 0 is converted, not \[1\]"
    ):
        data = read_sleap_session(path)
    assert data.notes["n_sessions"] == 2


def test_a_camera_named_only_to_group_views_is_not_a_calibration(tmp_path):
    # sleap-io's Camera(name=...) holds identity intrinsics and no position: it was written as a CalibratedCamera
    # with fx = fy = 1 and a "sleap-anipose calibration" description.
    from sleap_io.model.camera import Camera

    labels = _labels(SLEAP_SESSION)
    group = labels.sessions[0].camera_group
    named_only = Camera(name=group.cameras[0].name)
    session = labels.sessions[0]
    video = session.get_video(group.cameras[0])
    group.cameras[0] = named_only
    session.add_video(video, named_only)
    path = tmp_path / "named_only.slp"
    labels.save(str(path))
    cameras = read_sleap_session(path).cameras
    assert not cameras[named_only.name].is_calibrated
    assert sum(camera.is_calibrated for camera in cameras.values()) == len(cameras) - 1


def test_a_group_identity_names_its_untracked_views_as_it_names_its_3d_points(tmp_path):
    # sleap-io's multi-view identity names a group's animal across the views; its 2D instances carried none,
    # so the conversion was refused: "SLEAP gave these animals no identity", which the groups did.
    from sleap_io.model.camera import Camera, CameraGroup, FrameGroup, InstanceGroup, RecordingSession
    from sleap_io.model.identity import Identity
    from sleap_io.model.instance import Instance3D

    skeleton = sleap_io.Skeleton(["a", "b"])
    cameras = [Camera(name=f"cam{c}", matrix=np.diag([900.0, 900.0, 1.0]), size=(64, 48)) for c in (1, 2)]
    session = RecordingSession(camera_group=CameraGroup(cameras=cameras))
    videos = [sleap_io.Video(filename=f"cam{c}.mp4", open_backend=False) for c in (1, 2)]
    for camera, video in zip(cameras, videos, strict=True):
        session.add_video(video, camera)
    animals = [Identity(name="mouseA"), Identity(name="mouseB")]
    frames = []
    for f in range(2):
        by_camera = {c: sleap_io.LabeledFrame(video=videos[c], frame_idx=f) for c in range(2)}
        groups = []
        for k, identity in enumerate(animals):
            views = {}
            for c, camera in enumerate(cameras):
                points = np.array([[100.0 * c + 10 * k + f, 1.0], [2.0, 3.0]])
                instance = sleap_io.PredictedInstance.from_numpy(points, skeleton=skeleton, score=0.9)
                by_camera[c].instances.append(instance)
                views[camera] = instance
            group = InstanceGroup(instance_by_camera=views, identity=identity)
            group._instance_3d = Instance3D(points=np.full((2, 3), 10.0 * k + f), skeleton=skeleton)
            groups.append(group)
        session.frame_groups[f] = FrameGroup(
            frame_idx=f, instance_groups=groups, labeled_frame_by_camera={cameras[c]: by_camera[c] for c in range(2)}
        )
        frames += by_camera.values()
    labels = sleap_io.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton], sessions=[session])
    labels.identities = animals
    labels.save(str(tmp_path / "identities.slp"))
    data = read_sleap_session(tmp_path / "identities.slp")
    assert sorted(track.name for track in data.pose_3d.tracks) == ["mouseA", "mouseB"]
    for camera in ("cam1", "cam2"):
        view = {track.name: track for track in data.views[camera].tracks}
        assert sorted(view) == ["mouseA", "mouseB"]
        offset = 100.0 * (camera == "cam2")
        np.testing.assert_array_equal(np.asarray(view["mouseB"].positions)[:, 0, 0], [offset + 10, offset + 11])


def _rig_with_other_video(tmp_path, *, link_right: bool, other: bool = True):
    """A session .slp as sleap-io writes one: cameras left and right, and a project video outside the session."""
    from sleap_io.model.camera import Camera, CameraGroup, RecordingSession

    skeleton, track = sleap_io.Skeleton(["a", "b"]), sleap_io.Track("mouse")
    videos = [
        sleap_io.Video(filename=str(tmp_path / f"s1_{c}.mp4")) for c in ("left", "right", "other")[: 3 if other else 2]
    ]
    cameras = [
        Camera(name=c, size=(640, 480), rvec=np.array([0.0, 0.1 * i, 0]), tvec=np.array([10.0 * i, 0, 0]))
        for i, c in enumerate(("left", "right"))
    ]
    session = RecordingSession(camera_group=CameraGroup(cameras=cameras))
    for camera, video in zip(cameras, videos[: 2 if link_right else 1], strict=False):
        session.add_video(video, camera)
    scores = np.array([0.9, 0.8])
    frames = [
        frame
        for video in videos
        for frame in one_instance_per_frame(
            video, skeleton, range(5), lambda f: np.full((2, 2), 10.0 + f), point_scores=scores, track=track
        ).labeled_frames
    ]
    path = tmp_path / "rig.slp"
    labels = sleap_io.Labels(
        labeled_frames=frames, videos=videos, skeletons=[skeleton], tracks=[track], sessions=[session]
    )
    sleap_io.save_slp(labels, str(path))
    return path


def test_poses_on_a_video_outside_the_session_are_named_not_dropped_silently(tmp_path):
    # A project video outside the RecordingSession: its 5 instances were dropped, recorded only in a note.
    path = _rig_with_other_video(tmp_path, link_right=True)
    with pytest.warns(Warning, match=r"'s1_other' \(video index 2, 5 instances\).*video_indices=\[2\]"):
        data = read_sleap_session(path)
    assert data.notes["videos_outside_session"] == ["s1_other"]
    assert sorted(data.views) == ["left", "right"]


def test_a_camera_without_its_video_linked_yet_says_so(tmp_path):
    # SLEAP's Sessions tab links videos to cameras one at a time: camera 'right' has none yet.
    path = _rig_with_other_video(tmp_path, link_right=False)
    with pytest.warns(Warning, match=r"'s1_right' \(video index 1, 5 instances\).*\['right'\] have no video linked"):
        data = read_sleap_session(path)
    assert "No video is linked to this camera" in data.cameras["right"].description
    assert "No video is linked" not in data.cameras["left"].description
    # Its view in the file says so too, instead of that the file holds no poses seen by the camera.
    from poseconv.metadata.multicamera import default_multicamera_metadata

    (container,) = default_multicamera_metadata(data)["Pose"]["MultiCameraPoseEstimations"].values()
    views = {key: view["description"] for key, view in container["CameraViews"].items()}
    assert views["right"].endswith(
        "no video is linked to this camera in its session, so none of its 2D poses is known to be seen by it."
    )


def test_a_session_with_every_video_linked_warns_of_none(tmp_path):
    path = _rig_with_other_video(tmp_path, link_right=True, other=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_sleap_session(path).notes["videos_outside_session"] == []
