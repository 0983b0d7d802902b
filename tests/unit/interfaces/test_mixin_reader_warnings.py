"""Warnings a reader gives while an interface reads its input name the user's line.

A reader counts its warnings' ``stacklevel`` for a user calling it; read by an interface (``_read_input``), they
named a line of poseconv's (the two-session warnings of the SLEAP session reader named ``_read_input``, the
swap and duplicate-instance warnings of a .slp a line of the .slp reader).
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import pytest

from poseconv.errors import PoseconvWarning
from poseconv.interfaces.mixin import ReadsInput
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5

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


@pytest.mark.parametrize("category", [PoseconvWarning, UserWarning])
def test_under_the_default_filter_a_reader_s_warning_is_shown_once_per_line(tmp_path, category):
    # As warnings.warn from the user's line: once however many times the line runs, for the reader's own
    # warnings (at the user's line) and another library's (where it was raised).
    reads = _Reads(tmp_path / "x.slp")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(3):
            reads._read_input()
    assert len([w for w in caught if w.category is category]) == 1


def test_a_filter_on_the_user_s_module_applies_to_the_reader_s_warning(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=PoseconvWarning, module=re.escape(__name__))
        _Reads(tmp_path / "x.slp")._read_input()
    assert [w.category for w in caught] == [UserWarning]


def test_an_error_filter_stops_the_reader_where_it_warns(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", PoseconvWarning)
        filters, shown = list(warnings.filters), warnings.showwarning
        with pytest.raises(PoseconvWarning):
            _Reads(tmp_path / "x.slp")._read_input()
        # The reader went no further than its first warning; the user's filters and showwarning are back.
        assert caught == [] and warnings.filters == filters and warnings.showwarning is shown


@pytest.mark.skipif(not MULTI_ANIMAL_H5.exists(), reason=f"{MULTI_ANIMAL_H5} is not here (see ../shared/data)")
@pytest.mark.parametrize("how", ["-c", "stdin"])
def test_an_interface_whose_reader_warns_is_built_by_python_c_or_from_standard_input(how):
    # The warning was given again with the user's module globals, whose loader warnings asks for the source line:
    # under `python -c` (or `python -`) that is BuiltinImporter, which raises ImportError, and reading the file
    # failed as if it were damaged. This file's reader warns of the identity scores it does not write.
    code = (
        "from poseconv import DeepLabCutPoseInterface\n"
        f"interface = DeepLabCutPoseInterface(file_path={str(MULTI_ANIMAL_H5)!r})\n"
        "print(len(interface.pose.tracks))\n"
    )
    args, given = ([sys.executable, "-c", code], None) if how == "-c" else ([sys.executable, "-"], code)
    run = subprocess.run(args, input=given, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "4"
    assert "<string>:2: PoseconvWarning" in run.stderr or "<stdin>:2: PoseconvWarning" in run.stderr, run.stderr
