"""A keyed entry of the user's metadata that no input has is a problem, wherever the entry is."""

from __future__ import annotations

from poseconv.metadata.compose import compose_metadata

DEFAULTS = {
    "NWBFile": {"session_description": "poses"},
    "Devices": {"video_top_camera": {"name": "Video top Camera Device"}},
    "Behavior": {"ExternalVideos": {"video_top": {"name": "Video top", "device_metadata_key": "video_top_camera"}}},
    "Pose": {
        "Skeletons": {"Skeleton": {"name": "Skeleton", "nodes": ["a"], "edges": []}},
        "PoseEstimations": {"PoseEstimation": {"name": "PoseEstimation", "skeleton_metadata_key": "Skeleton"}},
    },
}
BLOCKS = {"NWBFile", "Subject", "Devices", "Behavior", "Pose"}


def _problems(metadata, others=None, input_metadata=None):
    composed = compose_metadata(
        {"pose": DEFAULTS, **(others or {})},
        pose_inputs=["pose"],
        metadata=metadata,
        input_metadata=input_metadata,
        known_blocks=BLOCKS,
    )
    return {(problem.path, problem.input): problem.message for problem in composed.problems}


def test_misspelt_camera_video_and_behavior_section_keys_are_named_with_the_keys_there_are():
    said = _problems(
        {
            "Devices": {"video_top_cam": {"name": "Top camera"}},
            "Behavior": {"ExternalVideos": {"video_tpo": {"name": "Top"}}, "ExternalVideo": {}},
        }
    )
    assert said == {
        (("Devices", "video_top_cam"), None): "matches no Device of the inputs; their keys are ['video_top_camera']. "
        "Did you mean 'video_top_camera'?",
        (("Behavior", "ExternalVideos", "video_tpo"), None): "matches no ExternalVideo of the inputs; their keys are "
        "['video_top']. Did you mean 'video_top'?",
        (("Behavior", "ExternalVideo"), None): "matches no section of Behavior of the inputs; their keys are "
        "['ExternalVideos']. Did you mean 'ExternalVideos'?",
    }


def test_a_pose_file_s_own_misspelt_camera_is_named_for_that_file():
    said = _problems({}, input_metadata={"pose": {"Devices": {"video_top_cam": {}}}})
    assert (
        list(said) == [(("Devices", "video_top_cam"), "pose")]
        and "its keys are" in said[(("Devices", "video_top_cam"), "pose")]
    )


def test_a_camera_the_user_adds_and_names_from_a_video_is_no_problem():
    metadata = {
        "Devices": {"basler": {"name": "Basler acA1300"}},
        "Behavior": {"ExternalVideos": {"video_top": {"device_metadata_key": "basler"}}},
    }
    assert _problems(metadata) == {}


def test_with_another_interface_only_a_near_miss_of_a_camera_is_a_problem():
    # Another interface (neuroconv's) may take devices its defaults do not list.
    others = {"ophys": {"Devices": {"Microscope": {"name": "Microscope"}}}}
    said = _problems({"Devices": {"LaserSource": {}, "video_top_cam": {}}}, others=others)
    assert list(said) == [(("Devices", "video_top_cam"), None)]


def test_another_input_s_skeleton_key_is_said_to_be_another_input_s_with_how_to_share_one_skeleton():
    # cam2's container pointed at cam1's skeleton key was said to be no key of Pose.Skeletons, "Did you mean
    # 'Skeleton_cam2'?" (the key the user had just deleted to share cam1's skeleton).
    from poseconv.metadata.unknown import reference_problems

    def pose(camera):
        skeleton = {f"Skeleton_{camera}": {"name": f"Skeleton_{camera}", "nodes": ["a"], "edges": []}}
        container = {"name": f"PoseEstimation_{camera}", "skeleton_metadata_key": f"Skeleton_{camera}"}
        return {"Pose": {"Skeletons": skeleton, "PoseEstimations": {f"PoseEstimation_{camera}": container}}}

    per_input = {"Cam1": pose("cam1"), "Cam2": pose("cam2")}
    per_input["Cam2"]["Pose"]["PoseEstimations"]["PoseEstimation_cam2"]["skeleton_metadata_key"] = "Skeleton_cam1"
    user = {"Pose": {"PoseEstimations": {"PoseEstimation_cam2": {"skeleton_metadata_key": "Skeleton_cam1"}}}}
    (problem,) = reference_problems({}, per_input, user, {})
    assert problem.path == ("Pose", "PoseEstimations", "PoseEstimation_cam2", "skeleton_metadata_key")
    assert problem.message.startswith("'Skeleton_cam1' is a key of Pose.Skeletons of the input 'Cam1': an input's")
    assert "give both skeletons one name" in problem.message and "Did you mean" not in problem.message


def _with_series(confidence_definition=None, camera=None):
    """DEFAULTS whose container has series 'a' (with a confidence definition when its track has confidence)."""
    import copy

    defaults = copy.deepcopy(DEFAULTS)
    series = {"name": "a", "description": "Position of 'a'."}
    if confidence_definition is not None:
        series["confidence_definition"] = confidence_definition
    defaults["Pose"]["PoseEstimations"]["PoseEstimation"]["PoseEstimationSeries"] = {"a": series}
    if camera is not None:
        defaults["Pose"]["CalibratedCameras"] = {"top": {"name": "top", "unit": "n.a.", **camera}}
    return defaults


