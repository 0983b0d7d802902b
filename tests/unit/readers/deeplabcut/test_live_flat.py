"""DeepLabCut-live's first ``analyze_live_video`` poses: the flat CSV and the HDF5 of plain datasets.

The files are written here as dlclive's ``save_poses_to_files`` wrote them before it saved pandas
tables (``live_inference.py`` / ``benchmark_videos``): ``csv.writer`` with the header ``frame,
<bp>_x, <bp>_y, <bp>_confidence, ...``, and h5py datasets ``frames`` and ``<bp>_<axis>``.
"""

from __future__ import annotations

import csv
import shutil
import warnings

import h5py
import numpy as np
import pandas as pd
import pytest
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface, PoseNWBConverter
from poseconv.catalog import detect_format
from poseconv.errors import InvalidSourceFileError, PoseconvWarning, UnsupportedFormatError
from poseconv.readers.deeplabcut.predictions import is_deeplabcut_file, read_deeplabcut
from tests.fixtures.cli import one_session_spec, poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR
from tests.fixtures.paths import needs_shared_data

# Not in name order, with underscores, one ending like an axis suffix: the order and the names are the file's.
BODYPARTS = ["nose", "left_ear", "tail_x", "base"]
TIMED = "session1_poses_20250101_120000"
UNTIMED = "session1_poses"


