"""SLEAP's NWB files: sleap-io's writer (poses and PoseTraining) and neuroconv's SLEAPInterface, both paths.

neuroconv's ``SLEAPInterface`` writes one track with ndx-pose objects of its own when a track is
chosen (``PoseEstimation<Track>``, series ``PoseEstimationSeries<Node>``, timestamps of the frames
the track holds). Without a track on a multi-track file (deprecated) it hands the file to
sleap-io's writer, which stores ``frame * fps`` as times and, for a series missing no frame, a rate
``int(1 / fps)``, 0.0 for any frame rate above 1 fps: poseconv reads the frames back from the step
of the times (see ``poseconv.nwb.read.frame_times``).
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import h5py
import numpy as np
import pytest
import sleap_io

from poseconv.errors import PoseconvWarning
from poseconv.nwb.read.pose import read_nwb
from poseconv.nwb.read.training import read_training
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.paths import SHARED_DATA

from .checks import assert_values, check_inspect_and_export, run_cli

SLEAP_IO_NWB = SHARED_DATA / "sleap-io.js/tests/data/nwb"
SLP = SHARED_DATA / "neuroconv/behavior_testing_data/sleap/predictions_1.2.7_provenance_and_tracking.slp"
MELANOGASTER = SHARED_DATA / "neuroconv/behavior_testing_data/sleap/melanogaster_courtship.slp"


def _expected(labels, track: str, frames: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Positions and scores of ``track`` on ``frames`` as the .slp holds them (NaN where it has no instance)."""
    n_nodes = len(labels.skeletons[0].nodes)
    positions = np.full((len(frames), n_nodes, 2), np.nan)
    scores = np.full((len(frames), n_nodes), np.nan)
    row = {frame: i for i, frame in enumerate(frames)}
    for labeled in labels.labeled_frames:
        for instance in labeled.instances:
            if instance.track is not None and instance.track.name == track and labeled.frame_idx in row:
                points = instance.numpy(scores=True)
                positions[row[labeled.frame_idx]] = points[:, :2]
                scores[row[labeled.frame_idx]] = points[:, 2]
    return positions, scores


def _convert(tmp_path, name, file_path=SLP, **kwargs):
    from neuroconv.datainterfaces import SLEAPInterface

    path = tmp_path / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface = SLEAPInterface(file_path=file_path, **kwargs)
        metadata = interface.get_metadata()
        metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
        interface.run_conversion(nwbfile_path=path, metadata=metadata)
    return path


def test_sleap_io_poses_one_container_per_track(tmp_path):
    """sleap-io: module SLEAP_VIDEO_000_*, containers 'track=<name>', each series its own frames and times."""
    path = SLEAP_IO_NWB / "minimal.pose.nwb"
    [pose] = read_nwb(path)
    assert pose.source_software == "SLEAP" and pose.scorer is None
    assert pose.track_names() == ["1", "2"]
    assert pose.videos["minimal"].original_path == "/data/minimal.mp4"
    one, two = pose.tracks
    assert pose.skeletons[one.skeleton].nodes == ("A", "B")
    assert_values(one.positions[:, 0], [[10, 20], [11, 21], [12, 22]])
    assert_values(one.positions[:, 1], [[30, 40], [31, 41], [32, 42]])
    assert_values(one.confidence[:, 1], [0.8, 0.8, 0.8])
    # Track 2's node B has no frame at all and its node A none on frame 2: NaN there.
    assert_values(two.positions[:, 0], [[50, 60], [51, 61], [np.nan, np.nan]])
    assert np.isnan(two.positions[:, 1]).all()
    assert_values(pose.timing["minimal"].times(3), [0.0, 1.0, 2.0])
    # sleap-io's own reader gives the same points.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = sleap_io.load_nwb(str(path))
    for frame, labeled in enumerate(labels.labeled_frames):
        for instance, track in zip(labeled.instances, pose.tracks, strict=False):
            assert_values(track.positions[frame], instance.numpy())
    check_inspect_and_export(path, [pose], tmp_path)


