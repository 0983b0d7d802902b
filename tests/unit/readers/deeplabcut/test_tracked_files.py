"""DeepLabCut's tracked multi-animal files (stitch_tracklets' ``_el.h5``), which end at the last tracked frame.

Written as DeepLabCut 3.0.1's ``refine_training_dataset/stitch.py`` writes them: ``format_df`` reindexes the
tracklets to ``range(last_frame + 1)`` (NaN rows before the first track), ``write_tracks`` saves them under the
key ``tracks`` as ``<video><scorer>_el.h5``, beside analyze_videos' ``<video><scorer>_meta.pickle``.
"""

from __future__ import annotations

import fractions
import pickle

import numpy as np
import pandas as pd
import pytest

from poseconv.readers.deeplabcut import read_deeplabcut

SCORER = "DLC_HrnetW32_multiDec3shuffle1_snapshot_best-200"
VIDEO_FRAMES = 12


def _write_video(path, n_frames=VIDEO_FRAMES):
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=fractions.Fraction(30))
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(n_frames):
            image = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            for packet in stream.encode(image):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _write_tracks(folder, *, name=f"m{SCORER}_el.h5", key="tracks", meta_frames=None):
    """Tracks on frames 2 to 8 of the video: rows 0 to 8, the first two NaN."""
    columns = pd.MultiIndex.from_product(
        [[SCORER], ["mus1", "mus2"], ["snout", "tail"], ["x", "y", "likelihood"]],
        names=["scorer", "individuals", "bodyparts", "coords"],
    )
    values = np.random.default_rng(1).uniform(0, 1, (7, len(columns)))
    values[:, columns.get_level_values("coords") != "likelihood"] *= 40
    table = pd.DataFrame(values, columns=columns, index=range(2, 9)).reindex(range(9))
    path = folder / name
    table.to_hdf(path, key=key, format="table", mode="w")
    if meta_frames is not None:
        # analyze_videos' _generate_metadata: nframes is the analysed video's frame count.
        data = {"Scorer": SCORER, "fps": 30.0, "nframes": meta_frames, "frame_dimensions": (64, 48)}
        with (folder / f"m{SCORER}_meta.pickle").open("wb") as handle:
            pickle.dump({"data": data}, handle)
    return path, table


def _converted(path, **source_data):
    """The poses the conversion writes: fitted to the video it probes, the one given else the one found."""
    from poseconv import DeepLabCutPoseInterface

    return DeepLabCutPoseInterface(file_path=path, **source_data).pose


def _positions(pose, animal):
    (track,) = [track for track in pose.tracks if track.name == animal]
    return np.asarray(track.positions[:])


@pytest.mark.parametrize("counted_by", ["meta", "video"])
def test_a_tracked_file_that_ends_before_its_video_covers_the_video(tmp_path, counted_by):
    # Before, the poses stopped at the last tracked frame (9 of 12): the conversion warned that they were
    # "taken to be its first 9 frames" and poseconv validate flagged the file it wrote.
    path, table = _write_tracks(tmp_path, meta_frames=VIDEO_FRAMES if counted_by == "meta" else None)
    if counted_by == "video":
        _write_video(tmp_path / "m.mp4")
    pose = _converted(path) if counted_by == "video" else read_deeplabcut(path)
    positions = _positions(pose, "mus2")
    assert positions.shape == (VIDEO_FRAMES, 2, 2)
    expected = table.xs("mus2", axis=1, level="individuals").xs("x", axis=1, level="coords").to_numpy()
    np.testing.assert_array_equal(positions[:9, :, 0], expected)
    assert np.isnan(positions[9:]).all()
    said = "m.mp4" if counted_by == "video" else f"m{SCORER}_meta.pickle"
    assert (
        f"The last row DeepLabCut's tracking wrote is frame 8; the video has 12 frames ({said}), "
        "so frames 9 to 11 have no pose (NaN)." in pose.notes["model"]
    )


def test_rows_of_unique_bodyparts_past_the_animals_are_not_said_to_hold_a_tracked_animal(tmp_path):
    # stitch_tracklets outer-joins the unique bodyparts ('single'): the table runs past the animals' last
    # frame (8) to the unique bodyparts' (11). Before, frame 11 was called "the last with a tracked animal".
    path, table = _write_tracks(tmp_path, meta_frames=VIDEO_FRAMES + 4)
    single = pd.MultiIndex.from_product(
        [[SCORER], ["single"], ["led"], ["x", "y", "likelihood"]], names=table.columns.names
    )
    table.join(pd.DataFrame(np.ones((2, 3)), columns=single, index=[0, 11]), how="outer").to_hdf(
        path, key="tracks", format="table", mode="w"
    )
    note = read_deeplabcut(path).notes["model"]
    assert "tracked animal" not in note
    assert "The last row DeepLabCut's tracking wrote is frame 11; the video has 16 frames" in note


