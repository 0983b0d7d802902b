"""poseconv export names what each format leaves out, as the Python exporters do (exporters/left_out.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.fixtures.cli import poseconv_in_process

START = "2024-05-01T10:00:00+00:00"
_EKS_COLUMNS = ["x", "y", "likelihood", "x_ens_median", "y_ens_median", "x_ens_var", "y_ens_var"]


@pytest.fixture(scope="module")
def eks_nwb(tmp_path_factory):
    """An Ensemble Kalman Smoother CSV (2 keypoints, 6 frames) converted to NWB."""
    folder = tmp_path_factory.mktemp("eks")
    columns = pd.MultiIndex.from_product(
        [["ensemble-kalman_tracker"], ["nose", "paw"], _EKS_COLUMNS], names=["scorer", "bodyparts", "coords"]
    )
    rng = np.random.default_rng(0)
    pd.DataFrame(rng.random((6, len(columns))), columns=columns).to_csv(folder / "eks.csv")
    result = poseconv_in_process("convert", folder / "eks.csv", "-o", folder / "eks.nwb", "--fps", "30",
                                 "--session-start-time", START, "-q")  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder / "eks.nwb"


def _export(nwb, to, out):
    result = poseconv_in_process("export", nwb, "--to", to, out)
    assert result.returncode == 0, result.stderr
    return " ".join(result.stderr.split())  # the console wraps long warnings


def test_eks_columns_left_out_of_slp_are_named_and_kept_by_dlc_and_lp_without_a_word(eks_nwb):
    # Before, --to slp dropped x_ens_median ... y_ens_var with nothing said.
    said = _export(eks_nwb, "slp", eks_nwb.with_name("eks.slp"))
    assert "a SLEAP file has no place for the extra columns x_ens_median, y_ens_median, x_ens_var, y_ens_var" in said
    assert "--to dlc or --to lp keep the extra columns" in said
    for to, name in (("dlc", "back.h5"), ("lp", "back.csv")):
        assert "no place" not in _export(eks_nwb, to, eks_nwb.with_name(name))


def test_sleap_scores_left_out_of_dlc_and_lp_are_named_and_slp_says_nothing(tmp_path):
    sio = pytest.importorskip("sleap_io")
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename=str(tmp_path / "fly.mp4"), open_backend=False)
    track = sio.Track(name="fly")
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=t,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[1.0 + t, 2.0], [3.0, 4.0]]),
                    point_scores=np.array([0.9, 0.8]),
                    score=0.7,
                    skeleton=skeleton,
                    track=track,
                    tracking_score=0.6,
                )
            ],
        )
        for t in range(3)
    ]
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=[video], tracks=[track]), str(tmp_path / "p.slp"))
    nwb = tmp_path / "p.nwb"
    result = poseconv_in_process("convert", tmp_path / "p.slp", "-o", nwb, "--fps", "30",
                                 "--session-start-time", START, "-q")  # fmt: skip
    assert result.returncode == 0, result.stderr
    for to, name in (("dlc", "p.h5"), ("lp", "p.csv")):
        said = _export(nwb, to, tmp_path / name)
        assert "has no place for SLEAP's instance scores (instance_score; tracks fly); SLEAP's tracking scores" in said
        assert "--to slp keeps the instance scores and tracking scores" in said
    assert "no place" not in _export(nwb, "slp", tmp_path / "back.slp")
