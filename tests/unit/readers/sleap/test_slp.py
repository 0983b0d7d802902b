"""SLEAP reader: every coordinate and score against sleap-io, every layout, edge cases and clear errors."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
import sleap_io as sio
from sleap_io.codecs.numpy import to_analysis_arrays

from poseconv.errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from poseconv.readers import infer_source_software, read_pose
from poseconv.readers.deeplabcut import is_deeplabcut_file
from poseconv.readers.sleap import (
    ANALYSIS_CONFIDENCE_DEFINITION,
    SLP_CONFIDENCE_DEFINITION,
    is_sleap_file,
    read_sleap,
)
from tests.fixtures.sleap import (
    CENTERED_PAIR_VIDEO,
    DLC_EL_H5,
    DLC_H5,
    H5_MATLAB,
    H5_OLD_MINIMAL,
    H5_SINGLE_FLY,
    H5_SMALL_ROBOT,
    H5_STANDARD,
    SLP_CENTERED_PAIR,
    SLP_CLIP_PREDICTIONS,
    SLP_CLIP_PROOFREAD,
    SLP_COURTSHIP,
    SLP_DANCE,
    SLP_DEMO_FLIES,
    SLP_IMAGE_LIST,
    SLP_LABELS_V002,
    SLP_MIN_SESSION,
    SLP_MIN_SESSION_USER,
    SLP_MINIMAL_PKG,
    SLP_MULTIVIEW_28,
    SLP_PREDICTIONS_V11,
    SLP_PROVENANCE,
    SLP_TYPICAL,
    assert_track_equals_instances,
    tracked_instances,
)

TRACKED_SLP = [
    SLP_PROVENANCE,
    SLP_COURTSHIP,
    SLP_PREDICTIONS_V11,
    SLP_CENTERED_PAIR,
    SLP_CLIP_PROOFREAD,
    SLP_CLIP_PREDICTIONS,
    SLP_DEMO_FLIES,
    SLP_MIN_SESSION,
    SLP_MIN_SESSION_USER,
]
ANALYSIS_H5 = [H5_MATLAB, H5_STANDARD, H5_OLD_MINIMAL, H5_SINGLE_FLY, H5_SMALL_ROBOT]


def _load(path):
    return sio.load_slp(str(path), open_videos=False)


def _tracks_by_video(pose) -> dict[str, dict[str, object]]:
    result: dict[str, dict[str, object]] = {}
    for track in pose.tracks:
        result.setdefault(track.video, {})[track.name] = track
    return result


def _has_tracking_scores(path) -> bool:
    with h5py.File(path, "r") as handle:
        return "tracking_score" in handle["instances"].dtype.names


# -- real .slp files: every value against sleap-io -----------------------------------------------


@pytest.mark.parametrize("path", TRACKED_SLP, ids=lambda p: p.name)
def test_tracked_slp_every_coordinate_and_score(path):
    """Against sleap-io's instances, and against sleap-io's own analysis-export builder."""
    pose = read_sleap(path)
    labels = _load(path)
    tracks = _tracks_by_video(pose)
    keys_by_index = {facts["index"]: key for key, facts in pose.notes["videos"].items()}
    assert len(pose.videos) == len(labels.videos)
    for index, video in enumerate(labels.videos):
        expected = tracked_instances(labels, video)
        frames = [lf.frame_idx for lf in labels.labeled_frames if lf.video is video]
        key = keys_by_index[index]
        assert sorted(tracks.get(key, {})) == sorted(expected)
        for name, by_frame in expected.items():
            assert_track_equals_instances(
                tracks[key][name],
                by_frame,
                n_frames=max(frames) + 1,
                tracking_scores=_has_tracking_scores(path),
            )
        if not frames:
            continue
        # SLEAP's analysis export (user instances preferred) builds the same arrays.
        _, locations, point_scores, instance_scores, tracking_scores, names, first = to_analysis_arrays(
            labels, video=video
        )
        assert first == 0
        for t, name in enumerate(names):
            track = tracks[key][name]
            np.testing.assert_array_equal(track.positions, locations[:, t])
            if track.confidence is not None:
                np.testing.assert_array_equal(track.confidence, point_scores[:, t])
                np.testing.assert_array_equal(track.instance_scores, instance_scores[:, t])
            else:
                assert np.isnan(point_scores[:, t]).all()
            if track.tracking_scores is not None:
                np.testing.assert_array_equal(track.tracking_scores, tracking_scores[:, t])


def test_skeleton_nodes_and_edges_in_sleap_order():
    pose = read_sleap(SLP_CENTERED_PAIR)
    labels = _load(SLP_CENTERED_PAIR)
    (skeleton,) = pose.skeletons.values()
    assert skeleton.name == labels.skeletons[0].name
    assert list(skeleton.nodes) == labels.skeletons[0].node_names
    assert [list(e) for e in skeleton.edges] == [list(e) for e in labels.skeletons[0].edge_inds]
    assert len(skeleton.edges) == 23


def test_provenance_version_scorer_and_absent_video():
    pose = read_sleap(SLP_PROVENANCE)
    assert pose.source_software == "SLEAP"
    assert pose.source_software_version == "1.2.7"
    assert pose.scorer == "courtship.centroid, courtship.topdown_confmaps"
    (video,) = pose.videos.values()
    assert video.original_path == "/home/heberto/Downloads/20190128_113421.mp4"
    assert video.path is None  # the authors' machine, not this one
    assert pose.timing == {}  # SLEAP recorded no frame rate; the user must give one
    assert pose.tracks[0].confidence_definition == SLP_CONFIDENCE_DEFINITION
    assert pose.notes["format_id"] == 1.2


def test_video_found_next_to_slp_and_relative_to_enclosing_folder():
    pose = read_sleap(SLP_PREDICTIONS_V11)
    (video,) = pose.videos.values()
    assert video.path == (SLP_PREDICTIONS_V11.parent / "20190128_113421.120s.mp4").resolve()
    # Recorded as "tests/data/json_format_v1/..." relative to the SLEAP repository root.
    pose = read_sleap(SLP_CENTERED_PAIR)
    (video,) = pose.videos.values()
    assert video.original_path == "tests/data/json_format_v1/centered_pair_low_quality.mp4"
    assert video.path == CENTERED_PAIR_VIDEO.resolve()


def test_old_format_has_no_tracking_scores():
    pose = read_sleap(SLP_PREDICTIONS_V11)
    assert pose.notes["format_id"] == 1.1
    assert all(track.tracking_scores is None for track in pose.tracks)


def test_a_format_newer_than_poseconv_reads_is_refused_naming_it(tmp_path):
    # sleap-io refuses SLP formats from 3 on (a layout whose datasets may mean other things); the table
    # reader converted such a file without a word.
    import shutil

    newer = tmp_path / "future.slp"
    shutil.copy(SLP_TYPICAL, newer)
    with h5py.File(newer, "r+") as handle:
        handle["metadata"].attrs["format_id"] = 3.1
    with pytest.raises(InvalidSourceFileError, match=r"future.slp: SLP format 3.1 is newer than the formats poseconv"):
        read_sleap(newer)


def test_fully_proofread_file_has_user_poses_without_confidence():
    pose = read_sleap(SLP_CLIP_PROOFREAD)
    assert [t.name for t in pose.tracks] == ["female", "male"]
    for track in pose.tracks:
        assert track.confidence is None and track.confidence_definition is None
        assert track.instance_scores is None
        assert np.asarray(track.user_labeled).sum() > 0  # read lazily: np.asarray reads the values


def test_user_instance_wins_and_predicted_only_keeps_predictions():
    labels = _load(SLP_MIN_SESSION_USER)
    default = _tracks_by_video(read_sleap(SLP_MIN_SESSION_USER))
    predicted = _tracks_by_video(read_sleap(SLP_MIN_SESSION_USER, predicted_only=True))
    keys = list(default)
    for index, video in enumerate(labels.videos):
        n_frames = max(lf.frame_idx for lf in labels.labeled_frames if lf.video is video) + 1
        for name, by_frame in tracked_instances(labels, video, predicted_only=True).items():
            track = predicted[keys[index]][name]
            assert_track_equals_instances(track, by_frame, n_frames=n_frames, tracking_scores=True)
            assert not track.user_labeled.any()
        assert any(track.user_labeled.any() for track in default[keys[index]].values())


def test_eight_camera_session_gives_tracks_per_video():
    pose = read_sleap(SLP_MIN_SESSION)
    keys = list(pose.videos)
    assert len(keys) == 8 and len(set(keys)) == 8
    assert keys[:2] == ["min_session_topL", "min_session_top"]
    assert all(video.path is None for video in pose.videos.values())  # D:/ paths
    assert pose.notes["n_recording_sessions"] == 1
    assert {t.video for t in pose.tracks} <= set(keys)


def test_video_indices_select_videos():
    pose = read_sleap(SLP_MIN_SESSION, video_indices=[1, 3])
    assert pose.notes["selected_videos"] == ["min_session_top", "min_session_side"]
    assert {t.video for t in pose.tracks} == {"min_session_top", "min_session_side"}


@pytest.mark.parametrize("indices", [[8], [-1], []])
def test_video_index_out_of_range_names_file_and_videos(indices):
    with pytest.raises(InvalidOptionError, match=r"min_session\.slp.*0: min_session_topL"):
        read_sleap(SLP_MIN_SESSION, video_indices=indices)


def _predictions_and_hand_labels(path):
    """Predictions on video 0 ('clip'), nothing on video 1 ('cam2'), user instances alone on video 2 ('cam3')."""
    skeleton = sio.Skeleton(nodes=["a", "b"], name="s")
    metadata = {"shape": [100, 480, 640, 1], "fps": 30.0}
    videos = [
        sio.Video(filename=f"/elsewhere/{n}.mp4", backend_metadata=metadata, open_backend=False)
        for n in ("clip", "cam2", "cam3")
    ]
    track = sio.Track("m")
    points = np.array([[1.0, 2.0], [3.0, 4.0]])
    frames = [
        sio.LabeledFrame(
            video=videos[0],
            frame_idx=f,
            instances=[
                sio.PredictedInstance.from_numpy(
                    points, point_scores=np.full(2, 0.5), score=0.5, skeleton=skeleton, track=track
                )
            ],
        )
        for f in range(5)
    ]
    frames += [
        sio.LabeledFrame(
            video=videos[2], frame_idx=f, instances=[sio.Instance.from_numpy(points, skeleton=skeleton, track=track)]
        )
        for f in range(3)
    ]
    sio.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton], tracks=[track]).save(str(path))
    return path


def test_a_chosen_video_without_poses_is_named_with_the_videos_that_have_some(tmp_path):
    path = _predictions_and_hand_labels(tmp_path / "p.slp")
    with pytest.raises(InvalidOptionError) as raised:
        read_sleap(path, video_indices=[1])
    message = str(raised.value)
    assert "video 1 ('cam2') has no labeled frame" in message and "holds no poses" not in message
    assert "videos 0 ('clip': 5 labeled frame(s), 5 instance(s)), 2 ('cam3': 3 labeled frame(s)" in message
    assert "video_indices=[0]" in message


def test_predicted_only_on_hand_labels_alone_says_it_dropped_them(tmp_path):
    path = _predictions_and_hand_labels(tmp_path / "p.slp")
    with pytest.raises(InvalidOptionError) as raised:
        read_sleap(path, video_indices=[2], predicted_only=True)
    message = str(raised.value)
    assert "video 2 ('cam3') holds 3 user instance(s)" in message and "predicted_only=True" in message
    assert "--source sleap-labels" in message and "video 0 ('clip'" in message and "cam2" not in message


# -- untracked instances -----------------------------------------------------------------------


def test_untracked_with_user_corrections_is_one_track():
    pose = read_sleap(SLP_DANCE)
    (track,) = pose.tracks
    assert track.name == "untracked" and track.n_frames == 450
    labels = _load(SLP_DANCE)
    for lf in labels.labeled_frames:
        users = lf.user_instances
        inst = users[0] if users else lf.predicted_instances[0]
        np.testing.assert_array_equal(track.positions[lf.frame_idx], inst.numpy())
        assert track.user_labeled[lf.frame_idx] == bool(users)
        if not users:
            np.testing.assert_array_equal(track.confidence[lf.frame_idx], inst.points["score"])
        else:
            assert np.isnan(track.confidence[lf.frame_idx]).all()
    assert np.asarray(track.user_labeled).sum() == 3


def test_untracked_next_to_tracks_is_kept_not_dropped():
    pose = read_sleap(SLP_TYPICAL)
    assert [t.name for t in pose.tracks] == ["1", "2", "untracked"]
    labels = _load(SLP_TYPICAL)
    (loose,) = [inst for inst in labels.labeled_frames[0].instances if inst.track is None]
    untracked = pose.tracks[2]
    np.testing.assert_array_equal(untracked.positions[0], loose.numpy())
    np.testing.assert_array_equal(untracked.confidence[0], loose.points["score"])


@pytest.mark.parametrize("path", [SLP_LABELS_V002, SLP_MINIMAL_PKG], ids=lambda p: p.name)
def test_several_untracked_animals_per_frame_is_a_clear_error(path):
    with pytest.raises(InvalidSourceFileError, match=rf"{path.name}.*without a track.*untracked='by_order'"):
        read_sleap(path)


def test_crowded_untracked_error_then_by_order(generated_crowded_untracked):
    path = generated_crowded_untracked.path
    with pytest.raises(InvalidSourceFileError, match=r"1 frame\(s\) of video 'crowd'.*\(frames 1\)"):
        read_sleap(path)
    pose = read_sleap(path, untracked="by_order")
    assert [t.name for t in pose.tracks] == ["untracked_0", "untracked_1"]
    labels = generated_crowded_untracked.expected["labels"]
    first, second = pose.tracks
    for lf in labels.labeled_frames:
        np.testing.assert_array_equal(first.positions[lf.frame_idx], lf.instances[0].numpy())
    np.testing.assert_array_equal(second.positions[1], labels.labeled_frames[1].instances[1].numpy())
    assert np.isnan(second.positions[[0, 2]]).all()


def test_single_animal_project_user_instance_wins(generated_single_animal_untracked):
    pose = read_sleap(generated_single_animal_untracked.path)
    (track,) = pose.tracks
    assert track.name == "untracked"
    for frame, user in generated_single_animal_untracked.expected["user"].items():
        np.testing.assert_array_equal(track.positions[frame], user.numpy())
        assert track.user_labeled[frame] and np.isnan(track.confidence[frame]).all()
    assert list(track.user_labeled) == [False, False, True, True] + [False] * 6


def test_frame_rate_and_length_recorded_in_file_are_used(generated_single_animal_untracked):
    pose = read_sleap(generated_single_animal_untracked.path)
    (video,) = pose.videos.values()
    assert (video.fps, video.n_frames, video.frame_size) == (30.0, 10, (240, 320))
    assert pose.timing[video.key].rate == 30.0
    # The time base runs to the recorded video length, NaN after the last labeled frame.
    assert pose.tracks[0].n_frames == 10
    assert np.isnan(pose.tracks[0].positions[4:]).all()


# -- generated edge cases ------------------------------------------------------------------------


def test_edge_cases_every_value(generated_edge_cases):
    pose = read_sleap(generated_edge_cases.path)
    made = generated_edge_cases.expected["instances"]
    assert [t.name for t in pose.tracks] == ["A", "B"]
    a, b = pose.tracks
    expected = {
        "A": {
            0: made["A", 0]["predicted"],
            1: made["A", 1]["predicted"],
            4: made["A", 4]["user"],
            5: made["A", 5]["predicted"],
        },
        "B": {0: made["B", 0]["predicted"], 4: made["B", 4]["predicted"], 5: made["B", 5]["user"]},
    }
    for track in (a, b):
        assert_track_equals_instances(track, expected[track.name], n_frames=6, tracking_scores=True)
    # Frame 2 (labeled, empty) and frame 3 (not labeled) are on the time base, all NaN.
    assert np.isnan(a.positions[[2, 3]]).all() and np.isnan(b.positions[[1, 2, 3]]).all()
    # A node the model did not find: NaN position, the stored score (0).
    assert np.isnan(a.positions[5, 2]).all() and a.confidence[5, 2] == 0.0
    assert list(a.user_labeled) == [False, False, False, False, True, False]
    assert list(b.user_labeled) == [False, False, False, False, False, True]


def test_edge_cases_predicted_only(generated_edge_cases):
    pose = read_sleap(generated_edge_cases.path, predicted_only=True)
    made = generated_edge_cases.expected["instances"]
    a, b = pose.tracks
    np.testing.assert_array_equal(a.positions[4], made["A", 4]["predicted"].numpy())
    np.testing.assert_array_equal(a.confidence[4], made["A", 4]["predicted"].points["score"])
    assert np.isnan(b.positions[5]).all()
    assert not np.asarray(a.user_labeled).any() and not np.asarray(b.user_labeled).any()


@pytest.mark.parametrize("preset", ["matlab", "standard"])
def test_analysis_export_of_edge_cases_reads_back_identically(generated_edge_cases, tmp_path, preset):
    """SLEAP's analysis export (written by sleap-io) and the .slp give the same tracks."""
    exported = tmp_path / f"edge_cases.{preset}.analysis.h5"
    sio.save_analysis_h5(generated_edge_cases.expected["labels"], exported, preset=preset)
    from_slp = read_sleap(generated_edge_cases.path)
    from_h5 = read_sleap(exported)
    assert [t.name for t in from_h5.tracks] == ["A", "B"]
    for x, y in zip(from_slp.tracks, from_h5.tracks, strict=True):
        for attribute in ("positions", "confidence", "instance_scores", "tracking_scores"):
            np.testing.assert_array_equal(getattr(x, attribute), getattr(y, attribute))
    assert from_h5.notes["layout"] == preset
    assert from_h5.tracks[0].confidence_definition == ANALYSIS_CONFIDENCE_DEFINITION


