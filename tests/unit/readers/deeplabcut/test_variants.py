"""DeepLabCut-layout tables as labs have them: re-saved by pandas, labels renamed, other tools' 3D tables."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from poseconv.catalog import check_format, detect_format, get_format
from poseconv.errors import InvalidSourceFileError, PoseconvWarning, UnsupportedFormatError
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels
from tests.fixtures.deeplabcut import DLC, MULTI_ANIMAL_CSV, MULTI_ANIMAL_DIR, SINGLE_ANIMAL_CSV, THREE_D_H5
from tests.fixtures.paths import SHARED_DATA, needs_shared_data

pytestmark = needs_shared_data

GOLDEN_MOUSE_LABELS = DLC / "golden_mouse-shaokai-2022-10-19/labeled-data/golden_mouse/CollectedData_shaokai.csv"
MULTI_LABELS_3_INDEX = DLC / "multi_mouse-dlc_team-2022-04-12/labeled-data/m3v1mp4short/CollectedData_dlc_team.csv"
MULTI_LABELS_H5 = DLC / "multi_mouse-dlc_team-2022-04-12/labeled-data/m3v1mp4/CollectedData_dlc_team.h5"


def test_csv_resaved_by_pandas_reads_every_value_with_the_scorer_restored(tmp_path):
    # What VAME and similar tools do: read with a one-row header (pandas numbers repeated names), write back.
    resaved = tmp_path / SINGLE_ANIMAL_CSV.name
    pd.read_csv(SINGLE_ANIMAL_CSV).to_csv(resaved, index=False)
    assert ".1," in resaved.read_text().splitlines()[0]
    assert detect_format(resaved).name == "DeepLabCut"
    with pytest.warns(PoseconvWarning, match="re-saved by pandas"):
        pose = read_deeplabcut(resaved)
    original = read_deeplabcut(SINGLE_ANIMAL_CSV)
    assert pose.scorer == original.scorer == "DLC_resnet50_SubLearnSleepBoxRedLightJun26shuffle1_100000"
    source = pd.read_csv(SINGLE_ANIMAL_CSV, header=[0, 1, 2], index_col=0)
    (track,) = pose.tracks
    for j, part in enumerate(pose.skeletons[track.skeleton].nodes):
        for d, axis in enumerate("xy"):
            np.testing.assert_array_equal(track.positions[:, j, d], source[(pose.scorer, part, axis)].to_numpy())
        np.testing.assert_array_equal(track.confidence[:, j], source[(pose.scorer, part, "likelihood")].to_numpy())


def test_scorers_that_differ_otherwise_are_still_refused(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("scorer,A,A,B,B\nbodyparts,n,n,t,t\ncoords,x,y,x,y\n0,1,2,3,4\n")
    with pytest.raises(InvalidSourceFileError, match="one scorer"):
        read_deeplabcut(path)


@pytest.mark.parametrize(
    "source",
    [GOLDEN_MOUSE_LABELS, MULTI_LABELS_3_INDEX, MULTI_LABELS_H5, GOLDEN_MOUSE_LABELS.with_suffix(".h5")],
    ids=["csv-3-index", "multi-csv-3-index", "multi-h5-1-index", "h5-3-index"],
)
def test_labels_renamed_and_moved_are_detected_by_their_rows(tmp_path, source):
    moved = tmp_path / f"labels{source.suffix}"
    shutil.copy(source, moved)
    if source.suffix == ".h5" or source == MULTI_LABELS_3_INDEX:
        # Lightning Pose writes neither .h5 labels nor multi-animal ones.
        assert detect_format(moved).name == "DeepLabCut labels"
    else:
        # Lightning Pose writes the same labels CSVs under free names: the user says whose it is.
        with pytest.raises(UnsupportedFormatError, match=r"DeepLabCut labels \(dlc-labels\) or as LightningPose"):
            detect_format(moved)
        check_format(moved, get_format("dlc-labels"))
    moved_frames = read_deeplabcut_labels(moved).frames
    assert len(moved_frames) == len(read_deeplabcut_labels(source).frames)
    # Read as predictions, the message says what the rows are and what to do, never "not numbers".
    with pytest.raises(InvalidSourceFileError, match="labeled/training data.*--source dlc-labels"):
        read_deeplabcut(moved)


def _three_d_frame(columns: pd.MultiIndex) -> pd.DataFrame:
    values = pd.read_hdf(THREE_D_H5).to_numpy()
    return pd.DataFrame(values[:, : len(columns)], columns=columns)


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
@pytest.mark.parametrize(
    ("levels", "software"),
    [
        ([["AmadeusGPT"], ["nose", "tail"], ["x", "y", "z"]], "AmadeusGPT"),
        ([["nose", "tail"], ["x", "y", "z"]], None),
    ],
    ids=["unnamed-levels", "no-scorer-level"],
)
def test_other_tools_3d_tables_in_deeplabcut_layout_are_read_as_3d(tmp_path, suffix, levels, software):
    # A bare MultiIndex.from_product, as 3D exports written with pandas outside DeepLabCut have it.
    frame = _three_d_frame(pd.MultiIndex.from_product(levels))
    path = tmp_path / f"keypoints_3d{suffix}"
    if suffix == ".h5":
        frame.to_hdf(path, key="df_with_missing", format="table")
    else:
        frame.to_csv(path)
    assert detect_format(path).name == "DeepLabCut"
    with pytest.warns(PoseconvWarning, match="read by position"):
        pose = read_deeplabcut(path)
    assert pose.n_dims == 3 and pose.tracks[0].confidence is None
    if software:
        assert pose.source_software == software
    else:
        assert "unknown" in pose.source_software
    np.testing.assert_array_equal(pose.tracks[0].positions[:].reshape(len(frame), -1), frame.to_numpy())


def test_a_table_whose_last_level_is_not_coordinates_is_refused_saying_why(tmp_path):
    path = tmp_path / "other.h5"
    columns = pd.MultiIndex.from_product([["a"], ["nose"], ["length", "angle"]])
    pd.DataFrame(np.ones((2, 2)), columns=columns).to_hdf(path, key="df")
    with pytest.raises(InvalidSourceFileError, match=r"x, y\[, z\]"):
        read_deeplabcut(path)


def test_lightning_pose_multiview_label_files_named_by_view(tmp_path):
    # Lightning Pose multi-view projects keep one labels CSV per view, named freely (view0.csv).
    from poseconv.readers.lightningpose import read_lightning_pose_labels

    source = SHARED_DATA / "lightning-pose/mirror-mouse-example/CollectedData.csv"
    view = tmp_path / "view0.csv"
    shutil.copy(source, view)
    check_format(view, get_format("lp-labels"))
    assert len(read_lightning_pose_labels(view).frames) == len(read_lightning_pose_labels(source).frames)


def test_lightning_pose_predictions_on_labeled_frames_are_explained(tmp_path):
    # What Lightning Pose's predict_dataset writes (predictions.csv, predictions_<view>.csv): the model's
    # predictions on the labeled images, indexed like the labels, with a "set" column (train/validation/...).
    from poseconv.readers.lightningpose import read_lightning_pose

    labels = pd.read_csv(
        SHARED_DATA / "lightning-pose/mirror-mouse-example/CollectedData.csv", header=[0, 1, 2], index_col=0
    )
    keypoints = list(dict.fromkeys(labels.columns.get_level_values(1)))
    columns = pd.MultiIndex.from_product(
        [["heatmap_tracker"], keypoints, ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    frame = pd.DataFrame(np.random.default_rng(0).uniform(size=(len(labels), len(columns))), columns=columns)
    frame[("set", "", "")] = "unused"
    frame.index = labels.index
    path = tmp_path / "predictions_top.csv"
    frame.to_csv(path)
    for read in (read_deeplabcut, read_lightning_pose):
        with pytest.raises(InvalidSourceFileError, match=r"'labeled-data/img\d+.png' and the values have a likelihood"):
            read(path)
    with pytest.raises(InvalidSourceFileError, match="likelihood"):
        detect_format(path).read(path)


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_predictions_on_a_folder_of_images_get_one_answer_from_every_entry_point(tmp_path, suffix):
    # DeepLabCut's analyze_time_lapse_frames: rows named by image file, with a likelihood. Not human
    # labels (the labels sniffer leaves it): the images are the frames, in row order, from every way in
    # (before, every way in refused them as predictions on separate images).
    scorer = "DLC_resnet50_projDec1shuffle1_100000"
    columns = pd.MultiIndex.from_product(
        [[scorer], ["snout", "tail"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    frame = pd.DataFrame(np.random.default_rng(0).uniform(size=(20, 6)), columns=columns)
    frame.index = [f"img{i:04d}.png" for i in range(20)]
    path = tmp_path / f"frames{scorer}{suffix}"
    if suffix == ".h5":
        frame.to_hdf(path, key="df_with_missing", format="table", mode="w")
    else:
        frame.to_csv(path)
    fmt = detect_format(path)
    assert fmt.name == "DeepLabCut"
    for read in (fmt.read, read_deeplabcut):
        (track,) = read(path).tracks
        np.testing.assert_array_equal(np.asarray(track.positions[:])[:, 0], frame.iloc[:, :2].to_numpy())
    check_format(path, get_format("dlc"))


def _as_excel_saves(source, target):
    """Write ``source`` as Excel's "CSV UTF-8" does: a byte-order mark, then CRLF line ends."""
    target.write_bytes(b"\xef\xbb\xbf" + source.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    return target


def test_csv_saved_by_excel_reads_as_the_original(tmp_path, recwarn):
    saved = _as_excel_saves(SINGLE_ANIMAL_CSV, tmp_path / SINGLE_ANIMAL_CSV.name)
    pose, original = read_deeplabcut(saved), read_deeplabcut(SINGLE_ANIMAL_CSV)
    # The mark is not part of the first header cell: the header is DeepLabCut's, read without a warning.
    assert not [w for w in recwarn if issubclass(w.category, PoseconvWarning)]
    assert pose.scorer == original.scorer
    np.testing.assert_array_equal(pose.tracks[0].positions, original.tracks[0].positions)
    np.testing.assert_array_equal(pose.tracks[0].confidence, original.tracks[0].confidence)
    # Labels, moved out of the project, keep DeepLabCut's name for them: CollectedData_<scorer of the file>.
    labels = _as_excel_saves(GOLDEN_MOUSE_LABELS, tmp_path / GOLDEN_MOUSE_LABELS.name)
    assert detect_format(labels).name == "DeepLabCut labels"
    moved, kept = read_deeplabcut_labels(labels).frames, read_deeplabcut_labels(GOLDEN_MOUSE_LABELS).frames
    assert [frame.image for frame in moved] == [frame.image for frame in kept]
    for a, b in zip(moved, kept, strict=True):
        assert len(a.instances) == len(b.instances)
        for x, y in zip(a.instances, b.instances, strict=True):
            np.testing.assert_array_equal(x.points, y.points)


def _track_values(pose, name):
    (track,) = [track for track in pose.tracks if track.name == name]
    return track, pose.skeletons[track.skeleton].nodes


@pytest.mark.parametrize("source", [SINGLE_ANIMAL_CSV, MULTI_ANIMAL_CSV], ids=["single", "multi"])
def test_csv_saved_without_its_index_reads_row_k_as_frame_k(tmp_path, source):
    # to_csv(index=False): no frame column, and the header rows lose the levels' names.
    frame = pd.read_csv(source, header=list(range(4 if source == MULTI_ANIMAL_CSV else 3)), index_col=0)
    resaved = tmp_path / source.name
    frame.to_csv(resaved, index=False)
    assert detect_format(resaved).name == "DeepLabCut"
    with pytest.warns(PoseconvWarning, match="no frame-number column.*row k is taken as frame k") as caught:
        pose = read_deeplabcut(resaved)
    # The scorer is DeepLabCut's: reading the levels by position leaves nothing to doubt.
    assert not [w for w in caught if "read by position" in str(w.message)]
    original = read_deeplabcut(source)
    assert pose.scorer == original.scorer and pose.source_software == "DeepLabCut"
    assert [t.name for t in pose.tracks] == [t.name for t in original.tracks]
    for track, kept in zip(pose.tracks, original.tracks, strict=True):
        np.testing.assert_array_equal(track.positions[:], kept.positions[:])
        np.testing.assert_array_equal(track.confidence[:], kept.confidence[:])


def _live_frame(n_individuals: int) -> pd.DataFrame:
    """A table as DeepLabCut-live's benchmark saves poses: no scorer level, animals named individual_<i>."""
    bodyparts = ["nose", "tail"]
    values = np.arange(6.0 * 3 * len(bodyparts) * n_individuals).reshape(6, -1) / 7
    if n_individuals > 1:
        levels = [[f"individual_{i}" for i in range(n_individuals)], bodyparts, ["x", "y", "likelihood"]]
        names = ["individuals", "bodyparts", "coords"]
    else:
        levels, names = [bodyparts, ["x", "y", "likelihood"]], ["bodyparts", "coords"]
    return pd.DataFrame(values, columns=pd.MultiIndex.from_product(levels, names=names))


@pytest.mark.parametrize("n_individuals", [1, 3])
@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_tables_without_a_scorer_level_are_read_with_their_animals(tmp_path, n_individuals, suffix):
    frame = _live_frame(n_individuals)
    path = tmp_path / f"video_poses_20250101_120000{suffix}"
    if suffix == ".h5":
        frame.to_hdf(path, key="df_with_missing")
    else:
        frame.to_csv(path, index=False)
    # The video the poses were made from, under the name DeepLabCut-live gives them.
    shutil.copy(MULTI_ANIMAL_DIR / "m3v1mp4short.mp4", tmp_path / "video.mp4")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_deeplabcut(path)
    # The benchmark's name says who wrote the table: it was recorded as "unknown (...)", with a warning that
    # another tool may have written it, while the GUI's tables (clock columns) were DeepLabCut-live's.
    assert pose.source_software == "DeepLabCut-live"
    assert not [w for w in caught if "read by position" in str(w.message)]
    assert [video.path.name for video in pose.videos.values()] == ["video.mp4"]
    names = list(dict.fromkeys(frame.columns.get_level_values(0))) if n_individuals > 1 else ["individual"]
    assert [track.name for track in pose.tracks] == names
    for name in names:
        track, nodes = _track_values(pose, name)
        part = frame[name] if n_individuals > 1 else frame
        for j, node in enumerate(nodes):
            np.testing.assert_array_equal(track.positions[:, j], part[node][["x", "y"]].to_numpy())
            np.testing.assert_array_equal(track.confidence[:, j], part[node]["likelihood"].to_numpy())


def test_numbers_as_animal_and_bodypart_names_are_read_as_text(tmp_path):
    scorer = "DLC_dlcrnetms5_maprojDec1shuffle1_50000"
    columns = pd.MultiIndex.from_product(
        [[scorer], [0, 1], [0, 1, 2], ["x", "y", "likelihood"]], names=["scorer", "individuals", "bodyparts", "coords"]
    )
    frame = pd.DataFrame(np.random.default_rng(0).uniform(size=(5, len(columns))), columns=columns)
    path = tmp_path / f"vid{scorer}_el.h5"
    frame.to_hdf(path, key="tracks")
    pose = read_deeplabcut(path)
    assert [track.name for track in pose.tracks] == ["0", "1"]
    track, nodes = _track_values(pose, "1")
    assert list(nodes) == ["0", "1", "2"]
    np.testing.assert_array_equal(track.positions[:, 2], frame[(scorer, 1, 2)][["x", "y"]].to_numpy())


def _save(frame, folder, layout):
    """Save ``frame`` as DeepLabCut does: ``poses.csv``, or ``poses.h5`` in PyTables' ``layout`` ("fixed", "table")."""
    if layout == "csv":
        frame.to_csv(path := folder / "poses.csv")
    else:
        frame.to_hdf(path := folder / "poses.h5", key="df_with_missing", format=layout, mode="w")
    return path


@pytest.mark.parametrize("layout", ["fixed", "table", "csv"])
def test_rows_numbered_by_times_are_refused_naming_the_cause(tmp_path, layout):
    # A table indexed by seconds (a movement dataset's time coordinate, set as the index before
    # saving): before, 0, 0.033, ... were cut to frames 0, 0, ... and refused as "repeated or out of
    # order", and 0, 1.5, 3, 4.5, ... s read as frames 0, 1, 3, 4 with NaN frames between.
    columns = pd.MultiIndex.from_product(
        [["movement"], ["snout", "tail"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    for times in (np.arange(12) / 30, np.arange(12) * 1.5):
        frame = pd.DataFrame(np.random.default_rng(0).uniform(size=(12, 6)), columns=columns, index=times)
        path = _save(frame, tmp_path, layout)
        with pytest.raises(InvalidSourceFileError, match=r"is a fraction: not frame numbers \(times in seconds"):
            read_deeplabcut(path, find_side_files=False)
    # Whole numbers stored as floats are frame numbers.
    frame.index = np.arange(12, dtype=float) * 2
    frame.to_hdf(tmp_path / "frames.h5", key="df_with_missing", format="table", mode="w")
    assert read_deeplabcut(tmp_path / "frames.h5", find_side_files=False).tracks[0].positions.shape[0] == 23


@pytest.mark.parametrize("layout", ["fixed", "table", "csv"])
def test_rows_labelled_by_dates_or_durations_are_refused_naming_the_cause(tmp_path, layout):
    # A table indexed by a pandas DatetimeIndex or TimedeltaIndex: before, its nanoseconds were taken
    # as frame numbers and refused as "frame numbers reach frame 11,000,000"; in a CSV, where pandas
    # writes them as text ('0 days 00:00:00.033333333'), the rows were said to be images.
    columns = pd.MultiIndex.from_product(
        [["movement"], ["snout"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    for index in (pd.to_datetime(np.arange(12), unit="s"), pd.to_timedelta(np.arange(12) / 30, unit="s")):
        frame = pd.DataFrame(np.random.default_rng(0).uniform(size=(12, 3)), columns=columns, index=index)
        path = _save(frame, tmp_path, layout)
        with pytest.raises(InvalidSourceFileError, match=r"rows are labelled .*, \.\.\., times, not frame numbers"):
            read_deeplabcut(path, find_side_files=False)


def test_h5_with_a_table_per_animal_warns_that_only_the_first_is_read(tmp_path):
    # A script saving movement's to_dlc_style_df(split_individuals=True) dict into one file, a key per
    # animal: before, the first animal was converted and the others dropped without a word.
    columns = pd.MultiIndex.from_product(
        [["movement"], ["snout", "tail"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    path = tmp_path / "poses.h5"
    for animal in ("female", "male"):
        frame = pd.DataFrame(np.random.default_rng(0).uniform(size=(5, 6)), columns=columns)
        frame.to_hdf(path, key=animal, format="table")
    with pytest.warns(PoseconvWarning, match=r"holds 2 tables, under keys '/female', '/male'; only the first"):
        read_deeplabcut(path, find_side_files=False)
    # Beside DeepLabCut's own key, another table is a user's addition: read DeepLabCut's, nothing said.
    other = tmp_path / "notes.h5"
    frame.to_hdf(other, key="df_with_missing", format="table")
    pd.DataFrame({"note": [1.0]}).to_hdf(other, key="notes")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        read_deeplabcut(other, find_side_files=False)
