"""SLEAP identities (sleap-io re-identification) and skeleton symmetries: .slp -> NWB -> read back -> .slp.

An instance's ``Identity`` (the known animal, which may differ from its track) and ``identity_score``, and
a skeleton's symmetries (mirror-image nodes, which SLEAP's flip augmentation swaps), have no field in
ndx-pose; they were dropped silently and ``export --to slp`` wrote none.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import h5py
import numpy as np
import pytest

from poseconv.exporters.sleap import to_sleap_labels, write_slp
from poseconv.interfaces.sleap import SLEAPPoseInterface
from poseconv.nwb.read.pose import read_nwb
from poseconv.readers.sleap import read_sleap

sio = pytest.importorskip("sleap_io")

N_FRAMES = 6


def _identity_score(track: int, frame: int) -> float:
    return float(np.float32(0.25 + 0.05 * frame + 0.5 * track))


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """Two tracks t0/t1 of fly skeletons (wingL/wingR symmetric) whose identities swap every frame.

    Frame 2 of t0 is a user instance corrected from the prediction (its identity mouseB, no score);
    frame 4 of t1 has no identity.
    """
    skeleton = sio.Skeleton(
        nodes=["head", "wingL", "wingR"], edges=[("head", "wingL"), ("head", "wingR")], symmetries=[("wingR", "wingL")]
    )
    video = sio.Video(filename="/nonexistent/flies.mp4", open_backend=False)
    identities = [sio.Identity("mouseA"), sio.Identity("mouseB")]
    tracks = [sio.Track("t0"), sio.Track("t1")]
    frames = []
    for t in range(N_FRAMES):
        instances = []
        for k in range(2):
            identity = None if (k, t) == (1, 4) else identities[(k + t) % 2]
            instances.append(
                sio.PredictedInstance.from_numpy(
                    np.arange(6, dtype=float).reshape(3, 2) + 10 * k + t,
                    point_scores=np.full(3, 0.5),
                    score=0.9,
                    skeleton=skeleton,
                    track=tracks[k],
                    tracking_score=0.5,
                    identity=identity,
                    identity_score=None if identity is None else _identity_score(k, t),
                )
            )
        if t == 2:
            user = sio.Instance.from_numpy(
                instances[0].numpy() + 0.25, skeleton=skeleton, track=tracks[0], identity=identities[1]
            )
            user.from_predicted = instances[0]
            instances.append(user)
        frames.append(sio.LabeledFrame(video=video, frame_idx=t, instances=instances))
    path = tmp_path_factory.mktemp("reid") / "reid.slp"
    sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=tracks, identities=identities).save(
        str(path)
    )
    return path


@pytest.fixture(scope="module")
def nwb(source):
    interface = SLEAPPoseInterface(file_path=source, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    path = source.with_suffix(".nwb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface.run_conversion(nwbfile_path=path, metadata=metadata)
    return path


def _identities(labels):
    """(frame, track, user?) -> (identity name, identity score) of every instance."""
    return {
        (lf.frame_idx, inst.track.name, type(inst).__name__): (
            inst.identity.name if inst.identity is not None else None,
            inst.identity_score,
        )
        for lf in labels
        for inst in lf.instances
    }


def test_the_reader_keeps_each_instance_identity_and_its_score(source):
    pose = read_sleap(source)
    t0, t1 = pose.tracks
    assert t0.identity_names == t1.identity_names == ("mouseA", "mouseB")
    # t0's frame 2 is the user instance: mouseB, no score; the prediction it replaced keeps mouseA and its score.
    assert t0.identities.tolist() == [0, 1, 1, 1, 0, 1]
    assert np.isnan(t0.identity_scores[2]) and t0.identity_scores[3] == _identity_score(0, 3)
    assert t0.replaced_predictions.identities.tolist() == [-1, -1, 0, -1, -1, -1]
    assert t0.replaced_predictions.identity_scores[2] == _identity_score(0, 2)
    assert t1.identities.tolist() == [1, 0, 1, 0, -1, 0]
    assert pose.skeletons["Skeleton"].symmetries == ((1, 2),)


def test_the_nwb_file_keeps_them_beside_the_poses(nwb):
    with h5py.File(nwb, "r") as handle:
        behavior = handle["processing/behavior"]
        identity = behavior["PoseEstimation_t1_identity"]
        assert identity["data"].dtype == np.int32 and identity["data"][:].tolist() == [1, 0, 1, 0, -1, 0]
        assert identity.attrs["comments"].endswith('Identity names by index (JSON): ["mouseA", "mouseB"]')
        assert "PoseEstimation_t0_replaced_predictions_identity_score" in behavior
        table = behavior["SkeletonSymmetries"]
        rows = [[v.decode() for v in table[column][:]] for column in ("skeleton", "node_a", "node_b")]
        assert rows == [["Skeleton"], ["wingL"], ["wingR"]]


def test_read_nwb_gives_them_back(source, nwb):
    [pose] = read_nwb(nwb)
    original = read_sleap(source)
    for back, track in zip(pose.tracks, original.tracks, strict=True):
        assert back.identity_names == track.identity_names
        np.testing.assert_array_equal(back.identities, track.identities)
        np.testing.assert_array_equal(back.identity_scores, track.identity_scores)
    np.testing.assert_array_equal(
        pose.tracks[0].replaced_predictions.identities, original.tracks[0].replaced_predictions.identities
    )
    assert pose.skeletons["Skeleton"].symmetries == ((1, 2),)


def test_export_to_slp_restores_identities_and_symmetries(source, nwb, tmp_path):
    [pose] = read_nwb(nwb)
    expected = _identities(sio.load_slp(str(source), open_videos=False))
    for back in (sio.load_slp(str(write_slp(pose, tmp_path / "back.slp")), open_videos=False), to_sleap_labels(pose)):
        assert [identity.name for identity in back.identities] == ["mouseA", "mouseB"]
        assert _identities(back) == expected
        assert [[sorted(n.name for n in s.nodes) for s in sk.symmetries] for sk in back.skeletons] == [
            [["wingL", "wingR"]]
        ]