def test_two_skeletons_each_track_its_own(generated_two_skeletons):
    pose = read_sleap(generated_two_skeletons.path)
    assert {t.name: t.skeleton for t in pose.tracks} == {"fly": "fly", "mouse": "mouse"}
    assert pose.skeletons["fly"].nodes == ("head", "thorax", "abdomen")
    assert pose.skeletons["fly"].edges == ((0, 1), (1, 2))
    assert pose.skeletons["mouse"].nodes == ("nose", "ear_l", "ear_r", "tail")
    assert pose.skeletons["mouse"].edges == ((0, 1), (0, 2), (0, 3))
    labels = generated_two_skeletons.expected["labels"]
    for name, by_frame in tracked_instances(labels, labels.videos[0]).items():
        track = next(t for t in pose.tracks if t.name == name)
        assert_track_equals_instances(track, by_frame, n_frames=3, tracking_scores=True)


def test_two_videos_unique_readable_keys(generated_two_videos):
    pose = read_sleap(generated_two_videos.path)
    assert list(pose.videos) == ["left", "left_2", "right"]
    assert [(t.video, t.name, t.n_frames) for t in pose.tracks] == [("left", "t1", 4), ("left_2", "t1", 2)]
    assert pose.videos["right"].path == (generated_two_videos.path.parent / "right.mp4").resolve()
    assert pose.videos["left"].path is None
    labels = generated_two_videos.expected["labels"]
    for index, key in enumerate(["left", "left_2"]):
        by_frame = tracked_instances(labels, labels.videos[index])["t1"]
        track = next(t for t in pose.tracks if t.video == key)
        assert_track_equals_instances(track, by_frame, n_frames=track.n_frames, tracking_scores=True)
    only = read_sleap(generated_two_videos.path, video_indices=[1])
    assert [(t.video, t.name) for t in only.tracks] == [("left_2", "t1")]


