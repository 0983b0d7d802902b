"""Default metadata entries shared by single-camera, multi-camera and training metadata."""

from __future__ import annotations

from poseconv.metadata.defaults import (
    camera_and_video_entries,
    camera_device_entry,
    external_video_entry,
    pose_series_entries,
    producer_fields,
    skeleton_entry,
    to_plain,
    with_types_of,
)
from poseconv.model import Skeleton
from tests.fixtures.paths import SHARED_DATA, needs_shared_data


def test_series_entries_avoid_the_skeleton_s_name_and_keep_node_keys():
    entries = pose_series_entries(
        ("nose", "Skeleton"),
        "mouse",
        unit="pixels",
        reference_frame="top-left",
        skeleton_name="Skeleton",
        confidence_definition="likelihood",
        what="2D position",
    )
    assert list(entries) == ["nose", "Skeleton"]
    assert entries["nose"] == {
        "name": "nose",
        "description": "2D position of 'nose' of 'mouse'.",
        "unit": "pixels",
        "reference_frame": "top-left",
        "confidence_definition": "likelihood",
    }
    assert entries["Skeleton"]["name"] != "Skeleton"


def test_series_entries_without_confidence_have_no_definition():
    entries = pose_series_entries(("nose",), "m", unit="pixels", reference_frame="r", skeleton_name="S")
    assert "confidence_definition" not in entries["nose"]
    assert entries["nose"]["description"] == "Position of 'nose' of 'm'."


def test_video_and_camera_entries_link_by_key():
    assert camera_device_entry("cam1")["description"] == "Camera that recorded the behavior video 'cam1'."
    assert external_video_entry("cam1", "d")["device_metadata_key"] == "video_cam1_camera"
    assert "device_metadata_key" not in external_video_entry("cam1", "d", with_camera=False)
    assert producer_fields(None, "Jane") == {"scorer": "Jane"}


def test_every_video_gets_a_camera_and_those_known_here_an_external_video():
    devices, videos = camera_and_video_entries(["a", "b"], {"b"}, "Video '{video}'.")
    assert devices == {"video_a_camera": camera_device_entry("a"), "video_b_camera": camera_device_entry("b")}
    assert videos == {"video_b": external_video_entry("b", "Video 'b'.")}
    devices, videos = camera_and_video_entries(["a", "b"], {"b"}, "Video '{video}'.", known_only=True)
    assert list(devices) == ["video_b_camera"] and list(videos) == ["video_b"]
    assert camera_and_video_entries(["a"], None, "Video '{video}'.")[1] == {}


def test_a_skeleton_entry_lists_nodes_and_edges_as_lists():
    entry = skeleton_entry("Mouse", Skeleton(name="mouse", nodes=("nose", "tail"), edges=((0, 1),)))
    assert entry == {"name": "Mouse", "nodes": ["nose", "tail"], "edges": [[0, 1]]}


def test_a_sleap_container_description_ends_with_what_the_file_says_not_a_reader_option():
    # The SLEAP reader notes its untracked policy ("error"); in the last release every description carried it.
    from poseconv.metadata.defaults import default_pose_metadata
    from poseconv.readers.sleap import read_sleap
    from tests.fixtures.paths import REPO_ROOT

    pose = read_sleap(REPO_ROOT / "examples/data/sleap-demo/flies.slp")
    assert pose.notes["untracked"] == "error"
    for entry in default_pose_metadata(pose)["Pose"]["PoseEstimations"].values():
        assert " error" not in entry["description"], entry["description"]


