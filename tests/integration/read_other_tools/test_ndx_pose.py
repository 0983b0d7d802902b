"""ndx-pose's own files for each version: 0.1 (dlc2nwb, back-compat files), 0.2, 0.3 (back-compat), 0.4.

The back-compat files are ndx-pose's (src/pynwb/tests/back_compat); the 0.2 and 0.4 files are
written here with the installed ndx-pose as its README and examples/ write them: 0.2 with the
since-deprecated ``original_videos``/``labeled_videos``/``dimensions``/``devices``, 0.4 with
``device``/``source_video``/``labeled_video`` ImageSeries, a ``MultiCameraPoseEstimation`` of
``CalibratedCamera`` views (examples/write_multicamera_pose_estimates.py), and a ``PoseTraining``
(examples/write_pose_training.py).
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import h5py
import numpy as np
import pandas as pd
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.nwb.read.multicamera import read_multicamera
from poseconv.nwb.read.pose import read_nwb
from poseconv.nwb.read.training import read_training
from tests.fixtures.paths import SHARED_DATA

from .checks import assert_values, check_inspect_and_export, run_cli

DLC2NWB = SHARED_DATA / "dlc2nwb/examples"
BACK_COMPAT = SHARED_DATA / "ndx-pose/back_compat"
NODES = ["front_left_paw", "body", "front_right_paw"]
EDGES = ((0, 1), (1, 2))


def _nwbfile():
    from pynwb import NWBFile
    from pynwb.file import Subject

    nwbfile = NWBFile(
        session_description="session_description",
        identifier="identifier",
        session_start_time=datetime(2024, 1, 1, tzinfo=UTC),
    )
    nwbfile.subject = Subject(subject_id="subject1", species="Mus musculus")
    return nwbfile


def _write(nwbfile, path):
    from pynwb import NWBHDF5IO

    with warnings.catch_warnings():
        # The deprecated 0.2 fields warn when set; that is what the 0.2 example writes.
        warnings.simplefilter("ignore", DeprecationWarning)
        with NWBHDF5IO(str(path), "w") as io:
            io.write(nwbfile)
    return path


def _series(rng, n_frames: int, timestamps, linked_to=None) -> tuple[list, dict]:
    """Three series as the README writes them: the first holds the timestamps, the others link to it."""
    from ndx_pose import PoseEstimationSeries

    series, values = [], {}
    for node in NODES:
        data, confidence = rng.random((n_frames, 2)), rng.random(n_frames)
        data[3, :] = np.nan  # a frame where the node was not found
        series.append(
            PoseEstimationSeries(
                name=node,
                description=f"Marker placed on {node}.",
                data=data,
                unit="pixels",
                reference_frame="(0,0,0) corresponds to ...",
                timestamps=timestamps if not series else series[0],
                confidence=confidence,
                confidence_definition="Softmax output of the deep neural network.",
            )
        )
        values[node] = (data, confidence)
    return series, values


def _check_pose(pose, values, timestamps, *, track="individual"):
    [track_read] = pose.tracks
    assert track_read.name == track
    skeleton = pose.skeletons[track_read.skeleton]
    assert skeleton.nodes == tuple(NODES) and skeleton.edges == EDGES
    for j, node in enumerate(NODES):
        assert_values(track_read.positions[:, j], values[node][0])
        assert_values(track_read.confidence[:, j], values[node][1])
    assert_values(pose.timing[track_read.video].timestamps, timestamps)
    assert pose.source_software == "DeepLabCut" and pose.scorer == "DLC_resnet50_openfieldOct30shuffle1_1600"
    assert pose.reference_frame == "(0,0,0) corresponds to ..."
    assert track_read.confidence_definition == "Softmax output of the deep neural network."


def test_ndx_pose_0_1_dlc2nwb(tmp_path):
    """dlc2nwb 2023 (ndx-pose 0.1.0): nodes on the container, series 'ind1_<bodypart>', dimensions [[0, 0]]."""
    path = DLC2NWB / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb"
    [pose] = read_nwb(path)
    assert (pose.source_software, pose.source_software_version) == ("DeepLabCut", "2.2.0.2")
    assert pose.scorer == "DLC_resnet50_openfieldAug20shuffle1"
    [track] = pose.tracks
    assert track.name == "ind1"
    assert pose.skeletons[track.skeleton].nodes == ("snout", "leftear", "rightear", "tailbase")
    assert pose.videos[track.video].original_path == "fake_path"
    # dlc2nwb stores dimensions [[0, 0]] when it does not know them: no frame size then.
    assert pose.videos[track.video].frame_size is None
    # Written from the .h5 beside it: every value is the DeepLabCut one.
    source = pd.read_hdf(DLC2NWB / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5")
    scorer = source.columns.get_level_values("scorer")[0]
    for j, node in enumerate(pose.skeletons[track.skeleton].nodes):
        assert_values(track.positions[:, j], source[scorer][node][["x", "y"]].to_numpy())
        assert_values(track.confidence[:, j], source[(scorer, node, "likelihood")])
    with h5py.File(path, "r") as handle:
        stored = handle["processing/behavior/PoseEstimation/ind1_snout/timestamps"][()]
    assert_values(pose.timing[track.video].timestamps, stored)
    check_inspect_and_export(path, [pose], tmp_path)


def test_ndx_pose_0_1_1_nodes_edges_mixed_dimensions(tmp_path):
    path = BACK_COMPAT / "0.1.1_poseestimation_nodes_edges.nwb"
    with pytest.warns(PoseconvWarning, match="mixes"):
        [pose] = read_nwb(path)
    [track] = pose.tracks
    skeleton = pose.skeletons[track.skeleton]
    assert skeleton.nodes == ("front_left_paw", "front_right_paw") and skeleton.edges == ((0, 1),)
    assert track.positions.shape == (100, 2, 3)
    with h5py.File(path, "r") as handle:
        group = handle["processing/behavior/PoseEstimation"]
        assert_values(track.positions[:, 0], group["front_left_paw/data"][()])
        assert_values(track.positions[:, 1, :2], group["front_right_paw/data"][()])
        assert_values(track.confidence[:, 0], group["front_left_paw/confidence"][()])
        assert_values(track.confidence[:, 1], group["front_right_paw/confidence"][()])
        # The second series links the first one's timestamps.
        assert_values(pose.timing[track.video].timestamps, group["front_left_paw/timestamps"][()])
    assert np.isnan(track.positions[:, 1, 2]).all()
    check_inspect_and_export(path, [pose], tmp_path)


def test_ndx_pose_0_1_1_mixed_dimensions_2d_node_is_not_missing():
    """front_right_paw is stored (100, 2), fully finite: its z is NaN by absence, so it is 0 % missing."""
    from poseconv.exporters.quicklook import _draw_track, decimate_track
    from poseconv.exporters.summary import summarize_pose

    path = BACK_COMPAT / "0.1.1_poseestimation_nodes_edges.nwb"
    with pytest.warns(PoseconvWarning, match="mixes"):
        [pose] = read_nwb(path)
    assert pose.notes["planar_nodes"] == {"individual": ["front_right_paw"]}
    with h5py.File(path, "r") as handle:
        scores = handle["processing/behavior/PoseEstimation/front_right_paw/confidence"][()]
    [summary] = summarize_pose(pose)["tracks"]
    assert summary["missing_fraction"] == {"front_left_paw": 0.0, "front_right_paw": 0.0}
    assert summary["frames_with_pose"] == 100
    stats = summary["confidence"]["front_right_paw"]
    assert (stats["min"], stats["median"], stats["max"]) == (scores.min(), np.median(scores), scores.max())
    [track] = pose.tracks
    assert not decimate_track(track, planar=[1]).missing.any()
    # The quick-look plot's missing-data panel shows no missing frame for it either.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 3)
    _draw_track(pose, track, axes)
    [image] = axes[2].images
    title = axes[2].get_title()
    plt.close(figure)
    assert not np.asarray(image.get_array()).any() and title == "missing (dark): 0.0% of node-frames"


def test_ndx_pose_0_1_1_without_series():
    [pose] = read_nwb(BACK_COMPAT / "0.1.1_poseestimation_no_cameras.nwb")
    assert pose.tracks[0].n_frames == 0 and pose.timing == {}
    assert pose.videos[pose.tracks[0].video].original_path == "camera1.mp4"
    run_cli("inspect", BACK_COMPAT / "0.1.1_poseestimation_no_cameras.nwb")


def test_ndx_pose_0_2(tmp_path):
    """README/examples of ndx-pose 0.2: Skeleton in Skeletons, original/labeled videos as paths, dimensions, devices."""
    from ndx_pose import PoseEstimation, Skeleton, Skeletons

    nwbfile = _nwbfile()
    skeleton = Skeleton(name="subject1_skeleton", nodes=NODES, edges=np.array(EDGES, dtype="uint8"))
    camera1 = nwbfile.create_device(name="camera1", description="camera for recording behavior")
    timestamps = np.linspace(0, 10, num=100)
    series, values = _series(np.random.default_rng(2), 100, timestamps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        container = PoseEstimation(
            name="PoseEstimation",
            pose_estimation_series=series,
            description="Estimated positions of front paws of subject1 using DeepLabCut.",
            original_videos=["path/to/camera1.mp4"],
            labeled_videos=["path/to/camera1_labeled.mp4"],
            dimensions=np.array([[640, 480]], dtype="uint16"),
            devices=[camera1],
            scorer="DLC_resnet50_openfieldOct30shuffle1_1600",
            source_software="DeepLabCut",
            source_software_version="2.3.8",
            skeleton=skeleton,
        )
    behavior = nwbfile.create_processing_module(name="behavior", description="processed behavioral data")
    behavior.add(Skeletons(skeletons=[skeleton]))
    behavior.add(container)
    path = _write(nwbfile, tmp_path / "ndx_pose_0_2.nwb")

    [pose] = read_nwb(path)
    _check_pose(pose, values, timestamps)
    assert pose.source_software_version == "2.3.8"
    [video] = pose.videos.values()
    assert video.key == "camera1" and video.original_path == "path/to/camera1.mp4"
    # ndx-pose's dimensions are [width, height]; poseconv's frame size is (height, width).
    assert video.frame_size == (480, 640)
    check_inspect_and_export(path, [pose], tmp_path)


def test_ndx_pose_readme_two_animals_unnamed_are_named_by_container(tmp_path):
    """ndx-pose's README: one Skeleton, one PoseEstimation per animal, no track recorded: each keeps its name."""
    from ndx_pose import PoseEstimation, Skeleton, Skeletons

    nwbfile = _nwbfile()
    skeleton = Skeleton(name="shared", nodes=NODES, edges=np.array(EDGES, dtype="uint8"))
    behavior = nwbfile.create_processing_module(name="behavior", description="processed behavioral data")
    behavior.add(Skeletons(skeletons=[skeleton]))
    timestamps = np.linspace(0, 1, num=10)
    for seed, name in enumerate(("mouse1", "mouse2")):
        series, _ = _series(np.random.default_rng(seed), 10, timestamps)
        behavior.add(
            PoseEstimation(name=name, pose_estimation_series=series, skeleton=skeleton, source_software="DeepLabCut")
        )
    path = _write(nwbfile, tmp_path / "two_animals.nwb")

    [pose] = read_nwb(path)
    # The first was read as the default "individual", only the second by its container.
    assert sorted(track.name for track in pose.tracks) == ["mouse1", "mouse2"]


