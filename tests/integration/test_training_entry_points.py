"""Training data asked for the same way gives the same file from the interface, a converter, convert and run."""

from __future__ import annotations

from datetime import datetime

import h5py
import pytest
import yaml

from poseconv.interfaces import DeepLabCutPoseInterface, PoseConverterPipe
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, MULTI_ANIMAL_H5, SINGLE_ANIMAL_H5
from tests.fixtures.paths import SHARED_DATA, needs_shared_data
from tests.fixtures.sleap import SLEAP_REPO
from tests.fixtures.training import OPENFIELD_PROJECT

START = "2024-05-01T10:00:00+00:00"
#: The filtered copy of MULTI_ANIMAL_H5: predictions of the same project, whose labels both include.
FILTERED_H5 = MULTI_ANIMAL_DIR / "m3v1mp4shortDLC_effnet_b0_multi_mouseApr12shuffle1_5_el_filtered.h5"


def _training_frames(path) -> dict[str, int]:
    """Each PoseTraining of the file and its number of labeled frames."""
    with h5py.File(path, "r") as file:
        behavior = file["processing/behavior"]
        return {
            name: len(behavior[name]["training_frames"])
            for name in behavior
            if behavior[name].attrs.get("neurodata_type") == "PoseTraining"
        }


def _run(tmp_path, pose: list[dict]) -> dict[str, int]:
    spec = {"output_folder": str(tmp_path / "nwb"), "sessions": [{"session_id": "s1", "session_start_time": START}]}
    spec["sessions"][0]["pose"] = pose
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = poseconv_in_process("run", tmp_path / "spec.yaml", "--jobs", "1", "-q")
    assert result.returncode == 0, result.stderr
    return _training_frames(tmp_path / "nwb/s1.nwb")


def _convert(tmp_path, *args) -> dict[str, int]:
    out = tmp_path / "convert.nwb"
    result = poseconv_in_process("convert", *args, "-o", out, "--session-start-time", START, "-q")
    assert result.returncode == 0, result.stderr
    return _training_frames(out)


def test_a_labels_path_includes_the_training_data_asked_for_and_is_never_ignored(tmp_path):
    # --labeled-data implies --training; the interface and a spec given the path alone wrote no labels and said
    # nothing. They are told to ask for the training data (an explicit include_training_data=False stays so).
    from poseconv.errors import InvalidOptionError

    from_cli = _convert(tmp_path, SINGLE_ANIMAL_H5, "--labeled-data", OPENFIELD_PROJECT)
    assert from_cli == {"PoseTraining": 116}
    for include in (False, None):
        given = {} if include is None else {"include_training_data": include}
        with pytest.raises(InvalidOptionError, match=r"labeled_data_path=.* give include_training_data=True"):
            DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5, labeled_data_path=OPENFIELD_PROJECT, **given)
    interface = DeepLabCutPoseInterface(
        file_path=SINGLE_ANIMAL_H5, labeled_data_path=OPENFIELD_PROJECT, include_training_data=True
    )
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime.fromisoformat(START)
    interface.run_conversion(nwbfile_path=tmp_path / "interface.nwb", metadata=metadata)
    assert _training_frames(tmp_path / "interface.nwb") == from_cli
    source_data = {"labeled_data_path": str(OPENFIELD_PROJECT), "include_training_data": True}
    assert _run(tmp_path, [{"file_path": str(SINGLE_ANIMAL_H5), "source_data": source_data}]) == from_cli


def test_predictions_of_one_project_write_its_labels_once_from_every_entry_point(tmp_path):
    # A file and its filtered copy both include the project's labels: convert wrote them once, while a spec and
    # a converter wrote two PoseTraining with the same frames.
    from_cli = _convert(tmp_path, MULTI_ANIMAL_H5, FILTERED_H5, "--training")
    assert list(from_cli) == ["PoseTraining"]
    interfaces = [
        DeepLabCutPoseInterface(file_path=p, include_training_data=True) for p in (MULTI_ANIMAL_H5, FILTERED_H5)
    ]
    converter = PoseConverterPipe({"raw": interfaces[0], "filtered": interfaces[1]})
    assert interfaces[1].training_data is None
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime.fromisoformat(START)
    converter.run_conversion(nwbfile_path=tmp_path / "pipe.nwb", metadata=metadata)
    assert _training_frames(tmp_path / "pipe.nwb") == from_cli
    entries = [
        {"file_path": str(p), "source_data": {"include_training_data": True}} for p in (MULTI_ANIMAL_H5, FILTERED_H5)
    ]
    assert _run(tmp_path, entries) == from_cli


def _robot_labels(path):
    """Write a SLEAP labels file of one labeled frame of the 3-frame robot video; return the video's path."""
    import numpy as np
    import sleap_io as sio

    video_path = SLEAP_REPO / "tests/data/videos/small_robot_3_frame.mp4"
    video, skeleton = sio.Video(filename=str(video_path), open_backend=False), sio.Skeleton(["a", "b"])
    user = sio.Instance.from_numpy(np.array([[1.0, 2.0], [3.0, 4.0]]), skeleton=skeleton)
    sio.save_slp(sio.Labels([sio.LabeledFrame(video=video, frame_idx=1, instances=[user])]), path)
    return video_path


