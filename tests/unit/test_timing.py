"""Frame times in order of trust (poseconv.timing): what the error says when none is found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from poseconv.timing import missing_timing_error


def test_the_missing_rate_error_says_why_the_video_found_gave_none():
    assert "no video was found to read one from" in str(missing_timing_error("p.slp", "video 'cam'"))
    stack = str(missing_timing_error("p.slp", "video 'cam'", Path("/data/stack.tif")))
    assert "the video stack.tif records none (an image stack has no frame times)" in stack
    unreadable = str(missing_timing_error("p.slp", "video 'cam'", Path("/data/cam.mp4")))
    assert "the video cam.mp4 gives none (it could not be read)" in unreadable
    in_hdf5 = str(missing_timing_error("p.slp", "video 'cam'", Path("/data/frames.h5")))
    assert "its frames are images stored in the HDF5 file frames.h5, which records no frame times" in in_hdf5
    for message in (stack, unreadable, in_hdf5):
        assert "--fps" in message and "--timestamps FILE" in message


@pytest.mark.skipif(os.sep != "/", reason="Windows opens Windows paths")
def test_folders_recorded_for_the_video_that_are_not_here_are_named(tmp_path):
    # A reader's looked_in: the folders looked in, then those its tool recorded that are not on this computer.
    # Before, every entry was said to be looked in, a Windows drive like any folder.
    looked_in = [str(tmp_path), r"C:\lab\videos (data.video_dir)", r"\\server\share", "/cluster/videos"]
    said = str(missing_timing_error("p.csv", "video 'cam'", looked_in=looked_in))
    assert (
        f"(looked for it in {tmp_path}; C:\\lab\\videos (data.video_dir) and \\\\server\\share are Windows paths, "
        "which this computer cannot open; /cluster/videos is not on this computer)"
    ) in said, said
    one = str(missing_timing_error("p.csv", "video 'cam'", looked_in=["D:/v"]))
    assert "found to read one from (D:/v is a Windows path, which this computer cannot open)." in one, one
    assert "video_file_path= (--video)" in one


def test_a_byte_order_mark_is_not_a_header_line(tmp_path):
    # Excel's "CSV UTF-8" starts with a BOM: the first time was unreadable, skipped as a header, and lost
    # (12 times for 12 frames refused as 11; 13 for 12 accepted, every time a frame late).
    import numpy as np

    from poseconv.timing import load_timestamps

    times = np.arange(12) / 30.0
    path = tmp_path / "times.csv"
    path.write_text("\r\n".join(repr(float(t)) for t in times) + "\r\n", encoding="utf-8-sig")
    np.testing.assert_array_equal(load_timestamps(path), times)
    with_header = tmp_path / "header.csv"
    with_header.write_text("time_s\n" + "\n".join(repr(float(t)) for t in times), encoding="utf-8-sig")
    np.testing.assert_array_equal(load_timestamps(with_header), times)


def test_times_on_one_line_of_a_text_file_are_not_zero_times(tmp_path):
    import pytest

    from poseconv.errors import InvalidOptionError
    from poseconv.timing import load_timestamps

    path = tmp_path / "times.txt"
    path.write_text(",".join(str(i / 30) for i in range(12)))
    with pytest.raises(InvalidOptionError, match=r"times.txt: .*write one time per line"):
        load_timestamps(path)


def test_a_file_of_times_with_a_nan_is_refused_naming_the_file_and_frame(tmp_path):
    # A spec's timestamps_file said "Timestamps for video '...' must be finite numbers", naming no file.
    import numpy as np
    import pytest

    from poseconv.errors import InvalidOptionError
    from poseconv.timing import load_timestamps

    path = tmp_path / "sync.npy"
    np.save(path, np.array([0.0, 0.1, np.nan, 0.3]))
    with pytest.raises(InvalidOptionError, match=r"sync.npy: frame 2 is at nan \(1 such time"):
        load_timestamps(path)


def test_times_that_go_back_or_repeat_are_refused_in_a_file_and_named_in_python(tmp_path):
    # A file of such times was written with a warning naming no frame (backwards) or none at all (repeated),
    # making a file `poseconv validate` calls critical. set_aligned_timestamps warns: neuroconv's interfaces
    # take them (its alignment tests give jittered times).
    import numpy as np
    import pytest

    from poseconv.errors import InvalidOptionError, PoseconvWarning
    from poseconv.timing import check_timestamps, load_timestamps

    backwards, repeated = tmp_path / "back.npy", tmp_path / "repeat.txt"
    np.save(backwards, np.array([0.0, 0.1, 0.2, 0.05, 0.3]))
    repeated.write_text("0\n0.1\n0.1\n0.3\n")
    with pytest.raises(InvalidOptionError, match=r"back.npy: .*frame 3 is at 0.05 s, not after frame 2 at 0.2 s \(1"):
        load_timestamps(backwards)
    with pytest.raises(InvalidOptionError, match=r"repeat.txt: .*frame 2 is at 0.1 s, not after frame 1 at 0.1 s"):
        load_timestamps(repeated)
    with pytest.warns(PoseconvWarning, match=r"frame 3 is at 0.05 s, not after frame 2"):
        check_timestamps(np.array([0.0, 0.1, 0.2, 0.05, 0.3]), 5, "video 'v'")
    np.testing.assert_array_equal(check_timestamps([0, 0.5, 1], 3, "video 'v'"), [0.0, 0.5, 1.0])


def test_times_far_from_the_known_rate_are_said_to_be_used():
    # Frame times in milliseconds against a 30 fps video were written as seconds without a word, while the same
    # rate given as --fps was warned about. A DAQ clock a little off the nominal rate is no mistake.
    import numpy as np
    import pytest

    from poseconv.errors import PoseconvWarning
    from poseconv.model import FrameTiming
    from poseconv.timing import check_timestamps

    video = FrameTiming(rate=30.0, source="the video")
    with pytest.warns(PoseconvWarning, match=r"run at 0.0300003 frames per second, but the video gives 30 fps"):
        check_timestamps(np.arange(10) * 33.333, 10, "video 'v'", known=video)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_timestamps(np.arange(10) / 30.0003 + 12.5, 10, "video 'v'", known=video)
        check_timestamps(np.arange(10) / 30.0, 10, "video 'v'")


def test_times_that_disagree_with_the_rate_the_user_stated_are_said_to_win():
    # --fps 25 with --timestamps of a 30 fps camera (a spec's sampling_frequency with its timestamps_file):
    # the rate was dropped without a word. Times within a clock's drift of it are no mistake.
    import warnings

    import numpy as np
    import pytest

    from poseconv.errors import PoseconvWarning
    from poseconv.timing import check_timestamps, user_rate

    stated = user_rate(25.0)
    with pytest.warns(PoseconvWarning, match=r"run at 30 frames per second, but the sampling_frequency \(--fps\)"):
        check_timestamps(np.arange(100) / 30.0, 100, "video 'v'", known=stated)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_timestamps(np.arange(100) / 25.02 + 3.0, 100, "video 'v'", known=stated)


def _probe(n_frames: int):
    import numpy as np

    from poseconv.video import VideoProbe

    times = np.arange(n_frames) / 30.0
    return VideoProbe(
        path=Path("/data/cam.mp4"), n_frames=n_frames, frame_size=(8, 8), timestamps=times, constant_rate=30.0
    )


def test_a_recorded_length_past_the_video_end_is_cut_to_the_video_when_every_pose_is_in_it():
    # A .slp recording its video as 300 frames (sleap-io's misread TIFF) with poses on frames 0-2 of a 3-frame
    # video was refused as having "poses for 300 frames"; every pose fits, so the video's 3 frames are written.
    import pytest

    from poseconv.errors import InvalidOptionError, PoseconvWarning
    from poseconv.timing import check_video_length

    with pytest.warns(
        PoseconvWarning, match=r"^p\.slp records the video as 300 frames, but the video /data/cam\.mp4 has 3;"
    ):
        assert check_video_length("p.slp", 300, _probe(3), last_pose=2) == 3
    past = (
        r"^p\.slp records the video as 300 frames, with poses up to frame 7, but the video /data/cam\.mp4 has only 3 "
    )
    with pytest.raises(InvalidOptionError, match=past + r".*\(--video\)"):
        check_video_length("p.slp", 300, _probe(3), last_pose=7)
    with pytest.raises(InvalidOptionError, match=r"^p\.slp has poses for 300 frames but the video"):
        check_video_length("p.slp", 300, _probe(3))
    assert check_video_length("p.slp", 3, _probe(3), last_pose=2) == 3


def test_the_known_rate_of_a_timing_is_its_rate_or_the_rate_its_times_keep():
    import numpy as np

    from poseconv.model import FrameTiming
    from poseconv.timing import known_rate

    assert known_rate(None) is None and known_rate(FrameTiming(rate=25.0)) == 25.0
    assert known_rate(FrameTiming(timestamps=np.arange(30) / (30000 / 1001) + 2.0)) == 30000 / 1001
    assert known_rate(FrameTiming(timestamps=np.array([0.0, 0.1, 0.25]))) is None


def test_checked_times_are_a_copy_and_times_that_are_not_numbers_are_refused():
    """The array checked was the caller's, kept as it was: edited afterwards (a NaN, the next camera's times),
    the interface wrote what had not been checked. Text failed in numpy's words."""
    import numpy as np
    import pytest

    from poseconv.errors import InvalidOptionError
    from poseconv.timing import check_timestamps

    given = np.arange(3) / 30.0
    checked = check_timestamps(given, 3, "video 'v'")
    given[1] = np.nan
    np.testing.assert_array_equal(checked, np.arange(3) / 30.0)
    with pytest.raises(InvalidOptionError, match=r"Timestamps for video 'v' must be an array of numbers \(seconds\)"):
        check_timestamps(["0.0", "a", "b"], 3, "video 'v'")


def test_more_timestamps_than_poses_of_a_video_of_unknown_length_say_where_the_length_comes_from():
    # "video 'v' has 28 frames but 31 timestamps were given": 28 was the poses' last frame + 1, not the video's.
    import numpy as np
    import pytest

    from poseconv.errors import InvalidOptionError
    from poseconv.timing import check_timestamps

    said = r"^the poses of video 'v' span 28 frames \(up to the last frame the pose file holds\), and no video file"
    with pytest.raises(InvalidOptionError, match=said + r".* but 31 timestamps were given; .*28.*--video"):
        check_timestamps(np.arange(31) / 30, 28, "video 'v'")
    with pytest.raises(InvalidOptionError, match=r"^video 'v' has 28 frames but 31 timestamps were given"):
        check_timestamps(np.arange(31) / 30, 28, "video 'v'", video_frames=28)
