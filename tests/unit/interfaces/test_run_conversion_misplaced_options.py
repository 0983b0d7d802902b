"""run_conversion given what a spec's pose file and ``poseconv convert`` take beside the conversion options."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from poseconv import DeepLabCutPoseInterface
from poseconv.errors import InvalidOptionError
from tests.fixtures.deeplabcut import write_dlc_file


@pytest.fixture
def interface(tmp_path) -> DeepLabCutPoseInterface:
    rng = np.random.default_rng(0)
    path = write_dlc_file(tmp_path / "sessionDLC_resnet50_testJan1shuffle1_100.h5", {"nose": rng.uniform(size=(4, 2))})
    return DeepLabCutPoseInterface(file_path=path, sampling_frequency=30.0)


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        (
            "starting_time",
            3.0,
            "'starting_time' is not an argument of run_conversion; shift the frame times with "
            "interface.set_aligned_starting_time(3.0) before it (as a spec's starting_time and poseconv convert "
            "--starting-time do)",
        ),
        ("aligned_starting_time", "x", "with interface.set_aligned_starting_time(seconds) before it"),
        ("timestamps", [0.0, 0.1], "give the frame times with interface.set_aligned_timestamps(times) before it"),
        ("timestamps_file", "t.npy", "interface.set_aligned_timestamps(poseconv.timing.load_timestamps(path))"),
        (
            "sampling_frequency",
            30.0,
            "it is an argument of DeepLabCutPoseInterface(sampling_frequency=...), given when it is made",
        ),
    ],
)
def test_a_spec_option_given_to_run_conversion_names_the_method_or_argument_that_takes_it(
    interface, tmp_path, option, value, said
):
    """run_conversion(starting_time=3.0) listed run_conversion's arguments: the spec's and the command line's
    starting_time (and frame times, and the interface's arguments) are given elsewhere in Python."""
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidOptionError) as raised:
        interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, **{option: value})
    message = str(raised.value)
    assert said in message
    assert "it takes:" not in message and len(message.splitlines()) == 1
    assert not (tmp_path / "out.nwb").exists()
