"""Multi-camera writer and reader on small sessions built in memory."""

from __future__ import annotations

import numpy as np
import pytest
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.errors import MetadataError
from poseconv.metadata.multicamera import default_multicamera_metadata
from poseconv.model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from poseconv.model.multicamera import CameraCalibration, MultiCameraPoseData
from poseconv.nwb.read.multicamera import read_multicamera
from poseconv.nwb.write.multicamera import write_multicamera_pose_estimation

NODES = ("nose", "tail")


def _pose(dims: int, video: str, tracks: dict[str, np.ndarray], confidence: bool) -> PoseData:
    return PoseData.from_tracks(
        source_software="Rig",
        source_file="session.h5",
        skeletons=[Skeleton(name="mouse", nodes=NODES, edges=((0, 1),))],
        videos=[VideoInfo(key=video)],
        tracks=[
            PoseTrack(
                name=name,
                skeleton="mouse",
                video=video,
                positions=positions,
                confidence=np.full(positions.shape[:2], 0.5) if confidence else None,
                confidence_definition="Made up." if confidence else None,
            )
            for name, positions in tracks.items()
        ],
        unit="millimeters" if dims == 3 else "pixels",
        reference_frame="Rig centre." if dims == 3 else "Top-left pixel.",
    )


def _session(timing: FrameTiming | None) -> MultiCameraPoseData:
    rng = np.random.default_rng(3)
    positions_3d = {name: rng.normal(size=(5, 2, 3)) for name in ("a", "b")}
    positions_3d["a"][2] = np.nan
    return MultiCameraPoseData.from_parts(
        source_software="Rig",
        source_file="session.h5",
        cameras=[
            CameraCalibration(name="left", intrinsic_matrix=np.eye(3) * 2, translation_vector=[1.0, 2.0, 3.0]),
            CameraCalibration(name="right"),  # known by name only: a plain Device
        ],
        views={
            "left": _pose(2, "left_video", {"a": rng.normal(size=(4, 2, 2))}, True),
            "right": _pose(2, "right_video", {"a": rng.normal(size=(5, 2, 2)), "b": rng.normal(size=(5, 2, 2))}, True),
        },
        pose_3d=_pose(3, "3D", positions_3d, False),
        timing=timing,
    )


def test_write_and_read_back(tmp_path):
    times = np.array([0.0, 0.1, 0.25, 0.3, 0.5])
    data = _session(FrameTiming(timestamps=times, source="test clock"))
    nwbfile = mock_NWBFile()
    containers = write_multicamera_pose_estimation(nwbfile, data, metadata=default_multicamera_metadata(data))
    assert [c.name for c in containers] == ["MultiCameraPoseEstimation_a", "MultiCameraPoseEstimation_b"]
    assert type(nwbfile.devices["left"]).__name__ == "CalibratedCamera"
    assert type(nwbfile.devices["right"]).__name__ == "Device"
    first = containers[0].pose_estimation_series["nose"]
    # Times are stored once: every 5-frame series links the first one's timestamps.
    assert containers[0].pose_estimation_series["tail"].fields["timestamps"] is first
    right = containers[0].pose_estimations["PoseEstimation_right"]
    assert right.pose_estimation_series["nose"].fields["timestamps"] is first
    assert containers[1].pose_estimation_series["nose"].fields["timestamps"] is first
    # The left camera's poses end a frame early: their own (first 4) timestamps.
    short = containers[0].pose_estimations["PoseEstimation_left"].pose_estimation_series["nose"]
    np.testing.assert_array_equal(short.timestamps, times[:4])
    # b is not seen by the left camera: an empty view records the camera.
    assert len(containers[1].pose_estimations["PoseEstimation_left"].pose_estimation_series) == 0

    path = tmp_path / "rig.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    (back,) = read_multicamera(path)
    assert back.individuals() == ["a", "b"]
    np.testing.assert_array_equal(back.timing.timestamps, times)
    np.testing.assert_array_equal(back.cameras["left"].translation_vector, [1.0, 2.0, 3.0])
    assert not back.cameras["right"].is_calibrated
    for name in ("a", "b"):
        expected = next(t for t in data.pose_3d.tracks if t.name == name).positions
        np.testing.assert_array_equal(next(t for t in back.pose_3d.tracks if t.name == name).positions, expected)
    np.testing.assert_array_equal(back.views["right"].tracks[1].positions, data.views["right"].tracks[1].positions)
    np.testing.assert_array_equal(back.views["left"].tracks[0].positions, data.views["left"].tracks[0].positions)
    assert back.pose_3d.unit == "millimeters"
    assert back.skeleton_for("a").edges == ((0, 1),)