def test_ndx_pose_series_in_different_units_are_said_to_be(tmp_path):
    """ndx-pose stores a unit per series; one container in mm and pixels was read as mm without a word."""
    from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons

    nwbfile = _nwbfile()
    skeleton = Skeleton(name="s", nodes=["a", "b"])
    behavior = nwbfile.create_processing_module(name="behavior", description="processed behavioral data")
    behavior.add(Skeletons(skeletons=[skeleton]))
    series = [
        PoseEstimationSeries(name=node, data=np.ones((4, 2)), unit=unit, reference_frame="o", rate=30.0)
        for node, unit in (("a", "mm"), ("b", "pixels"))
    ]
    behavior.add(PoseEstimation(name="PE", pose_estimation_series=series, skeleton=skeleton, source_software="X"))
    path = _write(nwbfile, tmp_path / "mixed_units.nwb")

    with pytest.warns(
        PoseconvWarning,
        match=r"/processing/behavior/PE stores its series in different units \(a: mm, b: pixels\); all are read as",
    ):
        [pose] = read_nwb(path)
    assert pose.unit == "mm"


def test_ndx_pose_0_3_0_back_compat(tmp_path):
    """The two-camera file is refused by pynwb with ndx-pose 0.4; h5py reads it all the same."""
    for name in ("0.3.0_poseestimation_one_camera.nwb", "0.3.0_poseestimation_two_cameras.nwb"):
        path = BACK_COMPAT / name
        [pose] = read_nwb(path)
        [track] = pose.tracks
        assert pose.skeletons[track.skeleton].name == "subject"
        assert pose.skeletons[track.skeleton].nodes == ("front_left_paw", "front_right_paw")
        assert track.video == "camera1" and pose.source_software_version == "2.2b8"
        with h5py.File(path, "r") as handle:
            group = handle["processing/behavior/PoseEstimation"]
            for j, node in enumerate(("front_left_paw", "front_right_paw")):
                assert_values(track.positions[:, j], group[f"{node}/data"][()])
                assert_values(track.confidence[:, j], group[f"{node}/confidence"][()])
            times = group["front_left_paw/timestamps"][()]
            assert_values(pose.timing[track.video].timestamps, times)
        folder = tmp_path / name
        folder.mkdir()
        check_inspect_and_export(path, [pose], folder)


