"""neuroconv's own interface test kit, run on DeepLabCutPoseInterface with real files.

Covers: source/metadata/conversion-option schemas valid draft-07, metadata validates,
``add_to_nwbfile`` does not mutate metadata, writing with the HDF5 and Zarr backends
and reading back, metadata propagation, and the temporal alignment API.
"""

from __future__ import annotations

import numpy as np
from neuroconv.tools.testing.data_interface_mixins import (
    PoseEstimationInterfaceTestMixin,
    TemporalAlignmentMixin,
)
from pynwb import read_nwb
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, SINGLE_ANIMAL_CSV, SINGLE_ANIMAL_H5

from poseconv import DeepLabCutPoseInterface


class _ValueChecks:
    def check_read_nwb(self, nwbfile_path: str):
        super().check_read_nwb(nwbfile_path)
        nwbfile = read_nwb(nwbfile_path)
        behavior = nwbfile.processing["behavior"]
        pose = self.interface.pose
        containers = self.interface.get_metadata()["Pose"]["PoseEstimations"]
        for track, entry in zip(pose.tracks, containers.values(), strict=True):
            container = behavior[entry["name"]]
            for j, node in enumerate(pose.skeletons[track.skeleton].nodes):
                series = container.pose_estimation_series[node]
                np.testing.assert_array_equal(series.data[:], track.positions[:, j, :])
                np.testing.assert_array_equal(series.confidence[:], track.confidence[:, j])
        nwbfile.read_io.close()


class TestSingleAnimalH5(_ValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = DeepLabCutPoseInterface
    interface_kwargs = dict(file_path=str(SINGLE_ANIMAL_H5))


class TestSingleAnimalCsvWithGivenRate(_ValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = DeepLabCutPoseInterface
    interface_kwargs = dict(file_path=str(SINGLE_ANIMAL_CSV), sampling_frequency=25.0)


class TestMultiAnimal(_ValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = DeepLabCutPoseInterface
    interface_kwargs = dict(file_path=str(MULTI_ANIMAL_H5))

    def check_extracted_metadata(self, metadata: dict):
        assert list(metadata["Pose"]["PoseEstimations"]) == [
            "PoseEstimation_individual1",
            "PoseEstimation_individual2",
            "PoseEstimation_individual3",
            "PoseEstimation_single",
        ]