def test_metadata_errors():
    data = _session(FrameTiming(rate=30.0))
    metadata = default_multicamera_metadata(data)
    metadata["Pose"]["MultiCameraPoseEstimations"]["MultiCameraPoseEstimation_ghost"] = {"name": "x"}
    with pytest.raises(MetadataError, match="MultiCameraPoseEstimation_a"):
        write_multicamera_pose_estimation(mock_NWBFile(), data, metadata=metadata)

    metadata = default_multicamera_metadata(data)
    metadata["Pose"]["Skeletons"]["mouse"]["nodes"] = ["tail", "nose"]
    with pytest.raises(MetadataError, match="renamed or reordered"):
        write_multicamera_pose_estimation(mock_NWBFile(), data, metadata=metadata)

    nwbfile = mock_NWBFile()
    write_multicamera_pose_estimation(nwbfile, data, metadata=default_multicamera_metadata(data))
    with pytest.raises(MetadataError, match="already holds"):
        write_multicamera_pose_estimation(nwbfile, data, metadata=default_multicamera_metadata(data))

    untimed = _session(None)
    with pytest.raises(MetadataError, match="sampling_frequency"):
        write_multicamera_pose_estimation(mock_NWBFile(), untimed, metadata=default_multicamera_metadata(untimed))


def test_a_camera_name_taken_by_another_rig_is_refused():
    import dataclasses

    data = _session(FrameTiming(rate=30.0))
    nwbfile = mock_NWBFile()
    write_multicamera_pose_estimation(nwbfile, data, metadata=default_multicamera_metadata(data))
    other_rig = dataclasses.replace(
        data, cameras={**data.cameras, "left": CameraCalibration(name="left", intrinsic_matrix=np.eye(3) * 3)}
    )
    metadata = default_multicamera_metadata(other_rig)
    for entry in metadata["Pose"]["MultiCameraPoseEstimations"].values():
        entry["name"] += "_rig2"
    with pytest.raises(MetadataError, match="without this calibration"):
        write_multicamera_pose_estimation(nwbfile, other_rig, metadata=metadata)
    # The same cameras calibrated again on another day (only their positions differ): before, the second
    # session's views were linked to the first session's cameras, and its rotations and translations lost.
    left = data.cameras["left"]
    moved = dataclasses.replace(left, translation_vector=np.asarray(left.translation_vector) + 1.0)
    recalibrated = dataclasses.replace(data, cameras={**data.cameras, "left": moved})
    metadata = default_multicamera_metadata(recalibrated)
    for entry in metadata["Pose"]["MultiCameraPoseEstimations"].values():
        entry["name"] += "_day2"
    with pytest.raises(MetadataError, match=r"'left' without this calibration \(translation_vector differ\)"):
        write_multicamera_pose_estimation(nwbfile, recalibrated, metadata=metadata)
    # With a metadata key every name of the second rig is its own.
    keyed = dataclasses.replace(other_rig, metadata_key="rig2")
    written = write_multicamera_pose_estimation(nwbfile, keyed, metadata=default_multicamera_metadata(keyed))
    assert [c.name for c in written] == ["MultiCameraPoseEstimation_rig2_a", "MultiCameraPoseEstimation_rig2_b"]
    assert written[0].pose_estimations["PoseEstimation_left"].device is nwbfile.devices["left_rig2"]
    assert written[0].skeleton.name == "mouse_rig2"


