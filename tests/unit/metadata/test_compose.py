"""The user's metadata composed with the inputs' (:func:`poseconv.metadata.compose.compose_metadata`): its problems."""

from __future__ import annotations

import pytest

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


# Two skeletons of one input, as a DeepLabCut multi-animal file has them (the animals', the unique body parts').
TWO_SKELETONS = {
    "NWBFile": {"session_description": "poses"},
    "Pose": {
        "Skeletons": {
            "Skeleton": {"name": "Skeleton", "nodes": ["a", "b", "c"], "edges": [[0, 1], [1, 2]]},
            "SkeletonUniqueBodyparts": {"name": "SkeletonUniqueBodyparts", "nodes": ["corner"], "edges": []},
        },
        "PoseEstimations": {
            "PoseEstimation_m1": {"name": "PoseEstimation_m1", "skeleton_metadata_key": "Skeleton"},
            "PoseEstimation_single": {
                "name": "PoseEstimation_single",
                "skeleton_metadata_key": "SkeletonUniqueBodyparts",
            },
        },
    },
}


def _compose(metadata, defaults=None, input_metadata=None):
    inputs = defaults or {"pose": TWO_SKELETONS}
    return compose_metadata(
        inputs, pose_inputs=list(inputs), metadata=metadata, input_metadata=input_metadata, known_blocks=BLOCKS
    )


def _skeleton_names(composed, name="pose"):
    return {key: entry["name"] for key, entry in composed.per_input[name]["Pose"]["Skeletons"].items()}


@pytest.mark.parametrize(
    "renamed, other", [("Skeleton", "SkeletonUniqueBodyparts"), ("SkeletonUniqueBodyparts", "Skeleton")]
)
def test_a_skeleton_renamed_to_the_other_skeleton_s_name_is_a_problem_not_a_rename_of_the_other(renamed, other):
    # Renaming the animals' skeleton 'SkeletonUniqueBodyparts' converted without a word: the unique body parts'
    # skeleton, which the user did not touch, became 'SkeletonUniqueBodyparts_<file>' (in one order only).
    composed = _compose({"Pose": {"Skeletons": {renamed: {"name": other}}}})
    assert [(p.path, p.input, p.message) for p in composed.problems] == [
        (
            ("Pose", "Skeletons", renamed, "name"),
            None,
            f"'{other}' is also the name of the skeleton under key '{other}', whose nodes or edges differ (a file "
            "holds one skeleton of each name); choose another.",
        )
    ]
    assert _skeleton_names(composed)[other] == other


def _two_inputs(fly_key):
    skeletons = {
        "fly": {fly_key: {"name": fly_key, "nodes": ["head"], "edges": []}},
        "mouse": {"Skeleton": {"name": "Skeleton", "nodes": ["snout", "tail"], "edges": [[0, 1]]}},
    }
    return {
        name: {"NWBFile": {"session_description": name}, "Pose": {"Skeletons": value}}
        for name, value in skeletons.items()
    }


def test_default_skeleton_names_that_clash_take_the_input_s_name_and_chosen_ones_are_said():
    composed = _compose({}, _two_inputs("Skeleton"))
    assert composed.problems == []
    assert [_skeleton_names(composed, name) for name in ("fly", "mouse")] == [
        {"Skeleton": "Skeleton"},
        {"Skeleton": "Skeleton_mouse"},
    ]
    # The mouse's skeleton named as the fly's in its own metadata: said for the mouse; the fly's keeps its name.
    chosen = {"mouse": {"Pose": {"Skeletons": {"Skeleton": {"name": "Fly"}}}}}
    composed = _compose({}, _two_inputs("Fly"), chosen)
    assert [(p.path, p.input, p.message) for p in composed.problems] == [
        (
            ("Pose", "Skeletons", "Skeleton", "name"),
            "mouse",
            "'Fly' is also the name of the skeleton under key 'Fly' of fly, whose nodes or edges differ (a file "
            "holds one skeleton of each name); choose another.",
        )
    ]
    assert _skeleton_names(composed, "fly") == {"Fly": "Fly"}


