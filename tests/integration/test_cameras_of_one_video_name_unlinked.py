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
def test_get_metadata_handed_back_keeps_each_camera(tmp_path):
    # neuroconv's idiom: get_metadata(), edit, run_conversion(metadata=...). get_metadata() shows the two cameras'
    # one key once (the last input's description); handed back unedited it is no choice: two Devices, as the CLI.
    files, _ = _camera_folders(tmp_path)
    converter = PoseConverterPipe({camera: DeepLabCutPoseInterface(file_path=files[camera]) for camera in CAMERAS})
    metadata = converter.get_metadata()
    assert list(metadata["Devices"]) == ["video_session1_camera"]
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "handed_back.nwb", metadata=metadata)
    assert _devices(tmp_path / "handed_back.nwb") == [
        "Video session1 Camera Device",
        "Video session1_side Camera Device",
    ]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_file_with_one_device_for_both_cameras_reads_them_apart_by_rate(tmp_path):
    # A camera description the user gives the shared key applies to both inputs: one Device (the user's choice);
    # the rates recorded tell the cameras apart still.
    files, _ = _camera_folders(tmp_path)
    converter = PoseConverterPipe({camera: DeepLabCutPoseInterface(file_path=files[camera]) for camera in CAMERAS})
    metadata = converter.get_metadata()
    metadata["Devices"]["video_session1_camera"]["description"] = "The rig's camera."
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "one_device.nwb", metadata=metadata)
    assert _devices(tmp_path / "one_device.nwb") == ["Video session1 Camera Device"]
    (pose,) = read_nwb(tmp_path / "one_device.nwb")
    assert sorted(pose.n_frames(video) for video in pose.videos) == [20, 40]


def test_a_file_given_by_its_bare_name_is_in_its_folder(tmp_path, monkeypatch):
    # Run inside top/ (`poseconv convert session1DLC...h5 ../side/session1DLC...h5`): the bare name is in top/ too.
    files, _ = _camera_folders(tmp_path)
    monkeypatch.chdir(tmp_path / "top")
    output = tmp_path / "cwd.nwb"
    result = poseconv_in_process(
        "convert", files["top"].name, f"../side/{files['side'].name}", "-o", output, "--session-start-time", START
    )
    assert result.returncode == 0, result.stderr
    assert sorted(name for name, _ in _cameras_of_poses(output).values()) == [
        "Video session1 Camera Device",
        "Video session1_side Camera Device",
    ]
    (pose,) = read_nwb(output)
    assert sorted(pose.videos) == ["session1", "session1_side"]


def _devices(path):
    with NWBHDF5IO(path, "r") as io:
        return sorted(io.read().devices)


def test_two_models_of_one_video_are_one_camera(tmp_path):
    # Two DeepLabCut models (folders of their own) run on one video: one camera, one video read back.
    rng = np.random.default_rng(3)
    files = []
    for folder, scorer in (("modelA", SCORER), ("modelB", "DLC_resnet101_projJan1shuffle2_20000")):
        (tmp_path / folder).mkdir()
        positions = {part: rng.uniform(0, 100, (20, 2)) for part in ("nose", "tail")}
        files.append(write_dlc_file(tmp_path / folder / f"session1{scorer}.h5", positions, scorer=scorer))
    output = tmp_path / "models.nwb"
    result = poseconv_in_process("convert", *files, "-o", output, "--fps", "30", "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert _devices(output) == ["Video session1 Camera Device"]
    # Read back one PoseData per model, each of the one video.
    assert [list(pose.videos) for pose in read_nwb(output)] == [["session1"], ["session1"]]


def test_sleap_and_deeplabcut_on_one_video_are_one_camera(tmp_path):
    # SLEAP records the video (/lab/videos/session1.mp4, absent); DeepLabCut's file of it is in a folder of its own.
    import sleap_io as sio

    from tests.fixtures.sleap import predictions_per_frame

    skeleton = sio.Skeleton(["nose", "tail"])
    video = sio.Video(filename="/lab/videos/session1.mp4", open_backend=False)
    points = np.array([[10.0, 20.0], [30.0, 40.0]])
    labels = predictions_per_frame(video, skeleton, range(20), points, point_scores=np.ones(2))
    (tmp_path / "sleap").mkdir()
    slp = tmp_path / "sleap" / "session1.predictions.slp"
    sio.save_slp(labels, slp)
    (tmp_path / "dlc").mkdir()
    positions = {part: np.random.default_rng(4).uniform(0, 100, (20, 2)) for part in ("nose", "tail")}
    dlc = write_dlc_file(tmp_path / "dlc" / f"session1{SCORER}.h5", positions, scorer=SCORER)
    output = tmp_path / "tools.nwb"
    result = poseconv_in_process("convert", slp, dlc, "-o", output, "--fps", "30", "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert _devices(output) == ["Video session1 Camera Device"]


def test_two_models_of_two_recorded_videos_are_two_cameras(tmp_path):
    # SLEAP, one model per camera (its own provenance), each file recording its own camera's session1.mp4.
    import sleap_io as sio

    from tests.fixtures.sleap import predictions_per_frame

    skeleton = sio.Skeleton(["nose", "tail"])
    files = []
    for camera in CAMERAS:
        video = sio.Video(filename=f"/lab/{camera}/session1.mp4", open_backend=False)
        points = np.array([[10.0, 20.0], [30.0, 40.0]])
        labels = predictions_per_frame(video, skeleton, range(20), points, point_scores=np.ones(2))
        labels.provenance = {"model_paths": [f"/lab/models/{camera}_model/training_config.json"]}
        (tmp_path / camera).mkdir()
        files.append(tmp_path / camera / "session1.predictions.slp")
        sio.save_slp(labels, files[-1])
    output = tmp_path / "recorded.nwb"
    result = poseconv_in_process("convert", *files, "-o", output, "--fps", "30", "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert _devices(output) == ["Video session1 Camera Device", "Video session1_side Camera Device"]
