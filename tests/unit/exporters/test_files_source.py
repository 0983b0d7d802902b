"""export_path's ``source``: an exporter's output may not be the file the poses are exported from."""

from __future__ import annotations

import os

import pytest

from poseconv.errors import InvalidOptionError
from poseconv.exporters.files import check_not_the_source, export_path


def test_the_source_itself_however_spelt_is_refused(tmp_path, monkeypatch):
    source = tmp_path / "x.h5"
    source.write_bytes(b"poses")
    monkeypatch.chdir(tmp_path)
    os.symlink(source, tmp_path / "link.h5")
    os.link(source, tmp_path / "hard.h5")
    for spelt in (source, "x.h5", "./x.h5", tmp_path / "sub" / ".." / "x.h5", "link.h5", "hard.h5"):
        with pytest.raises(InvalidOptionError, match=r"is the file being exported .*--overwrite or not"):
            export_path(spelt, overwrite=True, source=source)
    assert source.read_bytes() == b"poses"


def test_another_file_a_missing_one_or_a_url_source_passes(tmp_path):
    source = tmp_path / "x.nwb"
    source.write_bytes(b"nwb")
    assert export_path(tmp_path / "y.h5", overwrite=False, source=source) == tmp_path / "y.h5"
    check_not_the_source(tmp_path / "y.h5", tmp_path / "absent.nwb")
    check_not_the_source(tmp_path / "y.h5", "https://example.org/x.nwb")
