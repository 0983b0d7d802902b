r"""Videos of a ``.slp`` that only a file of their name beside it links (readers/sleap/videos_by_name.py).

Labs name every session's video alike in its own folder (``C:\day1\top.mp4``, ``C:\day2\top.mp4``): one copy
beside the ``.slp`` is linked to none of them, while a video found where the file records it, and videos
recording one path, keep their file. The warning why is noted on each video left without it: the pose readers
say nothing (the interfaces say it of the videos they convert without a file), the training labels reader says it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.readers.sleap import read_sleap, read_sleap_labels
from poseconv.readers.sleap.session import read_sleap_session
from tests.fixtures.sleap import SLP_MIN_SESSION

sio = pytest.importorskip("sleap_io")

WARNING = "nothing says which one it is, so none is linked"


def _write_slp(path: Path, recorded: list[str], *, user: bool = False) -> Path:
    """Write a ``.slp`` of one track, 3 frames on each video recorded as ``recorded`` (none opened)."""
    skeleton, track = sio.Skeleton(["head", "tail"]), sio.Track("mouse")
    videos = [sio.Video(filename=name, open_backend=False) for name in recorded]
    frames = []
    for v, video in enumerate(videos):
        for f in range(3):
            points = np.array([[10.0 + 100 * v + f, 20.0], [30.0, 40.0]])
            instance = (
                sio.Instance.from_numpy(points, skeleton=skeleton, track=track)
                if user
                else sio.PredictedInstance.from_numpy(
                    points, skeleton=skeleton, point_scores=np.array([0.9, 0.8]), score=0.9, track=track
                )
            )
            frames.append(sio.LabeledFrame(video=video, frame_idx=f, instances=[instance]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sio.save_slp(sio.Labels(labeled_frames=frames, videos=videos, skeletons=[skeleton], tracks=[track]), str(path))
    return path


def _noted(data) -> dict[str, str]:
    """Each video's warning noted by the reader (``unlinked_warning``), by video key."""
    videos = data.notes["videos"]
    return {key: facts["unlinked_warning"] for key, facts in videos.items() if "unlinked_warning" in facts}


