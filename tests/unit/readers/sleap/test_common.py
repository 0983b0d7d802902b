"""The time base of a ``.slp`` video (readers/sleap/common.py ``video_frames``): poses past its recorded length."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.readers.sleap import read_sleap
from poseconv.readers.sleap.common import slot_names, slot_order

sio = pytest.importorskip("sleap_io")


def _slp(path, frames: list[int], *, shape: list[int] | None, n_tracks: int = 1, repeat: bool = False):
    """Predictions of ``n_tracks`` tracks on ``frames`` of one video whose recorded shape is ``shape``.

    ``repeat`` gives track 0 two predictions in the first frame, which only sleap-io's objects read.
    """
    skeleton = sio.Skeleton(["a", "b"], edges=[("a", "b")])
    metadata = {"shape": shape} if shape is not None else {}
    video = sio.Video(filename="/elsewhere/c.mp4", open_backend=False, backend_metadata=metadata)
    tracks = [sio.Track(f"t{k}") for k in range(n_tracks)]

    def predicted(track, frame):
        points = np.full((2, 2), float(frame))
        return sio.PredictedInstance.from_numpy(
            points, skeleton=skeleton, point_scores=[0.9, 0.8], score=0.9, track=track
        )

    labeled = []
    for frame in frames:
        instances = [predicted(track, frame) for track in tracks]
        if repeat and frame == frames[0]:
            instances.append(predicted(tracks[0], frame))
        labeled.append(sio.LabeledFrame(video=video, frame_idx=frame, instances=instances))
    sio.Labels(labeled_frames=labeled, videos=[video], skeletons=[skeleton], tracks=tracks).save(str(path))
    return path


def _past_length_warnings(caught) -> list[str]:
    return [
        str(w.message) for w in caught if issubclass(w.category, PoseconvWarning) and "recorded end" in str(w.message)
    ]


def test_poses_past_the_recorded_video_length_are_kept_with_a_warning(tmp_path):
    # The video was recorded as 8 frames long; a pose on frame 10 was written without a word.
    path = _slp(tmp_path / "past.slp", [0, 3, 10], shape=[8, 64, 64, 1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (track,) = read_sleap(path).tracks
    (message,) = _past_length_warnings(caught)
    assert str(path) in message and "'c'" in message
    assert "8 frames long (frames 0 to 7)" in message and "up to frame 10" in message
    assert track.n_frames == 11 and np.all(track.positions[10] == 10.0)  # the poses are kept


def test_poses_past_the_recorded_length_read_from_sleap_io_objects_warn_once_per_video(tmp_path):
    path = _slp(tmp_path / "past.slp", [0, 9], shape=[8, 64, 64, 1], n_tracks=2, repeat=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_sleap(path)
    assert any("two instances of the same kind" in str(w.message) for w in caught)  # read from the objects
    (message,) = _past_length_warnings(caught)
    assert "up to frame 9" in message and "after frame 7" in message
    assert [t.n_frames for t in pose.tracks] == [10, 10]


@pytest.mark.parametrize(("frames", "shape"), [([0, 7], [8, 64, 64, 1]), ([0, 10], None), ([0, 10], [0, 64, 64, 1])])
def test_poses_within_the_recorded_length_or_without_one_do_not_warn(tmp_path, frames, shape):
    path = _slp(tmp_path / "within.slp", frames, shape=shape)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (track,) = read_sleap(path).tracks
    assert _past_length_warnings(caught) == []
    assert track.n_frames == max(frames[-1] + 1, (shape or [0])[0])


def test_with_the_video_here_poses_past_its_recorded_length_are_left_to_the_video_check(tmp_path):
    # The video beside the file is measured at conversion, which refuses poses past its end: no "kept" before that.
    path = _slp(tmp_path / "past.slp", [0, 3, 10], shape=[8, 64, 64, 1])
    (tmp_path / "c.mp4").write_bytes(b"\0" * 64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_sleap(path)
    assert pose.videos["c"].path is not None
    assert _past_length_warnings(caught) == []
    assert pose.tracks[0].n_frames == 11


def test_tracks_are_ordered_as_the_file_lists_them_across_videos():
    # Track 1 appears only in video 1: it stays between tracks 0 and 2 rather than after every track of video 0.
    slots = [
        (0, ("track", 0), 0),
        (0, ("untracked", 0), 0),
        (0, ("track", 2), 0),
        (1, ("track", 1), 0),
        (1, ("track", 2), 0),
    ]
    assert slot_order(slots, [0, 1]) == [
        (0, ("track", 0), 0),
        (1, ("track", 1), 0),
        (0, ("track", 2), 0),
        (1, ("track", 2), 0),
        (0, ("untracked", 0), 0),
    ]


def test_a_name_made_for_a_track_under_two_skeletons_takes_no_track_name_of_the_file():
    # Track 'b' under skeletons 'mouse' and 'one' beside a track named 'b_one': both were named 'b_one', and the
    # file was refused as damaged ("Track 'b_one' appears twice").
    slots = [(0, ("track", 0), 0), (0, ("track", 0), 1), (0, ("track", 1), 1), (0, ("untracked", 0), 1)]
    names = slot_names(slots, ["b", "b_one", "untracked"], ["mouse", "one"])
    assert {key: entry["name"] for key, entry in names.items()} == {
        (("track", 0), 0): "b_mouse",
        (("track", 0), 1): "b_one_2",
        (("track", 1), 1): "b_one",
        (("untracked", 0), 1): "untracked_instances",
    }
    assert names[("track", 0), 1]["track_name"] == "b" and names[("track", 1), 1]["track_name"] is None


@pytest.mark.parametrize("through_objects", [False, True])
def test_a_file_with_a_track_named_like_another_tracks_second_skeleton_is_read(tmp_path, through_objects):
    mouse, one = sio.Skeleton(nodes=["h", "t"], edges=[("h", "t")], name="mouse"), sio.Skeleton(nodes=["c"], name="one")
    video = sio.Video(filename="/nonexistent/x.mp4", open_backend=False)
    b, b_one = sio.Track("b"), sio.Track("b_one")

    def predicted(skeleton, track, value):
        points = np.full((len(skeleton.nodes), 2), value)
        return sio.PredictedInstance.from_numpy(
            points, point_scores=np.full(len(points), 0.5), score=0.5, skeleton=skeleton, track=track
        )

    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=0,
            instances=[predicted(mouse, b, 1.0), predicted(one, b, 2.0), predicted(one, b_one, 3.0)],
        )
    ]
    if through_objects:  # a frame listed twice is read from sleap-io's objects
        frames.append(sio.LabeledFrame(video=video, frame_idx=0, instances=[]))
    path = tmp_path / "two_skeletons.slp"
    sio.save_slp(
        sio.Labels(labeled_frames=frames, videos=[video], skeletons=[mouse, one], tracks=[b, b_one]), str(path)
    )
    pose = read_sleap(path)
    found = {(t.name, pose.identity(t), t.skeleton): float(t.positions[0, 0, 0]) for t in pose.tracks}
    assert found == {("b_mouse", "b", "mouse"): 1.0, ("b_one_2", "b", "one"): 2.0, ("b_one", "b_one", "one"): 3.0}
    assert [t.name for t in pose.select_tracks("b_one").tracks] == ["b_one"]
