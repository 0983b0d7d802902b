"""The external video of the poses: reused when it is the same file, never when it is another camera's."""

from __future__ import annotations

from pathlib import Path

import pytest
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import MetadataError
from poseconv.metadata.defaults import camera_device_entry, camera_key, external_video_entry, video_key
from poseconv.nwb.write.video import container_camera, get_or_add_external_video

TIMING = {"rate": 30.0, "starting_time": 0.0}


def _metadata(video: str = "session1") -> dict:
    """The defaults of one video and its camera, as a pose interface gives them."""
    return {
        "Devices": {camera_key(video): camera_device_entry(video)},
        "Behavior": {"ExternalVideos": {video_key(video): external_video_entry(video, "Behavior video.")}},
    }


def _add(nwbfile, metadata, path: Path, relative_to: Path):
    return get_or_add_external_video(
        nwbfile,
        metadata,
        video_key("session1"),
        video_path=path,
        relative_to=relative_to,
        timing_kwargs=TIMING,
        n_frames=10,
        frame_size=None,
    )


def test_the_video_of_the_same_file_is_linked_once(tmp_path):
    nwbfile, metadata = mock_NWBFile(), _metadata()
    (tmp_path / "top").mkdir()
    first = _add(nwbfile, metadata, tmp_path / "top" / "session1.mp4", tmp_path)
    assert _add(nwbfile, metadata, tmp_path / "top" / "session1.mp4", tmp_path) is first
    assert list(nwbfile.acquisition) == ["Video session1"]


def test_two_cameras_videos_of_one_file_name_are_two_videos_with_two_cameras(tmp_path):
    # DeepLabCut's and SLEAP's per-camera folders: top/session1.mp4 and side/session1.mp4 have one default key
    # (video_session1), name and camera; the side camera's poses linked the top camera's video and camera.
    nwbfile, metadata = mock_NWBFile(), _metadata()
    for camera in ("top", "side"):
        (tmp_path / camera).mkdir()
    top = _add(nwbfile, metadata, tmp_path / "top" / "session1.mp4", tmp_path)
    side = _add(nwbfile, metadata, tmp_path / "side" / "session1.mp4", tmp_path)
    assert side is not top
    assert (top.name, list(top.external_file)) == ("Video session1", ["top/session1.mp4"])
    assert (side.name, list(side.external_file)) == ("Video session1_side", ["side/session1.mp4"])
    assert (top.device.name, side.device.name) == ("Video session1 Camera Device", "Video session1_side Camera Device")
    # The container of each camera's poses links that camera (the one of its video).
    entry = {"device_metadata_key": camera_key("session1"), "source_video_metadata_key": video_key("session1")}
    assert container_camera(nwbfile, metadata, entry, side) is side.device
    # Written again from the side folder, the side video is found by its file, not written a third time.
    assert _add(nwbfile, metadata, tmp_path / "side" / "session1.mp4", tmp_path) is side


def test_a_camera_the_user_named_is_kept_for_another_video_of_the_name(tmp_path):
    nwbfile, metadata = mock_NWBFile(), _metadata()
    metadata["Devices"][camera_key("session1")]["name"] = "RigCamera"
    for camera in ("day1", "day2"):
        (tmp_path / camera).mkdir()
    first = _add(nwbfile, metadata, tmp_path / "day1" / "session1.mp4", tmp_path)
    second = _add(nwbfile, metadata, tmp_path / "day2" / "session1.mp4", tmp_path)
    assert second.name == "Video session1_day2"
    assert first.device is second.device
    assert list(nwbfile.devices) == ["RigCamera"]


def test_a_video_interface_s_entry_is_not_written_by_the_poses(tmp_path):
    # neuroconv's NWBConverter with the pose interface before ExternalVideoInterface (one key, video_session1):
    # the merged entry is the video interface's, which adds the video itself after the poses.
    nwbfile, metadata = mock_NWBFile(), _metadata()
    metadata["Behavior"]["ExternalVideos"][video_key("session1")].update(
        name="BehaviorVideo", description="Video recorded by camera."
    )
    with pytest.raises(MetadataError, match=r"ExternalVideoInterface.*PoseNWBConverter.*before the pose interface"):
        _add(nwbfile, metadata, tmp_path / "session1.mp4", tmp_path)
    assert list(nwbfile.acquisition) == []


def test_a_video_named_like_another_interface_s_series_is_an_error_naming_the_field(tmp_path):
    # A video renamed to the ElectricalSeries of an ephys interface: the series was linked as the source
    # video, and the conversion failed with "'ElectricalSeries' object has no attribute 'device'".
    from pynwb.testing.mock.ecephys import mock_ElectricalSeries

    nwbfile, metadata = mock_NWBFile(), _metadata()
    mock_ElectricalSeries(name="ElectricalSeries", nwbfile=nwbfile)
    metadata["Behavior"]["ExternalVideos"][video_key("session1")]["name"] = "ElectricalSeries"
    said = (
        r"metadata\['Behavior'\]\['ExternalVideos'\]\['video_session1'\]\['name'\] is 'ElectricalSeries', "
        r"the name of the ElectricalSeries .*choose another name"
    )
    with pytest.raises(MetadataError, match=said):
        _add(nwbfile, metadata, tmp_path / "session1.mp4", tmp_path)


def test_one_name_the_user_gives_two_videos_is_an_error_naming_both_keys(tmp_path):
    # Two cameras' entries given one name were written as 'BehaviorVideo' and 'BehaviorVideo_<folder>' without a
    # word: the folder suffix is for videos of one default name (test_two_cameras_videos_of_one_file_name...).
    nwbfile, metadata = mock_NWBFile(), _metadata("top")
    metadata["Behavior"]["ExternalVideos"] |= _metadata("side")["Behavior"]["ExternalVideos"]
    metadata["Devices"] |= _metadata("side")["Devices"]
    for video in ("top", "side"):
        metadata["Behavior"]["ExternalVideos"][video_key(video)]["name"] = "BehaviorVideo"
    for video in ("top", "side"):
        (tmp_path / video).mkdir()
    arguments = {"relative_to": tmp_path, "timing_kwargs": TIMING, "n_frames": 10, "frame_size": None}
    get_or_add_external_video(nwbfile, metadata, video_key("top"), video_path=tmp_path / "top/a.mp4", **arguments)
    said = r"\['video_side'\]\['name'\] and \['video_top'\]\['name'\] give one name, 'BehaviorVideo', to two"
    with pytest.raises(MetadataError, match=said):
        get_or_add_external_video(nwbfile, metadata, video_key("side"), video_path=tmp_path / "side/a.mp4", **arguments)
    assert list(nwbfile.acquisition) == ["BehaviorVideo"]
