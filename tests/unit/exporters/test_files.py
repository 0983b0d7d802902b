"""The output file checks every exporter makes."""

from __future__ import annotations

import re

import pytest

from poseconv.errors import InvalidOptionError
from poseconv.exporters.files import export_path


def test_a_new_file_of_a_right_suffix_is_returned_as_a_path(tmp_path):
    path = export_path(str(tmp_path / "out.SLP"), overwrite=False, suffixes=(".slp",), kind="a SLEAP file")
    assert path == tmp_path / "out.SLP"


def test_a_wrong_suffix_names_the_file_kind_and_the_suffixes(tmp_path):
    out = tmp_path / "out.txt"
    expected = f"{out}: a DeepLabCut file ends in .h5 or .csv, got '.txt'."
    with pytest.raises(InvalidOptionError, match=re.escape(expected)):
        export_path(out, overwrite=False, suffixes=(".h5", ".csv"), kind="a DeepLabCut file")


def test_an_existing_file_is_replaced_only_when_asked_and_the_message_names_the_flag(tmp_path):
    out = tmp_path / "out.nc"
    out.write_text("")
    with pytest.raises(InvalidOptionError, match=re.escape(f"{out}: already exists; pass --overwrite to replace it.")):
        export_path(out, overwrite=False, flag="--overwrite")
    with pytest.raises(InvalidOptionError, match=re.escape("pass overwrite=True (--overwrite) to replace it.")):
        export_path(out, overwrite=False)
    assert export_path(out, overwrite=True) == out
