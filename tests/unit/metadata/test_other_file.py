"""Metadata ``poseconv metadata`` printed for one pose file, given for another, is said to be that file's."""

from __future__ import annotations

import copy
import warnings

from poseconv.errors import PoseconvWarning
from poseconv.metadata.compose import compose_metadata
from poseconv.metadata.other_file import described_names

BLOCKS = {"NWBFile", "Subject", "Devices", "Behavior", "Pose"}


def _defaults(video: str, edges: list[list[int]]) -> dict:
    """Return an input's defaults in poseconv's words, for the pose file of ``video``."""
    camera = f"video_{video}_camera"
    return {
        "NWBFile": {"session_description": "poses"},
        "Devices": {
            camera: {
                "name": f"Video {video} Camera Device",
                "description": f"Camera that recorded the behavior video '{video}'.",
            }
        },
        "Behavior": {
            "ExternalVideos": {
                f"video_{video}": {
                    "name": f"Video {video}",
                    "description": f"Behavior video '{video}' on which the poses were estimated.",
                    "unit": "Frames",
                    "device_metadata_key": camera,
                }
            }
        },
        "Pose": {
            "Skeletons": {"Skeleton": {"name": "Skeleton", "nodes": ["a", "b", "c"], "edges": edges}},
            "PoseEstimations": {
                "PoseEstimation": {
                    "name": "PoseEstimation",
                    "description": f"Poses of 'individual' estimated with DeepLabCut (scorer DLC_1) on video "
                    f"'{video}', read from {video}DLC_1.h5. Model: DeepLabCut (shuffle 1).",
                    "skeleton_metadata_key": "Skeleton",
                    "device_metadata_key": camera,
                    "source_video_metadata_key": f"video_{video}",
                }
            },
        },
    }


def _warned(defaults: dict, metadata: dict, input_metadata: dict | None = None) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        composed = compose_metadata(
            defaults,
            pose_inputs=[name for name in defaults if name != "video"],
            metadata=metadata,
            input_metadata=input_metadata,
            known_blocks=BLOCKS,
        )
    assert composed.problems == []
    return [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]


def _template(video: str, edges: list[list[int]]) -> dict:
    """Return what ``poseconv metadata`` prints for the pose file of ``video``, with the user's NWBFile and Subject."""
    template = copy.deepcopy(_defaults(video, edges))
    template["NWBFile"] = {"session_description": "Reaching", "lab": "Pose Lab"}
    template["Subject"] = {"subject_id": "m1", "species": "Mus musculus"}
    return template


def test_the_template_of_another_file_is_said_with_each_field_that_labels_this_file_as_that_one():
    said = _warned({"reach": _defaults("reach", [[0, 1], [0, 2]])}, _template("vid1", []))
    other, edges = said
    assert other.startswith(
        "reachDLC_1.h5: the metadata given was made for another pose file (vid1DLC_1.h5, video 'vid1'), as "
        "`poseconv metadata` printed it, and labels this file's poses, video and camera as that one's: "
        "metadata['Pose']['PoseEstimations']['PoseEstimation']['description'] names vid1DLC_1.h5 and video 'vid1'; "
        "metadata['Pose']['PoseEstimations']['PoseEstimation']['source_video_metadata_key'] is 'video_vid1', not "
        "this file's 'video_reach'; metadata['Pose']['PoseEstimations']['PoseEstimation']['device_metadata_key'] is "
        "'video_vid1_camera', not this file's 'video_reach_camera'. Leave these fields out"
    )
    assert edges == (
        "reachDLC_1.h5: metadata['Pose']['Skeletons']['Skeleton']['edges'] is [], but this file's skeleton has 2 "
        "edge(s) (a-b, a-c): it is written without them. Leave edges out to write the file's own (`poseconv "
        "metadata` prints [] for a file whose skeleton has none, which metadata for several sessions should not give)."
    )


