"""Videos, cameras and time: one ImageSeries per video, linked, on the session clock, DANDI-ready."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from neuroconv.datainterfaces import ExternalVideoInterface
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface, PoseNWBConverter
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, MULTI_ANIMAL_H5
from tests.fixtures.nwb import assert_inspector_clean, user_metadata
from tests.fixtures.paths import needs_shared_data

VIDEO = MULTI_ANIMAL_DIR / "m3v1mp4short.mp4"


@pytest.mark.parametrize("video_first", [True, False], ids=["video-first", "pose-first"])
def test_pose_and_neuroconv_video_interface_share_one_image_series(tmp_path, video_first):
    from neuroconv.tools.testing.mock_interfaces import MockRecordingInterface

    interfaces = dict(Video=ExternalVideoInterface, Pose=DeepLabCutPoseInterface)
    if not video_first:
        interfaces = dict(Pose=DeepLabCutPoseInterface, Video=ExternalVideoInterface)

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Recording=MockRecordingInterface, **interfaces)

    converter = Converter(
        source_data=dict(
            Recording=dict(num_channels=2, durations=[4.0], sampling_frequency=1000.0),
            Video=dict(file_paths=[str(VIDEO)]),
            Pose=dict(file_path=str(MULTI_ANIMAL_H5)),
        )
    )
    converter.data_interface_objects["Video"].set_aligned_starting_time(2.5)
    converter.data_interface_objects["Pose"].set_aligned_starting_time(2.5)
    metadata = user_metadata(converter)
    nwbfile_path = tmp_path / "session.nwb"
    converter.run_conversion(nwbfile_path=nwbfile_path, metadata=metadata)
    # neuroconv's mock recording gives its electrodes no brain location; everything else must be clean.
    assert_inspector_clean(nwbfile_path, ignore=("check_electrodes_location_allen_ccf",))
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        recording = nwbfile.acquisition["ElectricalSeries"]
        assert recording.get_timestamps()[0] == 0.0
        videos = [name for name, obj in nwbfile.acquisition.items() if type(obj).__name__ == "ImageSeries"]
        assert videos == ["Video m3v1mp4short"]
        video = nwbfile.acquisition["Video m3v1mp4short"]
        assert [name for name in nwbfile.devices if "m3v1mp4short" in name] == ["Video m3v1mp4short Camera Device"]
        assert (nwbfile_path.parent / video.external_file[0]).resolve() == VIDEO.resolve()
        for name in ("PoseEstimation_individual1", "PoseEstimation_single"):
            container = nwbfile.processing["behavior"][name]
            assert container.source_video is video
            assert container.device is video.device
            times = container.pose_estimation_series.values().__iter__().__next__().get_timestamps()
            np.testing.assert_allclose(times[0], 2.5)
            video_times = video.starting_time + np.arange(len(times)) / video.rate
            np.testing.assert_allclose(times, video_times, rtol=0, atol=1e-9)


def test_a_video_interface_with_its_own_metadata_key_shares_its_video_and_camera(tmp_path):
    # ExternalVideoInterface(metadata_key="BehaviorCam") declares 'Video <stem>' and its camera under keys of its
    # own; the pose's defaults declared the same objects under video_<stem>(_camera), and neuroconv refused two
    # keys for one device, whatever the user did to the metadata get_metadata() gave.
    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Video=ExternalVideoInterface, Pose=DeepLabCutPoseInterface)

    converter = Converter(
        source_data=dict(
            Video=dict(file_paths=[str(VIDEO)], metadata_key="BehaviorCam"), Pose=dict(file_path=str(MULTI_ANIMAL_H5))
        )
    )
    metadata = user_metadata(converter)
    assert set(metadata["Devices"]) == {"BehaviorCam_camera"}
    assert set(metadata["Behavior"]["ExternalVideos"]) == {"BehaviorCam"}
    nwbfile_path = tmp_path / "session.nwb"
    converter.run_conversion(nwbfile_path=nwbfile_path, metadata=metadata)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        video = nwbfile.acquisition["Video m3v1mp4short"]
        assert list(nwbfile.devices) == ["Video m3v1mp4short Camera Device"]
        for name in ("PoseEstimation_individual1", "PoseEstimation_single"):
            container = nwbfile.processing["behavior"][name]
            assert container.source_video is video and container.device is video.device


@pytest.mark.parametrize(
    "pose_first, own_key", [(False, False), (True, False), (False, True)], ids=["video-first", "pose-first", "own-key"]
)
def test_the_name_a_lab_gives_its_video_in_neuroconv_s_video_interface_stands(tmp_path, pose_first, own_key):
    # ExternalVideoInterface(video_name="BehaviorVideo") under its default key video_<stem>, which the pose's defaults
    # use too: the pose's default name 'Video <stem>' (and its camera's) replaced the lab's, in either order.
    interfaces = dict(Video=ExternalVideoInterface, Pose=DeepLabCutPoseInterface)
    if pose_first:
        interfaces = dict(Pose=DeepLabCutPoseInterface, Video=ExternalVideoInterface)

    class Converter(PoseNWBConverter):
        data_interface_classes = interfaces

    converter = Converter(
        source_data=dict(
            Video=dict(
                file_paths=[str(VIDEO)], video_name="BehaviorVideo", **({"metadata_key": "Cam"} if own_key else {})
            ),
            Pose=dict(file_path=str(MULTI_ANIMAL_H5)),
        )
    )
    metadata = user_metadata(converter)
    # With a key of its own, nothing in the metadata says it is the pose's video: its file does, when written.
    assert "BehaviorVideo" in [entry["name"] for entry in metadata["Behavior"]["ExternalVideos"].values()]
    nwbfile_path = tmp_path / "session.nwb"
    converter.run_conversion(nwbfile_path=nwbfile_path, metadata=metadata)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        nwbfile = io.read()
        assert [name for name, obj in nwbfile.acquisition.items() if type(obj).__name__ == "ImageSeries"] == [
            "BehaviorVideo"
        ]
        video = nwbfile.acquisition["BehaviorVideo"]
        assert list(nwbfile.devices) == ["BehaviorVideo Camera Device"]
        for name in ("PoseEstimation_individual1", "PoseEstimation_single"):
            container = nwbfile.processing["behavior"][name]
            assert container.source_video is video and container.device is video.device


def test_video_given_by_the_user_is_linked_relative_to_the_nwb_file(tmp_path):
    """A training-machine path in config.yaml is never written; the user's video is, relatively."""
    project = tmp_path / "project"
    shutil.copytree(MULTI_ANIMAL_DIR.parent, project, ignore=shutil.ignore_patterns("*.mp4", "labeled-data"))
    predictions = project / "videos" / MULTI_ANIMAL_H5.name
    interface = DeepLabCutPoseInterface(file_path=predictions)
    assert interface.get_metadata()["Behavior"]["ExternalVideos"] == {}
    description = interface.get_metadata()["Pose"]["PoseEstimations"]["PoseEstimation_individual1"]["description"]
    assert "/Users/Jessy/" in description and "does not exist" in description

    interface = DeepLabCutPoseInterface(file_path=predictions, video_file_path=VIDEO)
    out = tmp_path / "nwb" / "session.nwb"
    out.parent.mkdir()
    interface.run_conversion(nwbfile_path=out, metadata=user_metadata(interface))
    with NWBHDF5IO(out, "r") as io:
        nwbfile = io.read()
        external = nwbfile.acquisition["Video m3v1mp4short"].external_file[0]
        assert not Path(external).is_absolute()
        assert (out.parent / external).resolve() == VIDEO.resolve()
        assert "Users/Jessy" not in external
        assert nwbfile.acquisition["Video m3v1mp4short"].starting_frame[:].tolist() == [0]
    assert_inspector_clean(out)