def test_duplicate_track_names_are_made_unique(tmp_path):
    skeleton = sio.Skeleton(["a"], name="s")
    video = sio.Video(filename="v.mp4", open_backend=False)
    first, second = sio.Track("fly"), sio.Track("fly")
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=0,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[1.0, 2.0]]), point_scores=np.array([0.5]), score=1.0, skeleton=skeleton, track=first
                ),
                sio.PredictedInstance.from_numpy(
                    np.array([[3.0, 4.0]]), point_scores=np.array([0.6]), score=1.0, skeleton=skeleton, track=second
                ),
            ],
        )
    ]
    path = tmp_path / "dup.slp"
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[first, second]), path)
    pose = read_sleap(path)
    assert [t.name for t in pose.tracks] == ["fly", "fly_2"]
    np.testing.assert_array_equal(pose.tracks[1].positions[0], [[3.0, 4.0]])


def test_two_instances_of_one_track_in_a_frame_warns(tmp_path):
    skeleton = sio.Skeleton(["a"], name="s")
    video = sio.Video(filename="v.mp4", open_backend=False)
    track = sio.Track("fly")
    instances = [
        sio.PredictedInstance.from_numpy(
            np.array([[x, x]]), point_scores=np.array([0.5]), score=1.0, skeleton=skeleton, track=track
        )
        for x in (1.0, 2.0)
    ]
    path = tmp_path / "twice.slp"
    sio.save_slp(
        sio.Labels(
            labeled_frames=[sio.LabeledFrame(video=video, frame_idx=0, instances=instances)],
            videos=[video],
            skeletons=[skeleton],
            tracks=[track],
        ),
        path,
    )
    with pytest.warns(PoseconvWarning, match=r"'fly'.*frame\(s\) \[0\]"):
        pose = read_sleap(path)
    np.testing.assert_array_equal(pose.tracks[0].positions[0], [[2.0, 2.0]])


