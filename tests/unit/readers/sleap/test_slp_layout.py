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
