"""``.slp -> poseconv convert -> NWB -> poseconv export --to slp -> .slp``: every field of the two ``Labels``.

Both files are loaded with sleap-io and compared field by field (:func:`assert_same_labels`):
labeled frames, and in each the instances (kind, track, score, tracking score, points and point
scores, NaN where NaN), the tracks in order, the skeletons (nodes, edges), the video file names.

What does not come back, by design (each is said where it is compared):

* A frame with a user instance and a prediction of the same animal: the track holds the user
  instance (poseconv's pose model holds one pose per animal and frame, as SLEAP's analysis export
  does) and the prediction it replaced is kept beside it, written to NWB as
  ``<container>_replaced_predictions``; both come back, with the user instance's ``from_predicted``
  link to the prediction, and are compared.
* Labeled frames without any instance, the file's provenance and suggestions are not kept.
* In a recording session, the frame groups (which instances of the views are one animal) and
  3D points are not written back; the track names say which instances are one animal.
* Videos are named by the video file found here (``--video`` or the recorded path when it
  exists) or by the video's key: the exported file points at a file on this machine, not the
  path the labeling machine recorded; only the file names are compared.
"""

from __future__ import annotations

import json
from pathlib import Path, PureWindowsPath

import h5py
import numpy as np
import pytest
import sleap_io as sio
from pynwb import NWBHDF5IO

from poseconv.nwb.read.pose import read_nwb
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.movement import plural_dims
from tests.fixtures.nwb import assert_inspector_clean
from tests.fixtures.sleap import (
    SLEAP_REPO,
    SLP_CENTERED_PAIR,
    SLP_CLIP_PROOFREAD,
    SLP_DANCE,
    SLP_MIN_SESSION,
    SLP_MIN_SESSION_USER,
    SLP_TYPICAL,
)

DANCE_VIDEO = SLEAP_REPO / "tests/data/videos/dance.mp4"
# typical.slp records this video by a path relative to another folder.
CENTERED_PAIR_VIDEO = SLEAP_REPO / "tests/data/json_format_v1/centered_pair_low_quality.mp4"


def poseconv(*args: object) -> str:
    """Run the CLI (in this process); return what it printed."""
    result = poseconv_in_process(*args)
    assert result.returncode == 0, f"rc={result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def round_trip(source: Path, tmp_path: Path, *options: object) -> Path:
    """Convert ``source`` with the CLI and export it back to .slp; return the exported file."""
    nwb = tmp_path / "converted.nwb"
    poseconv("convert", source, "-o", nwb, "--session-start-time", "2024-05-03T11:26:42+02:00", *options)
    back = tmp_path / "back.slp"
    poseconv("export", nwb, "--to", "slp", back)
    return back


def _file_name(filename: object) -> str:
    name = filename[0] if isinstance(filename, list) else str(filename)
    return PureWindowsPath(name).name if "\\" in name else Path(name).name


def _nan_equal(a: object, b: object) -> bool:
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def assert_same_instance(expected: sio.Instance, got: sio.Instance, where: str) -> None:
    assert type(got) is type(expected), where
    assert (got.track.name if got.track else None) == (expected.track.name if expected.track else None), where
    assert got.skeleton.name == expected.skeleton.name, where
    np.testing.assert_array_equal(got.numpy(), expected.numpy(), err_msg=where)  # NaN where NaN
    # Where a point has coordinates; old SLEAP files mark some NaN points visible, which NWB's NaN cannot say.
    placed = ~np.isnan(expected.numpy()).any(axis=1)
    assert np.array_equal(got.points["visible"][placed], expected.points["visible"][placed]), where
    assert _nan_equal(got.tracking_score, expected.tracking_score), where
    if isinstance(expected, sio.PredictedInstance):
        assert _nan_equal(got.score, expected.score), where
        assert _nan_equal(got.points["score"], expected.points["score"]), where


