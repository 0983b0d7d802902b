"""Metadata mistakes the writer used to meet first are said at their field and line by every entry point.

A misspelt ``skeleton_metadata_key`` or ``device_metadata_key``, and ``Devices`` given as a list, passed the
metadata check and stopped the writing with "key ... is not defined", naming neither the file nor the field.
"""

import pytest

from tests.fixtures.cli import poseconv_in_process as poseconv
from tests.fixtures.paths import REPO_ROOT

START = "2024-05-01T10:00:00+02:00"
FLIES = REPO_ROOT / "examples/data/sleap-demo/flies.slp"
CONTAINER = "Pose.PoseEstimations.PoseEstimation_fly1"


@pytest.mark.parametrize(
    ("yaml", "where", "said"),
    [
        (
            "Pose:\n  PoseEstimations:\n    PoseEstimation_fly1:\n      skeleton_metadata_key: Fly\n",
            f"{CONTAINER}.skeleton_metadata_key (line 4)",
            "'Fly' is not a key of Pose.Skeletons; its keys are ['fly']. Did you mean 'fly'?",
        ),
        (
            "Pose:\n  PoseEstimations:\n    PoseEstimation_fly1:\n      device_metadata_key: flies_camera\n",
            f"{CONTAINER}.device_metadata_key (line 4)",
            "'flies_camera' is not a key of Devices; its keys are ['video_flies_camera']",
        ),
        (
            "Devices:\n  - name: cam\n",
            "Devices (line 1)",
            "is a list; Devices holds its entries by key",
        ),
    ],
)
def test_convert_says_the_mistake_at_its_line_before_writing(tmp_path, yaml, where, said):
    path = tmp_path / "meta.yaml"
    path.write_text(yaml, encoding="utf-8")
    out = tmp_path / "out.nwb"
    result = poseconv("convert", FLIES, "--fps", 30, "-m", path, "-o", out, "--session-start-time", START)
    assert result.returncode == 1 and not out.exists(), result.stderr
    assert f"meta.yaml: invalid metadata: {where}: {said}" in " ".join(result.stderr.split()), result.stderr


def test_validate_metadata_and_a_spec_s_check_say_a_misspelt_key_as_convert_does(tmp_path):
    from poseconv import SLEAPPoseInterface
    from poseconv.errors import MetadataError

    interface = SLEAPPoseInterface(file_path=FLIES, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = START
    metadata["Pose"]["PoseEstimations"]["PoseEstimation_fly1"]["skeleton_metadata_key"] = "Fly"
    with pytest.raises(MetadataError, match=r"\['skeleton_metadata_key'\]: 'Fly' is not a key of Pose.Skeletons"):
        interface.validate_metadata(metadata)

    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"output_folder: {tmp_path / 'nwb'}\nsessions:\n  - session_id: s1\n    session_start_time: '{START}'\n"
        f"    pose:\n      - file_path: {FLIES}\n        sampling_frequency: 30\n        metadata:\n"
        "          Pose: {PoseEstimations: {PoseEstimation_fly1: {skeleton_metadata_key: Fly}}}\n"
        "          Devices: [{name: cam}]\n",
        encoding="utf-8",
    )
    result = poseconv("run", spec, "--check")
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0 and "unexpected error" not in said, said
    assert "sessions[0].pose[0].metadata.Devices (line 10): is a list" in said, said
    assert f"sessions[0].pose[0].metadata.{CONTAINER}.skeleton_metadata_key (line 9): 'Fly' is not a key" in said, said
