"""``poseconv export`` stopped by Ctrl-C or a signal: no file of the export is left, old ones are as they were."""

from __future__ import annotations

import signal
import subprocess
import textwrap

import pytest

from tests.fixtures.cli import run_python_as_a_terminal_starts_it
from tests.fixtures.sleap import write_two_video_predictions

sio = pytest.importorskip("sleap_io")

MESSAGE = "poseconv: interrupted; what was being written is not left behind, and files already there are as they were."


def _export(patch: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``poseconv export ARGS`` in a process of its own after the Python lines ``patch``."""
    script = textwrap.dedent(patch) + textwrap.dedent(
        f"""
        import sys
        from poseconv.cli.main import main
        sys.argv = ["poseconv", "export", *{list(args)!r}]
        main()
        """
    )
    return run_python_as_a_terminal_starts_it(script, timeout=120)


# The second file's writer gets the signal before it writes: the first file is complete by then.
_SIGNAL_AT_SECOND_FILE = """
import os, signal, time
import poseconv.exporters.deeplabcut as exporter
original, calls = exporter.write_deeplabcut, []
def second_gets_signal(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.{name})
        time.sleep(5)
    return original(*args, **kwargs)
exporter.write_deeplabcut = second_gets_signal
"""


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("old_files", [False, True], ids=["new", "overwrite"])
def test_an_export_of_several_files_stopped_midway_leaves_the_folder_as_it_was(tmp_path, name, old_files):
    # Ctrl-C during `export --to lp` of five animals left the files already finished (mouse0, mouse1), while the
    # message said nothing of the export was left behind.
    source = write_two_video_predictions(tmp_path / "two.slp")
    out = tmp_path / "out"
    out.mkdir()
    names = ["x_cam1.csv", "x_cam2.csv"]
    if old_files:
        for file_name in names:
            (out / file_name).write_text(f"old {file_name}")
    args = [str(source), "--to", "dlc", "-o", str(out / "x.csv")] + (["--overwrite"] if old_files else [])
    result = _export(_SIGNAL_AT_SECOND_FILE.format(name=name), *args)
    if name == "SIGINT":
        # The last word is the interruption (a warning of what a DeepLabCut table leaves out may come first).
        said = result.stderr.strip().splitlines()
        assert result.returncode == 130 and said[-1] == MESSAGE and "Traceback" not in result.stderr, result.stderr
    else:
        assert result.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM), result.stderr
    assert "Wrote" not in result.stderr
    if old_files:
        assert sorted(p.name for p in out.iterdir()) == names
        assert [(out / n).read_text() for n in names] == [f"old {n}" for n in names]
    else:
        assert list(out.iterdir()) == []


def test_an_export_of_several_files_that_completes_replaces_them_all(tmp_path):
    source = write_two_video_predictions(tmp_path / "two.slp")
    out = tmp_path / "out"
    out.mkdir()
    for file_name in ("x_cam1.csv", "x_cam2.csv"):
        (out / file_name).write_text("old")
    result = _export("", str(source), "--to", "dlc", "-o", str(out / "x.csv"), "--overwrite")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["x_cam1.csv", "x_cam2.csv"]
    assert all(p.read_text() != "old" for p in out.iterdir())


# The Ctrl-C comes while xarray writes the netCDF file.
_SIGINT_IN_TO_NETCDF = """
import os, signal, time
import xarray.backends.netCDF4_ as backend
original, calls = backend.NetCDF4DataStore.prepare_variable, []
def interrupted(self, *args, **kwargs):
    if not calls:
        calls.append(1)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        print("the write went on", flush=True)
    return original(self, *args, **kwargs)
backend.NetCDF4DataStore.prepare_variable = interrupted
"""


def test_a_ctrl_c_while_a_movement_file_is_written_ends_the_export_once_it_is_written(tmp_path):
    # A KeyboardInterrupt inside to_netcdf left one of xarray's file locks held: closing the file waited on it
    # for ever (only a second Ctrl-C ended it, with the hidden .partial.nc left).
    source = write_two_video_predictions(tmp_path / "two.slp")
    out = tmp_path / "out"
    out.mkdir()
    result = _export(_SIGINT_IN_TO_NETCDF, str(source), "--to", "movement", "-o", str(out / "x.nc"))
    assert "the write went on" in result.stdout
    assert result.returncode == 130 and result.stderr.strip() == MESSAGE, result.stderr
    assert list(out.iterdir()) == []