def test_a_camera_named_like_another_interface_s_device_or_camera_is_refused_as_by_get_or_add_device():
    # A camera named like the ephys probe: its views linked the probe, no word said (devices.get_or_add_device
    # refused it for a video's camera already; the multi-camera writer compared only the calibration).
    from pynwb.device import Device

    data = _session(FrameTiming(rate=30.0))
    nwbfile = mock_NWBFile()
    probe = Device(name="right", description="Neuropixels probe")
    nwbfile.add_device(probe)
    nwbfile.create_electrode_group(name="shank0", description="shank", location="CA1", device=probe)
    said = r"\['CalibratedCameras'\]\['right'\] names the camera 'right'.*ElectrodeGroup 'shank0'.*another name"
    with pytest.raises(MetadataError, match=said):
        write_multicamera_pose_estimation(nwbfile, data, metadata=default_multicamera_metadata(data))
    # A camera of the name described as another one, or of another serial number, is another camera.
    nwbfile = mock_NWBFile()
    write_multicamera_pose_estimation(nwbfile, data, metadata=default_multicamera_metadata(data))
    metadata = default_multicamera_metadata(data)
    for entry in metadata["Pose"]["MultiCameraPoseEstimations"].values():
        entry["name"] += "_2"
    metadata["Pose"]["CalibratedCameras"]["right"]["serial_number"] = "SN-2"
    with pytest.raises(MetadataError, match=r"\['right'\].*another camera: its serial_number None, not 'SN-2'"):
        write_multicamera_pose_estimation(nwbfile, data, metadata=metadata)
    # The same cameras (default descriptions, the same calibration) are shared by a second session.
    del metadata["Pose"]["CalibratedCameras"]["right"]["serial_number"]
    written = write_multicamera_pose_estimation(nwbfile, data, metadata=metadata)
    assert written[0].pose_estimations["PoseEstimation_left"].device is nwbfile.devices["left"]


def test_replaced_predictions_of_a_view_go_beside_the_container_and_back(tmp_path):
    import dataclasses

    from poseconv.nwb.read.pose import read_nwb
    from tests.fixtures.sleap import with_replaced_predictions

    data = _session(FrameTiming(rate=30.0))
    right = with_replaced_predictions(data.views["right"], frames=(0, 4))
    data = dataclasses.replace(data, views={**data.views, "right": right})
    nwbfile = mock_NWBFile()
    write_multicamera_pose_estimation(nwbfile, data, metadata=default_multicamera_metadata(data))
    behavior = nwbfile.processing["behavior"]
    replaced = behavior["MultiCameraPoseEstimation_a_PoseEstimation_right_replaced_predictions"]
    view = behavior["MultiCameraPoseEstimation_a"].pose_estimations["PoseEstimation_right"]
    assert replaced.device is view.device and replaced.skeleton is view.skeleton
    assert "'MultiCameraPoseEstimation_a/PoseEstimation_right'" in replaced.description
    assert (
        "MultiCameraPoseEstimation_a_PoseEstimation_right_replaced_predictions_instance_score"
        in behavior.data_interfaces
    )
    assert not [name for name in behavior.data_interfaces if name.endswith("_replaced_predictions") and "_b_" in name]

    path = tmp_path / "rig.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    (back,) = read_multicamera(path)
    want = right.tracks[0].replaced_predictions
    got = back.views["right"].tracks[0].replaced_predictions
    assert (got.name, got.video) == (back.views["right"].tracks[0].name, back.views["right"].tracks[0].video)
    for field in ("positions", "confidence", "instance_scores", "tracking_scores"):
        np.testing.assert_array_equal(getattr(got, field), getattr(want, field), err_msg=field)
    assert back.views["right"].tracks[1].replaced_predictions is None
    # Read as single-camera poses, the container goes with its view's track too.
    tracks = [t for pose in read_nwb(path) for t in pose.tracks if t.replaced_predictions is not None]
    assert len(tracks) == 1 and tracks[0].name == "a"
    np.testing.assert_array_equal(tracks[0].replaced_predictions.positions, want.positions)


