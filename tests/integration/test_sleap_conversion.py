"""SLEAP → NWB end to end, as a user runs it, read back and compared with what sleap-io reads."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest
import sleap_io as sio
from nwbinspector import Importance, inspect_nwbfile
from pynwb import NWBHDF5IO

from poseconv import SLEAPPoseInterface
from poseconv.errors import InvalidOptionError, InvalidSourceFileError, MetadataError, PoseconvWarning
from poseconv.metadata.defaults import container_key
from tests.fixtures.movement import plural_dims
from tests.fixtures.nwb import pose_estimations, user_metadata
from tests.fixtures.sleap import (
    CENTERED_PAIR_VIDEO,
    DLC_H5,
    H5_MATLAB,
    H5_OLD_MINIMAL,
    SLP_CLIP_PROOFREAD,
    SLP_COURTSHIP,
    SLP_MIN_SESSION,
    SLP_MINIMAL_PKG,
    SLP_PREDICTIONS_V11,
    SLP_PROVENANCE,
    one_instance_per_frame,
    tracked_instances,
)


def convert(interface, path: Path, species: str = "Drosophila melanogaster", **options) -> Path:
    metadata = user_metadata(interface, species=species)
    interface.run_conversion(nwbfile_path=path, metadata=metadata, overwrite=True, **options)
    return path


def assert_inspector_clean(nwbfile_path: Path) -> None:
    messages = list(inspect_nwbfile(nwbfile_path=nwbfile_path))
    bad = [m for m in messages if m.importance in (Importance.CRITICAL, Importance.BEST_PRACTICE_VIOLATION)]
    assert not bad, "\n".join(f"{m.importance.name} {m.check_function_name}: {m.message} ({m.location})" for m in bad)


def container_names(interface) -> dict[tuple[str, str], str]:
    """NWB container name by (video key, track name)."""
    metadata = interface.get_metadata()["Pose"]["PoseEstimations"]
    pose = interface.pose
    return {(t.video, t.name): metadata[container_key(pose, t)]["name"] for t in pose.tracks}


def assert_nwb_matches_sleap_io(nwbfile_path: Path, source: Path, interface) -> None:
    """Every coordinate and score sleap-io reads from ``source`` is in the NWB file, in its frame."""
    labels = sio.load_slp(str(source), open_videos=False)
    names = container_names(interface)
    keys = {facts["index"]: key for key, facts in interface.pose.notes["videos"].items()}
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        written = list(pose_estimations(behavior))
        # Beside a track whose user instances replaced predictions: those predictions' container.
        replaced = [
            f"{names[t.video, t.name]}_replaced_predictions"
            for t in interface.pose.tracks
            if t.replaced_predictions is not None
        ]
        assert sorted(written) == sorted([*names.values(), *replaced])
        for index, video in enumerate(labels.videos):
            frames = [lf.frame_idx for lf in labels.labeled_frames if lf.video is video]
            if not frames:
                continue
            for track_name, by_frame in tracked_instances(labels, video).items():
                container = behavior[names[keys[index], track_name]]
                assert container.source_software == "SLEAP"
                skeleton = by_frame[next(iter(by_frame))].skeleton
                assert list(container.skeleton.nodes[:]) == skeleton.node_names
                np.testing.assert_array_equal(container.skeleton.edges[:], skeleton.edge_inds)
                n_frames = max(frames) + 1
                positions = np.full((n_frames, len(skeleton.node_names), 2), np.nan)
                scores = np.full((n_frames, len(skeleton.node_names)), np.nan)
                instance_scores, user = np.full(n_frames, np.nan), np.zeros(n_frames, dtype="uint8")
                for frame, inst in by_frame.items():
                    positions[frame] = inst.numpy()
                    if isinstance(inst, sio.PredictedInstance):
                        scores[frame] = inst.points["score"]  # user instances keep NaN
                        instance_scores[frame] = inst.score
                    else:
                        user[frame] = 1
                # SLEAP's instance values, beside the container, on its times.
                name = names[keys[index], track_name]
                np.testing.assert_array_equal(behavior[f"{name}_user_labeled"].data[:], user)
                if f"{name}_instance_score" in behavior.data_interfaces:
                    np.testing.assert_array_equal(behavior[f"{name}_instance_score"].data[:], instance_scores)
                else:
                    assert np.isnan(instance_scores).all()
                for j, node in enumerate(skeleton.node_names):
                    series = container.pose_estimation_series[node]
                    assert series.data.dtype in (np.float32, np.float64)  # float32 where exact
                    np.testing.assert_array_equal(series.data[:], positions[:, j])
                    if series.confidence is not None:
                        np.testing.assert_array_equal(series.confidence[:], scores[:, j])
                        assert "user instance" in series.confidence_definition
                    else:
                        assert np.isnan(scores[:, j]).all()


@pytest.mark.parametrize(
    ("source", "options"),
    [
        (SLP_PROVENANCE, dict(sampling_frequency=25.0)),
        (SLP_CLIP_PROOFREAD, dict()),
    ],
    ids=["predictions-no-video", "proofread-with-video"],
)
def test_slp_to_nwb_every_value(tmp_path, source, options):
    interface = SLEAPPoseInterface(file_path=source, **options)
    nwbfile_path = convert(interface, tmp_path / "session.nwb")
    assert_nwb_matches_sleap_io(nwbfile_path, source, interface)
    assert_inspector_clean(nwbfile_path)


@pytest.mark.parametrize(
    ("source", "tracks"),
    [(H5_MATLAB, ["1", "10"]), (H5_OLD_MINIMAL, None)],
    ids=["matlab-subset", "old-minimal"],
)
def test_analysis_h5_to_nwb_every_value(tmp_path, source, tracks):
    interface = SLEAPPoseInterface(file_path=source, tracks=tracks, sampling_frequency=25.0)
    nwbfile_path = convert(interface, tmp_path / "analysis.nwb")
    with h5py.File(source, "r") as handle:
        raw = handle["tracks"][()].transpose(3, 0, 2, 1)  # matlab layout -> (frame, track, node, xy)
        names = [n.decode() for n in handle["track_names"][()]]
        nodes = [n.decode() for n in handle["node_names"][()]]
        scores = handle["point_scores"][()].transpose(2, 0, 1) if "point_scores" in handle else None
    containers = container_names(interface)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        for (_, name), container_name in containers.items():
            t = names.index(name)
            container = behavior[container_name]
            for j, node in enumerate(nodes):
                series = container.pose_estimation_series[node]
                np.testing.assert_array_equal(series.data[:], raw[:, t, j])
                if scores is None:
                    assert series.confidence is None
                else:
                    np.testing.assert_array_equal(series.confidence[:], scores[:, t, j])
    assert len(containers) == (len(tracks) if tracks else len(names))
    assert_inspector_clean(nwbfile_path)


def test_nwb_objects_link_video_device_and_skeleton(tmp_path):
    interface = SLEAPPoseInterface(file_path=SLP_PREDICTIONS_V11)
    nwbfile_path = convert(interface, tmp_path / "linked.nwb", stub_test=True)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        video = nwbfile.acquisition["Video 20190128_113421.120s"]
        assert video.format == "external"
        external = video.external_file[0]
        assert not Path(external).is_absolute()
        assert (
            (nwbfile_path.parent / external).resolve().samefile(SLP_PREDICTIONS_V11.parent / "20190128_113421.120s.mp4")
        )
        behavior = nwbfile.processing["behavior"]
        for name in ("PoseEstimation_track_0", "PoseEstimation_track_1"):
            container = behavior[name]
            assert container.source_video is video
            assert container.device.name == "Video 20190128_113421.120s Camera Device"
            assert container.skeleton.name == "Skeleton-0"
            assert container.skeleton.edges.dtype.kind == "u"
            assert container.scorer.startswith("topdown200705_154924.centroid.149")
            series = container.pose_estimation_series["head"]
            assert series.rate == pytest.approx(25.0) and series.starting_time == 0.0
            assert series.unit == "pixels" and "center of the top-left pixel" in series.reference_frame
    assert_inspector_clean(nwbfile_path)


def test_video_on_the_authors_machine_is_not_written(tmp_path):
    interface = SLEAPPoseInterface(file_path=SLP_PROVENANCE, sampling_frequency=25.0)
    nwbfile_path = convert(interface, tmp_path / "novideo.nwb")
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        assert len(nwbfile.acquisition) == 0
        container = nwbfile.processing["behavior"]["PoseEstimation_track_0"]
        assert container.source_video is None
        assert "/home/heberto/Downloads/20190128_113421.mp4" in container.description
        assert "does not exist" in container.description
        assert container.source_software_version == "1.2.7"


def test_video_file_path_given_by_the_user(tmp_path):
    video = SLP_PREDICTIONS_V11.parent / "20190128_113421.120s.mp4"
    # The same flies, so a fine stand-in: the 101 frames are the video's first ones, the rest have no pose.
    # SLEAP 1.2.7 records no video length: warned, so that a wrong video is seen.
    with pytest.warns(PoseconvWarning, match="poses end at frame 100, padded with NaN to the 3000 frames"):
        interface = SLEAPPoseInterface(file_path=SLP_PROVENANCE, video_file_path=video)
    assert "holds poses up to frame 100; the video has 3000 frames" in interface.pose.notes["model"]
    nwbfile_path = convert(interface, tmp_path / "given.nwb")
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        (image_series,) = nwbfile.acquisition.values()
        assert (nwbfile_path.parent / image_series.external_file[0]).resolve().samefile(video)
        # The frame times come from the video container: no rate had to be given.
        assert nwbfile.processing["behavior"]["PoseEstimation_track_0"].pose_estimation_series["head"].rate == 25.0


def test_two_skeletons_each_container_links_its_own(tmp_path, generated_two_skeletons):
    interface = SLEAPPoseInterface(file_path=generated_two_skeletons.path, sampling_frequency=30.0)
    nwbfile_path = convert(interface, tmp_path / "skeletons.nwb")
    assert_nwb_matches_sleap_io(nwbfile_path, generated_two_skeletons.path, interface)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        skeletons = behavior["Skeletons"].skeletons
        assert set(skeletons) == {"fly", "mouse"}
        assert behavior["PoseEstimation_fly"].skeleton is skeletons["fly"]
        assert behavior["PoseEstimation_mouse"].skeleton is skeletons["mouse"]
        np.testing.assert_array_equal(skeletons["mouse"].edges[:], [[0, 1], [0, 2], [0, 3]])
    assert_inspector_clean(nwbfile_path)


def test_two_videos_one_set_of_containers_each(tmp_path, generated_two_videos):
    interface = SLEAPPoseInterface(file_path=generated_two_videos.path, sampling_frequency=30.0)
    assert interface.get_timestamps()[1].shape == (2,)
    interface.set_aligned_timestamps([np.arange(4) / 10.0, 100 + np.arange(2) / 10.0])
    nwbfile_path = convert(interface, tmp_path / "videos.nwb")
    assert_nwb_matches_sleap_io(nwbfile_path, generated_two_videos.path, interface)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        left, backup = behavior["PoseEstimation_left_t1"], behavior["PoseEstimation_left_2_t1"]
        assert left.device.name == "Video left Camera Device" and backup.device.name == "Video left_2 Camera Device"
        np.testing.assert_allclose(left.pose_estimation_series["a"].get_timestamps(), np.arange(4) / 10.0)
        np.testing.assert_allclose(backup.pose_estimation_series["a"].get_timestamps(), 100 + np.arange(2) / 10.0)


def test_one_array_of_times_for_two_videos_says_how_to_give_each_its_own(generated_two_videos):
    # `--timestamps FILE` on a two-video .slp said "Expected timestamps for 2 videos, got 4": the 4 times counted as
    # videos, and neither the command line nor a spec was shown a way.
    interface = SLEAPPoseInterface(file_path=generated_two_videos.path, sampling_frequency=30.0)
    with pytest.raises(InvalidOptionError, match=r"2 videos \('left', 'left_2'\), and 4 times.*video_indices=\[i\]"):
        interface.set_aligned_timestamps(np.arange(4) / 10.0)


@pytest.fixture
def flat_min_session(tmp_path) -> Path:
    """min_session.slp (8 videos, 2 tracks) without its recording session: 8 camera videos, no calibration."""
    labels = sio.load_slp(str(SLP_MIN_SESSION), open_videos=False)
    labels.sessions.clear()
    path = tmp_path / "min_session.slp"
    sio.save_slp(labels, str(path))
    return path


def test_a_session_file_is_refused_its_calibration_would_be_dropped():
    with pytest.raises(InvalidSourceFileError, match="SLEAPSessionPoseInterface"):
        SLEAPPoseInterface(file_path=SLP_MIN_SESSION, sampling_frequency=30.0)


def test_eight_camera_videos_convert(tmp_path, flat_min_session):
    # Reading all 8 views is covered by the reader tests; writing 2 of them is enough here.
    interface = SLEAPPoseInterface(file_path=flat_min_session, video_indices=[0, 5], sampling_frequency=30.0)
    nwbfile_path = convert(interface, tmp_path / "session.nwb", species="Mus musculus")
    names = container_names(interface)
    assert {video for video, _ in names} == {"min_session_topL", "min_session_mid"}
    assert names["min_session_topL", "track_0"] == "PoseEstimation_min_session_topL_track_0"
    labels = sio.load_slp(str(SLP_MIN_SESSION), open_videos=False)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        assert sorted(list(pose_estimations(behavior))) == sorted(names.values())
        for (key, track_name), name in names.items():
            video = labels.videos[0 if key == "min_session_topL" else 5]
            for frame, inst in tracked_instances(labels, video)[track_name].items():
                data = behavior[name].pose_estimation_series["Nose"].data[frame]
                np.testing.assert_array_equal(data, inst.numpy()[0])


def test_user_instance_wins_in_the_file_and_predicted_only(tmp_path, generated_edge_cases):
    made = generated_edge_cases.expected["instances"]
    interface = SLEAPPoseInterface(file_path=generated_edge_cases.path, sampling_frequency=30.0)
    nwbfile_path = convert(interface, tmp_path / "proofread.nwb")
    assert_nwb_matches_sleap_io(nwbfile_path, generated_edge_cases.path, interface)
    predicted = SLEAPPoseInterface(file_path=generated_edge_cases.path, sampling_frequency=30.0, predicted_only=True)
    predicted_path = convert(predicted, tmp_path / "predicted.nwb")
    with NWBHDF5IO(nwbfile_path, "r") as io, NWBHDF5IO(predicted_path, "r") as io_predicted:
        series = io.read().processing["behavior"]["PoseEstimation_A"].pose_estimation_series["a"]
        series_predicted = io_predicted.read().processing["behavior"]["PoseEstimation_A"].pose_estimation_series["a"]
        np.testing.assert_array_equal(series.data[4], made["A", 4]["user"].numpy()[0])
        assert np.isnan(series.confidence[4])
        np.testing.assert_array_equal(series_predicted.data[4], made["A", 4]["predicted"].numpy()[0])
        assert series_predicted.confidence[4] == made["A", 4]["predicted"].points["score"][0]
        # The prediction the user instance replaced is beside the track, with its scores, in its frame.
        behavior = io.read().processing["behavior"]
        replaced = behavior["PoseEstimation_A_replaced_predictions"].pose_estimation_series["a"]
        np.testing.assert_array_equal(replaced.data[4], made["A", 4]["predicted"].numpy()[0])
        assert replaced.confidence[4] == made["A", 4]["predicted"].points["score"][0]
        assert np.isnan(replaced.data[[0, 1, 2, 3, 5]]).all()
        score = behavior["PoseEstimation_A_replaced_predictions_instance_score"].data[:]
        assert score[4] == np.float32(made["A", 4]["predicted"].score) and np.isnan(score[[0, 1, 2, 3, 5]]).all()
        assert "PoseEstimation_B_replaced_predictions" not in behavior.data_interfaces
        # Frames without the animal stay NaN on the time base; nothing is shifted.
        assert series.data.shape == (6, 2) and np.isnan(series.data[[2, 3]]).all()
        assert series.rate == 30.0


def test_embedded_package_converts_and_links_the_source_video(tmp_path, generated_package):
    interface = SLEAPPoseInterface(file_path=generated_package.path)
    nwbfile_path = convert(interface, tmp_path / "package.nwb")
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        container = nwbfile.processing["behavior"]["PoseEstimation"]
        assert "without a track" in container.description
        assert (nwbfile_path.parent / container.source_video.external_file[0]).resolve().samefile(CENTERED_PAIR_VIDEO)
        series = container.pose_estimation_series["a"]
        assert series.data.shape == (1100, 2) and series.rate == pytest.approx(15.0)
        np.testing.assert_array_equal(series.data[7], [17.0, 20.0])


def test_predictions_on_a_package_and_on_hdf5_images_convert(tmp_path, generated_package):
    # sleap-track / sleap-nn run on a .pkg.slp write predictions whose video is the package's images; a
    # video can also be an HDF5 dataset of frames (HDF5Video). Before, both were opened with PyAV: "cannot
    # be read as a video", whatever --fps said.
    import h5py

    package = sio.load_slp(str(generated_package.path))
    skeleton = package.skeletons[0]

    def points(frame):
        return np.array([[1.0 + frame, 2.0], [3.0, 4.0]])

    def predictions(video, frames, name):
        labels = one_instance_per_frame(video, skeleton, frames, points, point_scores=[0.5, 0.25], score=0.75)
        path = tmp_path / name
        sio.save_slp(labels, str(path))
        return path

    on_package = predictions(package.videos[0], (2, 7), "on_package.slp")
    with h5py.File(tmp_path / "frames.h5", "w") as handle:
        handle.create_dataset("box", data=np.zeros((6, 8, 8, 1), np.uint8))
    on_images = predictions(sio.Video.from_filename(str(tmp_path / "frames.h5"), dataset="box"), (0, 5), "on_h5.slp")
    for path, frames in ((on_package, 1100), (on_images, 6)):
        nwbfile_path = convert(
            SLEAPPoseInterface(file_path=path, sampling_frequency=15.0), tmp_path / f"{path.stem}.nwb"
        )
        with NWBHDF5IO(nwbfile_path, "r") as io:
            container = io.read().processing["behavior"]["PoseEstimation"]
            series = container.pose_estimation_series["a"]
            assert series.data.shape == (frames, 2)
            np.testing.assert_array_equal(series.data[5 if frames == 6 else 7], [6.0 if frames == 6 else 8.0, 2.0])
            # The package's frames came from a video: it is linked; frames only in HDF5 link nothing.
            linked = container.source_video
            assert (linked is not None) == (path == on_package)
            if linked is not None:
                assert (nwbfile_path.parent / linked.external_file[0]).resolve().samefile(CENTERED_PAIR_VIDEO)
    # Without a rate, the error says the frames are images in an HDF5 file, not that no video was found.
    with pytest.raises(MetadataError, match=r"images stored in the HDF5 file frames\.h5, which records no frame"):
        SLEAPPoseInterface(file_path=on_images).get_original_timestamps()


def test_real_package_with_untracked_by_order(tmp_path):
    interface = SLEAPPoseInterface(file_path=SLP_MINIMAL_PKG, untracked="by_order", sampling_frequency=15.0)
    nwbfile_path = convert(interface, tmp_path / "pkg.nwb")
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        assert sorted(list(pose_estimations(behavior))) == [
            "PoseEstimation_untracked_0",
            "PoseEstimation_untracked_1",
        ]
        assert "does NOT follow one animal" in behavior["PoseEstimation_untracked_0"].description
    # No inspector run: a one-frame series is always flagged for its (1, 2) shape.


def test_choose_tracks_and_discover_names():
    assert SLEAPPoseInterface.get_available_tracks(SLP_PROVENANCE) == ["track_0", "track_1"]
    assert SLEAPPoseInterface.get_available_videos(SLP_MIN_SESSION)[:2] == ["min_session_topL", "min_session_top"]
    interface = SLEAPPoseInterface(file_path=SLP_PROVENANCE, tracks=["track_1"], sampling_frequency=25.0)
    assert interface.pose.track_names() == ["track_1"]
    assert list(interface.get_metadata()["Pose"]["PoseEstimations"]) == ["PoseEstimation"]


def test_clear_errors_name_the_file(tmp_path, flat_min_session):
    with pytest.raises(InvalidOptionError, match=r"\['nope'\] not found in predictions_1\.2\.7.*track_0"):
        SLEAPPoseInterface(file_path=SLP_PROVENANCE, tracks=["nope"])
    with pytest.raises(InvalidOptionError, match=r"min_session\.slp: video_indices holds 9, which is out of range"):
        SLEAPPoseInterface(file_path=flat_min_session, video_indices=[9])
    with pytest.raises(InvalidSourceFileError, match=rf"{DLC_H5.name}.*DeepLabCutPoseInterface"):
        SLEAPPoseInterface(file_path=DLC_H5)
    corrupt = tmp_path / "corrupt.slp"
    corrupt.write_bytes(SLP_PROVENANCE.read_bytes()[:20000])
    with pytest.raises(InvalidSourceFileError, match=r"corrupt\.slp"):
        SLEAPPoseInterface(file_path=corrupt)


def test_no_frame_rate_asks_for_one_and_writes_nothing(tmp_path):
    interface = SLEAPPoseInterface(file_path=SLP_PROVENANCE)
    nwbfile_path = tmp_path / "x.nwb"
    with pytest.raises(MetadataError, match="sampling_frequency"):
        interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface))
    assert list(tmp_path.iterdir()) == []


def test_movement_reads_the_output_and_stub(tmp_path):
    from movement.io import load_poses

    interface = SLEAPPoseInterface(file_path=SLP_COURTSHIP, sampling_frequency=25.0)
    nwbfile_path = convert(interface, tmp_path / "stub.nwb", stub_test=True)
    dataset = plural_dims(load_poses.from_nwb_file(nwbfile_path, pose_estimation_key="PoseEstimation_track_1"))
    track = interface.pose.tracks[1]
    assert track.n_frames == 1101 and dataset.sizes["time"] == 100
    for j, node in enumerate(interface.pose.skeletons[track.skeleton].nodes):
        position = dataset.position.sel(keypoints=node).values[:, :, 0]
        np.testing.assert_array_equal(position, track.positions[:100, j])
        np.testing.assert_array_equal(dataset.confidence.sel(keypoints=node).values[:, 0], track.confidence[:100, j])


def test_video_file_path_needs_one_video(flat_min_session):
    video = SLP_PREDICTIONS_V11.parent / "20190128_113421.120s.mp4"
    with pytest.raises(InvalidOptionError, match=r"min_session\.slp: 1 video files given for 8 videos"):
        SLEAPPoseInterface(file_path=flat_min_session, video_file_path=video)


def test_source_schema_documents_every_argument():
    from jsonschema import Draft7Validator

    schema = SLEAPPoseInterface.get_source_schema()
    Draft7Validator.check_schema(schema)
    assert schema["required"] == ["file_path"]
    assert schema["properties"]["file_path"]["format"] == "file-path"
    assert schema["properties"]["video_file_path"]["format"] == "file-path"
    assert schema["properties"]["untracked"]["enum"] == ["error", "by_order"]
    for name, prop in schema["properties"].items():
        assert "anyOf" not in prop, name
        # The numpydoc text of __init__, not a placeholder made from the argument's name.
        assert prop["description"].rstrip(".") != prop["title"], name
    Draft7Validator(schema).validate({"file_path": str(SLP_PROVENANCE), "tracks": ["track_0"], "video_indices": [0]})
