"""Multi-camera sessions → NWB end to end: DeepLabCut 3D and SLEAP sessions, read back value by value.

The object graph is checked against ndx-pose's own multi-camera example
(``examples/write_multicamera_pose_estimates.py`` in rly/ndx-pose, rebuilt below in
brief) and against ndx-pose's ``mock_MultiCameraPoseEstimation``.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sleap_io
from jsonschema import Draft7Validator
from nwbinspector import Importance, inspect_nwbfile
from pynwb import NWBHDF5IO, NWBFile

from poseconv import DeepLabCut3DPoseInterface, PoseNWBConverter, SLEAPSessionPoseInterface
from poseconv.errors import MetadataError
from poseconv.nwb.read.multicamera import read_multicamera
from poseconv.readers.safety.safe_pickle import load_metadata_pickle
from tests.fixtures.multicamera import (
    DLC_3D_CONFIG,
    DLC_3D_H5,
    DLC_3D_META,
    DLC_CAMERA_FILES,
    SLEAP_MULTIVIEW_3D,
    SLEAP_SESSION,
    SLEAP_SESSION_USER,
    SLEAP_SESSION_VIDEOS,
)
from tests.fixtures.nwb import assert_inspector_clean, user_metadata

# -- the reference object graph --------------------------------------------------------------------


def write_ndx_pose_multicamera_example(path: Path) -> None:
    """Write the object graph of ndx-pose's ``examples/write_multicamera_pose_estimates.py``.

    Three ``CalibratedCamera`` devices (sharing a ``DeviceModel``) added to the file first, one external
    ``ImageSeries`` per camera in acquisition, a ``Skeleton`` (linked to the Subject) in ``Skeletons``,
    one ``PoseEstimation`` per camera (device + source video links, no 2D series) and 3D
    ``PoseEstimationSeries`` (millimeters, confidence, later series linking the first's timestamps),
    all in one ``MultiCameraPoseEstimation`` in ``processing["behavior"]``.
    """
    from ndx_pose import (
        CalibratedCamera,
        MultiCameraPoseEstimation,
        PoseEstimation,
        PoseEstimationSeries,
        Skeleton,
        Skeletons,
    )
    from pynwb.device import DeviceModel
    from pynwb.file import Subject
    from pynwb.image import ImageSeries

    nwbfile = NWBFile(
        session_description="Multi-camera 3D pose.", identifier="example", session_start_time=datetime.now(UTC)
    )
    nwbfile.subject = Subject(subject_id="mouse001", species="Mus musculus", sex="M")
    model = DeviceModel(name="acA1300", manufacturer="Basler", model_number="acA1300-200um", description="Camera.")
    nwbfile.add_device_model(model)
    rng = np.random.default_rng(0)
    cameras, videos = [], []
    for name in ("camera1", "camera2", "camera3"):
        intrinsic = np.array([[800.0, 0, 640.0], [0, 800.0, 512.0], [0, 0, 1]], dtype="float32")
        camera = CalibratedCamera(
            name=name,
            description=f"View {name}.",
            model=model,
            intrinsic_matrix=intrinsic,
            rotation_matrix=np.eye(3, dtype="float32"),
            translation_vector=rng.standard_normal(3).astype("float32"),
            distortion_coefficients=np.zeros(5, dtype="float32"),
        )
        nwbfile.add_device(camera)
        cameras.append(camera)
        video = ImageSeries(
            name=f"{name}_video",
            description=f"Source video from {name}.",
            unit="NA",
            format="external",
            external_file=[f"path/to/{name}.mp4"],
            dimension=[1280, 1024],
            starting_frame=[0],
            rate=30.0,
            num_samples=100,
        )
        nwbfile.add_acquisition(video)
        videos.append(video)
    skeleton = Skeleton(
        name="mouse001_skeleton",
        nodes=["nose", "left_ear", "right_ear", "spine_mid", "tail_base"],
        edges=np.array([[0, 3], [1, 3], [2, 3], [3, 4]], dtype="uint8"),
        subject=nwbfile.subject,
    )
    views = [
        PoseEstimation(
            name=f"PoseEstimation_{camera.name}",
            description=f"Camera view {camera.name}.",
            source_software="sDANNCE",
            source_software_version="1.0.0",
            device=camera,
            source_video=video,
        )
        for camera, video in zip(cameras, videos, strict=True)
    ]
    timestamps = np.arange(100) / 30.0
    series = []
    for node in skeleton.nodes:
        series.append(
            PoseEstimationSeries(
                name=node,
                description=f"3D position of {node}.",
                data=rng.standard_normal((100, 3)),
                unit="millimeters",
                reference_frame="(0, 0, 0) is the centre of the rig.",
                timestamps=timestamps if not series else series[0],
                confidence=rng.random(100),
                confidence_definition="Maximum of the 3D heatmap.",
            )
        )
    container = MultiCameraPoseEstimation(
        pose_estimation_series=series,
        pose_estimations=views,
        description="3D keypoints.",
        scorer="sDANNCE",
        source_software="sDANNCE",
        source_software_version="1.0.0",
        skeleton=skeleton,
    )
    behavior = nwbfile.create_processing_module(name="behavior", description="Behavior.")
    behavior.add(Skeletons(skeletons=[skeleton]))
    behavior.add(container)
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)


def write_ndx_pose_mock(path: Path) -> None:
    """Write ndx-pose's own ``mock_MultiCameraPoseEstimation`` (2D series in each camera view)."""
    from ndx_pose.testing.mock.pose import mock_MultiCameraPoseEstimation
    from pynwb.testing.mock.file import mock_NWBFile

    nwbfile = mock_NWBFile()
    mock_MultiCameraPoseEstimation(nwbfile=nwbfile)
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)


