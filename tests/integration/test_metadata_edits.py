"""Edits of the metadata a form or a metadata file makes, judged by every entry point before anything is written.

What ``validate_metadata`` (a form's check) and ``run --check`` pass is what the conversion writes.
"""

import json

import pytest
from pynwb import NWBHDF5IO

from tests.fixtures.cli import poseconv_in_process as poseconv
from tests.fixtures.paths import REPO_ROOT, needs_shared_data

START = "2024-05-01T10:00:00+02:00"
FLIES = REPO_ROOT / "examples/data/sleap-demo/flies.slp"


@needs_shared_data
def test_a_skeleton_renamed_as_the_other_skeleton_is_refused_at_its_line(tmp_path):
    # The animals' skeleton renamed 'SkeletonUniqueBodyparts' was written under that name, and the unique body
    # parts' skeleton, which the user did not touch, as 'SkeletonUniqueBodyparts_<file>', without a word.
    from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5

    path = tmp_path / "meta.yaml"
    path.write_text("Pose:\n  Skeletons:\n    Skeleton:\n      name: SkeletonUniqueBodyparts\n", encoding="utf-8")
    out = tmp_path / "out.nwb"
    result = poseconv("convert", MULTI_ANIMAL_H5, "--fps", 30, "-m", path, "-o", out, "--session-start-time", START)
    assert result.returncode == 1 and not out.exists(), result.stderr
    assert (
        "Pose.Skeletons.Skeleton.name (line 4): 'SkeletonUniqueBodyparts' is also the name of the skeleton under key "
        "'SkeletonUniqueBodyparts'" in result.stderr
    ), result.stderr

    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"output_folder: {tmp_path / 'nwb'}\nsessions:\n  - session_id: s1\n    session_start_time: '{START}'\n"
        f"    pose: [{{file_path: {MULTI_ANIMAL_H5}, sampling_frequency: 30}}]\n"
        "    metadata: {Pose: {Skeletons: {Skeleton: {name: SkeletonUniqueBodyparts}}}}\n",
        encoding="utf-8",
    )
    result = poseconv("run", spec, "--check")
    said = result.stdout + result.stderr
    assert result.returncode != 0 and "sessions[0].metadata.Pose.Skeletons.Skeleton.name (line 6)" in said, said


