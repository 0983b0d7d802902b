"""neuroconv's own NWBConverter with its ExternalVideoInterface and a pose interface for the same video."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from neuroconv import NWBConverter
from neuroconv.datainterfaces import ExternalVideoInterface
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface
from poseconv.errors import MetadataError
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, MULTI_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data

VIDEO = MULTI_ANIMAL_DIR / "m3v1mp4short.mp4"
SOURCE = dict(
    Video=dict(file_paths=[str(VIDEO)], video_name="BehaviorVideo"), Pose=dict(file_path=str(MULTI_ANIMAL_H5))
)


def _converter(order: tuple[str, str], pose_class: type = DeepLabCutPoseInterface, source=SOURCE) -> NWBConverter:
    classes = dict(Video=ExternalVideoInterface, Pose=pose_class)

    class Session(NWBConverter):
        data_interface_classes = {name: classes[name] for name in order}

    return Session(source_data={name: source[name] for name in order})


@needs_shared_data
def test_poses_before_the_video_interface_are_refused_saying_what_to_do(tmp_path):
    # neuroconv merges the interfaces' metadata in their order: the video interface's entry (video_m3v1mp4short)
    # reaches the poses, which wrote the video before it; pynwb then refused the video interface's
    # "Cannot add ImageSeries 'BehaviorVideo' ... already exists", naming neither interface.
    converter = _converter(("Pose", "Video"))
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(MetadataError, match=r"ExternalVideoInterface.*PoseNWBConverter"):
        converter.run_conversion(nwbfile_path=tmp_path / "session.nwb", metadata=metadata)


@needs_shared_data
def test_the_name_given_in_the_metadata_stands_with_the_video_interface_first(tmp_path):
    # What the error and docs/metadata.md say to do in a neuroconv NWBConverter: the video interface first,
    # its name in the metadata (the key both interfaces share), not only in video_name=.
    converter = _converter(("Video", "Pose"))
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    metadata["Behavior"]["ExternalVideos"]["video_m3v1mp4short"]["name"] = "BehaviorVideo"
    converter.run_conversion(nwbfile_path=tmp_path / "session.nwb", metadata=metadata)
    with NWBHDF5IO(tmp_path / "session.nwb", "r") as io:
        nwbfile = io.read()
        videos = [name for name, obj in nwbfile.acquisition.items() if type(obj).__name__ == "ImageSeries"]
        assert videos == ["BehaviorVideo"]
        for container in nwbfile.processing["behavior"].data_interfaces.values():
            if type(container).__name__ == "PoseEstimation":
                assert container.source_video is nwbfile.acquisition["BehaviorVideo"]


def _sleap_with_its_video(order: tuple[str, str]) -> NWBConverter:
    # The .slp records its video as 20190128_113421.mp4; the video file given to both is named otherwise.
    from poseconv import SLEAPPoseInterface
    from tests.fixtures.sleap import SLP_COURTSHIP

    video = str(SLP_COURTSHIP.with_suffix(".mp4"))
    source = dict(Video=dict(file_paths=[video]), Pose=dict(file_path=str(SLP_COURTSHIP), video_file_path=video))
    return _converter(order, SLEAPPoseInterface, source)


@needs_shared_data
def test_a_video_the_pose_file_records_under_another_name_is_written_once_or_refused(tmp_path):
    # Before, poses listed first wrote 'Video 20190128_113421' and the video interface 'Video
    # melanogaster_courtship' after them: one file, two ImageSeries.
    refused = _sleap_with_its_video(("Pose", "Video"))
    metadata = refused.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(MetadataError, match=r"video_melanogaster_courtship.*twice, under two names.*PoseNWBConverter"):
        refused.run_conversion(nwbfile_path=tmp_path / "refused.nwb", metadata=metadata)
    assert not (tmp_path / "refused.nwb").exists()
    converter = _sleap_with_its_video(("Video", "Pose"))
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "session.nwb", metadata=metadata)
    with NWBHDF5IO(tmp_path / "session.nwb", "r") as io:
        nwbfile = io.read()
        videos = [name for name, obj in nwbfile.acquisition.items() if type(obj).__name__ == "ImageSeries"]
        assert videos == ["Video melanogaster_courtship"]
        pose = next(c for c in nwbfile.processing["behavior"].data_interfaces.values() if hasattr(c, "source_video"))
        assert pose.source_video is nwbfile.acquisition["Video melanogaster_courtship"]


@needs_shared_data
@pytest.mark.parametrize("video_options", [dict(video_name="MyCam"), dict()])
def test_labels_before_the_video_interface_are_refused_as_poses_are(tmp_path, video_options):
    # Training data listed first got the video interface's entry (neuroconv merges in order) and wrote the video
    # first: pynwb's raw "Cannot add ImageSeries ... already exists" then, naming neither interface.
    import numpy as np
    import sleap_io as sio
    from neuroconv import ConverterPipe

    from poseconv.interfaces import SLEAPTrainingDataInterface
    from tests.fixtures.sleap import SLEAP_REPO

    video_path = SLEAP_REPO / "tests/data/videos/small_robot_3_frame.mp4"
    video, skeleton = sio.Video(filename=str(video_path), open_backend=False), sio.Skeleton(["a", "b"])
    user = sio.Instance.from_numpy(np.array([[1.0, 2.0], [3.0, 4.0]]), skeleton=skeleton)
    sio.save_slp(sio.Labels([sio.LabeledFrame(video=video, frame_idx=1, instances=[user])]), tmp_path / "l.slp")
    converter = ConverterPipe(
        data_interfaces=dict(
            Labels=SLEAPTrainingDataInterface(file_path=tmp_path / "l.slp"),
            Video=ExternalVideoInterface(file_paths=[video_path], **video_options),
        )
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(MetadataError, match=r"ExternalVideoInterface.*PoseNWBConverter.*training-data interface"):
        converter.run_conversion(nwbfile_path=tmp_path / "session.nwb", metadata=metadata)
