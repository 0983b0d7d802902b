"""A SLEAP analysis .h5's ``skeleton_symmetries`` (sleap-io's and poseconv's exports record them) are read.

They were ignored: the same labels kept their mirror-image node pairs from a .slp but lost them from its
analysis export, and NWB -> ``export --to sleap-analysis`` -> NWB dropped them. The same held for the
``symmetries`` of sleap-io's CSV metadata (``<name>.json`` beside the CSV).
"""

from __future__ import annotations

import json
import warnings

import h5py
import numpy as np
import pytest

from poseconv.readers.sleap import read_sleap, read_sleap_csv
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import H5_MATLAB, predictions_per_frame

sio = pytest.importorskip("sleap_io")


def _labels():
    skeleton = sio.Skeleton(["head", "wingL", "wingR"], edges=[("head", "wingL")])
    skeleton.add_symmetry("wingR", "wingL")
    video = sio.Video(filename="/elsewhere/fly.mp4", open_backend=False)
    return predictions_per_frame(
        video, skeleton, range(3), lambda _, t: np.full((3, 2), float(t)), point_scores=np.ones(3), score=1.0
    )


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    path = tmp_path_factory.mktemp("sym") / "fly.analysis.h5"
    sio.save_analysis_h5(_labels(), str(path))
    return path


def _read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_sleap_csv(path) if path.suffix == ".csv" else read_sleap(path)


def test_sleap_io_analysis_symmetries_are_read(analysis):
    (skeleton,) = _read(analysis).skeletons.values()
    assert skeleton.symmetries == ((1, 2),)


def test_a_pair_naming_a_node_the_file_lacks_is_left_out(analysis, tmp_path):
    path = tmp_path / "edited.analysis.h5"
    path.write_bytes(analysis.read_bytes())
    with h5py.File(path, "a") as handle:
        handle.attrs["skeleton_symmetries"] = json.dumps([["wingL", "wingR"], ["legL", "legR"], "head", ["head"]])
    (skeleton,) = _read(path).skeletons.values()
    assert skeleton.symmetries == ((1, 2),)


@pytest.mark.parametrize("layout", ["sleap", "instances"])
def test_sleap_io_csv_metadata_symmetries_are_read(tmp_path, layout):
    path = tmp_path / "fly.csv"
    sio.save_csv(_labels(), str(path), format=layout, save_metadata=True)
    (skeleton,) = _read(path).skeletons.values()
    assert skeleton.nodes == ("head", "wingL", "wingR") and skeleton.symmetries == ((1, 2),)


def test_csv_metadata_pairs_naming_no_node_of_the_csv_or_one_node_twice_are_left_out(tmp_path):
    path = tmp_path / "fly.csv"
    sio.save_csv(_labels(), str(path), format="sleap", save_metadata=True)
    side = json.loads(path.with_suffix(".json").read_text())
    side["skeletons"][0]["symmetries"] = [["wingR", "wingL"], ["legL", "legR"], ["head", "head"], "head", 3]
    path.with_suffix(".json").write_text(json.dumps(side))
    (skeleton,) = _read(path).skeletons.values()
    assert skeleton.symmetries == ((1, 2),)


@needs_shared_data
def test_sleap_io_fixture_keeps_its_ten_pairs():
    (skeleton,) = _read(H5_MATLAB).skeletons.values()
    assert len(skeleton.symmetries) == 10
    assert (skeleton.nodes.index("wingL"), skeleton.nodes.index("wingR")) in skeleton.symmetries