@needs_shared_data
def test_poses_a_user_placed_on_a_video_of_a_predicted_project_are_not_credited_to_the_models(tmp_path):
    # A SLEAP project predicted on one video and labeled by hand on another: the hand-labeled video's
    # container was given the models as scorer and "estimated with SLEAP (scorer centroid, ci)".
    import numpy as np
    import sleap_io as sio

    from poseconv.metadata.defaults import default_pose_metadata
    from poseconv.nwb.read.pose_names import names_from_description
    from poseconv.readers.sleap import read_sleap

    skeleton, track = sio.Skeleton(nodes=["a", "b"], name="s"), sio.Track("m")
    predicted = sio.Video.from_filename(str(SHARED_DATA / "sleap/tests/data/tracks/clip.mp4"))
    by_hand = sio.Video.from_filename(str(SHARED_DATA / "sleap/tests/data/videos/small_robot_3_frame.mp4"))
    points = np.array([[1.0, 2.0], [3.0, 4.0]])
    frames = [
        sio.LabeledFrame(
            video=predicted,
            frame_idx=i,
            instances=[
                sio.PredictedInstance.from_numpy(
                    points, point_scores=np.ones(2), score=1.0, skeleton=skeleton, track=track
                )
            ],
        )
        for i in range(3)
    ] + [
        sio.LabeledFrame(
            video=by_hand, frame_idx=i, instances=[sio.Instance.from_numpy(points, skeleton=skeleton, track=track)]
        )
        for i in range(3)
    ]
    labels = sio.Labels(labeled_frames=frames, videos=[predicted, by_hand], skeletons=[skeleton], tracks=[track])
    labels.provenance = {
        "model_paths": ["models/centroid/training_config.json", "models/ci/training_config.json"],
        "sleap_version": "1.4.1",
        "predictor": "TopDownPredictor",
    }
    labels.save(str(tmp_path / "p.slp"))

    entries = default_pose_metadata(read_sleap(tmp_path / "p.slp"))["Pose"]["PoseEstimations"]
    [model_made] = [e for e in entries.values() if "clip" in e["name"]]
    [hand_made] = [e for e in entries.values() if "small_robot" in e["name"]]
    assert model_made["scorer"] and "estimated with SLEAP (scorer " in model_made["description"]
    assert "scorer" not in hand_made and hand_made["description"].startswith("Poses of 'm' placed by hand in SLEAP on")
    # The predictor the file records made the predictions only.
    assert "Predicted by SLEAP 1.4.1 (TopDownPredictor)" in model_made["description"]
    assert "Predicted by" not in hand_made["description"], hand_made["description"]
    # Read back, the description still names the animal and the video.
    assert names_from_description(hand_made["description"]) == ("m", "small_robot_3_frame")


def test_a_track_under_two_skeletons_is_described_by_its_own_name_and_the_skeleton(tmp_path):
    # SLEAP track 'b' of skeletons 'mouse' and 'one' is two containers (b_mouse, b_one); their descriptions and every
    # series' called the animal 'b_one', a track the file does not have.
    import numpy as np
    import pytest

    sio = pytest.importorskip("sleap_io")
    from poseconv.metadata.defaults import default_pose_metadata
    from poseconv.nwb.read.pose_names import names_from_description
    from poseconv.readers.sleap import read_sleap

    mouse, one = sio.Skeleton(nodes=["h", "t"], edges=[("h", "t")], name="mouse"), sio.Skeleton(nodes=["c"], name="one")
    video, b = sio.Video(filename="/nonexistent/x.mp4", open_backend=False), sio.Track("b")
    instances = [
        sio.PredictedInstance.from_numpy(
            np.ones((len(s.nodes), 2)), point_scores=np.ones(len(s.nodes)), score=0.5, skeleton=s, track=b
        )
        for s in (mouse, one)
    ]
    frames = [sio.LabeledFrame(video=video, frame_idx=0, instances=instances)]
    sio.save_slp(
        sio.Labels(labeled_frames=frames, videos=[video], skeletons=[mouse, one], tracks=[b]), str(tmp_path / "in.slp")
    )
    entries = default_pose_metadata(read_sleap(tmp_path / "in.slp"))["Pose"]["PoseEstimations"]
    entry = entries["PoseEstimation_b_one"]
    assert entry["description"].startswith("Poses of 'b' (skeleton 'one') estimated with SLEAP on video 'x', read ")
    assert entry["PoseEstimationSeries"]["c"]["description"] == "Position of 'c' of 'b' (skeleton 'one')."
    assert entries["PoseEstimation_b_mouse"]["description"].startswith("Poses of 'b' (skeleton 'mouse') estimated ")
    assert names_from_description(entry["description"], "SLEAP") == ("b", "x")


def test_values_in_json_types_get_back_the_types_they_were_given_in():
    # The composed metadata is in JSON types; get_metadata hands back what the interfaces gave (neuroconv's types).
    import datetime as dt

    import numpy as np
    from neuroconv.utils import DeepDict

    start = dt.datetime(2024, 1, 1, 10)
    typed = DeepDict({"NWBFile": {"session_start_time": start, "keywords": ("a",)}, "Ecephys": {"x": np.arange(2)}})
    plain = to_plain(typed)
    plain["NWBFile"]["keywords"] = ["b"]  # composed otherwise: stays as composed
    plain["Pose"] = {"Skeletons": {}}  # only composed: stays, and the DeepDict gains no key
    back = with_types_of(plain, typed)
    assert back["NWBFile"] == {"session_start_time": start, "keywords": ["b"]}
    assert isinstance(back["Ecephys"]["x"], np.ndarray) and back["Pose"] == {"Skeletons": {}}
    assert "Pose" not in typed and back["Ecephys"]["x"] is not typed["Ecephys"]["x"]
