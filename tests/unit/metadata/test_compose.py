"""The user's metadata composed with the inputs' (:func:`poseconv.metadata.compose.compose_metadata`): its problems."""

from __future__ import annotations

from poseconv.metadata.compose import compose_metadata
from tests.unit.metadata.test_unknown import BLOCKS, DEFAULTS


def test_text_a_spreadsheet_left_a_space_on_is_a_problem_for_every_entry_point():
    # 'm2 ' was written as given by convert -m and the interfaces (DANDI then saw a subject 'm2 ' beside 'm2');
    # a spec's run said it, from its own check. The composition every entry point shares says it now.
    metadata = {
        "NWBFile": {"session_description": "poses", "experimenter": ["Doe, Jane "]},
        "Subject": {"subject_id": "m2 ", "species": "Mus musculus", "sex": "M", "age": "P90D"},
    }
    composed = compose_metadata({"pose": DEFAULTS}, pose_inputs=["pose"], metadata=metadata, known_blocks=BLOCKS)
    said = {problem.path: problem.message for problem in composed.problems}
    remove = "has a space at its end; remove it (the value is written as given)."
    assert said == {
        ("Subject", "subject_id"): f"'m2 ' {remove}",
        ("NWBFile", "experimenter", 0): f"'Doe, Jane ' {remove}",
    }
    clean = {**metadata, "Subject": {**metadata["Subject"], "subject_id": "m2"}, "NWBFile": {"experimenter": ["Doe"]}}
    composed = compose_metadata({"pose": DEFAULTS}, pose_inputs=["pose"], metadata=clean, known_blocks=BLOCKS)
    assert composed.problems == []
