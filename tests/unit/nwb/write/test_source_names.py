"""The pose file's names of skeletons and individuals whose NWB names cannot be theirs, kept beside them."""

from __future__ import annotations

import h5py
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.nwb.layout import SKELETON_NAMES_TABLE
from poseconv.nwb.read.skeletons import stored_skeleton
from poseconv.nwb.write.pose_estimation import get_or_add_skeleton
from poseconv.nwb.write.source_names import individuals_table


def test_skeleton_names_are_recorded_only_where_they_differ_and_read_back(tmp_path):
    nwbfile = mock_NWBFile()
    behavior = nwbfile.create_processing_module(name="behavior", description="x")
    # A name the metadata gives (two inputs' skeletons "mouse" told apart) is the skeleton's; "mouse_2" only made
    # "mouse" unique, but another skeleton goes by "mouse".
    named = (("sk_1", "sk/1"), ("sk_1_2", "sk_1"), ("mouse", "mouse"), ("mouse_top", "mouse"), ("mouse_2", "mouse"))
    for nwb, source in named:
        get_or_add_skeleton(nwbfile, behavior, {"name": nwb, "nodes": ["a", "b"]}, False, source_name=source)
    table = behavior[SKELETON_NAMES_TABLE]
    assert list(zip(table["skeleton"][:], table["source_name"][:], strict=True)) == [
        ("sk_1", "sk/1"),
        ("sk_1_2", "sk_1"),
    ]
    with NWBHDF5IO(tmp_path / "names.nwb", "w") as io:
        io.write(nwbfile)
    with h5py.File(tmp_path / "names.nwb", "r") as root:
        names = [
            stored_skeleton(root, f"/processing/behavior/Skeletons/{nwb}", root[f"processing/behavior/Skeletons/{nwb}"])
            for nwb, _ in named
        ]
    assert [s.name for s in names] == ["sk/1", "sk_1", "mouse", "mouse_top", "mouse_2"]
    assert {s.nodes for s in names} == {("a", "b")}


def test_individuals_are_listed_only_when_a_name_is_not_an_nwb_name():
    assert individuals_table("PoseTrainingIndividuals", ["fly 1", "fly_1"]) is None
    table = individuals_table("PoseTrainingIndividuals", ["fly/1", "fly_1", ""])
    assert list(table["individual"][:]) == ["fly/1", "fly_1", ""]
