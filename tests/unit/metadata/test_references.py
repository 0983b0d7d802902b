"""A ``*_metadata_key`` the user gives that names no entry is said at the field, before anything is written.

The writer looks each key up and stopped on a misspelt one with "key ... is not defined", naming neither the
metadata file nor the field.
"""

from __future__ import annotations

import pytest

from poseconv.metadata.compose import compose_metadata

DEFAULTS = {
    "NWBFile": {"session_description": "poses"},
    "Devices": {"video_top_camera": {"name": "Video top Camera Device"}},
    "DeviceModels": {},
    "Behavior": {"ExternalVideos": {"video_top": {"name": "Video top", "device_metadata_key": "video_top_camera"}}},
    "Pose": {
        "Skeletons": {"Skeleton": {"name": "Skeleton", "nodes": ["a"], "edges": []}},
        "PoseEstimations": {
            "PoseEstimation": {
                "name": "PoseEstimation",
                "skeleton_metadata_key": "Skeleton",
                "device_metadata_key": "video_top_camera",
                "source_video_metadata_key": "video_top",
            }
        },
    },
}
BLOCKS = {"NWBFile", "Subject", "Devices", "DeviceModels", "Behavior", "Pose"}
CONTAINER = ("Pose", "PoseEstimations", "PoseEstimation")


def _problems(metadata=None, input_metadata=None, others=None):
    composed = compose_metadata(
        {"pose": DEFAULTS, **(others or {})},
        pose_inputs=["pose"],
        metadata=metadata,
        input_metadata=input_metadata,
        known_blocks=BLOCKS,
    )
    return {(problem.path, problem.input): problem.message for problem in composed.problems}


def _container(**fields):
    return {"Pose": {"PoseEstimations": {"PoseEstimation": fields}}}


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        (
            "skeleton_metadata_key",
            "skeleton",
            "'skeleton' is not a key of Pose.Skeletons; its keys are ['Skeleton']. Did you mean 'Skeleton'?",
        ),
        (
            "device_metadata_key",
            "video_top_camra",
            "'video_top_camra' is not a key of Devices; its keys are ['video_top_camera']. "
            "Did you mean 'video_top_camera'?",
        ),
        (
            "source_video_metadata_key",
            "top",
            "'top' is not a key of Behavior.ExternalVideos; its keys are ['video_top']",
        ),
        (
            "labeled_video_metadata_key",
            "labeled",
            "add the labeled video with an ExternalVideoInterface of metadata_key='labeled'",
        ),
    ],
)
def test_a_container_s_misspelt_key_is_said_at_its_field_with_the_keys_there_are(field, value, said):
    problems = _problems(_container(**{field: value}))
    assert list(problems) == [((*CONTAINER, field), None)], problems
    assert said in problems[((*CONTAINER, field), None)]


def test_a_video_s_camera_and_a_camera_s_model_are_checked_too():
    metadata = {
        "Devices": {"video_top_camera": {"device_model_metadata_key": "acA1300"}},
        "DeviceModels": {"acA1300-200um": {"name": "acA1300-200um", "manufacturer": "Basler"}},
        "Behavior": {"ExternalVideos": {"video_top": {"device_metadata_key": "top_camera"}}},
    }
    problems = _problems(metadata)
    assert set(problems) == {
        (("Devices", "video_top_camera", "device_model_metadata_key"), None),
        (("Behavior", "ExternalVideos", "video_top", "device_metadata_key"), None),
    }, problems
    assert (
        "Did you mean 'acA1300-200um'?"
        in problems[(("Devices", "video_top_camera", "device_model_metadata_key"), None)]
    )


def test_a_pose_file_s_own_misspelt_key_is_said_for_that_file():
    problems = _problems(input_metadata={"pose": _container(skeleton_metadata_key="skel")})
    assert list(problems) == [((*CONTAINER, "skeleton_metadata_key"), "pose")], problems


def test_keys_that_name_an_entry_the_user_adds_or_another_interface_has_are_no_problem():
    theirs = {
        "Devices": {"BehaviorCam_camera": {"name": "BehaviorCam"}},
        "Behavior": {
            "ExternalVideos": {"BehaviorCam": {"name": "Labeled", "device_metadata_key": "BehaviorCam_camera"}}
        },
    }
    metadata = {
        "Devices": {"basler": {"name": "Basler", "device_model_metadata_key": "acA"}},
        "DeviceModels": {"acA": {"name": "acA1300", "manufacturer": "Basler"}},
        **_container(device_metadata_key="basler", labeled_video_metadata_key="BehaviorCam"),
    }
    assert _problems(metadata, others={"video": theirs}) == {}
    assert _problems() == {}  # The defaults' own keys are not the user's to fix.