def test_a_camera_no_view_links_is_warned_of():
    from poseconv.errors import PoseconvWarning

    # The right camera's views left out of the metadata: the camera was left out of the file without a word.
    data = _session(FrameTiming(rate=30.0))
    metadata = default_multicamera_metadata(data)
    for entry in metadata["Pose"]["MultiCameraPoseEstimations"].values():
        del entry["CameraViews"]["right"]
    nwbfile = mock_NWBFile()
    with pytest.warns(PoseconvWarning, match=r"CalibratedCameras'\] has \['right'\], which no camera view's"):
        write_multicamera_pose_estimation(nwbfile, data, metadata=metadata)
    assert "right" not in nwbfile.devices


@pytest.mark.parametrize("camera", ["left", "newcam"])
def test_a_view_pointed_at_another_camera_is_refused_at_its_camera_metadata_key(camera):
    # The right view pointed at the left camera took the left device with the right camera's calibration (or
    # was refused as a device 'already in the file'); at a camera the metadata adds, its key was 'not a key'.
    data = _session(FrameTiming(rate=30.0))
    metadata = default_multicamera_metadata(data)
    metadata["Pose"]["CalibratedCameras"]["newcam"] = {"name": "newcam"}
    metadata["Pose"]["MultiCameraPoseEstimations"]["MultiCameraPoseEstimation_b"]["CameraViews"]["right"][
        "camera_metadata_key"
    ] = camera
    with pytest.raises(MetadataError) as raised:
        write_multicamera_pose_estimation(mock_NWBFile(), data, metadata=metadata)
    message = str(raised.value)
    assert "['CameraViews']['right']['camera_metadata_key'] names camera" in message
    assert "Pose.CalibratedCameras.right" in message and "already has a device" not in message


@pytest.mark.parametrize(
    ("given", "written"),
    [
        # A form's edited description was written "cam back edited Length unit ...", one sentence run into the next.
        ("cam back edited", "cam back edited. Length unit of the translation vector: 'n.a.'."),
        ("Left camera.  ", "Left camera. Length unit of the translation vector: 'n.a.'."),
        ("Is it calibrated?", "Is it calibrated? Length unit of the translation vector: 'n.a.'."),
    ],
)
def test_poseconvs_sentences_follow_a_given_camera_description_as_sentences_of_their_own(given, written):
    data = _session(FrameTiming(rate=30.0))
    metadata = default_multicamera_metadata(data)
    metadata["Pose"]["CalibratedCameras"]["left"]["description"] = given
    nwbfile = mock_NWBFile()
    write_multicamera_pose_estimation(nwbfile, data, metadata=metadata)
    assert nwbfile.devices["left"].description == written


def test_a_view_s_video_another_interface_wrote_without_a_camera_takes_the_view_s_camera():
    # A video interface's video of a view (neuroconv's ExternalVideoInterface, its camera left to the session's
    # calibrated one): the view linked the video, but only a video new here was given the camera.
    from pynwb.image import ImageSeries

    data = _session(FrameTiming(rate=30.0))
    metadata = default_multicamera_metadata(data, video_paths_known={"left_video"})
    name = metadata["Behavior"]["ExternalVideos"]["video_left_video"]["name"]
    nwbfile = mock_NWBFile()
    video = ImageSeries(
        name=name, external_file=["left_video.mp4"], format="external", starting_frame=[0], rate=30.0, num_samples=4
    )
    nwbfile.add_acquisition(video)
    (container, _) = write_multicamera_pose_estimation(nwbfile, data, metadata=metadata)
    view = container.pose_estimations["PoseEstimation_left"]
    assert view.source_video is video and video.device is view.device is nwbfile.devices["left"]
    assert type(video.device).__name__ == "CalibratedCamera"
