"""Two cameras whose videos have one file name, each in its own folder: each camera's poses link its video."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from neuroconv import NWBConverter
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface, PoseNWBConverter
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, write_dlc_file
from tests.fixtures.paths import needs_shared_data

VIDEO = MULTI_ANIMAL_DIR / "m3v1mp4short.mp4"
CAMERAS = ("top", "side")


def _camera_folders(tmp_path: Path) -> dict[str, Path]:
    """Lay out top/session1.mp4 and side/session1.mp4, each with DeepLabCut's predictions beside it.

    DeepLabCut names its output ``<video stem><scorer>.h5`` beside the video it analysed
    (deeplabcut/pose_estimation_pytorch/apis/videos.py, ``video_inference``), so per-camera folders
    hold files of one name.
    """
    files = {}
    rng = np.random.default_rng(3)
    for k, camera in enumerate(CAMERAS):
        folder = tmp_path / camera
        folder.mkdir()
        shutil.copy(VIDEO, folder / "session1.mp4")
        positions = {part: rng.uniform(0, 100, size=(31, 2)) for part in ("nose", "tail")}
        likelihood = {part: np.full(31, 0.5 + k / 10) for part in positions}
        scorer = f"DLC_resnet50_{camera}Jan1shuffle1_100"
        files[camera] = write_dlc_file(folder / f"session1{scorer}.h5", positions, likelihood=likelihood, scorer=scorer)
    return files


def _videos_of_poses(path: Path) -> dict[str, tuple[str, str, str]]:
    """Return, by the camera whose poses a container holds (its scorer), the video file, video and camera names."""
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        found = {}
        for container in nwbfile.processing["behavior"].data_interfaces.values():
            if type(container).__name__ != "PoseEstimation":
                continue
            camera = next(camera for camera in CAMERAS if f"_{camera}Jan1" in container.scorer)
            video = container.source_video
            assert container.device is video.device
            found[camera] = (Path(video.external_file[0]).parent.name, video.name, video.device.name)
        return found


EXPECTED = {
    "top": ("top", "Video session1", "Video session1 Camera Device"),
    "side": ("side", "Video session1_side", "Video session1_side Camera Device"),
}


@needs_shared_data
@pytest.mark.parametrize("plain", [False, True], ids=["PoseNWBConverter", "neuroconv-NWBConverter"])
def test_each_camera_s_poses_link_its_own_video_and_camera(tmp_path, plain):
    files = _camera_folders(tmp_path)

    class Session(NWBConverter if plain else PoseNWBConverter):
        data_interface_classes = dict(Top=DeepLabCutPoseInterface, Side=DeepLabCutPoseInterface)

    # In neuroconv's converter, which merges the interfaces' metadata, two cameras' containers need keys apart.
    converter = Session(
        source_data={
            name: dict(file_path=str(files[camera]), **({"metadata_key": camera} if plain else {}))
            for name, camera in (("Top", "top"), ("Side", "side"))
        }
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "session.nwb", metadata=metadata)
    assert _videos_of_poses(tmp_path / "session.nwb") == EXPECTED


@needs_shared_data
def test_poseconv_convert_names_them_as_the_converters_do(tmp_path):
    files = _camera_folders(tmp_path)
    output = tmp_path / "session.nwb"
    result = poseconv_in_process(
        "convert", files["top"], files["side"], "-o", output, "--session-start-time", "2024-01-01T00:00:00+00:00"
    )
    assert result.returncode == 0, result.stderr
    assert _videos_of_poses(output) == EXPECTED
