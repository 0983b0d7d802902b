"""Entries several pose inputs share by key: what ``get_metadata()`` shows of them, and what a user's edit does."""

from __future__ import annotations

import copy

import pytest

from poseconv.metadata.compose import compose_metadata
from poseconv.metadata.shared_keys import shared_entries
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLEAP_REPO, predictions_per_frame

BLOCKS = {"NWBFile", "Subject", "Devices", "Behavior", "Pose"}


def _input(nodes: list[str], description: str) -> dict:
    return {
        "NWBFile": {"session_description": description},
        "Pose": {"Skeletons": {"Skeleton": {"name": "Skeleton", "nodes": nodes, "edges": []}}},
    }


TOP = _input(["snout", "leftear", "rightear", "tailbase"], "top")
SIDE = _input(["paw1", "paw2", "snout", "tailbase"], "side")


def _edges(metadata: dict, defaults: dict | None = None):
    defaults = defaults or {"top": TOP, "side": SIDE}
    composed = compose_metadata(defaults, pose_inputs=list(defaults), metadata=metadata, known_blocks=BLOCKS)
    edges = {name: value["Pose"]["Skeletons"]["Skeleton"]["edges"] for name, value in composed.per_input.items()}
    return edges, [(problem.path, problem.message) for problem in composed.problems]


def _shown_nodes() -> list[str]:
    return shared_entries({"top": TOP, "side": SIDE}, ["top", "side"])[("Skeletons", "Skeleton")]["nodes"]


def test_edges_drawn_on_a_shared_skeleton_join_the_nodes_shown_in_each_input_that_has_both():
    # get_metadata() shows one 'Skeleton' with the nodes of both inputs; the edges a form draws index that list.
    # They were applied by index to each input's own nodes: snout-tailbase (0-3) became paw1-tailbase in the side
    # input, and two nodes of the side input (past the top input's 4 nodes) were refused as past the last node.
    shown = _shown_nodes()
    assert shown == ["snout", "leftear", "rightear", "tailbase", "paw1", "paw2"]
    edges, problems = _edges({"Pose": {"Skeletons": {"Skeleton": {"edges": [[0, 3], [4, 5], [1, 2]]}}}})
    assert problems == []
    # snout-tailbase in both (each by its own indices), paw1-paw2 in the side input, the ears in the top one.
    assert edges == {"top": [[0, 3], [1, 2]], "side": [[2, 3], [0, 1]]}


def test_an_edge_between_nodes_of_two_inputs_is_refused_at_the_field_naming_the_nodes():
    edges, problems = _edges({"Pose": {"Skeletons": {"Skeleton": {"edges": [[1, 4]]}}}})
    assert problems == [
        (
            ("Pose", "Skeletons", "Skeleton", "edges"),
            "edge 0 [1, 4] joins 'leftear' and 'paw1', but no input's skeleton under this key has both (each input "
            "keeps its own nodes: top: snout, leftear, rightear, tailbase; side: paw1, paw2, snout, tailbase); join "
            "two nodes of one input.",
        )
    ]
    # An edge past the last node shown is said with the nodes shown (6), not one input's (4).
    _, problems = _edges({"Pose": {"Skeletons": {"Skeleton": {"edges": [[0, 6]]}}}})
    assert [message.split(":")[0] for _, message in problems] == ["edge 0 [0, 6] is past the last node"]
    assert "the skeleton has 6 node(s)" in problems[0][1]


def test_a_shared_skeleton_handed_back_unedited_leaves_each_input_its_own_edges():
    top = copy.deepcopy(TOP)
    top["Pose"]["Skeletons"]["Skeleton"]["edges"] = [[0, 1]]
    side = copy.deepcopy(SIDE)
    side["Pose"]["Skeletons"]["Skeleton"]["edges"] = [[2, 3]]
    shown = shared_entries({"top": top, "side": side}, ["top", "side"])[("Skeletons", "Skeleton")]
    edges, problems = _edges({"Pose": {"Skeletons": {"Skeleton": copy.deepcopy(shown)}}}, {"top": top, "side": side})
    assert problems == []
    assert edges == {"top": [[0, 1]], "side": [[2, 3]]}


