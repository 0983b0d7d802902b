"""The .slp array fast path gives exactly what read_sleap gives, or leaves the file to it."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from tests.fixtures.sleap import (
    SLP_CENTERED_PAIR,
    SLP_CLIP_PREDICTIONS,
    SLP_CLIP_PROOFREAD,
    SLP_COURTSHIP,
    SLP_DANCE,
    SLP_DEMO_FLIES,
    SLP_IMAGE_LIST,
    SLP_LABELS_V002,
    SLP_MIN_SESSION,
    SLP_MIN_SESSION_USER,
    SLP_MINIMAL_PKG,
    SLP_MULTIVIEW_28,
    SLP_PREDICTIONS_V11,
    SLP_PROVENANCE,
    SLP_TYPICAL,
)

from poseconv.readers.sleap import read_sleap
from poseconv.readers.sleap_arrays import read_sleap_fast, read_slp_track_arrays

# Files the fast path reads itself (all tracked, one instance per kind, track and frame).
FAST = [
    SLP_COURTSHIP,
    SLP_PROVENANCE,
    SLP_DEMO_FLIES,
    SLP_PREDICTIONS_V11,
    SLP_CENTERED_PAIR,
    SLP_CLIP_PREDICTIONS,
    SLP_CLIP_PROOFREAD,  # user instances over predictions
]
# Files it leaves to sleap-io (untracked instances, sessions, ...); the result must be the same.
FALLBACK = [
    SLP_DANCE,
    SLP_TYPICAL,
    SLP_LABELS_V002,
    SLP_MINIMAL_PKG,
    SLP_MULTIVIEW_28,
    SLP_MIN_SESSION,
    SLP_MIN_SESSION_USER,
    SLP_IMAGE_LIST,
]


def assert_same(a, b, where="pose"):
    """Equal field by field; arrays bit for bit with the same dtype."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray), where
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), where
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def _both(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_sleap(path, **kwargs), read_sleap_fast(path, **kwargs)


@pytest.mark.parametrize("path", FAST, ids=lambda p: p.name)
@pytest.mark.parametrize("predicted_only", [False, True])
def test_fast_path_equals_read_sleap(path, predicted_only):
    assert read_slp_track_arrays(path, predicted_only=predicted_only) is not None
    slow, fast = _both(path, predicted_only=predicted_only, untracked="by_order")
    assert_same(slow, fast)


@pytest.mark.parametrize("path", FALLBACK, ids=lambda p: p.name)
def test_other_files_fall_back_to_read_sleap(path):
    assert read_slp_track_arrays(path) is None
    slow, fast = _both(path, untracked="by_order")
    assert_same(slow, fast)


@pytest.mark.parametrize(
    "fixture",
    ["generated_edge_cases", "generated_two_skeletons", "generated_two_videos", "generated_single_animal_untracked"],
)
def test_generated_edge_cases_are_equal(fixture, request):
    path = request.getfixturevalue(fixture).path
    for predicted_only in (False, True):
        slow, fast = _both(path, predicted_only=predicted_only)
        assert_same(slow, fast)


def test_user_instance_wins_over_the_prediction(generated_edge_cases):
    arrays, last_frame, n_videos = read_slp_track_arrays(generated_edge_cases.path)
    assert n_videos == 1 and last_frame == {0: 5}
    track_a = arrays[0, 0, 0]
    expected = generated_edge_cases.expected["instances"][("A", 4)]["user"].numpy()
    row = list(track_a["frames"]).index(4)
    np.testing.assert_array_equal(track_a["positions"][row], expected)
    assert track_a["user_labeled"][row] and np.isnan(track_a["confidence"][row]).all()


def test_selected_videos_are_honoured(generated_two_videos):
    for indices in ([0], [1], [1, 0]):
        slow, fast = _both(generated_two_videos.path, video_indices=indices)
        assert_same(slow, fast)