def multicamera_graph(nwbfile) -> set[tuple]:
    """The facts that make up ndx-pose's multi-camera object graph, each True or False for a file."""
    behavior = nwbfile.processing["behavior"]
    containers = [o for o in behavior.data_interfaces.values() if o.neurodata_type == "MultiCameraPoseEstimation"]
    skeletons = behavior["Skeletons"].skeletons
    # Beside ndx-pose's objects, poseconv writes SLEAP's per-frame instance values as TimeSeries (nwb/write/scores.py).
    kinds = {o.neurodata_type for o in behavior.data_interfaces.values()} - {"TimeSeries"}
    facts = {("processing['behavior'] holds", tuple(sorted(kinds)))}
    facts.add(("has a MultiCameraPoseEstimation", bool(containers)))
    for container in containers:
        views = list(container.pose_estimations.values())
        series_3d = list(container.pose_estimation_series.values())
        facts |= {
            ("skeleton linked and kept in Skeletons", container.skeleton is skeletons[container.skeleton.name]),
            (
                "3D series, when there are any, one per skeleton node",
                not series_3d or sorted(s.name for s in series_3d) == sorted(container.skeleton.nodes),
            ),
            ("3D series are frames x 3", all(s.data.ndim == 2 and s.data.shape[1] == 3 for s in series_3d)),
            ("3D series in a length unit or n.a.", all(s.unit != "pixels" for s in series_3d)),
            ("source_software set", container.source_software is not None),
            ("views are PoseEstimation", all(v.neurodata_type == "PoseEstimation" for v in views)),
            ("one view per camera", len({v.device.name for v in views}) == len(views) > 1),
            ("view device is a CalibratedCamera", all(v.device.neurodata_type == "CalibratedCamera" for v in views)),
            ("view device is in nwbfile.devices", all(v.device is nwbfile.devices[v.device.name] for v in views)),
            ("view skeleton is the shared one", all(v.skeleton in (None, container.skeleton) for v in views)),
            (
                "view source video is in acquisition",
                all(
                    v.source_video is None or v.source_video is nwbfile.acquisition[v.source_video.name] for v in views
                ),
            ),
            (
                "2D series are frames x 2",
                all(s.data.shape[1] == 2 for v in views for s in v.pose_estimation_series.values()),
            ),
        }
    for camera in nwbfile.devices.values():
        if camera.neurodata_type != "CalibratedCamera":
            continue
        facts |= {
            ("intrinsic 3 x 3", camera.intrinsic_matrix.shape == (3, 3)),
            ("rotation 3 x 3", camera.rotation_matrix is None or camera.rotation_matrix.shape == (3, 3)),
            ("translation 3", camera.translation_vector is None or camera.translation_vector.shape == (3,)),
            ("distortion 1D", camera.distortion_coefficients is None or camera.distortion_coefficients.ndim == 1),
        }
    return facts


