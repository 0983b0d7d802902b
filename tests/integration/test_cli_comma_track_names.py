"""``poseconv convert -i`` with a track whose name holds a comma (a SLEAP track ``mouse 1, left``).

``-i a,b`` names two tracks; a value that names none of the file's tracks once split at its commas is
taken whole, so ``-i "mouse 1, left"`` keeps that track. Before, it was split and refused.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import sleap_io as sio

from poseconv import read_nwb
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.sleap import predictions_per_frame

TRACKS = ("mouse 1, left", "mouse 2", "mouse 3")
START = "2024-05-01T10:30:00+02:00"


@pytest.fixture
def slp(tmp_path):
    """Three tracked animals over three frames, the first track's name holding a comma."""
    rng = np.random.default_rng(3)
    skeleton = sio.Skeleton(["a", "b"])
    video = sio.Video(filename=str(tmp_path / "v.mp4"), open_backend=False)
    tracks = [sio.Track(name) for name in TRACKS]
    labels = predictions_per_frame(
        video,
        skeleton,
        range(3),
        lambda *_: np.c_[rng.uniform(0, 9, (2, 2)), rng.uniform(0, 1, 2)],
        score=0.5,
        tracks=tracks,
    )
    path = tmp_path / "c.slp"
    sio.save_slp(labels, path)
    return path


def _kept(path) -> list[str]:
    """The tracks of the NWB file's poses, as the file names them."""
    (pose,) = read_nwb(path)
    return sorted({pose.identity(track) for track in pose.tracks})


@pytest.mark.parametrize(
    ("values", "kept"),
    [
        (["mouse 1, left"], ["mouse 1, left"]),
        (["mouse 1, left", "mouse 2"], ["mouse 1, left", "mouse 2"]),
        (["mouse 2,mouse 3"], ["mouse 2", "mouse 3"]),
    ],
)
def test_a_value_naming_a_track_whole_is_that_track(tmp_path, slp, values, kept):
    out = tmp_path / "out.nwb"
    options = [arg for value in values for arg in ("-i", value)]
    result = poseconv_in_process("convert", slp, "-o", out, "--fps", 10, "--session-start-time", START, *options)
    assert result.returncode == 0, result.stderr
    assert _kept(out) == kept


def test_a_name_not_found_lists_the_files_names(tmp_path, slp):
    result = poseconv_in_process(
        "convert", slp, "-o", tmp_path / "out.nwb", "--fps", 10, "--session-start-time", START, "-i", "mouse 2,mouse 9"
    )
    assert result.returncode == 1
    assert "['mouse 9'] not found in c.slp; available individuals/tracks: ['mouse 1, left', 'mouse 2', 'mouse 3']" in (
        result.stderr
    ), result.stderr


def test_metadata_keeps_a_track_named_with_a_comma_as_convert_does(slp):
    # `poseconv metadata` prints the metadata the conversion would use: the same tracks, the same rule.
    result = poseconv_in_process("metadata", slp, "--fps", 10, "-i", "mouse 1, left", "--format", "json")
    assert result.returncode == 0, result.stderr
    containers = json.loads(result.stdout)["Pose"]["PoseEstimations"]
    assert len(containers) == 1 and "mouse 1, left" in json.dumps(containers)
