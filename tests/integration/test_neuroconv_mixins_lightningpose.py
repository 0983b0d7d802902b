"""neuroconv's own interface test kit, run on LightningPosePoseInterface with the real files.

Covers: source/metadata/conversion-option schemas valid draft-07, metadata validates,
``add_to_nwbfile`` does not mutate metadata, writing with the HDF5 and Zarr backends
and reading back, metadata propagation, and the temporal alignment API.
"""

from __future__ import annotations

from neuroconv.tools.testing.data_interface_mixins import (
    PoseEstimationInterfaceTestMixin,
    TemporalAlignmentMixin,
)

from poseconv import LightningPosePoseInterface
from tests.fixtures.lightningpose import AIND_LP_CSV, LP_CSV
from tests.fixtures.nwb import PoseValueChecks


class TestPredictionsWithVideo(PoseValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = LightningPosePoseInterface
    interface_kwargs = dict(file_path=str(LP_CSV))


class TestPredictionsWithGivenRate(PoseValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = LightningPosePoseInterface
    interface_kwargs = dict(file_path=str(AIND_LP_CSV), sampling_frequency=500.0)

    def check_extracted_metadata(self, metadata: dict):
        (entry,) = metadata["Pose"]["PoseEstimations"].values()
        assert entry["source_software"] == "LightningPose"
        assert entry["scorer"] == "heatmap_tracker"