def test_skeleton_nodes_renamed_are_refused_by_validate_metadata_and_run_check_at_their_line(tmp_path):
    from poseconv import SLEAPPoseInterface
    from poseconv.errors import MetadataError

    interface = SLEAPPoseInterface(file_path=FLIES, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = START
    metadata["Pose"]["Skeletons"]["fly"]["nodes"] = ["head", "thorax", "abdomen", "wingR", "wingL"]
    with pytest.raises(MetadataError, match=r"\['fly'\]\['nodes'\]: lists .* nodes cannot be renamed or reordered"):
        interface.validate_metadata(metadata)
    path = tmp_path / "meta.json"
    path.write_text(
        json.dumps({"Pose": {"Skeletons": {"fly": {"nodes": ["a", "b", "c", "d", "e"]}}}}), encoding="utf-8"
    )
    out = tmp_path / "out.nwb"
    result = poseconv("convert", FLIES, "--fps", 30, "-m", path, "-o", out, "--session-start-time", START)
    assert result.returncode == 1 and not out.exists(), result.stderr
    assert "Pose.Skeletons.fly.nodes" in result.stderr and "nodes cannot be renamed or reordered" in result.stderr

    # A spec: the problem is at the line that gives the nodes, the pose file's own metadata or the session's.
    spec = f"""output_folder: {tmp_path / "nwb"}
sessions:
  - session_id: s1
    session_start_time: "{START}"
    pose:
      - file_path: {FLIES}
        sampling_frequency: 30
        metadata:
          Pose:
            Skeletons:
              fly:
                nodes: [head, thorax, abdomen, wingR, wingL]
  - session_id: s2
    session_start_time: "{START}"
    metadata:
      Pose:
        Skeletons:
          fly:
            nodes: [a, b]
            edges: [[0, 1], [1, 2]]
    pose:
      - file_path: {FLIES}
        sampling_frequency: 30
"""
    path = tmp_path / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    result = poseconv("run", path, "--check")
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert "sessions[0].pose[0].metadata.Pose.Skeletons.fly.nodes (line 12): lists ['head', 'thorax'" in said, said
    # Nodes of another length: said as nodes that must be the pose file's, not as edges past the last node.
    assert "sessions[1].metadata.Pose.Skeletons.fly.nodes (line 19): lists ['a', 'b'], but the pose file" in said, said
    assert "past the last node" not in said


@needs_shared_data
def test_calibration_arrays_a_form_left_empty_take_the_pose_files_values(tmp_path):
    from poseconv.interfaces import SLEAPSessionPoseInterface
    from tests.fixtures.multicamera import SLEAP_SESSION

    interface = SLEAPSessionPoseInterface(file_path=SLEAP_SESSION, sampling_frequency=30.0)
    metadata = json.loads(json.dumps(interface.get_metadata(), default=str))
    metadata["NWBFile"]["session_start_time"] = START
    for camera in metadata["Pose"]["CalibratedCameras"].values():
        camera.update(translation_vector=[], distortion_coefficients=[], image_size=[], serial_number="")
    interface.validate_metadata(metadata)
    out = tmp_path / "out.nwb"
    interface.run_conversion(nwbfile_path=out, metadata=metadata)
    with NWBHDF5IO(out, "r") as io:
        cameras = [d for d in io.read().devices.values() if hasattr(d, "translation_vector")]
        assert cameras and all(len(camera.translation_vector) == 3 for camera in cameras)


@needs_shared_data
@pytest.mark.parametrize("name", ["Skeletons", "TrackOrder", "SkeletonSymmetries"])
def test_training_data_named_as_an_object_of_the_behavior_module_is_refused(tmp_path, name):
    # A PoseTraining renamed 'Skeletons' ended in pynwb's "Cannot add ... already exists"; 'TrackOrder' was written.
    from poseconv.errors import MetadataError
    from poseconv.interfaces import PoseConverterPipe
    from poseconv.interfaces.training import DeepLabCutTrainingDataInterface
    from tests.fixtures.paths import SHARED_DATA

    interface = DeepLabCutTrainingDataInterface(
        labeled_data_path=SHARED_DATA / "deeplabcut/multi_mouse-dlc_team-2022-04-12"
    )
    metadata = interface.get_metadata().to_dict()
    metadata["NWBFile"]["session_start_time"] = START
    metadata["Pose"]["PoseTraining"]["name"] = name
    out = tmp_path / "labels.nwb"
    with pytest.raises(
        MetadataError, match=rf"metadata\['Pose'\]\['PoseTraining'\]\['name'\]: '{name}' is the name of"
    ):
        PoseConverterPipe({"labels": interface}).run_conversion(nwbfile_path=out, metadata=metadata)
    assert not out.exists()


@needs_shared_data
def test_training_data_named_as_a_pose_container_is_refused_by_validate_metadata(tmp_path):
    # validate_metadata (a form's check, run --check) passed it; the conversion then failed in the writer.
    from poseconv import PoseNWBConverter
    from poseconv.errors import MetadataError
    from poseconv.interfaces import DeepLabCutPoseInterface, DeepLabCutTrainingDataInterface
    from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, MULTI_ANIMAL_H5

    class Converter(PoseNWBConverter):
        data_interface_classes = {"P": DeepLabCutPoseInterface, "T": DeepLabCutTrainingDataInterface}

    labels = MULTI_ANIMAL_DIR.parent / "labeled-data/m3v1mp4short/CollectedData_dlc_team.h5"
    converter = Converter({"P": {"file_path": str(MULTI_ANIMAL_H5)}, "T": {"labeled_data_path": str(labels)}})
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = START
    container = next(iter(metadata["Pose"]["PoseEstimations"].values()))["name"]
    metadata["Pose"]["PoseTraining"]["name"] = container
    said = (
        rf"T: metadata\['Pose'\]\['PoseTraining'\]\['name'\]: '{container}' is also the name of a pose container of P"
    )
    with pytest.raises(MetadataError, match=said) as raised:
        converter.validate_metadata(metadata)
    assert "\n  P: " not in str(raised.value)  # the predictions input has no training data to rename
