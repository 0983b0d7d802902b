"""A SLEAP track whose instances use two skeletons, one per video: each video's export names it as SLEAP did.

poseconv writes such a track as two containers (``fly_S1``, ``fly_S2``, one per skeleton); an export of one
video holds one of them and gave it the container's name, while ``--to slp`` gave ``fly`` back.
"""

from __future__ import annotations

import h5py
import numpy as np
import pandas as pd
import pytest

from tests.fixtures.cli import poseconv_in_process

START = "2024-05-01T10:00:00+00:00"


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    import sleap_io as sio

    folder = tmp_path_factory.mktemp("two_skeletons")
    rng = np.random.default_rng(0)
    skeletons = [sio.Skeleton(["a", "b", "c"], name="S1"), sio.Skeleton(["x", "y"], name="S2")]
    fly = sio.Track("fly")
    frames = []
    for camera, skeleton in zip(("cam0", "cam1"), skeletons, strict=True):
        metadata = {"shape": (5, 64, 64, 1), "fps": 30.0}
        video = sio.Video(filename=f"/lab/{camera}.mp4", backend_metadata=metadata, open_backend=False)
        n = len(skeleton.nodes)
        for i in range(5):
            points = rng.random((n, 2)) * 50
            instance = sio.PredictedInstance.from_numpy(
                points, skeleton=skeleton, point_scores=rng.random(n), score=0.9, track=fly
            )
            frames.append(sio.LabeledFrame(video=video, frame_idx=i, instances=[instance]))
    labels = sio.Labels(labeled_frames=frames, skeletons=skeletons, tracks=[fly])
    sio.save_slp(labels, folder / "two.slp")
    nwb = folder / "two.nwb"
    result = poseconv_in_process("convert", folder / "two.slp", "-o", nwb, "-q", "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    return folder, nwb


def test_each_video_s_analysis_file_names_the_track_as_sleap_did(converted):
    folder, nwb = converted
    result = poseconv_in_process("export", nwb, "--to", "sleap-analysis", folder / "two.analysis.h5", "-q")
    assert result.returncode == 0, result.stderr
    for camera in ("cam0", "cam1"):
        with h5py.File(folder / f"two_{camera}.analysis.h5", "r") as handle:
            assert [name.decode() for name in handle["track_names"][()]] == ["fly"]


def test_each_video_s_deeplabcut_and_movement_exports_name_the_animal_as_sleap_did(converted):
    import xarray as xr

    folder, nwb = converted
    for target, name in (("dlc", "two.h5"), ("movement", "two.nc")):
        result = poseconv_in_process("export", nwb, "--to", target, folder / name, "-q")
        assert result.returncode == 0, result.stderr
    for camera in ("cam0", "cam1"):
        table = pd.read_hdf(folder / f"two_{camera}.h5")
        assert list(dict.fromkeys(table.columns.get_level_values("individuals"))) == ["fly"]
        with xr.open_dataset(folder / f"two_{camera}.nc") as dataset:
            assert [str(name) for name in dataset["individuals"].values] == ["fly"]
