"""neuroconv's own interface test kit, run on DeepLabCutPoseInterface with real files.

Covers: source/metadata/conversion-option schemas valid draft-07, metadata validates,
``add_to_nwbfile`` does not mutate metadata, writing with the HDF5 and Zarr backends
and reading back, metadata propagation, and the temporal alignment API.
"""

from __future__ import annotations

from neuroconv.tools.testing.data_interface_mixins import (
    PoseEstimationInterfaceTestMixin,
    TemporalAlignmentMixin,
)

from poseconv import DeepLabCutPoseInterface
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, SINGLE_ANIMAL_CSV, SINGLE_ANIMAL_H5
from tests.fixtures.nwb import PoseValueChecks


class TestSingleAnimalH5(PoseValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = DeepLabCutPoseInterface
    interface_kwargs = dict(file_path=str(SINGLE_ANIMAL_H5))


class TestSingleAnimalCsvWithGivenRate(PoseValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = DeepLabCutPoseInterface
    interface_kwargs = dict(file_path=str(SINGLE_ANIMAL_CSV), sampling_frequency=25.0)


class TestMultiAnimal(PoseValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = DeepLabCutPoseInterface
    interface_kwargs = dict(file_path=str(MULTI_ANIMAL_H5))

    def check_extracted_metadata(self, metadata: dict):
        assert list(metadata["Pose"]["PoseEstimations"]) == [
            "PoseEstimation_individual1",
            "PoseEstimation_individual2",
            "PoseEstimation_individual3",
            "PoseEstimation_single",
        ]
