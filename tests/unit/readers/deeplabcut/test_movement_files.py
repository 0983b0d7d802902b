"""DeepLabCut-layout files written by movement's ``save_poses.to_dlc_file`` and ``to_dlc_style_df``.

movement writes the scorer level as ``movement`` whichever tool estimated the poses (its datasets
come from DeepLabCut, SLEAP, Lightning Pose, ...), one file per animal without an ``individuals``
level (``split_individuals=True``, the animal's name appended to the file name) or one file with it,
3D without a likelihood; ``.h5`` under the key ``df_with_missing`` in pandas' fixed format.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from poseconv.metadata.defaults import default_pose_metadata
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.model_info import MOVEMENT_NOTE
from tests.fixtures.cli import poseconv_in_process

save_poses = pytest.importorskip("movement.io.save_poses")
load_poses = pytest.importorskip("movement.io.load_poses")

INDIVIDUALS = ["rat 1", "rat 2"]
KEYPOINTS = ["snout", "tail base"]


def _dataset(n_space: int) -> tuple[np.ndarray, np.ndarray, object]:
    """A movement dataset of 2 animals, 2 keypoints and 12 frames, with missing points; and its arrays."""
    rng = np.random.default_rng(3)
    position = rng.uniform(0, 640, size=(12, n_space, len(KEYPOINTS), len(INDIVIDUALS)))
    confidence = rng.uniform(size=(12, len(KEYPOINTS), len(INDIVIDUALS)))
    position[4, :, 0, 1] = np.nan
    confidence[4, 0, 1] = np.nan
    position[7] = np.nan
    dataset = load_poses.from_numpy(
        position_array=position,
        confidence_array=confidence,
        individual_names=INDIVIDUALS,
        keypoint_names=KEYPOINTS,
        fps=30,
        source_software="SLEAP",
    )
    return position, confidence, dataset


def _write(dataset: object, path: Path, *, split: bool) -> dict[str, Path]:
    """Write ``dataset`` with movement's writer; return each animal's file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save_poses.to_dlc_file(dataset, path, split_individuals=split)
    if not split:
        return dict.fromkeys(INDIVIDUALS, path)
    return {name: path.with_name(f"{path.stem}_{name}{path.suffix}") for name in INDIVIDUALS}


@pytest.mark.parametrize("n_space", [2, 3], ids=["2d", "3d"])
@pytest.mark.parametrize("split", [False, True], ids=["one_file", "split"])
@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_movement_files_keep_every_value_and_name_movement_as_their_writer(tmp_path, n_space, split, suffix):
    # Before, these files were recorded as estimated with DeepLabCut whatever tool movement had read.
    position, confidence, dataset = _dataset(n_space)
    for k, (animal, path) in enumerate(_write(dataset, tmp_path / f"poses{suffix}", split=split).items()):
        pose = read_deeplabcut(path, find_side_files=False)
        assert pose.source_software == "movement" and pose.scorer == "movement"
        assert pose.notes["model"] == MOVEMENT_NOTE
        track = pose.tracks[k] if not split else pose.tracks[0]
        assert track.name == (animal if not split else "individual")
        assert pose.skeletons[track.skeleton].nodes == tuple(KEYPOINTS)
        expected = np.moveaxis(position[..., INDIVIDUALS.index(animal)], 1, 2)  # frames x keypoints x space
        np.testing.assert_allclose(track.positions, expected, rtol=0, atol=1e-9)
        if n_space == 3:
            assert track.confidence is None  # movement writes no likelihood in 3D
        else:
            np.testing.assert_allclose(track.confidence, confidence[..., INDIVIDUALS.index(animal)], atol=1e-9)
        containers = default_pose_metadata(pose)["Pose"]["PoseEstimations"]
        assert all(MOVEMENT_NOTE in entry["description"] for entry in containers.values())


def test_movement_file_converted_on_the_command_line_names_movement(tmp_path):
    from pynwb import NWBHDF5IO

    _, _, dataset = _dataset(2)
    path = _write(dataset, tmp_path / "poses.h5", split=False)[INDIVIDUALS[0]]
    target = tmp_path / "poses.nwb"
    result = poseconv_in_process(
        "convert", path, "-o", target, "--fps", "30", "--session-start-time", "2024-01-01T00:00:00+00:00"
    )
    assert result.returncode == 0, result.stderr
    with NWBHDF5IO(str(target), "r") as io:
        behavior = io.read().processing["behavior"]
        for animal in INDIVIDUALS:
            container = behavior[f"PoseEstimation_{animal}"]
            assert container.source_software == "movement" and container.scorer == "movement"
            assert MOVEMENT_NOTE in container.description


def test_movement_in_a_file_name_is_not_taken_for_the_scorer_after_a_video(tmp_path):
    # DeepLabCut names outputs <video><scorer>; movement's files are named by their users. Before,
    # "trial_movement_rat 1.h5" was read as the poses of video "trial".
    _, _, dataset = _dataset(2)
    files = _write(dataset, tmp_path / "trial_movement.h5", split=True)
    pose = read_deeplabcut(files["rat 1"])
    assert list(pose.videos) == ["trial_movement_rat 1"]