@pytest.fixture(scope="module")
def reference_graphs(tmp_path_factory) -> list[set[tuple]]:
    folder = tmp_path_factory.mktemp("ndx_pose_reference")
    graphs = []
    for write in (write_ndx_pose_multicamera_example, write_ndx_pose_mock):
        path = folder / f"{write.__name__}.nwb"
        write(path)
        with NWBHDF5IO(path, "r") as io:
            graphs.append(multicamera_graph(io.read()))
    assert graphs[0] == graphs[1], "ndx-pose's example and mock disagree; the reference itself moved"
    return graphs


# -- helpers ---------------------------------------------------------------------------------------


def convert(interface, path: Path, **options) -> Path:
    metadata = user_metadata(interface)
    interface.validate_metadata(metadata)
    interface.run_conversion(nwbfile_path=path, metadata=metadata, **options)
    return path


def assert_inspector_clean_except_orientation(path: Path) -> None:
    """As assert_inspector_clean, for one-frame files, where time cannot be the longest axis."""
    bad = [
        m
        for m in inspect_nwbfile(nwbfile_path=path)
        if m.importance in (Importance.CRITICAL, Importance.BEST_PRACTICE_VIOLATION, Importance.ERROR)
        and m.check_function_name != "check_data_orientation"
    ]
    assert not bad, "\n".join(f"{m.check_function_name}: {m.message}" for m in bad)


