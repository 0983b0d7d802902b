"""Float32 storage where exact: the file is float32, every reader gets the source's float64 bits back.

DeepLabCut and SLEAP compute in float32 and store float64, so their values fit float32
exactly. The writer stores a series' ``data`` / ``confidence`` as float32 only when every
value round-trips float64 -> float32 -> float64 unchanged; these tests compare bit patterns
(``view(np.uint64)``, NaN positions equal) of what comes back through ``read_nwb`` and the
exporters against the source read by its own tool (pandas, sleap-io).
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import h5py
import numpy as np
import pandas as pd
import pytest
import sleap_io as sio

from poseconv.exporters.deeplabcut import write_deeplabcut
from poseconv.exporters.movement import to_movement_dataset
from poseconv.exporters.sleap import write_slp
from poseconv.interfaces import DeepLabCutPoseInterface, SLEAPPoseInterface
from poseconv.nwb.read.pose import read_nwb
from poseconv.nwb.write.series_iterators import FLOAT32_WHERE_EXACT
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5, write_dlc_file
from tests.fixtures.sleap import SLP_CLIP_PREDICTIONS

needs_data = pytest.mark.skipif(
    not (SINGLE_ANIMAL_H5.exists() and SLP_CLIP_PREDICTIONS.exists()),
    reason="needs the real DeepLabCut and SLEAP files in ../shared/data",
)


def assert_same_bits(got, expected) -> None:
    """Same shape, NaN at the same places, every other value the same float64 bits."""
    got = np.asarray(got, dtype="float64")
    expected = np.asarray(expected, dtype="float64")
    assert got.shape == expected.shape
    nan = np.isnan(expected)
    assert np.array_equal(np.isnan(got), nan)
    assert np.array_equal(got[~nan].view(np.uint64), expected[~nan].view(np.uint64))


def to_nwb(interface, path):
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface.run_conversion(nwbfile_path=path, metadata=metadata)
    return path


def stored_series(path) -> dict[str, h5py.Group]:
    """Every PoseEstimationSeries group of the file by path, read with h5py (no pynwb in between)."""
    found = {}

    def visit(name, item):
        if isinstance(item, h5py.Group) and item.attrs.get("neurodata_type") == "PoseEstimationSeries":
            found[name] = item

    handle = h5py.File(path, "r")
    handle.visititems(visit)
    return handle, found


@needs_data
def test_deeplabcut_file_is_float32_and_every_reader_gets_the_same_bits(tmp_path):
    nwb = to_nwb(DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5, sampling_frequency=30.0), tmp_path / "x.nwb")
    handle, series = stored_series(nwb)
    with handle:
        assert series
        for group in series.values():
            assert group["data"].dtype == np.float32 and group["confidence"].dtype == np.float32
            assert FLOAT32_WHERE_EXACT in group.attrs["comments"]
    source = pd.read_hdf(SINGLE_ANIMAL_H5)
    scorer = source.columns.get_level_values("scorer")[0]
    parts = list(dict.fromkeys(source.columns.get_level_values("bodyparts")))
    expected_xy = np.stack([source[scorer][part][["x", "y"]].to_numpy() for part in parts], axis=1)
    expected_likelihood = np.stack([source[scorer][part]["likelihood"].to_numpy() for part in parts], axis=1)

    [pose] = read_nwb(nwb)
    [track] = pose.tracks
    assert_same_bits(track.positions[:], expected_xy)
    assert_same_bits(track.confidence[:], expected_likelihood)

    back = pd.read_hdf(write_deeplabcut(pose, tmp_path / "back.h5"))
    assert_same_bits(back.to_numpy(), source.to_numpy())

    dataset = to_movement_dataset(pose)
    assert_same_bits(dataset["position"].values[:, :, :, 0], np.moveaxis(expected_xy, 1, 2))
    assert_same_bits(dataset["confidence"].values[:, :, 0], expected_likelihood)


@needs_data
def test_sleap_file_is_float32_and_every_reader_gets_the_same_bits(tmp_path):
    nwb = to_nwb(SLEAPPoseInterface(file_path=SLP_CLIP_PREDICTIONS, sampling_frequency=25.0), tmp_path / "x.nwb")
    handle, series = stored_series(nwb)
    with handle:
        assert series
        assert all(group["data"].dtype == np.float32 for group in series.values())
        assert all(group["confidence"].dtype == np.float32 for group in series.values() if "confidence" in group)
    labels = sio.load_slp(str(SLP_CLIP_PREDICTIONS))
    expected = labels.numpy(return_confidence=True)  # (frames, tracks, nodes, 3): x, y, score

    [pose] = read_nwb(nwb)
    by_name = {track.name: track for track in pose.tracks}
    for k, track_name in enumerate(t.name for t in labels.tracks):
        track = by_name[track_name]
        n = track.positions.shape[0]
        assert_same_bits(track.positions[:], expected[:n, k, :, :2])
        assert_same_bits(track.confidence[:], expected[:n, k, :, 2])

    back = sio.load_slp(str(write_slp(pose, tmp_path / "back.slp")))
    got = back.numpy(return_confidence=True)
    assert_same_bits(got, expected[: got.shape[0]])


def test_a_value_float32_cannot_hold_keeps_its_series_float64(tmp_path):
    """One x of one body part is 0.1 (no float32 twin): that series stays float64, the others are float32."""
    rng = np.random.default_rng(7)
    xy = {part: (rng.random((50, 2), dtype=np.float32) * 600).astype(np.float64) for part in ("nose", "tail")}
    xy["nose"][17, 0] = 0.1
    likelihood = {part: rng.random(50, dtype=np.float32).astype(np.float64) for part in xy}
    source = write_dlc_file(tmp_path / "videoDLC_resnet50_testJan1shuffle1_100.h5", xy, likelihood=likelihood)
    nwb = to_nwb(DeepLabCutPoseInterface(file_path=source, sampling_frequency=30.0), tmp_path / "x.nwb")
    handle, series = stored_series(nwb)
    with handle:
        dtypes = {name.rsplit("/", 1)[1]: (g["data"].dtype, g["confidence"].dtype) for name, g in series.items()}
    assert dtypes == {"nose": (np.float64, np.float32), "tail": (np.float32, np.float32)}
    [pose] = read_nwb(nwb)
    [track] = pose.tracks
    assert_same_bits(track.positions[:], np.stack([xy["nose"], xy["tail"]], axis=1))
    assert_same_bits(track.confidence[:], np.stack([likelihood["nose"], likelihood["tail"]], axis=1))
