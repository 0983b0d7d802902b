"""The session's description and experimenters from the pose inputs' projects, and from several inputs."""

from __future__ import annotations

from poseconv.metadata.session_fields import gather_session_fields, project_session_fields


def test_a_project_s_task_follows_the_description_and_its_scorer_is_the_experimenter():
    notes = [
        {"project_identity": {"task": "reach", "experimenter": "Ann"}},
        {"project_identity": {"task": "reach", "experimenter": None}},
    ]
    assert project_session_fields(notes, "Pose estimation.") == {
        "session_description": "Pose estimation. Task: reach.",
        "experimenter": ["Ann"],
    }
    assert project_session_fields([{}, {"project_identity": {"task": None, "experimenter": "Bo"}}], "Poses.") == {
        "session_description": "Poses.",
        "experimenter": ["Bo"],
    }
    assert project_session_fields([{}], "Poses.") == {"session_description": "Poses."}


def test_several_inputs_name_all_their_experimenters_unless_the_user_names_them():
    # In the converter's order, as neuroconv's NWBConverter appends them; neuroconv's placeholder describes nothing.
    inputs = [
        {"NWBFile": {"session_description": "no description", "experimenter": ["Cy"]}},
        {"NWBFile": {"session_description": "A.", "experimenter": ["Ann"]}},
        {"NWBFile": {"session_description": "openfield", "experimenter": ["Bo", "Ann"]}},
    ]
    shared: dict = {"NWBFile": {"experimenter": ["Bo", "Ann"], "session_description": "openfield"}}
    gather_session_fields(shared, {}, inputs)
    assert shared["NWBFile"] == {"experimenter": ["Cy", "Ann", "Bo"], "session_description": "A. openfield"}
    user = {"NWBFile": {"experimenter": ["Doe, Jane"], "session_description": "Mine."}}
    shared = {"NWBFile": dict(user["NWBFile"])}
    gather_session_fields(shared, user, inputs)
    assert shared["NWBFile"] == user["NWBFile"]


def test_a_project_s_task_is_said_once_for_the_session_of_its_predictions_and_labels():
    inputs = [
        {"NWBFile": {"session_description": "Pose estimation with DeepLabCut (individual). Task: openfield."}},
        {
            "NWBFile": {
                "session_description": "Training data for pose estimation: frames labeled by hand. Task: openfield."
            }
        },
        {"NWBFile": {"session_description": "Pose estimation with DeepLabCut (mouse). Task: reach."}},
    ]
    shared: dict = {}
    gather_session_fields(shared, {}, inputs)
    assert shared["NWBFile"]["session_description"] == (
        "Pose estimation with DeepLabCut (individual). Training data for pose estimation: frames labeled by hand. "
        "Pose estimation with DeepLabCut (mouse). Tasks: openfield, reach."
    )
