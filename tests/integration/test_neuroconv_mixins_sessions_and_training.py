"""neuroconv's own interface test kit, run on the multi-camera and training-data interfaces with real files.

The single-file pose interfaces run ``PoseEstimationInterfaceTestMixin`` in the other
``test_neuroconv_mixins_*`` modules; these interfaces write ``MultiCameraPoseEstimation`` or
``PoseTraining``, which that mixin does not read, so they run the general kit: schemas valid draft-07,
metadata validates, ``add_to_nwbfile`` does not mutate metadata, HDF5 and Zarr backends written and read,
and (where the interface has times) the temporal alignment API. The values are compared here.
"""

from __future__ import annotations

import numpy as np
from neuroconv.tools.testing.data_interface_mixins import DataInterfaceTestMixin, TemporalAlignmentMixin

from poseconv import read_multicamera, read_training
from poseconv.interfaces import (
    DeepLabCut3DPoseInterface,
    DeepLabCutTrainingDataInterface,
    LightningPoseTrainingDataInterface,
    SLEAPSessionPoseInterface,
    SLEAPTrainingDataInterface,
)
from tests.fixtures.lightningpose import LP_COLLECTED_DATA
from tests.fixtures.multicamera import DLC_3D_H5, SLEAP_SESSION
from tests.fixtures.sleap import SLP_MINIMAL_PKG, SLP_TYPICAL
from tests.fixtures.training import MULTI_MOUSE_PROJECT, TEST_ALEX_PROJECT


class _SessionValues:
    """Every camera view's values, read back, equal the interface's session."""

    def check_read_nwb(self, nwbfile_path: str):
        super().check_read_nwb(nwbfile_path)
        given = self.interface.session
        (read,) = read_multicamera(nwbfile_path)
        assert list(read.views) == list(given.views) and (read.pose_3d is None) == (given.pose_3d is None)
        poses = [(read.views[name], view) for name, view in given.views.items()]
        if given.pose_3d is not None:
            poses.append((read.pose_3d, given.pose_3d))
        for got, expected in poses:
            assert [t.name for t in got.tracks] == [t.name for t in expected.tracks]
            for a, b in zip(got.tracks, expected.tracks, strict=True):
                np.testing.assert_array_equal(a.positions, b.positions[:])


class _TrainingValues:
    """The labeled frames read back are the interface's, frame by frame."""

    def check_read_nwb(self, nwbfile_path: str):
        super().check_read_nwb(nwbfile_path)
        read = read_training(nwbfile_path)
        given = self.interface.training_data
        assert len(read.frames) == len(given.frames) > 0
        for got, expected in zip(read.frames, given.frames, strict=True):
            assert got.frame_index == expected.frame_index
            # An NWB frame holds its instances by name (the animal's), not in the source's order.
            for a, b in zip(_by_animal(got.instances), _by_animal(expected.instances), strict=True):
                assert a.individual == b.individual
                np.testing.assert_array_equal(a.points, b.points)


def _by_animal(instances):
    return sorted(instances, key=lambda instance: instance.individual or "")


class TestDeepLabCut3D(_SessionValues, DataInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = DeepLabCut3DPoseInterface
    interface_kwargs = dict(file_path=str(DLC_3D_H5))


class TestSLEAPSession(_SessionValues, DataInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = SLEAPSessionPoseInterface
    interface_kwargs = dict(file_path=str(SLEAP_SESSION), sampling_frequency=30.0)


class TestDeepLabCutLabels(_TrainingValues, DataInterfaceTestMixin):
    data_interface_cls = DeepLabCutTrainingDataInterface
    interface_kwargs = dict(labeled_data_path=str(TEST_ALEX_PROJECT))


class TestDeepLabCutMultiAnimalLabels(_TrainingValues, DataInterfaceTestMixin):
    data_interface_cls = DeepLabCutTrainingDataInterface
    interface_kwargs = dict(labeled_data_path=str(MULTI_MOUSE_PROJECT))


class TestLightningPoseLabels(_TrainingValues, DataInterfaceTestMixin):
    data_interface_cls = LightningPoseTrainingDataInterface
    interface_kwargs = dict(file_path=str(LP_COLLECTED_DATA))


class TestSLEAPLabels(_TrainingValues, DataInterfaceTestMixin):
    data_interface_cls = SLEAPTrainingDataInterface
    interface_kwargs = dict(file_path=str(SLP_TYPICAL))


class TestSLEAPPackageLabels(_TrainingValues, DataInterfaceTestMixin):
    # A .pkg.slp: the labeled frames' images are in the file, not in a video beside it.
    data_interface_cls = SLEAPTrainingDataInterface
    interface_kwargs = dict(file_path=str(SLP_MINIMAL_PKG))
