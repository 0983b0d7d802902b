"""pynwb's cache folder where HOME cannot hold it (:mod:`poseconv.pynwb_cache`)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
from platformdirs import PlatformDirs

from poseconv.errors import PoseconvWarning
from poseconv.pynwb_cache import usable_cache_folder
from tests.fixtures.cli import poseconv_in_process


@pytest.fixture
def unusable_home(tmp_path, monkeypatch):
    """HOME a file (as a read-only HOME, or HOME=/ for a user who is not root): ~/.cache cannot be made there."""
    home = tmp_path / "home_is_a_file"
    home.write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", "")  # recorded, so that the folder chosen is forgotten after the test
    monkeypatch.delenv("XDG_CACHE_HOME")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    return home


def _pynwb_s_folder() -> Path:
    """The folder importing pynwb makes, asked as pynwb asks."""
    import hdmf
    import pynwb

    return PlatformDirs(appname="pynwb-hdmf", version=f"{pynwb.__version__}-{hdmf.__version__}").user_cache_path


def test_a_usable_cache_folder_is_left_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert usable_cache_folder() is None
    assert os.environ["XDG_CACHE_HOME"] == str(tmp_path / "cache")
    assert _pynwb_s_folder().is_relative_to(tmp_path / "cache") and _pynwb_s_folder().is_dir()  # as pynwb makes it


@pytest.mark.skipif(sys.platform != "linux" or os.getuid() == 0, reason="a folder read-only to a user not root")
def test_a_cache_made_beforehand_and_read_only_is_used_as_pynwb_uses_it(tmp_path, monkeypatch):
    # A container image whose cache root filled in and made read-only: importing pynwb works, nothing to move.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _pynwb_s_folder().mkdir(parents=True)
    (tmp_path / "cache").chmod(0o555)
    (tmp_path / "cache" / "pynwb-hdmf").chmod(0o555)
    try:
        assert usable_cache_folder() is None
    finally:
        (tmp_path / "cache" / "pynwb-hdmf").chmod(0o755)
        (tmp_path / "cache").chmod(0o755)


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME moves the cache folder on Linux")
def test_a_home_others_can_write_which_platformdirs_refuses_moves_the_cache(tmp_path, monkeypatch):
    home = tmp_path / "shared_home"
    home.mkdir()
    home.chmod(0o777)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.delenv("XDG_CACHE_HOME")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    said = usable_cache_folder()
    assert said is not None and "writable by another user" in said
    assert _pynwb_s_folder().is_relative_to(temporary)


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME moves the cache folder on Linux")
def test_an_unusable_home_moves_the_cache_to_a_private_temporary_folder(unusable_home):
    said = usable_cache_folder()
    moved = Path(os.environ["XDG_CACHE_HOME"])
    assert moved == Path(tempfile.gettempdir()) / f"poseconv-cache-{os.getuid()}"
    assert moved.is_dir() and moved.stat().st_mode & 0o077 == 0
    assert said.startswith(f"pynwb's cache folder {_pynwb_s_folder().parent.parent.parent}") or said.startswith(
        f"pynwb's cache folder {unusable_home}/.cache/pynwb-hdmf/"
    )
    assert said.endswith(f"; using {moved} instead: set XDG_CACHE_HOME to a writable folder to choose one.")
    assert str(unusable_home) in said.partition(" cannot be made ")[2]  # platformdirs' reason names the HOME
    assert usable_cache_folder() is None  # done once: the next check finds it usable
    # What importing pynwb does, which raised "[Errno 17] File exists: '<HOME>'" (convert said that, run a traceback).
    made = PlatformDirs(appname="pynwb-hdmf", version="3.0.0-4.0.0", ensure_exists=True).user_cache_path
    assert made.is_dir() and made.is_relative_to(moved)


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME moves the cache folder on Linux")
def test_a_temporary_folder_of_that_name_that_others_can_write_is_not_taken(unusable_home):
    # pynwb loads a pickle from its cache: a folder another user made (or can write) could run their code.
    taken = Path(tempfile.gettempdir()) / f"poseconv-cache-{os.getuid()}"
    taken.mkdir(mode=0o777)
    taken.chmod(0o777)
    usable_cache_folder()
    moved = Path(os.environ["XDG_CACHE_HOME"])
    assert moved != taken and moved.parent == taken.parent and moved.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME moves the cache folder on Linux")
def test_every_command_says_it_in_one_line(unusable_home, tmp_path):
    result = poseconv_in_process("schema", "-o", tmp_path / "s.json", "-q")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("poseconv: warning: ")]
    assert len(warnings) == 1 and "pynwb's cache folder" in warnings[0] and "XDG_CACHE_HOME" in warnings[0]


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME moves the cache folder on Linux")
def test_the_batch_workers_check_it_before_they_import(unusable_home):
    # `run`'s workers import pynwb in a fork server; with the run's folder they inherit it, a Python caller's say it.
    with pytest.warns(PoseconvWarning, match="pynwb's cache folder") as said:
        from poseconv.batch import worker_imports  # the fork server's preload: importing it imports the modules

        if not said.list:  # imported before this test
            worker_imports.import_worker_modules()
    assert os.environ["XDG_CACHE_HOME"].startswith(tempfile.gettempdir())