def assert_same_labels(expected: sio.Labels, got: sio.Labels, videos: list | None = None) -> None:
    """Compare every field poseconv keeps (see the module docstring for those it does not).

    ``videos`` pairs each video of ``expected`` with its video in ``got`` (in order by default).
    """
    assert [t.name for t in got.tracks] == [t.name for t in expected.tracks]
    assert [(s.name, s.node_names, s.edge_inds) for s in got.skeletons] == [
        (s.name, s.node_names, s.edge_inds) for s in expected.skeletons
    ]
    if videos is None:
        assert [_file_name(v.filename) for v in got.videos] == [_file_name(v.filename) for v in expected.videos]
        videos = list(zip(expected.videos, got.videos, strict=True))
    track_order = {t.name: i for i, t in enumerate(expected.tracks)}
    skeleton_order = {s.name: i for i, s in enumerate(expected.skeletons)}

    def frames(labels: sio.Labels, side: int) -> dict:
        position = {id(pair[side]): i for i, pair in enumerate(videos)}
        found = {}
        for lf in labels.labeled_frames:
            if lf.instances:  # frames without instances are not kept
                key = (position[id(lf.video)], int(lf.frame_idx))
                # By track and skeleton (a track's two skeletons are two containers, in no order within a frame),
                # and in each the prediction a user instance replaced before the user instance.
                found[key] = sorted(
                    lf.instances,
                    key=lambda i: (
                        track_order.get(i.track.name, -1) if i.track else -1,
                        skeleton_order[i.skeleton.name],
                        type(i) is sio.Instance,
                    ),
                )
        return found

    want, have = frames(expected, 0), frames(got, 1)
    assert sorted(have) == sorted(want)
    for key, instances in want.items():
        where = f"video {key[0]}, frame {key[1]}"
        assert len(have[key]) == len(instances), key
        for expected_instance, got_instance in zip(instances, have[key], strict=True):
            assert_same_instance(expected_instance, got_instance, where)
            # A user instance's link to the prediction it was corrected from, in the same frame.
            if type(expected_instance) is sio.Instance:
                assert _linked(instances, expected_instance) == _linked(have[key], got_instance), where


def _linked(instances: list, instance: sio.Instance) -> int | None:
    """Position in ``instances`` of the prediction ``instance`` was corrected from; None when unlinked."""
    source = instance.from_predicted
    return None if source is None else next(i for i, other in enumerate(instances) if other is source)


def assert_same_session(expected: sio.Labels, got: sio.Labels) -> None:
    """The one recording session: the same cameras in order, calibrations, and every camera's poses."""
    [want], [have] = expected.sessions, got.sessions
    assert [c.name for c in have.camera_group.cameras] == [c.name for c in want.camera_group.cameras]
    videos = []
    for camera, back in zip(want.camera_group.cameras, have.camera_group.cameras, strict=True):
        for field in ("matrix", "dist", "tvec"):
            np.testing.assert_array_equal(getattr(back, field), getattr(camera, field), err_msg=camera.name)
        assert back.size == camera.size
        # The NWB file stores the rotation matrix (sleap-io's Rodrigues of rvec); rvec is computed back from it.
        np.testing.assert_allclose(back.rvec, camera.rvec, rtol=0, atol=1e-12, err_msg=camera.name)
        # Each camera's video comes back under the file name the session recorded (before: the camera's name).
        pair = (want.get_video(camera), have.get_video(back))
        assert _file_name(pair[1].filename) == _file_name(pair[0].filename), camera.name
        videos.append(pair)
    # Not kept: the frame groups (which instances of the views are one animal; their track names say it).
    assert_same_labels(expected, got, videos)


