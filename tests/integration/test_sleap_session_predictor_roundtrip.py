"""A SLEAP recording session's predictor survives .slp -> NWB -> export --to slp -> NWB.

The NWB reader notes each view's description, which says what predicted its poses; the session's export
writes it back as SLEAP's provenance.
"""

from __future__ import annotations

import pytest

from poseconv.exporters.sleap_session import write_slp_session
from poseconv.nwb.read.multicamera import read_multicamera
from tests.fixtures.sleap_session_groups import edited_session_nwb

sio = pytest.importorskip("sleap_io")


def test_session_export_keeps_the_predictor(tmp_path):
    provenance = {"sleap_version": "1.4.1", "predictor": "TopDownMultiClassPredictor"}
    path = edited_session_nwb(tmp_path, lambda labels: labels.provenance.update(provenance))
    (session,) = read_multicamera(path)
    out = write_slp_session(session, tmp_path / "out.slp")
    provenance = sio.load_slp(str(out), open_videos=False).provenance
    assert provenance.get("predictor") == "TopDownMultiClassPredictor"
    assert provenance.get("sleap_version") == "1.4.1"
