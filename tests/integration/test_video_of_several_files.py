"""One camera recorded in two files: neuroconv's ExternalVideoInterface(file_paths=[...]) and a SLEAP file of both."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from neuroconv import NWBConverter
from neuroconv.datainterfaces import ExternalVideoInterface
from pynwb import NWBHDF5IO

from poseconv import PoseNWBConverter, SLEAPPoseInterface
from poseconv.errors import PoseconvWarning
from tests.fixtures.video import write_video

FRAMES, RATE = 6, 20


def _write_video(path: Path) -> Path:
    """Write a small gray MPEG-4 video of FRAMES frames at RATE fps."""
    return write_video(path, FRAMES, RATE)


@pytest.fixture
def segments(tmp_path) -> tuple[list[Path], Path]:
    """Two segment files of one camera in ``rec/`` and a .slp of predictions on both (on every frame of each)."""
    return write_segments(tmp_path, ".mp4")


def write_segments(tmp_path: Path, suffix: str) -> tuple[list[Path], Path]:
    """Write :func:`segments`, the video files named with ``suffix``."""
    import sleap_io as sio

    folder = tmp_path / "rec"
    folder.mkdir()
    files = [_write_video(folder / f"session_part{k}{suffix}") for k in (1, 2)]
    skeleton = sio.Skeleton(["head", "tail"])
    videos = [sio.Video(filename=str(file), open_backend=False) for file in files]
    frames = [
        sio.LabeledFrame(
            video,
            i,
            [sio.PredictedInstance.from_numpy(np.array([[i, 1.0], [2.0, 3.0]]), skeleton=skeleton, score=0.9)],
        )
        for video in videos
        for i in range(FRAMES)
    ]
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=videos), str(folder / "poses.slp"))
    return files, folder / "poses.slp"


def _convert(segments, tmp_path: Path, base: type, second_start: float = 100.0) -> list[warnings.WarningMessage]:
    files, slp = segments

    class Session(base):
        data_interface_classes = dict(Video=ExternalVideoInterface, Pose=SLEAPPoseInterface)

    converter = Session(source_data=dict(Video=dict(file_paths=[str(f) for f in files]), Pose=dict(file_path=slp)))
    converter.data_interface_objects["Video"].set_aligned_segment_starting_times([0.0, 100.0])
    pose = converter.data_interface_objects["Pose"]
    first, second = pose.get_original_timestamps()
    pose.set_aligned_timestamps([first, second + second_start])
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        converter.run_conversion(nwbfile_path=tmp_path / "session.nwb", metadata=metadata, overwrite=True)
    return [w for w in caught if issubclass(w.category, PoseconvWarning)]


@pytest.mark.parametrize("base", [PoseNWBConverter, NWBConverter])
def test_the_poses_of_each_file_link_the_camera_s_one_video_and_camera(segments, tmp_path, base):
    # Before: the poses of session_part1.mp4 wrote 'Video session_part1_rec' (renamed after its folder, as another
    # camera's video of one name), those of session_part2.mp4 'Video session_part2', each with a camera of its
    # own: three ImageSeries and three cameras for one camera, the poses linking neither the video interface's.
    assert _convert(segments, tmp_path, base) == []
    with NWBHDF5IO(tmp_path / "session.nwb", "r") as io:
        nwbfile = io.read()
        assert list(nwbfile.acquisition) == ["Video session_part1"]
        video = nwbfile.acquisition["Video session_part1"]
        assert [Path(f).name for f in video.external_file[:]] == ["session_part1.mp4", "session_part2.mp4"]
        assert list(nwbfile.devices) == [video.device.name]
        containers = [c for c in nwbfile.processing["behavior"].data_interfaces.values() if hasattr(c, "source_video")]
        assert len(containers) == 2
        assert all(c.source_video is video and c.device is video.device for c in containers)


def test_poses_of_a_file_at_other_times_than_its_frames_are_warned_of(segments, tmp_path):
    # The second file's poses left at its own clock (from 0 s) while the video's second file starts at 100 s.
    caught = _convert(segments, tmp_path, PoseNWBConverter, second_start=0.0)
    assert len(caught) == 1
    assert "session_part2.mp4, from its frame 6" in str(caught[0].message)
