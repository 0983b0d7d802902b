"""A SLEAP recording session's views say what predicted their poses, as one camera's containers do."""

from __future__ import annotations

import warnings

import pytest

from poseconv import SLEAPSessionPoseInterface
from tests.fixtures.sleap_session_groups import session_file

sio = pytest.importorskip("sleap_io")


def test_each_view_names_the_sleap_version_and_predictor(tmp_path):
    labels = sio.load_slp(str(session_file(tmp_path / "plain.slp", tracks=["a", "b"])), open_videos=False)
    labels.provenance.update(sleap_version="1.3.3", predictor="TopDownPredictor")
    slp = tmp_path / "session.slp"
    labels.save(str(slp))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metadata = SLEAPSessionPoseInterface(file_path=slp).get_metadata()
    views = [
        entry["description"]
        for container in metadata["Pose"]["MultiCameraPoseEstimations"].values()
        for entry in container["CameraViews"].values()
        if "2D view" in entry.get("description", "")
    ]
    assert views and all("Predicted by SLEAP 1.3.3 (TopDownPredictor)." in text for text in views), views