def test_ndx_pose_0_4(tmp_path):
    """examples/write_pose_estimates_only.py of ndx-pose 0.4: device, source_video and labeled_video ImageSeries."""
    from ndx_pose import PoseEstimation, Skeleton, Skeletons
    from pynwb.image import ImageSeries

    nwbfile = _nwbfile()
    skeleton = Skeleton(
        name="subject1_skeleton", nodes=NODES, edges=np.array(EDGES, dtype="uint8"), subject=nwbfile.subject
    )
    camera1 = nwbfile.create_device(name="camera1", description="camera for recording behavior")
    videos = {}
    for name, file in (("source_video", "path/to/camera1.mp4"), ("labeled_video", "path/to/camera1_labeled.mp4")):
        videos[name] = ImageSeries(
            name=name,
            description="Video recorded by camera1.",
            unit="NA",
            format="external",
            external_file=[file],
            dimension=[640, 480],
            starting_frame=[0],
            rate=30.0,
            num_samples=100,
        )
        nwbfile.add_acquisition(videos[name])
    timestamps = np.linspace(0, 10, num=100)
    series, values = _series(np.random.default_rng(4), 100, timestamps)
    container = PoseEstimation(
        name="PoseEstimation",
        pose_estimation_series=series,
        description="Estimated positions of front paws of subject1 using DeepLabCut.",
        device=camera1,
        scorer="DLC_resnet50_openfieldOct30shuffle1_1600",
        source_software="DeepLabCut",
        source_software_version="2.3.8",
        skeleton=skeleton,
        source_video=videos["source_video"],
        labeled_video=videos["labeled_video"],
    )
    behavior = nwbfile.create_processing_module(name="behavior", description="processed behavioral data")
    behavior.add(Skeletons(skeletons=[skeleton]))
    behavior.add(container)
    path = _write(nwbfile, tmp_path / "ndx_pose_0_4.nwb")

    [pose] = read_nwb(path)
    _check_pose(pose, values, timestamps)
    [video] = pose.videos.values()
    assert video.key == "camera1" and video.original_path == "path/to/camera1.mp4"
    assert video.frame_size == (480, 640)
    check_inspect_and_export(path, [pose], tmp_path)


