"""What every test of this package checks on a file another tool wrote: values, ``inspect`` and ``export``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from poseconv.cli.main import app
from poseconv.model import PoseData
from poseconv.readers.deeplabcut import read_deeplabcut


def assert_values(actual: np.ndarray | None, expected: np.ndarray | None) -> None:
    """Equal values, NaN where NaN (exact: the readers copy stored values, they do not compute them)."""
    assert (actual is None) == (expected is None)
    if expected is not None:
        np.testing.assert_array_equal(np.asarray(actual, dtype="float64"), np.asarray(expected, dtype="float64"))


def run_cli(*args: object) -> str:
    """Run ``poseconv ARGS`` in this process; return what it printed (asserting it succeeded)."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, f"poseconv {' '.join(map(str, args))}: {result.output}{result.exception!r}"
    return result.output


def check_inspect_and_export(
    nwb: Path, poses: Sequence[PoseData], tmp_path: Path, containers: Sequence[str] = ()
) -> None:
    """``poseconv inspect`` runs, and ``export --to dlc`` gives back every track's values (one file per video).

    ``containers`` limits the export to those (``poses`` must then hold only theirs).
    """
    output = run_cli("inspect", nwb)
    for pose in poses:
        for track in pose.tracks:
            assert track.name in output
    chosen = [arg for name in containers for arg in ("-c", name)]
    run_cli("export", nwb, "--to", "dlc", tmp_path / "export.h5", *chosen, "-q")
    jobs = [(pose, video) for pose in poses for video in dict.fromkeys(t.video for t in pose.tracks)]
    files = sorted(tmp_path.glob("export*.h5"))
    assert len(files) == len(jobs)
    for (pose, video), path in zip(jobs, files if len(files) == 1 else _in_job_order(files, jobs), strict=True):
        exported = read_deeplabcut(path, find_side_files=False)
        expected = [t for t in pose.tracks if t.video == video]
        assert len(exported.tracks) == len(expected)
        for got, want in zip(exported.tracks, expected, strict=True):
            assert exported.skeletons[got.skeleton].nodes == pose.skeletons[want.skeleton].nodes
            assert_values(got.positions, want.positions)
            # DeepLabCut tables keep a likelihood for 2D poses only.
            if want.confidence is not None and got.positions.shape[2] == 2:
                assert_values(got.confidence, want.confidence)


def _in_job_order(files: list[Path], jobs: list[tuple[PoseData, str]]) -> list[Path]:
    by_name = {path.name: path for path in files}
    videos = [video for _, video in jobs]
    labels = videos if len(set(videos)) == len(videos) else [f"{i}_{v}" for i, v in enumerate(videos)]
    return [by_name[f"export_{label}.h5"] for label in labels]