@pytest.mark.parametrize(
    "nodes",
    [["c", "b", "a"], ["a", "b", "x"], ["a", "b"], ["a", "b", "c", "d"]],
    ids=["reordered", "renamed", "fewer", "more"],
)
def test_skeleton_nodes_that_are_not_the_pose_file_s_are_a_problem_where_they_are_given(nodes):
    # validate_metadata passed them (the form's check) and the writer refused them; nodes of another length
    # were said as edges past the last node, never as nodes that must be the pose file's.
    composed = _compose({"Pose": {"Skeletons": {"Skeleton": {"nodes": nodes}}}})
    assert [(p.path, p.input, p.message) for p in composed.problems] == [
        (
            ("Pose", "Skeletons", "Skeleton", "nodes"),
            None,
            f"lists {nodes}, but the pose file has ['a', 'b', 'c']; nodes cannot be renamed or reordered in "
            "metadata: give them as the file has them, or leave nodes out.",
        )
    ]
    # Given in one input's own metadata, the problem is that input's; the pose file is named when there are several.
    other = {
        "NWBFile": {"session_description": "more"},
        "Pose": {"Skeletons": {"Other": {"name": "Other", "nodes": ["z"]}}},
    }
    composed = _compose(
        {}, {"pose": TWO_SKELETONS, "other": other}, {"pose": {"Pose": {"Skeletons": {"Skeleton": {"nodes": nodes}}}}}
    )
    assert [(p.path, p.input) for p in composed.problems] == [(("Pose", "Skeletons", "Skeleton", "nodes"), "pose")]
    assert "but the pose file of pose has ['a', 'b', 'c']" in composed.problems[0].message


def test_the_pose_file_s_own_nodes_handed_back_are_no_problem():
    composed = _compose({"Pose": {"Skeletons": {"Skeleton": {"nodes": ["a", "b", "c"], "edges": [[2, 0]]}}}})
    assert composed.problems == []


def test_a_field_left_empty_in_one_input_s_own_metadata_is_not_given_as_in_the_session_s():
    # A spec's pose entry with `metadata: {Pose: {Skeletons: {Skeleton: {name: ""}}}}` was refused ("'' holds a
    # character that is not allowed"), while the same empty field in the session's metadata kept the default.
    own = {
        "Pose": {"Skeletons": {"Skeleton": {"name": ""}}, "PoseEstimations": {"PoseEstimation_m1": {"description": ""}}}
    }
    composed = _compose({}, input_metadata={"pose": own})
    assert composed.problems == []
    assert _skeleton_names(composed)["Skeleton"] == "Skeleton"
    assert own["Pose"]["Skeletons"]["Skeleton"] == {"name": ""}  # the caller's metadata is left as it was


def test_a_name_two_inputs_share_by_key_is_refused_with_the_ways_to_name_them_apart():
    # The message said "give one of them another name in that input's own metadata": poseconv convert and a
    # converter have no metadata of one input.
    defaults = {
        name: {
            "NWBFile": {"session_description": name},
            "Pose": {"PoseEstimations": {"PoseEstimation": {"name": f"PoseEstimation_{name}"}}},
        }
        for name in ("top", "side")
    }
    composed = _compose({"Pose": {"PoseEstimations": {"PoseEstimation": {"name": "Mouse"}}}}, defaults)
    assert [(p.path, p.input, p.message) for p in composed.problems] == [
        (
            ("Pose", "PoseEstimations", "PoseEstimation", "name"),
            "side",
            "'Mouse' is also the name of a container of top: the key 'PoseEstimation' is top's too, and a name given "
            "under it in the session's metadata names both. Name them apart by input: in Python, give one interface "
            "another metadata_key= (its source_data); in a spec (poseconv run), give the name in one pose file's own "
            "`metadata`; or leave the name out (poseconv convert has one metadata for all its inputs): each input's "
            "default name is its own.",
        )
    ]


def _session_defaults():
    views = {camera: {"name": f"PoseEstimation_{camera}", "camera_metadata_key": camera} for camera in ("top", "bot")}
    return {
        "NWBFile": {"session_description": "rig"},
        "Pose": {
            "CalibratedCameras": {camera: {"name": camera} for camera in ("top", "bot")},
            "MultiCameraPoseEstimations": {"MultiCamera": {"name": "MultiCamera", "CameraViews": views}},
        },
    }


