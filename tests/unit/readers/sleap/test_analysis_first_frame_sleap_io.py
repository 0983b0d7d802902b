"""sleap-io's ``save_analysis_h5(all_frames=False)`` starts its rows at the video's first labeled frame."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.readers.sleap import read_sleap

sio = pytest.importorskip("sleap_io")

FIRST, LAST = 4, 9


def _labels(path, frames=range(FIRST, LAST + 1), video_frames=None):
    """Save predictions whose x is the frame number, as load_slp gives them (provenance names the file).

    With ``video_frames``, the video's length is known to sleap-io (its backend metadata's shape), which it
    records in the analysis file and exports on to.
    """
    skeleton = sio.Skeleton(nodes=["head", "tail"])
    known = {"backend_metadata": {"shape": [video_frames, 8, 8, 1]}} if video_frames else {}
    video = sio.Video(filename="/elsewhere/v.mp4", open_backend=False, **known)
    track = sio.Track("m")
    labeled = [
        sio.LabeledFrame(
            video=video,
            frame_idx=t,
            instances=[
                sio.PredictedInstance.from_numpy(
                    np.array([[t, 1.0], [t, 2.0]]),
                    point_scores=np.full(2, 0.5),
                    score=0.9,
                    skeleton=skeleton,
                    track=track,
                )
            ],
        )
        for t in frames
    ]
    sio.save_slp(sio.Labels(labeled_frames=labeled, videos=[video], skeletons=[skeleton], tracks=[track]), str(path))
    return sio.load_slp(str(path))


def _read(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_sleap(path)
    return pose, [str(w.message) for w in caught if issubclass(w.category, PoseconvWarning)]


def _assert_on_their_frames(pose):
    x = pose.tracks[0].positions[:, 0, 0]
    assert len(x) == LAST + 1 and np.isnan(x[:FIRST]).all()
    np.testing.assert_array_equal(x[FIRST:], np.arange(FIRST, LAST + 1))
    scores = pose.tracks[0].instance_scores
    assert np.isnan(scores[:FIRST]).all() and scores[FIRST] == pytest.approx(0.9)


@pytest.mark.parametrize("where", ["where it was", "beside"])
def test_the_labels_file_sleap_io_names_places_the_rows(tmp_path, where):
    # Before, row 0 (frame 4) was read as frame 0: every pose 4 frames early, with nothing said.
    made, exported = tmp_path / "made", tmp_path / "shared"
    made.mkdir(), exported.mkdir()
    labels = _labels(made / "p.slp")
    sio.save_analysis_h5(labels, str(exported / "p.analysis.h5"), all_frames=False)
    if where == "beside":
        shutil.move(made / "p.slp", exported / "p.slp")
    pose, said = _read(exported / "p.analysis.h5")
    assert not said
    _assert_on_their_frames(pose)
    assert pose.notes["first_frame"]["frame"] == FIRST


def test_without_its_labels_file_a_sleap_io_file_shorter_than_its_video_warns_that_it_starts_later(tmp_path):
    # The video's 20 frames are recorded; an all-frames export would have 20 rows, this one has 16 (4 to 19).
    labels = _labels(tmp_path / "p.slp", video_frames=20)
    sio.save_analysis_h5(labels, str(tmp_path / "p.analysis.h5"), all_frames=False)
    (tmp_path / "p.slp").unlink()
    pose, said = _read(tmp_path / "p.analysis.h5")
    (warning,) = said
    assert "all_frames=False" in warning and "--starting-time" in warning and "(p.slp)" in warning
    assert "16 rows" in warning and "20 frames" in warning and f"likely frame {FIRST}" in warning
    assert pose.tracks[0].positions[0, 0, 0] == FIRST  # read as it is


@pytest.mark.parametrize(
    ("all_frames", "video_frames"),
    [(True, None), (True, 20), (False, None)],
    ids=["default", "default-known-length", "unknown-length"],
)
def test_without_its_labels_file_a_sleap_io_file_not_known_to_start_later_is_read_quietly(
    tmp_path, all_frames, video_frames
):
    # sleap-io's default (all_frames=True) starts at frame 0: a warning on every such file whose frame 0 has a
    # pose was noise. Without a recorded video length nothing tells all_frames=False apart, so nothing is said.
    labels = _labels(tmp_path / "p.slp", range(LAST + 1) if all_frames else range(FIRST, LAST + 1), video_frames)
    sio.save_analysis_h5(labels, str(tmp_path / "p.analysis.h5"), all_frames=all_frames)
    (tmp_path / "p.slp").unlink()
    _, said = _read(tmp_path / "p.analysis.h5")
    assert not said


@pytest.mark.parametrize("frames", [range(FIRST, LAST + 1), range(LAST + 1)], ids=["from-4", "from-0"])
def test_all_frames_exports_stay_from_frame_0(tmp_path, frames):
    # sleap-io's default writes row t as frame t: rows before the first labeled frame are empty.
    labels = _labels(tmp_path / "p.slp", frames)
    sio.save_analysis_h5(labels, str(tmp_path / "p.analysis.h5"))
    pose, said = _read(tmp_path / "p.analysis.h5")
    assert not said
    x = pose.tracks[0].positions[:, 0, 0]
    assert len(x) == LAST + 1
    np.testing.assert_array_equal(x[frames.start :], np.arange(frames.start, LAST + 1))
