"""Every script in examples/ runs as a user would run it."""

from __future__ import annotations

import subprocess
import sys

from pynwb import NWBHDF5IO
from tests.fixtures.paths import REPO_ROOT


def test_demo_converts_the_example_project():
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "demo.py")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "PoseEstimation_mouse2: 5 body parts x 300 frames at 30 fps" in result.stdout
    output = REPO_ROOT / "examples" / "output" / "mouse_pair_session1.nwb"
    with NWBHDF5IO(output, "r") as io:
        behavior = io.read().processing["behavior"]
        assert {"PoseEstimation_mouse1", "PoseEstimation_mouse2", "PoseEstimation_single"} <= set(
            behavior.data_interfaces
        )