@pytest.fixture(scope="module")
def centered_pair_round_trip(tmp_path_factory):
    """The 27-track file converted and exported back, with no options: the exported .slp (the NWB file beside it)."""
    return round_trip(SLP_CENTERED_PAIR, tmp_path_factory.mktemp("centered_pair"))


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")
@pytest.mark.parametrize(
    ("source", "options"),
    [
        # 27 tracks, predictions with instance and tracking scores: the tracks come back as 1, 2, ..., 27.
        (SLP_CENTERED_PAIR, ()),
        # 450 untracked predictions and 3 user instances, which replaced the predictions of their frames.
        (SLP_DANCE, ("--video", DANCE_VIDEO)),
        # User instances on tracks "1" and "2" and an untracked prediction, in one frame.
        (SLP_TYPICAL, ("--video", CENTERED_PAIR_VIDEO)),
        # SLEAP 1.0 format (no tracking score column: sleap-io reads 0.0), 3,000 user instances of 2 tracks.
        (SLP_CLIP_PROOFREAD, ("--fps", 25)),
    ],
    ids=["27-tracks", "user-and-predicted", "typical", "no-tracking-scores"],
)
def test_slp_nwb_slp_keeps_every_field(source, options, tmp_path, request):
    # The 27-track file's round trip (the largest) is the one the next test reads too.
    if source == SLP_CENTERED_PAIR:
        back = request.getfixturevalue("centered_pair_round_trip")
    else:
        back = round_trip(source, tmp_path, *options)
    assert_same_labels(sio.load_slp(str(source), open_videos=False), sio.load_slp(str(back), open_videos=False))
    if source == SLP_DANCE:
        # The container of the 3 replaced predictions beside the track's is clean too (the CLI was given no subject),
        # poseconv's pose checks find nothing, and inspect lists it with its track.
        nwb = tmp_path / "converted.nwb"
        assert_inspector_clean(nwb, ignore=("check_subject_exists",))
        poseconv("validate", nwb, "--pose-only")
        [summary] = json.loads(poseconv("inspect", nwb, "--json"))["poses"]
        [track, replaced] = summary["tracks"]
        assert (track["name"], replaced["name"]) == ("untracked", "untracked (replaced predictions)")
        assert (replaced["frames_with_pose"], replaced["n_frames"]) == (3, 450)
        assert replaced["container"] == "/processing/behavior/PoseEstimation_replaced_predictions"


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")
@pytest.mark.parametrize("source", [SLP_MIN_SESSION, SLP_MIN_SESSION_USER], ids=["predictions", "user-and-predicted"])
def test_session_slp_nwb_slp_keeps_cameras_calibration_and_views(source, tmp_path):
    # 8 calibrated cameras, 2 tracks; the second file has a user instance beside each prediction.
    back = round_trip(source, tmp_path, "--fps", 30)
    assert_same_session(sio.load_slp(str(source), open_videos=False), sio.load_slp(str(back), open_videos=False))
    if source == SLP_MIN_SESSION_USER:
        # 42 replaced predictions, beside the MultiCameraPoseEstimation of their view: clean too.
        assert_inspector_clean(tmp_path / "converted.nwb", ignore=("check_subject_exists",))


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")
def test_converted_file_with_scores_stays_readable(centered_pair_round_trip):
    """nwbinspector, pynwb and movement read the file the scores, kinds and track order are written into."""
    load_poses = pytest.importorskip("movement.io.load_poses")
    nwb = centered_pair_round_trip.with_name("converted.nwb")
    # The CLI was given no subject; everything else, the score series and the order table included, is clean.
    # pynwb's schema validation of SLEAP files runs in test_sleap_conversion (here 648 series would take 20 s).
    # nwbinspector reads the file with pynwb, so the values below are checked with h5py (a second pynwb read of
    # the 648 series would add 5 s and prove nothing more).
    assert_inspector_clean(nwb, ignore=("check_subject_exists",), schema_validation=False)
    with h5py.File(nwb, "r") as f:
        behavior = f["processing/behavior"]
        score = behavior["PoseEstimation_1_instance_score"]
        # One copy of the frame times: the same rate and starting time as the pose series.
        head = behavior["PoseEstimation_1/head"]
        assert score["starting_time"].attrs["rate"] == head["starting_time"].attrs["rate"]
        assert score["starting_time"][()] == head["starting_time"][()]
        assert score["data"].dtype == np.float32
        assert behavior["PoseEstimation_1_user_labeled/data"].dtype == np.uint8
        assert [t.decode() for t in behavior["TrackOrder/track"][:]] == [str(i) for i in range(1, 28)]
    dataset = plural_dims(load_poses.from_nwb_file(nwb, pose_estimation_key="PoseEstimation_10"))
    # movement names the individual after the file's subject (a random id here); the poses are all there.
    assert dataset.sizes["time"] == 1100 and dataset.sizes["keypoints"] == 24 and dataset.sizes["individuals"] == 1
    [pose] = read_nwb(nwb)
    assert pose.track_names() == [str(i) for i in range(1, 28)]


def test_convert_says_how_many_replaced_prediction_containers_it_wrote(tmp_path):
    nwb = tmp_path / "dance.nwb"
    result = poseconv_in_process(
        "convert", SLP_DANCE, "-o", nwb, "--fps", "30", "--session-start-time", "2024-05-03T11:26:42+02:00"
    )
    assert result.returncode == 0, result.stderr
    assert "1 PoseEstimation container(s) (and 1 of SLEAP predictions a user instance replaced)" in result.stderr


def _predicted(skeleton: sio.Skeleton, track: sio.Track | None, rng: np.random.Generator) -> sio.PredictedInstance:
    points = rng.uniform(0, 500, size=(len(skeleton.nodes), 2)).astype("float32").astype("float64")
    scores = rng.uniform(size=len(skeleton.nodes)).astype("float32").astype("float64")
    return sio.PredictedInstance.from_numpy(points, point_scores=scores, score=0.5, skeleton=skeleton, track=track)


