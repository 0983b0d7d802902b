"""The command line starts the same way from the script, ``python -m poseconv`` and ``python -m poseconv.cli``."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["poseconv", "poseconv.cli"])
def test_python_dash_m_runs_the_command_line(module):
    result = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    for command in ("convert", "run", "inspect", "export", "plot", "validate", "metadata", "schema"):
        assert command in result.stdout
