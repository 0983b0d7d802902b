"""Arguments that choose some of a file's animals, views or videos take at least one, in every form given."""

from __future__ import annotations

import pytest
from jsonschema import Draft7Validator

from poseconv.interfaces import (
    DeepLabCut3DPoseInterface,
    DeepLabCutPoseInterface,
    LightningPoseMultiViewInterface,
    SLEAPCSVPoseInterface,
    SLEAPPoseInterface,
    SLEAPSessionPoseInterface,
)
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5
from tests.fixtures.sleap import SLP_DANCE

CHOOSING = [
    (DeepLabCutPoseInterface, "individuals"),
    (DeepLabCut3DPoseInterface, "individuals"),
    (SLEAPCSVPoseInterface, "individuals"),
    (SLEAPPoseInterface, "tracks"),
    (SLEAPPoseInterface, "video_indices"),
    (SLEAPSessionPoseInterface, "tracks"),
    (LightningPoseMultiViewInterface, "view_names"),
]


@pytest.mark.parametrize(("cls", "argument"), CHOOSING, ids=[f"{c.__name__}.{a}" for c, a in CHOOSING])
def test_the_source_schema_refuses_an_empty_choice(cls, argument):
    # A form (NWB GUIDE) or a spec's check refuses [] at the field; the schema took it and the interface refused
    # it only once the file was read.
    schema = cls.get_source_schema()
    assert schema["properties"][argument]["minItems"] == 1
    assert any(error.validator == "minItems" for error in Draft7Validator(schema).iter_errors({argument: []}))


@pytest.mark.skipif(
    not (MULTI_ANIMAL_H5.exists() and SLP_DANCE.exists()),
    reason="../shared/data (DeepLabCut and SLEAP files) is not here",
)
def test_a_spec_s_check_says_what_an_empty_choice_means_at_its_line(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "sessions:\n"
        "  - session_id: a\n"
        "    session_start_time: 2024-01-01T00:00:00Z\n"
        "    pose:\n"
        f"      - file_path: {MULTI_ANIMAL_H5}\n"
        "        source_data: {individuals: []}\n"
        f"      - file_path: {SLP_DANCE}\n"
        "        sampling_frequency: 30\n"
        "        source_data: {tracks: []}\n",
        encoding="utf-8",
    )
    result = poseconv_in_process("run", spec, "--check")
    assert result.returncode == 1
    assert (
        "sessions[0].pose[0].source_data.individuals (line 6): [] chooses no individual: list at least one, or "
        "leave individuals out to keep them all"
    ) in result.stderr
    assert "sessions[0].pose[1].source_data.tracks (line 9): [] chooses no track" in result.stderr
    assert not (tmp_path / "a.nwb").exists()
