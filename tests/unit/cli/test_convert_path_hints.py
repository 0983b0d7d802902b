"""``poseconv convert`` and the interfaces say of a missing path what a spec says (:mod:`poseconv.model.path_hints`)."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import write_dlc_file

START = ("--session-start-time", "2024-05-01T10:00:00+00:00")
NAME = "mouseDLC_resnet50_labJan1shuffle1_100.h5"


@pytest.fixture
def data(tmp_path, monkeypatch):
    for folder in (tmp_path / "data" / "session1", tmp_path / unicodedata.normalize("NFD", "séance")):
        folder.mkdir(parents=True)
        write_dlc_file(folder / NAME, {"nose": np.array([[1.0, 2.0], [3.0, 4.0]])})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_convert_says_of_windows_paths_and_near_names_what_a_spec_says(data):
    # Each was only "file not found" / "video file not found", where a spec names the Windows path, or the
    # path meant.
    given = f"data/session1/{NAME}"
    result = poseconv_in_process("convert", given, "--video", r"C:\data\session1\v.avi", "-o", "a.nwb", *START)
    assert r"C:\data\session1\v.avi: video file is a Windows path, which this computer cannot open" in result.stderr
    result = poseconv_in_process("convert", f"data\\session1\\{NAME}", "-o", "b.nwb", *START)
    assert f"\\ separates folders only on Windows: did you mean {given}?" in result.stderr
    typed = unicodedata.normalize("NFC", "séance") + f"/{NAME}"
    result = poseconv_in_process("convert", typed, "-o", "c.nwb", *START)
    assert result.returncode != 0 and "not found (did you mean" in result.stderr
    assert "another Unicode normalization (NFC vs NFD" in result.stderr
    assert not (data / "a.nwb").exists() and not (data / "b.nwb").exists() and not (data / "c.nwb").exists()


def test_an_interface_given_a_near_name_says_it_as_convert_does(data):
    from poseconv import DeepLabCutPoseInterface
    from poseconv.errors import InvalidSourceFileError

    with pytest.raises(InvalidSourceFileError, match=r"^C:\\p\.h5: is a Windows path"):
        DeepLabCutPoseInterface(file_path=r"C:\p.h5")
    with pytest.raises(InvalidSourceFileError, match=r"Data/session1/.*: not found \(did you mean .*letter case"):
        DeepLabCutPoseInterface(file_path=f"Data/session1/{NAME}")