@needs_shared_data
@pytest.mark.parametrize(
    ("video_options", "written"),
    [
        (dict(video_name="MyCam"), "MyCam"),
        (dict(metadata_key="BehaviorCam"), "Video small_robot_3_frame"),
        (dict(metadata_key="BehaviorCam", video_name="MyCam"), "MyCam"),
    ],
)
@pytest.mark.parametrize("labels_first", [False, True])
def test_labels_link_the_video_interface_s_video_and_camera(tmp_path, video_options, written, labels_first):
    # The labels kept their own video entry: video_name= was overridden ('Video small_robot_3_frame' and its
    # camera written), a metadata_key of its own gave neuroconv's raw "keys ... use name" (with video_name= too,
    # the video was written twice).
    from neuroconv.datainterfaces import ExternalVideoInterface
    from pynwb import NWBHDF5IO

    from poseconv.interfaces import SLEAPTrainingDataInterface

    video_path = _robot_labels(tmp_path / "labels.slp")
    interfaces = dict(
        Video=ExternalVideoInterface(file_paths=[video_path], **video_options),
        Labels=SLEAPTrainingDataInterface(file_path=tmp_path / "labels.slp"),
    )
    order = ("Labels", "Video") if labels_first else ("Video", "Labels")
    converter = PoseConverterPipe(data_interfaces={name: interfaces[name] for name in order})
    metadata = {"NWBFile": {"session_start_time": datetime.fromisoformat(START)}}
    converter.run_conversion(nwbfile_path=tmp_path / "robot.nwb", metadata=metadata)
    with NWBHDF5IO(tmp_path / "robot.nwb", "r") as io:
        nwbfile = io.read()
        assert list(nwbfile.acquisition) == [written]
        assert list(nwbfile.devices) == [f"{written} Camera Device"]
        training = nwbfile.processing["behavior"]["PoseTraining"]
        assert list(training.source_videos.image_series) == [written]
        (frame,) = training.training_frames.training_frames.values()
        assert frame.source_video.name == written


@needs_shared_data
def test_poses_with_their_training_data_keep_the_video_interface_s_name(tmp_path):
    # include_training_data=True kept the input's entries as labels did: 'Video small_robot_3_frame' was written.
    import numpy as np
    import sleap_io as sio
    from neuroconv.datainterfaces import ExternalVideoInterface
    from pynwb import NWBHDF5IO

    from poseconv import SLEAPPoseInterface
    from tests.fixtures.sleap import predictions_per_frame

    video_path = SLEAP_REPO / "tests/data/videos/small_robot_3_frame.mp4"
    video, skeleton = sio.Video(filename=str(video_path), open_backend=False), sio.Skeleton(["a", "b"])
    points = np.array([[1.0, 2.0], [3.0, 4.0]])
    labels = predictions_per_frame(video, skeleton, range(3), points, point_scores=np.ones(2))
    labels.labeled_frames[1].instances.append(sio.Instance.from_numpy(points, skeleton=skeleton))
    sio.save_slp(labels, tmp_path / "both.slp")
    converter = PoseConverterPipe(
        data_interfaces=dict(
            Video=ExternalVideoInterface(file_paths=[video_path], video_name="MyCam"),
            Pose=SLEAPPoseInterface(file_path=tmp_path / "both.slp", include_training_data=True),
        )
    )
    metadata = {"NWBFile": {"session_start_time": datetime.fromisoformat(START)}}
    converter.run_conversion(nwbfile_path=tmp_path / "robot.nwb", metadata=metadata)
    with NWBHDF5IO(tmp_path / "robot.nwb", "r") as io:
        nwbfile = io.read()
        assert list(nwbfile.acquisition) == ["MyCam"] and list(nwbfile.devices) == ["MyCam Camera Device"]
        behavior = nwbfile.processing["behavior"]
        assert list(behavior["PoseTraining"].source_videos.image_series) == ["MyCam"]
        poses = [c for c in behavior.data_interfaces.values() if type(c).__name__ == "PoseEstimation"]
        assert poses and all(c.source_video.name == "MyCam" for c in poses)


def _skeleton_edges(path) -> list[list[int]]:
    with h5py.File(path, "r") as file:
        skeletons = file["processing/behavior/Skeletons"]
        return [skeletons[name]["edges"][()].tolist() for name in skeletons]


def test_predictions_outside_their_project_take_the_skeleton_of_the_labels_project(tmp_path):
    # Predictions copied out of their project, given the project with --labeled-data: its config.yaml's
    # skeleton (bodypart1-bodypart2, bodypart1-bodypart3) was left out of poses and labels without a word.
    project = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04"
    predictions = tmp_path / "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.csv"
    predictions.write_bytes((project / "videos" / predictions.name).read_bytes())
    labels_file = project / "labeled-data/reachingvideo1short/CollectedData_Alex.h5"
    for labels in (project, labels_file):
        interface = DeepLabCutPoseInterface(
            file_path=predictions, labeled_data_path=labels, include_training_data=True, sampling_frequency=30.0
        )
        assert interface.pose.skeletons["Skeleton"].edges == ((0, 1), (0, 2))
    out = tmp_path / "convert.nwb"
    args = ("--labeled-data", project, "--fps", "30", "-o", out, "--session-start-time", START, "-q")
    assert poseconv_in_process("convert", predictions, *args).returncode == 0
    assert _skeleton_edges(out) == [[[0, 1], [0, 2]]]
    source_data = {"labeled_data_path": str(project), "include_training_data": True, "sampling_frequency": 30.0}
    assert _run(tmp_path, [{"file_path": str(predictions), "source_data": source_data}]) == {"PoseTraining": 5}
    assert _skeleton_edges(tmp_path / "nwb/s1.nwb") == [[[0, 1], [0, 2]]]
    # find_side_files=False looks for no config.yaml.
    alone = DeepLabCutPoseInterface(
        file_path=predictions, labeled_data_path=project, include_training_data=True, find_side_files=False
    )
    assert alone.pose.skeletons["Skeleton"].edges == ()
