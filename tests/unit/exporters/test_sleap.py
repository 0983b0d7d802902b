"""SLEAP export: which poses share a SLEAP track, and the order of the tracks."""

from __future__ import annotations

import dataclasses

import numpy as np
import sleap_io as sio

from poseconv.exporters.sleap import sleap_track_names, to_sleap_labels, write_slp
from poseconv.model import Skeleton
from poseconv.readers.sleap import read_sleap
from poseconv.testing.mock import mock_pose_data


def _renamed(pose, *names: tuple[str, str | None]):
    """``pose`` (SLEAP's) with its tracks renamed: (name, track as the file names it)."""
    tracks = [
        dataclasses.replace(track, name=name, track_name=file_track)
        for track, (name, file_track) in zip(pose.tracks, names, strict=True)
    ]
    return dataclasses.replace(pose, tracks=tracks)


def test_two_pose_sets_of_one_animal_and_video_keep_their_own_tracks(tmp_path):
    # Two .slp files of one video in one NWB file: the second's mouse is PoseEstimation_mouse_run2, track "mouse".
    pose = mock_pose_data(n_frames=4, n_individuals=2, source_software="SLEAP")
    pose = _renamed(pose, ("mouse", None), ("PoseEstimation_mouse_run2", "mouse"))
    expected = ["mouse", "PoseEstimation_mouse_run2"]
    labels = to_sleap_labels(pose)
    assert [track.name for track in labels.tracks] == expected
    assert all([inst.track.name for inst in frame.instances] == expected for frame in labels)
    written = sio.load_slp(str(write_slp(pose, tmp_path / "out.slp")))
    assert [[inst.track.name for inst in frame.instances] for frame in written] == [expected] * 4


def test_a_track_under_two_skeletons_shares_one_track():
    pose = mock_pose_data(n_frames=3, n_individuals=3, source_software="SLEAP")
    other = Skeleton(name="S2", nodes=("a", "b", "c"), edges=())
    pose = dataclasses.replace(pose, skeletons={**pose.skeletons, "S2": other})
    pose = _renamed(pose, ("fly_S1", "fly"), ("fly_S2", "fly"), ("rat", None))
    pose.tracks[1].skeleton = "S2"
    assert sleap_track_names(pose) == {"fly_S1": "fly", "fly_S2": "fly", "rat": "rat"}
    labels = to_sleap_labels(pose)
    assert [track.name for track in labels.tracks] == ["fly", "rat"]
    assert [(inst.track.name, inst.skeleton.name) for inst in labels[0].instances] == [
        ("fly", pose.tracks[0].skeleton),
        ("fly", "S2"),
        ("rat", pose.tracks[0].skeleton),
    ]


def test_untracked_sets_of_two_files_are_told_apart_by_order_slots_are_not():
    pose = mock_pose_data(n_frames=3, n_individuals=2, source_software="SLEAP")
    two_files = _renamed(pose, ("untracked", ""), ("PoseEstimation_run2", ""))
    assert sleap_track_names(two_files) == {"untracked": None, "PoseEstimation_run2": "PoseEstimation_run2"}
    by_order = _renamed(pose, ("untracked_0", ""), ("untracked_1", ""))
    assert sleap_track_names(by_order) == {"untracked_0": None, "untracked_1": None}


def test_a_track_only_a_later_video_shows_keeps_its_place(tmp_path):
    skeleton = sio.Skeleton(nodes=["a", "b"], name="s")
    videos = [sio.Video(filename=str(tmp_path / name)) for name in ("clip.mp4", "robot.mp4")]
    zeta, mid, alpha = sio.Track("zeta"), sio.Track("mid"), sio.Track("alpha")

    def instance(frame: int, track: sio.Track) -> sio.PredictedInstance:
        points = np.array([[frame, 2.0], [3.0, 4.0]])
        return sio.PredictedInstance.from_numpy(
            points, point_scores=np.full(2, 0.5), score=0.5, skeleton=skeleton, track=track
        )

    frames = [
        sio.LabeledFrame(video=video, frame_idx=f, instances=[instance(f, first), instance(f, alpha)])
        for f in range(3)
        for video, first in zip(videos, (zeta, mid), strict=True)
    ]
    path = tmp_path / "p.slp"
    sio.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton], tracks=[zeta, mid, alpha]).save(str(path))
    pose = read_sleap(path)
    assert [track.name for track in pose.tracks] == ["zeta", "mid", "alpha", "alpha"]
    written = sio.load_slp(str(write_slp(pose, tmp_path / "back.slp")))
    assert [track.name for track in written.tracks] == ["zeta", "mid", "alpha"]


def _predicted_by_sleap():
    """SLEAP poses as an NWB file gives them: SLEAP's version and the models' folder names (the scorer)."""
    pose = mock_pose_data(n_frames=3, source_software="SLEAP")
    return dataclasses.replace(
        pose, source_software_version="1.2.7", scorer="courtship.centroid, courtship.topdown_confmaps"
    )


def test_the_slp_records_the_sleap_version_and_models_the_reader_takes_back(tmp_path):
    # They were left out: the .slp named neither, and converting it again lost both.
    written = write_slp(_predicted_by_sleap(), tmp_path / "out.slp")
    provenance = sio.load_slp(str(written)).provenance
    assert provenance["sleap_version"] == "1.2.7"
    assert provenance["model_paths"] == ["courtship.centroid", "courtship.topdown_confmaps"]
    back = read_sleap(written)
    assert (back.source_software_version, back.scorer) == ("1.2.7", "courtship.centroid, courtship.topdown_confmaps")


def test_another_tools_version_is_not_written_as_sleaps():
    pose = dataclasses.replace(mock_pose_data(n_frames=2), source_software_version="2.3.9", scorer="DLC_resnet50")
    provenance = to_sleap_labels(pose).provenance
    assert "sleap_version" not in provenance and "model_paths" not in provenance
    assert (provenance["source_software_version"], provenance["scorer"]) == ("2.3.9", "DLC_resnet50")


def test_a_source_video_stored_in_the_nwb_file_is_warned_of(tmp_path):
    # neuroconv's InternalVideoInterface: the .slp linked a video named like its key ("video"), no file, silently.
    import pytest

    from poseconv import read_nwb
    from poseconv.errors import PoseconvWarning
    from tests.unit.exporters.test_linked_video import write_stored_video_nwb

    [pose] = read_nwb(write_stored_video_nwb(tmp_path / "f.nwb"))
    with pytest.warns(PoseconvWarning, match=r"source_video '/acquisition/cam' \(3 frames\), whose frames are stored"):
        write_slp(pose, tmp_path / "f.slp")
    assert [video.filename for video in sio.load_slp(str(tmp_path / "f.slp"), open_videos=False).videos] == ["video"]
