"""A SLEAP recording session's predictor survives .slp -> NWB -> export --to slp -> NWB.

The NWB reader notes each view's description, which says what predicted its poses; the session's export
writes it back as SLEAP's provenance.
"""

from __future__ import annotations

import warnings

import pytest

from poseconv import SLEAPSessionPoseInterface
from poseconv.exporters.sleap_session import write_slp_session
from poseconv.nwb.read.multicamera import read_multicamera
from tests.fixtures.nwb import user_metadata
from tests.fixtures.sleap_session_groups import session_file

sio = pytest.importorskip("sleap_io")


def test_session_export_keeps_the_predictor(tmp_path):
    labels = sio.load_slp(str(session_file(tmp_path / "plain.slp", tracks=["a", "b"])), open_videos=False)
    labels.provenance.update({"sleap_version": "1.4.1", "predictor": "TopDownMultiClassPredictor"})
    slp = tmp_path / "session.slp"
    labels.save(str(slp))
    path = tmp_path / "session.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface = SLEAPSessionPoseInterface(file_path=slp)
        interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface))
    (session,) = read_multicamera(path)
    out = write_slp_session(session, tmp_path / "out.slp")
    provenance = sio.load_slp(str(out), open_videos=False).provenance
    assert provenance.get("predictor") == "TopDownMultiClassPredictor"
    assert provenance.get("sleap_version") == "1.4.1"
