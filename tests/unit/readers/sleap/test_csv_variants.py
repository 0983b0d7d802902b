"""SLEAP analysis CSVs as SLEAP and sleap-io write them beyond the plain export.

Each file is written in ``tmp_path`` with sleap-io's own ``save_csv`` and read back with poseconv's reader.
"""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.readers.sleap import read_sleap_csv

sio = pytest.importorskip("sleap_io")


def _tracked_labels() -> tuple[object, dict[str, dict[int, np.ndarray]]]:
    """Two tracked animals in frames 0, 2 and 4 of one video, none in frames 1 and 3; and their points."""
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename="/elsewhere/session.mp4", open_backend=False)
    tracks = [sio.Track("a"), sio.Track("b")]
    expected: dict[str, dict[int, np.ndarray]] = {"a": {}, "b": {}}
    frames = []
    for frame in (0, 2, 4):
        instances = []
        for k, track in enumerate(tracks):
            points = np.array([[10.0 * k + frame, 1.5], [3.25, 100.0 + frame]])
            expected[track.name][frame] = points
            instances.append(sio.PredictedInstance.from_numpy(points, skeleton=skeleton, track=track, score=0.5))
        frames.append(sio.LabeledFrame(video=video, frame_idx=frame, instances=instances))
    return sio.Labels(frames, videos=[video], skeletons=[skeleton], tracks=tracks), expected


@pytest.mark.parametrize("layout", ["sleap", "instances"])
def test_frames_without_instances_are_no_animal_and_still_count(tmp_path, layout):
    # save_csv(include_empty=True) writes a row with no track and no value for each frame without instances
    # (here 1, 3 and, up to end_frame, 5 and 6): not an "untracked" animal, but frames of the video.
    labels, expected = _tracked_labels()
    path = tmp_path / "session.analysis.csv"
    sio.save_csv(labels, str(path), format=layout, include_empty=True, end_frame=7)
    pose = read_sleap_csv(path)
    assert [track.name for track in pose.tracks] == ["a", "b"]
    for track in pose.tracks:
        assert track.n_frames == 7
        for frame in range(7):
            if frame in expected[track.name]:
                np.testing.assert_array_equal(track.positions[frame], expected[track.name][frame])
            else:
                assert np.isnan(track.positions[frame]).all()


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("clip.predictions.000_clip.analysis.csv", "clip"),  # SLEAP's default: <labels>.<NNN>_<video>.analysis.csv
        ("exp.20240101_1200.002_cam.left.analysis.h5", "cam.left"),  # stems with dots, digits and underscores
        ("clip.analysis.csv", "clip"),  # named by the user after the video
        ("clip.000_x.csv", "clip.000_x"),  # SLEAP's pattern without .analysis: a user's name, kept whole
    ],
)
def test_the_video_an_analysis_export_is_named_after(name, stem):
    from poseconv.readers.sleap.videos import analysis_video_stem

    assert analysis_video_stem(name) == stem


def test_sleap_default_csv_name_finds_the_video_beside_it(tmp_path):
    # SLEAP's GUI exports clip.predictions.slp's poses on clip.mp4 as clip.predictions.000_clip.analysis.csv.
    labels, _ = _tracked_labels()
    path = tmp_path / "clip.predictions.000_clip.analysis.csv"
    sio.save_csv(labels, str(path), format="sleap")
    (tmp_path / "clip.mp4").write_bytes(b"")
    pose = read_sleap_csv(path)
    assert list(pose.videos) == ["clip"]
    assert pose.videos["clip"].path == (tmp_path / "clip.mp4").resolve()
    assert {track.video for track in pose.tracks} == {"clip"}


def _labels_on(frames_of_videos: dict[str, list[int]]) -> object:
    """One untracked instance in each listed frame of each video, the videos' frames one after the other."""
    skeleton = sio.Skeleton(["head", "tail"])
    videos = {name: sio.Video(filename=f"/elsewhere/{name}.mp4", open_backend=False) for name in frames_of_videos}
    frames = [
        sio.LabeledFrame(
            video=videos[name],
            frame_idx=frame,
            instances=[sio.Instance.from_numpy(np.array([[frame, 1.0], [2.0, 3.0]]), skeleton=skeleton)],
        )
        for name, numbers in frames_of_videos.items()
        for frame in numbers
    ]
    return sio.Labels(frames, videos=list(videos.values()), skeletons=[skeleton])


