"""A DeepLabCut project made on a Western European Windows: its config.yaml is Windows-1252, not UTF-8.

DeepLabCut writes config.yaml with ``open(path, "w")``, the system's code page, so a user ``Jürgen`` in
``project_path`` and a bodypart ``Nase-ü`` are the byte 0xFC. ``poseconv convert`` of its predictions and
of its labels, and ``poseconv run``, convert it with a warning, the names right in the NWB file.
"""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest
import yaml
from pynwb import NWBHDF5IO

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import COLLECTED_DATA_H5, OLD_PICKLE_H5

START = "2024-05-01T10:00:00+00:00"
PART = "Nase-\u00fc"
WARNED = "config.yaml is not UTF-8 (byte 0xFC at position"


@pytest.fixture
def windows_project(tmp_path):
    """The TEST-Alex project (predictions and labels), its 'bodypart1' renamed and its config saved as Windows does."""
    project = tmp_path / "TEST-J\u00fcrgen-2019-11-04"
    config = OLD_PICKLE_H5.parent.parent / "config.yaml"
    text = config.read_text(encoding="utf-8").replace("C:\\Users\\Can", "C:\\Users\\J\u00fcrgen")
    (project / "videos").mkdir(parents=True)
    (project / "labeled-data" / "reachingvideo1short").mkdir(parents=True)
    (project / "config.yaml").write_bytes(text.replace("bodypart1", PART).replace("\n", "\r\n").encode("cp1252"))
    shutil.copy(OLD_PICKLE_H5.parent / "reachingvideo1short.avi", project / "videos")
    for source, folder in ((OLD_PICKLE_H5, "videos"), (COLLECTED_DATA_H5, "labeled-data/reachingvideo1short")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas' PerformanceWarning of object columns
            table = pd.read_hdf(source).rename(columns={"bodypart1": PART})
            table.to_hdf(project / folder / source.name, key="df_with_missing", format="table", mode="w")
    return project


def _names(path, kind):
    """Return the skeleton's nodes of a labels file, or the series and nodes of a predictions file."""
    with NWBHDF5IO(path, "r") as io:
        behavior = io.read().processing["behavior"]
        if kind == "PoseTraining":
            return list(behavior["Skeletons"].skeletons["Skeleton"].nodes[:])
        estimation = behavior["PoseEstimation"]
        # The video's path as the config records it, with the Windows user's name.
        assert "C:\\Users\\J\u00fcrgen\\" in estimation.description
        return list(estimation.pose_estimation_series), list(estimation.skeleton.nodes[:])


def test_convert_predictions_and_labels_of_a_windows_1252_project(windows_project, tmp_path):
    predictions = windows_project / "videos" / OLD_PICKLE_H5.name
    out = tmp_path / "poses.nwb"
    result = poseconv_in_process("convert", predictions, "-o", out, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert WARNED in result.stderr and "read as Windows-1252" in result.stderr
    parts = [PART, "bodypart2", "bodypart3", "objectA"]
    assert _names(out, "PoseEstimation") == (parts, parts)
    labels = tmp_path / "labels.nwb"
    result = poseconv_in_process(
        "convert", windows_project, "--source", "dlc-labels", "-o", labels, "--session-start-time", START
    )
    assert result.returncode == 0, result.stderr
    assert WARNED in result.stderr
    assert _names(labels, "PoseTraining") == parts


def test_run_a_spec_of_a_windows_1252_project(windows_project, tmp_path):
    spec = tmp_path / "spec.yaml"
    pose = {"file_path": str(windows_project / "videos" / OLD_PICKLE_H5.name)}
    session = {"session_id": "s1", "session_start_time": START, "pose": [pose]}
    spec.write_text(yaml.safe_dump({"output_folder": str(tmp_path / "out"), "sessions": [session]}))
    result = poseconv_in_process("run", spec)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 converted" in result.stdout and "read as Windows-1252" in " ".join(result.stdout.split())
    assert _names(tmp_path / "out" / "s1.nwb", "PoseEstimation")[0][0] == PART