def sleap_labels(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sleap_io.load_slp(str(path), open_videos=False)


# -- DeepLabCut 3D ---------------------------------------------------------------------------------


def test_deeplabcut_3d_session_converts_and_reads_back(tmp_path, reference_graphs):
    interface = DeepLabCut3DPoseInterface(file_path=DLC_3D_H5, config_file_path=DLC_3D_CONFIG)
    path = convert(interface, tmp_path / "dlc3d.nwb")
    assert_inspector_clean(path)
    stereo = load_metadata_pickle(DLC_3D_META)["stereo_matrix"]
    table_3d = pd.read_hdf(DLC_3D_H5)
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        assert multicamera_graph(nwbfile) == reference_graphs[0]
        container = nwbfile.processing["behavior"]["MultiCameraPoseEstimation"]
        assert container.source_software == "DeepLabCut" and container.scorer == "DLC_3D"
        nodes = list(container.skeleton.nodes[:])
        assert nodes == ["bodypart1", "bodypart2", "bodypart3", "objectA"]
        np.testing.assert_array_equal(container.skeleton.edges[:], [[0, 1], [3, 2]])
        # Every 3D value, NaN included; unit n.a., never z as confidence.
        for node in nodes:
            series = container.pose_estimation_series[node]
            assert series.unit == "n.a." and series.confidence is None
            assert series.rate == 30.0 and "vid1_camera-1.avi" in series.comments
            expected = np.column_stack([table_3d[("DLC_3D", node, axis)].to_numpy() for axis in "xyz"])
            np.testing.assert_array_equal(series.data[:], expected)
        # Every 2D value and likelihood of each camera, and every camera matrix.
        for index, (camera, file) in enumerate(DLC_CAMERA_FILES.items(), start=1):
            view = container.pose_estimations[f"PoseEstimation_{camera}"]
            device = view.device
            assert device is nwbfile.devices[camera]
            np.testing.assert_array_equal(device.intrinsic_matrix[:], stereo[f"cameraMatrix{index}"])
            np.testing.assert_array_equal(device.distortion_coefficients[:], stereo[f"distCoeffs{index}"].ravel())
            np.testing.assert_array_equal(device.rotation_matrix[:], stereo[f"R{index}"].T)
            offset = np.linalg.solve(stereo[f"P{index}"][:, :3], stereo[f"P{index}"][:, 3])
            np.testing.assert_array_equal(device.translation_vector[:], stereo[f"R{index}"].T @ offset)
            assert "Length unit of the translation vector: 'n.a.'" in device.description
            assert view.source_video.external_file[0].endswith(f"vid1_{camera}.avi")
            assert view.source_video.device is device
            table = pd.read_hdf(file)
            scorer = table.columns.get_level_values("scorer")[0]
            assert view.scorer == scorer
            for node in nodes:
                series = view.pose_estimation_series[node]
                assert series.unit == "pixels"
                xy = np.column_stack([table[(scorer, node, "x")], table[(scorer, node, "y")]])
                np.testing.assert_array_equal(series.data[:], xy)
                np.testing.assert_array_equal(series.confidence[:], table[(scorer, node, "likelihood")].to_numpy())
        # The stereo pair's R and T follow from what was written.
        one, two = (nwbfile.devices[c] for c in DLC_CAMERA_FILES)
        np.testing.assert_allclose(two.rotation_matrix[:] @ one.rotation_matrix[:].T, stereo["R"], atol=1e-12)
        np.testing.assert_allclose(two.translation_vector[:], stereo["T"].ravel(), atol=1e-12)

    # poseconv's own read back returns the same session.
    (back,) = read_multicamera(path)
    session = interface.session
    assert list(back.cameras) == list(session.cameras)
    for name, camera in session.cameras.items():
        for field in ("intrinsic_matrix", "rotation_matrix", "translation_vector", "distortion_coefficients"):
            np.testing.assert_array_equal(getattr(back.cameras[name], field), getattr(camera, field))
        assert back.cameras[name].unit == camera.unit and back.cameras[name].image_size == (640, 480)
    np.testing.assert_array_equal(back.pose_3d.tracks[0].positions, session.pose_3d.tracks[0].positions)
    for name, view in session.views.items():
        np.testing.assert_array_equal(back.views[name].tracks[0].positions, view.tracks[0].positions)
        np.testing.assert_array_equal(back.views[name].tracks[0].confidence, view.tracks[0].confidence)
    assert back.timing.rate == 30.0 and back.individuals() == ["individual"]


def test_deeplabcut_3d_metadata_schema_and_camera_validation(tmp_path):
    interface = DeepLabCut3DPoseInterface(file_path=DLC_3D_H5, config_file_path=DLC_3D_CONFIG)
    Draft7Validator.check_schema(interface.get_source_schema())
    Draft7Validator.check_schema(interface.get_metadata_schema())
    metadata = user_metadata(interface)
    interface.validate_metadata(metadata)
    camera = metadata["Pose"]["CalibratedCameras"]["camera-1"]
    assert np.shape(camera["intrinsic_matrix"]) == (3, 3) and camera["unit"] == "n.a."
    for field, value, message in (
        ("intrinsic_matrix", [[1.0, 0.0], [0.0, 1.0]], "intrinsic_matrix"),
        ("translation_vector", [1.0, 2.0], "translation_vector"),
        ("unit", "mm", "unit"),
    ):
        bad = user_metadata(interface)
        bad["Pose"]["CalibratedCameras"]["camera-1"][field] = value
        with pytest.raises(MetadataError, match=message):
            interface.validate_metadata(bad)
        # The writer checks too, for metadata that never went through validate_metadata.
        nwbfile = NWBFile(session_description="x", identifier="x", session_start_time=datetime.now(UTC))
        with pytest.raises(MetadataError, match="CalibratedCameras"):
            interface.add_to_nwbfile(nwbfile, bad)
    # Edited camera metadata is what gets written; the caller's dict is not changed.
    edited = user_metadata(interface)
    edited["Pose"]["CalibratedCameras"]["camera-2"].update(serial_number="SN-2", unit="millimeters")
    snapshot = repr(edited)
    path = convert(interface, tmp_path / "edited.nwb", stub_test=True)
    assert repr(edited) == snapshot
    path = tmp_path / "edited2.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=edited)
    with NWBHDF5IO(path, "r") as io:
        camera = io.read().devices["camera-2"]
        assert camera.serial_number == "SN-2"
        assert "Length unit of the translation vector: 'millimeters'" in camera.description


def test_deeplabcut_3d_alignment_and_converter(tmp_path):
    interface = DeepLabCut3DPoseInterface(file_path=DLC_3D_H5, config_file_path=DLC_3D_CONFIG)
    np.testing.assert_allclose(interface.get_original_timestamps(), np.arange(12) / 30.0)
    times = np.sort(np.random.default_rng(1).uniform(10, 11, size=12))
    interface.set_aligned_timestamps(times)
    converter_class = type(
        "Converter", (PoseNWBConverter,), {"data_interface_classes": {"Pose3D": DeepLabCut3DPoseInterface}}
    )
    converter = converter_class(source_data={"Pose3D": dict(file_path=DLC_3D_H5, config_file_path=DLC_3D_CONFIG)})
    converter.data_interface_objects["Pose3D"] = interface
    metadata = user_metadata(interface)
    path = tmp_path / "aligned.nwb"
    converter.run_conversion(nwbfile_path=path, metadata=metadata)
    with NWBHDF5IO(path, "r") as io:
        container = io.read().processing["behavior"]["MultiCameraPoseEstimation"]
        for series in container.pose_estimation_series.values():
            np.testing.assert_array_equal(series.timestamps[:], times)
        for view in container.pose_estimations.values():
            for series in view.pose_estimation_series.values():
                np.testing.assert_array_equal(series.timestamps[:], times)
    interface.set_aligned_starting_time(5.0)
    np.testing.assert_array_equal(interface.get_timestamps(), times + 5.0)


def test_two_sessions_in_one_file_with_metadata_keys(tmp_path):
    converter_class = type(
        "TwoRigs",
        (PoseNWBConverter,),
        {"data_interface_classes": {"DLC3D": DeepLabCut3DPoseInterface, "SLEAP3D": SLEAPSessionPoseInterface}},
    )
    converter = converter_class(
        source_data={
            "DLC3D": dict(file_path=str(DLC_3D_H5), config_file_path=str(DLC_3D_CONFIG), metadata_key="dlc"),
            "SLEAP3D": dict(file_path=str(SLEAP_MULTIVIEW_3D), sampling_frequency=30.0, metadata_key="sleap"),
        }
    )
    path = tmp_path / "two_rigs.nwb"
    converter.run_conversion(nwbfile_path=path, metadata=user_metadata(converter))
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        behavior = nwbfile.processing["behavior"]
        assert {"MultiCameraPoseEstimation_dlc", "MultiCameraPoseEstimation_sleap"} <= set(behavior.data_interfaces)
        assert set(nwbfile.devices) == {"camera-1_dlc", "camera-2_dlc", "c1_sleap", "c2_sleap"}
        assert set(behavior["Skeletons"].skeletons) == {"Skeleton_dlc", "Skeleton_sleap"}
        # neuroconv's converter merges metadata lists without repeats; no calibration vector may suffer from it.
        stereo = load_metadata_pickle(DLC_3D_META)["stereo_matrix"]
        np.testing.assert_array_equal(nwbfile.devices["camera-1_dlc"].intrinsic_matrix[:], stereo["cameraMatrix1"])
        np.testing.assert_array_equal(nwbfile.devices["camera-1_dlc"].translation_vector[:], [0.0, 0.0, 0.0])
        np.testing.assert_array_equal(nwbfile.devices["c1_sleap"].distortion_coefficients[:], np.zeros(5))
        np.testing.assert_array_equal(nwbfile.devices["c2_sleap"].translation_vector[:], [100.0, 0.0, 0.0])
    sessions = read_multicamera(path)
    assert sorted(s.source_software for s in sessions) == ["DeepLabCut", "SLEAP"]


# -- SLEAP sessions --------------------------------------------------------------------------------


def _expected_sleap_view(labels, video, track_name: str, n_frames: int, user_wins: bool):
    """Positions and scores of one track in one video, straight from sleap-io."""
    positions = np.full((n_frames, len(labels.skeletons[0].nodes), 2), np.nan)
    scores = np.full((n_frames, len(labels.skeletons[0].nodes)), np.nan)
    for lf in labels.labeled_frames:
        if lf.video is not video:
            continue
        instances = [i for i in lf.instances if i.track is not None and i.track.name == track_name]
        user = [i for i in instances if not isinstance(i, sleap_io.PredictedInstance)]
        predicted = [i for i in instances if isinstance(i, sleap_io.PredictedInstance)]
        if user and user_wins:
            positions[lf.frame_idx] = user[-1].numpy()
        elif predicted:
            positions[lf.frame_idx] = predicted[-1].numpy()
            scores[lf.frame_idx] = predicted[-1].points["score"]
    return positions, scores


def check_sleap_session(nwbfile, file: Path, containers: dict[str, str], videos: dict[str, Path]) -> None:
    """Every camera matrix and every 2D value of ``containers`` (track -> container name), from sleap-io."""
    labels = sleap_labels(file)
    session = labels.sessions[0]
    behavior = nwbfile.processing["behavior"]
    for track, name in containers.items():
        container = behavior[name]
        assert len(container.pose_estimation_series) == 0  # no 3D points in this file
        assert container.skeleton is behavior["Skeletons"].skeletons[container.skeleton.name]
        for camera in session.camera_group.cameras:
            view = container.pose_estimations[f"PoseEstimation_{camera.name}"]
            device = view.device
            # Every camera matrix as sleap-io holds it.
            np.testing.assert_array_equal(device.intrinsic_matrix[:], camera.matrix)
            np.testing.assert_array_equal(device.distortion_coefficients[:], camera.dist)
            np.testing.assert_array_equal(device.rotation_matrix[:], camera.extrinsic_matrix[:3, :3])
            np.testing.assert_array_equal(device.translation_vector[:], camera.tvec)
            assert f"Calibration image size: {camera.size[0]} x {camera.size[1]} pixels." in device.description
            series = view.pose_estimation_series
            if track == "track_1" and camera.name in ("side", "sideL"):
                assert len(series) == 0  # not seen by this camera: the view records the camera only
                continue
            if camera.name in videos:
                assert view.source_video.external_file[0].endswith(videos[camera.name].name)
                assert view.source_video.device is device
            n_frames = len(next(iter(series.values())).data)
            positions, scores = _expected_sleap_view(labels, session.get_video(camera), track, n_frames, user_wins=True)
            for j, node in enumerate(labels.skeletons[0].node_names):
                np.testing.assert_array_equal(series[node].data[:], positions[:, j])
                if series[node].confidence is not None:
                    np.testing.assert_array_equal(series[node].confidence[:], scores[:, j])
                else:
                    assert np.isnan(scores[:, j]).all()


SESSION_VIDEOS = {name: SLEAP_SESSION_VIDEOS / f"min_session_{name}.mp4" for name in ("back", "top", "side")}


def test_sleap_session_converts_and_reads_back(tmp_path, reference_graphs):
    # One track keeps the file (8 cameras x 15 nodes) quick to validate; it includes the two
    # cameras that never see this animal.
    interface = SLEAPSessionPoseInterface(file_path=SLEAP_SESSION, tracks=["track_1"], video_file_paths=SESSION_VIDEOS)
    # The videos give the frame times (30 fps); no sampling_frequency is needed.
    assert interface.session.timing.rate == pytest.approx(30.0, rel=1e-4)
    path = convert(interface, tmp_path / "session.nwb")
    assert_inspector_clean(path)
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        assert multicamera_graph(nwbfile) == reference_graphs[0]
        check_sleap_session(nwbfile, SLEAP_SESSION, {"track_1": "MultiCameraPoseEstimation"}, SESSION_VIDEOS)
    (back,) = read_multicamera(path)
    assert back.individuals() == ["track_1"] and len(back.cameras) == 8
    for name, camera in interface.session.cameras.items():
        np.testing.assert_array_equal(back.cameras[name].rotation_matrix, camera.rotation_matrix)
    for name, view in interface.session.views.items():
        if view.tracks:
            np.testing.assert_array_equal(back.views[name].tracks[0].positions, view.tracks[0].positions)


def test_sleap_session_with_user_instances_every_track():
    interface = SLEAPSessionPoseInterface(file_path=SLEAP_SESSION_USER, sampling_frequency=30.0)
    nwbfile = interface.create_nwbfile(metadata=user_metadata(interface))
    containers = {track: f"MultiCameraPoseEstimation_{track}" for track in ("track_0", "track_1")}
    check_sleap_session(nwbfile, SLEAP_SESSION_USER, containers, {})


def test_sleap_multiview_3d_points_read_back(tmp_path, reference_graphs):
    interface = SLEAPSessionPoseInterface(file_path=SLEAP_MULTIVIEW_3D, sampling_frequency=30.0)
    path = convert(interface, tmp_path / "multiview3d.nwb")
    assert_inspector_clean_except_orientation(path)
    group = sleap_labels(SLEAP_MULTIVIEW_3D).sessions[0].frame_groups[0].instance_groups[0]
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        assert multicamera_graph(nwbfile) == reference_graphs[0]
        container = nwbfile.processing["behavior"]["MultiCameraPoseEstimation"]
        for j, node in enumerate(("A", "B")):
            series = container.pose_estimation_series[node]
            np.testing.assert_array_equal(series.data[:], group.points[j : j + 1])
            np.testing.assert_array_equal(series.confidence[:], group.instance_3d.point_scores[j : j + 1])
            assert series.unit == "n.a." and "sleap-anipose" in series.reference_frame
        np.testing.assert_array_equal(nwbfile.devices["c2"].translation_vector[:], [100.0, 0.0, 0.0])
        c1 = container.pose_estimations["PoseEstimation_c1"].pose_estimation_series
        np.testing.assert_array_equal(np.vstack([c1["A"].data[:], c1["B"].data[:]]), [[10.0, 20.0], [30.0, 40.0]])
    (back,) = read_multicamera(path)
    np.testing.assert_array_equal(back.pose_3d.tracks[0].positions[0], group.points)
    np.testing.assert_array_equal(back.pose_3d.tracks[0].confidence[0], group.instance_3d.point_scores)


def test_sleap_session_needs_a_frame_rate(tmp_path):
    interface = SLEAPSessionPoseInterface(file_path=SLEAP_SESSION)
    with pytest.raises(MetadataError, match="sampling_frequency"):
        interface.get_original_timestamps()
    with pytest.raises(MetadataError, match="frame rate"):
        convert(interface, tmp_path / "no_rate.nwb")
    assert not (tmp_path / "no_rate.nwb").exists()


def test_a_sleap_session_exports_one_table_per_camera_with_every_track(tmp_path):
    # Each track's MultiCameraPoseEstimation holds a view per camera; read back, the views of all tracks
    # of one processing module form one PoseData, as the .slp holds them. Before, the export wrote a table
    # per track and camera (14 files, each with one animal).
    from poseconv import read_nwb
    from tests.fixtures.cli import poseconv_in_process

    interface = SLEAPSessionPoseInterface(file_path=SLEAP_SESSION, sampling_frequency=30.0)
    path = convert(interface, tmp_path / "session.nwb")
    (pose,) = read_nwb(path)
    assert {track.name for track in pose.tracks if track.n_frames} == {"track_0", "track_1"}
    out = tmp_path / "out"
    out.mkdir()
    result = poseconv_in_process("export", path, "--to", "dlc", out / "x.h5", "-q")
    assert result.returncode == 0, result.stderr
    labels = sleap_io.load_slp(str(SLEAP_SESSION), open_videos=False)
    written = sorted(out.iterdir())
    assert len(written) <= len(labels.videos)
    by_video = {f"x_{Path(video.filename).stem}.h5": video for video in labels.videos}
    both = 0
    for table_path in written:
        video = by_video[table_path.name]
        seen = {i.track.name for frame in labels.find(video) for i in frame.instances if i.track is not None}
        individuals = set(pd.read_hdf(table_path).columns.get_level_values("individuals"))
        assert individuals == seen, table_path.name
        both += individuals == {"track_0", "track_1"}
    assert both >= 2
