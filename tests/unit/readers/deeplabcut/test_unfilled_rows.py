"""DeepLabCut 2's rows of frames its video does not decode (0 in every column): left out with or without the video."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from poseconv import DeepLabCutPoseInterface
from poseconv.errors import PoseconvWarning
from poseconv.readers.deeplabcut import read_deeplabcut
from tests.fixtures.paths import SHARED_DATA, needs_shared_data
from tests.fixtures.video import write_video

TENSORFLOW_SCORER = "DLC_resnet50_projMay1shuffle1_100000"
PYTORCH_SCORER = "DLC_Resnet50_projMay1shuffle1_snapshot_200"
UNFILLED = r"rows 8\.\.9 are 0 in every column \(x, y and confidence\), as DeepLabCut 2 leaves"


def _table(folder, scorer: str = TENSORFLOW_SCORER, *, tail: float = 0.0, suffix: str = ".h5"):
    """Write ``cam<scorer>`` with 10 rows, the last two ``tail`` in every column, as DeepLabCut names its files."""
    folder.mkdir(exist_ok=True)
    columns = pd.MultiIndex.from_product(
        [[scorer], ["nose", "ear"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    values = np.random.default_rng(1).random((10, 6)) * [100, 100, 1, 100, 100, 1] + [1, 1, 0.01, 1, 1, 0.01]
    values[8:] = tail
    path = folder / f"cam{scorer}{suffix}"
    frame = pd.DataFrame(values, columns=columns)
    if suffix == ".csv":
        frame.to_csv(path)
    else:
        frame.to_hdf(path, key="df_with_missing", format="table", mode="w")
    return path, values


def _poses(**kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (track,) = DeepLabCutPoseInterface(sampling_frequency=30.0, **kwargs).pose.tracks
    return np.asarray(track.positions), [str(w.message) for w in caught]


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_rows_left_at_zero_are_left_out_without_the_video_as_with_it(tmp_path, suffix):
    # Without its video (moved, analysed into destfolder=, another computer) the rows were written as poses at
    # (0, 0) of confidence 0, silently: the NWB file depended on the video being on the machine.
    table, values = _table(tmp_path / "poses", suffix=suffix)
    video = write_video(tmp_path / "elsewhere.mp4", n_frames=8)
    alone, said_alone = _poses(file_path=table)
    given, said_given = _poses(file_path=table, video_file_path=video)
    np.testing.assert_array_equal(alone, given)
    np.testing.assert_array_equal(alone[:, 0], values[:8, [0, 1]])
    for said in (said_alone, said_given):
        (message,) = [m for m in said if "are 0 in every column" in m]
        assert message.startswith(f"{table.name}: ") and "the poses are written for the 8 frames before them" in message
    # The video found beside the poses is probed, and names its frames.
    shutil.copy(video, tmp_path / "poses" / "cam.mp4")
    beside, said_beside = _poses(file_path=table)
    np.testing.assert_array_equal(beside, alone)
    assert any("8 frames of the video" in m and "cam.mp4" in m for m in said_beside if "every column" in m)


def test_the_same_warning_says_the_rows_with_or_without_the_video(tmp_path):
    table, _ = _table(tmp_path)
    with pytest.warns(PoseconvWarning, match=UNFILLED):
        pose = read_deeplabcut(table)
    assert pose.tracks[0].n_frames == 8


def test_deeplabcut_3_rows_are_kept_as_written(tmp_path):
    # DeepLabCut 3 writes a row per frame it decodes, and its model zoo's FMPose3D writes 0 where it detects no one.
    table, values = _table(tmp_path, PYTORCH_SCORER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoseconvWarning)
        (track,) = read_deeplabcut(table).tracks
    np.testing.assert_array_equal(np.asarray(track.positions)[:, 0], values[:, [0, 1]])


@pytest.mark.parametrize("tail", [np.nan, 0.5], ids=["missing", "poses"])
def test_rows_holding_a_value_are_kept(tmp_path, tail):
    table, _ = _table(tmp_path, tail=tail)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        (track,) = read_deeplabcut(table).tracks
    assert track.n_frames == 10
    # Only the last row was read (past the block cache), to know that it holds a value.
    assert track.positions.table.blocks_read == 0


def test_a_table_of_zeros_only_is_left_as_it_is(tmp_path):
    table, _ = _table(tmp_path)
    frame = pd.read_hdf(table)
    (frame * 0).to_hdf(table, key="df_with_missing", format="table", mode="w")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        (track,) = read_deeplabcut(table).tracks
    assert track.n_frames == 10


@needs_shared_data
@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_movements_sample_of_deeplabcut_2_ends_in_rows_it_left_at_zero(suffix):
    # Analysed with batch_size 8 (GetPoseF), its _meta.pickle records nframes 1085 (the header's count), and the
    # video decoded 1076: rows 1076 to 1084 are 0 in every column.
    path = SHARED_DATA / "movement" / "data" / f"DLC_sample_poses{suffix}"
    with pytest.warns(PoseconvWarning, match=r"rows 1076\.\.1084 are 0 in every column"):
        (track,) = read_deeplabcut(path).tracks
    assert track.n_frames == 1076 and np.any(np.asarray(track.positions)[-1] != 0)
