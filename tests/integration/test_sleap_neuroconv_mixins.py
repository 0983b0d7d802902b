"""neuroconv's own interface test kit, run on SLEAPPoseInterface with real SLEAP files.

Covers: source/metadata/conversion-option schemas valid draft-07, metadata validates,
``add_to_nwbfile`` does not mutate metadata, writing with the HDF5 and Zarr backends
and reading back, metadata propagation, and the temporal alignment API; for a
``.slp`` with predictions, a proofread ``.slp`` with its video, and an analysis ``.h5``
in the SLEAP GUI layout (the other layouts are read value by value in the reader tests).
"""

from __future__ import annotations

from neuroconv.tools.testing.data_interface_mixins import (
    PoseEstimationInterfaceTestMixin,
    TemporalAlignmentMixin,
)

from poseconv import SLEAPPoseInterface
from tests.fixtures.nwb import PoseValueChecks
from tests.fixtures.sleap import H5_SINGLE_FLY, SLP_CLIP_PROOFREAD, SLP_PROVENANCE


class TestSlpPredictions(PoseValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = SLEAPPoseInterface
    interface_kwargs = dict(file_path=str(SLP_PROVENANCE), sampling_frequency=25.0)

    def check_extracted_metadata(self, metadata: dict):
        assert list(metadata["Pose"]["PoseEstimations"]) == ["PoseEstimation_track_0", "PoseEstimation_track_1"]
        assert metadata["Pose"]["PoseEstimations"]["PoseEstimation_track_0"]["source_software_version"] == "1.2.7"


class TestSlpProofreadWithVideo(PoseValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = SLEAPPoseInterface
    interface_kwargs = dict(file_path=str(SLP_CLIP_PROOFREAD))

    def check_extracted_metadata(self, metadata: dict):
        assert list(metadata["Behavior"]["ExternalVideos"]) == ["video_clip"]


class TestAnalysisGuiLayout(PoseValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = SLEAPPoseInterface
    interface_kwargs = dict(file_path=str(H5_SINGLE_FLY), sampling_frequency=30.0)
