"""SLEAP export: tracks, skeletons, instances, scores and frame indices."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sleap_io as sio

from poseconv.errors import InvalidOptionError
from poseconv.exporters.sleap import to_sleap_labels, write_slp
from poseconv.testing.mock import mock_pose_data
from tests.fixtures.sleap import with_replaced_predictions


def test_labels_hold_every_present_frame_and_score():
    pose = mock_pose_data(n_frames=6, n_individuals=2, missing_frames=[2])
    # animal1 is absent from frame 4 too: no instance there, but animal0 still has one.
    pose.tracks[1].positions[4] = np.nan
    labels = to_sleap_labels(pose)
    assert [t.name for t in labels.tracks] == ["animal0", "animal1"]
    assert labels.skeletons[0].node_names == ["node0", "node1", "node2"]
    assert labels.skeletons[0].edge_inds == [(0, 1), (1, 2)]
    assert [lf.frame_idx for lf in labels] == [0, 1, 3, 4, 5]
    frame4 = next(lf for lf in labels if lf.frame_idx == 4)
    assert [inst.track.name for inst in frame4.instances] == ["animal0"]
    instance = labels[0].instances[1]
    assert isinstance(instance, sio.PredictedInstance)
    np.testing.assert_array_equal(instance.numpy(), pose.tracks[1].positions[0])
    np.testing.assert_array_equal(instance.points["score"], pose.tracks[1].confidence[0])
    assert instance.score == pytest.approx(pose.tracks[1].confidence[0].mean())


def test_without_confidence_instances_are_user_instances():
    labels = to_sleap_labels(mock_pose_data(with_confidence=False))
    assert all(type(inst) is sio.Instance for lf in labels for inst in lf.instances)


def test_sleap_untracked_goes_back_without_a_track():
    pose = mock_pose_data(source_software="SLEAP")
    pose = dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], name="untracked")])
    labels = to_sleap_labels(pose)
    assert labels.tracks == [] and labels[0].instances[0].track is None


def test_write_slp_round_trips_through_sleap_io(tmp_path):
    pose = mock_pose_data(n_frames=5, n_individuals=2, missing_frames=[0])
    path = write_slp(pose, tmp_path / "out.slp")
    labels = sio.load_slp(str(path))
    assert [lf.frame_idx for lf in labels] == [1, 2, 3, 4]
    np.testing.assert_array_equal(labels[0].instances[0].numpy(), pose.tracks[0].positions[1])


def test_a_small_export_is_a_small_file(tmp_path):
    # HDF5 stores whole chunks: with 65,536-row chunks every export was at least about 8 MB (two frames: 9 MB).
    path = write_slp(mock_pose_data(n_frames=5, n_individuals=2), tmp_path / "small.slp")
    assert path.stat().st_size < 200_000


def test_refusals(tmp_path):
    with pytest.raises(InvalidOptionError, match="SLEAP files hold 2D poses"):
        to_sleap_labels(mock_pose_data(n_dims=3))
    with pytest.raises(InvalidOptionError, match=r"ends in \.slp"):
        write_slp(mock_pose_data(), tmp_path / "out.h5")
    (tmp_path / "x.slp").write_text("")
    with pytest.raises(InvalidOptionError, match="already exists"):
        write_slp(mock_pose_data(), tmp_path / "x.slp")


def _tables(path):
    import h5py

    with h5py.File(path, "r") as handle:
        return {name: handle[name][()] for name in ("frames", "instances", "points", "pred_points")}


def _mixed_pose():
    """Two skeletons of 3 and 2 nodes, a user-labeled track, NaN nodes, absent frames, an untracked track."""
    pose = mock_pose_data(n_frames=700, n_individuals=3, missing_frames=[2, 650], source_software="SLEAP")
    rng = np.random.default_rng(5)
    tracks = []
    for k, track in enumerate(pose.tracks):
        positions = track.positions.copy()
        positions[rng.random(positions.shape[:2]) < 0.2] = np.nan
        confidence = track.confidence.copy()
        confidence[rng.random(confidence.shape) < 0.1] = np.nan
        if k == 1:
            confidence[:] = np.nan  # a human labeled this one
        tracks.append(dataclasses.replace(track, positions=positions, confidence=confidence))
    short = dataclasses.replace(
        tracks[2],
        name="untracked",
        skeleton="small",
        positions=tracks[2].positions[:500, :2],
        confidence=tracks[2].confidence[:500, :2],
    )
    skeletons = {
        **pose.skeletons,
        "small": dataclasses.replace(pose.skeletons["Skeleton"], name="small", nodes=("a", "b"), edges=((0, 1),)),
    }
    return dataclasses.replace(pose, tracks=[tracks[0], tracks[1], short], skeletons=skeletons)


def test_streamed_tables_are_the_rows_sleap_io_writes(tmp_path, monkeypatch):
    """write_slp streams the label tables; they hold exactly what sleap-io writes from to_sleap_labels."""
    import poseconv.exporters.sleap_tables as tables

    pose = _mixed_pose()
    expected = tmp_path / "sleap_io.slp"
    sio.save_slp(to_sleap_labels(pose), str(expected))
    monkeypatch.setattr(tables, "_BLOCK_VALUES", 1)  # the smallest blocks: 256 frames
    got = _tables(write_slp(pose, tmp_path / "streamed.slp"))
    for name, rows in _tables(expected).items():
        assert got[name].dtype == rows.dtype
        assert got[name].tobytes() == rows.tobytes(), name
    back = sio.load_slp(str(tmp_path / "streamed.slp"))
    assert [t.name for t in back.tracks] == ["animal0", "animal1"]
    assert len(back.labeled_frames) == len(sio.load_slp(str(expected)).labeled_frames)


@pytest.mark.parametrize("streamed", [False, True], ids=["labels", "slp-tables"])
def test_recorded_kinds_and_scores_win_over_the_confidence_rule(tmp_path, streamed):
    pose = mock_pose_data(n_frames=3, source_software="SLEAP")
    track = dataclasses.replace(
        pose.tracks[0],
        instance_scores=np.array([7.5, np.nan, np.nan]),
        tracking_scores=np.array([0.25, 0.5, np.nan]),
        # Frame 1 is a user instance although it has point scores; frame 2 a prediction.
        user_labeled=np.array([False, True, False]),
    )
    pose = dataclasses.replace(pose, tracks=[track])
    labels = sio.load_slp(str(write_slp(pose, tmp_path / "x.slp"))) if streamed else to_sleap_labels(pose)
    first, second, third = (lf.instances[0] for lf in labels.labeled_frames)
    assert isinstance(first, sio.PredictedInstance) and first.score == np.float32(7.5)
    assert first.tracking_score == np.float32(0.25)
    assert type(second) is sio.Instance and second.tracking_score == np.float32(0.5)
    # The track records instance scores: a NaN one stays NaN (before, the mean point score was made up).
    # A track recording none (another tool's) gets the mean point score (test_labels_hold_every_present_frame...).
    assert isinstance(third, sio.PredictedInstance) and np.isnan(third.score)


@pytest.mark.parametrize("streamed", [False, True], ids=["labels", "slp-tables"])
def test_replaced_predictions_come_back_before_their_user_instance_and_linked(tmp_path, streamed):
    pose = with_replaced_predictions(mock_pose_data(n_frames=5, n_individuals=2, source_software="SLEAP"))
    labels = sio.load_slp(str(write_slp(pose, tmp_path / "x.slp"))) if streamed else to_sleap_labels(pose)
    replaced = pose.tracks[0].replaced_predictions
    for lf in labels.labeled_frames:
        kinds = [(type(inst).__name__, inst.track.name) for inst in lf.instances]
        if lf.frame_idx in (1, 3):
            # SLEAP's order: the prediction the user corrected, then the instances of the tracks.
            assert kinds == [
                ("PredictedInstance", "animal0"),
                ("Instance", "animal0"),
                ("PredictedInstance", "animal1"),
            ]
            prediction, user = lf.instances[:2]
            assert user.from_predicted is prediction
            np.testing.assert_array_equal(prediction.numpy(), replaced.positions[lf.frame_idx])
            np.testing.assert_array_equal(prediction.points["score"], replaced.confidence[lf.frame_idx])
            assert prediction.score == np.float32(replaced.instance_scores[lf.frame_idx])
            assert prediction.tracking_score == np.float32(replaced.tracking_scores[lf.frame_idx])
        else:
            assert kinds == [("PredictedInstance", "animal0"), ("PredictedInstance", "animal1")]


def test_streamed_tables_with_replaced_predictions_are_the_rows_sleap_io_writes(tmp_path, monkeypatch):
    import poseconv.exporters.sleap_tables as tables

    pose = with_replaced_predictions(_mixed_pose(), frames=(0, 1, 255, 256, 699))
    expected = tmp_path / "sleap_io.slp"
    sio.save_slp(to_sleap_labels(pose), str(expected))
    monkeypatch.setattr(tables, "_BLOCK_VALUES", 1)  # blocks of 256 frames: links within later blocks too
    got = _tables(write_slp(pose, tmp_path / "streamed.slp"))
    for name, rows in _tables(expected).items():
        assert got[name].tobytes() == rows.tobytes(), name
    assert (got["instances"]["from_predicted"] >= 0).sum() == 5
