"""The name check of what poseconv writes beside a PoseEstimation."""

from __future__ import annotations

import pytest
from pynwb import TimeSeries
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import MetadataError
from poseconv.nwb.write.beside import check_name_beside
from poseconv.nwb.write.pose_estimation import behavior_module


def test_a_name_the_module_holds_is_refused_and_the_message_says_which_container_to_rename():
    behavior = behavior_module(mock_NWBFile())
    check_name_beside(behavior, "PoseEstimationExtraCoords", "PoseEstimation")
    behavior.add(TimeSeries(name="PoseEstimationExtraCoords", data=[1.0], unit="n.a.", rate=1.0))
    with pytest.raises(
        MetadataError, match=r"already holds 'PoseEstimationExtraCoords'.*'PoseEstimation' another name"
    ):
        check_name_beside(behavior, "PoseEstimationExtraCoords", "PoseEstimation")
