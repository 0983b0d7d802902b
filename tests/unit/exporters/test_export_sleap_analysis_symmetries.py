"""SLEAP analysis .h5 export: skeleton symmetries as sleap-io writes them (``skeleton_symmetries``)."""

from __future__ import annotations

import dataclasses
import json

import h5py
import pytest

from poseconv.exporters.sleap_analysis import write_sleap_analysis
from poseconv.model import Skeleton
from poseconv.testing.mock import mock_pose_data

sio = pytest.importorskip("sleap_io")


def test_symmetries_are_written_as_sleap_io_writes_them(tmp_path):
    # Before, the file had no skeleton_symmetries: the mirror-image pairs were lost unsaid.
    pose = mock_pose_data(n_frames=3, source_software="SLEAP")
    (skeleton,) = pose.skeletons.values()
    mirrored = Skeleton(skeleton.name, skeleton.nodes, skeleton.edges, symmetries=((2, 1),))
    path = write_sleap_analysis(dataclasses.replace(pose, skeletons={skeleton.name: mirrored}), tmp_path / "a.h5")
    with h5py.File(path, "r") as handle:
        assert json.loads(handle.attrs["skeleton_symmetries"]) == [["node1", "node2"]]
    (back,) = sio.load_analysis_h5(str(path)).skeletons
    assert {frozenset(node.name for node in pair.nodes) for pair in back.symmetries} == {frozenset({"node1", "node2"})}
