"""DLC2NWB's individual, named in its series descriptions (:mod:`poseconv.nwb.read.pose_names`).

DLC2NWB (``deeplabcut.analyze_videos_converth5_to_nwb``) writes one file per individual: series
``<individual>_<bodypart>`` described ``"Keypoint <bodypart> from individual <individual>."``. The
individual is ``ind1`` for a single-animal project, and any name for a multi-animal one.
"""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

from poseconv import read_nwb
from poseconv.nwb.read.pose_names import common_prefix, dlc2nwb_individual, node_of_series
from tests.fixtures.paths import SHARED_DATA, needs_shared_data

DLC2NWB = SHARED_DATA / "dlc2nwb/examples/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb"
BODYPARTS = ["snout", "leftear", "rightear", "tailbase"]


def _descriptions(animal, bodyparts=BODYPARTS):
    return {f"{animal}_{part}": f"Keypoint {part} from individual {animal}." for part in bodyparts}


def test_the_individual_every_description_names_is_the_prefix():
    for animal in ("ind1", "individual1", "single", "mouse 2"):
        assert dlc2nwb_individual(_descriptions(animal)) == animal
        nodes = [f"{animal}_{part}" for part in BODYPARTS]
        assert common_prefix(nodes, None, animal) == f"{animal}_"
    # Series of two individuals, a series named otherwise, another description: no individual.
    assert dlc2nwb_individual({**_descriptions("a"), **_descriptions("b", ["nose"])}) is None
    assert dlc2nwb_individual({"snout": "Keypoint snout from individual mouse."}) is None
    assert dlc2nwb_individual({"mouse_snout": "Snout of the mouse."}) is None
    assert dlc2nwb_individual({}) is None


def test_a_description_names_the_node_when_the_skeleton_has_the_bodyparts():
    # neuroconv's DeepLabCut interface once wrote DLC2NWB's series with a Skeleton of the bare bodyparts.
    assert node_of_series("mouse_snout", "Keypoint snout from individual mouse.", BODYPARTS) == "snout"


@needs_shared_data
@pytest.mark.parametrize("animal", ["ind1", "individual1", "single", "mouse"])
def test_dlc2nwb_files_of_any_individual_are_read_as_its_track(tmp_path, animal):
    # The real DLC2NWB example (ind1), its individual renamed as a multi-animal project names them.
    path = tmp_path / f"dlc2nwb_{animal}.nwb"
    shutil.copy(DLC2NWB, path)
    with h5py.File(path, "a") as handle:
        container = handle["processing/behavior/PoseEstimation"]
        for name in [n for n in container if n.startswith("ind1_")]:
            part = name[len("ind1_") :]
            container.move(name, f"{animal}_{part}")
            container[f"{animal}_{part}"].attrs["description"] = f"Keypoint {part} from individual {animal}."
        nodes = [n.decode().replace("ind1_", f"{animal}_") for n in container["nodes"][()]]
        del container["nodes"]
        container.create_dataset("nodes", data=np.array(nodes, dtype=h5py.string_dtype()))
    [pose] = read_nwb(path)
    [track] = pose.tracks
    assert track.name == animal
    assert list(pose.skeletons[track.skeleton].nodes) == BODYPARTS
