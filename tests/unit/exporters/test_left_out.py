"""Every export names in one warning the values its format has no place for, and says nothing when it keeps all.

One rule (exporters/left_out.py) for --to dlc / lp, slp, sleap-analysis and --training --to dlc; the Python
functions (to_deeplabcut_dataframe, to_sleap_labels, write_*) say what the command line says.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.exporters.deeplabcut import to_deeplabcut_dataframe, write_deeplabcut
from poseconv.exporters.deeplabcut_training import to_deeplabcut_labels, write_deeplabcut_labels
from poseconv.exporters.sleap import to_sleap_labels, write_slp
from poseconv.exporters.sleap_analysis import write_sleap_analysis
from poseconv.model import ExtraCoords, Skeleton, VideoInfo
from poseconv.model.training import LabeledFrame, LabeledInstance, TrainingData
from poseconv.testing.mock import mock_pose_data
from tests.fixtures.sleap import with_replaced_predictions

N_FRAMES = 5


def _said(export, *args, **kwargs) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        export(*args, **kwargs)
    return [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]


def _eks() -> object:
    pose = mock_pose_data(n_frames=N_FRAMES)
    ens_var = ExtraCoords("ens_var", ("x_ens_var", "y_ens_var"), np.ones((N_FRAMES, 3, 2)))
    return dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], extra_coords=(ens_var,))])


def _sleap_predictions() -> object:
    pose = mock_pose_data(n_frames=N_FRAMES, n_individuals=2, source_software="SLEAP")
    tracks = [
        dataclasses.replace(
            track,
            instance_scores=np.linspace(0.5, 0.9, N_FRAMES),
            tracking_scores=np.full(N_FRAMES, 0.75 if k == 0 else 0.0),  # 0.0: SLEAP's "no tracking score"
            user_labeled=np.zeros(N_FRAMES, dtype=bool),
        )
        for k, track in enumerate(pose.tracks)
    ]
    return dataclasses.replace(pose, tracks=tracks)


def _sleap_proofread() -> object:
    pose = with_replaced_predictions(mock_pose_data(n_frames=N_FRAMES, n_individuals=2, source_software="SLEAP"))
    identities = np.array([0, -1, -1, 0, -1], dtype="int32")
    second = dataclasses.replace(pose.tracks[1], identities=identities, identity_names=("mouseA",))
    return dataclasses.replace(pose, tracks=[pose.tracks[0], second])


def _pose_exports(tmp_path):
    """Each pose export, as a Python function and as the file writer the command line calls."""
    return {
        "dlc": [lambda p: to_deeplabcut_dataframe(p), lambda p: write_deeplabcut(p, tmp_path / "out.h5")],
        "slp": [lambda p: to_sleap_labels(p), lambda p: write_slp(p, tmp_path / "out.slp")],
        "sleap-analysis": [lambda p: write_sleap_analysis(p, tmp_path / "out.analysis.h5")],
    }


# What each export says of each poses: None (nothing), else phrases the one warning holds.
CASES = {
    "plain": ({"dlc": None, "slp": None, "sleap-analysis": None}, lambda: mock_pose_data(n_frames=N_FRAMES)),
    "eks": (
        {
            "dlc": None,
            "slp": ["a SLEAP file has no place for the extra columns x_ens_var, y_ens_var", "--to dlc or --to lp keep"],
            "sleap-analysis": ["the extra columns x_ens_var, y_ens_var", "--to dlc or --to lp keep the extra columns"],
        },
        _eks,
    ),
    "sleap-predictions": (
        {
            "dlc": [
                "a DeepLabCut table (and Lightning Pose's CSV, its layout) has no place for",
                "SLEAP's instance scores (instance_score; tracks animal0, animal1)",
                # animal1's tracking scores are SLEAP's 0.0, no score at all: not named.
                "SLEAP's tracking scores (tracking_score; tracks animal0)",
                "--to slp keeps the instance scores and tracking scores",
                "--to sleap-analysis keeps the instance scores and tracking scores",
            ],
            "slp": None,
            "sleap-analysis": None,
        },
        _sleap_predictions,
    ),
    "sleap-proofread": (
        {
            "dlc": [
                "which poses a user placed (user_labeled; tracks animal0)",
                "the predictions user instances replaced (tracks animal0)",
                "the instances' identities (SLEAP Identity; tracks animal1)",
                "--to slp keeps the user flags, replaced predictions and identities",
            ],
            "slp": None,
            "sleap-analysis": ["user_labeled; tracks animal0", "identities (SLEAP Identity; tracks animal1)"],
        },
        _sleap_proofread,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_pose_export_names_what_it_drops_and_nothing_else(tmp_path, case):
    expected, make = CASES[case]
    pose = make()
    for to, exports in _pose_exports(tmp_path).items():
        for export in exports:
            said = _said(export, pose)
            if expected[to] is None:
                assert said == [], (to, said)
                continue
            assert len(said) == 1, (to, said)
            for phrase in expected[to]:
                assert phrase in said[0], (to, phrase, said[0])
            assert "Export --to movement to keep every value" in said[0]
            assert f"--to {to} keep" not in said[0]  # not itself among the exports that keep them


def test_the_python_table_and_the_file_writer_say_the_same(tmp_path):
    pose = _sleap_proofread()
    (table,) = _said(to_deeplabcut_dataframe, pose)
    (written,) = _said(write_deeplabcut, pose, tmp_path / "p.csv")
    assert written == table.replace("they are left out", f"{tmp_path / 'p.csv'} is written without them")


def test_the_warning_points_at_the_callers_line(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_deeplabcut(_sleap_predictions(), tmp_path / "s.h5")
        to_sleap_labels(_eks())
    assert [w.filename for w in caught if issubclass(w.category, PoseconvWarning)] == [__file__] * 2


def _labels(*, identity=False, hidden=False, flags=False) -> TrainingData:
    """Two labeled frames of two animals (named) on one video, as SLEAP (or Lightning Pose, ``flags``) gives them."""
    visible = np.array([True, not hidden])
    instances = tuple(
        LabeledInstance(
            skeleton="mouse",
            points=np.array([[1.0, 2.0], [3.0, 4.0]]) + k,
            visible=visible,
            individual=f"m{k}",
            visibility_flags=np.where(visible, 2, 1).astype("int8") if flags else None,
            identity="mouseA" if identity and k == 1 else None,
            identity_score=0.5 if identity and k == 1 else None,
        )
        for k in range(2)
    )
    frames = [LabeledFrame(video="cam", frame_index=t, instances=instances) for t in range(2)]
    return TrainingData.from_frames(
        source_software="SLEAP",
        source_file="labels.slp",
        skeletons=[Skeleton("mouse", ("nose", "tail"))],
        videos=[VideoInfo("cam", n_frames=10)],
        frames=frames,
        individuals=["m0", "m1"],
    )


def _training_exports(tmp_path):
    return [
        lambda t: to_deeplabcut_labels(t),
        lambda t: write_deeplabcut_labels(t, tmp_path / "one.h5", overwrite=True),
        lambda t: write_deeplabcut_labels(t, tmp_path / "project", overwrite=True),
    ]


@pytest.mark.parametrize(
    ("labels", "phrases"),
    [
        ({}, None),
        ({"identity": True}, ["identities and their scores (SLEAP Identity; individuals m1)"]),
        ({"hidden": True}, ["which labeled nodes were marked not visible", "individuals m0, m1"]),
        # Lightning Pose's visible column holds the marks: nothing is left out.
        ({"hidden": True, "flags": True}, None),
    ],
    ids=["plain", "identities", "not-visible", "not-visible-with-flags"],
)
def test_training_labels_to_deeplabcut_name_what_the_table_drops(tmp_path, labels, phrases):
    training = _labels(**labels)
    for export in _training_exports(tmp_path):
        said = _said(export, training)
        if phrases is None:
            assert said == []
            continue
        (warning,) = said
        assert warning.startswith("labels.slp: a DeepLabCut CollectedData table has no place for")
        assert all(phrase in warning for phrase in phrases), warning
        assert "--training --to slp keeps the" in warning and "--to movement" not in warning