def test_rows_of_two_videos_without_metadata_are_read_with_a_warning(tmp_path):
    # save_csv(format="sleap") of labels with two videos drops the video column: frame_idx goes back where the
    # second video's rows start (20 -> 5), the only sign that the file holds two videos.
    from poseconv.errors import PoseconvWarning

    path = tmp_path / "two_videos.csv"
    sio.save_csv(_labels_on({"sessionA": [0, 10, 20], "sessionB": [5, 15]}), str(path), format="sleap")
    with pytest.warns(PoseconvWarning, match=r"two_videos.csv: frame_idx goes back from 20 to 5 at row 4") as caught:
        pose = read_sleap_csv(path)
    message = str(caught[0].message)
    assert "several videos" in message and "video=<index>" in message
    (track,) = pose.tracks
    assert track.n_frames == 21
    np.testing.assert_array_equal(track.positions[5], [[5.0, 1.0], [2.0, 3.0]])


def test_one_video_out_of_frame_order_with_its_metadata_reads_without_a_warning(tmp_path, recwarn):
    # sleap-io writes the labels' frames in their order (a user's labeling order) unless include_empty=True:
    # with the metadata naming the one video, going back says nothing of videos.
    path = tmp_path / "labeled.csv"
    sio.save_csv(_labels_on({"session": [5, 2, 9]}), str(path), format="sleap", save_metadata=True)
    pose = read_sleap_csv(path)
    assert not [w for w in recwarn if "goes back" in str(w.message)]
    assert pose.tracks[0].n_frames == 10


def test_the_frame_size_the_metadata_records_of_a_missing_video_is_said(tmp_path):
    # sleap-io's metadata records the video's shape; with the video not here, the description says it.
    from poseconv.metadata.defaults import default_pose_metadata

    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename="/elsewhere/cam1.mp4", backend_metadata={"shape": (3, 480, 640, 1)})
    track = sio.Track("m")
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[sio.PredictedInstance.from_numpy(np.ones((2, 2)), skeleton=skeleton, track=track)],
        )
        for f in range(3)
    ]
    labels = sio.Labels(frames, videos=[video], skeletons=[skeleton], tracks=[track])
    sio.save_csv(labels, str(tmp_path / "p.csv"), format="instances", save_metadata=True)
    pose = read_sleap_csv(tmp_path / "p.csv")
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert "SLEAP recorded it in p.json as 640 x 480 pixels (width x height), 3 frames." in container["description"]


def _predictions_on(frames: list[int], n_frames: int) -> object:
    """One tracked prediction in each listed frame of a video whose recorded shape is ``n_frames`` long."""
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename="/elsewhere/cam1.mp4", backend_metadata={"shape": (n_frames, 48, 64, 1)})
    track = sio.Track("m")
    labeled = [
        sio.LabeledFrame(
            video=video,
            frame_idx=frame,
            instances=[sio.PredictedInstance.from_numpy(np.full((2, 2), frame), skeleton=skeleton, track=track)],
        )
        for frame in frames
    ]
    return sio.Labels(labeled, videos=[video], skeletons=[skeleton], tracks=[track])


def test_the_metadata_video_length_is_the_time_base_as_for_the_slp(tmp_path, recwarn):
    # The .slp and its analysis .h5 span the 50 recorded frames; the CSV with its metadata must too.
    path = tmp_path / "p.csv"
    sio.save_csv(_predictions_on(list(range(10)), 50), str(path), format="instances", save_metadata=True)
    pose = read_sleap_csv(path)
    assert pose.tracks[0].n_frames == 50
    assert np.isnan(pose.tracks[0].positions[10:]).all()
    assert not [w for w in recwarn if "recorded" in str(w.message)]


def test_poses_past_the_metadata_video_length_are_kept_with_a_warning(tmp_path):
    from poseconv.errors import PoseconvWarning

    path = tmp_path / "p.csv"
    sio.save_csv(_predictions_on([0, 7], 5), str(path), format="instances", save_metadata=True)
    with pytest.warns(PoseconvWarning, match=r"recorded in the file as 5 frames long .* poses up to frame 7"):
        pose = read_sleap_csv(path)
    assert pose.tracks[0].n_frames == 8
