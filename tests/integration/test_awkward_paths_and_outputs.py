"""What users see when their paths sit in awkward places or their outputs are in the way.

Every entry point: the command line (``convert``, ``export``, ``plot``, ``metadata``, ``run``) and
the Python API, on the small example files of the repository.
"""

from __future__ import annotations

import pytest

from poseconv.output import OutputError
from tests.fixtures.cli import poseconv_in_process as poseconv
from tests.fixtures.paths import REPO_ROOT

START = "2024-05-01T10:00:00+02:00"
IS_A_FOLDER = "is a folder, not a file; it is left as it is. Give the name of the file to write in it."
FLIES = REPO_ROOT / "examples/data/sleap-demo/flies.slp"


def _convert(out, *more):
    return poseconv("convert", FLIES, "-o", out, "--fps", "30", "--session-start-time", START, *more)


# -- the output is an existing folder -----------------------------------------------------------------


def test_a_folder_given_as_the_nwb_output_is_called_a_folder_by_every_entry_point(tmp_path):
    from poseconv import SLEAPPoseInterface

    folder = tmp_path / "results"
    folder.mkdir()
    for args in ((), ("--overwrite",)):
        result = _convert(folder, *args)
        assert result.returncode == 1, result.stderr
        assert f"{folder}: {IS_A_FOLDER}" in result.stderr
    interface = SLEAPPoseInterface(file_path=FLIES, sampling_frequency=30.0)
    with pytest.raises(OutputError, match="is a folder, not a file; it is left as it is. Give the name"):
        interface.run_conversion(nwbfile_path=folder, metadata={"NWBFile": {"session_start_time": START}})
    assert list(folder.iterdir()) == []


def test_a_folder_given_as_an_export_or_plot_output_is_called_a_folder_not_an_existing_file(tmp_path):
    nwb = tmp_path / "flies.nwb"
    assert _convert(nwb).returncode == 0
    folder = tmp_path / "results"
    folder.mkdir()
    for command in (["export", nwb, "--to", "dlc", "-o", folder], ["plot", nwb, "-o", folder]):
        result = poseconv(*command)
        assert result.returncode == 1
        assert f"{folder}: {IS_A_FOLDER}" in result.stderr
        assert "--overwrite" not in result.stderr
    assert list(folder.iterdir()) == []
