"""What a ``.slp`` holds beside the poses is said when it is left out (readers/sleap/slp_layout.py)."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv import read_sleap
from poseconv.errors import PoseconvWarning

sio = pytest.importorskip("sleap_io")


def test_reid_appearance_embeddings_are_said_to_be_left_out(tmp_path):
    # save_slp(..., save_embedding_vectors=True) writes /embeddings (SLP 2.5): they were left out with no word.
    from sleap_io.model.embedding import Embedding

    skeleton = sio.Skeleton(["a", "b"], name="s")
    video = sio.Video(filename="x.mp4", backend_metadata={"fps": 10.0, "shape": (5, 8, 8, 1)}, open_backend=False)
    mouse = sio.Identity("A")
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[1 + f, 2, 0.9], [3, 4, 0.1]], float),
                    skeleton=skeleton,
                    score=0.7,
                    identity=mouse,
                    identity_score=0.8,
                    identity_embedding=Embedding(vector=np.arange(4, dtype=np.float32)),
                )
            ],
        )
        for f in range(3)
    ]
    labels = sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], identities=[mouse])
    sio.save_slp(labels, str(tmp_path / "emb.slp"), save_embedding_vectors=True)
    with pytest.warns(PoseconvWarning, match=r"3 re-identification appearance embedding\(s\)"):
        pose = read_sleap(tmp_path / "emb.slp")
    assert [track.name for track in pose.tracks] == ["A"]


def test_category_appearance_embeddings_are_said_to_be_left_out(tmp_path):
    # A classifier's appearance vectors (SLP 2.7) sit beside the re-ID ones in /embeddings, as category_vectors.
    from sleap_io.model.category import Category
    from sleap_io.model.embedding import Embedding

    skeleton = sio.Skeleton(["a", "b"], name="s")
    video = sio.Video(filename="x.mp4", backend_metadata={"fps": 10.0, "shape": (5, 8, 8, 1)}, open_backend=False)
    fly = Category("fly")
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.ones((2, 3)),
                    skeleton=skeleton,
                    score=0.5,
                    category=fly,
                    category_embedding=Embedding(vector=np.arange(3, dtype=np.float32)),
                )
            ],
        )
        for f in range(2)
    ]
    labels = sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton])
    sio.save_slp(labels, str(tmp_path / "categories.slp"), save_embedding_vectors=True)
    with pytest.warns(PoseconvWarning, match=r"2 category appearance embedding\(s\)"):
        read_sleap(tmp_path / "categories.slp")


def test_negative_frames_are_said_to_be_left_out_of_the_poses_and_kept_in_the_training_data(tmp_path):
    # Frames a user marked as holding no animal (LabeledFrame.is_negative) were dropped with no word from the poses.
    import warnings

    from poseconv import read_sleap_labels

    skeleton = sio.Skeleton(["a", "b"], name="s")
    video = sio.Video(filename="x.mp4", backend_metadata={"fps": 10.0, "shape": (20, 8, 8, 1)}, open_backend=False)
    points = np.array([[1.0, 2.0], [3.0, 4.0]])
    frames = [
        sio.LabeledFrame(video=video, frame_idx=f, instances=[sio.Instance.from_numpy(points, skeleton=skeleton)])
        for f in range(3)
    ]
    for f in (10, 12):
        negative = sio.LabeledFrame(video=video, frame_idx=f, instances=[])
        negative.is_negative = True
        frames.append(negative)
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton]), str(tmp_path / "neg.slp"))
    said = r"neg\.slp: also holds 2 frames a user marked as holding no animal \(negative frames\).*\(--training;"
    with pytest.warns(PoseconvWarning, match=said) as caught:
        read_sleap(tmp_path / "neg.slp")
    assert sum("negative frames" in str(w.message) for w in caught) == 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        training = read_sleap_labels(tmp_path / "neg.slp")
    assert not [w for w in caught if "negative" in str(w.message)]
    assert {frame.frame_index for frame in training.frames if not frame.instances} == {10, 12}
