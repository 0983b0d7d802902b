"""Which source's frame times are used, where they disagree, is said when they are used: not over the user's times."""

from __future__ import annotations

import datetime as dt
import pickle
import warnings

import numpy as np
import pytest
from pynwb import NWBFile

from poseconv.interfaces import DeepLabCutPoseInterface, LightningPoseMultiViewInterface
from tests.fixtures.deeplabcut import write_dlc_file
from tests.fixtures.lightningpose import write_lp_multiview_session

CHOSEN = "frame times are used"


def _said(record: list) -> list[str]:
    return [str(w.message) for w in record if CHOSEN in str(w.message)]


@pytest.fixture
def recorded_at_25(tmp_path):
    """A 6-frame DeepLabCut table whose _meta.pickle records 25 fps."""
    positions = {part: np.linspace(0, 50, 12).reshape(6, 2) for part in ("nose", "tail")}
    path = write_dlc_file(tmp_path / "sessionDLC_resnet50_testJan1shuffle1_100.h5", positions)
    with (tmp_path / f"{path.stem}_meta.pickle").open("wb") as file:
        pickle.dump({"data": {"fps": 25.0, "nframes": 6}}, file)
    return path


def _add(interface) -> None:
    nwbfile = NWBFile("s", "i", dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    interface.add_to_nwbfile(nwbfile, interface.get_metadata())


def test_times_the_user_gives_are_used_without_a_word_of_another_source(recorded_at_25):
    # The rate stated (30) and the file's (25) differ: "your frame times are used" was said while the interface
    # was made, though the timestamps given next replaced both (the file said 'timestamps given by the user').
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        interface = DeepLabCutPoseInterface(file_path=recorded_at_25, sampling_frequency=30.0)
        interface.set_aligned_timestamps(np.arange(6) / 30.0 + 1.0)
        np.testing.assert_allclose(interface.get_timestamps(), np.arange(6) / 30.0 + 1.0)
        _add(interface)
    assert _said(record) == []


@pytest.mark.parametrize(
    "use",
    [
        lambda interface: interface.get_timestamps(),
        lambda interface: interface.get_original_timestamps(),
        lambda interface: interface.set_aligned_starting_time(2.0),
        _add,
    ],
    ids=["get_timestamps", "get_original_timestamps", "set_aligned_starting_time", "add_to_nwbfile"],
)
def test_the_times_chosen_are_said_once_when_they_are_used(recorded_at_25, use):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        interface = DeepLabCutPoseInterface(file_path=recorded_at_25, sampling_frequency=30.0)
        assert _said(record) == []
        use(interface)
        use(interface)
        interface.get_timestamps()
    (said,) = [w for w in record if CHOSEN in str(w.message)]
    assert "the pose files give 25 fps" in str(said.message) and "your frame times are used" in str(said.message)
    assert said.filename == __file__  # the user's line


def test_a_session_s_times_given_by_the_user_are_used_without_a_word_of_another_source(tmp_path):
    files = write_lp_multiview_session(tmp_path / "model", with_metrics=False)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        interface = LightningPoseMultiViewInterface(file_path=files["top"], sampling_frequency=25.0)
        interface.session  # noqa: B018 - poseconv convert reads the session's views before giving its times
        interface.set_aligned_timestamps(np.arange(interface.session.n_frames) / 25.0)
        interface.get_timestamps()
        interface.pose  # noqa: B018
    assert _said(record) == []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        interface = LightningPoseMultiViewInterface(file_path=files["top"], sampling_frequency=25.0)
        interface.get_timestamps()
        interface.get_timestamps()
    (said,) = _said(record)
    assert "gives 250 fps" in said and "your frame times are used" in said
