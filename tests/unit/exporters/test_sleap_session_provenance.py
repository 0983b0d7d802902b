"""What predicted a recording session's poses goes back into the provenance of its export to .slp."""

from __future__ import annotations

import dataclasses

import pytest

from poseconv.exporters.sleap_session import write_slp_session
from poseconv.readers.sleap.session import read_sleap_session
from tests.fixtures.sleap_session_groups import session_file

sio = pytest.importorskip("sleap_io")

PREDICTED = {"sleap_version": "1.4.1", "predictor": "TopDownMultiClassPredictor"}
SAID = "Predicted by SLEAP 1.4.1 (TopDownMultiClassPredictor)."


def _predicted_session(tmp_path):
    path = session_file(tmp_path / "session.slp", tracks=["a", "b"])
    labels = sio.load_slp(str(path), open_videos=False)
    labels.provenance.update(PREDICTED)
    sio.save_slp(labels, str(path))
    return read_sleap_session(path)


def test_session_read_from_slp_keeps_its_predictor(tmp_path):
    out = write_slp_session(_predicted_session(tmp_path), tmp_path / "out.slp")
    provenance = sio.load_slp(str(out), open_videos=False).provenance
    assert {key: provenance.get(key) for key in PREDICTED} == PREDICTED


def test_session_views_descriptions_give_the_predictor(tmp_path):
    # A session read from NWB: each view's containers' descriptions say what predicted the poses.
    data = _predicted_session(tmp_path)
    views = {
        name: dataclasses.replace(
            view, notes={"descriptions": {track.name: f"Poses of {track.name!r}. {SAID}" for track in view.tracks}}
        )
        for name, view in data.views.items()
    }
    out = write_slp_session(dataclasses.replace(data, views=views), tmp_path / "out.slp")
    provenance = sio.load_slp(str(out), open_videos=False).provenance
    assert provenance.get("predictor") == "TopDownMultiClassPredictor"
    assert provenance.get("sleap_version") == "1.4.1"
