"""sleap-io's ``save_csv`` of predictions without tracks: several rows per frame with an empty track."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.errors import InvalidOptionError, InvalidSourceFileError
from poseconv.readers.sleap import read_sleap, read_sleap_csv

sio = pytest.importorskip("sleap_io")


def _untracked_labels(*, user_in_frame_1=False, track=None):
    """Two untracked predictions in frames 0-2 (one in frame 3); x is 10 * (k + 1) + frame for the k-th."""
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename="/elsewhere/session.mp4", open_backend=False)
    tracks = [sio.Track(track)] if track else []
    frames = []
    for frame in range(4):
        instances = [
            sio.PredictedInstance.from_numpy(
                np.array([[10.0 * (k + 1) + frame, 1.0], [2.0, 3.0]]), skeleton=skeleton, score=0.5
            )
            for k in range(2 if frame < 3 else 1)
        ]
        if user_in_frame_1 and frame == 1:
            # A user instance listed after the predictions: the .slp readers put a frame's user instances first.
            instances.append(sio.Instance.from_numpy(np.array([[99.0, 1.0], [2.0, 3.0]]), skeleton=skeleton))
        if tracks and frame == 0:
            instances.append(
                sio.PredictedInstance.from_numpy(np.ones((2, 2)), skeleton=skeleton, track=tracks[0], score=0.5)
            )
        frames.append(sio.LabeledFrame(video=video, frame_idx=frame, instances=instances))
    return sio.Labels(frames, videos=[video], skeletons=[skeleton], tracks=tracks)


def test_untracked_rows_are_refused_naming_the_by_order_option(tmp_path):
    path = tmp_path / "session.analysis.csv"
    sio.save_csv(_untracked_labels(), str(path))
    with pytest.raises(InvalidSourceFileError, match="--untracked by_order") as raised:
        read_sleap_csv(path)
    assert "frame(s) [0, 1, 2]" in str(raised.value) and "untracked='by_order'" in str(raised.value)


def test_by_order_writes_the_kth_untracked_row_of_each_frame_as_a_slp_does(tmp_path):
    # Before, refused whatever the option; .slp and analysis .h5 files of the same instances took by_order.
    labels = _untracked_labels()
    path = tmp_path / "session.analysis.csv"
    sio.save_csv(labels, str(path))
    pose = read_sleap_csv(path, untracked="by_order")
    labels.save(str(tmp_path / "session.slp"))
    from_slp = read_sleap(tmp_path / "session.slp", untracked="by_order")
    assert [t.name for t in pose.tracks] == [t.name for t in from_slp.tracks] == ["untracked_0", "untracked_1"]
    for track, slp_track in zip(pose.tracks, from_slp.tracks, strict=True):
        np.testing.assert_array_equal(track.positions, slp_track.positions)
    np.testing.assert_array_equal(pose.tracks[0].positions[:, 0, 0], [10, 11, 12, 13])
    np.testing.assert_array_equal(pose.tracks[1].positions[:, 0, 0], [20, 21, 22, np.nan])
    assert pose.notes["untracked"] == "by_order"


def test_by_order_puts_a_frame_s_user_instance_first_and_keeps_tracks(tmp_path):
    path = tmp_path / "session.analysis.csv"
    sio.save_csv(_untracked_labels(user_in_frame_1=True, track="untracked_1"), str(path))
    pose = read_sleap_csv(path, untracked="by_order")
    names = [t.name for t in pose.tracks]
    # A real track named like an untracked slot keeps its name; the slot's is made different, as for a .slp.
    assert names[0] == "untracked_1" and names[1:] == ["untracked_0", "untracked_1_instances", "untracked_2"]
    by_name = {t.name: t.positions[:, 0, 0] for t in pose.tracks}
    np.testing.assert_array_equal(by_name["untracked_0"], [10, 99, 12, 13])
    np.testing.assert_array_equal(by_name["untracked_1_instances"], [20, 11, 22, np.nan])
    np.testing.assert_array_equal(by_name["untracked_2"], [np.nan, 21, np.nan, np.nan])


def test_by_order_with_one_untracked_row_per_frame_is_the_untracked_track(tmp_path):
    path = tmp_path / "one.analysis.csv"
    path.write_text("track,frame_idx,instance.score,a.x,a.y,a.score\n,0,0.9,1,2,0.5\n,1,0.9,3,4,0.5\n")
    assert [t.name for t in read_sleap_csv(path, untracked="by_order").tracks] == ["untracked"]


def test_an_unknown_untracked_policy_is_refused(tmp_path):
    path = tmp_path / "one.analysis.csv"
    path.write_text("track,frame_idx,instance.score,a.x,a.y,a.score\n,0,0.9,1,2,0.5\n")
    with pytest.raises(InvalidOptionError, match="by_order"):
        read_sleap_csv(path, untracked="first")


def test_the_interface_and_the_command_line_take_by_order(tmp_path):
    # Before, `poseconv convert x.csv --untracked by_order` said "--untracked is not supported for SLEAP CSV files".
    import datetime

    import pynwb

    from poseconv.cli._sources import make_interface
    from poseconv.interfaces import SLEAPCSVPoseInterface

    path = tmp_path / "session.analysis.csv"
    sio.save_csv(_untracked_labels(), str(path))
    interface = make_interface(path, untracked="by_order", fps=30.0)
    assert isinstance(interface, SLEAPCSVPoseInterface) and interface.source_data["untracked"] == "by_order"
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    with pynwb.NWBHDF5IO(tmp_path / "out.nwb", "r") as io:
        containers = io.read().processing["behavior"].data_interfaces
        assert {"PoseEstimation_untracked_0", "PoseEstimation_untracked_1"} <= set(containers)
        assert "does NOT follow one animal" in containers["PoseEstimation_untracked_0"].description
    with pytest.raises(InvalidSourceFileError, match="--untracked by_order"):
        SLEAPCSVPoseInterface(path, sampling_frequency=30.0)
