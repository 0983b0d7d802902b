"""Frame times in order of trust (poseconv.timing): what the error says when none is found."""

from __future__ import annotations

from pathlib import Path

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
