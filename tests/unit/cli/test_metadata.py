"""``poseconv metadata`` prints what the interface's ``get_metadata`` returns, for every kind of input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from poseconv.cli._sources import make_interface
from poseconv.cli.main import app
from poseconv.metadata.compose import to_plain
from tests.fixtures.deeplabcut import COLLECTED_DATA_H5, SINGLE_ANIMAL_H5
from tests.fixtures.lightningpose import LP_CSV
from tests.fixtures.multicamera import DLC_3D_H5
from tests.fixtures.sleap import SLP_CLIP_PREDICTIONS, SLP_MIN_SESSION

CASES = {
    "deeplabcut": (SINGLE_ANIMAL_H5, None),
    "sleap": (SLP_CLIP_PREDICTIONS, None),
    "lightning-pose": (LP_CSV, None),
    "multicamera": (DLC_3D_H5, None),
    "training": (COLLECTED_DATA_H5, "dlc-labels"),
    "sleap-session": (SLP_MIN_SESSION, None),
}


@pytest.mark.parametrize("case", CASES)
def test_the_command_prints_the_interfaces_metadata(case):
    path, source = CASES[case]
    arguments = ["metadata", str(path), "--format", "json", "-q"] + (["--source", source] if source else [])
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    expected = to_plain(make_interface(path, source=source).get_metadata())
    for key in ("identifier", "source_script", "source_script_file_name"):
        expected["NWBFile"].pop(key, None)
    assert printed == json.loads(json.dumps(expected))
