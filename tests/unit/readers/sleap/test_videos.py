"""The videos SLEAP files record (readers/sleap/videos.py): what is linked, for the layouts SLEAP and sleap-io write."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from poseconv.readers.sleap import read_sleap

sio = pytest.importorskip("sleap_io")


def _skeleton():
    return sio.Skeleton(["head", "thorax"], edges=[("head", "thorax")], name="fly")


def _predictions_on_package(folder: Path):
    """sleap-nn ``track -i labels.v001.pkg.slp`` with embedding, and its analysis export.

    sleap_nn/inference/run.py ``save_predictions``: ``labels.save(path, embed=..., restore_original_videos=False)``
    and ``sio.save_analysis_h5``; the package is SLEAP's training package (``embed="user"``) of ``clip.mp4``.
    """
    sio.save_video(np.zeros((30, 32, 32, 1), np.uint8), str(folder / "clip.mp4"), fps=25)
    video = sio.load_video(str(folder / "clip.mp4"))
    skeleton = _skeleton()
    frames = [
        sio.LabeledFrame(video=video, frame_idx=f, instances=[sio.Instance.from_numpy(np.full((2, 2), f), skeleton)])
        for f in (3, 11)
    ]
    package = folder / "labels.v001.pkg.slp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton]).save(str(package), embed="user")
        video.close()
        labels = sio.load_slp(str(package))
        predicted = [
            sio.LabeledFrame(
                video=labels.videos[0],
                frame_idx=lf.frame_idx,
                instances=[
                    sio.PredictedInstance.from_numpy(
                        np.full((2, 2), lf.frame_idx + 0.5), point_scores=[0.9, 0.8], score=0.9, skeleton=skeleton
                    )
                ],
            )
            for lf in labels
        ]
        predictions = sio.Labels(labeled_frames=predicted, videos=[labels.videos[0]], skeletons=[skeleton])
        slp = folder / "labels.v001.pkg.predictions.slp"
        predictions.save(str(slp), embed=True, restore_original_videos=False)
        analysis = folder / "labels.v001.pkg.predictions.analysis.h5"
        sio.save_analysis_h5(predictions, str(analysis), video=0, labels_path=str(slp))
    return package, slp, analysis


def test_predictions_on_a_package_link_the_video_its_frames_came_from(tmp_path):
    _, slp, analysis = _predictions_on_package(tmp_path)
    for path in (slp, analysis):
        pose = read_sleap(path)
        (video,) = pose.videos.values()
        assert video.path == tmp_path / "clip.mp4", path.name
        assert (video.key, video.n_frames, video.fps, video.frame_size) == ("clip", 30, 25.0, (32, 32)), path.name
        np.testing.assert_array_equal(pose.tracks[0].positions[[3, 11], 0], [[3.5, 3.5], [11.5, 11.5]])


def test_an_analysis_export_of_predictions_on_a_missing_package_links_no_video(tmp_path):
    package, _, analysis = _predictions_on_package(tmp_path)
    package.unlink()
    (video,) = read_sleap(analysis).videos.values()
    # The package is recorded, not linked, and the number of frames it held is not the video's.
    assert video.local_files is None
    assert video.original_path == str(package)
    assert (video.n_frames, video.fps) == (None, 25.0)


def _images(folder: Path, n: int) -> list[str]:
    import imageio.v3 as iio

    folder.mkdir(exist_ok=True)
    files = [str(folder / f"img_{i:03d}.png") for i in range(n)]
    for i, file in enumerate(files):
        iio.imwrite(file, np.full((16, 24), i, np.uint8))
    return files


def _sleap_export_of_images(path: Path, files: list[str], labels_path: Path, n_frames: int) -> np.ndarray:
    """Write an analysis file as SLEAP's ``write_tracking_h5`` does for a project on images; return its points.

    sleap/info/write_tracking_h5.py ``main``: ``video_path=video.backend.filename``, which for a
    ``SingleImageVideo`` is its first image (sleap/io/video.py); ``write_occupancy_file(transpose=True)``.
    """
    import h5py

    points = np.random.default_rng(3).uniform(0, 16, (n_frames, 2, 2, 1))  # frames, nodes, xy, tracks
    data = {
        "track_names": np.array([], dtype="S"),
        "node_names": [b"head", b"thorax"],
        "edge_names": [(b"head", b"thorax")],
        "edge_inds": [(0, 1)],
        "tracks": points,
        "track_occupancy": np.ones((1, n_frames), np.uint8),
        "point_scores": np.full((n_frames, 2, 1), 0.9),
        "instance_scores": np.full((n_frames, 1), 0.8),
        "tracking_scores": np.zeros((n_frames, 1)),
        "labels_path": str(labels_path),
        "video_path": files[0],
        "video_ind": 0,
        "provenance": "{}",
    }
    with h5py.File(path, "w") as handle:
        for name, value in data.items():
            value = np.transpose(value) if isinstance(value, np.ndarray) else value
            handle.create_dataset(name, data=value)
    return points[..., 0]


def test_an_analysis_export_of_images_is_not_linked_to_its_first_image(tmp_path):
    from datetime import UTC, datetime

    from poseconv import SLEAPPoseInterface

    files = _images(tmp_path, 12)
    path = tmp_path / "labels.000_img_000.analysis.h5"
    points = _sleap_export_of_images(path, files, tmp_path / "labels.slp", 12)
    pose = read_sleap(path)
    (video,) = pose.videos.values()
    assert (video.local_files, video.original_path) == (None, None)
    np.testing.assert_array_equal(pose.tracks[0].positions, points)
    # The image is not probed as the video (it has 1 frame for 12 poses): the file converts.
    interface = SLEAPPoseInterface(file_path=str(path), sampling_frequency=10.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    interface.run_conversion(nwbfile_path=str(tmp_path / "out.nwb"), metadata=metadata)


def test_an_analysis_export_of_images_links_the_images_of_its_labels_file(tmp_path):
    files = _images(tmp_path / "frames", 12)
    labels_path = tmp_path / "labels.slp"
    video = sio.Video.from_filename(files)
    skeleton = _skeleton()
    frame = sio.LabeledFrame(video=video, frame_idx=0, instances=[sio.Instance.from_numpy(np.ones((2, 2)), skeleton)])
    sio.Labels(labeled_frames=[frame], videos=[video], skeletons=[skeleton]).save(str(labels_path))
    path = tmp_path / "labels.000_img_000.analysis.h5"
    _sleap_export_of_images(path, files, labels_path, 12)
    (video,) = read_sleap(path).videos.values()
    assert video.image_files == tuple(Path(file) for file in files)


def test_a_package_of_labels_on_images_links_the_images_as_its_slp_does(generated_image_sequence, tmp_path):
    # SLEAP's training package of a project on images: labels.save("x.pkg.slp", embed="user") records the
    # ImageVideo, whose filename is the list of images, as the embedded frames' source_video.
    package = tmp_path / "image_sequence.pkg.slp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        generated_image_sequence.expected["labels"].save(str(package), embed="user")
    (from_slp,) = read_sleap(generated_image_sequence.path).videos.values()
    (from_package,) = read_sleap(package).videos.values()
    assert from_package.image_files == tuple(Path(file) for file in generated_image_sequence.expected["files"])
    assert (
        (from_package.key, from_package.original_path)
        == (from_slp.key, from_slp.original_path)
        == ("images", generated_image_sequence.expected["files"][0])  # the images' folder, as DeepLabCut names it
    )


@pytest.mark.parametrize("all_here", [True, False])
def test_sleap_io_analysis_export_of_images_links_them_as_the_slp_does(generated_image_sequence, tmp_path, all_here):
    from poseconv import SLEAPPoseInterface

    # sleap_io/io/analysis_h5.py write_labels records an ImageVideo's filename, the list of its images.
    path = tmp_path / "image_sequence.000_img_000.analysis.h5"
    sio.save_analysis_h5(generated_image_sequence.expected["labels"], str(path))
    files = generated_image_sequence.expected["files"]
    if not all_here:
        Path(files[2]).unlink()
    pose = read_sleap(path)
    (video,) = pose.videos.values()
    assert (video.key, video.original_path) == ("images", files[0])
    assert video.image_files == (tuple(Path(file) for file in files) if all_here else None)
    description = SLEAPPoseInterface(file_path=str(path), sampling_frequency=10.0).get_metadata()["Pose"]
    description = str(description)
    assert "[b'" not in description
    assert ("recorded the video as 4 image files" in description) is not all_here


def test_frames_stored_in_an_hdf5_file_are_said_to_be_so_not_missing(tmp_path):
    # SLEAP's HDF5Video: frames as images in a dataset of an .h5 beside the .slp. The description said that file
    # "does not exist on the machine that wrote this file", though it was there; NWB cannot link it as a video.
    import h5py

    from poseconv.metadata.defaults import MISSING_VIDEO_PATTERN, default_pose_metadata

    frames_file = tmp_path / "frames.h5"
    with h5py.File(frames_file, "w") as handle:
        handle.create_dataset("box", data=np.zeros((5, 16, 16, 1), np.uint8))
    video = sio.load_video(str(frames_file), dataset="box")
    skeleton, track = _skeleton(), sio.Track("t")
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[
                sio.PredictedInstance.from_numpy(np.array([[f, 1, 0.5], [2, 3, 0.6]], float), skeleton, track=track)
            ],
        )
        for f in (0, 3)
    ]
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], tracks=[track]), str(tmp_path / "h5vid.slp"))
    video.close()
    pose = read_sleap(tmp_path / "h5vid.slp")
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    description = container["description"]
    assert "does not exist" not in description
    assert (
        f"The tool recorded the video as frames stored as images in the HDF5 file '{frames_file}' (dataset 'box'), "
        "which NWB cannot link as a video: it is not linked."
    ) in description
    # Read back, the recorded file is found in the description as a missing video's is.
    assert MISSING_VIDEO_PATTERN.search(description)["path"] == str(frames_file)


def _slp_with_old_videos(path: Path, backends: list[dict]) -> None:
    """A .slp whose videos_json holds older SLEAP's backends, as SLEAP wrote them, one prediction on each video."""
    import json

    import h5py

    skeleton = _skeleton()
    videos = [sio.Video(filename=f"v{i}.mp4", open_backend=False) for i in range(len(backends))]
    frames = [
        sio.LabeledFrame(video=video, frame_idx=0, instances=[sio.Instance.from_numpy(np.ones((2, 2)), skeleton)])
        for video in videos
    ]
    sio.save_slp(sio.Labels(frames, videos=videos, skeletons=[skeleton]), str(path))
    with h5py.File(path, "r+") as handle:
        del handle["videos_json"]
        rows = [json.dumps({"backend": backend}).encode() for backend in backends]
        handle.create_dataset("videos_json", data=rows, maxshape=(None,))


