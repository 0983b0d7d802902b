"""Every script in examples/ runs as a user would run it."""

from __future__ import annotations

import shutil
import subprocess
import sys

from pynwb import NWBHDF5IO

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.paths import REPO_ROOT


def test_demo_converts_the_example_project(tmp_path):
    # The script writes beside itself (examples/output): a copy next to the example data keeps the checkout clean.
    examples = tmp_path / "examples"
    examples.mkdir()
    shutil.copy(REPO_ROOT / "examples" / "demo.py", examples / "demo.py")
    (examples / "data").symlink_to(REPO_ROOT / "examples" / "data", target_is_directory=True)
    result = subprocess.run([sys.executable, str(examples / "demo.py")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "PoseEstimation_mouse2: 5 body parts x 300 frames at 30 fps" in result.stdout
    output = examples / "output" / "mouse_pair_session1.nwb"
    with NWBHDF5IO(output, "r") as io:
        behavior = io.read().processing["behavior"]
        assert {"PoseEstimation_mouse1", "PoseEstimation_mouse2", "PoseEstimation_single"} <= set(
            behavior.data_interfaces
        )


def test_make_demo_commands(tmp_path):
    """The CLI steps `make demo` runs, on the example data shipped in examples/."""
    cli = ["--quiet"]
    data = REPO_ROOT / "examples" / "data"
    metadata = REPO_ROOT / "examples" / "demo_metadata.yaml"
    steps = [
        [
            *cli,
            "convert",
            str(next((data / "openfield-demo-2024-05-01/videos").glob("*_el.h5"))),
            "-o",
            str(tmp_path / "openfield.nwb"),
            "--metadata",
            str(metadata),
        ],
        [*cli, "plot", str(tmp_path / "openfield.nwb"), "-o", str(tmp_path / "openfield.png")],
        [
            *cli,
            "convert",
            str(data / "sleap-demo/flies.slp"),
            "--fps",
            "30",
            "-o",
            str(tmp_path / "flies.nwb"),
            "--metadata",
            str(metadata),
        ],
        [*cli, "inspect", str(tmp_path / "flies.nwb")],
    ]
    for step in steps:
        result = poseconv_in_process(*step)
        assert result.returncode == 0, (step, result.stderr)
    assert (tmp_path / "openfield.png").stat().st_size > 10_000
    with NWBHDF5IO(tmp_path / "flies.nwb", "r") as io:
        behavior = io.read().processing["behavior"]
        series = behavior["PoseEstimation_fly2"].pose_estimation_series["head"]
        assert series.rate == 30.0 and series.data.shape == (200, 2)
