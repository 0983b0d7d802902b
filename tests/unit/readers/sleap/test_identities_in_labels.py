"""Training labels of a ``.slp`` whose user instances name their animal by ``Identity`` (sleap-io re-ID, SLP 2.5)."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.readers.sleap import read_sleap_labels

sio = pytest.importorskip("sleap_io")


def _reid_labels(path, *, with_track: bool = False):
    """Two mice labeled by hand on frames 2 and 5, named by their Identity; mouse_B has a track too when asked."""
    skeleton = sio.Skeleton(["a", "b"], name="mouse")
    video = sio.Video(filename="cam.mp4", backend_metadata={"fps": 30.0, "shape": (10, 32, 32, 1)}, open_backend=False)
    mouse_a, mouse_b = sio.Identity("mouse_A"), sio.Identity("mouse_B")
    track = sio.Track("resident") if with_track else None
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[
                sio.Instance.from_numpy(np.array([[1.0 + f, 2], [3, 4]]), skeleton=skeleton, identity=mouse_a),
                sio.Instance.from_numpy(
                    np.array([[11.0 + f, 12], [13, 14]]), skeleton=skeleton, identity=mouse_b, track=track
                ),
            ],
        )
        for f in (2, 5)
    ]
    labels = sio.Labels(
        labeled_frames=frames,
        videos=[video],
        skeletons=[skeleton],
        tracks=[track] if track else [],
        identities=[mouse_a, mouse_b],
    )
    sio.save_slp(labels, str(path))
    return path


def test_a_labeled_instance_with_an_identity_and_no_track_is_that_individual(tmp_path):
    # They were read as untracked (individual None): the animals of re-ID training labels were lost, silently.
    training = read_sleap_labels(_reid_labels(tmp_path / "reid.slp"))
    assert list(training.individuals) == ["mouse_A", "mouse_B"]
    for frame in training.frames:
        individuals = {instance.individual: instance.points[0, 0] for instance in frame.instances}
        assert individuals == {"mouse_A": 1.0 + frame.frame_index, "mouse_B": 11.0 + frame.frame_index}
    assert training.notes["tracks_from_identities"] == ["mouse_A", "mouse_B"]


def test_a_labeled_instance_with_a_track_keeps_it(tmp_path):
    training = read_sleap_labels(_reid_labels(tmp_path / "reid.slp", with_track=True))
    assert {instance.individual for frame in training.frames for instance in frame.instances} == {
        "mouse_A",
        "resident",
    }
