"""What the scores and points of a table another program wrote in DeepLabCut's layout are said to be.

movement (``save_poses.to_dlc_file``, ``to_lp_file``) and sleap-io (``save_csv(format="dlc")``) write any tool's
poses in DeepLabCut's layout under their own scorer, and pandas scripts write tables without one: the likelihood
column holds whatever the tool scored (SLEAP's instance scores exceed 1), and 3D points are not DeepLabCut's
triangulation. Their definitions say so in the words of the SLEAP analysis reader for movement's files.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.model_info import (
    MOVEMENT_NOTE,
    written_3d_frame,
    written_confidence,
)
from poseconv.readers.lightningpose import read_lightning_pose
from poseconv.readers.sleap.analysis_writer import OTHER_WRITER_3D_FRAME, OTHER_WRITER_CONFIDENCE
from poseconv.validation.pose_checks import says_unit_interval
from tests.fixtures.cli import poseconv_in_process

save_poses = pytest.importorskip("movement.io.save_poses")
load_poses = pytest.importorskip("movement.io.load_poses")

MOVEMENT_SCORES = written_confidence("likelihood values of the file", "movement")


def _movement_file(path: Path, n_space: int, *, lp: bool = False) -> Path:
    """Write SLEAP-like poses (instance scores up to 1.3) of one animal with movement; return the file."""
    rng = np.random.default_rng(5)
    dataset = load_poses.from_numpy(
        position_array=rng.uniform(0, 300, size=(8, n_space, 2, 1)),
        confidence_array=rng.uniform(0.5, 1.3, size=(8, 2, 1)),
        individual_names=["mouse"],
        keypoint_names=["snout", "tail"],
        fps=25,
        source_software="SLEAP",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if lp:
            save_poses.to_lp_file(dataset, path)
        else:
            save_poses.to_dlc_file(dataset, path, split_individuals=False)
    return path.with_name(f"{path.stem}_mouse{path.suffix}") if lp else path


def test_the_sleap_analysis_reader_and_the_deeplabcut_layout_readers_share_one_wording():
    assert OTHER_WRITER_CONFIDENCE.startswith(written_confidence("point_scores of the analysis file"))
    assert written_3d_frame("SLEAP's analysis layout", "a program other than SLEAP") == OTHER_WRITER_3D_FRAME


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_movement_s_likelihood_is_not_called_deeplabcut_s(tmp_path, suffix):
    # Before: "DeepLabCut likelihood: the network's score-map confidence (0 to 1)", which validate then found
    # broken by SLEAP's scores above 1.
    pose = read_deeplabcut(_movement_file(tmp_path / f"poses{suffix}", 2), find_side_files=False)
    (track,) = pose.tracks
    assert track.confidence_definition == MOVEMENT_SCORES
    assert not says_unit_interval(track.confidence_definition) and np.nanmax(track.confidence[:]) > 1


def test_movement_s_3d_points_are_not_said_triangulated_by_deeplabcut(tmp_path):
    pose = read_deeplabcut(_movement_file(tmp_path / "poses.csv", 3), find_side_files=False)
    assert pose.reference_frame == written_3d_frame("DeepLabCut's layout", "movement")
    assert pose.unit == "n.a."


def test_movement_s_lightning_pose_file_read_as_lightning_pose_names_movement(tmp_path):
    # Before: source_software LightningPose and "Likelihood column of scorer movement, a LightningPose model
    # type this converter does not know".
    pose = read_lightning_pose(_movement_file(tmp_path / "poses.csv", 2, lp=True), find_side_files=False)
    assert pose.source_software == "movement" and pose.notes["model"] == MOVEMENT_NOTE
    assert pose.tracks[0].confidence_definition == MOVEMENT_SCORES


def test_a_3d_table_of_another_tool_is_not_said_triangulated_by_deeplabcut(tmp_path):
    # pandas' bare MultiIndex, as tools outside DeepLabCut write 3D tables in its layout.
    columns = pd.MultiIndex.from_product([["AmadeusGPT"], ["nose", "tail"], ["x", "y", "z"]])
    path = tmp_path / "keypoints_3d.csv"
    pd.DataFrame(np.ones((3, 6)), columns=columns).to_csv(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pose = read_deeplabcut(path)
    assert pose.reference_frame == written_3d_frame("DeepLabCut's layout", "AmadeusGPT")


def test_a_converted_movement_file_passes_poseconv_s_own_validation(tmp_path):
    source = _movement_file(tmp_path / "poses.h5", 2)
    target = tmp_path / "poses.nwb"
    args = ("--fps", "25", "--session-start-time", "2024-05-01T10:00:00+00:00")
    converted = poseconv_in_process("convert", source, "-o", target, *args)
    assert converted.returncode == 0, converted.stderr
    checked = poseconv_in_process("validate", target, "--pose-only")
    assert checked.stdout.strip().endswith(": OK"), checked.stdout