def test_a_confidence_definition_for_poses_without_confidence_is_a_problem_at_the_field():
    # DeepLabCut 3D, a SLEAP analysis file without scores: the definition was dropped without a word.
    given = {
        "Pose": {"PoseEstimations": {"PoseEstimation": {"PoseEstimationSeries": {"a": {"confidence_definition": "x"}}}}}
    }
    path = ("Pose", "PoseEstimations", "PoseEstimation", "PoseEstimationSeries", "a", "confidence_definition")
    for input_metadata, who in ((None, None), ({"pose": given}, "pose")):
        composed = compose_metadata(
            {"pose": _with_series()},
            pose_inputs=["pose"],
            metadata=given if input_metadata is None else {},
            input_metadata=input_metadata,
            known_blocks=BLOCKS,
        )
        (problem,) = [p for p in composed.problems if p.path == path]
        assert problem.input == who and "the pose file has no confidence values for 'a'" in problem.message
        assert problem.message.endswith("Remove the field.")
    # Poses with confidence take the user's definition.
    composed = compose_metadata({"pose": _with_series("p")}, pose_inputs=["pose"], metadata=given, known_blocks=BLOCKS)
    assert not [p for p in composed.problems if p.path == path]


def test_extrinsics_given_to_a_camera_without_intrinsics_are_a_problem_naming_them():
    # Written as a plain Device, the camera lost them without a word.
    extrinsics = {"rotation_matrix": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "unit": "mm", "image_size": [640, 480]}
    composed = compose_metadata(
        {"pose": _with_series(camera={})},
        pose_inputs=["pose"],
        metadata={"Pose": {"CalibratedCameras": {"top": extrinsics}}},
        known_blocks=BLOCKS,
    )
    (problem,) = [p for p in composed.problems if p.path == ("Pose", "CalibratedCameras", "top")]
    assert problem.message.startswith("gives rotation_matrix, image_size, unit but no intrinsic_matrix")
    assert "written as a plain Device" in problem.message and problem.message.endswith("or remove them.")
    # With intrinsics (given, or the pose files'), or with the defaults handed back, there is nothing to say.
    intrinsic = {"intrinsic_matrix": [[500, 0, 320], [0, 500, 240], [0, 0, 1]]}
    for camera, user in (({}, {**extrinsics, **intrinsic}), (intrinsic, extrinsics), ({}, {"unit": "n.a."})):
        composed = compose_metadata(
            {"pose": _with_series(camera=camera)},
            pose_inputs=["pose"],
            metadata={"Pose": {"CalibratedCameras": {"top": user}}},
            known_blocks=BLOCKS,
        )
        assert not [p for p in composed.problems if p.path == ("Pose", "CalibratedCameras", "top")]


def test_pose_training_given_where_no_input_writes_training_data_is_a_warning_with_what_to_do():
    import warnings

    import pytest

    from poseconv.errors import PoseconvWarning

    training = {"Pose": {"PoseTraining": {"description": "frames picked by k-means", "annotator": "Jane"}}}
    with pytest.warns(PoseconvWarning, match=r"gives \['annotator', 'description'\], but no input .* --training"):
        compose_metadata({"pose": DEFAULTS}, pose_inputs=["pose"], metadata=training, known_blocks=BLOCKS)
    # A form's default (its name) says nothing; an input that writes training data writes it.
    trains = {**DEFAULTS, "Pose": {**DEFAULTS["Pose"], "PoseTraining": {"name": "PoseTraining"}}}
    for defaults, metadata in ((DEFAULTS, {"Pose": {"PoseTraining": {"name": "PoseTraining"}}}), (trains, training)):
        with warnings.catch_warnings():
            warnings.simplefilter("error", PoseconvWarning)
            compose_metadata({"pose": defaults}, pose_inputs=["pose"], metadata=metadata, known_blocks=BLOCKS)


SESSION = {
    "NWBFile": {"session_description": "poses"},
    "Pose": {
        "CalibratedCameras": {camera: {"name": camera} for camera in ("back", "backL")},
        "MultiCameraPoseEstimations": {
            "MultiCameraPoseEstimation": {
                "name": "MultiCameraPoseEstimation",
                "CameraViews": {
                    camera: {"name": f"PoseEstimation_{camera}", "camera_metadata_key": camera}
                    for camera in ("back", "backL")
                },
            }
        },
    },
}
VIEW = ("Pose", "MultiCameraPoseEstimations", "MultiCameraPoseEstimation", "CameraViews", "back")


def _session_problems(metadata=None, input_metadata=None):
    composed = compose_metadata(
        {"session": SESSION},
        pose_inputs=["session"],
        metadata=metadata,
        input_metadata=input_metadata,
        known_blocks=BLOCKS,
    )
    return {(problem.path, problem.input): problem.message for problem in composed.problems}


def _pointed(camera, **cameras):
    views = {"MultiCameraPoseEstimation": {"CameraViews": {"back": {"camera_metadata_key": camera}}}}
    return {"Pose": {"CalibratedCameras": cameras, "MultiCameraPoseEstimations": views}}


def test_a_session_view_pointed_at_another_camera_is_a_problem_at_its_camera_metadata_key():
    # At another camera of the rig, the writer refused a device 'already in the file' naming no field; at a camera
    # the user adds, the key was said to be no key of Pose.CalibratedCameras, where the user had just given it.
    path = (*VIEW, "camera_metadata_key")
    for camera, metadata in (("backL", _pointed("backL")), ("newcam", _pointed("newcam", newcam={"name": "newcam"}))):
        said = _session_problems(metadata)
        message = said[(path, None)]
        assert message.startswith(f"names camera {camera!r}, but this view holds the 2D poses of the session's camera")
        assert "change its name or description in Pose.CalibratedCameras.back" in message
        assert not [m for m in said.values() if "is not a key of" in m]
    # One input's own metadata is said for that input; its own camera (a form handing it back) is no problem.
    assert list(_session_problems(input_metadata={"session": _pointed("backL")})) == [(path, "session")]
    assert _session_problems(_pointed("back")) == {}