# -- packages, image lists, multiview ------------------------------------------------------------


def test_generated_package_with_embedded_images(generated_package):
    pose = read_sleap(generated_package.path)
    (video,) = pose.videos.values()
    assert video.key == "centered_pair_low_quality"
    assert pose.notes["videos"][video.key]["embedded_images"] is True
    # The package's images came from a video that exists here; its recorded length and fps are used.
    assert video.path == CENTERED_PAIR_VIDEO.resolve()
    assert pose.timing[video.key].rate == 15.0
    (track,) = pose.tracks
    assert track.n_frames == 1100
    for lf in generated_package.expected["labels"].labeled_frames:
        np.testing.assert_array_equal(track.positions[lf.frame_idx], lf.instances[0].numpy())
    assert np.isnan(np.delete(track.positions, [2, 7], axis=0)).all()


def test_real_package_reads_with_by_order():
    pose = read_sleap(SLP_MINIMAL_PKG, untracked="by_order")
    (video,) = pose.videos.values()
    assert pose.notes["videos"][video.key]["embedded_images"] is True
    assert video.original_path == "tests/data/json_format_v1/centered_pair_low_quality.mp4"
    assert video.path is None
    labels = _load(SLP_MINIMAL_PKG)
    lf = labels.labeled_frames[0]
    for track, inst in zip(pose.tracks, lf.instances, strict=True):
        np.testing.assert_array_equal(track.positions[lf.frame_idx], inst.numpy())
        assert track.confidence is None


