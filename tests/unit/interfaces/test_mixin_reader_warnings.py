"""Warnings a reader gives while an interface reads its input name the user's line.

A reader counts its warnings' ``stacklevel`` for a user calling it; read by an interface (``_read_input``), they
named a line of poseconv's (the two-session warnings of the SLEAP session reader named ``_read_input``, the
swap and duplicate-instance warnings of a .slp a line of the .slp reader).
"""

from __future__ import annotations

import warnings

import pytest

from poseconv.errors import PoseconvWarning
from poseconv.interfaces.mixin import ReadsInput

pytest.importorskip("sleap_io")


def _warning_reader(path, **_):
    warnings.warn(f"{path}: said by the reader", PoseconvWarning, stacklevel=2)  # its caller's line, as readers count
    warnings.warn("another library's", UserWarning, stacklevel=2)
    return path


class _Reads(ReadsInput):
    reader = staticmethod(_warning_reader)

    def __init__(self, file_path):
        self.source_data = {"file_path": file_path}


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return caught


def test_a_reader_s_warning_names_the_line_that_read_the_input(tmp_path):
    caught = _caught(lambda: _Reads(tmp_path / "x.slp")._read_input())
    [ours] = [w for w in caught if w.category is PoseconvWarning]
    assert ours.filename == __file__ and "said by the reader" in str(ours.message)
    # Other libraries' warnings are given where they were.
    [other] = [w for w in caught if w.category is UserWarning]
    assert other.filename.endswith("mixin.py")


def test_an_error_filter_still_raises_the_reader_s_warning(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", PoseconvWarning)  # first: PoseconvWarning is a UserWarning
        with pytest.raises(PoseconvWarning, match="said by the reader"):
            _Reads(tmp_path / "x.slp")._read_input()


def test_a_sleap_interface_s_reader_warning_names_the_user_s_line(tmp_path):
    from poseconv import SLEAPPoseInterface
    from tests.unit.readers.sleap.test_slp_untracked_corrections import write_corrections

    path = write_corrections(tmp_path / "corr2.slp", user_tracked=False)
    caught = _caught(lambda: SLEAPPoseInterface(file_path=path, sampling_frequency=30.0))
    [said] = [w for w in caught if "without a track was corrected" in str(w.message)]
    assert said.filename == __file__