def _other_lab_labels(tmp_path: Path, frames: list) -> tuple[Path, sio.Labels]:
    video = sio.Video(filename="C:/Users/lab/Videos/mouse 1/session_01.mp4", open_backend=False)
    labeled = [sio.LabeledFrame(video=video, frame_idx=t, instances=instances) for t, instances in frames]
    skeletons = list({id(i.skeleton): i.skeleton for _, instances in frames for i in instances}.values())
    tracks = list({id(i.track): i.track for _, instances in frames for i in instances if i.track}.values())
    labels = sio.Labels(labeled_frames=labeled, videos=[video], skeletons=skeletons, tracks=tracks)
    path = tmp_path / "other_lab.slp"
    sio.save_slp(labels, path)
    return path, sio.load_slp(str(path), open_videos=False)


def test_one_track_under_two_skeletons_stays_one_animal(tmp_path):
    # A second model with another skeleton predicted into the same project: its instances share the tracks.
    rng = np.random.default_rng(3)
    fine, coarse = sio.Skeleton(["a", "b", "c"], name="fine"), sio.Skeleton(["a", "c"], name="coarse")
    mouse = sio.Track(name="mouse")
    path, source = _other_lab_labels(
        tmp_path, [(t, [_predicted(fine if t < 3 else coarse, mouse, rng)]) for t in range(6)]
    )
    back = round_trip(path, tmp_path, "--fps", "30")
    # The two containers of the animal both record its track, and the export makes it one track again.
    [pose] = read_nwb(tmp_path / "converted.nwb")
    assert [(t.name, pose.identity(t)) for t in pose.tracks] == [("mouse_fine", "mouse"), ("mouse_coarse", "mouse")]
    got = sio.load_slp(str(back), open_videos=False)
    assert_same_labels(source, got)
    # The video the file recorded is on no machine here: its path comes back as recorded.
    assert [v.filename for v in got.videos] == ["C:/Users/lab/Videos/mouse 1/session_01.mp4"]
    # The track's name chooses both of its containers.
    assert [t.name for t in pose.select_tracks(["mouse"]).tracks] == ["mouse_fine", "mouse_coarse"]


def test_skeleton_names_nwb_cannot_hold_come_back_with_their_nodes(tmp_path):
    # "sk/1" is written as the NWB skeleton "sk_1", so "sk_1" became "sk_1_2": the export swapped their nodes.
    rng = np.random.default_rng(5)
    slashed, plain = sio.Skeleton(["h", "t"], name="sk/1"), sio.Skeleton(["x", "y", "z"], name="sk_1")
    p, q = sio.Track("p"), sio.Track("q")
    path, source = _other_lab_labels(
        tmp_path, [(t, [_predicted(slashed, p, rng), _predicted(plain, q, rng)]) for t in range(3)]
    )
    back = round_trip(path, tmp_path, "--fps", "30")
    assert_inspector_clean(tmp_path / "converted.nwb", ignore=("check_subject_exists",))
    assert_same_labels(source, sio.load_slp(str(back), open_videos=False))


def test_a_track_named_untracked_is_not_taken_for_untracked_instances(tmp_path):
    rng = np.random.default_rng(4)
    skeleton = sio.Skeleton(["a", "b"], name="s")
    named = sio.Track(name="untracked")
    frames = [
        (t, [_predicted(skeleton, named, rng)] + ([_predicted(skeleton, None, rng)] if t % 2 else [])) for t in range(4)
    ]
    path, source = _other_lab_labels(tmp_path, frames)
    assert_same_labels(source, sio.load_slp(str(round_trip(path, tmp_path, "--fps", "30")), open_videos=False))


@pytest.mark.parametrize("kind", ["no frames", "suggestions only"])
def test_a_project_without_poses_is_refused(tmp_path, kind):
    from poseconv import SLEAPPoseInterface
    from poseconv.errors import InvalidSourceFileError

    video = sio.Video(filename="session.mp4", open_backend=False)
    suggestions = [sio.SuggestionFrame(video=video, frame_idx=t) for t in range(3)] if kind != "no frames" else []
    labels = sio.Labels(videos=[video], skeletons=[sio.Skeleton(["a", "b"])], suggestions=suggestions)
    path = tmp_path / "empty.slp"
    sio.save_slp(labels, path)
    with pytest.raises(InvalidSourceFileError, match="empty.slp: holds no poses"):
        SLEAPPoseInterface(file_path=path, sampling_frequency=30.0)
    result = poseconv_in_process("convert", path, "-o", tmp_path / "out.nwb", "--fps", "30")
    assert result.returncode == 1 and "holds no poses" in result.stderr
    assert not (tmp_path / "out.nwb").exists()


