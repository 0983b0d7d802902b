"""SLEAP files as labs have them: SLEAP 1.0 labels saved as .h5, the CSV export."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from poseconv.catalog import check_format, detect_format, get_format
from poseconv.errors import InvalidSourceFileError
from poseconv.readers.sleap import read_sleap_csv, read_sleap_labels
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import (
    SLP_CENTERED_PAIR,
    SLP_TYPICAL,
    assert_track_equals_instances,
    tracked_instances,
)

pytestmark = needs_shared_data

ANALYSIS_H5 = SLP_CENTERED_PAIR.parents[1] / "slp_hdf5/minimal_instance.000_centered_pair_low_quality.analysis.h5"


def test_sleap_1_0_labels_saved_as_h5_are_read_as_slp(tmp_path):
    # SLEAP 1.0 wrote labels in the .slp HDF5 layout under an .h5 name (the same bytes as a .slp).
    old = tmp_path / "centered_pair_predictions.h5"
    shutil.copy(SLP_CENTERED_PAIR, old)
    fmt = detect_format(old)
    assert fmt.name == "SLEAP"
    check_format(old, get_format("sleap"))
    pose = fmt.read(old)

    import sleap_io

    labels = sleap_io.load_slp(str(old), open_videos=False)
    (video,) = labels.videos
    expected = tracked_instances(labels, video)
    assert sorted(track.name for track in pose.tracks) == sorted(expected)
    n_frames = max(int(lf.frame_idx) for lf in labels.labeled_frames) + 1
    for track in pose.tracks:
        assert_track_equals_instances(track, expected[track.name], n_frames=n_frames, tracking_scores=True)
    assert list(pose.videos) == ["centered_pair_low_quality"]


def test_sleap_1_0_labels_h5_give_their_user_labels_and_analysis_exports_do_not(tmp_path):
    old = tmp_path / "typical.h5"
    shutil.copy(SLP_TYPICAL, old)
    assert len(read_sleap_labels(old).frames) == len(read_sleap_labels(SLP_TYPICAL).frames) == 1
    with pytest.raises(InvalidSourceFileError, match="does not record which poses a user placed"):
        read_sleap_labels(ANALYSIS_H5)


def _write_sleap_csv(source, path):
    """Export ``source`` as SLEAP's analysis CSV with sleap-io's writer (``format="sleap"``)."""
    import sleap_io

    labels = sleap_io.load_slp(str(source), open_videos=False)
    sleap_io.save_csv(labels, str(path), format="sleap")
    return labels


def test_sleap_analysis_csv_every_value_of_every_track(tmp_path):
    path = tmp_path / "centered_pair.analysis.csv"
    labels = _write_sleap_csv(SLP_CENTERED_PAIR, path)
    assert detect_format(path).name == "SLEAP CSV"
    pose = read_sleap_csv(path)
    assert pose.source_software == "SLEAP" and list(pose.videos) == ["centered_pair"]
    (video,) = labels.videos
    expected = tracked_instances(labels, video)
    assert sorted(track.name for track in pose.tracks) == sorted(expected)
    nodes = pose.skeletons["Skeleton"].nodes
    file_order = [node.name for node in labels.skeletons[0].nodes]
    columns = [file_order.index(node) for node in nodes]
    n_frames = max(int(lf.frame_idx) for lf in labels.labeled_frames) + 1
    for track in pose.tracks:
        by_frame = expected[track.name]
        assert track.n_frames == n_frames
        present = np.zeros(n_frames, dtype=bool)
        for frame, inst in by_frame.items():
            present[frame] = True
            np.testing.assert_array_equal(track.positions[frame], inst.numpy()[columns])
            np.testing.assert_array_equal(track.confidence[frame], inst.points["score"][columns])
            np.testing.assert_array_equal(track.instance_scores[frame], inst.score)
        assert np.isnan(track.positions[~present]).all()
        assert np.isnan(track.instance_scores[~present]).all()


def test_sleap_analysis_csv_untracked_and_user_instances(tmp_path):
    path = tmp_path / "typical.csv"
    labels = _write_sleap_csv(SLP_TYPICAL, path)
    pose = read_sleap_csv(path)
    assert [track.name for track in pose.tracks] == ["1", "2", "untracked"]
    (frame,) = labels.labeled_frames
    user = {inst.track.name: inst for inst in frame.user_instances}
    for name in ("1", "2"):
        track = next(t for t in pose.tracks if t.name == name)
        np.testing.assert_array_equal(track.positions[0], user[name].numpy())
        # User instances have no scores: SLEAP leaves the cells empty.
        assert np.isnan(track.confidence[0]).all() and np.isnan(track.instance_scores[0])


def test_sleap_csv_with_two_instances_of_one_track_in_a_frame_is_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("track,frame_idx,instance.score,a.x,a.y,a.score\nt,0,1,1,2,1\nt,0,1,3,4,1\n")
    with pytest.raises(InvalidSourceFileError, match=r"twice.csv: frame\(s\) \[0\] hold track 't' twice"):
        read_sleap_csv(path)


def test_sleap_csv_converts_through_its_interface(tmp_path):
    import datetime

    import pynwb

    from poseconv.interfaces import SLEAPCSVPoseInterface

    path = tmp_path / "typical.analysis.csv"
    _write_sleap_csv(SLP_TYPICAL, path)
    interface = SLEAPCSVPoseInterface(path, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    with pynwb.NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        behavior = io.read().processing["behavior"]
        estimations = [obj for obj in behavior.data_interfaces.values() if type(obj).__name__ == "PoseEstimation"]
        assert len(estimations) == 3 and {e.source_software for e in estimations} == {"SLEAP"}


@pytest.mark.parametrize("suffix", [".slp", ".analysis.h5"])
def test_an_unnamed_track_never_takes_the_name_of_a_named_one(tmp_path, suffix):
    # A track with an empty name is called track_<position>; a track the file names "track_0"
    # keeps that name even when the unnamed one comes first.
    import sleap_io

    source = sleap_io.load_slp(str(SLP_CENTERED_PAIR), open_videos=False)
    first, second = source.tracks[0].name, source.tracks[1].name
    expected = tracked_instances(source, source.videos[0])
    labels = sleap_io.load_slp(str(SLP_CENTERED_PAIR), open_videos=False)
    labels.tracks[0].name, labels.tracks[1].name = "", "track_0"
    path = tmp_path / f"renamed{suffix}"
    if suffix == ".slp":
        sleap_io.save_slp(labels, str(path))
    else:
        sleap_io.save_analysis_h5(labels, str(path))
    pose = get_format("sleap").read(path)
    tracks = {track.name: track for track in pose.tracks}
    assert {"track_0", "track_0_2"} <= set(tracks) and "" not in tracks
    for name, original in (("track_0", second), ("track_0_2", first)):
        for frame, instance in expected[original].items():
            np.testing.assert_array_equal(tracks[name].positions[frame], instance.numpy())


def test_labels_on_a_few_frames_of_a_long_video_are_pointed_to_training_data(tmp_path):
    # Three labels spread over a 24-hour recording are too sparse for a time series; the message said only
    # "damaged", although --source sleap-labels converts them.
    import sleap_io as sio

    from poseconv.readers.sleap import read_sleap

    skeleton = sio.Skeleton(["a", "b"], name="s")
    video = sio.Video(filename="longrec.mp4", open_backend=False)
    frames = [
        sio.LabeledFrame(
            video=video, frame_idx=f, instances=[sio.Instance.from_numpy(np.ones((2, 2)), skeleton=skeleton)]
        )
        for f in (100, 6_000_000, 12_000_000)
    ]
    path = tmp_path / "sparse.slp"
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton]), str(path))
    with pytest.raises(InvalidSourceFileError, match=r"reach frame 12,000,000.*--source sleap-labels"):
        read_sleap(path)
    assert len(read_sleap_labels(path).frames) == 3


@pytest.mark.parametrize("scored", [True, False])
def test_movements_sleap_analysis_files_do_not_say_sleap_estimated_the_poses(tmp_path, scored):
    # movement writes any tool's poses in SLEAP's analysis layout: points with scores, instances without. They
    # were recorded as SLEAP's, their DeepLabCut likelihoods described as SLEAP's part confidence maps. Without
    # confidence (from_numpy's default: NaN scores), no video and no provenance, they still were.
    load_poses = pytest.importorskip("movement.io.load_poses")
    save_poses = pytest.importorskip("movement.io.save_poses")
    from poseconv.metadata.defaults import default_pose_metadata
    from poseconv.readers.sleap import read_sleap
    from poseconv.readers.sleap.analysis import OTHER_WRITER_NOTE, UNKNOWN_WRITER

    rng = np.random.default_rng(3)
    position = rng.uniform(0, 640, size=(12, 2, 2, 2))
    confidence = rng.uniform(size=(12, 2, 2))
    position[7] = confidence[7] = np.nan
    confidence = confidence if scored else np.full_like(confidence, np.nan)
    dataset = load_poses.from_numpy(
        position_array=position, confidence_array=confidence if scored else None, individual_names=["a", "b"], fps=30
    )
    path = tmp_path / "poses.analysis.h5"
    save_poses.to_sleap_analysis_file(dataset, path)
    pose = read_sleap(path)
    assert pose.source_software == UNKNOWN_WRITER
    assert "part confidence map" not in pose.tracks[0].confidence_definition
    container = next(iter(default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()))
    assert OTHER_WRITER_NOTE in container["description"]
    for k, track in enumerate(pose.tracks):
        np.testing.assert_array_equal(track.positions, position[..., k].transpose(0, 2, 1))
        np.testing.assert_array_equal(track.confidence, confidence[..., k])


def test_an_analysis_file_that_records_no_video_links_the_one_it_is_named_after(tmp_path):
    # movement's to_sleap_analysis_file records video_path "", as can any writer: like the CSV export, the
    # file is named after its video, which sits beside it (SLEAP's default name, or the user's).
    load_poses = pytest.importorskip("movement.io.load_poses")
    save_poses = pytest.importorskip("movement.io.save_poses")
    from poseconv.readers.sleap import read_sleap

    dataset = load_poses.from_numpy(position_array=np.ones((4, 2, 1, 1)), individual_names=["a"], fps=30)
    for name, video in [
        ("mouse1.analysis.h5", "mouse1.mp4"),
        ("labels.v001.000_mouse2.analysis.h5", "mouse2.avi"),
        ("day.003_cam.analysis.h5", "day.003_cam.mp4"),  # a video name that looks like SLEAP's default
    ]:
        save_poses.to_sleap_analysis_file(dataset, tmp_path / name)
        (tmp_path / video).write_bytes(b"")
        pose = read_sleap(tmp_path / name)
        assert [(key, info.path) for key, info in pose.videos.items()] == [
            (video.rsplit(".", 1)[0], (tmp_path / video).resolve())
        ], name
        assert pose.notes["video_found_by"].startswith("named after the video")


def test_an_analysis_file_that_records_no_video_links_nothing_when_none_is_beside_it(tmp_path):
    load_poses = pytest.importorskip("movement.io.load_poses")
    save_poses = pytest.importorskip("movement.io.save_poses")
    from poseconv.readers.sleap import read_sleap

    dataset = load_poses.from_numpy(position_array=np.ones((4, 2, 1, 1)), individual_names=["a"], fps=30)
    save_poses.to_sleap_analysis_file(dataset, tmp_path / "mouse1.analysis.h5")
    (tmp_path / "mouse2.mp4").write_bytes(b"")
    pose = read_sleap(tmp_path / "mouse1.analysis.h5")
    assert [(info.key, info.path) for info in pose.videos.values()] == [("mouse1", None)]


@pytest.mark.parametrize(("recorded", "linked"), [("stack.tif", True), ("img_000.png", False)])
def test_an_analysis_file_recording_a_tiff_links_it_as_a_stack_and_an_image_as_no_video(tmp_path, recorded, linked):
    # A TIFF may be a multi-page stack (sleap-io's TiffVideo), a video; one PNG is the first image of an image
    # sequence (SLEAP's SingleImageVideo), never the video.
    import h5py

    load_poses = pytest.importorskip("movement.io.load_poses")
    save_poses = pytest.importorskip("movement.io.save_poses")
    from poseconv.readers.sleap import read_sleap

    dataset = load_poses.from_numpy(position_array=np.ones((4, 2, 1, 1)), individual_names=["a"], fps=30)
    path = tmp_path / "poses.analysis.h5"
    save_poses.to_sleap_analysis_file(dataset, path)
    (tmp_path / recorded).write_bytes(b"")
    with h5py.File(path, "a") as handle:
        del handle["video_path"]
        handle["video_path"] = str(tmp_path / recorded)
    (info,) = read_sleap(path).videos.values()
    assert info.path == ((tmp_path / recorded).resolve() if linked else None)