def test_one_input_and_inputs_of_the_same_skeleton_take_the_edges_as_given():
    edges, problems = _edges({"Pose": {"Skeletons": {"Skeleton": {"edges": [[3, 0]]}}}}, {"top": TOP})
    assert (edges, problems) == ({"top": [[3, 0]]}, [])
    same = {"top": TOP, "again": _input(list(TOP["Pose"]["Skeletons"]["Skeleton"]["nodes"]), "again")}
    edges, problems = _edges({"Pose": {"Skeletons": {"Skeleton": {"edges": [[3, 0], [1, 2]]}}}}, same)
    assert (edges, problems) == ({"top": [[3, 0], [1, 2]], "again": [[3, 0], [1, 2]]}, [])


@needs_shared_data
def test_get_metadata_of_a_video_poses_and_labels_handed_back_converts(tmp_path):
    # The inputs' one camera key, shown once by get_metadata(): handed back unedited it was emptied to {} and
    # imposed on the pose input that links the video interface's camera ("['name']: required, but missing").
    from datetime import UTC, datetime

    import numpy as np
    import sleap_io as sio
    from neuroconv.datainterfaces import ExternalVideoInterface
    from pynwb import NWBHDF5IO

    from poseconv import SLEAPPoseInterface
    from poseconv.interfaces import PoseConverterPipe, SLEAPTrainingDataInterface

    video_path = SLEAP_REPO / "tests/data/videos/small_robot_3_frame.mp4"
    video, skeleton = sio.Video(filename=str(video_path), open_backend=False), sio.Skeleton(["a", "b"])
    points = np.array([[1.0, 2.0], [3.0, 4.0]])
    sio.save_slp(predictions_per_frame(video, skeleton, range(3), points, point_scores=np.ones(2)), tmp_path / "p.slp")
    user = sio.Instance.from_numpy(points, skeleton=skeleton)
    sio.save_slp(sio.Labels([sio.LabeledFrame(video=video, frame_idx=1, instances=[user])]), tmp_path / "l.slp")
    converter = PoseConverterPipe(
        data_interfaces=dict(
            Video=ExternalVideoInterface(file_paths=[video_path], video_name="MyCam"),
            Pose=SLEAPPoseInterface(file_path=tmp_path / "p.slp"),
            Labels=SLEAPTrainingDataInterface(file_path=tmp_path / "l.slp"),
        )
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "robot.nwb", metadata=metadata)
    with NWBHDF5IO(tmp_path / "robot.nwb", "r") as io:
        assert len(io.read().acquisition) == 1  # the one video, linked by poses and labels


def _labels_defaults() -> dict:
    """A training input's defaults for the video 'clip': its video and camera under poseconv's keys."""
    return {
        "Devices": {"video_clip_camera": {"name": "Video clip Camera Device"}},
        "Behavior": {
            "ExternalVideos": {"video_clip": {"name": "Video clip", "device_metadata_key": "video_clip_camera"}}
        },
        "Pose": {"PoseTraining": {"name": "PoseTraining"}},
    }


def test_a_training_input_leaves_its_video_and_camera_to_the_video_interface_s_own_key():
    # ExternalVideoInterface(metadata_key="BehaviorCam") declares the video 'Video clip' and its camera under keys
    # of its own: the labels kept theirs, and neuroconv refused two keys of the camera 'Video clip Camera Device'
    # (with video_name= too, the file held the video twice).
    from poseconv.metadata.shared_keys import defer_to_other_videos

    own = {"Labels": _labels_defaults()}
    video = {
        "Devices": {"BehaviorCam_camera": {"name": "Video clip Camera Device"}},
        "Behavior": {
            "ExternalVideos": {"BehaviorCam": {"name": "Video clip", "device_metadata_key": "BehaviorCam_camera"}}
        },
    }
    defer_to_other_videos(own, [video])
    assert own["Labels"]["Behavior"]["ExternalVideos"] == {}
    assert own["Labels"]["Devices"] == {}