def test_centroids_without_poses_are_refused_as_centroids(tmp_path):
    from poseconv import SLEAPPoseInterface
    from poseconv.errors import InvalidSourceFileError

    # What a centroid model run alone writes (sleap-nn): one point per animal and frame, no instance.
    video = sio.Video(filename="session.mp4", open_backend=False)
    frames = [
        sio.LabeledFrame(video=video, frame_idx=t, centroids=[sio.PredictedCentroid(x=1.0 + t, y=2.0, score=0.7)])
        for t in range(3)
    ]
    path = tmp_path / "centroids.slp"
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=[sio.Skeleton(["centroid"])]), path)
    said = "centroids.slp: holds 3 centroid\\(s\\) and no pose"
    with pytest.raises(InvalidSourceFileError, match=said):
        SLEAPPoseInterface(file_path=path, sampling_frequency=30.0)
    result = poseconv_in_process("convert", path, "-o", tmp_path / "out.nwb", "--fps", "30")
    assert result.returncode == 1 and "centered-instance model" in result.stderr


def test_files_written_before_the_track_column_said_untracked_still_export_untracked(tmp_path):
    import h5py

    rng = np.random.default_rng(5)
    skeleton = sio.Skeleton(["a", "b"], name="s")
    mouse = sio.Track(name="mouse")
    frames = [(t, [_predicted(skeleton, mouse, rng), _predicted(skeleton, None, rng)]) for t in range(3)]
    path, source = _other_lab_labels(tmp_path, frames)
    nwb = tmp_path / "converted.nwb"
    poseconv("convert", path, "-o", nwb, "--session-start-time", "2024-05-03T11:26:42+02:00", "--fps", "30")
    # As the previous release wrote TrackOrder: the untracked container's track column held its name.
    with h5py.File(nwb, "r+") as handle:
        table = handle["processing/behavior/TrackOrder"]
        tracks = [t.decode() if isinstance(t, bytes) else t for t in table["track"][()]]
        assert tracks == ["mouse", ""]
        del table["track"]
        table.create_dataset("track", data=["mouse", "untracked"], dtype=h5py.string_dtype())
        for name, value in (("neurodata_type", "VectorData"), ("namespace", "hdmf-common")):
            table["track"].attrs[name] = value
        table["track"].attrs["description"] = "The individual/track it holds, as the pose file names it."
        table["track"].attrs["object_id"] = "00000000-0000-0000-0000-000000000000"
    back = tmp_path / "back.slp"
    poseconv("export", nwb, "--to", "slp", back)
    assert_same_labels(source, sio.load_slp(str(back), open_videos=False))


def test_instances_without_points_and_a_nan_instance_score_come_back(tmp_path):
    # SLEAP keeps a prediction whose points are all missing (with its score) and a user instance whose
    # points are all hidden; the NWB file records them by their scores and user flag. Before, the exports
    # left both out (.slp and analysis), and a prediction's NaN instance score came back as the mean of
    # its point scores (0.85 here).
    skeleton = sio.Skeleton(["a", "b", "c"], name="body")
    track_t, track_u = sio.Track("t"), sio.Track("u")
    video = sio.Video(filename="clip.mp4", open_backend=False)
    nan = np.full((3, 2), np.nan)
    points = np.array([[1.5, 2.5], [np.nan, np.nan], [3.25, 4.0]])
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=0,
            instances=[
                sio.PredictedInstance.from_numpy(
                    nan, point_scores=[np.nan] * 3, score=0.11, skeleton=skeleton, track=track_t
                )
            ],
        ),
        sio.LabeledFrame(
            video=video, frame_idx=1, instances=[sio.Instance.from_numpy(nan, skeleton=skeleton, track=track_u)]
        ),
        sio.LabeledFrame(
            video=video,
            frame_idx=2,
            instances=[
                sio.PredictedInstance.from_numpy(
                    points, point_scores=[0.0, np.nan, 1.7], score=np.nan, skeleton=skeleton, track=track_t
                )
            ],
        ),
    ]
    source = tmp_path / "pointless.slp"
    sio.save_slp(
        sio.Labels(labeled_frames=frames, skeletons=[skeleton], tracks=[track_t, track_u], videos=[video]), str(source)
    )
    back = round_trip(source, tmp_path, "--fps", 30)
    assert_same_labels(sio.load_slp(str(source), open_videos=False), sio.load_slp(str(back), open_videos=False))
    poseconv("export", tmp_path / "converted.nwb", "--to", "sleap-analysis", tmp_path / "back.analysis.h5")
    import h5py

    with h5py.File(tmp_path / "back.analysis.h5", "r") as handle:
        # (frames, tracks): t in frames 0 and 2, u in frame 1.
        np.testing.assert_array_equal(handle["track_occupancy"][()], [[1, 0], [0, 1], [1, 0]])
        np.testing.assert_array_equal(handle["instance_scores"][()][0], [np.float32(0.11), np.nan, np.nan])


