"""SLEAP files as labs have them: SLEAP 1.0 labels saved as .h5, the CSV export."""

from __future__ import annotations

import shutil

import pytest
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import (
    SLP_CENTERED_PAIR,
    SLP_TYPICAL,
    assert_track_equals_instances,
    tracked_instances,
)

from poseconv.catalog import check_format, detect_format, get_format
from poseconv.errors import InvalidSourceFileError
from poseconv.readers.sleap_training import read_sleap_labels

pytestmark = needs_shared_data

ANALYSIS_H5 = SLP_CENTERED_PAIR.parents[1] / "slp_hdf5/minimal_instance.000_centered_pair_low_quality.analysis.h5"


def test_sleap_1_0_labels_saved_as_h5_are_read_as_slp(tmp_path):
    # SLEAP 1.0 wrote labels in the .slp HDF5 layout under an .h5 name (the same bytes as a .slp).
    old = tmp_path / "centered_pair_predictions.h5"
    shutil.copy(SLP_CENTERED_PAIR, old)
    fmt = detect_format(old)
    assert fmt.name == "SLEAP"
    check_format(old, get_format("sleap"))
    pose = fmt.read(old)

    import sleap_io

    labels = sleap_io.load_slp(str(old), open_videos=False)
    (video,) = labels.videos
    expected = tracked_instances(labels, video)
    assert sorted(track.name for track in pose.tracks) == sorted(expected)
    n_frames = max(int(lf.frame_idx) for lf in labels.labeled_frames) + 1
    for track in pose.tracks:
        assert_track_equals_instances(track, expected[track.name], n_frames=n_frames, tracking_scores=True)
    assert list(pose.videos) == ["centered_pair_low_quality"]


def test_sleap_1_0_labels_h5_give_their_user_labels_and_analysis_exports_do_not(tmp_path):
    old = tmp_path / "typical.h5"
    shutil.copy(SLP_TYPICAL, old)
    assert len(read_sleap_labels(old).frames) == len(read_sleap_labels(SLP_TYPICAL).frames) == 1
    with pytest.raises(InvalidSourceFileError, match="does not record which poses a user placed"):
        read_sleap_labels(ANALYSIS_H5)
