"""Poses of a multi-camera session and of one camera beside neuroconv's video interfaces: one video, one camera."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

from pynwb import NWBHDF5IO

from tests.fixtures.multicamera import SLEAP_SESSION, SLEAP_SESSION_VIDEOS
from tests.fixtures.paths import needs_shared_data


def _convert(path, interfaces, edit=None, options=None):
    from poseconv import PoseConverterPipe

    converter = PoseConverterPipe(data_interfaces=interfaces)
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    if edit is not None:
        edit(metadata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        converter.run_conversion(nwbfile_path=path, metadata=metadata, conversion_options=options)
    return path


@needs_shared_data
def test_a_session_s_view_and_a_video_interface_s_video_of_its_camera_share_its_calibrated_camera(tmp_path):
    # The view linked the video interface's video, whose device was another Device than the view's camera: two
    # devices for one camera. With its video given or not, the view's video takes the view's calibrated camera.
    from neuroconv.datainterfaces import ExternalVideoInterface

    from poseconv.interfaces import SLEAPSessionPoseInterface

    back = SLEAP_SESSION_VIDEOS / "min_session_back.mp4"
    for given in ({"back": str(back)}, None):
        session = SLEAPSessionPoseInterface(file_path=SLEAP_SESSION, sampling_frequency=30.0, video_file_paths=given)
        video = ExternalVideoInterface(file_paths=[back], verbose=False)
        path = _convert(tmp_path / f"given_{given is not None}.nwb", dict(Session=session, Video=video))
        with NWBHDF5IO(path, "r") as io:
            nwbfile = io.read()
            series = nwbfile.acquisition["Video min_session_back"]
            view = nwbfile.processing["behavior"]["MultiCameraPoseEstimation_track_0"].pose_estimations[
                "PoseEstimation_back"
            ]
            assert view.source_video is series and series.device is view.device
            assert type(view.device).__name__ == "CalibratedCamera"
            assert "Video min_session_back Camera Device" not in nwbfile.devices


@needs_shared_data
def test_get_metadata_shows_an_internal_video_once_and_its_name_reaches_the_poses(tmp_path):
    # The pose input's entry of InternalVideoInterface(metadata_key=...)'s video was shown as an external video,
    # whose name and description, edited, were not written.
    from neuroconv.datainterfaces import InternalVideoInterface

    from poseconv import PoseConverterPipe
    from poseconv.interfaces import LightningPosePoseInterface
    from tests.fixtures.paths import SHARED_DATA

    folder = SHARED_DATA / "neuroconv/behavior_testing_data/lightningpose/outputs/2023-11-09/10-14-37/video_preds"
    poses = LightningPosePoseInterface(file_path=folder / "test_vid.csv")
    video = InternalVideoInterface(file_path=folder / "test_vid.mp4", metadata_key="behavior_cam", verbose=False)
    shown = PoseConverterPipe(data_interfaces=dict(Poses=poses, Video=video)).get_metadata()
    assert "behavior_cam" not in (shown["Behavior"].get("ExternalVideos") or {})

    def rename(metadata):
        metadata["Behavior"]["InternalVideos"]["behavior_cam"]["name"] = "BehaviorCam"

    path = _convert(tmp_path / "session.nwb", dict(Poses=poses, Video=video), rename, dict(Video=dict(stub_test=True)))
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        (series,) = nwbfile.acquisition.values()
        assert series.name == "BehaviorCam"
        assert nwbfile.processing["behavior"]["PoseEstimation"].source_video is series


@needs_shared_data
def test_a_camera_the_user_chose_for_a_view_s_video_is_said_not_used(tmp_path):
    # The view's calibrated camera is the video's device; a device the user named for the video was dropped silently.
    from neuroconv.datainterfaces import ExternalVideoInterface

    from poseconv import PoseConverterPipe
    from poseconv.errors import PoseconvWarning
    from poseconv.interfaces import SLEAPSessionPoseInterface

    back = SLEAP_SESSION_VIDEOS / "min_session_back.mp4"
    interfaces = {
        "Session": SLEAPSessionPoseInterface(file_path=SLEAP_SESSION, sampling_frequency=30.0),
        "Video": ExternalVideoInterface(file_paths=[back], verbose=False),
    }
    converter = PoseConverterPipe(data_interfaces=interfaces)
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    # neuroconv's default camera of the video goes quietly (the test above); one the user set is said.
    metadata["Devices"]["my_cam"] = {"name": "MyBackCamera", "description": "The back camera."}
    metadata["Behavior"]["ExternalVideos"]["video_min_session_back"]["device_metadata_key"] = "my_cam"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        converter.run_conversion(nwbfile_path=tmp_path / "a.nwb", metadata=metadata)
    [said] = [w for w in caught if w.category is PoseconvWarning and "device_metadata_key" in str(w.message)]
    assert "Behavior.ExternalVideos.video_min_session_back.device_metadata_key 'my_cam' is not used" in str(
        said.message
    )
    with NWBHDF5IO(tmp_path / "a.nwb", "r") as io:
        assert io.read().acquisition["Video min_session_back"].device.name == "back"
