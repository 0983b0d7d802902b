"""A missing path given to a command or an interface gets a spec's diagnosis (:mod:`poseconv.model.path_hints`)."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from poseconv.errors import InvalidOptionError, InvalidSourceFileError
from poseconv.model.location import input_not_here, require_content, require_file
from poseconv.model.path_hints import not_found_here, with_folder_separators


def _made(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_a_windows_path_is_said_to_be_one_wherever_it_is_checked():
    # convert --video C:\...: "video file not found", where a spec says it is a Windows path and what to give.
    said = "is a Windows path, which this computer cannot open; give its path on this computer."
    assert input_not_here(Path(r"C:\data\v.avi")) == said and not_found_here(Path(r"\\server\share\a.h5")) == said
    with pytest.raises(InvalidOptionError, match=r"^C:\\data\\v\.avi: video file is a Windows path, which"):
        require_file(Path(r"C:\data\v.avi"), "video", InvalidOptionError)
    with pytest.raises(InvalidSourceFileError, match=r"^D:/p\.h5: is a Windows path"):
        require_content(Path("D:/p.h5"))


def test_a_missing_path_near_a_name_on_disk_says_what_was_meant_in_words_not_a_specs(tmp_path):
    nfc, nfd = unicodedata.normalize("NFC", "séance"), unicodedata.normalize("NFD", "séance")
    _made(tmp_path / nfd / "p.h5")
    problem = not_found_here(tmp_path / nfc / "p.h5")
    assert problem.startswith(f"not found (did you mean {tmp_path / nfd / 'p.h5'}? 's\\xe9ance' as given is ")
    assert "another Unicode normalization (NFC vs NFD" in problem and "correct the path:" in problem
    assert "spec" not in problem
    _made(tmp_path / "Case" / "t.npy")
    with pytest.raises(InvalidOptionError, match=r"t\.npy: timestamps file not found \(did you mean .*Case/t\.npy\?"):
        require_file(tmp_path / "case" / "t.npy", "timestamps", InvalidOptionError)
    # A file there, or nothing near it: nothing more to say than the caller's "not found".
    assert not_found_here(tmp_path / "Case" / "t.npy") is None and not_found_here(tmp_path / "other.h5") is None


def test_a_backslash_between_folders_names_the_path_with_slashes(tmp_path):
    # A spec reads data\s1\p.h5 as folders; a path given elsewhere is named, not read in another's place.
    _made(tmp_path / "data" / "s1" / "p.h5")
    problem = not_found_here(Path(f"{tmp_path}/data\\s1\\p.h5"))
    assert problem == (
        f"not found (\\ separates folders only on Windows: did you mean {tmp_path}/data/s1/p.h5? give / between "
        "folders)."
    )


def test_a_python_escape_and_a_variable_are_said_in_a_given_paths_words(tmp_path):
    _made(tmp_path / "plain" / "brief.h5")
    problem = not_found_here(Path(f"{tmp_path}/plain\brief.h5"))
    assert 'a \\-escape of a Python string: there "\\b" is read as that character' in problem
    assert problem.endswith(f"did you mean {tmp_path}/plain/brief.h5?).")
    with pytest.raises(InvalidSourceFileError, match=r"plain\\x08rief\.h5: not found"):
        require_content(Path(f"{tmp_path}/plain\brief.h5"))
    assert "such as $DATA are not expanded in the paths poseconv is given" in not_found_here(Path("$DATA/a.h5"))


@pytest.mark.skipif(os.sep != "/", reason="\\ separates folders on Windows")
def test_a_home_folder_written_on_windows_is_read_as_the_home_folder(tmp_path):
    # "~\\lp\\videos" (a Lightning Pose config, a spec) made Path.expanduser raise RuntimeError ("Could not
    # determine home directory"), which ended the conversion as a damaged file.
    assert with_folder_separators("~\\lp\\videos", tmp_path) == "~/lp/videos"
    assert with_folder_separators("~lab\\videos", tmp_path) == "~lab/videos"
