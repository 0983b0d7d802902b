"""`poseconv export --to sleap-analysis` run as a user runs it, on NWB files from real SLEAP and DLC files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import sleap_io as sio

from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLP_PROVENANCE
from tests.integration.test_cli import START, assert_one_line_error, poseconv


@needs_shared_data
def test_sleap_slp_through_nwb_loads_with_the_same_points_and_scores(tmp_path):
    nwb, out = tmp_path / "sleap.nwb", tmp_path / "sleap.analysis.h5"
    poseconv("convert", SLP_PROVENANCE, "-o", nwb, "--fps", "30", "--session-start-time", START)
    result = poseconv("export", nwb, "--to", "sleap-analysis", out)
    assert f"Wrote {out}" in result.stderr
    loaded = sio.load_file(str(out))
    source = sio.load_slp(str(SLP_PROVENANCE))
    assert [t.name for t in loaded.tracks] == [t.name for t in source.tracks]
    assert loaded.skeletons[0].node_names == source.skeletons[0].node_names
    assert loaded.skeletons[0].edge_inds == source.skeletons[0].edge_inds
    np.testing.assert_array_equal(loaded.numpy(return_confidence=True), source.numpy(return_confidence=True))
    # Exists: refused without --overwrite, written with it.
    assert_one_line_error(poseconv("export", nwb, "--to", "sleap-analysis", out, check_rc=None), "--overwrite")
    poseconv("export", nwb, "--to", "sleap-analysis", out, "--overwrite")


@needs_shared_data
def test_deeplabcut_through_nwb_loads_with_the_table_values(tmp_path):
    """Multi-animal DeepLabCut predictions: x, y and likelihood of every individual and body part."""
    nwb, out = tmp_path / "dlc.nwb", tmp_path / "dlc.h5"
    poseconv("convert", MULTI_ANIMAL_H5, "-o", nwb, "--session-start-time", START)
    poseconv("export", nwb, "--to", "sleap-analysis", out)
    loaded = sio.load_analysis_h5(str(out))
    table = pd.read_hdf(MULTI_ANIMAL_H5)
    scorer = table.columns.get_level_values("scorer")[0]
    values = loaded.numpy(return_confidence=True)
    assert values.shape[0] == len(table)
    checked = 0
    for k, track in enumerate(loaded.tracks):
        for j, node in enumerate(loaded.skeletons[0].node_names):
            key = (scorer, track.name, node)
            if (*key, "x") not in table.columns:
                # The unique body parts are not the animals' nodes (and the reverse): NaN.
                assert np.isnan(values[:, k, j]).all(), key
                continue
            expected = table.loc[:, [(*key, "x"), (*key, "y"), (*key, "likelihood")]].to_numpy()
            np.testing.assert_allclose(values[:, k, j], expected, err_msg=str(key))
            checked += 1
    assert checked == 3 * 3 + 2


@needs_shared_data
def test_wrong_suffix_and_training_are_refused(tmp_path):
    nwb = tmp_path / "dlc.nwb"
    poseconv("convert", MULTI_ANIMAL_H5, "-o", nwb, "--session-start-time", START)
    assert_one_line_error(poseconv("export", nwb, "--to", "sleap-analysis", tmp_path / "x.slp", check_rc=None), ".h5")
    result = poseconv("export", nwb, "--to", "sleap-analysis", tmp_path / "x.h5", "--training", check_rc=None)
    assert_one_line_error(result, "--training exports to dlc, lp or slp")
