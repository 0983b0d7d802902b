"""A ``_meta.pickle`` whose fps or nframes cannot be the analysed video's (OpenCV reports 0, NaN or a wrong count
for some containers): not used, and a warning names the side file and its value."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.readers.deeplabcut import read_deeplabcut

SCORER = "DLC_Resnet50_projJan1shuffle1_snapshot_200"
ROWS = 20


def _tracked_file(folder, **meta):
    """A stitched ``_el.h5`` of two mice, 20 rows, beside a ``_meta.pickle`` holding ``meta``."""
    columns = pd.MultiIndex.from_product(
        [[SCORER], ["a", "b"], ["nose", "tail"], ["x", "y", "likelihood"]],
        names=["scorer", "individuals", "bodyparts", "coords"],
    )
    path = folder / f"vid{SCORER}_el.h5"
    values = np.random.default_rng(0).uniform(0, 1, (ROWS, len(columns)))
    pd.DataFrame(values, columns=columns).to_hdf(path, key="tracks", format="table", mode="w")
    data = {"Scorer": SCORER, "fps": 30.0, "frame_dimensions": (48, 64), **meta}
    (folder / f"vid{SCORER}_meta.pickle").write_bytes(pickle.dumps({"data": data}))
    return path


@pytest.mark.parametrize("nframes", [2**62, 200_000_000, 0, -1])
def test_an_implausible_frame_count_is_said_and_not_used_to_pad(tmp_path, nframes):
    # Before, 2**62 failed with numpy's "array is too big" naming no file, 2e8 padded the poses with NaN rows
    # for minutes (1.7 GB), and 0 or -1 was said to be a video shorter than the predictions.
    path = _tracked_file(tmp_path, nframes=nframes)
    with pytest.warns(PoseconvWarning, match=rf"_meta\.pickle records nframes {nframes}, ") as caught:
        pose = read_deeplabcut(path)
    assert all("predictions reach frame" not in str(warning.message) for warning in caught)
    assert pose.n_frames(pose.tracks[0].video) == ROWS
    assert pose.videos[pose.tracks[0].video].n_frames is None


def test_a_frame_count_within_the_rule_still_pads_a_tracked_file(tmp_path):
    path = _tracked_file(tmp_path, nframes=10 * ROWS)
    pose = read_deeplabcut(path)
    assert pose.n_frames(pose.tracks[0].video) == 10 * ROWS


@pytest.mark.parametrize("fps", [0.0, float("nan")])
def test_a_rate_of_zero_is_said_to_be_the_metadatas(tmp_path, fps):
    # Before, the error said only that "no frame rate is recorded", though the _meta.pickle records one.
    path = _tracked_file(tmp_path, fps=fps, nframes=ROWS)
    with pytest.warns(PoseconvWarning, match=rf"_meta\.pickle records fps {fps!r}, which is no frame rate.*--fps"):
        pose = read_deeplabcut(path)
    assert pose.timing == {}


@pytest.mark.filterwarnings("ignore:.*before tracking")
def test_an_untracked_file_keeps_a_larger_count_and_drops_zero(tmp_path):
    # Only a tracked file is padded to its video's length; analyze_videos' own table is never padded.
    path = _tracked_file(tmp_path, nframes=100 * ROWS)
    untracked = path.rename(tmp_path / f"vid{SCORER}.h5")
    table = pd.read_hdf(untracked)
    table.to_hdf(untracked, key="df_with_missing", format="table", mode="w")
    pose = read_deeplabcut(untracked)
    assert pose.videos[pose.tracks[0].video].n_frames == 100 * ROWS
    assert pose.n_frames(pose.tracks[0].video) == ROWS
    (tmp_path / f"vid{SCORER}_meta.pickle").write_bytes(pickle.dumps({"data": {"Scorer": SCORER, "nframes": 0}}))
    with pytest.warns(PoseconvWarning, match=r"_meta\.pickle records nframes 0, no frame count"):
        assert read_deeplabcut(untracked).videos[pose.tracks[0].video].n_frames is None
