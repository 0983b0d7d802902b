"""A video of several files already in the file: which of its files is the poses' video, and at which times."""

from __future__ import annotations

import warnings

import pytest
from pynwb.image import ImageSeries

from poseconv.errors import PoseconvWarning
from poseconv.nwb.write.video_segments import segment_of, warn_if_other_times


def _series(files: list[str], starting_frame: list[int]) -> ImageSeries:
    return ImageSeries(
        name="Video",
        external_file=files,
        starting_frame=starting_frame,
        format="external",
        rate=20.0,
        unit="Frames",
        num_samples=12,
    )


def test_a_file_of_a_video_of_several_files_is_its_segment(tmp_path):
    series = _series(["part1.mp4", "part2.mp4"], [0, 6])
    assert segment_of(series, tmp_path / "part2.mp4", tmp_path) == 1
    assert segment_of(series, tmp_path / "other" / "part2.mp4", tmp_path) is None  # another folder: another file
    assert segment_of(_series(["part1.mp4"], [0]), tmp_path / "part1.mp4", tmp_path) is None  # the whole video


def test_an_image_of_an_image_sequence_is_no_segment(tmp_path):
    # Each image is a frame: a pose file of one of them is not poses of that sequence's camera.
    assert segment_of(_series(["a.png", "b.png"], [0, 1]), tmp_path / "b.png", tmp_path) is None


@pytest.mark.parametrize(("start", "warned"), [(0.3, False), (0.0, True)])
def test_the_poses_of_a_segment_are_compared_with_its_frames(start, warned):
    # The second file begins at frame 6 of a 20 fps series from 0 s: at 0.3 s.
    series = _series(["part1.mp4", "part2.mp4"], [0, 6])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_other_times(series, {"rate": 20.0, "starting_time": start}, segment=1)
    said = [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]
    assert bool(said) is warned
    assert not said or "its file part2.mp4, from its frame 6" in said[0]


def _jittered_times(start: float):
    import numpy as np

    # 31 frames at 30 fps with up to 3 ms of jitter: the first step is 27.9 fps, the mean rate 30.09 fps.
    return start + np.arange(31) / 30.0 + 0.003 * np.sin(np.arange(31))


def _video_at_30_fps() -> ImageSeries:
    return ImageSeries(
        name="Video",
        external_file=["v.mp4"],
        starting_frame=[0],
        format="external",
        rate=30.0,
        unit="Frames",
        num_samples=31,
    )


def test_jittered_pose_times_on_the_videos_frames_are_not_warned_of():
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        warn_if_other_times(_video_at_30_fps(), {"timestamps": _jittered_times(0.0)})


def test_the_warning_says_the_mean_rate_of_jittered_pose_times():
    with pytest.warns(PoseconvWarning, match="link the video") as caught:
        warn_if_other_times(_video_at_30_fps(), {"timestamps": _jittered_times(5.0)})
    (said,) = [str(w.message) for w in caught]
    assert "(first 0 s, 30 fps)" in said
    assert "(first 5 s, 30.0892 fps on average)" in said


def test_a_segment_of_timestamps_is_compared_by_its_own_mean_rate():
    import numpy as np

    # Two files of 10 frames at 20 fps, the second recorded 100 s later: its mean rate is its own 20 fps.
    times = np.concatenate([np.arange(10) / 20.0, 100 + np.arange(10) / 20.0])
    series = ImageSeries(
        name="Video",
        external_file=["part1.mp4", "part2.mp4"],
        starting_frame=[0, 10],
        format="external",
        timestamps=times,
        unit="Frames",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        warn_if_other_times(series, {"timestamps": times[:10]}, segment=0)
        warn_if_other_times(series, {"rate": 20.0, "starting_time": 0.0}, segment=0)
        warn_if_other_times(series, {"rate": 20.0, "starting_time": 100.0}, segment=1)
