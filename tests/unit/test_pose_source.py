"""PoseSource: a pose file read as its interface reads it, without neuroconv."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.catalog import get_format
from poseconv.errors import InvalidOptionError, PoseconvWarning
from poseconv.interfaces import DeepLabCutPoseInterface, SLEAPPoseInterface
from poseconv.metadata.compose import to_plain
from poseconv.pose_source import PoseSource
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLEAP_REPO, SLP_CLIP_PREDICTIONS


def _same_poses(a, b) -> None:
    assert [t.name for t in a.tracks] == [t.name for t in b.tracks]
    assert a.timing == b.timing and a.skeletons == b.skeletons
    for x, y in zip(a.tracks, b.tracks, strict=True):
        np.testing.assert_array_equal(np.asarray(x.positions), np.asarray(y.positions))


def _contains(whole: object, part: object) -> bool:
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(k in whole and _contains(whole[k], v) for k, v in part.items())
    return whole == part


def test_a_source_from_the_catalog_reads_and_describes_as_the_interface_does():
    source = PoseSource.from_format(get_format("DeepLabCut"), file_path=MULTI_ANIMAL_H5, individuals=["single"])
    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5, individuals=["single"])
    assert isinstance(interface, PoseSource)
    _same_poses(source.pose, interface.pose)
    assert [t.name for t in source.pose.tracks] == ["single"]
    # The interface's metadata is neuroconv's base (identifier, provenance) with the source's over it.
    assert _contains(to_plain(interface.get_metadata()), to_plain(source.get_pose_metadata()))


def test_a_sleap_source_takes_tracks_and_a_frame_rate():
    source = PoseSource.from_format(get_format("SLEAP"), file_path=SLP_CLIP_PREDICTIONS, sampling_frequency=25.0)
    interface = SLEAPPoseInterface(file_path=SLP_CLIP_PREDICTIONS, sampling_frequency=25.0)
    _same_poses(source.pose, interface.pose)
    assert {timing.rate for timing in source.pose.timing.values()} == {25.0}


@needs_shared_data
def test_a_deeplabcut_table_whose_metadata_records_a_longer_video_is_written_on_the_video_s_frames(tmp_path):
    # A _meta.pickle recording nframes=100 beside a 31-row table and its 31-frame video was refused ("poses for
    # 100 frames"), --video naming that video too. Every pose is on the video's frames: its 31 frames are kept.
    import pickle
    import shutil
    import warnings

    from poseconv.errors import PoseconvWarning

    table = shutil.copy(MULTI_ANIMAL_H5, tmp_path)
    video = shutil.copy(MULTI_ANIMAL_H5.parent / "m3v1mp4short.mp4", tmp_path)
    meta_name = MULTI_ANIMAL_H5.name.replace("_el.h5", "_meta.pickle")
    meta = pickle.loads((MULTI_ANIMAL_H5.parent / meta_name).read_bytes())
    meta["data"]["nframes"] = 100
    (tmp_path / meta_name).write_bytes(pickle.dumps(meta))
    reference = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5).pose
    # The tracked file's length is the decoded video's (DeepLabCut 3 predicts every frame it decodes; nframes
    # is OpenCV's header count): the metadata's 100 makes no 100-frame time base to cut back to the video's.
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        source = PoseSource.from_format(get_format("DeepLabCut"), file_path=table, video_file_path=video)
    pose = source.pose
    assert {track.n_frames for track in pose.tracks} == {31} and pose.videos[pose.tracks[0].video].n_frames == 31
    # The video's frame times, as for the file beside its own metadata.
    assert pose.timing == reference.timing and [t.name for t in pose.tracks] == [t.name for t in reference.tracks]
    for read, expected in zip(pose.tracks, reference.tracks, strict=True):
        np.testing.assert_array_equal(np.asarray(read.positions), np.asarray(expected.positions))
        np.testing.assert_array_equal(np.asarray(read.confidence), np.asarray(expected.confidence))
        np.testing.assert_array_equal(read.positions[5:40, 1], np.asarray(expected.positions)[5:31, 1])


@pytest.mark.parametrize(
    ("interface", "path", "argument"),
    [(DeepLabCutPoseInterface, MULTI_ANIMAL_H5, "individuals"), (SLEAPPoseInterface, SLP_CLIP_PREDICTIONS, "tracks")],
)
def test_an_empty_list_of_individuals_is_refused_with_the_choices(interface, path, argument):
    # A form's cleared list field or a spec's `individuals: []` wrote an NWB file with no poses, without a word.
    choices = interface(file_path=path).pose.track_names()
    with pytest.raises(InvalidOptionError) as raised:
        interface(file_path=path, **{argument: []})
    message = str(raised.value)
    assert message.startswith(f"{path.name}: {argument} is empty, which would keep no poses; choose at least one of")
    assert str(choices) in message and f"leave {argument} out to keep them all" in message


@pytest.mark.parametrize("key", ["", "  "])
def test_an_empty_metadata_key_is_no_key(key):
    # A form's cleared text field named the container "PoseEstimation_".
    source = PoseSource.from_format(get_format("SLEAP"), file_path=SLP_CLIP_PREDICTIONS, metadata_key=key)
    assert source.pose.metadata_key is None
    assert list(source.get_pose_metadata()["Pose"]["PoseEstimations"]) == list(
        PoseSource.from_format(get_format("SLEAP"), file_path=SLP_CLIP_PREDICTIONS).get_pose_metadata()["Pose"][
            "PoseEstimations"
        ]
    )
    assert not any(name.endswith("_") for name in source.get_pose_metadata()["Pose"]["PoseEstimations"])


@needs_shared_data
def test_rows_deeplabcut_left_at_zero_past_its_video_are_left_out_from_every_entry_point(tmp_path):
    # DeepLabCut 2 gives a video the rows of the frames its header counts (33) and leaves at 0 those the video
    # does not decode (31): the file beside its own video was refused as another video's poses, --fps too.
    # Written with those rows, validate said the poses had more samples than the video frames.
    import shutil

    import h5py
    import pandas as pd

    from poseconv.errors import PoseconvWarning
    from tests.fixtures.cli import one_session_spec, poseconv_in_process

    shutil.copy(MULTI_ANIMAL_H5.parent / "m3v1mp4short.mp4", tmp_path / "cam.mp4")
    scorer = "DLC_resnet50_projMay1shuffle1_100000"
    columns = pd.MultiIndex.from_product(
        [[scorer], ["nose", "ear"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    values = np.random.default_rng(1).random((33, 6)) * [100, 100, 1, 100, 100, 1]
    values[31:] = 0.0
    table = tmp_path / f"cam{scorer}.h5"
    pd.DataFrame(values, columns=columns).to_hdf(table, key="df_with_missing", format="table", mode="w")
    with pytest.warns(PoseconvWarning, match=r"rows 31\.\.32 are 0 in every column .* 31 frames of the video"):
        pose = DeepLabCutPoseInterface(file_path=table).pose
    (track,) = pose.tracks
    # The video's 31 frames, as for empty rows past its end: the all-zero rows hold no poses.
    np.testing.assert_array_equal(np.asarray(track.positions)[:, 0], values[:31, [0, 1]])
    start = "2024-05-01T10:00:00+00:00"
    for flags in ([], ["--fps", "30"]):
        output = tmp_path / f"convert{len(flags)}.nwb"
        result = poseconv_in_process("convert", table, "-o", output, "--session-start-time", start, *flags)
        assert result.returncode == 0, result.stderr
        with h5py.File(output, "r") as file:
            (container,) = (c for name, c in file["processing/behavior"].items() if name.startswith("PoseEstimation"))
            np.testing.assert_array_equal(container["nose/data"][()], values[:31, [0, 1]])
            np.testing.assert_array_equal(container["ear/confidence"][()], values[:31, 5])
        assert poseconv_in_process("validate", output, "--pose-only").returncode == 0
    spec = one_session_spec(tmp_path, f"{{file_path: {table.name}}}", start=f"'{start}'")
    assert poseconv_in_process("run", spec).returncode == 0


def test_one_video_given_for_a_file_of_two_says_how_to_convert_each(tmp_path):
    # "1 video files given for 2 videos" offered no way out: a list of videos is refused everywhere.
    import sleap_io as sio

    skeleton, track = sio.Skeleton(nodes=["a", "b"], name="s"), sio.Track("A")
    videos = [sio.Video(filename=str(tmp_path / f"{name}.mp4"), open_backend=False) for name in ("left", "right")]
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=1,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[1.0, 2.0], [3.0, 4.0]]),
                    point_scores=np.ones(2),
                    score=0.5,
                    skeleton=skeleton,
                    track=track,
                )
            ],
        )
        for video in videos
    ]
    slp = tmp_path / "two.slp"
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton], tracks=[track]), str(slp))
    video = tmp_path / "moved.mp4"
    video.write_bytes(b"")
    with pytest.raises(InvalidOptionError, match=r"2 videos.*video_indices=\[k\] and video_file_path="):
        SLEAPPoseInterface(file_path=slp, video_file_path=video)


def _same_name_slp(folder, recorded: list[str]):
    """Write ``folder/same_name.slp``: one track on 3 frames of each video recorded as ``recorded``.

    And ``top.mp4`` beside it (bytes, never opened), which only its name links to those videos.
    """
    import warnings

    import sleap_io as sio

    skeleton, track = sio.Skeleton(["head", "tail"]), sio.Track("mouse")
    videos = [sio.Video(filename=name, open_backend=False) for name in recorded]
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=f,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[10.0 + f, 20.0], [30.0, 40.0]]),
                    skeleton=skeleton,
                    point_scores=np.array([0.9, 0.8]),
                    score=0.9,
                    track=track,
                )
            ],
        )
        for video in videos
        for f in range(3)
    ]
    (folder / "top.mp4").write_bytes(b"a video")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = sio.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton], tracks=[track])
        sio.save_slp(labels, str(folder / "same_name.slp"))
    return folder / "same_name.slp"


def _unlinked_said(**source_data) -> list[str]:
    """The warnings a SLEAP source of ``source_data`` gives that a video is not linked to the file of its name."""
    import warnings

    from poseconv.errors import PoseconvWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        PoseSource.from_format(get_format("SLEAP"), sampling_frequency=10.0, **source_data)
    said = [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]
    return [message for message in said if "not where the file records" in message]


@pytest.mark.parametrize(
    ("video_indices", "given", "n_said"),
    [
        (None, False, 1),
        ([1], False, 1),
        # As the warning says to: each video with its file. Before, it was said all the same.
        ([1], True, 0),
        ([0], True, 0),
    ],
)
@needs_shared_data
def test_videos_left_without_the_file_of_their_name_are_said_unless_given(tmp_path, video_indices, given, n_said):
    import shutil

    slp = _same_name_slp(tmp_path, [r"C:\day1\top.mp4", r"C:\day2\top.mp4"])
    video = shutil.copy(SLEAP_REPO / "tests/data/videos/small_robot_3_frame.mp4", tmp_path / "day2.mp4")
    options = {"video_file_path": video} if given else {}
    said = _unlinked_said(file_path=slp, video_indices=video_indices, **options)
    assert len(said) == n_said
    assert all("videos 0 (C:/day1/top.mp4) and 1 (C:/day2/top.mp4) are not where" in message for message in said)


def test_a_video_found_where_recorded_is_not_said_of(tmp_path):
    # Video 0 is the top.mp4 beside the file, where it records it; video 1 (elsewhere, of that name) is not linked.
    slp = _same_name_slp(tmp_path, [str(tmp_path / "top.mp4"), r"C:\day2\top.mp4"])
    assert not _unlinked_said(file_path=slp, video_indices=[0])
    (said,) = _unlinked_said(file_path=slp, video_indices=[1])
    assert "video 1 (C:/day2/top.mp4) is not where the file records it" in said


def test_the_advice_for_frame_times_of_several_videos_gives_each_its_file(tmp_path):
    slp = _same_name_slp(tmp_path, [r"C:\day1\top.mp4", r"C:\day2\top.mp4"])
    both = PoseSource.from_format(get_format("SLEAP"), file_path=slp)
    advice = both._each_video_advice()
    assert "video_indices=[k] and video_file_path= (poseconv convert FILE -O video_indices=[k] --video PATH" in advice
    assert "video_file_path= alone (--video) is for poses of one video" in advice
    # One video, or a format without video_indices: video_file_path= (--video) gives it, as the error says.
    assert PoseSource.from_format(get_format("SLEAP"), file_path=slp, video_indices=[1])._each_video_advice() == ""
    assert PoseSource.from_format(get_format("DeepLabCut"), file_path=MULTI_ANIMAL_H5)._each_video_advice() == ""
    from poseconv.timing import missing_timing_error

    said = str(missing_timing_error("same_name.slp", "video 'top'", each_video=advice))
    assert said.endswith(
        "--fps; a spec's sampling_frequency), or one time per frame with set_aligned_timestamps() "
        f"(--timestamps FILE; a spec's timestamps_file), or {advice}."
    )
    assert "or the video with video_file_path= (--video)." in str(missing_timing_error("p.slp", "video 'top'"))


def test_the_warning_and_the_errors_give_each_video_its_file_in_one_wording(tmp_path):
    """The unlinked warning (readers/sleap/videos_by_name.py) and PoseSource's errors of several videos.

    Both appear in one conversion's output: before, the one said "k the video's index above", the others
    "k = 0 for the first video".
    """
    slp = _same_name_slp(tmp_path, [r"C:\day1\top.mp4", r"C:\day2\top.mp4"])
    (said,) = _unlinked_said(file_path=slp)
    with pytest.warns(PoseconvWarning, match="not where the file records"):
        both = PoseSource.from_format(get_format("SLEAP"), file_path=slp, sampling_frequency=10.0)
    advice = both._each_video_advice()
    way = advice[advice.index("video_indices=[k]") : advice.index("; video_file_path= alone")]
    assert way.endswith("k the video's index in the file, 0 for the first"), way
    assert f"one at a time: {way}; a recording session's videos" in said
    with pytest.raises(InvalidOptionError, match="1 video files given for 2 videos") as raised:
        PoseSource.from_format(get_format("SLEAP"), file_path=slp, video_file_paths=[tmp_path / "top.mp4"])
    assert f"at a time: {way}. Or put" in str(raised.value)


@pytest.mark.parametrize(
    ("recorded", "beside"),
    [
        ([r"C:\day1\top.mp4", r"C:\day2\side.mp4"], True),
        # One name in two folders: a top.mp4 beside the file would be either, and links neither.
        ([r"C:\day1\top.mp4", r"C:\day2\top.mp4"], False),
    ],
)
def test_a_file_of_two_videos_given_one_says_beside_it_only_where_that_links_them(tmp_path, recorded, beside):
    slp = _same_name_slp(tmp_path, recorded)
    with pytest.raises(InvalidOptionError, match="1 video files given for 2 videos") as raised:
        PoseSource.from_format(get_format("SLEAP"), file_path=slp, video_file_path=tmp_path / "top.mp4")
    said = str(raised.value)
    assert "Or put the videos where the file records them" in said and "video_indices=[k]" in said, said
    # Before, "or beside it, and give none" for both: for one name, that is the file that links none.
    assert ("or beside it, and give none." in said) is beside, said
    assert ("a file named top.mp4 would be any of the videos of that name, and is linked to none" in said) is not beside