def test_dandi_validate_accepts_file_and_video_organized(tmp_path):
    """`dandi organize` lays the NWB file and its video side by side; `dandi validate` accepts them."""
    import subprocess
    import sys

    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
    staging = tmp_path / "staging"
    staging.mkdir()
    nwbfile_path = staging / "session.nwb"
    metadata = user_metadata(interface)
    metadata["NWBFile"]["session_id"] = "ses1"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=metadata)

    dandiset = tmp_path / "000000"
    dandiset.mkdir()
    (dandiset / "dandiset.yaml").write_text("identifier: DANDI:000000\nname: poseconv test\ndescription: test\n")
    dandi = [str(Path(sys.executable).parent / "dandi")]
    organized = subprocess.run(
        [
            *dandi,
            "organize",
            "-d",
            str(dandiset),
            "--files-mode",
            "copy",
            "--media-files-mode",
            "copy",
            "--update-external-file-paths",
            str(nwbfile_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert organized.returncode == 0, organized.stdout + organized.stderr
    nwb_files = list(dandiset.rglob("*.nwb"))
    assert len(nwb_files) == 1
    videos = list(dandiset.rglob("*.mp4"))
    assert len(videos) == 1 and videos[0].parent == nwb_files[0].with_suffix("")
    validated = subprocess.run(
        [*dandi, "validate", str(dandiset)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "No errors found" in validated.stdout + validated.stderr
    with NWBHDF5IO(nwb_files[0], "r") as io:
        external = io.read().acquisition["Video m3v1mp4short"].external_file[0]
        assert (nwb_files[0].parent / external).resolve() == videos[0].resolve()


def test_stub_test_is_small_and_valid(tmp_path):
    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
    nwbfile_path = tmp_path / "stub.nwb"
    interface.run_conversion(nwbfile_path=nwbfile_path, metadata=user_metadata(interface), stub_test=True)
    assert_inspector_clean(nwbfile_path)


def test_two_cameras_in_one_converter_with_metadata_keys(tmp_path):
    """Two DLC files (two cameras) in one file: metadata keys keep their containers and skeletons apart."""
    from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Top=DeepLabCutPoseInterface, Side=DeepLabCutPoseInterface)

    converter = Converter(
        source_data=dict(
            Top=dict(file_path=str(SINGLE_ANIMAL_H5), metadata_key="top"),
            Side=dict(file_path=str(MULTI_ANIMAL_H5), metadata_key="side", individuals=["individual1"]),
        )
    )
    metadata = converter.get_metadata()
    assert metadata["Pose"]["Skeletons"]["Skeleton_top"]["nodes"] == ["snout", "leftear", "rightear", "tailbase"]
    assert metadata["Pose"]["Skeletons"]["Skeleton_side"]["nodes"] == ["bodypart1", "bodypart2", "bodypart3"]
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    metadata["Pose"]["PoseEstimations"]["PoseEstimation_top"]["description"] = "Top camera."
    nwbfile_path = tmp_path / "two_cameras.nwb"
    converter.run_conversion(nwbfile_path=nwbfile_path, metadata=metadata)
    with NWBHDF5IO(nwbfile_path, "r") as io:
        behavior = io.read().processing["behavior"]
        assert {"PoseEstimation_top", "PoseEstimation_side", "Skeletons"} == set(behavior.data_interfaces)
        assert behavior["PoseEstimation_top"].description == "Top camera."
        assert behavior["PoseEstimation_top"].skeleton.name == "Skeleton_top"
        assert behavior["PoseEstimation_side"].skeleton.name == "Skeleton_side"
        assert behavior["PoseEstimation_top"].device.name != behavior["PoseEstimation_side"].device.name


def _slp_on_video(tmp_path, video_name, backend_metadata, frames, *, user=False, name="poses.slp"):
    """Write a .slp of one 2-node animal, (1 + i, 2), (3, 4.5) at frame i, on the video ``video_name``."""
    sio = pytest.importorskip("sleap_io")
    video = sio.Video(filename=video_name, backend_metadata=backend_metadata, open_backend=False)
    skeleton = sio.Skeleton(["nose", "tail"])
    kind = sio.Instance if user else sio.PredictedInstance
    labeled = [
        sio.LabeledFrame(video, i, [kind.from_numpy(np.array([[1.0 + i, 2.0], [3.0, 4.5]]), skeleton=skeleton)])
        for i in frames
    ]
    sio.save_slp(sio.Labels(labeled, videos=[video], skeletons=[skeleton]), str(tmp_path / name))
    return tmp_path / name


def _slp_on_tiff_stack(tmp_path):
    # A .slp whose video is a multi-page TIFF (sleap-io's TiffVideo), its shape recorded in the file.
    from tests.fixtures.video import write_tiff_stack

    write_tiff_stack(tmp_path / "stack.tif", n_frames=12)
    return _slp_on_video(tmp_path, "stack.tif", {"shape": [12, 24, 32, 1]}, range(0, 12, 3))


def test_poses_on_a_tiff_stack_take_its_pages_as_frames_and_a_stated_rate(tmp_path):
    from poseconv import SLEAPPoseInterface
    from poseconv.errors import MetadataError

    path = _slp_on_tiff_stack(tmp_path)
    metadata = {"NWBFile": {"session_start_time": datetime(2024, 1, 1, tzinfo=UTC)}}
    with pytest.raises(MetadataError, match=r"the video stack\.tif records none \(an image stack"):
        SLEAPPoseInterface(file_path=path).run_conversion(nwbfile_path=tmp_path / "no_rate.nwb", metadata=metadata)
    interface = SLEAPPoseInterface(file_path=path, sampling_frequency=10.0)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata)
    with NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        nwbfile = io.read()
        series = nwbfile.processing["behavior"]["PoseEstimation"].pose_estimation_series["nose"]
        assert series.data.shape[0] == 12 and series.rate == 10.0
        np.testing.assert_array_equal(series.data[[0, 3, 6, 9], 0], [1.0, 4.0, 7.0, 10.0])
        (video,) = [obj for obj in nwbfile.objects.values() if type(obj).__name__ == "ImageSeries"]
        assert list(video.external_file[:]) == ["stack.tif"]


def test_poses_of_a_slp_recording_its_tiff_stack_longer_are_written_on_the_stack_s_pages(tmp_path):
    # sleap-io 0.9.5 records a non-square multi-page TIFF with a wrong shape: here 300 frames for a 6-page stack.
    # The poses (frames 0, 2, 4) were refused as "poses for 300 frames", --video naming the stack too. They fit in
    # the stack: the series has its 6 frames, the poses on theirs; a pose past its end is refused, named.
    from poseconv import SLEAPPoseInterface
    from poseconv.errors import InvalidOptionError, PoseconvWarning
    from tests.fixtures.video import write_tiff_stack

    write_tiff_stack(tmp_path / "stack.tif", n_frames=6)
    path = _slp_on_video(tmp_path, "stack.tif", {"shape": [300, 24, 32, 1]}, [0, 2, 4])
    recorded = r"poses\.slp records the video as 300 frames, but the video .*stack\.tif has 6;"
    with pytest.warns(PoseconvWarning, match=recorded):
        interface = SLEAPPoseInterface(file_path=path, sampling_frequency=10.0)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=user_metadata(interface))
    with NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        nwbfile = io.read()
        series = nwbfile.processing["behavior"]["PoseEstimation"].pose_estimation_series["nose"]
        assert series.data.shape == (6, 2) and series.rate == 10.0
        np.testing.assert_array_equal(series.data[:, 0], [1.0, np.nan, 3.0, np.nan, 5.0, np.nan])
    past = _slp_on_video(tmp_path, "stack.tif", {"shape": [300, 24, 32, 1]}, [0, 8], name="past.slp")
    message = r"records the video as 300 frames, with poses up to frame 8, but the video .*stack\.tif has only 6"
    with pytest.raises(InvalidOptionError, match=message):
        SLEAPPoseInterface(file_path=past, sampling_frequency=10.0, video_file_path=tmp_path / "stack.tif")


def test_plot_draws_over_the_page_of_a_tiff_stack(tmp_path):
    # The overlay reads the stack's pages with Pillow (FFmpeg would give only the first page).
    from PIL import Image

    from tests.fixtures.cli import poseconv_in_process

    path = _slp_on_tiff_stack(tmp_path)
    out = tmp_path / "out.nwb"
    start = "2024-01-01T00:00:00+00:00"
    result = poseconv_in_process("convert", path, "--fps", "10", "-o", out, "--session-start-time", start)
    assert result.returncode == 0, result.stderr
    result = poseconv_in_process("plot", out, "--video", "--frame", "9", "-o", tmp_path / "f9.png")
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "stack.tif") as stack:
        stack.seek(9)
        page = np.asarray(stack.convert("RGB"))
    with Image.open(tmp_path / "f9.png") as drawn:
        drawn = np.asarray(drawn.convert("RGB"))
    assert drawn.shape == page.shape
    # Away from the two keypoints (10, 2) and (3, 4.5), the picture is page 9 itself.
    np.testing.assert_array_equal(drawn[12:, 16:], page[12:, 16:])
    assert not np.array_equal(drawn[:8, :16], page[:8, :16])


def test_an_unreadable_video_found_beside_the_poses_gives_no_times_and_a_warning(tmp_path):
    # Found, not named by the user: a truncated copy or a codec FFmpeg lacks does not stop the conversion.
    from poseconv import SLEAPPoseInterface
    from poseconv.errors import InvalidSourceFileError, PoseconvWarning

    _slp_on_video(tmp_path, "cam.mp4", {"shape": [4, 24, 32, 1], "fps": 25.0}, range(4))
    (tmp_path / "cam.mp4").write_bytes(b"not a video" * 50)
    metadata = {"NWBFile": {"session_start_time": datetime(2024, 1, 1, tzinfo=UTC)}}
    said = r"the video found for it \(cam\.mp4\) gives no frame count or times: .*cam\.mp4: cannot be read"
    with pytest.warns(PoseconvWarning, match=said):
        SLEAPPoseInterface(file_path=tmp_path / "poses.slp").run_conversion(
            nwbfile_path=tmp_path / "out.nwb", metadata=metadata
        )
    with NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        nwbfile = io.read()
        series = nwbfile.processing["behavior"]["PoseEstimation"].pose_estimation_series["nose"]
        assert series.rate == 25.0 and series.data.shape == (4, 2)
        # Still linked: the file the tool recorded as its video.
        (linked,) = [obj for obj in nwbfile.objects.values() if type(obj).__name__ == "ImageSeries"]
        assert list(linked.external_file[:]) == ["cam.mp4"]
    # Named by the user, the same file is an error.
    with pytest.raises(InvalidSourceFileError, match=r"cam\.mp4: cannot be read as a video"):
        SLEAPPoseInterface(file_path=tmp_path / "poses.slp", video_file_path=tmp_path / "cam.mp4").run_conversion(
            nwbfile_path=tmp_path / "given.nwb", metadata=metadata
        )
    assert not (tmp_path / "given.nwb").exists()


def test_training_labels_link_an_unreadable_video_found_beside_them_as_the_poses_do(tmp_path):
    from poseconv import SLEAPTrainingDataInterface
    from poseconv.errors import PoseconvWarning

    _slp_on_video(tmp_path, "cam.mp4", {"shape": [4, 24, 32, 1], "fps": 25.0}, range(4), user=True, name="labels.slp")
    (tmp_path / "cam.mp4").write_bytes(b"not a video" * 50)
    metadata = {"NWBFile": {"session_start_time": datetime(2024, 1, 1, tzinfo=UTC)}}
    with pytest.warns(PoseconvWarning, match=r"cam\.mp4: cannot be read as a video.*taken from the labels file"):
        SLEAPTrainingDataInterface(file_path=tmp_path / "labels.slp").run_conversion(
            nwbfile_path=tmp_path / "out.nwb", metadata=metadata
        )
    with NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        nwbfile = io.read()
        (linked,) = [obj for obj in nwbfile.objects.values() if type(obj).__name__ == "ImageSeries"]
        assert list(linked.external_file[:]) == ["cam.mp4"] and linked.rate == 25.0
        training = nwbfile.processing["behavior"]["PoseTraining"]
        assert all(frame.source_video is linked for frame in training.training_frames.training_frames.values())


@needs_shared_data
def test_one_time_per_video_frame_is_taken_when_the_poses_end_before_the_video(tmp_path):
    # SLEAP predicts up to the last frame with an animal: here frames 5-59 of a 1100-frame video. The lab's camera
    # TTLs, one per video frame, were refused ("the video has 60 frames"); cut to 60, they gave the linked video
    # 60 times for its 1100 frames. The poses, padded to the video's end, and the video take all 1100.
    import sleap_io as sio

    from poseconv import SLEAPPoseInterface
    from poseconv.errors import InvalidOptionError, PoseconvWarning
    from poseconv.nwb.read.pose import read_nwb
    from tests.fixtures.sleap import CENTERED_PAIR_VIDEO

    slp = tmp_path / "moved.slp"
    skeleton, track = sio.Skeleton(nodes=["head", "thorax"]), sio.Track(name="fly0")
    video = sio.Video(filename="D:/lab/videos/centered_pair_low_quality.mp4", open_backend=False)
    scores = dict(point_scores=np.full(2, 0.9), score=0.8, skeleton=skeleton, track=track)
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[sio.PredictedInstance.from_numpy(np.array([[f, 1.0], [f, 2.0]]), **scores)],
        )
        for f in range(5, 60)
    ]
    sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[track]).save(str(slp))
    ttl = 3.0 + np.arange(1100) / 15.0 + np.random.default_rng(0).random(1100) * 1e-3
    # SLEAP indexes its poses by frame: those of frames 60 to 1099, which have none, are NaN, as warned.
    with pytest.warns(PoseconvWarning, match="poses end at frame 59, padded with NaN to the 1100 frames"):
        interface = SLEAPPoseInterface(file_path=slp, video_file_path=CENTERED_PAIR_VIDEO)
    counts = r"has 1100 frames but 500 timestamps were given"
    with pytest.raises(InvalidOptionError, match=counts):
        interface.set_aligned_timestamps(ttl[:500])
    interface.set_aligned_timestamps(ttl)
    path = tmp_path / "aligned.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface), overwrite=True)
    assert_inspector_clean(path)
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        np.testing.assert_array_equal(nwbfile.acquisition["Video centered_pair_low_quality"].timestamps[:], ttl)
        (series, *_) = nwbfile.processing["behavior"]["PoseEstimation"].pose_estimation_series.values()
        np.testing.assert_array_equal(series.timestamps[:], ttl)
    (pose,) = read_nwb(path)
    np.testing.assert_array_equal(pose.tracks[0].positions[5:60, 0, 0], np.arange(5, 60))
    assert np.isnan(pose.tracks[0].positions[60:]).all()


