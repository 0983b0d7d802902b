"""DeepLabCut tables that other labs' scripts re-saved: levels reordered, flattened, other keys, encodings, indexes."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from poseconv.catalog import detect_format
from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.predictions import is_deeplabcut_file
from tests.fixtures.deeplabcut import write_live_gui_file

SCORER = "DLC_resnet50_aJan1shuffle1_100"


def _multi_animal() -> pd.DataFrame:
    columns = pd.MultiIndex.from_product(
        [[SCORER], ["rat 1", "rat 2"], ["snout", "head", "tail"], ["x", "y", "likelihood"]],
        names=["scorer", "individuals", "bodyparts", "coords"],
    )
    return pd.DataFrame(np.random.default_rng(3).uniform(0, 640, (12, len(columns))), columns=columns)


def _save(frame: pd.DataFrame, path, table_format: str = "table"):
    if path.suffix == ".h5":
        frame.to_hdf(path, key="df_with_missing", format=table_format, mode="w")
    else:
        frame.to_csv(path)
    return path


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
@pytest.mark.parametrize(
    "order",
    [
        ["scorer", "bodyparts", "individuals", "coords"],
        # coords not last, scorer not first: a CSV's header was refused, its bodypart names read as values.
        ["scorer", "individuals", "coords", "bodyparts"],
        ["individuals", "bodyparts", "coords", "scorer"],
    ],
    ids=["swapped", "coords-not-last", "scorer-last"],
)
def test_levels_swapped_by_name_keep_animals_and_bodyparts(tmp_path, suffix, order):
    # df.swaplevel("individuals", "bodyparts", axis=1): read by position, each bodypart was an animal.
    original = _multi_animal()
    swapped = original.reorder_levels(order, axis=1)
    path = _save(swapped, tmp_path / f"session1{SCORER}_el{suffix}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        pose = read_deeplabcut(path, find_side_files=False)
    assert [track.name for track in pose.tracks] == ["rat 1", "rat 2"]
    assert pose.source_software == "DeepLabCut" and pose.scorer == SCORER
    for track in pose.tracks:
        nodes = list(pose.skeletons[track.skeleton].nodes)
        assert nodes == ["snout", "head", "tail"]
        for j, part in enumerate(nodes):
            for d, axis in enumerate("xy"):
                expected = original[(SCORER, track.name, part, axis)].to_numpy()
                np.testing.assert_array_equal(track.positions[:, j, d], expected)
            np.testing.assert_array_equal(
                track.confidence[:, j], original[(SCORER, track.name, part, "likelihood")].to_numpy()
            )


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_single_animal_levels_in_another_order_read_by_name(tmp_path, suffix):
    original = _multi_animal().xs("rat 1", axis=1, level="individuals")
    reordered = original.reorder_levels(["bodyparts", "scorer", "coords"], axis=1)
    path = _save(reordered, tmp_path / f"session1{SCORER}{suffix}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        pose = read_deeplabcut(path, find_side_files=False)
    (track,) = pose.tracks
    assert pose.scorer == SCORER
    assert list(pose.skeletons[track.skeleton].nodes) == ["snout", "head", "tail"]
    np.testing.assert_array_equal(track.positions[:, 1, 0], original[(SCORER, "head", "x")].to_numpy())


@pytest.mark.parametrize("table_format", ["fixed", "table"])
def test_deeplabcut_live_poses_resaved_as_a_table_read_as_the_gui_wrote_them(tmp_path, table_format):
    written = tmp_path / "gui" / "session1_DLC.hdf5"
    written.parent.mkdir()
    frame = write_live_gui_file(written)
    path = tmp_path / "session1_DLC.hdf5"
    pd.read_hdf(written).to_hdf(path, key="df_with_missing", mode="w", format=table_format)
    pose = read_deeplabcut(path, find_side_files=False)
    assert pose.source_software == "DeepLabCut-live"
    (track,) = pose.tracks
    for j, node in enumerate(pose.skeletons[track.skeleton].nodes):
        np.testing.assert_array_equal(track.positions[:, j], frame[node][["x", "y"]].to_numpy())
    frame_time = frame[("frame_time", "")].to_numpy()
    np.testing.assert_array_equal(pose.timing[track.video].timestamps, frame_time - frame_time[0])


@pytest.mark.parametrize("table_format", ["fixed", "table", "csv"])
def test_a_flattened_header_is_said_to_be_one_row(tmp_path, table_format):
    # As a CSV, it was 'not a DeepLabCut predictions CSV ... found first cells ['', '0', '1', '2']'.
    columns = [f"{part}_{c}" for part in ("snout", "tail") for c in ("x", "y", "likelihood")]
    frame = pd.DataFrame(np.ones((4, 6)), columns=columns)
    path = tmp_path / f"session1{SCORER}.{'csv' if table_format == 'csv' else 'h5'}"
    if table_format == "csv":
        frame.to_csv(path)
    else:
        frame.to_hdf(path, key="df_with_missing", format=table_format)
    with pytest.raises(InvalidSourceFileError, match=r"header is one row of names \('snout_x'.*flattened") as err:
        read_deeplabcut(path, find_side_files=False)
    assert "levels" in str(err.value) and "please report" not in str(err.value)


def test_deeplabcut_live_poses_without_bodypart_names_are_recognised_and_said_to_be_so(tmp_path):
    # The GUI's save when it does not know the bodyparts: pd.DataFrame(poses) plus its two clock columns.
    frame = pd.DataFrame(np.ones((5, 6)))
    frame["frame_time"] = 1.7e9 + np.arange(5) / 30
    frame["pose_time"] = frame["frame_time"] + 0.02
    path = tmp_path / "session1_DLC.hdf5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas: mixed column name types
        frame.to_hdf(path, key="df_with_missing", mode="w")
    assert is_deeplabcut_file(path)
    with pytest.raises(InvalidSourceFileError, match="frame_time and pose_time columns are DeepLabCut-live's clock"):
        read_deeplabcut(path, find_side_files=False)


def test_a_table_under_a_nested_key_is_detected(tmp_path):
    path = tmp_path / f"session1{SCORER}.h5"
    _multi_animal().to_hdf(path, key="session1/poses", format="table")
    assert is_deeplabcut_file(path)
    assert detect_format(path).name == "DeepLabCut"


def test_a_windows_code_page_csv_is_said_not_to_be_utf8(tmp_path):
    frame = _multi_animal().xs("rat 1", axis=1, level="individuals").rename(columns={"head": "Ohr-links ü"})
    path = tmp_path / f"session1{SCORER}.csv"
    path.write_bytes(frame.to_csv().encode("cp1252"))
    with pytest.raises(InvalidSourceFileError, match=r"not UTF-8 text .*0xfc, 'ü'.*'CSV UTF-8"):
        read_deeplabcut(path, find_side_files=False)


@pytest.mark.parametrize("names", [None, ["video", "frame"]], ids=["unnamed", "named"])
@pytest.mark.parametrize("suffix", [".csv", ".h5"])
def test_rows_indexed_by_video_and_frame_are_not_called_images(tmp_path, names, suffix):
    frame = _multi_animal().xs("rat 1", axis=1, level="individuals")
    frame.index = pd.MultiIndex.from_arrays([["session1"] * len(frame), range(len(frame))], names=names)
    # pandas writes rows of several index levels under these columns in its fixed format only.
    path = _save(frame, tmp_path / f"session1{SCORER}{suffix}", "fixed")
    with pytest.raises(InvalidSourceFileError, match="rows are labelled .*'session1'.*second index column") as err:
        read_deeplabcut(path, find_side_files=False)
    assert "images" not in str(err.value)


def test_rows_labelled_by_text_that_names_no_image_are_not_called_images(tmp_path):
    frame = _multi_animal().xs("rat 1", axis=1, level="individuals")
    frame.index = [f"trial{i}" for i in range(len(frame))]
    path = _save(frame, tmp_path / f"session1{SCORER}.csv")
    with pytest.raises(InvalidSourceFileError, match="rows are labelled 'trial0', 'trial1'.*name no images"):
        read_deeplabcut(path, find_side_files=False)


def _labels(frame: pd.DataFrame, path) -> list:
    from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels

    path.parent.mkdir(parents=True, exist_ok=True)
    # DeepLabCut saves CollectedData in the fixed format (the table format holds no multi-index rows).
    data = read_deeplabcut_labels(_save(frame, path, "fixed"), find_side_files=False)
    return [
        (labeled.image, instance.individual, instance.points.tobytes())
        for labeled in data.frames
        for instance in labeled.instances
    ]


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_labels_with_levels_swapped_by_name_are_read_as_the_original(tmp_path, suffix):
    # A CollectedData file re-saved with swaplevel("individuals", "bodyparts") was refused ("column header
    # levels are ['scorer', 'bodyparts', 'individuals', 'coords']") although its levels say what each is.
    columns = pd.MultiIndex.from_product(
        [["alice"], ["mouse1", "mouse2"], ["snout", "tail"], ["x", "y"]],
        names=["scorer", "individuals", "bodyparts", "coords"],
    )
    rows = pd.MultiIndex.from_tuples([("labeled-data", "video1", f"img{i:03d}.png") for i in (3, 7, 12)])
    original = pd.DataFrame(np.random.default_rng(5).uniform(0, 640, (3, len(columns))), index=rows, columns=columns)
    expected = _labels(original, tmp_path / "original/labeled-data/video1" / f"CollectedData_alice{suffix}")
    swapped = original.swaplevel("individuals", "bodyparts", axis=1)
    assert _labels(swapped, tmp_path / "swapped/labeled-data/video1" / f"CollectedData_alice{suffix}") == expected
    assert {individual for _, individual, _ in expected} == {"mouse1", "mouse2"}


def _collected_data() -> pd.DataFrame:
    columns = pd.MultiIndex.from_product(
        [["alice"], ["snout", "tail"], ["x", "y"]], names=["scorer", "bodyparts", "coords"]
    )
    rows = [f"labeled-data/video1/img{i:03d}.png" for i in (3, 7, 12)]
    return pd.DataFrame(np.random.default_rng(7).uniform(0, 640, (3, len(columns))), index=rows, columns=columns)


def test_labels_saved_without_their_image_column_are_refused_as_such(tmp_path):
    from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels

    # to_csv(index=False) drops the images and the level names: the table was read (and converted) as the
    # predictions of a 3-frame video.
    path = tmp_path / "labeled-data" / "video1" / "CollectedData_alice.csv"
    path.parent.mkdir(parents=True)
    _collected_data().to_csv(path, index=False)
    assert detect_format(path).name == "DeepLabCut labels"
    said = r"CollectedData_alice.csv: human labels whose rows no longer name their images.*to_csv\(index=False\)"
    for read in (read_deeplabcut_labels, read_deeplabcut):
        with pytest.raises(InvalidSourceFileError, match=said) as err:
            read(path, find_side_files=False)
        assert "CollectedData_<scorer> both as .h5 and as .csv" in str(err.value)
        assert "--source dlc " not in str(err.value)


def test_labels_whose_index_was_reset_say_their_image_paths_were_lost(tmp_path):
    from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels

    # Was 'rows are labeled by int64 values such as np.int64(0) ... this is a predictions file', where the
    # predictions reader sends the user back to the labels reader.
    path = tmp_path / "labeled-data" / "video1" / "CollectedData_alice.h5"
    path.parent.mkdir(parents=True)
    _collected_data().reset_index(drop=True).to_hdf(path, key="df_with_missing", mode="w")
    with pytest.raises(InvalidSourceFileError, match="no longer name their images.*numbers its rows 0 to 2") as err:
        read_deeplabcut_labels(path, find_side_files=False)
    assert "np." not in str(err.value) and "predictions file" not in str(err.value)


@pytest.mark.parametrize("suffix", [".csv", ".h5"])
def test_a_table_read_without_index_col_and_saved_again_says_so_and_how_to_mend_it(tmp_path, suffix):
    # pd.read_csv(path, header=[0, 1, 2]) without index_col=0: the frame numbers become a column headed
    # ('scorer', 'bodyparts', 'coords') behind a new row index; refused naming neither cause nor fix.
    original = _save(_multi_animal().xs("rat 1", axis=1, level="individuals"), tmp_path / f"a{SCORER}.csv")
    slipped = pd.read_csv(original, header=[0, 1, 2])
    path = _save(slipped, tmp_path / f"b{SCORER}{suffix}")
    with pytest.raises(
        InvalidSourceFileError, match="column headed \\['scorer', 'bodyparts', 'coords'\\].*without index_col=0"
    ):
        read_deeplabcut(path, find_side_files=False)
    # The mending the message gives reads as the original.
    frame = pd.read_csv(path, header=[0, 1, 2], index_col=0) if suffix == ".csv" else pd.read_hdf(path)
    frame = frame.set_index(frame.columns[0]).rename_axis(None)
    frame.columns.names = ["scorer", "bodyparts", "coords"]
    mended = _save(frame, tmp_path / f"c{SCORER}{suffix}")
    expected = read_deeplabcut(original, find_side_files=False).tracks[0].positions[:]
    np.testing.assert_array_equal(read_deeplabcut(mended, find_side_files=False).tracks[0].positions[:], expected)
    if suffix == ".csv":
        # Or, in a CSV, the first column deleted.
        cut = tmp_path / f"d{SCORER}.csv"
        cut.write_text("".join(line.partition(",")[2] for line in path.read_text().splitlines(keepends=True)))
        np.testing.assert_array_equal(read_deeplabcut(cut, find_side_files=False).tracks[0].positions[:], expected)
