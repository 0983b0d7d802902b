"""A warning an interface's method gives names the user's line that called it, not the line above."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest
from pynwb import NWBFile

from poseconv import DeepLabCutPoseInterface
from poseconv.errors import PoseconvWarning
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5


@pytest.mark.skipif(not SINGLE_ANIMAL_H5.exists(), reason=f"{SINGLE_ANIMAL_H5} is not here (see ../shared/data)")
def test_a_legacy_pose_layout_warning_names_the_user_s_line():
    # add_to_nwbfile warned with user_stacklevel() itself, which counts a warning given one call below: the warning
    # named the line that called the test function (pytest's), not the call to add_to_nwbfile.
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["Behavior"] = {"PoseEstimation": {"name": "old"}}
    nwbfile = NWBFile("s", "id", datetime(2024, 1, 1, tzinfo=UTC))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        interface.add_to_nwbfile(nwbfile, metadata=metadata)
    [legacy] = [w for w in caught if w.category is PoseconvWarning and "layout of neuroconv" in str(w.message)]
    assert legacy.filename == __file__
