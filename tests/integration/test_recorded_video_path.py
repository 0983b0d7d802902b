"""A video given to the conversion keeps, in the NWB file, the path the pose tool recorded of it."""

from __future__ import annotations

from datetime import UTC, datetime

import h5py
import numpy as np

from poseconv import SLEAPPoseInterface
from poseconv.nwb.read.pose import read_nwb
from tests.fixtures.video import write_video

RECORDED = "/home/labeller/project/20190128_113421.mp4"


def _write_video(path, n_frames: int = 4) -> None:
    write_video(path, n_frames, 20)


def test_the_recorded_path_of_a_video_given_is_in_the_description(tmp_path):
    # Before, with video_file_path= the SLEAP file's video path was kept nowhere in the NWB file, while without
    # the video the description said "The tool recorded the video as ...".
    import sleap_io as sio

    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename=RECORDED, open_backend=False)
    frames = [
        sio.LabeledFrame(video, i, [sio.PredictedInstance.from_numpy(np.array([[i, 1.0], [2.0, 3.0]]), skeleton)])
        for i in range(4)
    ]
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=[video]), str(tmp_path / "poses.slp"))
    _write_video(tmp_path / "session.mp4")
    interface = SLEAPPoseInterface(file_path=tmp_path / "poses.slp", video_file_path=tmp_path / "session.mp4")
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata)
    # Read back, the video is still the one linked (the sentence is not that of a video not here).
    (pose,) = read_nwb(tmp_path / "out.nwb")
    assert [info.original_path for info in pose.videos.values()] == ["session.mp4"]
    with h5py.File(tmp_path / "out.nwb", "r") as file:
        description = file["processing/behavior/PoseEstimation/description"][()].decode()
    assert f"The tool recorded the video as '{RECORDED}';" in description
