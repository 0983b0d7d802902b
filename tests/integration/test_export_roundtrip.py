"""Round trips through NWB: DeepLabCut file -> NWB -> DeepLabCut file, and .slp -> NWB -> .slp.

The DeepLabCut comparison reads both files the way DeepLabCut does (``pd.read_hdf`` / ``pd.read_csv``
with the header rows) and compares with ``check_exact=True``: every value, NaN included, and every
header level (scorer, individuals with ``single``, bodyparts, coords) must be identical.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
import sleap_io as sio

from poseconv.exporters.deeplabcut import DLC_H5_KEY, write_deeplabcut
from poseconv.exporters.sleap import write_slp
from poseconv.interfaces import DeepLabCutPoseInterface
from poseconv.nwb.read.pose import read_nwb
from tests.fixtures.deeplabcut import (
    MULTI_ANIMAL_CSV,
    MULTI_ANIMAL_H5,
    RATS_H5,
    SINGLE_ANIMAL_CSV,
    SINGLE_ANIMAL_H5,
    THREE_D_CSV,
    table_alone,
)
from tests.fixtures.movement import plural_dims
from tests.fixtures.paths import SHARED_DATA

SLP_FILES = {
    # SLEAP 1.2.7 predictions, 2 tracks, 101 frames.
    "provenance": SHARED_DATA / "neuroconv/behavior_testing_data/sleap/predictions_1.2.7_provenance_and_tracking.slp",
    # 1 frame: user instances on tracks "1" and "2" plus an untracked prediction.
    "typical": SHARED_DATA / "sleap-io.js/tests/data/slp/typical.slp",
}


def read_dlc_like_deeplabcut(path):
    if path.suffix == ".csv":
        levels = 4 if "individuals" in path.read_text().splitlines()[1] else 3
        return pd.read_csv(path, header=list(range(levels)), index_col=0)
    return pd.read_hdf(path)


def to_nwb(interface, path):
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface.run_conversion(nwbfile_path=path, metadata=metadata)
    return path


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")
@pytest.mark.parametrize(
    "source",
    [SINGLE_ANIMAL_H5, SINGLE_ANIMAL_CSV, MULTI_ANIMAL_H5, MULTI_ANIMAL_CSV, RATS_H5, THREE_D_CSV],
    ids=["single-h5", "single-csv", "multi-h5", "multi-csv", "rats-fixed-h5", "3d-csv"],
)
def test_deeplabcut_nwb_deeplabcut_is_identical(source, tmp_path):
    source = table_alone(source, tmp_path) if source == THREE_D_CSV else source
    nwb = to_nwb(DeepLabCutPoseInterface(file_path=source, sampling_frequency=30.0), tmp_path / "x.nwb")
    [pose] = read_nwb(nwb)
    out = write_deeplabcut(pose, tmp_path / f"back{source.suffix}")
    pd.testing.assert_frame_equal(read_dlc_like_deeplabcut(out), read_dlc_like_deeplabcut(source), check_exact=True)
    if out.suffix == ".h5":
        with pd.HDFStore(out, mode="r") as store:
            assert store.keys() == [f"/{DLC_H5_KEY}"] and store.get_storer(DLC_H5_KEY).is_table


def test_exported_deeplabcut_file_loads_in_movement(tmp_path):
    """movement's DeepLabCut loader insists on the 'df_with_missing' key the export writes."""
    load_poses = pytest.importorskip("movement.io.load_poses")
    nwb = to_nwb(DeepLabCutPoseInterface(file_path=RATS_H5, sampling_frequency=30.0), tmp_path / "x.nwb")
    [pose] = read_nwb(nwb)
    ds = plural_dims(load_poses.from_dlc_file(write_deeplabcut(pose, tmp_path / "back.h5"), fps=30))
    assert list(ds.individuals.values) == ["rat 1", "rat 2"] and ds.sizes["time"] == 1000


def _instances(labels):
    out = {}
    for lf in labels:
        for inst in lf.instances:
            scores = inst.points["score"] if isinstance(inst, sio.PredictedInstance) else None
            out[(lf.frame_idx, inst.track.name if inst.track else None)] = (type(inst), inst.numpy(), scores)
    return out


@pytest.mark.parametrize("name", sorted(SLP_FILES))
def test_slp_nwb_slp_keeps_tracks_skeletons_scores_frames(name, tmp_path):
    from poseconv.interfaces.sleap import SLEAPPoseInterface

    source = SLP_FILES[name]
    nwb = to_nwb(SLEAPPoseInterface(file_path=source, sampling_frequency=25.0), tmp_path / "x.nwb")
    [pose] = read_nwb(nwb)
    original, back = sio.load_slp(str(source)), sio.load_slp(str(write_slp(pose, tmp_path / "back.slp")))
    assert [t.name for t in back.tracks] == [t.name for t in original.tracks]
    assert [(s.node_names, s.edge_inds) for s in back.skeletons] == [
        (s.node_names, s.edge_inds) for s in original.skeletons
    ]
    expected, got = _instances(original), _instances(back)
    # Same frame indices, same tracks (typical.slp's untracked prediction stays untracked).
    assert got.keys() == expected.keys()
    for key, (kind, points, scores) in got.items():
        expected_kind, expected_points, expected_scores = expected[key]
        assert kind is expected_kind
        np.testing.assert_array_equal(points, expected_points)
        if scores is not None:
            np.testing.assert_array_equal(scores, expected_scores)
