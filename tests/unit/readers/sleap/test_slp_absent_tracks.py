"""A track the ``.slp`` lists but the poses read do not hold: why, said when it is asked for (slp_absent_tracks)."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv import read_sleap
from poseconv.errors import InvalidOptionError
from poseconv.readers.sleap.slp import pose_from_labels

sio = pytest.importorskip("sleap_io")


def _two_videos(path, *, unused_track: bool = False):
    """'fly A' on both videos, 'fly B' on the first only; 'ghost' (optional) on none."""
    skeleton = sio.Skeleton(["a", "b"], name="s")
    fly_a, fly_b, ghost = sio.Track("fly A"), sio.Track("fly B"), sio.Track("ghost")
    first, second = (
        sio.Video(filename=name, backend_metadata={"fps": 10.0, "shape": (4, 8, 8, 1)}, open_backend=False)
        for name in ("vid1.mp4", "vid2.mp4")
    )

    def predicted(track):
        return sio.PredictedInstance.from_numpy(
            np.array([[1, 2, 0.5], [3, 4, 0.6]], float), skeleton=skeleton, score=0.9, track=track
        )

    frames = [
        sio.LabeledFrame(video=first, frame_idx=f, instances=[predicted(fly_a), predicted(fly_b)]) for f in range(3)
    ]
    frames += [sio.LabeledFrame(video=second, frame_idx=f, instances=[predicted(fly_a)]) for f in range(3)]
    tracks = [fly_a, fly_b, ghost] if unused_track else [fly_a, fly_b]
    labels = sio.Labels(labeled_frames=frames, videos=[first, second], skeletons=[skeleton], tracks=tracks)
    sio.save_slp(labels, str(path))
    return path


def test_a_track_on_a_video_left_out_is_said_to_be_there_not_missing(tmp_path):
    # It was "['fly B'] not found in two.slp", though the file holds it, on the other video.
    pose = read_sleap(_two_videos(tmp_path / "two.slp"), video_indices=[1])
    with pytest.raises(KeyError) as raised:
        pose.select_tracks(["fly B"])
    message = raised.value.args[0]
    assert "'fly B' is a track of two.slp, but it has no poses on the video(s) chosen (video_indices: 1 ('vid2'))" in (
        message
    )
    assert "its poses are on video(s) 0 ('vid1')" in message
    assert "not found" not in message
    assert "Available individuals/tracks: ['fly A']" in message


def test_read_from_sleap_io_objects_the_videos_holding_it_are_named_too(tmp_path):
    path = _two_videos(tmp_path / "two.slp")
    pose = pose_from_labels(path, sio.load_slp(str(path)), video_indices=[1])
    with pytest.raises(KeyError, match=r"its poses are on video\(s\) 0 \('vid1'\)"):
        pose.select_tracks(["fly B"])


def test_a_listed_track_no_instance_uses_is_said_to_have_no_poses(tmp_path):
    pose = read_sleap(_two_videos(tmp_path / "ghost.slp", unused_track=True))
    with pytest.raises(KeyError, match="'ghost' is a track of ghost.slp, but no instance in the file belongs to it"):
        pose.select_tracks(["ghost"])


def test_a_name_the_file_lacks_is_still_not_found(tmp_path):
    pose = read_sleap(_two_videos(tmp_path / "two.slp"), video_indices=[1])
    with pytest.raises(KeyError, match=r"\['nope'\] not found in two.slp; available individuals/tracks: \['fly A'\]"):
        pose.select_tracks(["nope"])


def test_the_interface_refuses_it_with_the_reason(tmp_path):
    from poseconv import SLEAPPoseInterface

    with pytest.raises(InvalidOptionError, match="its poses are on video"):
        SLEAPPoseInterface(_two_videos(tmp_path / "two.slp"), video_indices=[1], tracks=["fly B"])
