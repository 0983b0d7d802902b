"""A skeleton's symmetries are recorded however many inputs share it, the first with or without them.

Two SLEAP files of one skeleton name (``Skeleton-0``), the first saved without symmetries, used to lose the
second's: the shared Skeleton was reused before its symmetries were looked at. The symmetries recorded are
the union of the inputs' (see :mod:`poseconv.nwb.write.symmetries`), in one file and when appending.
"""

from __future__ import annotations

from datetime import UTC, datetime

import h5py
import pytest
from pynwb import NWBHDF5IO, NWBFile

from poseconv.nwb.write.pose_estimation import get_or_add_skeleton

NODES = ["head", "wingL", "wingR", "legL", "legR"]
EDGES = [(0, 1), (0, 2)]


def _entry(symmetries):
    return {"name": "Skeleton-0", "nodes": NODES, "edges": EDGES, "symmetries": symmetries}


def _nwbfile():
    nwbfile = NWBFile("d", "id", datetime(2024, 1, 1, tzinfo=UTC))
    return nwbfile, nwbfile.create_processing_module("behavior", "b")


def _pairs(behavior):
    rows = []
    for name, table in behavior.data_interfaces.items():
        if name.startswith("SkeletonSymmetries"):
            rows += [
                (s, frozenset((a, b)))
                for s, a, b in zip(table["skeleton"].data, table["node_a"].data, table["node_b"].data, strict=True)
            ]
    return rows


@pytest.mark.parametrize("first", [(), [(1, 2)]], ids=["first_without", "first_with_one"])
def test_reused_skeleton_gets_the_symmetries_the_file_lacks(first):
    nwbfile, behavior = _nwbfile()
    get_or_add_skeleton(nwbfile, behavior, _entry(first), single_animal=True)
    get_or_add_skeleton(nwbfile, behavior, _entry([(2, 1), (3, 4)]), single_animal=True)
    get_or_add_skeleton(nwbfile, behavior, _entry(()), single_animal=True)
    pairs = _pairs(behavior)
    assert sorted(pairs, key=str) == sorted(
        [("Skeleton-0", frozenset(("wingL", "wingR"))), ("Skeleton-0", frozenset(("legL", "legR")))], key=str
    )


def test_appended_file_gets_the_symmetries_its_skeleton_lacks(tmp_path):
    path = tmp_path / "a.nwb"
    nwbfile, behavior = _nwbfile()
    get_or_add_skeleton(nwbfile, behavior, _entry([(1, 2)]), single_animal=True)
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    with NWBHDF5IO(path, "a") as io:
        nwbfile = io.read()
        behavior = nwbfile.processing["behavior"]
        get_or_add_skeleton(nwbfile, behavior, _entry([(1, 2), (3, 4)]), single_animal=True)
        io.write(nwbfile)
    with h5py.File(path) as f:
        module = f["processing/behavior"]
        tables = sorted(n for n in module if n.startswith("SkeletonSymmetries"))
        rows = [
            frozenset((a.decode(), b.decode()))
            for t in tables
            for a, b in zip(module[t]["node_a"][:], module[t]["node_b"][:], strict=True)
        ]
    assert tables == ["SkeletonSymmetries", "SkeletonSymmetries_2"]
    assert sorted(rows, key=sorted) == sorted([frozenset(("wingL", "wingR")), frozenset(("legL", "legR"))], key=sorted)
