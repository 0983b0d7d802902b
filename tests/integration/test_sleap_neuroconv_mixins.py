"""neuroconv's own interface test kit, run on SLEAPPoseInterface with real SLEAP files.

Covers: source/metadata/conversion-option schemas valid draft-07, metadata validates,
``add_to_nwbfile`` does not mutate metadata, writing with the HDF5 and Zarr backends
and reading back, metadata propagation, and the temporal alignment API; for a
``.slp`` with predictions, a proofread ``.slp`` with its video, and an analysis ``.h5``
in the SLEAP GUI layout (the other layouts are read value by value in the reader tests).
"""

from __future__ import annotations

import numpy as np
from neuroconv.tools.testing.data_interface_mixins import (
    PoseEstimationInterfaceTestMixin,
    TemporalAlignmentMixin,
)
from pynwb import read_nwb
from tests.fixtures.sleap import H5_SINGLE_FLY, SLP_CLIP_PROOFREAD, SLP_PROVENANCE

from poseconv import SLEAPPoseInterface
from poseconv.metadata.defaults import container_key


class _ValueChecks:
    def check_read_nwb(self, nwbfile_path: str):
        super().check_read_nwb(nwbfile_path)
        nwbfile = read_nwb(nwbfile_path)
        behavior = nwbfile.processing["behavior"]
        pose = self.interface.pose
        containers = self.interface.get_metadata()["Pose"]["PoseEstimations"]
        for track in pose.tracks:
            container = behavior[containers[container_key(pose, track)]["name"]]
            for j, node in enumerate(pose.skeletons[track.skeleton].nodes):
                series = container.pose_estimation_series[node]
                np.testing.assert_array_equal(series.data[:], track.positions[:, j, :])
                if track.confidence is None:
                    assert series.confidence is None
                else:
                    np.testing.assert_array_equal(series.confidence[:], track.confidence[:, j])
        nwbfile.read_io.close()


class TestSlpPredictions(_ValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = SLEAPPoseInterface
    interface_kwargs = dict(file_path=str(SLP_PROVENANCE), sampling_frequency=25.0)

    def check_extracted_metadata(self, metadata: dict):
        assert list(metadata["Pose"]["PoseEstimations"]) == ["PoseEstimation_track_0", "PoseEstimation_track_1"]
        assert metadata["Pose"]["PoseEstimations"]["PoseEstimation_track_0"]["source_software_version"] == "1.2.7"


class TestSlpProofreadWithVideo(_ValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = SLEAPPoseInterface
    interface_kwargs = dict(file_path=str(SLP_CLIP_PROOFREAD))

    def check_extracted_metadata(self, metadata: dict):
        assert list(metadata["Behavior"]["ExternalVideos"]) == ["video_clip"]


class TestAnalysisGuiLayout(_ValueChecks, PoseEstimationInterfaceTestMixin, TemporalAlignmentMixin):
    data_interface_cls = SLEAPPoseInterface
    interface_kwargs = dict(file_path=str(H5_SINGLE_FLY), sampling_frequency=30.0)
