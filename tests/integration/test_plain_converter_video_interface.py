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


def _converter(order: tuple[str, str]) -> NWBConverter:
    classes = dict(Video=ExternalVideoInterface, Pose=DeepLabCutPoseInterface)

    class Session(NWBConverter):
        data_interface_classes = {name: classes[name] for name in order}

    return Session(source_data={name: SOURCE[name] for name in order})


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
