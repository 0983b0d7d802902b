"""SLEAP user-labeled instances -> TrainingData, checked instance by instance against sleap-io."""

from __future__ import annotations

import numpy as np
import pytest
import sleap_io as sio

from poseconv.errors import InvalidSourceFileError
from poseconv.readers.sleap import read_sleap_labels
from tests.fixtures.sleap import (
    DLC_H5,
    SLP_CLIP_PREDICTIONS,
    SLP_DANCE,
    SLP_IMAGE_LIST,
    SLP_LABELS_V002,
    SLP_MIN_SESSION_USER,
    SLP_MINIMAL_PKG,
    SLP_TYPICAL,
)

REAL_USER_LABELS = [SLP_MIN_SESSION_USER, SLP_TYPICAL, SLP_DANCE, SLP_LABELS_V002, SLP_IMAGE_LIST, SLP_MINIMAL_PKG]


@pytest.mark.parametrize("path", REAL_USER_LABELS, ids=lambda p: p.name)
def test_every_user_instance_and_no_prediction(path):
    labels = sio.load_slp(str(path), open_videos=False)
    training = read_sleap_labels(path)
    user_frames = [lf for lf in labels.labeled_frames if lf.user_instances]
    assert len(training.frames) == len(user_frames)
    video_keys = list(training.videos)
    for lf, frame in zip(user_frames, training.frames, strict=True):
        assert frame.frame_index == lf.frame_idx
        assert frame.video == video_keys[labels.videos.index(lf.video)]
        assert len(frame.instances) == len(lf.user_instances)
        for expected, instance in zip(lf.user_instances, frame.instances, strict=True):
            assert instance.individual == (expected.track.name if expected.track is not None else None)
            assert training.skeletons[instance.skeleton].nodes == tuple(expected.skeleton.node_names)
            # Coordinates of nodes marked not visible are kept, as SLEAP keeps them.
            np.testing.assert_array_equal(instance.points, expected.points["xy"])
            np.testing.assert_array_equal(instance.visible, expected.points["visible"])
    assert training.individuals == [t.name for t in labels.tracks]


def test_multi_camera_session_with_invisible_nodes():
    training = read_sleap_labels(SLP_MIN_SESSION_USER)
    assert len(training.videos) == 8
    assert training.n_instances == 42
    invisible = [i for f in training.frames for i in f.instances if not i.visible.all()]
    assert invisible, "this file marks nodes not visible"
    assert any(np.isfinite(i.points[~i.visible]).all() for i in invisible)
    # Paths recorded on another machine stay text; no local file is made up.
    video = training.videos["min_session_topL"]
    assert video.original_path.startswith("D:/") and video.path is None
    assert training.notes["n_predicted_instances_ignored"] == 42


def test_image_list_video_keeps_each_image():
    training = read_sleap_labels(SLP_IMAGE_LIST)
    assert [f.image.rsplit("/", 1)[-1] for f in training.frames] == ["robot0.jpg", "robot1.jpg", "robot2.jpg"]
    assert [f.frame_index for f in training.frames] == [0, 1, 2]


def test_typical_keeps_tracks_and_drops_the_prediction():
    training = read_sleap_labels(SLP_TYPICAL)
    (frame,) = training.frames
    assert [i.individual for i in frame.instances] == ["1", "2"]
    assert training.skeletons["Skeleton-0"].edges == ((0, 1),)


def test_predictions_only_file_has_no_training_data():
    with pytest.raises(InvalidSourceFileError, match="clip.predictions.slp: holds no user-labeled instance"):
        read_sleap_labels(SLP_CLIP_PREDICTIONS)


def test_a_project_with_no_labels_yet_says_so(tmp_path):
    # Before: "holds no user-labeled instance (0 predicted); ... Convert them as poses", of no predictions.
    skeleton = sio.Skeleton(["a", "b"])
    video = sio.Video(filename=str(tmp_path / "arena.mp4"))
    path = tmp_path / "new_project.slp"
    sio.Labels([], skeletons=[skeleton], videos=[video], suggestions=[sio.SuggestionFrame(video, 3)]).save(str(path))
    with pytest.raises(InvalidSourceFileError, match="new_project.slp: holds no labeled instance at all") as err:
        read_sleap_labels(path)
    assert "Convert them as poses" not in str(err.value)


def test_not_a_slp_file():
    with pytest.raises(InvalidSourceFileError, match=r"expected a SLEAP \.slp labels file"):
        read_sleap_labels(DLC_H5)


def test_corrupt_slp_names_the_file(tmp_path):
    bad = tmp_path / "broken.slp"
    bad.write_bytes(b"not hdf5")
    with pytest.raises(InvalidSourceFileError, match="broken.slp"):
        read_sleap_labels(bad)
