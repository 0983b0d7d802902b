"""Every entry point says what DeepLabCut's side files hold that the NWB file cannot: the detector's boxes
(``_full.pickle``) and, with no video linked, the frame size and count the ``_meta.pickle`` records."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest
from pynwb import NWBHDF5IO

from poseconv.batch.runner import run_batch
from poseconv.errors import PoseconvWarning
from poseconv.interfaces import DeepLabCutPoseInterface
from tests.fixtures.cli import one_session_spec, poseconv_in_process
from tests.fixtures.deeplabcut_side_files import (
    ANIMALS,
    HEIGHT,
    N_BOXES,
    N_FRAMES,
    SCORER,
    WIDTH,
    write_top_down_outputs,
)

BOXES_WARNING = f"{N_BOXES} detector bounding boxes"
BOXES_SENTENCE = f"DeepLabCut's session{SCORER}_full.pickle also holds {N_BOXES} detector bounding boxes"
SIZE_SENTENCE = (
    f"No video file of 'session' is linked; DeepLabCut recorded it in session{SCORER}_meta.pickle as "
    f"{WIDTH} x {HEIGHT} pixels (width x height), {N_FRAMES} frames."
)
START = "2024-05-01T10:30:00+00:00"


def _assert_described(nwb_path) -> None:
    with NWBHDF5IO(nwb_path, "r") as io:
        behavior = io.read().processing["behavior"]
        descriptions = [behavior[f"PoseEstimation_{animal}"].description for animal in ANIMALS]
    assert all(BOXES_SENTENCE in d and SIZE_SENTENCE in d for d in descriptions), descriptions[0]


@pytest.fixture
def top_down(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    return write_top_down_outputs(data)


def test_interface_warns_and_describes(top_down, tmp_path):
    with pytest.warns(PoseconvWarning, match=BOXES_WARNING):
        interface = DeepLabCutPoseInterface(file_path=top_down)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    _assert_described(tmp_path / "out.nwb")


def test_convert_prints_the_warning(top_down, tmp_path):
    out = tmp_path / "out.nwb"
    result = poseconv_in_process("convert", top_down, "-o", out, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert "poseconv: warning: " + BOXES_WARNING in result.stderr
    _assert_described(out)


def test_run_reports_the_warning(top_down, tmp_path):
    spec = one_session_spec(tmp_path, f"{{file_path: '{top_down}'}}", start=f"'{START}'")
    report = run_batch(spec, jobs=1)
    assert report.ok, report.to_dict()
    (session,) = report.sessions
    assert any(BOXES_WARNING in w for w in session.warnings), session.warnings
    _assert_described(tmp_path / "nwb" / "s1.nwb")