def test_a_template_reused_with_its_descriptions_edited_is_still_said_by_its_video_and_camera_keys():
    template = _template("vid1", [[0, 1]])
    template["Pose"]["PoseEstimations"]["PoseEstimation"]["description"] = "Reaching poses."
    template["Behavior"]["ExternalVideos"]["video_vid1"]["description"] = "The reaching video."
    said = _warned({"reach": _defaults("reach", [[0, 1]])}, template)
    assert len(said) == 1
    assert "(video 'vid1')" in said[0]
    assert "['source_video_metadata_key'] is 'video_vid1', not this file's 'video_reach'" in said[0]
    assert "['description']" not in said[0]


def test_a_file_s_own_template_and_the_fields_every_session_shares_are_not_said():
    reach = {"reach": _defaults("reach", [[0, 1]])}
    assert _warned(reach, _template("reach", [[0, 1]])) == []
    shared = {
        "NWBFile": {"session_description": "Reaching", "lab": "Pose Lab"},
        "Pose": {
            "PoseEstimations": {"PoseEstimation": {"description": "Poses of the reaching mouse, one per session."}},
            "Skeletons": {"Skeleton": {"edges": [[1, 2]]}},
        },
    }
    assert _warned(reach, shared) == []


def test_edges_left_empty_for_a_file_whose_skeleton_has_none_are_not_said():
    assert _warned({"vid1": _defaults("vid1", [])}, _template("vid1", [])) == []


def test_poses_linked_on_purpose_to_another_interface_s_video_are_not_said():
    reach = _defaults("reach", [[0, 1]])
    # neuroconv's ExternalVideoInterface of a video named otherwise, in its words.
    video = {
        "Devices": {
            "video_reach_compressed_camera": {"name": "cam", "description": "Video camera used for recording."}
        },
        "Behavior": {
            "ExternalVideos": {
                "video_reach_compressed": {
                    "name": "Video reach_compressed",
                    "description": "Video recorded by camera.",
                    "device_metadata_key": "video_reach_compressed_camera",
                }
            }
        },
    }
    links = {
        "source_video_metadata_key": "video_reach_compressed",
        "device_metadata_key": "video_reach_compressed_camera",
    }
    metadata = {"Pose": {"PoseEstimations": {"PoseEstimation": links}}}
    assert _warned({"reach": reach, "video": video}, metadata) == []
    # The same entries given in the metadata (neuroconv's own NWBConverter hands every interface's to each).
    assert _warned({"reach": reach}, {**video, **metadata}) == []


def test_one_input_s_template_for_two_inputs_is_said_for_the_other_but_their_metadata_handed_back_is_not():
    defaults = {"top": _defaults("top", [[0, 1]]), "side": _defaults("side", [[0, 1]])}
    said = _warned(defaults, _template("top", [[0, 1]]))
    assert len(said) == 1
    assert said[0].startswith("sideDLC_1.h5: the metadata given was made for another pose file (topDLC_1.h5, ")
    # get_metadata() of the two shows one PoseEstimation entry: the last input's description, video and camera.
    handed_back = _template("top", [[0, 1]])
    handed_back["Pose"]["PoseEstimations"] = copy.deepcopy(defaults["side"]["Pose"]["PoseEstimations"])
    handed_back["Devices"].update(defaults["side"]["Devices"])
    handed_back["Behavior"]["ExternalVideos"].update(defaults["side"]["Behavior"]["ExternalVideos"])
    assert _warned(defaults, handed_back) == []


def test_the_names_are_read_from_poseconv_s_own_words_only():
    assert described_names("Poses of 'm1' estimated with SLEAP on video 'top', read from s.slp; the 2D view.") == {
        ("video", "top"),
        ("file", "s.slp"),
    }
    assert described_names("Camera that recorded the behavior video 'top', in the folder 'a/b'.") == {("video", "top")}
    assert described_names("Camera 'top' of the rig in s.slp; it holds no 2D poses of 'm1' seen by this camera.") == {
        ("file", "s.slp")
    }
    assert described_names("3D poses of 'm1' triangulated with DeepLabCut from cameras 'a', 'b', read from x.h5.") == {
        ("file", "x.h5")
    }
    assert described_names("Top camera; the behavior video 'top' was read from the server.") == set()
