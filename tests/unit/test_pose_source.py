"""PoseSource: a pose file read as its interface reads it, without neuroconv."""

from __future__ import annotations

import numpy as np

from poseconv.catalog import get_format
from poseconv.interfaces import DeepLabCutPoseInterface, SLEAPPoseInterface
from poseconv.metadata.compose import to_plain
from poseconv.pose_source import PoseSource
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5
from tests.fixtures.sleap import SLP_CLIP_PREDICTIONS


def _same_poses(a, b) -> None:
    assert [t.name for t in a.tracks] == [t.name for t in b.tracks]
    assert a.timing == b.timing and a.skeletons == b.skeletons
    for x, y in zip(a.tracks, b.tracks, strict=True):
        np.testing.assert_array_equal(np.asarray(x.positions), np.asarray(y.positions))


def _contains(whole: object, part: object) -> bool:
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(k in whole and _contains(whole[k], v) for k, v in part.items())
    return whole == part


def test_a_source_from_the_catalog_reads_and_describes_as_the_interface_does():
    source = PoseSource.from_format(get_format("DeepLabCut"), file_path=MULTI_ANIMAL_H5, individuals=["single"])
    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5, individuals=["single"])
    assert isinstance(interface, PoseSource)
    _same_poses(source.pose, interface.pose)
    assert [t.name for t in source.pose.tracks] == ["single"]
    # The interface's metadata is neuroconv's base (identifier, provenance) with the source's over it.
    assert _contains(to_plain(interface.get_metadata()), to_plain(source.get_pose_metadata()))


def test_a_sleap_source_takes_tracks_and_a_frame_rate():
    source = PoseSource.from_format(get_format("SLEAP"), file_path=SLP_CLIP_PREDICTIONS, sampling_frequency=25.0)
    interface = SLEAPPoseInterface(file_path=SLP_CLIP_PREDICTIONS, sampling_frequency=25.0)
    _same_poses(source.pose, interface.pose)
    assert {timing.rate for timing in source.pose.timing.values()} == {25.0}
