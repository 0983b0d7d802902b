"""A pose file's frames against its video's (:mod:`poseconv.video_span`): SLEAP's poses padded to the video's end."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.model import PoseData, PoseTrack, Skeleton, VideoInfo
from poseconv.model.frames import LazyArray
from poseconv.pose_source import fit_to_video
from poseconv.video import VideoProbe


class _Lazy(LazyArray):
    """A lazy array over a numpy array, as a reader's lazy views are."""

    def __init__(self, values: np.ndarray) -> None:
        self.values, self.shape, self.dtype = values, values.shape, values.dtype

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.values[start:stop]

    def select(self, *key):
        return _Lazy(self.values[(slice(None), *key)])


def _pose(
    software: str,
    n_frames: int = 5,
    *,
    lazy: bool = False,
    source_file: str = "clip.slp",
    recorded: int | None = None,
    notes: dict | None = None,
) -> PoseData:
    positions = np.arange(n_frames * 2, dtype="float64").reshape(n_frames, 1, 2)
    track = PoseTrack(
        name="female",
        skeleton="s",
        video="clip",
        positions=_Lazy(positions) if lazy else positions,
        confidence=np.ones((n_frames, 1)),
        user_labeled=np.ones(n_frames, dtype=bool),
        identities=np.zeros(n_frames, dtype="int32"),
    )
    return PoseData(
        source_software=software,
        source_file=source_file,
        skeletons={"s": Skeleton(name="s", nodes=("head",))},
        videos={"clip": VideoInfo(key="clip", n_frames=recorded)},
        timing={},
        tracks=[track],
        notes=notes or {},
    )


def _probe(n_frames: int = 8) -> VideoProbe:
    return VideoProbe(
        path=Path("clip.mp4"),
        n_frames=n_frames,
        frame_size=(48, 64),
        timestamps=np.arange(n_frames) / 30,
        constant_rate=30.0,
    )


@pytest.mark.parametrize("lazy", [False, True], ids=["numpy", "lazy"])
def test_sleap_poses_ending_before_their_video_are_padded_to_its_end(lazy):
    # SLEAP <= 1.4 records no video length, and --no-empty-frames ends a .slp at its last frame with an instance:
    # before, the poses were "taken to be its first 5 frames" of 8 and poseconv validate flagged the file written.
    # Warned, in a sentence, so that a user who gave (or had found) another video sees it.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = fit_to_video(_pose("SLEAP", lazy=lazy), "clip", _probe())
    assert [str(w.message) for w in caught] == [
        "clip.slp: its poses end at frame 4, padded with NaN to the 8 frames of the video clip.mp4 (check that it "
        "is the one they were made on)."
    ]
    (track,) = pose.tracks
    positions = np.asarray(track.positions[:])
    assert positions.shape == (8, 1, 2) and track.n_frames == 8
    np.testing.assert_array_equal(positions[:5].ravel(), np.arange(10))
    assert np.isnan(positions[5:]).all() and np.isnan(np.asarray(track.confidence)[5:]).all()
    np.testing.assert_array_equal(np.asarray(track.positions[3:7])[2:].ravel(), [np.nan] * 4)
    assert not np.asarray(track.user_labeled)[5:].any() and (np.asarray(track.identities)[5:] == -1).all()
    assert pose.videos["clip"].n_frames == 8
    assert pose.notes["model"] == (
        "clip.slp holds poses up to frame 4; the video has 8 frames (clip.mp4), so frames 5 to 7 have no pose (NaN)."
    )


def test_a_table_of_rows_in_order_keeps_its_length_against_a_longer_video():
    # A table's rows are the frames analysed, in order: not known to start at the video's first frame.
    with pytest.warns(PoseconvWarning, match="taken to be its first 5 frames"):
        pose = fit_to_video(_pose("DeepLabCut"), "clip", _probe())
    assert pose.tracks[0].n_frames == 5 and "model" not in pose.notes


def test_sleap_poses_as_long_as_their_video_are_unchanged():
    pose = fit_to_video(_pose("SLEAP", 8), "clip", _probe())
    assert pose.tracks[0].n_frames == 8 and "model" not in pose.notes


def test_sleap_analysis_rows_of_an_unknown_first_frame_keep_their_length_against_a_longer_video():
    # SLEAP's write_tracking_h5 and sleap-io's all_frames=False start the rows at the first labeled frame, which
    # the file does not record: padding put poses of frames 5-9 at 0-4 and said "frames 5 to 19 have no pose".
    with pytest.warns(PoseconvWarning, match="taken to be its first 5 frames"):
        pose = fit_to_video(_pose("SLEAP", source_file="clip.analysis.h5"), "clip", _probe())
    assert pose.tracks[0].n_frames == 5 and "model" not in pose.notes


def test_sleap_analysis_rows_placed_on_their_first_frame_are_padded_to_the_videos_end():
    # The labels file beside the export gave its first frame: the rows are frame numbers.
    notes = {"first_frame": {"frame": 2, "from": "the first labeled frame of the video in clip.slp"}}
    with pytest.warns(PoseconvWarning, match="padded with NaN to the 8 frames of the video clip.mp4"):
        pose = fit_to_video(_pose("SLEAP", source_file="clip.analysis.h5", notes=notes), "clip", _probe())
    assert pose.tracks[0].n_frames == 8


def test_a_video_length_sleap_recorded_rules_over_a_longer_video_found():
    # The .slp records its video as 5 frames (the backend's shape): a 8-frame video of its name is not the one the
    # poses were made on, and padding to it said "the last frame clip.slp holds is frame 4" of the recorded length.
    with pytest.warns(PoseconvWarning, match="taken to be its first 5 frames"):
        pose = fit_to_video(_pose("SLEAP", recorded=5), "clip", _probe())
    assert pose.tracks[0].n_frames == 5 and "model" not in pose.notes


def _with_rows_at_zero(pose: PoseData, first: int) -> PoseData:
    """Return ``pose`` with every value from row ``first`` on 0, as DeepLabCut 2 leaves rows it does not fill."""
    (track,) = pose.tracks
    positions, confidence = np.array(track.positions), np.array(track.confidence)
    positions[first:], confidence[first:] = 0.0, 0.0
    return dataclasses.replace(pose, tracks=[dataclasses.replace(track, positions=positions, confidence=confidence)])


def test_rows_past_the_video_left_at_zero_hold_no_poses_and_are_left_out():
    # DeepLabCut 2 allocates the rows of the frames a video's header counts and leaves at 0 those the video does
    # not decode: such a file beside its own video was refused as another video's poses.
    pose = _with_rows_at_zero(_pose("DeepLabCut", 10, source_file="p.h5"), 8)
    with pytest.warns(
        PoseconvWarning, match=r"^p\.h5: rows 8\.\.9 are 0 in every column .* 8 frames of the video clip"
    ):
        fitted = fit_to_video(pose, "clip", _probe(8))
    assert fitted.tracks[0].n_frames == 8 and fitted.videos["clip"].n_frames == 8


def test_a_recorded_length_past_the_videos_end_gives_the_video_its_own_frames():
    # DeepLabCut records OpenCV's header count (15) where 12 frames decode: the video's ImageSeries was given 15.
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        pose = fit_to_video(_pose("DeepLabCut", 8, source_file="p.h5", recorded=15), "clip", _probe(8))
    assert pose.tracks[0].n_frames == 8 and pose.videos["clip"].n_frames == 8
