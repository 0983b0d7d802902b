"""Fuzz the readers with damaged copies of real files: truncated, bit-flipped, zeroed, edited.

Every damaged file either converts or is refused with poseconv's own error naming it,
with no output left behind (see :mod:`tests.fuzz.harness`). HDF5 files are also edited
value by value (negative and huge frame indices, deleted datasets, garbled attributes).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from poseconv import DeepLabCutPoseInterface, SLEAPPoseInterface
from tests.fixtures.paths import SHARED_DATA
from tests.fuzz.harness import BYTE_MUTATORS, convert_or_refuse, input_and_output_folders, mutate_hdf5

DLC = [
    "movement/data/DLC_sample_poses.h5",
    "neuroconv/behavior_testing_data/DLC/open_field_without_video/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5",
    "deeplabcut/TEST-Alex-2019-11-04/videos/reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10filtered.csv",
]
SLEAP = [
    "neuroconv/behavior_testing_data/sleap/predictions_1.2.7_provenance_and_tracking.slp",
    "sleap/tests/data/slp_hdf5/minimal_instance.slp",
    "sleap/tests/data/tracks/clip.predictions.slp",
    "sleap/tests/data/hdf5_format_v1/small_robot.000_small_robot_3_frame.analysis.h5",
]
SEEDS = [(name, DeepLabCutPoseInterface) for name in DLC] + [(name, SLEAPPoseInterface) for name in SLEAP]


def _options(interface_class: type) -> dict:
    # untracked="by_order" takes the path that accepts the most files.
    return {"sampling_frequency": 30.0} | ({"untracked": "by_order"} if interface_class is SLEAPPoseInterface else {})


@pytest.mark.parametrize(("name", "interface_class"), SEEDS, ids=[Path(n).name for n, _ in SEEDS])
def test_the_undamaged_seed_converts(name, interface_class, tmp_path):
    """Each seed converts as it is, so a refusal below is caused by the damage."""
    assert convert_or_refuse(interface_class, SHARED_DATA / name, tmp_path / "out.nwb", **_options(interface_class))


@given(
    seed=st.sampled_from(SEEDS),
    mutator=st.sampled_from(BYTE_MUTATORS),
    salt=st.integers(0, 2**32 - 1),
)
def test_damaged_bytes_convert_or_are_refused(seed, mutator, salt) -> None:
    name, interface_class = seed
    source = SHARED_DATA / name
    with tempfile.TemporaryDirectory() as folder:
        source_dir, output_dir = input_and_output_folders(Path(folder))
        path = source_dir / source.name
        path.write_bytes(mutator(source.read_bytes(), random.Random(salt)))
        note(f"{mutator.__name__} of {name} with salt {salt}")
        convert_or_refuse(interface_class, path, output_dir / "out.nwb", **_options(interface_class))


HDF5_SEEDS = [seed for seed in SEEDS if not seed[0].endswith(".csv")]


@given(seed=st.sampled_from(HDF5_SEEDS), salt=st.integers(0, 2**32 - 1), edits=st.integers(1, 3))
def test_edited_hdf5_files_convert_or_are_refused(seed, salt, edits) -> None:
    name, interface_class = seed
    source = SHARED_DATA / name
    rng = random.Random(salt)
    with tempfile.TemporaryDirectory() as folder:
        source_dir, output_dir = input_and_output_folders(Path(folder))
        path = source_dir / source.name
        path.write_bytes(source.read_bytes())
        for _ in range(edits):
            note(mutate_hdf5(path, rng))
        convert_or_refuse(interface_class, path, output_dir / "out.nwb", **_options(interface_class))