def test_ndx_pose_0_4_multicamera(tmp_path):
    """examples/write_multicamera_pose_estimates.py: CalibratedCameras, 3D series, views without series (sDANNCE),
    and, as the example says an Anipose-like tool would, one view with its own 2D series."""
    from ndx_pose import CalibratedCamera, MultiCameraPoseEstimation, PoseEstimation, Skeleton, Skeletons
    from pynwb.image import ImageSeries

    nwbfile = _nwbfile()
    rng = np.random.default_rng(0)
    cameras = {}
    for name, description in (("camera1", "Lateral view, left side"), ("camera2", "Top-down view")):
        intrinsic = np.eye(3, dtype="float32")
        intrinsic[0, 0] = intrinsic[1, 1] = 800.0
        intrinsic[0, 2], intrinsic[1, 2] = 640.0, 512.0
        cameras[name] = CalibratedCamera(
            name=name,
            description=description,
            serial_number=f"SN-{name}",
            intrinsic_matrix=intrinsic,
            rotation_matrix=np.eye(3, dtype="float32"),
            translation_vector=rng.standard_normal(3).astype("float32"),
            distortion_coefficients=np.zeros(5, dtype="float32"),
        )
        nwbfile.add_device(cameras[name])
    n_frames, nodes = 50, ["nose", "left_ear", "right_ear", "spine_mid", "tail_base"]
    skeleton = Skeleton(
        name="mouse001_skeleton", nodes=nodes, edges=np.array([[0, 3], [1, 3], [2, 3], [3, 4]], dtype="uint8")
    )
    timestamps = np.arange(n_frames) / 30.0
    from ndx_pose import PoseEstimationSeries

    views, values_2d = [], {}
    for name, camera in cameras.items():
        video = ImageSeries(
            name=f"{name}_video",
            description=f"Source video from {name}.",
            unit="NA",
            format="external",
            external_file=[f"path/to/{name}.mp4"],
            dimension=[1280, 1024],
            starting_frame=[0],
            rate=30.0,
            num_samples=n_frames,
        )
        nwbfile.add_acquisition(video)
        series_2d = []
        if name == "camera2":
            for node in nodes:
                values_2d[node] = (rng.random((n_frames, 2)) * 1000, rng.random(n_frames))
                series_2d.append(
                    PoseEstimationSeries(
                        name=node,
                        data=values_2d[node][0],
                        unit="pixels",
                        reference_frame="top left",
                        timestamps=timestamps if not series_2d else series_2d[0],
                        confidence=values_2d[node][1],
                    )
                )
        views.append(
            PoseEstimation(
                name=f"PoseEstimation_{name}",
                pose_estimation_series=series_2d or None,
                description=f"Camera view {name}.",
                source_software="sDANNCE",
                source_software_version="1.0.0",
                device=camera,
                source_video=video,
                skeleton=skeleton,
            )
        )
    series_3d, values_3d = [], {}
    for node in nodes:
        values_3d[node] = (rng.standard_normal((n_frames, 3)).astype("float32") * 10, rng.random(n_frames))
        series_3d.append(
            PoseEstimationSeries(
                name=node,
                description=f"3D position of {node} in world coordinates.",
                data=values_3d[node][0],
                unit="millimeters",
                reference_frame="(0, 0, 0) is the geometric center of the sDANNCE camera rig.",
                timestamps=timestamps if not series_3d else series_3d[0],
                confidence=values_3d[node][1].astype("float32"),
                confidence_definition="Maximum probability from the 3D volumetric heatmap.",
            )
        )
    behavior = nwbfile.create_processing_module(name="behavior", description="3D pose estimation.")
    behavior.add(Skeletons(skeletons=[skeleton]))
    behavior.add(
        MultiCameraPoseEstimation(
            name="MultiCameraPoseEstimation",
            pose_estimation_series=series_3d,
            pose_estimations=views,
            description="3D keypoint coordinates of mouse001 estimated by sDANNCE.",
            scorer="sDANNCE",
            source_software="sDANNCE",
            source_software_version="1.0.0",
            skeleton=skeleton,
        )
    )
    path = _write(nwbfile, tmp_path / "multicamera.nwb")

    [session] = read_multicamera(path)
    assert sorted(session.cameras) == ["camera1", "camera2"]
    camera = session.cameras["camera1"]
    assert_values(camera.intrinsic_matrix, cameras["camera1"].intrinsic_matrix)
    assert_values(camera.translation_vector, cameras["camera1"].translation_vector)
    assert_values(camera.distortion_coefficients, np.zeros(5))
    [track] = session.pose_3d.tracks
    assert session.pose_3d.skeletons[track.skeleton].nodes == tuple(nodes)
    assert session.pose_3d.skeletons[track.skeleton].edges == ((0, 3), (1, 3), (2, 3), (3, 4))
    assert session.pose_3d.unit == "millimeters" and session.pose_3d.source_software == "sDANNCE"
    for j, node in enumerate(nodes):
        assert_values(track.positions[:, j], values_3d[node][0])
        assert_values(track.confidence[:, j], values_3d[node][1].astype("float32"))
    assert_values(session.timing.timestamps, timestamps)
    assert list(session.views) == ["camera2"]
    [view] = session.views["camera2"].tracks
    for j, node in enumerate(nodes):
        assert_values(view.positions[:, j], values_2d[node][0])
        assert_values(view.confidence[:, j], values_2d[node][1])

    # read_nwb reads every PoseEstimation with series, the camera views too; a view without series records only
    # its camera (read_multicamera keeps the camera), no track.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoseconvWarning)
        poses = read_nwb(path)
    views_read = {t.video: t for pose in poses for t in pose.tracks}
    assert views_read["camera2"].n_frames == n_frames
    assert_values(views_read["camera2"].positions[:, 0], values_2d["nose"][0])
    assert "camera1" not in views_read
    # Exported: the view with series (a view without any exports an empty table DeepLabCut cannot read).
    [view_pose] = read_nwb(path, containers=["PoseEstimation_camera2"])
    check_inspect_and_export(path, [view_pose], tmp_path, containers=["PoseEstimation_camera2"])


