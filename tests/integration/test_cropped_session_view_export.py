"""A camera of a DeepLabCut 3D session whose 2D poses DeepLabCut analysed in a crop of each frame.

The view's series keep the crop's pixels and say the crop in their reference frame; ``export --to slp`` of
the session links each camera's whole video, so that camera's poses move by the crop's corner and the
other camera's stay.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from tests.integration.test_cli import START
from tests.integration.test_cli import poseconv as run

sio = pytest.importorskip("sleap_io")


def test_session_export_places_a_cropped_view_on_its_whole_video(tmp_path, generated_dlc_3d_session):
    session = generated_dlc_3d_session
    left = session["views"]["left"]["path"]
    meta = {"data": {"nframes": 20, "fps": 30.0, "cropping": True, "cropping_parameters": [10, 650, 20, 500]}}
    with open(left.with_name(f"{left.stem}_meta.pickle"), "wb") as handle:
        pickle.dump(meta, handle)
    nwb = tmp_path / "s.nwb"
    run("convert", session["path"], "--fps", 30, "-o", nwb, "--session-start-time", START)
    out = tmp_path / "s.slp"
    run("export", nwb, "--to", "slp", out)
    labels = sio.load_slp(str(out), open_videos=False)
    for camera, corner in (("left", [10.0, 20.0]), ("right", [0.0, 0.0])):
        [video] = [v for v in labels.videos if camera in v.filename]
        frame = next(f for f in labels if f.video is video and f.frame_idx == 0)
        instance = next(i for i in frame.instances if i.track.name == "mouse1")
        source = session["views"][camera]["positions"]
        expected = np.stack([source[("mouse1", part)][0] for part in ("snout", "ear", "tail")])
        np.testing.assert_allclose(instance.numpy(), expected + corner)