def test_imgstore_videos_are_named_by_their_store(tmp_path):
    # Before, every ImgStore video was "metadata" (metadata, metadata_2, ...), the file each store records.
    stores = [f"labels.slp.frames/frame_data_vid{i}/metadata.yaml" for i in range(2)]
    _slp_with_old_videos(tmp_path / "old.slp", [{"filename": f, "type": "ImgStoreVideo"} for f in stores])
    assert list(read_sleap(tmp_path / "old.slp").videos) == ["frame_data_vid0", "frame_data_vid1"]


def test_single_image_videos_are_images(tmp_path):
    # Older SLEAP's "Add images": one SingleImageVideo per image, recorded by its path alone. Before, each was a
    # video file named by the image (probed as a video when here, with no frame size from SLEAP's record).
    from PIL import Image

    (tmp_path / "imgs").mkdir()
    Image.fromarray(np.zeros((48, 64), np.uint8)).save(tmp_path / "imgs" / "img0.png")
    backend = {"height_": 48, "width_": 64, "channels_": 1, "grayscale": True, "type": "SingleImageVideo"}
    images = [{**backend, "filename": f"imgs/img{i}.png"} for i in range(2)]
    _slp_with_old_videos(tmp_path / "old.slp", images)
    pose = read_sleap(tmp_path / "old.slp")
    here, elsewhere = pose.videos["img0"], pose.videos["img1"]
    assert here.image_files == (tmp_path / "imgs" / "img0.png",) and here.path is None
    assert elsewhere.image_files is None and elsewhere.original_path == "imgs/img1.png"
    assert (here.n_frames, here.frame_size) == (elsewhere.n_frames, elsewhere.frame_size) == (1, (48, 64))
    assert pose.notes["videos"]["img1"]["image_files"] == ["imgs/img1.png"]