def test_a_training_input_leaves_its_video_to_the_name_the_video_interface_gives_it():
    # The same key (video_clip) under video_name="MyCam": the labels' 'Video clip' overrode the name in the file.
    from poseconv.metadata.shared_keys import defer_to_other_videos

    own = {"Labels": _labels_defaults()}
    video = {
        "Devices": {"video_clip_camera": {"name": "MyCam Camera Device"}},
        "Behavior": {"ExternalVideos": {"video_clip": {"name": "MyCam", "device_metadata_key": "video_clip_camera"}}},
    }
    defer_to_other_videos(own, [video])
    assert own["Labels"]["Behavior"]["ExternalVideos"] == {}
    assert own["Labels"]["Devices"] == {}


def _with_edges(nodes: list[str], edges: list[list[int]], description: str) -> dict:
    entry = _input(nodes, description)
    entry["Pose"]["Skeletons"]["Skeleton"]["edges"] = edges
    return entry


# Each input's own edges: top joins the snout to both ears, side the paws and the snout to the tail base.
TOP_EDGES = _with_edges(["snout", "leftear", "rightear", "tailbase"], [[0, 1], [0, 2]], "top")
SIDE_EDGES = _with_edges(["paw1", "paw2", "snout", "tailbase"], [[0, 1], [2, 3]], "side")


def _named(nodes: list[str], edges: list[list[int]]) -> set[tuple[str, str]]:
    return {(nodes[a], nodes[b]) for a, b in edges}


def test_a_shared_skeleton_shows_every_input_s_edges_on_the_nodes_shown():
    # neuroconv's merge appends each input's edges as indices into its own nodes: side's [2, 3] (snout-tailbase)
    # was shown as rightear-tailbase.
    shown = shared_entries({"top": TOP_EDGES, "side": SIDE_EDGES}, ["top", "side"])[("Skeletons", "Skeleton")]
    assert _named(shown["nodes"], shown["edges"]) == {
        ("snout", "leftear"),
        ("snout", "rightear"),
        ("paw1", "paw2"),
        ("snout", "tailbase"),
    }


def test_an_edge_added_to_the_shown_edges_is_the_only_change_each_input_takes():
    defaults = {"top": TOP_EDGES, "side": SIDE_EDGES}
    shown = shared_entries(defaults, ["top", "side"])[("Skeletons", "Skeleton")]
    nodes = shown["nodes"]
    added = [nodes.index("leftear"), nodes.index("tailbase")]
    edges, problems = _edges({"Pose": {"Skeletons": {"Skeleton": {"edges": [*shown["edges"], added]}}}}, defaults)
    assert problems == []
    # Top keeps its own edges and gains the one drawn (not side's snout-tailbase, which it has the nodes of).
    assert _named(TOP_EDGES["Pose"]["Skeletons"]["Skeleton"]["nodes"], edges["top"]) == {
        ("snout", "leftear"),
        ("snout", "rightear"),
        ("leftear", "tailbase"),
    }
    assert edges["side"] == [[0, 1], [2, 3]]
    # An edge of an input removed from the list is removed from it.
    kept = [edge for edge in shown["edges"] if _named(nodes, [edge]) != {("paw1", "paw2")}]
    edges, _ = _edges({"Pose": {"Skeletons": {"Skeleton": {"edges": kept}}}}, defaults)
    assert edges["side"] == [[2, 3]] and edges["top"] == [[0, 1], [0, 2]]