def _poses(n_frames: int, seed: int = 0) -> np.ndarray:
    """``(frames, bodyparts, x y confidence)`` as the model gives them (float32)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 600, (n_frames, len(BODYPARTS), 2))
    return np.concatenate([xy, rng.uniform(0, 1, (n_frames, len(BODYPARTS), 1))], axis=2).astype("float32")


def write_flat_csv(path, frames, poses, *, cell=lambda value: value) -> None:
    """Write the CSV as ``save_poses_to_files`` does; ``cell`` turns each value into what the row holds."""
    with open(path, mode="w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["frame"] + [f"{bp}_{axis}" for bp in BODYPARTS for axis in ["x", "y", "confidence"]])
        for frame, pose in zip(frames, poses, strict=True):
            writer.writerow([frame] + [cell(item) for kp in pose for item in kp])


def write_flat_h5(path, frames, poses) -> None:
    """Write the ``.h5`` as ``save_poses_to_files`` does: one dataset per bodypart and axis, made in that order."""
    with h5py.File(path, "w") as hf:
        hf.create_dataset(name="frames", data=list(frames))
        for i, bp in enumerate(BODYPARTS):
            for j, axis in enumerate(["x", "y", "confidence"]):
                hf.create_dataset(name=f"{bp}_{axis}", data=[pose[i, j].item() for pose in poses])


def write_flat(path, frames, poses) -> None:
    (write_flat_csv if path.suffix == ".csv" else write_flat_h5)(path, frames, poses)


def as_written(poses: np.ndarray, suffix: str) -> np.ndarray:
    """The values the file holds: csv.writer writes str() of each float32, its shortest decimal."""
    if suffix != ".csv":
        return poses.astype("float64")
    return np.array([float(str(value)) for value in poses.ravel()]).reshape(poses.shape)


def _values(pose):
    (track,) = pose.tracks
    return list(pose.skeletons[track.skeleton].nodes), np.asarray(track.positions), np.asarray(track.confidence)


@needs_shared_data
@pytest.mark.parametrize("stem", [TIMED, UNTIMED])
@pytest.mark.parametrize("suffix", [".csv", ".h5"])
def test_flat_poses_read_as_the_pandas_benchmark_tables_with_the_same_values(tmp_path, suffix, stem):
    poses = _poses(20)
    written = as_written(poses, suffix)
    flat, tables = tmp_path / "flat", tmp_path / "pandas"
    for folder in (flat, tables):
        folder.mkdir()
        # The analysed video, beside its poses as analyze_live_video leaves them.
        shutil.copy(MULTI_ANIMAL_DIR / "m3v1mp4short.mp4", folder / "session1.mp4")
    path = flat / f"{stem}{suffix}"
    write_flat(path, range(20), poses)
    # The same poses as the later, pandas, save_poses_to_files writes them.
    columns = pd.MultiIndex.from_product([BODYPARTS, ["x", "y", "likelihood"]], names=["bodyparts", "coords"])
    pd.DataFrame(written.reshape(20, -1), columns=columns).to_hdf(tables / f"{TIMED}.h5", key="df_with_missing")
    with warnings.catch_warnings():
        # Its name says DeepLabCut-live wrote it, as the flat files' layout does: no warning of another writer.
        warnings.simplefilter("error", PoseconvWarning)
        table_pose = read_deeplabcut(tables / f"{TIMED}.h5")
    assert table_pose.source_software == "DeepLabCut-live"

    assert is_deeplabcut_file(path) and detect_format(path).name == "DeepLabCut"
    with warnings.catch_warnings():
        # The writer is known: nothing read by position is left to doubt.
        warnings.simplefilter("error", PoseconvWarning)
        pose = read_deeplabcut(path)
    assert pose.source_software == "DeepLabCut-live" and pose.scorer == "DeepLabCut-live"
    assert [track.name for track in pose.tracks] == [track.name for track in table_pose.tracks]
    assert [video.path.name for video in pose.videos.values()] == ["session1.mp4"]
    nodes, positions, confidence = _values(pose)
    assert nodes == BODYPARTS == _values(table_pose)[0]
    np.testing.assert_array_equal(positions, written[:, :, :2])
    np.testing.assert_array_equal(confidence, written[:, :, 2])
    np.testing.assert_array_equal(positions, _values(table_pose)[1])
    np.testing.assert_array_equal(confidence, _values(table_pose)[2])


@pytest.mark.parametrize("suffix", [".csv", ".h5"])
def test_rows_are_placed_on_the_frames_their_frame_column_numbers(tmp_path, suffix):
    poses = _poses(4)
    path = tmp_path / f"{TIMED}{suffix}"
    write_flat(path, [3, 4, 6, 7], poses)
    poses = as_written(poses, suffix)
    _nodes, positions, confidence = _values(read_deeplabcut(path, find_side_files=False))
    assert positions.shape == (8, len(BODYPARTS), 2)
    np.testing.assert_array_equal(positions[[3, 4, 6, 7]], poses[:, :, :2])
    np.testing.assert_array_equal(confidence[[3, 4, 6, 7]], poses[:, :, 2])
    assert np.isnan(positions[[0, 1, 2, 5]]).all() and np.isnan(confidence[[0, 1, 2, 5]]).all()
    write_flat(path, [0, 2, 2, 3], poses)
    with pytest.raises(InvalidSourceFileError, match="repeated or out of order"):
        read_deeplabcut(path, find_side_files=False)


def test_only_the_writers_exact_layout_is_taken_for_it(tmp_path):
    write_flat_csv(tmp_path / "ok.csv", [0], _poses(1))
    write_flat_h5(tmp_path / "ok.h5", [0], _poses(1))
    assert is_deeplabcut_file(tmp_path / "ok.csv") and is_deeplabcut_file(tmp_path / "ok.h5")
    headers = {
        "random": "a,x,y",
        "no_confidence": "frame,nose_x,nose_y",
        "out_of_order": "frame,nose_x,nose_confidence,nose_y",
        "two_bodyparts_mixed": "frame,nose_x,ear_y,nose_confidence",
        "no_frame_column": "time,nose_x,nose_y,nose_confidence",
        "capitalised": "Frame,nose_x,nose_y,nose_confidence",
        "no_bodypart": "frame,_x,_y,_confidence",
    }
    for name, header in headers.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(f"{header}\n" + ",".join(["0"] * len(header.split(","))) + "\n", encoding="utf-8")
        assert not is_deeplabcut_file(path), name
        with pytest.raises(UnsupportedFormatError, match="does not look like output of DeepLabCut"):
            detect_format(path)
    one = np.zeros(1)
    datasets = {
        "no_confidence": {"frames": one, "nose_x": one, "nose_y": one},
        "no_frames": {"nose_x": one, "nose_y": one, "nose_confidence": one},
        "other_axis": {"frames": one, "nose_x": one, "nose_y": one, "nose_confidence": one, "nose_z": one},
        "lengths_differ": {"frames": one, "nose_x": one, "nose_y": np.zeros(2), "nose_confidence": one},
        "two_dimensional": {"frames": one, "nose_x": one, "nose_y": one, "nose_confidence": np.zeros((1, 2))},
    }
    for name, members in datasets.items():
        with h5py.File(path := tmp_path / f"{name}.h5", "w") as hf:
            for key, data in members.items():
                hf.create_dataset(key, data=data)
        assert not is_deeplabcut_file(path), name
    with h5py.File(path := tmp_path / "with_group.h5", "w") as hf:
        for key in ("frames", "nose_x", "nose_y", "nose_confidence"):
            hf.create_dataset(key, data=one)
        hf.create_group("extra")
    assert not is_deeplabcut_file(path)


def test_values_torch_printed_are_read_with_a_warning(tmp_path):
    # The first analyze_live_video wrote each value with str(); a torch model's are 0-d tensors.
    poses = np.round(_poses(3), 4)
    path = tmp_path / f"{UNTIMED}.csv"
    write_flat_csv(path, range(3), poses, cell=lambda value: f"tensor({value:.4f}, device='cuda:0')")
    with pytest.warns(PoseconvWarning, match="as torch prints tensors"):
        _nodes, positions, confidence = _values(read_deeplabcut(path, find_side_files=False))
    np.testing.assert_allclose(positions, poses[:, :, :2], atol=1e-4)
    np.testing.assert_allclose(confidence, poses[:, :, 2], atol=1e-4)
    path.write_text("frame,nose_x,nose_y,nose_confidence\n0,1.5,lost,0.9\n", encoding="utf-8")
    with pytest.raises(InvalidSourceFileError, match="'nose_y' holds 'lost', not a number"):
        read_deeplabcut(path, find_side_files=False)


def test_the_interface_and_the_converter_convert_the_flat_h5(tmp_path):
    poses = _poses(10)
    path = tmp_path / f"{TIMED}.h5"
    write_flat_h5(path, range(10), poses)

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Pose=DeepLabCutPoseInterface)

    converter = Converter(source_data=dict(Pose=dict(file_path=str(path), sampling_frequency=30.0)))
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = "2024-05-01T10:00:00+00:00"
    out = tmp_path / "a.nwb"
    converter.run_conversion(nwbfile_path=out, metadata=metadata)
    with NWBHDF5IO(out, "r") as io:
        container = io.read().processing["behavior"]["PoseEstimation"]
        assert container.source_software == "DeepLabCut-live"
        assert list(container.skeleton.nodes[:]) == BODYPARTS
        for j, node in enumerate(BODYPARTS):
            np.testing.assert_array_equal(container.pose_estimation_series[node].data[:], poses[:, j, :2])
            np.testing.assert_array_equal(container.pose_estimation_series[node].confidence[:], poses[:, j, 2])


@pytest.mark.parametrize("entry", ["convert", "run"])
def test_the_cli_detects_the_flat_csv_and_exports_it_to_deeplabcut_with_its_values(tmp_path, entry):
    poses = _poses(12)
    source = tmp_path / f"{UNTIMED}.csv"
    write_flat_csv(source, range(12), poses)
    poses = as_written(poses, ".csv")
    out = tmp_path / "session1.nwb"
    start = "2024-05-01T10:00:00+00:00"
    if entry == "convert":
        result = poseconv_in_process("convert", source, "-o", out, "--fps", "30", "--session-start-time", start)
    else:
        pose = f"{{file_path: {source}, sampling_frequency: 30}}"
        spec = one_session_spec(tmp_path, pose, session_id="session1", start=f"'{start}'", output_folder=tmp_path)
        result = poseconv_in_process("run", spec, "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    exported = tmp_path / "back.h5"
    result = poseconv_in_process("export", out, "--to", "dlc", exported, "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    table = pd.read_hdf(exported)
    assert list(dict.fromkeys(table.columns.get_level_values("bodyparts"))) == BODYPARTS
    for j, part in enumerate(BODYPARTS):
        values = table.xs(part, axis=1, level="bodyparts")
        np.testing.assert_array_equal(values.xs("x", axis=1, level="coords").to_numpy()[:, 0], poses[:, j, 0])
        np.testing.assert_array_equal(values.xs("y", axis=1, level="coords").to_numpy()[:, 0], poses[:, j, 1])
        np.testing.assert_array_equal(values.xs("likelihood", axis=1, level="coords").to_numpy()[:, 0], poses[:, j, 2])
