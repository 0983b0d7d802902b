"""PoseNWBConverter beside other interfaces: the metadata's types, and which interface writes a shared video."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pynwb import NWBHDF5IO

from poseconv import (
    DeepLabCutPoseInterface,
    DeepLabCutTrainingDataInterface,
    PoseConverterPipe,
    SLEAPPoseInterface,
    SLEAPTrainingDataInterface,
)
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, SINGLE_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLP_CLIP_PREDICTIONS, SLP_CLIP_PROOFREAD
from tests.fixtures.training import MULTI_MOUSE_PROJECT


def _recording_interface() -> object:
    """Return a neuroconv recording interface whose header gives a naive start time and a birth date."""
    from neuroconv.tools.testing.mock_interfaces import MockRecordingInterface

    class Recording(MockRecordingInterface):
        def get_metadata(self):
            metadata = super().get_metadata()
            metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, 10)
            born = datetime(2023, 10, 1, tzinfo=ZoneInfo("US/Pacific"))
            metadata["Subject"] = dict(subject_id="m1", species="Mus musculus", sex="M", date_of_birth=born)
            return metadata

    return Recording(durations=[0.1])


@needs_shared_data
def test_get_metadata_gives_back_the_datetimes_other_interfaces_gave(tmp_path):
    # They came back as ISO-8601 text, where neuroconv's ConverterPipe keeps datetimes: neuroconv's idiom
    # metadata["NWBFile"]["session_start_time"].replace(tzinfo=...) failed with a TypeError.
    from jsonschema import validate
    from neuroconv import ConverterPipe
    from neuroconv.utils.json_schema import NWBMetaDataEncoder

    def interfaces():
        return dict(Recording=_recording_interface(), Pose=DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5))

    converter = PoseConverterPipe(interfaces())
    metadata = converter.get_metadata()
    theirs = ConverterPipe(interfaces()).get_metadata()
    for block, key in (("NWBFile", "session_start_time"), ("Subject", "date_of_birth")):
        assert isinstance(metadata[block][key], datetime)
        assert metadata[block][key] == theirs[block][key]
    start = metadata["NWBFile"]["session_start_time"].replace(tzinfo=ZoneInfo("US/Pacific"))
    metadata["NWBFile"].update(session_start_time=start)
    converter.validate_metadata(metadata)
    # A form tool (NWB GUIDE) sends the metadata through JSON and checks it against the schema.
    sent = json.loads(json.dumps(metadata, cls=NWBMetaDataEncoder))
    validate(sent, converter.get_metadata_schema())
    converter.validate_metadata(sent)
    path = tmp_path / "session.nwb"
    converter.run_conversion(nwbfile_path=path, metadata=metadata, conversion_options=dict(Pose=dict(stub_test=True)))
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        assert nwbfile.session_start_time == start
        assert nwbfile.subject.date_of_birth == theirs["Subject"]["date_of_birth"]


@needs_shared_data
@pytest.mark.parametrize(
    ("labels", "poses"),
    [
        (lambda: DeepLabCutTrainingDataInterface(labeled_data_path=MULTI_MOUSE_PROJECT), MULTI_ANIMAL_H5),
        (lambda: SLEAPTrainingDataInterface(file_path=SLP_CLIP_PROOFREAD), SLP_CLIP_PREDICTIONS),
    ],
    ids=["deeplabcut", "sleap"],
)
def test_training_data_listed_first_leave_the_shared_video_at_the_aligned_poses_times(tmp_path, labels, poses):
    # The training interface, listed first, wrote the video both name at 0 s (it has no frame times); the poses,
    # aligned 5 s later, linked it, and were told to align a video interface that has no set_aligned_starting_time.
    interface = SLEAPPoseInterface if str(poses).endswith(".slp") else DeepLabCutPoseInterface
    pose = interface(file_path=poses)
    pose.set_aligned_starting_time(5.0)
    converter = PoseConverterPipe(dict(Labels=labels(), Pose=pose))
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    path = tmp_path / "session.nwb"
    options = dict(Labels=dict(stub_test=True), Pose=dict(stub_test=True))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        converter.run_conversion(nwbfile_path=path, metadata=metadata, conversion_options=options)
    assert not [w for w in caught if "link the video" in str(w.message)]
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        videos = list(nwbfile.acquisition.values())
        assert len(videos) == 1 and videos[0].starting_time == 5.0
        training = nwbfile.processing["behavior"]["PoseTraining"]
        assert list(training.source_videos.image_series.values()) == videos  # the frames link the same video


@needs_shared_data
def test_poses_without_their_video_link_the_video_a_video_interface_writes(tmp_path):
    # The poses took the video interface's camera but linked no video: only a video found beside the poses (or
    # given) was named, though the file holds the video of the same key.
    import shutil

    from neuroconv.datainterfaces import ExternalVideoInterface

    from tests.fixtures.deeplabcut import OPEN_FIELD

    alone = tmp_path / SINGLE_ANIMAL_H5.name  # no video beside it
    shutil.copy(SINGLE_ANIMAL_H5, alone)
    poses = DeepLabCutPoseInterface(file_path=alone, sampling_frequency=30.0)
    video = ExternalVideoInterface(file_paths=[OPEN_FIELD / "m3v1mp4.mp4"], verbose=False)
    converter = PoseConverterPipe(data_interfaces=dict(Poses=poses, Video=video))
    metadata = converter.get_metadata()
    assert metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["source_video_metadata_key"] == "video_m3v1mp4"
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    path = tmp_path / "session.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        converter.run_conversion(nwbfile_path=path, metadata=metadata)
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        (series,) = nwbfile.acquisition.values()
        container = nwbfile.processing["behavior"]["PoseEstimation"]
        assert container.source_video is series and container.device is series.device
        assert list(nwbfile.devices) == [series.device.name]