def test_get_metadata_shows_the_shared_skeleton_s_edges_on_its_nodes_and_an_added_edge_is_written(tmp_path):
    from datetime import UTC, datetime

    import h5py
    import numpy as np
    import yaml

    from poseconv import DeepLabCutPoseInterface
    from poseconv.interfaces import PoseConverterPipe
    from tests.fixtures.deeplabcut import write_dlc_file

    interfaces = {}
    for name, entry in (("top", TOP_EDGES), ("side", SIDE_EDGES)):
        nodes = entry["Pose"]["Skeletons"]["Skeleton"]["nodes"]
        edges = [[nodes[a], nodes[b]] for a, b in entry["Pose"]["Skeletons"]["Skeleton"]["edges"]]
        (tmp_path / name / "videos").mkdir(parents=True)
        config = {"Task": name, "scorer": "me", "bodyparts": nodes, "skeleton": edges, "video_sets": {}}
        (tmp_path / name / "config.yaml").write_text(yaml.safe_dump(config))
        scorer = f"DLC_resnet50_{name}Jan1shuffle1_100"
        positions = {node: np.ones((5, 2)) for node in nodes}
        path = write_dlc_file(tmp_path / name / "videos" / f"{name}{scorer}.h5", positions, scorer=scorer)
        interfaces[name] = DeepLabCutPoseInterface(file_path=path, sampling_frequency=30.0)
    converter = PoseConverterPipe(interfaces)
    metadata = converter.get_metadata()
    shown = metadata["Pose"]["Skeletons"]["Skeleton"]
    assert _named(shown["nodes"], shown["edges"]) == {
        ("snout", "leftear"),
        ("snout", "rightear"),
        ("paw1", "paw2"),
        ("snout", "tailbase"),
    }
    shown["edges"].append([shown["nodes"].index("leftear"), shown["nodes"].index("tailbase")])
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "two.nwb", metadata=metadata)
    written = {}
    with h5py.File(tmp_path / "two.nwb", "r") as nwb:
        for skeleton in nwb["processing/behavior/Skeletons"].values():
            nodes = [node.decode() for node in skeleton["nodes"][()]]
            written[nodes[0]] = _named(nodes, skeleton["edges"][()].tolist())
    assert written == {
        "snout": {("snout", "leftear"), ("snout", "rightear"), ("leftear", "tailbase")},
        "paw1": {("paw1", "paw2"), ("snout", "tailbase")},
    }


def test_a_pose_input_takes_the_name_and_camera_of_an_internal_video_of_its_video():
    # neuroconv's InternalVideoInterface declares its video under InternalVideos: only ExternalVideos were looked
    # at, so the poses wrote the video again beside it (video_name=) or neuroconv refused two keys of one camera
    # name (metadata_key=).
    from poseconv.metadata.shared_keys import defer_to_other_videos

    def pose() -> dict:
        return {
            "Devices": {"video_clip_camera": {"name": "Video clip Camera Device"}},
            "Behavior": {
                "ExternalVideos": {"video_clip": {"name": "Video clip", "device_metadata_key": "video_clip_camera"}}
            },
            "Pose": {
                "PoseEstimations": {
                    "PoseEstimation": {
                        "source_video_metadata_key": "video_clip",
                        "device_metadata_key": "video_clip_camera",
                    }
                }
            },
        }

    def internal(key: str, name: str) -> dict:
        return {
            "Devices": {f"{key}_camera": {"name": f"{name} Camera Device"}},
            "Behavior": {"InternalVideos": {key: {"name": name, "device_metadata_key": f"{key}_camera"}}},
        }

    for key, name in [("video_clip", "BehaviorCam"), ("behavior_cam", "Video clip")]:
        own = {"Pose": pose()}
        defer_to_other_videos(own, [internal(key, name)])
        # The input's entry stays (the writers look videos up there) under the internal video's name, which the
        # writer links, and key, so that a name the user gives the internal entry reaches it; its camera is the
        # video interface's, under that interface's key.
        assert own["Pose"]["Behavior"]["ExternalVideos"] == {
            key: {"name": name, "device_metadata_key": f"{key}_camera"}
        }
        assert own["Pose"]["Devices"] == {}
        container = own["Pose"]["Pose"]["PoseEstimations"]["PoseEstimation"]
        assert container == {"source_video_metadata_key": key, "device_metadata_key": f"{key}_camera"}


