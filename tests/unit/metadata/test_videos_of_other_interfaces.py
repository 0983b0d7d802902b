"""A pose input's video and camera entries beside the video entries of neuroconv's video interfaces."""

from __future__ import annotations

import pytest

from poseconv.metadata.shared_keys import defer_to_other_videos, leave_cameras_to_views, without_internal_stand_ins


def _poses_without_their_video() -> dict:
    # default_pose_metadata of poses whose video is not here: a camera, no video entry, no source_video key.
    return {
        "Devices": {"video_clip_camera": {"name": "Video clip Camera Device"}},
        "Behavior": {"ExternalVideos": {}},
        "Pose": {"PoseEstimations": {"PoseEstimation": {"device_metadata_key": "video_clip_camera"}}},
    }


def _external(key: str, name: str) -> dict:
    return {
        "Devices": {f"{key}_camera": {"name": f"{name} Camera Device"}},
        "Behavior": {"ExternalVideos": {key: {"name": name, "device_metadata_key": f"{key}_camera"}}},
    }


@pytest.mark.parametrize(("key", "name"), [("video_clip", "Video clip"), ("behavior_cam", "Video clip")])
def test_poses_without_their_video_link_the_video_another_interface_writes(key, name):
    # The poses took the video interface's camera but linked no video: only a video the pose input knew a file of
    # was named, though the file holds the video of the same key (or name).
    own = {"Pose": _poses_without_their_video()}
    defer_to_other_videos(own, [_external(key, name)])
    container = own["Pose"]["Pose"]["PoseEstimations"]["PoseEstimation"]
    assert container == {"source_video_metadata_key": key, "device_metadata_key": f"{key}_camera"}
    # The other interface's entry stands for the video (borrowed when composed), and its camera for the poses'.
    assert own["Pose"]["Behavior"]["ExternalVideos"] == {}
    # Under another key, the input's own camera is left out: neuroconv refuses two keys of one device name.
    assert own["Pose"]["Devices"] == ({} if key != "video_clip" else _poses_without_their_video()["Devices"])


def test_poses_without_their_video_link_none_when_no_interface_has_it():
    own = {"Pose": _poses_without_their_video()}
    defer_to_other_videos(own, [_external("video_other", "Video other")])
    assert own["Pose"] == _poses_without_their_video()


def test_a_session_s_view_video_names_no_camera_of_its_own():
    # neuroconv's video interface made a plain Device for the video of a view, whose camera is the session's
    # calibrated one: two devices for one camera.
    views = {"back": {"camera_metadata_key": "back", "source_video_metadata_key": "video_s_back"}, "top": {}}
    per_input = {"Session": {"Pose": {"MultiCameraPoseEstimations": {"track_0": {"CameraViews": views}}}}}
    videos = {
        "video_s_back": {"name": "Video s_back", "device_metadata_key": "video_s_back_camera"},
        "video_other": {"name": "Video other", "device_metadata_key": "video_other_camera"},
    }
    shared = {"Behavior": {"ExternalVideos": videos}}
    leave_cameras_to_views(shared, per_input)
    assert videos == {
        "video_s_back": {"name": "Video s_back"},
        "video_other": {"name": "Video other", "device_metadata_key": "video_other_camera"},
    }


def test_get_metadata_shows_no_entry_standing_for_an_internal_video():
    # The pose input's entry of InternalVideoInterface(metadata_key="behavior_cam")'s video was shown as an external
    # video beside the internal one, and its name and description, edited, were not written.
    internal = {"behavior_cam": {"name": "Video clip", "device_metadata_key": "behavior_cam_camera"}}
    external = {
        "behavior_cam": {"name": "Video clip", "description": "Behavior video 'clip'."},
        "video_clip": {"name": "Video clip"},  # the training frames' entry of it, under video_<stem>
        "video_other": {"name": "Video other"},
    }
    metadata = {"Behavior": {"InternalVideos": internal, "ExternalVideos": external}}
    without_internal_stand_ins(metadata)
    assert list(metadata["Behavior"]["ExternalVideos"]) == ["video_other"]
    assert metadata["Behavior"]["InternalVideos"] == internal


def test_a_session_s_view_without_its_video_links_the_video_another_interface_writes():
    # A multi-camera session read without its videos, beside ExternalVideoInterface of one camera's video: the
    # views linked no video, and the file held the video apart from the poses of its camera.
    from types import SimpleNamespace

    from poseconv.metadata.video_links import name_view_videos_found_elsewhere

    def view(video: str) -> SimpleNamespace:
        return SimpleNamespace(tracks=[SimpleNamespace(video=video)])

    session = SimpleNamespace(views={"back": view("s_back"), "top": view("s_top")})
    views = {"back": {"camera_metadata_key": "back"}, "top": {"camera_metadata_key": "top"}}
    defaults = {
        "Session": {"Pose": {"MultiCameraPoseEstimations": {"track_0": {"CameraViews": views}}}},
        "Video": _external("video_s_back", "Video s_back"),
        "Other": _external("video_s_top", "Video of another name"),  # the same key, another video
    }
    name_view_videos_found_elsewhere(defaults, {"Session": SimpleNamespace(session=session), "Video": object()})
    assert views == {
        "back": {"camera_metadata_key": "back", "source_video_metadata_key": "video_s_back"},
        "top": {"camera_metadata_key": "top"},
    }
    (entry,) = defaults["Session"]["Behavior"]["ExternalVideos"].values()
    assert entry["name"] == "Video s_back" and "device_metadata_key" not in entry
