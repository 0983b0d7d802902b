"""Poses of a sleap-io virtual crop (SLP format 2.3) exported to SLEAP files, which link the whole video.

The poses are in the crop's pixels (as SLEAP keeps them) and the video recorded is the whole file:
``export --to slp`` and ``--to sleap-analysis`` place them on it by the crop's corner, from the ``.slp``
itself and from its NWB conversion (whose series' reference frame says where the crop is).
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from tests.integration.test_cli import START
from tests.integration.test_cli import poseconv as run

sio = pytest.importorskip("sleap_io")

CROP = [100, 50, 400, 250]  # x1, y1, x2, y2
CORNER = np.array([100.0, 50.0])


@pytest.fixture(scope="module")
def cropped(tmp_path_factory):
    """Return a ``.slp`` of three frames on a virtual crop, its poses ``(frames, nodes, 2)`` and its NWB file."""
    folder = tmp_path_factory.mktemp("virtual_crop")
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(
        filename=str(folder / "vid.mp4"),
        backend_metadata={"shape": [3, 200, 300, 1], "source_shape": [3, 320, 560, 1], "crop": CROP, "fps": 10.0},
        open_backend=False,
    )
    positions = np.array([[[1.0 + i, 2.0], [3.0, 4.5 + i]] for i in range(3)])
    frames = [
        sio.LabeledFrame(video, i, [sio.PredictedInstance.from_numpy(positions[i], skeleton=skeleton, score=0.9)])
        for i in range(3)
    ]
    slp = folder / "cropped.slp"
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=[video]), str(slp))
    nwb = folder / "cropped.nwb"
    run("convert", slp, "-o", nwb, "--session-start-time", START)
    return slp, positions, nwb


@pytest.mark.parametrize("from_nwb", [True, False], ids=["nwb", "slp"])
def test_slp_export_places_poses_on_the_whole_video(cropped, tmp_path, from_nwb):
    slp, positions, nwb = cropped
    out = tmp_path / "out.slp"
    run("export", nwb if from_nwb else slp, "--to", "slp", "-o", out)
    labels = sio.load_slp(str(out), open_videos=False)
    assert "crop" not in labels.videos[0].backend_metadata  # the whole video
    got = np.stack([frame.instances[0].numpy() for frame in sorted(labels, key=lambda f: f.frame_idx)])
    np.testing.assert_allclose(got, positions + CORNER)


def test_analysis_export_places_poses_on_the_whole_video(cropped, tmp_path):
    _, positions, nwb = cropped
    out = tmp_path / "out.analysis.h5"
    run("export", nwb, "--to", "sleap-analysis", "-o", out)
    with h5py.File(out, "r") as handle:
        tracks = handle["tracks"][0]  # (xy, node, frame)
    np.testing.assert_allclose(tracks.transpose(2, 1, 0), positions + CORNER)