def test_multiview_format_28_and_image_list():
    pose = read_sleap(SLP_MULTIVIEW_28)
    assert list(pose.videos) == ["c1", "c2"]
    assert [(t.video, t.name) for t in pose.tracks] == [("c1", "untracked"), ("c2", "untracked")]
    pose = read_sleap(SLP_IMAGE_LIST)
    (video,) = pose.videos.values()
    assert video.path is None and len(pose.notes["videos"][video.key]["image_files"]) == 3
    labels = _load(SLP_IMAGE_LIST)
    for lf in labels.labeled_frames:
        np.testing.assert_array_equal(pose.tracks[0].positions[lf.frame_idx], lf.instances[0].numpy())


# -- analysis .h5: every layout ------------------------------------------------------------------


def _raw_analysis(path) -> dict[str, np.ndarray | None]:
    """The arrays of an analysis file in (frame, track, ...) order, by each file's documented layout."""
    with h5py.File(path, "r") as handle:
        tracks = handle["tracks"][()]
        raw = {
            name: handle[name][()] if name in handle else None
            for name in ("point_scores", "instance_scores", "tracking_scores")
        }
        standard = json.loads(handle["tracks"].attrs.get("dims", "[]")) == ["frame", "track", "node", "xy"]
    if standard:
        return {"locations": tracks, **raw}
    # SLEAP GUI / "matlab": tracks (track, xy, node, frame); scores (track, node, frame), (track, frame).
    return {
        "locations": tracks.transpose(3, 0, 2, 1),
        "point_scores": None if raw["point_scores"] is None else raw["point_scores"].transpose(2, 0, 1),
        "instance_scores": None if raw["instance_scores"] is None else raw["instance_scores"].T,
        "tracking_scores": None if raw["tracking_scores"] is None else raw["tracking_scores"].T,
    }


