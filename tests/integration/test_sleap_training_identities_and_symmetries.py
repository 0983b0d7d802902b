"""SLEAP training labels keep their skeletons' symmetries and their instances' identities: .slp -> NWB -> .slp.

A SLEAP skeleton's symmetries (mirror-image nodes, which SLEAP's flip augmentation swaps when it trains)
and a user instance's ``Identity`` (sleap-io re-identification, SLP format 2.5, the known animal, which
may differ from its track) have no field in ndx-pose's training structures. They were dropped silently,
and ``export --training --to slp`` wrote none.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import h5py
import numpy as np
import pytest

from poseconv.exporters.sleap_training import to_sleap_labels, write_sleap_labels
from poseconv.interfaces.training import SLEAPTrainingDataInterface
from poseconv.nwb.read.training import read_training
from poseconv.readers.sleap import read_sleap_labels

sio = pytest.importorskip("sleap_io")


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """Two flies labeled by hand on frames 0, 3 and 7 (wingL/wingR symmetric), tracked t0 and t1.

    Their identities (flyA, flyB) are assigned by hand (no score), except frame 3's t1, whose identity
    flyA an identity model scored 0.75 (a swap); frame 7's t0 has none; frame 9 is a negative frame.
    """
    skeleton = sio.Skeleton(
        nodes=["head", "thorax", "wingL", "wingR"],
        edges=[("head", "thorax"), ("thorax", "wingL"), ("thorax", "wingR")],
        symmetries=[("wingL", "wingR")],
        name="fly",
    )
    video = sio.Video(
        filename="/data/flies.mp4", backend_metadata={"fps": 30.0, "shape": (10, 64, 64, 1)}, open_backend=False
    )
    fly_a, fly_b = sio.Identity("flyA"), sio.Identity("flyB")
    tracks = [sio.Track("t0"), sio.Track("t1")]
    frames = []
    for t in (0, 3, 7):
        instances = []
        for k, track in enumerate(tracks):
            identity, score = (fly_a, None) if k == 0 else (fly_b, None)
            if (t, k) == (3, 1):
                identity, score = fly_a, 0.75
            if (t, k) == (7, 0):
                identity = None
            points = np.arange(8, dtype=float).reshape(4, 2) + 10 * k + t
            instances.append(
                sio.Instance.from_numpy(points, skeleton=skeleton, track=track, identity=identity, identity_score=score)
            )
        frames.append(sio.LabeledFrame(video=video, frame_idx=t, instances=instances))
    frames.append(sio.LabeledFrame(video=video, frame_idx=9, instances=[], is_negative=True))
    path = tmp_path_factory.mktemp("reid_labels") / "labels.slp"
    sio.Labels(
        labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=tracks, identities=[fly_a, fly_b]
    ).save(str(path))
    return path


@pytest.fixture(scope="module")
def nwb(source):
    interface = SLEAPTrainingDataInterface(file_path=source)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    path = source.with_suffix(".nwb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface.run_conversion(nwbfile_path=path, metadata=metadata)
    return path


def _identities(labels):
    """(frame, track) -> (identity name, identity score) of every user instance."""
    return {
        (lf.frame_idx, inst.track.name): (
            inst.identity.name if inst.identity is not None else None,
            inst.identity_score,
        )
        for lf in labels
        for inst in lf.user_instances
    }


EXPECTED = {
    (0, "t0"): ("flyA", None),
    (0, "t1"): ("flyB", None),
    (3, "t0"): ("flyA", None),
    (3, "t1"): ("flyA", 0.75),
    (7, "t0"): (None, None),
    (7, "t1"): ("flyB", None),
}


def test_the_reader_keeps_each_labeled_instance_identity_and_the_symmetries(source):
    training = read_sleap_labels(source)
    found = {
        (frame.frame_index, i.individual): (i.identity, i.identity_score)
        for frame in training.frames
        for i in frame.instances
    }
    assert found == EXPECTED
    assert training.skeletons["fly"].symmetries == ((2, 3),)


def test_the_nwb_file_keeps_them_beside_the_training_frames(nwb):
    with h5py.File(nwb, "r") as handle:
        behavior = handle["processing/behavior"]
        table = behavior["SkeletonSymmetries"]
        assert [[v.decode() for v in table[c][:]] for c in ("skeleton", "node_a", "node_b")] == [
            ["fly"],
            ["wingL"],
            ["wingR"],
        ]
        sources = behavior["PoseTrainingSources"]
        names = [v.decode() for v in sources["identity"][:]]
        assert names == ["flyA", "flyB", "flyA", "flyA", "", "flyB"]
        assert sources["identity_index"][:].tolist() == [2, 4, 6, 6]  # the negative frame has no instance


def test_read_training_gives_them_back(source, nwb):
    back, original = read_training(nwb), read_sleap_labels(source)
    assert back.skeletons["fly"].symmetries == ((2, 3),)
    pairs = [
        ((i.individual, i.identity, i.identity_score), (j.individual, j.identity, j.identity_score))
        for f, g in zip(back.frames, original.frames, strict=True)
        for i, j in zip(f.instances, g.instances, strict=True)
    ]
    assert len(pairs) == 6 and all(a == b for a, b in pairs)


def test_export_training_to_slp_restores_identities_and_symmetries(nwb, tmp_path):
    training = read_training(nwb)
    written = sio.load_slp(str(write_sleap_labels(training, tmp_path / "back.slp")), open_videos=False)
    for labels in (written, to_sleap_labels(training)):
        assert [identity.name for identity in labels.identities] == ["flyA", "flyB"]
        assert _identities(labels) == EXPECTED
        assert [sorted(n.name for n in s.nodes) for s in labels.skeletons[0].symmetries] == [["wingL", "wingR"]]
