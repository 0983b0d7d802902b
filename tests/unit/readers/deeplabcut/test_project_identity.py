"""The DeepLabCut project's task and experimenter (config.yaml ``Task`` and ``scorer``) are kept in the file.

``create_new_project(project, experimenter)`` writes them; neuroconv's DeepLabCutInterface takes them as the
session description and the experimenter. poseconv says them in every container's description, which every
entry point writes (the interface, ``poseconv metadata``'s PoseSource) and an append keeps.
"""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.catalog import get_format
from poseconv.interfaces import DeepLabCutPoseInterface
from poseconv.pose_source import PoseSource
from poseconv.readers.deeplabcut.predictions import read_deeplabcut
from poseconv.readers.deeplabcut.project import project_identity, project_sentence
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5, write_dlc_file
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.training import OPENFIELD_PROJECT

OPENFIELD_SENTENCE = (
    "The DeepLabCut project's config.yaml names the task 'openfield' and the experimenter (scorer) 'Pranav'."
)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"Task": "openfield", "scorer": "Pranav"}, ("openfield", "Pranav")),
        # The model zoo's project configs leave both empty; a config without them names nothing.
        ({"Task": None, "scorer": None}, (None, None)),
        ({}, (None, None)),
        (None, (None, None)),
        # YAML reads a bare year as a number, a stray space stays in the text; a list names no one.
        ({"Task": 2019, "scorer": " Ann "}, ("2019", "Ann")),
        ({"Task": ["a"], "scorer": True}, (None, None)),
    ],
)
def test_project_identity_is_the_config_s_task_and_scorer(config, expected):
    assert project_identity(config) == expected


def test_project_sentence_names_what_the_config_names():
    assert project_sentence({"Task": "openfield", "scorer": "Pranav"}) == OPENFIELD_SENTENCE
    assert project_sentence({"Task": "reach"}) == "The DeepLabCut project's config.yaml names the task 'reach'."
    assert project_sentence({"scorer": "Ann"}) == (
        "The DeepLabCut project's config.yaml names the experimenter (scorer) 'Ann'."
    )
    assert project_sentence({"Task": "", "scorer": None}) == ""


def _project(tmp_path, config_text: str):
    """Write a one-animal table in ``<project>/videos`` and the project's config.yaml one folder up."""
    videos = tmp_path / "reach-Ann-2024-01-01" / "videos"
    videos.mkdir(parents=True)
    (videos.parent / "config.yaml").write_text(config_text, encoding="utf-8")
    positions = {part: np.full((4, 2), 10.0) for part in ("nose", "tail")}
    likelihood = {part: np.full(4, 0.9) for part in positions}
    return write_dlc_file(videos / "sessionDLC_resnet50_reachJan1shuffle1_100.h5", positions, likelihood=likelihood)


def _descriptions(metadata) -> list[str]:
    return [entry["description"] for entry in metadata["Pose"]["PoseEstimations"].values()]


def test_every_container_description_names_the_project_s_task_and_experimenter(tmp_path):
    table = _project(tmp_path, "Task: reach\nscorer: Ann\nbodyparts: [nose, tail]\nskeleton: [[nose, tail]]\n")
    sentence = "The DeepLabCut project's config.yaml names the task 'reach' and the experimenter (scorer) 'Ann'."
    assert sentence in read_deeplabcut(table).notes["model"]
    # The interface (convert, converters) and the PoseSource `poseconv metadata` reads say the same.
    interface = DeepLabCutPoseInterface(file_path=table, sampling_frequency=30.0)
    source = PoseSource.from_format(get_format("DeepLabCut"), file_path=table, sampling_frequency=30.0)
    for metadata in (interface.get_metadata(), source.get_pose_metadata()):
        assert all(description.endswith(sentence) for description in _descriptions(metadata))
    # Without the config (not found, not wanted), nothing is said of a project.
    alone = DeepLabCutPoseInterface(file_path=table, sampling_frequency=30.0, find_side_files=False)
    assert not any("config.yaml names" in description for description in _descriptions(alone.get_metadata()))


def test_a_config_naming_neither_adds_no_sentence(tmp_path):
    # The model zoo's project configs (and a config left as DeepLabCut's template) have empty Task and scorer.
    table = _project(tmp_path, "Task:\nscorer:\nbodyparts: [nose, tail]\nskeleton: []\n")
    assert "config.yaml names" not in read_deeplabcut(table).notes.get("model", "")


@needs_shared_data
@pytest.mark.parametrize("given", [False, True])
def test_the_openfield_project_s_task_and_experimenter_are_in_the_description(given):
    # neuroconv's copy of the openfield predictions has the project's config.yaml beside it; given or found, the
    # same project (Task: openfield, scorer: Pranav) is said.
    config = OPENFIELD_PROJECT / "config.yaml" if given else None
    interface = DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5, config_file_path=config)
    (description,) = _descriptions(interface.get_metadata())
    assert description.endswith(OPENFIELD_SENTENCE), description