def test_sleap_io_annotations_pose_training(tmp_path):
    """sleap-io's PoseTraining: instances 'instance_<i>' (no identities), visibility, video of 8 frames at 10 fps."""
    path = SLEAP_IO_NWB / "minimal.annotations.nwb"
    training = read_training(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = sleap_io.load_nwb(str(path))
    [skeleton] = training.skeletons.values()
    assert skeleton.nodes == tuple(labels.skeletons[0].node_names) and skeleton.edges == ((0, 1), (1, 2))
    [video] = training.videos.values()
    assert (video.original_path, video.n_frames, video.fps, video.frame_size) == (
        "/tmp/minimal_annot_src.mp4",
        8,
        10.0,
        (32, 32),
    )
    assert training.individuals == []
    assert [frame.frame_index for frame in training.frames] == [lf.frame_idx for lf in labels.labeled_frames]
    for frame, labeled in zip(training.frames, labels.labeled_frames, strict=True):
        assert len(frame.instances) == len(labeled.instances)
        for instance, expected in zip(frame.instances, labeled.instances, strict=True):
            assert instance.individual is None
            assert_values(np.where(instance.visible[:, None], instance.points, np.nan), expected.numpy())
    run_cli("inspect", path)
    # Without --training there are no poses to export: the error says where the labels are.
    refused = poseconv_in_process("export", path, "--to", "slp", tmp_path / "poses.slp", "-q")
    assert refused.returncode != 0 and "holds no PoseEstimation" in refused.stderr
    assert "--training" in refused.stderr and not (tmp_path / "poses.slp").exists()
    run_cli("export", path, "--training", "--to", "slp", tmp_path / "annotations.slp", "-q")
    exported = sleap_io.load_slp(tmp_path / "annotations.slp")
    for labeled, expected in zip(exported.labeled_frames, labels.labeled_frames, strict=True):
        assert labeled.frame_idx == expected.frame_idx
        for instance, want in zip(labeled.instances, expected.instances, strict=True):
            assert_values(instance.numpy(), want.numpy())


@pytest.mark.parametrize("timing", ["frames_per_second", "video_file_path"])
def test_neuroconv_sleap_interface_one_track(tmp_path, timing):
    """neuroconv with a track: 'PoseEstimationTrack0', series 'PoseEstimationSeries<Node>', the track's frames."""
    labels = sleap_io.load_slp(SLP)
    options = {"frames_per_second": 30.0} if timing == "frames_per_second" else {}
    if timing == "video_file_path":
        # The recording these predictions were made on is not available: any video of as many frames times it.
        options["video_file_path"] = SHARED_DATA / "neuroconv/behavior_testing_data/sleap/melanogaster_courtship.mp4"
        from neuroconv.datainterfaces.behavior.sleap.sleap_utils import extract_timestamps

        # Decoded once for both tracks (every frame of the video: 2 s).
        video_times = np.asarray(extract_timestamps(options["video_file_path"]))
    for track_name in ("track_0", "track_1"):
        path = _convert(tmp_path, f"{track_name}.nwb", track_name=track_name, **options)
        [pose] = read_nwb(path)
        [track] = pose.tracks
        # neuroconv names the container 'PoseEstimation' + the track title-cased, without '_'.
        assert track.name == track_name.title().replace("_", "") and pose.source_software == "SLEAP"
        assert track.video == "20190128_113421"
        assert pose.videos[track.video].original_path == str(labels.videos[0].filename)
        assert pose.source_software_version == labels.provenance["sleap_version"]
        skeleton = pose.skeletons[track.skeleton]
        assert skeleton.nodes == tuple(labels.skeletons[0].node_names)
        assert set(skeleton.edges) == {
            (labels.skeletons[0].index(e.source), labels.skeletons[0].index(e.destination))
            for e in labels.skeletons[0].edges
        }
        frames = sorted(
            lf.frame_idx for lf in labels.labeled_frames if any(i.track and i.track.name == track_name for i in lf)
        )
        positions, scores = _expected(labels, track_name, frames)
        # neuroconv stores the track's frames only, with their times (frame / fps, or the video's): each pose is
        # read onto its video frame (frames 0 to the last), the frames the track is not in missing.
        assert track.n_frames == frames[-1] + 1
        assert_values(track.positions[frames], positions)
        assert_values(track.confidence[frames], scores)
        absent = np.setdiff1d(np.arange(track.n_frames), frames)
        assert np.isnan(track.positions[absent]).all() and np.isnan(track.confidence[absent]).all()
        if timing == "frames_per_second":
            expected_times = np.arange(track.n_frames) / 30.0
        else:
            expected_times = video_times[: track.n_frames]
        times = pose.timing[track.video].times(track.n_frames)
        np.testing.assert_allclose(times[frames], expected_times[frames], rtol=0, atol=1e-9)
        np.testing.assert_allclose(times, expected_times, rtol=0, atol=1e-9)
        folder = tmp_path / f"{timing}_{track_name}"
        folder.mkdir()
        check_inspect_and_export(path, [pose], folder)


@pytest.mark.parametrize("slp", [SLP, MELANOGASTER], ids=["rate_zero", "timestamps"])
def test_neuroconv_sleap_interface_all_tracks(tmp_path, slp):
    """No track chosen (deprecated): sleap-io's writer, times frame * fps and a rate of 0.0 on full series.

    predictions_1.2.7 has series missing no frame (rate 0.0 beside timestamps); melanogaster_courtship
    has none (timestamps only, whole multiples of 30): both are read as frames at 30 fps.
    """
    labels = sleap_io.load_slp(slp)
    path = _convert(tmp_path, "legacy.nwb", file_path=slp, frames_per_second=30.0)
    with h5py.File(path, "r") as handle:
        rates = []
        handle.visititems(lambda n, o: rates.append(o.attrs["rate"]) if n.endswith("starting_time") else None)
    assert set(rates) == ({0.0} if slp == SLP else set())
    with pytest.warns(PoseconvWarning, match="stores a frame rate of 0.0" if slp == SLP else "frame x fps"):
        [pose] = read_nwb(path)
    frames = sorted(lf.frame_idx for lf in labels.labeled_frames)
    assert pose.track_names() == ["track_0", "track_1"]
    for track in pose.tracks:
        assert track.n_frames == len(frames)
        positions, scores = _expected(labels, track.name, frames)
        assert_values(track.positions, positions)
        # sleap-io drops a point without a position, its score with it.
        assert_values(track.confidence, np.where(np.isnan(positions).any(axis=2), np.nan, scores))
    [timing] = pose.timing.values()
    np.testing.assert_allclose(timing.times(len(frames)), np.asarray(frames) / 30.0, rtol=0, atol=1e-9)
    assert "frames at 30 fps" in timing.source
    check_inspect_and_export(path, [pose], tmp_path)


def test_rate_zero_without_a_step_is_refused(tmp_path):
    """Rate-0 series starting at different times, no timestamps beside them: the frames cannot be told."""
    from poseconv.errors import InvalidSourceFileError

    path = _convert(tmp_path, "legacy.nwb", frames_per_second=30.0)
    with h5py.File(path, "r+") as handle:
        group = handle["processing/SLEAP_VIDEO_000_20190128_113421"]
        del group["track=track_1"]
        container = group["track=track_0"]
        for name in list(container):
            if isinstance(container[name], h5py.Group) and "timestamps" in container[name]:
                del container[name]
        container["head/starting_time"][()] = 60.0
    with (
        pytest.raises(InvalidSourceFileError, match=r"different starting times \(\[0.0, 60.0\]\).*frame rate"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", PoseconvWarning)
        read_nwb(path)


def test_rate_zero_on_samples_frames_apart_keeps_the_first_and_leaves_out_the_rest(tmp_path):
    """sleap-io's writer (default 1 "fps") stores int(1 / spacing): two samples two frames apart get 0.0.

    Samples one frame apart would have stored 1.0, so the 0.0 says they are further apart, by a spacing it hides:
    only the first one's frame is known (its starting time). Placing the second on the next frame would put a
    pose on a frame it was not seen on.
    """
    skeleton = sleap_io.Skeleton(["a", "b"], name="skeleton")
    video = sleap_io.Video(filename="session.mp4", open_backend=False)
    steady, seldom = sleap_io.Track("steady"), sleap_io.Track("seldom")

    def instance(track, base):
        points = np.array([[base, base + 0.5], [base + 1, base + 1.5]])
        return sleap_io.PredictedInstance.from_numpy(points, skeleton=skeleton, track=track, point_scores=np.ones(2))

    frames = [
        sleap_io.LabeledFrame(
            video=video,
            frame_idx=frame,
            instances=[instance(steady, frame)] + ([instance(seldom, 100 + frame)] if frame in (2, 4) else []),
        )
        for frame in range(8)
    ]
    labels = sleap_io.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[steady, seldom])
    path = tmp_path / "sleap_io.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sleap_io.save_nwb(labels, str(path))
    with h5py.File(path, "r") as handle:
        assert handle["processing/SLEAP_VIDEO_000_session/track=seldom/a/starting_time"].attrs["rate"] == 0.0
    with pytest.warns(PoseconvWarning, match=r"track=seldom/a \(1 of 2\), .*track=seldom/b \(1 of 2\)"):
        [pose] = read_nwb(path)
    by_name = {track.name: track for track in pose.tracks}
    steady_track, seldom_track = by_name["steady"], by_name["seldom"]
    assert_values(steady_track.positions[:, 0, 0], np.arange(8.0))
    expected = np.full(8, np.nan)
    expected[2] = 102.0
    assert_values(seldom_track.positions[:, 0, 0], expected)


def test_sleap_io_poses_with_video_timestamps_stay_on_their_frames(tmp_path):
    # sleap-io's writer, given the video's times, stores a series without a missing frame as the rate
    # float(int(1 / period)): 29.0 (or 7.0 for every 4th frame) at 30 fps, and the frames the other series
    # store skip those no node was in. Read as rows, the poses after a gap (and after a 29.0 series' phantom
    # frames) were on other frames in the exports.
    from sleap_io.io import nwb_predictions

    source = SHARED_DATA / "sleap/tests/data/hdf5_format_v1/centered_pair_predictions.slp"
    labels = sleap_io.load_slp(source)
    n_frames = max(lf.frame_idx for lf in labels.labeled_frames) + 1
    # The tracks whose series sleap-io stores at 29.0 (11), 7.0 (26), 10.0 (17) and 15.0 (4, 20), and one at
    # 30.0 (1), each with its gaps, over the file's 1100 frames: writing and reading the 648 series of all 27
    # tracks made this test 8 s (now 2 s), for the same few rates over again.
    labels = _with_tracks(labels, {"1", "4", "11", "17", "20", "26"})
    path = tmp_path / "timestamps.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metadata = {"video_timestamps": np.arange(n_frames) / 30.0}
        nwb_predictions.write_nwb(labels, path, pose_estimation_metadata=metadata)
    with h5py.File(path) as f:
        rates = {
            float(f[name].attrs["rate"])
            for name in _datasets_named(f, "starting_time")
            if name.startswith("/processing/SLEAP_VIDEO_")
        }
    assert {29.0, 7.0} <= rates  # the file has the truncated rates this is about
    with pytest.warns(PoseconvWarning, match=r"store the rate\(s\) \[7.0, 29.0\] .* read at 30 fps"):
        [pose] = read_nwb(path)
    tracks = {track.name: track for track in pose.tracks}
    assert {track.n_frames for track in pose.tracks} == {n_frames}
    np.testing.assert_allclose(pose.timing[pose.tracks[0].video].times(n_frames), np.arange(n_frames) / 30.0)
    names = sorted({instance.track.name for lf in labels.labeled_frames for instance in lf.instances})
    for name in names:
        positions, scores = _expected(labels, name, list(range(n_frames)))
        # sleap-io's writer drops the NaN points, so a frame where a node is missing is missing here too.
        track = tracks[f"track={name}"] if f"track={name}" in tracks else tracks[name]
        assert_values(track.positions, positions)
        seen = ~np.isnan(positions[..., 0])
        assert_values(track.confidence[seen], scores[seen])


def _with_tracks(labels, names: set[str]):
    """``labels`` with only the instances of the tracks ``names`` (and the frames that hold one)."""
    frames = []
    for labeled in labels.labeled_frames:
        instances = [i for i in labeled.instances if i.track is not None and i.track.name in names]
        if instances:
            frames.append(sleap_io.LabeledFrame(video=labeled.video, frame_idx=labeled.frame_idx, instances=instances))
    tracks = [track for track in labels.tracks if track.name in names]
    assert len(tracks) == len(names)
    return sleap_io.Labels(labeled_frames=frames, videos=labels.videos, skeletons=labels.skeletons, tracks=tracks)


def _datasets_named(f, name: str) -> list[str]:
    found = []
    f.visititems(lambda key, obj: found.append(obj.name) if key.endswith(f"/{name}") else None)
    return found


def test_sleap_io_annotations_with_subjects_table(tmp_path):
    """sleap-io's use_multisubjects=True: an instance's id is the SubjectsTable row whose subject_id is its track."""
    import pandas as pd
    from sleap_io.io import nwb_annotations

    labels = sleap_io.load_slp(SHARED_DATA / "sleap/tests/data/tracks/clip.slp")  # proofread tracks female, male
    labels.labeled_frames = labels.labeled_frames[:10]
    path = tmp_path / "clip.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nwb_annotations.save_labels(labels, path, use_multisubjects=True)
    training = read_training(path)
    assert sorted(training.individuals) == ["female", "male"]
    for frame, labeled in zip(training.frames, labels.labeled_frames, strict=True):
        got = {instance.individual: instance.points for instance in frame.instances}
        want = {instance.track.name: instance.numpy() for instance in labeled.instances}
        assert sorted(got) == sorted(want)
        for name, points in want.items():
            assert_values(got[name], points)

    run_cli("export", path, "--training", "--to", "slp", tmp_path / "back.slp", "-q")
    back = sleap_io.load_slp(tmp_path / "back.slp")
    for labeled, expected in zip(back.labeled_frames, labels.labeled_frames, strict=True):
        assert sorted(i.track.name for i in labeled.instances) == sorted(i.track.name for i in expected.instances)
        for instance in labeled.instances:
            [want] = [i for i in expected.instances if i.track.name == instance.track.name]
            assert_values(instance.numpy(), want.numpy())
    # One animal per individual, as a DeepLabCut table holds them.
    run_cli("export", path, "--training", "--to", "dlc", tmp_path / "back.h5", "-q")
    table = pd.read_hdf(tmp_path / "back.h5")
    assert sorted(table.columns.get_level_values("individuals").unique()) == ["female", "male"]
    scorer = table.columns.get_level_values("scorer")[0]
    for row, labeled in enumerate(labels.labeled_frames):
        for instance in labeled.instances:
            values = table[scorer][instance.track.name].iloc[row].to_numpy().reshape(-1, 2)
            assert_values(values, instance.numpy())


@pytest.mark.parametrize("untracked_first", [False, True])
def test_sleap_io_subjects_table_with_untracked_instances(tmp_path, untracked_first):
    """An untracked instance's id is its place in the frame: the tracked ones of its frame keep their animals.

    typical.slp's frame 0 holds instances of tracks '1' and '2' (SubjectsTable rows 0 and 1) and an untracked one
    (id 2, no row); all three were read without an animal. Put first, the untracked one's id 0 is row 0 too: the two
    instances of id 0 are untracked, with a warning, and the other keeps '2'.
    """
    from sleap_io.io import nwb_annotations

    labels = sleap_io.load_slp(SHARED_DATA / "sleap-io.js/tests/data/slp/typical.slp")
    frame = labels.labeled_frames[0]
    assert [i.track.name if i.track else None for i in frame.instances] == ["1", "2", None]
    if untracked_first:
        frame.instances = frame.instances[2:] + frame.instances[:2]
    path = tmp_path / "typical.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nwb_annotations.save_labels(labels, path, use_multisubjects=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        training = read_training(path)
    said = [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]
    got = {tuple(np.nan_to_num(i.points).ravel()): i.individual for i in training.frames[0].instances}
    want = {"1": None, "2": "2", None: None} if untracked_first else {"1": "1", "2": "2", None: None}
    assert got == {tuple(np.nan_to_num(i.numpy()).ravel()): want[i.track and i.track.name] for i in frame.instances}
    assert training.individuals == ["1", "2"]
    assert bool(said) == untracked_first and all("share an id within a frame" in text for text in said)
