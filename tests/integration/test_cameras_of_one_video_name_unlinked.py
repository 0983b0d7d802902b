"""Two cameras whose poses have one file name in folders of their own, converted without their videos.

DeepLabCut names its output ``<video stem><scorer>.h5`` beside the video (per-camera folders ``top/``, ``side/``
hold files of one name) and records each video's rate and size in ``_meta.pickle``. Without the videos, the
cameras were written as one Device, and read back (``inspect``, ``export``) as one video: the 30 Hz camera's
poses on every other row of the 60 Hz one's.
"""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface
from poseconv.interfaces.converter import PoseConverterPipe
from poseconv.nwb.read.pose import read_nwb
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import write_dlc_file

SCORER = "DLC_resnet50_projJan1shuffle1_50000"
# Camera: (frames, rate, (height, width)).
CAMERAS = {"top": (20, 30.0, (480, 640)), "side": (40, 60.0, (720, 1280))}
START = "2024-01-01T00:00:00+00:00"


def _camera_folders(root):
    """Lay out top/session1DLC...h5 and side/session1DLC...h5, each with its _meta.pickle, and no video."""
    files, tables = {}, {}
    for k, (camera, (n_frames, fps, size)) in enumerate(CAMERAS.items()):
        folder = root / camera
        folder.mkdir()
        rng = np.random.default_rng(k)
        positions = {part: rng.uniform(0, 100, (n_frames, 2)) for part in ("nose", "tail")}
        files[camera] = write_dlc_file(folder / f"session1{SCORER}.h5", positions, scorer=SCORER)
        tables[camera] = positions
        data = {"fps": fps, "nframes": n_frames, "frame_dimensions": list(size), "Scorer": SCORER}
        (folder / f"session1{SCORER}_meta.pickle").write_bytes(pickle.dumps({"data": data}))
    return files, tables


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    root = tmp_path_factory.mktemp("cameras")
    files, tables = _camera_folders(root)
    output = root / "session.nwb"
    result = poseconv_in_process("convert", files["top"], files["side"], "-o", output, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    return root, output, tables


def _cameras_of_poses(path):
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        containers = [c for c in nwbfile.processing["behavior"].data_interfaces.values() if hasattr(c, "scorer")]
        return {
            int(next(iter(c.pose_estimation_series.values())).rate): (c.device.name, c.device.description)
            for c in containers
        }


def test_each_camera_is_its_own_device(converted):
    _, output, _ = converted
    assert _cameras_of_poses(output) == {
        30: (
            "Video session1 Camera Device",
            "Camera that recorded the behavior video 'session1', in the folder 'top'.",
        ),
        60: (
            "Video session1_side Camera Device",
            "Camera that recorded the behavior video 'session1', in the folder 'side'.",
        ),
    }


def test_read_back_each_camera_is_its_own_video(converted):
    _, output, tables = converted
    (pose,) = read_nwb(output)
    assert {video: pose.n_frames(video) for video in pose.videos} == {"session1": 20, "session1_side": 40}
    for camera, video in (("top", "session1"), ("side", "session1_side")):
        (track,) = [track for track in pose.tracks if track.video == video]
        np.testing.assert_allclose(np.asarray(track.positions[:])[:, 0], tables[camera]["nose"])


def test_export_to_deeplabcut_writes_one_table_per_camera(converted):
    root, output, tables = converted
    result = poseconv_in_process("export", output, root / "exported.h5", "--to", "dlc", "-q")
    assert result.returncode == 0, result.stderr
    for camera, name in (("top", "exported_session1.h5"), ("side", "exported_session1_side.h5")):
        table = pd.read_hdf(root / name)
        assert len(table) == CAMERAS[camera][0]
        nose = table.xs("nose", axis=1, level="bodyparts")
        np.testing.assert_allclose(nose.xs("x", axis=1, level="coords").to_numpy()[:, 0], tables[camera]["nose"][:, 0])


def test_one_camera_keeps_its_name(tmp_path):
    files, _ = _camera_folders(tmp_path)
    output = tmp_path / "top.nwb"
    result = poseconv_in_process("convert", files["top"], "-o", output, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert _cameras_of_poses(output)[30][0] == "Video session1 Camera Device"


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_file_with_one_device_for_both_cameras_reads_them_apart_by_rate(tmp_path):
    # get_metadata() handed back gives both inputs one camera entry (written as one Device, as before the fix);
    # the rates recorded tell the cameras apart still.
    files, _ = _camera_folders(tmp_path)
    converter = PoseConverterPipe({camera: DeepLabCutPoseInterface(file_path=files[camera]) for camera in CAMERAS})
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "one_device.nwb", metadata=metadata)
    (pose,) = read_nwb(tmp_path / "one_device.nwb")
    assert sorted(pose.n_frames(video) for video in pose.videos) == [20, 40]
