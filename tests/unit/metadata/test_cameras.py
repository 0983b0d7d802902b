"""A field the user gives a pose container's camera that no camera has is said with the metadata, at its field."""

from __future__ import annotations

from poseconv.metadata.compose import compose_metadata

DEFAULTS = {
    "Devices": {"video_top_camera": {"name": "Video top Camera Device"}},
    "Pose": {
        "PoseEstimations": {"PoseEstimation": {"name": "PoseEstimation", "device_metadata_key": "video_top_camera"}}
    },
}
OTHER = {"Devices": {"scope": {"name": "Miniscope", "type": "Miniscope", "frame_rate": 30}}}


def _problems(metadata=None, input_metadata=None):
    composed = compose_metadata(
        {"pose": DEFAULTS, "ophys": OTHER},
        pose_inputs=["pose"],
        metadata=metadata,
        input_metadata=input_metadata,
        known_blocks={"Devices", "Pose"},
    )
    return {(problem.path, problem.input): problem.message for problem in composed.problems}


def test_a_misspelt_camera_field_is_said_at_it_with_the_field_meant():
    # Before: passed every check (neuroconv's Devices schema is open) and stopped the writing, naming no file.
    problems = _problems({"Devices": {"video_top_camera": {"manufactuer": "Basler", "type": "OpticalFiber"}}})
    assert problems == {
        (("Devices", "video_top_camera", "manufactuer"), None): "'manufactuer' (did you mean 'manufacturer'?) is "
        "not a field of a camera Device; its fields are name, description, serial_number, manufacturer, "
        "model_number, model_name and device_model_metadata_key.",
        (("Devices", "video_top_camera", "type"), None): "type 'OpticalFiber': cameras are Device; its fields are "
        "name, description, serial_number, manufacturer, model_number, model_name and device_model_metadata_key.",
    }


def test_a_pose_file_s_own_camera_field_is_said_for_that_file():
    problems = _problems(input_metadata={"pose": {"Devices": {"video_top_camera": {"serial": "123"}}}})
    assert list(problems) == [(("Devices", "video_top_camera", "serial"), "pose")], problems


def test_other_devices_and_a_camera_s_own_fields_are_no_problem():
    metadata = {
        "Devices": {
            "video_top_camera": {"manufacturer": "Basler", "model_name": "acA1300", "serial_number": "1"},
            "scope": {"name": "Miniscope", "type": "Miniscope", "frame_rate": 20},
        }
    }
    assert _problems(metadata) == {}