def test_ndx_pose_0_4_training(tmp_path):
    """examples/write_pose_training.py: two skeletons, an instance of each per frame, ids are frame numbers."""
    from ndx_pose import (
        PoseTraining,
        Skeleton,
        SkeletonInstance,
        SkeletonInstances,
        Skeletons,
        SourceVideos,
        TrainingFrame,
        TrainingFrames,
    )
    from pynwb.image import ImageSeries

    nwbfile = _nwbfile()
    skeletons = [
        Skeleton(name=f"subject{k}_skeleton", nodes=NODES, edges=np.array(EDGES, dtype="uint8")) for k in (1, 2)
    ]
    video = ImageSeries(
        name="source_video",
        description="Training video used to train the pose estimation model.",
        unit="NA",
        format="external",
        external_file=["path/to/camera1.mp4"],
        dimension=[640, 480],
        starting_frame=[0],
        rate=30.0,
        num_samples=500,
    )
    rng = np.random.default_rng(5)
    locations = [np.array([[10.0, 10.0], [20.0, 20.0], [30.0, 10.0]]), np.array([[40.0, 40], [50, 50], [60, 60]])]
    frames, expected = [], {}
    for i in range(0, 500, 5):
        instances = []
        for k, skeleton in enumerate(skeletons):
            locations[k] = locations[k] + rng.random((3, 2))
            visibility = [True, i % 2 == 0, True]
            instances.append(
                SkeletonInstance(
                    name=f"skeleton{k + 1}_instance",
                    id=np.uint(i),
                    node_locations=locations[k],
                    node_visibility=visibility,
                    skeleton=skeleton,
                )
            )
            expected[(i, f"skeleton{k + 1}_instance")] = (locations[k], visibility, skeleton.name)
        frames.append(
            TrainingFrame(
                name=f"frame_{i}",
                annotator="Bilbo Baggins",
                skeleton_instances=SkeletonInstances(skeleton_instances=instances),
                source_video=video,
                source_video_frame_index=np.uint(i),
            )
        )
    behavior = nwbfile.create_processing_module(name="behavior", description="processed behavioral data")
    behavior.add(Skeletons(skeletons=skeletons))
    behavior.add(
        PoseTraining(
            training_frames=TrainingFrames(training_frames=frames), source_videos=SourceVideos(image_series=[video])
        )
    )
    path = _write(nwbfile, tmp_path / "training.nwb")

    training = read_training(path)
    assert [frame.frame_index for frame in training.frames] == list(range(0, 500, 5))
    assert {s.name: (s.nodes, s.edges) for s in training.skeletons.values()} == {
        s.name: (tuple(NODES), EDGES) for s in skeletons
    }
    [video_read] = training.videos.values()
    assert video_read.original_path == "path/to/camera1.mp4" and video_read.frame_size == (480, 640)
    assert video_read.fps == 30.0 and video_read.n_frames == 500
    # The ids are frame numbers here, shared by both instances of a frame: the names tell the animals apart.
    assert training.individuals == ["skeleton1_instance", "skeleton2_instance"]
    for frame in training.frames:
        assert frame.annotator == "Bilbo Baggins"
        assert [instance.individual for instance in frame.instances] == training.individuals
        for instance in frame.instances:
            points, visibility, skeleton = expected[(frame.frame_index, instance.individual)]
            assert_values(instance.points, points)
            assert list(instance.visible) == visibility and instance.skeleton == skeleton
    run_cli("inspect", path)
    run_cli("export", path, "--training", "--to", "slp", tmp_path / "training.slp", "-q")
    import sleap_io

    labels = sleap_io.load_slp(tmp_path / "training.slp")
    assert len(labels.labeled_frames) == len(training.frames)
    for labeled, frame in zip(labels.labeled_frames, training.frames, strict=True):
        assert labeled.frame_idx == frame.frame_index
        for exported, instance in zip(labeled.instances, frame.instances, strict=True):
            assert_values(exported.numpy(), np.where(instance.visible[:, None], instance.points, np.nan))