@pytest.mark.parametrize("video_start", [2.5, 0.0], ids=["aligned-alike", "video-not-aligned"])
def test_poses_linking_a_video_of_other_times_are_warned_about(tmp_path, video_start):
    # A lab aligned the poses (from a TTL) but not neuroconv's video interface of the same video: each pose links a
    # video frame of another time, which nothing said.
    import warnings

    from poseconv.errors import PoseconvWarning
    from poseconv.interfaces import PoseConverterPipe

    video = ExternalVideoInterface(file_paths=[str(VIDEO)])
    pose = DeepLabCutPoseInterface(file_path=str(MULTI_ANIMAL_H5))
    video.set_aligned_starting_time(video_start)
    pose.set_aligned_starting_time(2.5)
    converter = PoseConverterPipe(dict(Video=video, Pose=pose))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        converter.run_conversion(nwbfile_path=tmp_path / "s.nwb", metadata=user_metadata(converter))
    said = [
        str(w.message)
        for w in caught
        if issubclass(w.category, PoseconvWarning) and "are not the poses'" in str(w.message)
    ]
    if video_start == 2.5:
        assert said == []
    else:
        assert said and "first 0 s" in said[0] and "first 2.5 s" in said[0]


@needs_shared_data
@pytest.mark.parametrize("given", ["rate", "ttl"], ids=["video-rate", "ttl-per-video-frame"])
def test_align_by_interpolation_maps_every_frame_of_a_video_longer_than_the_poses(tmp_path, given):
    # The poses end at frame 59 of a 1100-frame video. align_by_interpolation mapped the poses' 60 times only and
    # gave the linked video 60 times for its 1100 frames, where set_aligned_starting_time keeps them all.
    import warnings

    import sleap_io as sio

    from poseconv import SLEAPPoseInterface
    from tests.fixtures.sleap import CENTERED_PAIR_VIDEO

    slp = tmp_path / "short.slp"
    skeleton, track = sio.Skeleton(nodes=["head"]), sio.Track(name="fly0")
    video = sio.Video(filename="D:/lab/videos/centered_pair_low_quality.mp4", open_backend=False)
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[sio.PredictedInstance.from_numpy(np.array([[f, 1.0]]), skeleton=skeleton, track=track)],
        )
        for f in range(60)
    ]
    sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=[track]).save(str(slp))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # poses for 60 frames of the 1100: the others have none
        interface = SLEAPPoseInterface(file_path=slp, video_file_path=CENTERED_PAIR_VIDEO)
    (rate,) = (video_timing.rate for video_timing in interface.pose.timing.values())
    video_times = np.arange(1100) / rate
    if given == "ttl":
        video_times = video_times + np.random.default_rng(0).random(1100) * 1e-3
        interface.set_aligned_timestamps(video_times)
    # Three sync pairs off one line: the video's times mapped are not regular (they are written as timestamps).
    sync, session = np.array([0.0, 30.0, 80.0]), np.array([3.0, 33.0, 83.5])
    interface.align_by_interpolation(sync, session)
    expected = np.interp(video_times, sync, session)
    path = tmp_path / "mapped.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface), overwrite=True)
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        np.testing.assert_allclose(nwbfile.acquisition["Video centered_pair_low_quality"].timestamps[:], expected)
        (series,) = nwbfile.processing["behavior"]["PoseEstimation"].pose_estimation_series.values()
        # SLEAP's poses go on to the video's end (NaN past frame 59), on the video's frame times.
        np.testing.assert_allclose(series.get_timestamps()[:], expected)
        assert np.isnan(series.data[60:]).all() and not np.isnan(series.data[:60]).any()