@needs_shared_data
@pytest.mark.parametrize(
    ("options", "renamed"),
    [
        (dict(video_name="BehaviorCam"), None),
        (dict(metadata_key="behavior_cam"), None),
        ({}, "BehaviorCam"),
        # Neither key nor name of the pose input's entry: the same file.
        (dict(metadata_key="behavior_cam", video_name="BehaviorCam"), None),
    ],
    ids=["video_name", "metadata_key", "renamed-in-metadata", "both"],
)
def test_poses_link_the_internal_video_of_their_video_written_once_with_one_camera(tmp_path, options, renamed):
    # Before, the file held the internal video and an external one of the same file, which the poses linked
    # (video_name=, or the internal entry renamed in the metadata); with metadata_key= neuroconv refused two keys
    # of one camera name.
    from datetime import UTC, datetime

    from neuroconv.datainterfaces import InternalVideoInterface
    from pynwb import NWBHDF5IO

    from poseconv import DeepLabCutPoseInterface
    from poseconv.interfaces import PoseConverterPipe
    from tests.fixtures.deeplabcut import OLD_PICKLE_H5

    video_path = OLD_PICKLE_H5.parent / "reachingvideo1short.avi"
    video = InternalVideoInterface(file_path=video_path, **options)
    converter = PoseConverterPipe(
        data_interfaces=dict(Video=video, Pose=DeepLabCutPoseInterface(file_path=OLD_PICKLE_H5))
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    if renamed:
        metadata["Behavior"]["InternalVideos"][video.metadata_key]["name"] = renamed
    path = tmp_path / "session.nwb"
    converter.run_conversion(nwbfile_path=path, metadata=metadata, conversion_options=dict(Video=dict(stub_test=True)))
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        (series,) = nwbfile.acquisition.values()
        assert series.name == options.get("video_name", renamed or "Video reachingvideo1short")
        assert series.external_file is None and series.data.shape[0] > 0  # the internal video, with frames
        assert nwbfile.processing["behavior"]["PoseEstimation"].source_video is series
        assert list(nwbfile.devices) == [series.device.name]


def test_a_video_sharing_a_camera_with_an_internal_video_keeps_its_name():
    # One camera recorded two videos: the user gave video_brief the internal video's camera, and its entry took the
    # internal video's name, so brief's poses linked the other recording.
    from poseconv.metadata.shared_keys import borrow_referenced

    merged = {
        "Behavior": {
            "ExternalVideos": {
                "video_brief": {"name": "Video brief", "device_metadata_key": "video_clip_camera"},
                "video_clip": {"name": "Video clip", "device_metadata_key": "video_clip_camera"},
            }
        }
    }
    internal = {"video_clip": {"name": "BehaviorCam", "device_metadata_key": "video_clip_camera"}}
    borrow_referenced(merged, {"Behavior": {"InternalVideos": internal}})
    videos = merged["Behavior"]["ExternalVideos"]
    # The entry under the internal video's key follows its name; the other video keeps its own.
    assert {key: entry["name"] for key, entry in videos.items()} == {
        "video_brief": "Video brief",
        "video_clip": "BehaviorCam",
    }


def test_an_internal_video_of_a_later_camera_of_a_session_names_that_camera_s_video(tmp_path):
    # A multi-camera input's pose is its 3D poses or its first view: an InternalVideoInterface (metadata_key= and
    # video_name=) of another camera's file was not matched, and that video was written again as an external one.
    from types import SimpleNamespace

    from poseconv.metadata.shared_keys import name_internal_videos_by_file

    def view(video: str, path=None) -> SimpleNamespace:
        return SimpleNamespace(videos={video: SimpleNamespace(path=path)}, tracks=[SimpleNamespace(video=video)])

    files = {camera: tmp_path / f"s_{camera}.mp4" for camera in ("back", "side")}
    session = SimpleNamespace(views={"back": view("s_back"), "side": view("s_side")})
    pose = SimpleNamespace(
        source_data={"file_path": tmp_path / "s.slp", "video_file_paths": files},
        session=session,
        pose=session.views["back"],
    )
    videos = {key: {"name": f"Video {key}"} for key in ("s_back", "s_side")}
    defaults = {
        "Video": {"Behavior": {"InternalVideos": {"cam_x": {"name": "CamX"}}}},
        "Pose": {"Behavior": {"ExternalVideos": {f"video_{key}": dict(entry) for key, entry in videos.items()}}},
    }
    interfaces = {"Video": SimpleNamespace(source_data={"file_path": files["side"]}), "Pose": pose}
    name_internal_videos_by_file(defaults, interfaces)
    names = {key: entry["name"] for key, entry in defaults["Pose"]["Behavior"]["ExternalVideos"].items()}
    assert names == {"video_s_back": "Video s_back", "video_s_side": "CamX"}


def test_get_metadata_shows_the_video_and_camera_keys_the_composition_links():
    # Two pose inputs (predictions and training data) beside ExternalVideoInterface(metadata_key="behcam"):
    # neuroconv showed the containers' own video_clip / video_clip_camera, which the composition had left to the
    # video interface's entries, and the metadata handed back unedited was refused as naming keys it lacks.
    from poseconv.metadata.shared_keys import show_linked_references

    shown = {
        "Pose": {
            "PoseEstimations": {
                "PoseEstimation": {
                    "source_video_metadata_key": "video_clip",
                    "device_metadata_key": "video_clip_camera",
                }
            }
        }
    }
    linked = {"source_video_metadata_key": "behcam", "device_metadata_key": "behcam_camera"}
    per_input = {"Pred": {"Pose": {"PoseEstimations": {"PoseEstimation": dict(linked)}}}, "Lab": {"Pose": {}}}
    show_linked_references(shown, per_input)
    assert shown["Pose"]["PoseEstimations"]["PoseEstimation"] == linked
    # Inputs sharing a container key that link it differently: what is shown stays.
    per_input["Other"] = {"Pose": {"PoseEstimations": {"PoseEstimation": {"source_video_metadata_key": "cam2"}}}}
    shown["Pose"]["PoseEstimations"]["PoseEstimation"]["source_video_metadata_key"] = "video_clip"
    show_linked_references(shown, per_input)
    assert shown["Pose"]["PoseEstimations"]["PoseEstimation"]["source_video_metadata_key"] == "video_clip"


def test_training_frames_deferring_to_an_internal_video_keep_its_entry_and_follow_its_name():
    # InternalVideoInterface(metadata_key="behcam"): the training frames name no key (their writer looks the video up
    # under video_<stem>), and a name the user gave the internal entry did not reach them: the video was written
    # again as an external one under its default name.
    from poseconv.metadata.shared_keys import borrow_referenced, defer_to_other_videos

    own = {"Labels": _labels_defaults()}
    internal = {"behcam": {"name": "Video clip", "device_metadata_key": "behcam_camera"}}
    video = {
        "Devices": {"behcam_camera": {"name": "Video clip Camera Device"}},
        "Behavior": {"InternalVideos": internal},
    }
    defer_to_other_videos(own, [video])
    videos = own["Labels"]["Behavior"]["ExternalVideos"]
    assert videos == {
        key: {"name": "Video clip", "device_metadata_key": "behcam_camera"} for key in ("behcam", "video_clip")
    }
    assert own["Labels"]["Devices"] == {}
    renamed = {"behcam": {**internal["behcam"], "name": "BehaviorCam"}}
    borrow_referenced(own["Labels"], {"Behavior": {"InternalVideos": renamed}})
    assert {key: entry["name"] for key, entry in videos.items()} == {
        "behcam": "BehaviorCam",
        "video_clip": "BehaviorCam",
    }