@pytest.mark.parametrize("path", ANALYSIS_H5, ids=lambda p: p.name)
def test_analysis_every_value_against_the_file(path):
    pose = read_sleap(path)
    raw = _raw_analysis(path)
    assert len(pose.tracks) == raw["locations"].shape[1]
    for t, track in enumerate(pose.tracks):
        assert track.n_frames == raw["locations"].shape[0]
        np.testing.assert_array_equal(track.positions, raw["locations"][:, t])
        if raw["point_scores"] is None:
            assert track.confidence is None and track.instance_scores is None and track.tracking_scores is None
        else:
            np.testing.assert_array_equal(track.confidence, raw["point_scores"][:, t])
            np.testing.assert_array_equal(track.instance_scores, raw["instance_scores"][:, t])
            np.testing.assert_array_equal(track.tracking_scores, raw["tracking_scores"][:, t])
        assert track.user_labeled is None  # analysis files do not say
    # SLEAP's exports, the minimal 1.0 one (no scores, no video, no provenance) too, are SLEAP's, not another
    # program's in SLEAP's layout (movement's writes empty score arrays).
    assert pose.source_software == "SLEAP"


@pytest.mark.parametrize("path", [H5_MATLAB, H5_STANDARD, H5_SINGLE_FLY, H5_SMALL_ROBOT], ids=lambda p: p.name)
def test_analysis_against_sleap_io_reader(path):
    pose = read_sleap(path)
    labels = sio.load_analysis_h5(str(path))
    by_name = {t.name: t for t in pose.tracks}
    seen = {name: np.zeros(t.n_frames, dtype=bool) for name, t in by_name.items()}
    for lf in labels.labeled_frames:
        for inst in lf.instances:
            name = inst.track.name if inst.track is not None else "untracked"
            track = by_name[name]
            seen[name][lf.frame_idx] = True
            np.testing.assert_array_equal(track.positions[lf.frame_idx], inst.numpy())
            np.testing.assert_array_equal(track.confidence[lf.frame_idx], inst.points["score"])
            ours = track.instance_scores[lf.frame_idx]
            assert ours == inst.score or (np.isnan(ours) and inst.score == 0.0)  # sleap-io turns NaN into 0
    for name, track in by_name.items():
        assert np.isnan(track.positions[~seen[name]]).all()


