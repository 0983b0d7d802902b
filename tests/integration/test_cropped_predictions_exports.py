"""Predictions DeepLabCut made of a crop of each frame (``analyze_videos(cropping=[x1, x2, y1, y2])``).

DeepLabCut saves the coordinates in the crop's pixels and records the crop in the ``_meta.pickle``;
poseconv keeps those values in the NWB file and links the whole video. What pairs the poses with that
video's frames (``export --to slp``, ``--to sleap-analysis``, ``plot --video``) must place them on it, by the
crop's corner; ``export --to dlc`` gives back what DeepLabCut wrote. Built in ``tmp_path``: a 64 x 48
video, and a table of 20 frames in the crop [x1, x2, y1, y2] = [10, 50, 5, 40].
"""

from __future__ import annotations

import pickle

import h5py
import numpy as np
import pandas as pd
import pytest

from tests.fixtures.video import write_video
from tests.integration.test_cli import START
from tests.integration.test_cli import poseconv as run

sio = pytest.importorskip("sleap_io")

SCORER = "DLC_resnet50_cropMay1shuffle1_50000"
CROP = [10, 50, 5, 40]  # DeepLabCut's order: x1, x2, y1, y2
CORNER = np.array([10.0, 5.0])
N_FRAMES = 20


@pytest.fixture(scope="module")
def cropped(tmp_path_factory):
    """Return the predictions file, its values ``(frames, nodes, 2)`` and its NWB conversion."""
    folder = tmp_path_factory.mktemp("cropped")
    rng = np.random.default_rng(4)
    columns = pd.MultiIndex.from_product(
        [[SCORER], ["nose", "tail"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    values = rng.uniform(3, 30, (N_FRAMES, 6))
    values[:, 2::3] = 0.9
    h5 = folder / f"c1{SCORER}.h5"
    pd.DataFrame(values, columns=columns).to_hdf(h5, key="df_with_missing", format="table", mode="w")
    meta = {
        "data": {
            "start": 0,
            "stop": 1,
            "run_duration": 1,
            "Scorer": SCORER,
            "DLC-model-config file": {"net_type": "resnet_50"},
            "fps": 20.0,
            "batch_size": 1,
            "frame_dimensions": (35, 40),  # the crop's (height, width), as checkcropping records it
            "nframes": N_FRAMES,
            "iteration (active-learning)": 0,
            "training set fraction": 0.95,
            "cropping": True,
            "cropping_parameters": CROP,
        }
    }
    with open(folder / f"c1{SCORER}_meta.pickle", "wb") as handle:
        pickle.dump(meta, handle)
    write_video(folder / "c1.mp4", n_frames=N_FRAMES)  # the whole video, found beside the predictions
    nwb = folder / "c.nwb"
    run("convert", h5, "-o", nwb, "--session-start-time", START)
    positions = np.stack([values[:, 0:2], values[:, 3:5]], axis=1)
    return h5, positions, nwb


@pytest.mark.parametrize("from_nwb", [True, False], ids=["nwb", "deeplabcut-file"])
def test_slp_export_places_cropped_poses_on_the_whole_video(cropped, tmp_path, from_nwb):
    h5, positions, nwb = cropped
    out = tmp_path / "out.slp"
    run("export", nwb if from_nwb else h5, "--to", "slp", "-o", out)
    labels = sio.load_slp(str(out), open_videos=False)
    assert labels.videos[0].filename.endswith("c1.mp4")  # the whole video
    got = np.stack([frame.instances[0].numpy() for frame in sorted(labels, key=lambda f: f.frame_idx)])
    np.testing.assert_allclose(got, positions + CORNER)


def test_analysis_export_places_cropped_poses_on_the_whole_video(cropped, tmp_path):
    _, positions, nwb = cropped
    out = tmp_path / "out.analysis.h5"
    run("export", nwb, "--to", "sleap-analysis", "-o", out)
    with h5py.File(out, "r") as handle:
        assert handle["video_path"][()].decode().endswith("c1.mp4")
        tracks = handle["tracks"][0]  # (xy, node, frame)
    np.testing.assert_allclose(tracks.transpose(2, 1, 0), positions + CORNER)


def test_dlc_export_keeps_the_values_deeplabcut_wrote(cropped, tmp_path):
    _, positions, nwb = cropped
    out = tmp_path / "out.h5"
    result = run("export", nwb, "--to", "dlc", "-o", out)
    # ... and says that the table records no crop, which a reader of it alone would miss.
    assert "out.h5: the poses of video" in result.stderr and "add (10, 5) to place them" in result.stderr
    table = pd.read_hdf(out)
    np.testing.assert_allclose(table.xs("x", level="coords", axis=1).to_numpy(), positions[..., 0])
    np.testing.assert_allclose(table.xs("y", level="coords", axis=1).to_numpy(), positions[..., 1])


def test_plot_video_draws_cropped_poses_where_the_animal_is(cropped, tmp_path):
    from PIL import Image

    from poseconv.exporters.overlay import overlay_layers
    from poseconv.nwb.read.pose import read_nwb

    _, positions, nwb = cropped
    png = tmp_path / "f0.png"
    run("plot", nwb, "--video", "--frame", 0, "-o", png)
    with Image.open(png) as image:
        rendered = np.asarray(image.convert("RGB"))
    [layer] = overlay_layers(read_nwb(nwb), "c1")
    for node, xy in enumerate(positions[0]):
        x, y = np.rint(xy + CORNER).astype(int)
        assert tuple(rendered[y, x]) == layer.colours[node], (node, xy)


@pytest.mark.parametrize("to, suffix", [("lp", ".csv"), ("movement", ".nc")])
def test_lp_and_movement_exports_say_the_crop_they_do_not_record(cropped, tmp_path, to, suffix):
    _, _, nwb = cropped
    result = run("export", nwb, "--to", to, "-o", tmp_path / f"out{suffix}")
    assert "in the pixels of a crop of it" in result.stderr and "add (10, 5) to place them" in result.stderr
    assert f"out{suffix}: the poses of video" in result.stderr
