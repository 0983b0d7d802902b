"""Frame times read from a text file (poseconv.timing_text, through poseconv.timing.load_timestamps)."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.errors import InvalidOptionError
from poseconv.timing import load_timestamps


def test_an_empty_line_between_times_is_refused_naming_the_line_and_frame(tmp_path):
    # numpy dropped the empty line (a missing TTL, an empty spreadsheet cell): every later frame took the
    # next frame's time, silently when the poses end before the video.
    lines = [repr(100 + i / 30) for i in range(12)]
    lines[5] = ""
    path = tmp_path / "times.csv"
    path.write_text("time_s\r\n" + "\r\n".join(lines) + "\r\n")
    with pytest.raises(InvalidOptionError, match=r"times.csv: line 7 is empty: frame 5 has no time"):
        load_timestamps(path)
    no_header = tmp_path / "times.txt"
    no_header.write_text("# camera 1\n" + "\n".join(lines) + "\n")
    with pytest.raises(InvalidOptionError, match=r"times.txt: line 7 is empty: frame 5 has no time"):
        load_timestamps(no_header)


def test_empty_lines_after_the_last_time_and_comments_are_taken(tmp_path):
    path = tmp_path / "times.txt"
    path.write_text("# frame times\n0.0\n# a note\n0.5\n1.0\n\n\n")
    np.testing.assert_array_equal(load_timestamps(path), [0.0, 0.5, 1.0])


@pytest.mark.parametrize("text", ["\n0.0\n0.5\n1.0\n", "time_s\n\n0.0\n0.5\n1.0\n"])
def test_empty_lines_before_the_first_time_are_no_frame_s(tmp_path, text):
    # The refusal of an empty line between times first refused one before the first time, where no frame is missing.
    path = tmp_path / "times.csv"
    path.write_text(text)
    np.testing.assert_array_equal(load_timestamps(path), [0.0, 0.5, 1.0])


def test_several_columns_are_named_and_the_fix_said(tmp_path):
    # Bonsai and camera software save "Frame,Timestamp": it said only "found shape (5, 2)".
    path = tmp_path / "frame_times.csv"
    path.write_text("Frame,Timestamp\n" + "".join(f"{i},{i / 30:.6f}\n" for i in range(5)))
    with pytest.raises(InvalidOptionError, match=r"holds 2 columns \('Frame', 'Timestamp'\).*save only the column"):
        load_timestamps(path)


@pytest.mark.parametrize("name", ["times.csv", "times.txt"])
@pytest.mark.parametrize("header", ["", "time_s\n"])
def test_times_with_a_decimal_comma_are_said_to_be(tmp_path, name, header):
    path = tmp_path / name
    path.write_text(header + "".join(f"0,{i:03d}\n" for i in range(0, 150, 33)))
    with pytest.raises(InvalidOptionError, match=r"decimal comma \(0,033\); write them with a decimal point"):
        load_timestamps(path)