def test_matlab_and_standard_layouts_and_slp_agree():
    matlab, standard, slp = read_sleap(H5_MATLAB), read_sleap(H5_STANDARD), read_sleap(SLP_CENTERED_PAIR)
    assert (matlab.notes["layout"], standard.notes["layout"]) == ("matlab", "standard")
    assert [t.name for t in matlab.tracks] == [t.name for t in standard.tracks] == [t.name for t in slp.tracks]
    # Nodes and edges agree; the symmetries (10 wing/leg pairs) only the analysis files (sleap-io's) record.
    shapes = [{k: (s.nodes, s.edges) for k, s in p.skeletons.items()} for p in (matlab, standard, slp)]
    assert shapes[0] == shapes[1] == shapes[2]
    assert matlab.skeletons == standard.skeletons
    assert [len(s.symmetries) for s in matlab.skeletons.values()] == [10]
    assert [s.symmetries for s in slp.skeletons.values()] == [()]
    for x, y, z in zip(matlab.tracks, standard.tracks, slp.tracks, strict=True):
        for attribute in ("positions", "confidence", "instance_scores", "tracking_scores"):
            np.testing.assert_array_equal(getattr(x, attribute), getattr(y, attribute))
            np.testing.assert_array_equal(getattr(x, attribute), getattr(z, attribute))


def test_old_minimal_layout_equals_its_slp():
    old, slp = read_sleap(H5_OLD_MINIMAL), read_sleap(SLP_PREDICTIONS_V11)
    assert old.notes["layout"] == "matlab" and old.notes["has_point_scores"] is False
    assert list(old.skeletons["Skeleton"].nodes) == list(slp.skeletons["Skeleton-0"].nodes)
    for x, y in zip(old.tracks, slp.tracks, strict=True):
        assert x.name == y.name
        np.testing.assert_array_equal(x.positions, y.positions)
        assert x.confidence is None


def test_analysis_without_track_names_and_user_rows():
    pose = read_sleap(H5_SMALL_ROBOT)
    (track,) = pose.tracks
    assert track.name == "untracked" and track.n_frames == 3
    # Frames 0 and 2 are user instances: SLEAP exported them without scores.
    assert np.isnan(track.confidence[[0, 2]]).all() and not np.isnan(track.confidence[1]).any()
    assert pose.skeletons["Skeleton"].edges == ((0, 1), (0, 2), (1, 2))
    (video,) = pose.videos.values()
    assert video.key == "small_robot_3_frame"
    assert video.original_path == "D:/TalmoLab/sleap/tests/data/videos/small_robot_3_frame.mp4" and video.path is None


def test_analysis_options_that_do_not_apply():
    with pytest.raises(InvalidOptionError, match="predicted_only"):
        read_sleap(H5_SINGLE_FLY, predicted_only=True)
    with pytest.raises(InvalidOptionError, match=r"single_fly\.h5.*one video \(index 0\)"):
        read_sleap(H5_SINGLE_FLY, video_indices=[1])
    assert read_sleap(H5_SINGLE_FLY, video_indices=[0]).tracks[0].n_frames == 3189