def test_the_frame_size_a_slp_records_of_a_missing_video_is_said(tmp_path):
    # A .slp records its video's shape (frames, height, width, channels); with the video not here no ImageSeries
    # holds the size, so the description says it, as for DeepLabCut's _meta.pickle.
    from poseconv.metadata.defaults import default_pose_metadata

    video = sio.Video(filename="/elsewhere/cam1.mp4", backend_metadata={"shape": (50, 480, 640, 1)})
    frame = sio.LabeledFrame(
        video=video, frame_idx=0, instances=[sio.Instance.from_numpy(np.ones((2, 2)), skeleton=_skeleton())]
    )
    sio.save_slp(sio.Labels([frame], videos=[video], skeletons=[_skeleton()]), str(tmp_path / "p.slp"))
    pose = read_sleap(tmp_path / "p.slp")
    assert pose.notes["videos"]["cam1"]["size_recorded_in"] == "the video metadata of p.slp"
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert (
        "SLEAP recorded it in the video metadata of p.slp as 640 x 480 pixels (width x height), 50 frames."
        in container["description"]
    )


def test_the_frame_size_an_analysis_export_records_of_a_missing_video_is_said(tmp_path):
    # sleap-io's analysis .h5 records the video's shape (video_backend_metadata) as the .slp does: it was lost.
    from poseconv.metadata.defaults import default_pose_metadata

    video = sio.Video(filename="/elsewhere/cam1.mp4", backend_metadata={"shape": (50, 480, 640, 1)})
    frame = sio.LabeledFrame(
        video=video,
        frame_idx=0,
        instances=[sio.PredictedInstance.from_numpy(np.ones((2, 3)), skeleton=_skeleton())],
    )
    labels = sio.Labels([frame], videos=[video], skeletons=[_skeleton()])
    sio.save_file(labels, str(tmp_path / "p.analysis.h5"), format="analysis_h5")
    pose = read_sleap(tmp_path / "p.analysis.h5")
    (key,) = pose.videos
    assert pose.notes["videos"][key]["size_recorded_in"] == "the video metadata of p.analysis.h5"
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert "as 640 x 480 pixels (width x height), 50 frames." in container["description"], container["description"]
