"""SLEAP labels on image sequences keyed by their images' folder; recording sessions said to be left out."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import sleap_io as sio

from poseconv.errors import PoseconvWarning
from poseconv.exporters.deeplabcut_training import write_deeplabcut_labels
from poseconv.readers.sleap import read_sleap_labels
from tests.fixtures.sleap import SLP_IMAGE_LIST, SLP_MIN_SESSION_USER, SLP_MULTIVIEW_28, SLP_TYPICAL


def _labels_on_images(path, image_paths: list[str]):
    """Save a ``.slp`` of one user instance on each image of one image video (sleap-io's ImageVideo)."""
    import imageio.v3 as iio

    for image in image_paths:
        iio.imwrite(image, np.zeros((40, 60), dtype=np.uint8))
    skeleton = sio.Skeleton(["nose", "tail"], name="mouse")
    video = sio.Video.from_filename(image_paths)
    frames = [
        sio.LabeledFrame(video, i, [sio.Instance.from_numpy(np.array([[1.0 + i, 2.0], [3.0, 4.0]]), skeleton)])
        for i in range(len(image_paths))
    ]
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton]), str(path))
    return path


def test_a_dlc_folder_of_images_saved_by_sleap_keeps_its_name_back_to_dlc(tmp_path):
    # sleap-io's load_dlc (and poseconv's .slp export) makes DeepLabCut's labeled-data/m4s1 one image video of its
    # images. Before, the video was named after its first image (img0000): the DeepLabCut export wrote the rows of
    # labeled-data/m4s1 into labeled-data/img0000/, a folder no video matches.
    folder = tmp_path / "labeled-data" / "m4s1"
    folder.mkdir(parents=True)
    images = [str(folder / f"img{i:04d}.png") for i in range(3)]
    training = read_sleap_labels(_labels_on_images(tmp_path / "labels.slp", images))
    assert list(training.videos) == ["m4s1"] and {frame.video for frame in training.frames} == {"m4s1"}
    (written,) = [p for p in write_deeplabcut_labels(training, tmp_path / "dlc") if p.suffix == ".h5"]
    assert written.parent == tmp_path / "dlc" / "labeled-data" / "m4s1"
    assert list(pd.read_hdf(written).index) == [("labeled-data", "m4s1", f"img{i:04d}.png") for i in range(3)]


def test_images_of_several_folders_are_named_by_the_first(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    images = [str(tmp_path / "a" / "x0.png"), str(tmp_path / "b" / "x1.png")]
    training = read_sleap_labels(_labels_on_images(tmp_path / "labels.slp", images))
    assert list(training.videos) == ["x0"]


def test_sleap_s_image_list_is_named_by_its_folder():
    # SLEAP's "Add images": a SingleImageVideo of 3 images (robot0.jpg ..) recorded in D:/.../tests/data/videos.
    training = read_sleap_labels(SLP_IMAGE_LIST)
    assert list(training.videos) == ["videos"] and {frame.video for frame in training.frames} == {"videos"}


@pytest.mark.parametrize(
    ("path", "held"),
    [(SLP_MIN_SESSION_USER, "1 recording session (8 cameras)"), (SLP_MULTIVIEW_28, "(2 cameras, 1 frame group)")],
    ids=["min_session", "multiview3d"],
)
def test_labels_of_a_recording_session_say_its_cameras_are_not_kept(path, held):
    # Before, the 8 calibrated cameras of min_session were dropped unsaid (the NWB file had no device).
    with pytest.warns(PoseconvWarning, match="training data has no place for") as caught:
        read_sleap_labels(path)
    (message,) = [str(w.message) for w in caught if "recording session" in str(w.message)]
    assert held in message and "their calibration" in message
    assert f"poseconv convert {path.name} --source sleap-session --append" in message


def test_labels_without_a_session_say_nothing_of_one():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_sleap_labels(SLP_TYPICAL)
    assert not [w for w in caught if "recording session" in str(w.message)]