def test_analysis_slots_without_names_are_untracked(tmp_path, generated_crowded_untracked):
    exported = tmp_path / "crowd.analysis.h5"
    sio.save_analysis_h5(generated_crowded_untracked.expected["labels"], exported)
    with h5py.File(exported, "r+") as handle:
        # SLEAP's GUI leaves track_names empty for untracked projects.
        del handle["track_names"]
        handle.create_dataset("track_names", data=np.zeros(0))
    with pytest.raises(InvalidSourceFileError, match=r"\(frames 1\)"):
        read_sleap(exported)
    assert [t.name for t in read_sleap(exported, untracked="by_order").tracks] == ["untracked_0", "untracked_1"]


# -- sniffing and errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*TRACKED_SLP, SLP_DANCE, SLP_MINIMAL_PKG, *ANALYSIS_H5], ids=lambda p: p.name)
def test_sleap_files_are_recognised_and_not_taken_for_deeplabcut(path):
    assert is_sleap_file(path)
    assert not is_deeplabcut_file(path)
    assert infer_source_software(path) == "SLEAP"


@pytest.mark.parametrize("path", [DLC_H5, DLC_EL_H5], ids=lambda p: p.name)
def test_deeplabcut_h5_is_not_sleap(path):
    assert not is_sleap_file(path)
    assert infer_source_software(path) == "DeepLabCut"
    with pytest.raises(InvalidSourceFileError, match=rf"{path.name}.*DeepLabCut reader"):
        read_sleap(path)


def test_sniffer_never_raises(tmp_path):
    text = tmp_path / "notes.slp"
    text.write_text("not hdf5")
    assert not is_sleap_file(text)
    assert not is_sleap_file(tmp_path / "missing.slp")
    assert not is_sleap_file(tmp_path)
    assert not is_sleap_file(tmp_path / "x.txt")


def test_read_pose_dispatches_to_sleap():
    pose = read_pose(H5_SMALL_ROBOT)
    assert pose.source_software == "SLEAP"
    assert read_pose(SLP_TYPICAL, source_software="sleap").track_names() == ["1", "2", "untracked"]


def test_wrong_file_type_and_missing_file(tmp_path):
    with pytest.raises(InvalidSourceFileError, match=r"\.txt"):
        read_sleap(tmp_path / "x.txt")
    with pytest.raises(InvalidSourceFileError, match="file not found"):
        read_sleap(tmp_path / "absent.slp")
    text = tmp_path / "old.slp"
    text.write_text('{"version": "old json labels"}')
    with pytest.raises(InvalidSourceFileError, match=r"old\.slp: not an HDF5 file"):
        read_sleap(text)


def test_hdf5_that_is_not_sleap(tmp_path):
    other = tmp_path / "other.slp"
    with h5py.File(other, "w") as handle:
        handle.create_dataset("data", data=np.arange(3))
    with pytest.raises(InvalidSourceFileError, match=r"other\.slp.*'metadata' group"):
        read_sleap(other)
    other_h5 = tmp_path / "other.h5"
    with h5py.File(other_h5, "w") as handle:
        handle.create_dataset("data", data=np.arange(3))
    with pytest.raises(InvalidSourceFileError, match=r"other\.h5: not a SLEAP analysis export"):
        read_sleap(other_h5)


def test_corrupt_slp_names_the_file(tmp_path):
    truncated = tmp_path / "truncated.slp"
    truncated.write_bytes(SLP_TYPICAL.read_bytes()[:6000])
    with pytest.raises(InvalidSourceFileError, match=r"truncated\.slp"):
        read_sleap(truncated)


def test_analysis_with_inconsistent_shapes(tmp_path, generated_edge_cases):
    exported = tmp_path / "bad.analysis.h5"
    sio.save_analysis_h5(generated_edge_cases.expected["labels"], exported)
    with h5py.File(exported, "r+") as handle:
        del handle["node_names"]
        handle.create_dataset("node_names", data=np.array([b"a", b"b"]))
    with pytest.raises(InvalidSourceFileError, match=r"bad\.analysis\.h5.*3 nodes in 'tracks' but 2 node names"):
        read_sleap(exported)


def test_unknown_untracked_option():
    with pytest.raises(InvalidOptionError, match="untracked must be"):
        read_sleap(SLP_TYPICAL, untracked="guess")