def test_two_cameras_of_one_session_given_one_name_are_refused_as_devices_are():
    # The writer took the second camera for the first (a device of that name was in the file): one device, both
    # views linked to it, the second camera's description lost without a word.
    metadata = {"Pose": {"CalibratedCameras": {"bot": {"name": "top", "description": "Bottom camera"}}}}
    composed = _compose(metadata, {"rig": _session_defaults()})
    assert [(p.path, p.input, p.message) for p in composed.problems] == [
        (
            ("Pose", "CalibratedCameras", "bot", "name"),
            None,
            "metadata['Pose']['CalibratedCameras'] keys 'top' and 'bot' use name 'top'. Use 1 key to share a device.",
        )
    ]


def test_two_views_of_one_container_given_one_name_are_refused_at_the_view():
    # ndx-pose refused the second view with "Cannot add <class 'ndx_pose.pose.PoseEstimation'> ... at 0x...".
    metadata = {
        "Pose": {
            "MultiCameraPoseEstimations": {"MultiCamera": {"CameraViews": {"bot": {"name": "PoseEstimation_top"}}}}
        }
    }
    composed = _compose(metadata, {"rig": _session_defaults()})
    assert [(p.path, p.input, p.message) for p in composed.problems] == [
        (
            ("Pose", "MultiCameraPoseEstimations", "MultiCamera", "CameraViews", "bot", "name"),
            None,
            "'PoseEstimation_top' is also the name of the view of camera 'top'; a container holds one view of each "
            "name: give each view a name of its own.",
        )
    ]


def _series_defaults(name):
    series = {node: {"name": node, "description": f"Position of '{node}'."} for node in ("nose", "ear", "tail")}
    return {
        "NWBFile": {"session_description": name},
        "Pose": {
            "PoseEstimations": {"PoseEstimation": {"name": f"PoseEstimation_{name}", "PoseEstimationSeries": series}}
        },
    }


def test_a_series_named_as_another_body_part_is_refused_where_it_is_given():
    # Swapping the names of series 'nose' and 'ear' converted without a word, and validate said OK: the series
    # called 'nose' held the ear's positions, which movement's from_nwb_file (body parts by series name) read as
    # the nose's. Skeleton nodes renamed were refused already; a series renamed as another node was not.
    swapped = {"nose": {"name": "ear"}, "ear": {"name": "nose"}}
    composed = _compose(
        {"Pose": {"PoseEstimations": {"PoseEstimation": {"PoseEstimationSeries": swapped}}}},
        {"pose": _series_defaults("pose")},
    )
    where = ("Pose", "PoseEstimations", "PoseEstimation", "PoseEstimationSeries")
    assert [(p.path, p.input) for p in composed.problems] == [
        ((*where, "nose", "name"), None),
        ((*where, "ear", "name"), None),
    ]
    assert composed.problems[0].message.startswith(
        "'ear' is the name of body part 'ear' of this container, but this series holds 'nose'"
    )
    # Of two inputs, in one input's own metadata: the input is named.
    defaults = {name: _series_defaults(name) for name in ("top", "side")}
    own = {
        "side": {"Pose": {"PoseEstimations": {"PoseEstimation": {"PoseEstimationSeries": {"tail": {"name": "ear"}}}}}}
    }
    composed = _compose({}, defaults, own)
    assert [(p.path, p.input) for p in composed.problems] == [((*where, "tail", "name"), "side")]
    # A series given a name no body part has keeps it; one given the name another series keeps is said once, as that.
    renamed = {"nose": {"name": "snout_position"}, "tail": {"name": "ear"}}
    composed = _compose(
        {"Pose": {"PoseEstimations": {"PoseEstimation": {"PoseEstimationSeries": renamed}}}},
        {"pose": _series_defaults("pose")},
    )
    assert [(p.path, p.message.split(";")[0]) for p in composed.problems] == [
        ((*where, "tail", "name"), "'ear' is the name of series 'ear' too")
    ]