def _read(reader, path: Path, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = reader(path, **options)
    return data, [w for w in caught if issubclass(w.category, PoseconvWarning) and "not where" in str(w.message)]


@pytest.mark.parametrize(
    ("recorded", "name"),
    [
        ([r"C:\day1\top.mp4", r"C:\day2\top.mp4"], "top.mp4"),
        (["/home/a/day1/cam.mp4", "/home/a/day2/cam.mp4"], "cam.mp4"),
    ],
)
def test_one_copy_beside_is_linked_to_none_of_the_videos_of_its_name(tmp_path, recorded, name):
    (tmp_path / name).write_bytes(b"a video")
    slp = _write_slp(tmp_path / "sessions.slp", recorded)
    pose, said = _read(read_sleap, slp)
    assert [info.path for info in pose.videos.values()] == [None, None]
    # Each keeps its recorded path, as a video not found does.
    assert [info.original_path.replace("/", "\\") for info in pose.videos.values()] == [
        r.replace("/", "\\") for r in recorded
    ]
    assert all("found_by" not in facts for facts in pose.notes["videos"].values())
    # Said by the interfaces, of the videos they convert without a file (tests/unit/test_pose_source.py).
    assert not said
    noted = _noted(pose)
    stem = name.removesuffix(".mp4")
    assert list(noted) == [stem, f"{stem}_2"]
    (message,) = set(noted.values())
    assert str(slp) in message and str(tmp_path / name) in message and WARNING in message
    assert all(r.replace("\\", "/") in message.replace("\\", "/") for r in recorded)
    assert "video_indices=[k] and video_file_path=" in message


def test_a_video_found_where_recorded_keeps_it_and_the_other_of_its_name_is_not_linked(tmp_path):
    (tmp_path / "top.mp4").write_bytes(b"a video")
    here = str(tmp_path / "top.mp4")
    pose, said = _read(read_sleap, _write_slp(tmp_path / "sessions.slp", [here, r"C:\day2\top.mp4"]))
    assert [info.path for info in pose.videos.values()] == [tmp_path / "top.mp4", None]
    assert not said and list(_noted(pose)) == ["top_2"]
    message = _noted(pose)["top_2"]
    assert "video 1 (C:/day2/top.mp4) is not where the file records it" in message
    assert f"is video 0 ({here}), where the file records it" in message


def test_videos_recording_one_path_are_one_video_and_keep_the_copy_beside(tmp_path):
    (tmp_path / "top.mp4").write_bytes(b"a video")
    pose, said = _read(read_sleap, _write_slp(tmp_path / "sessions.slp", [r"C:\day1\top.mp4", r"C:\day1\top.mp4"]))
    assert [info.path for info in pose.videos.values()] == [tmp_path / "top.mp4"] * 2
    assert not said and not _noted(pose)


def test_one_video_or_videos_of_different_names_still_link_their_copies_beside(tmp_path):
    for name in ("top.mp4", "side.mp4"):
        (tmp_path / name).write_bytes(b"a video")
    pose, said = _read(read_sleap, _write_slp(tmp_path / "one.slp", [r"C:\day1\top.mp4"]))
    assert [info.path for info in pose.videos.values()] == [tmp_path / "top.mp4"] and not _noted(pose)
    pose, said = _read(read_sleap, _write_slp(tmp_path / "two.slp", [r"C:\day1\top.mp4", r"C:\day1\side.mp4"]))
    assert [info.path for info in pose.videos.values()] == [tmp_path / "top.mp4", tmp_path / "side.mp4"]
    assert not said and not _noted(pose)


def test_each_selected_video_is_unlinked_alike(tmp_path):
    (tmp_path / "top.mp4").write_bytes(b"a video")
    slp = _write_slp(tmp_path / "sessions.slp", [r"C:\day1\top.mp4", r"C:\day2\top.mp4"])
    pose, said = _read(read_sleap, slp, video_indices=[1])
    assert [info.path for info in pose.videos.values()] == [None, None] and list(_noted(pose)) == ["top", "top_2"]


def test_training_labels_link_none_of_the_videos_of_one_name(tmp_path):
    (tmp_path / "top.mp4").write_bytes(b"a video")
    slp = _write_slp(tmp_path / "labels.slp", [r"C:\day1\top.mp4", r"C:\day2\top.mp4"], user=True)
    training, said = _read(read_sleap_labels, slp)
    assert [info.path for info in training.videos.values()] == [None, None] and len(said) == 1
    # The training labels reader says it at once: its interface takes no video.
    message = str(said[0].message)
    assert WARNING in message and set(_noted(training).values()) == {message}
    # Before, it said to give video_indices=[k] and video_file_path=, which SLEAPTrainingDataInterface refuses.
    assert "video_indices=[k]" not in message and "video_file_path=" not in message
    assert "Training labels take no video_file_path (--video) nor video_indices" in message
    assert "beside the file under a name of its own and point the file to it (SLEAP: File > Replace Videos" in message


def test_training_labels_pointed_to_videos_of_names_of_their_own_link_each(tmp_path):
    """The training labels warning's way, followed: each video beside the file under its own name, the paths fixed."""
    slp = _write_slp(tmp_path / "labels.slp", [r"C:\day1\top.mp4", r"C:\day2\top.mp4"], user=True)
    (tmp_path / "top.mp4").write_bytes(b"a video")
    for day in (1, 2):
        (tmp_path / f"top_day{day}.mp4").write_bytes(b"a video")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = sio.load_slp(str(slp), open_videos=False)
        labels.replace_filenames(
            new_filenames=[tmp_path / "top_day1.mp4", tmp_path / "top_day2.mp4"], open_videos=False
        )
        labels.save(str(slp))
    training, said = _read(read_sleap_labels, slp)
    assert [info.path for info in training.videos.values()] == [tmp_path / "top_day1.mp4", tmp_path / "top_day2.mp4"]
    assert not said and not _noted(training)


def test_a_session_links_none_of_its_cameras_videos_of_one_name(tmp_path):
    """Each camera's video in a folder of its own, all named ``video.mp4``, one copy beside the .slp."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = sio.load_slp(str(SLP_MIN_SESSION), open_videos=False)
        names = [rf"D:\rig\cam{i}\video.mp4" for i in range(len(labels.videos))]
        labels.replace_filenames(new_filenames=names, open_videos=False)
        labels.save(str(tmp_path / "session.slp"))
    (tmp_path / "video.mp4").write_bytes(b"a video")
    session, said = _read(read_sleap_session, tmp_path / "session.slp")
    assert all(info.path is None for view in session.views.values() for info in view.videos.values())
    # Noted on each camera's view, said by the session interface of cameras given no video.
    assert not said
    assert all(WARNING in message for view in session.views.values() for message in _noted(view).values())
    assert sum(len(_noted(view)) for view in session.views.values()) == len(session.views)