@pytest.mark.parametrize(
    ("name", "key", "covered"),
    [
        ("sub-01_ses-01_pose.h5", "tracks", True),  # stitched, renamed by a pipeline: its key says so
        (f"m{SCORER}.h5", "df_with_missing", False),  # before tracking: analyze_videos writes every frame
    ],
)
@pytest.mark.filterwarnings("ignore:.*before tracking")
def test_only_tracked_files_are_extended(tmp_path, name, key, covered):
    path, _ = _write_tracks(tmp_path, name=name, key=key, meta_frames=VIDEO_FRAMES)
    if not name.startswith("m"):
        (tmp_path / f"m{SCORER}_meta.pickle").rename(tmp_path / "sub-01_ses-01_pose_meta.pickle")
        _write_video(tmp_path / "sub-01_ses-01_pose.mp4")
    pose = _converted(path)
    assert _positions(pose, "mus1").shape[0] == (VIDEO_FRAMES if covered else 9)


def test_a_tracked_file_as_long_as_its_video_is_unchanged(tmp_path):
    path, _ = _write_tracks(tmp_path, meta_frames=9)
    pose = read_deeplabcut(path)
    assert _positions(pose, "mus1").shape[0] == 9 and "tracking wrote is frame" not in pose.notes.get("model", "")


def test_the_conversion_of_a_short_tracked_file_passes_poseconvs_own_validation(tmp_path):
    import warnings

    from poseconv.errors import PoseconvWarning
    from poseconv.validation import check_pose_file
    from tests.fixtures.cli import poseconv_in_process

    path, _ = _write_tracks(tmp_path)
    _write_video(tmp_path / "m.mp4")
    out = tmp_path / "m.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoseconvWarning)
        result = poseconv_in_process("convert", path, "-o", out, "--session-start-time", "2025-12-03T10:00:00+00:00")
    assert result.returncode == 0, result.stderr
    assert "first 9 frames" not in result.stderr
    assert [problem.check for problem in check_pose_file(out)] == []


@pytest.mark.parametrize("meta_frames", [15, 10])
def test_the_decoded_video_not_the_header_count_rules_a_tracked_files_length(tmp_path, meta_frames):
    # DeepLabCut 3 predicts every frame it decodes; its _meta.pickle's nframes is OpenCV's header count. Before,
    # the header count set the length: 15 gave a description of frames "9 to 14" with no pose, cut to the video's
    # 12 later; 10 gave 10 frames of a 12-frame video, and the warning counted 10 frames with poses for 9 rows.
    path, _ = _write_tracks(tmp_path, meta_frames=meta_frames)
    _write_video(tmp_path / "m.mp4")
    pose = _converted(path)
    assert _positions(pose, "mus1").shape == (VIDEO_FRAMES, 2, 2)
    assert pose.videos["m"].n_frames == VIDEO_FRAMES
    assert (
        f"the video has 12 frames (m.mp4; m{SCORER}_meta.pickle records {meta_frames}, the video header's count), "
        "so frames 9 to 11 have no pose (NaN)." in pose.notes["model"]
    )


def test_the_video_given_rules_over_the_one_found_beside_a_tracked_file(tmp_path):
    # Before, the reader extended the rows to the video found beside the file (m.mp4, 12 frames) and the
    # description named it, though the given video (20 frames) is the one linked; and it probed that video, which
    # the conversion probed again.
    import importlib

    path, _ = _write_tracks(tmp_path, meta_frames=15)
    _write_video(tmp_path / "m.mp4")
    given = _write_video(tmp_path / "given.mp4", 20)
    probed = []
    real = importlib.import_module("poseconv.video").probe_video

    def converted(**source_data):
        # Every module that may probe a video, by the name it imported.
        modules = ("poseconv.video", "poseconv.pose_source", "poseconv.readers.deeplabcut.tracked_length")
        with pytest.MonkeyPatch.context() as patch:
            for name in modules:
                patch.setattr(
                    importlib.import_module(name),
                    "probe_video",
                    lambda path: probed.append(path.name) or real(path),
                    raising=False,
                )
            return _converted(path, **source_data)

    pose = converted(video_file_path=given)
    assert _positions(pose, "mus1").shape == (20, 2, 2) and pose.videos["m"].n_frames == 20
    assert (
        f"the video has 20 frames (given.mp4; m{SCORER}_meta.pickle records 15, the video header's count), "
        "so frames 9 to 19 have no pose (NaN)." in pose.notes["model"]
    )
    assert "m.mp4" not in pose.notes["model"] and "14 have no pose" not in pose.notes["model"]
    assert probed == ["given.mp4"]
    # Found, not given, m.mp4 is probed once.
    probed.clear()
    assert _positions(converted(), "mus1").shape == (VIDEO_FRAMES, 2, 2)
    assert probed == ["m.mp4"]
