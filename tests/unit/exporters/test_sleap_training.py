"""SLEAP user labels written from training data (exporters/sleap_training.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from poseconv.exporters.sleap_training import to_sleap_labels, write_sleap_labels

sio = pytest.importorskip("sleap_io")


def _cropped_labels(tmp_path, crop):
    """User labels of one animal on frames 0-1 of cam.mp4, read back with the crop its labels are in."""
    from poseconv.readers.sleap.labels import read_sleap_labels

    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename=str(tmp_path / "cam.mp4"), open_backend=False)
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=t,
            instances=[sio.Instance.from_numpy(np.array([[10.0 + t, 20.0], [np.nan, np.nan]]), skeleton=skeleton)],
        )
        for t in range(2)
    ]
    path = tmp_path / "labels.slp"
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=[video]), str(path))
    training = read_sleap_labels(path)
    key = training.video_keys()[0]
    # DeepLabCut's extract_frames(crop=True) with video_sets crop "100, 500, 50, 400": [x1, y1, x2, y2].
    return dataclasses.replace(training, notes={**training.notes, "videos": {key: {"crop": crop}}})


def test_labels_of_cropped_frames_are_placed_on_the_whole_video_linked(tmp_path):
    # They kept the crop's coordinates on the whole video: every label 100 px left and 50 px up of the animal.
    labels = sio.load_slp(str(write_sleap_labels(_cropped_labels(tmp_path, [100, 50, 500, 400]), tmp_path / "o.slp")))
    assert labels.videos[0].filename == str(tmp_path / "cam.mp4")
    points = [frame.instances[0].numpy() for frame in labels]
    np.testing.assert_array_equal(points[0], [[110.0, 70.0], [np.nan, np.nan]])
    np.testing.assert_array_equal(points[1], [[111.0, 70.0], [np.nan, np.nan]])


def test_labels_of_a_crop_at_the_frames_corner_are_not_moved(tmp_path):
    labels = to_sleap_labels(_cropped_labels(tmp_path, [0, 0, 640, 480]))
    np.testing.assert_array_equal(labels[0].instances[0].numpy()[0], [10.0, 20.0])


def test_labels_linked_to_their_own_cropped_images_are_not_moved(tmp_path):
    # No video here: the .slp links the labeled images (the crop's frames), whose pixels the labels are in.
    training = _cropped_labels(tmp_path, [100, 50, 500, 400])
    frames = [dataclasses.replace(frame, image=f"img{frame.frame_index}.png") for frame in training.frames]
    training = dataclasses.replace(training, frames=frames)
    labels = to_sleap_labels(training)
    assert labels.videos[0].filename == ["img0.png", "img1.png"]
    np.testing.assert_array_equal(labels[0].instances[0].numpy()[0], [10.0, 20.0])


def test_the_labels_videos_keep_their_shape_and_grayscale(tmp_path):
    # Before, the videos recorded only their rate: SLEAP knew neither the frame count nor the size unopened.
    from poseconv.readers.sleap.labels import read_sleap_labels
    from tests.fixtures.video import write_video

    skeleton = sio.Skeleton(["head", "tail"])
    here = sio.load_video(str(write_video(tmp_path / "gray.mp4", n_frames=20)))
    gone = sio.Video(
        filename=str(tmp_path / "gone.mp4"), backend_metadata={"shape": [9, 30, 40, 3]}, open_backend=False
    )
    frames = [
        sio.LabeledFrame(
            video=video, frame_idx=1, instances=[sio.Instance.from_numpy(np.ones((2, 2)), skeleton=skeleton)]
        )
        for video in (here, gone)
    ]
    path = tmp_path / "labels.slp"
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=[here, gone]), str(path))
    back = sio.load_slp(str(write_sleap_labels(read_sleap_labels(path), tmp_path / "o.slp")), open_videos=False)
    assert [(tuple(video.shape), video.grayscale) for video in back.videos] == [
        ((20, 48, 64, 1), True),
        ((9, 30, 40, 3), False),
    ]