def test_the_exported_video_records_the_frame_rate_the_poses_were_written_at(
    tmp_path, generated_single_animal_untracked
):
    # The source's video records 30 fps; an exported video without it left sleap-io's fps None.
    source = sio.load_slp(str(generated_single_animal_untracked.path), open_videos=False)
    assert source.videos[0].fps == 30.0
    back = round_trip(generated_single_animal_untracked.path, tmp_path)
    assert [video.fps for video in sio.load_slp(str(back), open_videos=False).videos] == [30.0]
    # A rate the user states is the one the poses are written at, and the one exported.
    stated = tmp_path / "stated"
    stated.mkdir()
    back = round_trip(generated_single_animal_untracked.path, stated, "--fps", "25")
    assert [video.fps for video in sio.load_slp(str(back), open_videos=False).videos] == [25.0]


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")
def test_a_track_s_two_skeletons_in_one_frame_come_back_from_both_exports(generated_one_track_two_skeletons, tmp_path):
    # Frame 2 holds the track's "fly" instance and its "mouse" one (a user instance over a prediction): two containers.
    source = generated_one_track_two_skeletons.expected["labels"]
    back = round_trip(generated_one_track_two_skeletons.path, tmp_path, "--fps", "30")
    assert_same_labels(source, sio.load_slp(str(back), open_videos=False))
    # The analysis layout has one skeleton: each container is a track of the nodes of both skeletons.
    analysis = tmp_path / "back.analysis.h5"
    poseconv("export", tmp_path / "converted.nwb", "--to", "sleap-analysis", analysis)
    frame_2 = {i.track.name: i.numpy() for lf in sio.load_analysis_h5(str(analysis)) if lf.frame_idx == 2 for i in lf}
    fly, user = source[2].instances[0], source[2].instances[2]
    np.testing.assert_array_equal(frame_2["animal_fly"][:3], fly.numpy())
    np.testing.assert_array_equal(frame_2["animal_mouse"][3:], user.numpy())


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")
def test_an_image_sequence_is_linked_as_its_images_and_comes_back_as_one(generated_image_sequence, tmp_path):
    # Before, the NWB file linked no video, its description said the first image did not exist, and the
    # export named the first image alone: sleap-io then read a 1-frame video ("Frame index 3 out of range").
    files = generated_image_sequence.expected["files"]
    back = round_trip(generated_image_sequence.path, tmp_path, "--fps", "30")
    nwb = tmp_path / "converted.nwb"
    assert_inspector_clean(nwb, ignore=("check_subject_exists",))
    with NWBHDF5IO(nwb, "r") as io:
        [video] = io.read().acquisition.values()
        assert [str((tmp_path / f).resolve()) for f in video.external_file[:]] == files
        assert list(video.starting_frame[:]) == [0, 1, 2, 3]
        pose_estimation = io.read().processing["behavior"]["PoseEstimation"]
        assert pose_estimation.source_video.name == video.name
        assert "does not exist" not in pose_estimation.description
    got = sio.load_slp(str(back))
    assert_same_labels(generated_image_sequence.expected["labels"], got)
    assert got.videos[0].filename == files
    assert got.videos[0].shape == (4, 40, 60, 1)
    assert got[-1].frame_idx == 3 and int(got[-1].image[0, 0, 0]) == 150


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")
def test_an_image_sequence_whose_images_are_not_all_here_says_so(generated_image_sequence, tmp_path):
    Path(generated_image_sequence.expected["files"][2]).unlink()
    round_trip(generated_image_sequence.path, tmp_path, "--fps", "30")
    [pose] = read_nwb(tmp_path / "converted.nwb")
    description = pose.notes["descriptions"]["m"]
    first = generated_image_sequence.expected["files"][0]
    assert f"recorded the video as 4 image files, the first '{first}', which do not all exist" in description
    assert pose.videos["images"].original_path == first
