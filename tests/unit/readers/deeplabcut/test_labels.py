"""DeepLabCut labeled data (CollectedData) -> TrainingData, checked value by value against pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.labels import (
    find_project_folder,
    frame_index_from_image,
    is_deeplabcut_labels_file,
    read_deeplabcut_labels,
    read_deeplabcut_labels_table,
)
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.training import (
    COLLECTED_DATA_FILES,
    GOLDEN_MOUSE_PROJECT,
    MACHINE_LABELS,
    MONTBLANC_PROJECT,
    MULTI_MOUSE_PROJECT,
    REACHING_PROJECT,
    TEST_ALEX_PROJECT,
    TRIMOUSE_CALIB,
)


def pandas_table(path):
    """The table as pandas reads it with DeepLabCut's own calls."""
    if path.suffix == ".h5":
        return pd.read_hdf(path)
    lines = path.read_text().splitlines()
    n_header = 4 if lines[1].startswith("individuals") else 3
    n_index = 3 if lines[0].startswith("scorer,,,") else 1
    return pd.read_csv(path, header=list(range(n_header)), index_col=list(range(n_index)))


@pytest.mark.parametrize("path", COLLECTED_DATA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_label_of_every_real_file(path):
    table = pandas_table(path)
    training = read_deeplabcut_labels(path)
    multi = table.columns.nlevels == 4
    scorer = table.columns.get_level_values(0)[0]

    assert len(training.frames) == len(table)
    individuals = list(dict.fromkeys(table.columns.get_level_values(1))) if multi else [None]
    # (rows, bodyparts, 2) per individual, straight from pandas.
    expected = {}
    for individual in individuals:
        sub = table[scorer][individual] if multi else table[scorer]
        bodyparts = list(dict.fromkeys(sub.columns.get_level_values(0)))
        values = np.stack([sub[[(bp, "x"), (bp, "y")]].to_numpy(dtype="float64") for bp in bodyparts], axis=1)
        expected[individual] = (bodyparts, values)
    for row, (label, frame) in enumerate(zip(table.index, training.frames, strict=True)):
        expected_image = "/".join(label) if isinstance(label, tuple) else label
        assert frame.image == expected_image
        assert frame.annotator == scorer
        assert frame.video == expected_image.replace("\\", "/").split("/")[-2]
        by_individual = {instance.individual: instance for instance in frame.instances}
        assert len(by_individual) == len(frame.instances)
        for individual, (bodyparts, values) in expected.items():
            points = values[row]
            if np.isnan(points).all():
                # An animal with no labeled node in this frame is not an instance.
                assert individual not in by_individual
                continue
            instance = by_individual[individual]
            assert training.skeletons[instance.skeleton].nodes == tuple(bodyparts)
            np.testing.assert_array_equal(instance.points, points)
            np.testing.assert_array_equal(instance.visible, ~np.isnan(points).any(axis=1))


def test_frame_index_from_image_names():
    assert frame_index_from_image("labeled-data/m4s1/img0123.png") == 123
    assert frame_index_from_image("labeled-data\\reachingvideo1short\\img04.png") == 4
    assert frame_index_from_image("img1029.jpg") == 1029
    # DeepLabCut's calibration fixture names images img00c00.png: no frame index, never a guess.
    assert frame_index_from_image("labeled-data/v/img00c01.png") is None
    assert frame_index_from_image("frame12.png") is None


def test_single_animal_windows_paths_and_video_found_in_project():
    training = read_deeplabcut_labels(TEST_ALEX_PROJECT)
    assert training.source_software == "DeepLabCut"
    assert training.individuals == []
    assert [f.frame_index for f in training.frames] == [4, 1, 8, 9, 6]
    assert all(i.individual is None for f in training.frames for i in f.instances)
    skeleton = training.skeletons["Skeleton"]
    assert skeleton.nodes == ("bodypart1", "bodypart2", "bodypart3", "objectA")
    assert skeleton.edges == ((0, 1), (0, 2))
    video = training.videos["reachingvideo1short"]
    # The config records the labeling machine's path; the local copy is the project's videos/ file.
    assert video.original_path.startswith("C:\\Users\\")
    assert video.path == (TEST_ALEX_PROJECT / "videos/reachingvideo1short.avi").resolve()
    (layout,) = training.label_files.values()
    assert layout.name == "labeled-data/reachingvideo1short/CollectedData_Alex.h5"
    assert (layout.row_labels, layout.value_dtype) == ("column", "float64")


def test_multi_animal_project_with_unique_bodyparts_and_two_videos():
    training = read_deeplabcut_labels(MULTI_MOUSE_PROJECT)
    assert training.individuals == ["individual1", "individual2", "individual3", "single"]
    assert training.skeletons["Skeleton"].nodes == ("bodypart1", "bodypart2", "bodypart3")
    assert training.skeletons["Skeleton"].edges == ((0, 1), (1, 2), (0, 2))
    assert training.skeletons["SkeletonUniqueBodyparts"].nodes == ("corner1", "corner2")
    assert training.video_keys() == ["m3v1mp4", "m3v1mp4short"]
    singles = [i for f in training.frames for i in f.instances if i.individual == "single"]
    assert singles and all(i.skeleton == "SkeletonUniqueBodyparts" for i in singles)
    layouts = {name: (lf.row_labels, lf.value_dtype) for name, lf in training.label_files.items()}
    assert layouts == {
        "labeled-data/m3v1mp4/CollectedData_dlc_team.h5": ("column", "int64"),
        "labeled-data/m3v1mp4short/CollectedData_dlc_team.h5": ("multiindex", "float64"),
    }
    assert training.videos["m3v1mp4"].path is None
    assert training.videos["m3v1mp4"].original_path.endswith("/videos/m3v1mp4.mp4")
    assert training.videos["m3v1mp4short"].path == (MULTI_MOUSE_PROJECT / "videos/m3v1mp4short.mp4").resolve()


def test_project_subfolders_and_files_read_the_same_labels():
    whole = read_deeplabcut_labels(GOLDEN_MOUSE_PROJECT)
    folder = read_deeplabcut_labels(GOLDEN_MOUSE_PROJECT / "labeled-data/golden_mouse")
    csv = read_deeplabcut_labels(GOLDEN_MOUSE_PROJECT / "labeled-data/golden_mouse/CollectedData_shaokai.csv")
    assert [f.image for f in whole.frames] == [f.image for f in folder.frames] == [f.image for f in csv.frames]
    for a, b in zip(whole.frames, csv.frames, strict=True):
        for x, y in zip(a.instances, b.instances, strict=True):
            np.testing.assert_array_equal(x.points, y.points)
    assert find_project_folder(GOLDEN_MOUSE_PROJECT / "videos/anything.h5") == GOLDEN_MOUSE_PROJECT.resolve()


def test_all_nan_row_is_a_frame_without_instances():
    training = read_deeplabcut_labels(MONTBLANC_PROJECT)
    table = pd.read_hdf(MONTBLANC_PROJECT / "labeled-data/montblanc/CollectedData_Daniel.h5")
    empty_rows = np.flatnonzero(table.isna().all(axis=1).to_numpy())
    assert len(empty_rows) == 1
    assert training.frames[empty_rows[0]].instances == ()
    assert training.n_instances == 115


def test_file_spanning_two_videos_without_frame_indices():
    training = read_deeplabcut_labels(TRIMOUSE_CALIB)
    assert training.video_keys() == ["videocompressed06short_cropped", "videocompressed0_cropped"]
    assert all(frame.frame_index is None for frame in training.frames)
    (layout,) = training.label_files.values()
    assert layout.value_dtype == "float32"


def test_machine_labels_are_refused_naming_the_file():
    # Said as when read as predictions (which refuse them too): neither reading points to the other.
    with pytest.raises(InvalidSourceFileError, match="machinelabels-iter0.h5: rows are images such as") as err:
        read_deeplabcut_labels(MACHINE_LABELS)
    assert "neither poses over a video's frames nor human labels" in str(err.value)


def test_predictions_are_not_labels_and_labels_are_not_predictions():
    predictions = TEST_ALEX_PROJECT / "videos/reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.h5"
    with pytest.raises(InvalidSourceFileError, match="reachingvideo1shortDLC"):
        read_deeplabcut_labels(predictions)
    # The predictions reader keeps rejecting labeled data with its own clear error.
    with pytest.raises(InvalidSourceFileError, match="labeled/training data"):
        read_deeplabcut(TEST_ALEX_PROJECT / "labeled-data/reachingvideo1short/CollectedData_Alex.h5")


def test_folder_without_labels(tmp_path):
    (tmp_path / "labeled-data" / "video1").mkdir(parents=True)
    with pytest.raises(InvalidSourceFileError, match="no labeled-data/<video>/CollectedData"):
        read_deeplabcut_labels(tmp_path)
    with pytest.raises(InvalidSourceFileError, match="not found"):
        read_deeplabcut_labels(tmp_path / "missing")


def test_config_that_does_not_match_names_the_config(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("bodyparts: [nose, tail]\nskeleton: [[nose, tail]]\n")
    with pytest.raises(InvalidSourceFileError, match="config.yaml: bodyparts"):
        read_deeplabcut_labels(REACHING_PROJECT, config_file_path=config)


def test_malformed_csv_names_the_file(tmp_path):
    bad = tmp_path / "CollectedData_me.csv"
    bad.write_text("frame,x,y\n0,1,2\n")
    with pytest.raises(InvalidSourceFileError, match="CollectedData_me.csv: not a DeepLabCut labels CSV"):
        read_deeplabcut_labels_table(bad)


def test_several_label_files_without_the_project_scorer(tmp_path):
    folder = tmp_path / "labeled-data" / "video1"
    folder.mkdir(parents=True)
    source = REACHING_PROJECT / "labeled-data/reachingvideo1/CollectedData_Mackenzie.csv"
    for name in ("CollectedData_a.csv", "CollectedData_b.csv"):
        (folder / name).write_bytes(source.read_bytes())
    with pytest.raises(InvalidSourceFileError, match="several label files"):
        read_deeplabcut_labels(folder)


@pytest.mark.parametrize("levels", [1, 4])
def test_rows_split_into_other_than_three_levels_are_image_paths(tmp_path, levels):
    # DeepLabCut's guarantee_multiindex_rows splits an image path at its slashes: 4 levels for an image in a
    # subfolder, 1 for a bare name. Both were refused ("DeepLabCut uses 1 (image path) or 3"), the 1-level one
    # contradicting itself.
    source = pd.read_hdf(REACHING_PROJECT / "labeled-data/reachingvideo1/CollectedData_Mackenzie.h5")
    table = source.copy()
    parts = [str(path).replace("\\", "/").split("/") for path in source.index]
    rows = [(p[0], p[1], "cam1", p[2]) for p in parts] if levels == 4 else [(p[-1],) for p in parts]
    table.index = pd.MultiIndex.from_tuples(rows)
    folder = tmp_path / "labeled-data" / "reachingvideo1"
    folder.mkdir(parents=True)
    table.to_hdf(folder / "CollectedData_Mackenzie.h5", key="df_with_missing")
    training = read_deeplabcut_labels(folder / "CollectedData_Mackenzie.h5")
    assert [frame.image for frame in training.frames] == ["/".join(row) for row in rows]
    assert {frame.video for frame in training.frames} == {"reachingvideo1"}
    first = training.frames[0].instances[0]
    expected = source.iloc[0].to_numpy().reshape(-1, 2)
    np.testing.assert_array_equal(np.asarray(first.points), expected)


def test_a_bodypart_added_part_way_through_a_project_is_read_as_deeplabcut_merges_it(tmp_path):
    # The files labeled before a bodypart was added lack its columns: "the label files of one project must
    # agree" refused the project, which DeepLabCut trains on (merge_annotateddatasets).
    import shutil

    from poseconv.errors import PoseconvWarning

    project = tmp_path / "project"
    shutil.copytree(REACHING_PROJECT, project)
    old = pd.read_hdf(project / "labeled-data/reachingvideo1/CollectedData_Mackenzie.h5")
    scorer = old.columns.get_level_values("scorer")[0]
    new = old.copy()
    new[(scorer, "newpart", "x")] = np.arange(len(new), dtype="float64")
    new[(scorer, "newpart", "y")] = np.arange(len(new), dtype="float64") + 0.5
    new.index = [str(label).replace("reachingvideo1", "reachingvideo2") for label in new.index]
    (project / "labeled-data/reachingvideo2").mkdir()
    new.to_hdf(project / "labeled-data/reachingvideo2/CollectedData_Mackenzie.h5", key="df_with_missing")
    config = (project / "config.yaml").read_text()
    (project / "config.yaml").write_text(config.replace("- Joystick2", "- Joystick2\n- newpart", 1))
    with pytest.warns(PoseconvWarning, match="its bodyparts differ from those of .*a bodypart added to the project"):
        training = read_deeplabcut_labels(project)
    nodes = list(training.skeletons[training.frames[0].instances[0].skeleton].nodes)
    assert nodes[-1] == "newpart" and len(nodes) == 6
    by_video = {}
    for frame in training.frames:
        by_video.setdefault(frame.video, []).append(frame)
    assert all(np.isnan(frame.instances[0].points[-1]).all() for frame in by_video["reachingvideo1"])
    labeled = [frame.instances[0].points[-1] for frame in by_video["reachingvideo2"]]
    np.testing.assert_array_equal(labeled, np.stack([np.arange(len(new)), np.arange(len(new)) + 0.5], axis=1))


def test_another_labelers_file_beside_the_project_scorers_is_said_to_be_left_out(tmp_path):
    # DeepLabCut's wiki has each labeler save CollectedData_<name>; DeepLabCut trains on the config's scorer and
    # says so. poseconv converted the scorer's file and left the other out without a word.
    import shutil

    from poseconv.errors import PoseconvWarning

    project = tmp_path / "project"
    shutil.copytree(REACHING_PROJECT, project)
    folder = project / "labeled-data/reachingvideo1"
    shutil.copy(folder / "CollectedData_Mackenzie.h5", folder / "CollectedData_bob.h5")
    with pytest.warns(PoseconvWarning, match=r"the labels of \['CollectedData_bob.h5'\] are not converted"):
        training = read_deeplabcut_labels(project)
    assert {f.label_file for f in training.frames} == {"labeled-data/reachingvideo1/CollectedData_Mackenzie.h5"}


@pytest.mark.parametrize("index_columns", [1, 3])
@pytest.mark.parametrize("rows_after", [1, 0], ids=["then-a-labeled-row", "alone"])
def test_an_unlabeled_first_image_is_kept(tmp_path, index_columns, rows_after):
    # pandas reads an empty first row after a multi-row header as the index's name and drops it
    # (pandas-dev/pandas#21995); the image was shown to the labeler and stays a frame without animals.
    lead = "," * (index_columns - 1)
    image = "labeled-data,v,img001.png" if index_columns == 3 else "labeled-data/v/img001.png"
    rows = [f"scorer{lead},Jane,Jane,Jane,Jane", f"bodyparts{lead},nose,nose,tail,tail", f"coords{lead},x,y,x,y"]
    rows += [f"{image},,,,", *[f"{image.replace('001', '002')},5,6,7,8"] * rows_after]
    path = tmp_path / "CollectedData_Jane.csv"
    path.write_text("\n".join(rows) + "\n")
    frames = read_deeplabcut_labels(path).frames
    assert [(frame.image, len(frame.instances)) for frame in frames] == [
        ("labeled-data/v/img001.png", 0),
        *[("labeled-data/v/img002.png", 1)] * rows_after,
    ]


def test_an_empty_first_frame_of_predictions_stays_frame_zero(tmp_path):
    path = tmp_path / "videoDLC_resnet50_testJan1shuffle1_100.csv"
    path.write_text("scorer,S,S,S\nbodyparts,nose,nose,nose\ncoords,x,y,likelihood\n0,,,\n1,1.5,2.5,0.9\n")
    (track,) = read_deeplabcut(path).tracks
    assert np.isnan(track.positions[0]).all()
    np.testing.assert_array_equal(track.positions[1, 0], [1.5, 2.5])


@needs_shared_data
def test_labels_sleap_io_writes_in_deeplabcuts_layout_are_read_as_labels(tmp_path):
    # sleap-io's save_csv(format="dlc") writes a likelihood column, empty for user instances. Before, it
    # was refused as "machine predictions" whether read as labels or as predictions.
    import sleap_io

    from tests.fixtures.sleap import SLP_CLIP_PROOFREAD

    labels = sleap_io.load_slp(str(SLP_CLIP_PROOFREAD))
    path = tmp_path / "CollectedData_sleap-io.csv"
    sleap_io.save_csv(labels, str(path), format="dlc")
    training = read_deeplabcut_labels(path)
    expected = {
        (frame.frame_idx, instance.track.name): instance.numpy()
        for frame in labels.labeled_frames
        for instance in frame.user_instances
    }
    read = {(f.frame_index, i.individual): i.points for f in training.frames for i in f.instances}
    assert read.keys() == expected.keys() and len(read) == 3000
    for key, points in expected.items():
        np.testing.assert_array_equal(read[key], points)
    # The scorer names sleap-io, the writer, not a labeler or the software the frames were labeled in.
    from poseconv.metadata.training import default_training_metadata

    assert training.source_software == "sleap-io"
    description = default_training_metadata(training)["Pose"]["PoseTraining"]["description"]
    assert "written in DeepLabCut's layout by sleap-io" in description and "Labeled by" not in description
    # A likelihood with values, in a file given as labels, is left out with a warning, as DeepLabCut does.
    table = pd.read_csv(path, header=[0, 1, 2, 3], index_col=0)
    table.loc[:, table.columns.get_level_values(-1) == "likelihood"] = 0.9
    table.to_csv(tmp_path / "scored.csv")
    with pytest.warns(PoseconvWarning, match="scored.csv: labels with a likelihood column"):
        assert len(read_deeplabcut_labels(tmp_path / "scored.csv").frames) == len(training.frames)


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_labels_napari_deeplabcut_saved_with_a_likelihood_are_read_as_deeplabcut_reads_them(tmp_path, suffix):
    # napari-deeplabcut 0.3.0.0 kept the likelihood of the machine labels a user refined when it saved them
    # into CollectedData_<scorer> (DeepLabCut issue #3319): NaN on the frames labeled by hand, values on the
    # refined ones. DeepLabCut drops the column (merge_annotateddatasets -> drop_likelihood_columns); the
    # file was refused as "a model's predictions", and a project holding it failed whole.
    columns = pd.MultiIndex.from_product(
        [["me"], ["snout", "tail"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    values = np.arange(30, dtype=float).reshape(5, 6)
    values[:3, 2::3] = np.nan
    values[3:, 2::3] = 0.9
    rows = pd.MultiIndex.from_tuples([("labeled-data", "m1", f"img{i:03d}.png") for i in (1, 5, 9, 120, 130)])
    table = pd.DataFrame(values, columns=columns, index=rows)
    folder = tmp_path / "labeled-data" / "m1"
    folder.mkdir(parents=True)
    path = _save_labels(table, folder / f"CollectedData_me{suffix}")
    assert is_deeplabcut_labels_file(path)
    with pytest.warns(PoseconvWarning, match="read as human labels without it, as DeepLabCut reads them"):
        training = read_deeplabcut_labels(path)
    dlc_view = table.loc[:, table.columns.get_level_values("coords") != "likelihood"]
    assert [frame.frame_index for frame in training.frames] == [1, 5, 9, 120, 130]
    for frame, expected in zip(training.frames, dlc_view.to_numpy(), strict=True):
        (instance,) = frame.instances
        np.testing.assert_array_equal(instance.points, expected.reshape(2, 2))
    # The refinement step's own predictions stay refused as labels, and read as predictions they are explained.
    machine = folder / "machinelabels-iter0.h5"
    table.to_hdf(machine, key="df_with_missing", mode="w")
    with pytest.raises(InvalidSourceFileError, match="machinelabels-iter0.h5: rows are images such as"):
        read_deeplabcut_labels(machine)
    with pytest.raises(InvalidSourceFileError, match="are read as labels, without it, by --source dlc-labels"):
        read_deeplabcut(machine)


def test_labels_with_an_empty_likelihood_read_as_predictions_are_called_labels(tmp_path):
    # The predictions reader opens a CSV block-wise; whether its likelihood holds values is read from those
    # blocks (before, such a table was taken as scored and called "a model's predictions on separate images").
    header = "scorer,sleap-io,sleap-io,sleap-io\nbodyparts,nose,nose,nose\ncoords,x,y,likelihood\n"
    (tmp_path / "labels.csv").write_text(header + "labeled-data/v/img0000.png,1.5,2.5,\n")
    with pytest.raises(InvalidSourceFileError, match="rows are labeled images such as .*Convert it as training data"):
        read_deeplabcut(tmp_path / "labels.csv")
    (tmp_path / "scored.csv").write_text(header + "labeled-data/v/img0000.png,1.5,2.5,0.9\n")
    with pytest.raises(InvalidSourceFileError, match="values have a likelihood: these are a model's predictions"):
        read_deeplabcut(tmp_path / "scored.csv")


@needs_shared_data
@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_the_merged_training_set_file_has_its_projects_skeleton_and_videos(tmp_path, suffix):
    # create_training_dataset -> merge_annotateddatasets (trainingsetmanipulation.py) concatenates every
    # video's labels into training-datasets/iteration-0/UnaugmentedDataSet_<Task><date>/CollectedData_<scorer>.h5
    # (and .csv), rows as a 3-level index. Before, its project (three folders up) was not looked for:
    # no skeleton edges, no video linked.
    import shutil

    project = tmp_path / MULTI_MOUSE_PROJECT.name
    shutil.copytree(MULTI_MOUSE_PROJECT, project)
    tables = []
    for folder in sorted((project / "labeled-data").iterdir()):
        table = pd.read_hdf(folder / "CollectedData_dlc_team.h5")
        if not isinstance(table.index, pd.MultiIndex):  # conversioncode.guarantee_multiindex_rows
            table.index = pd.MultiIndex.from_tuples([tuple(label.split("/")) for label in table.index])
        tables.append(table)
    merged = pd.concat(tables).sort_index()
    out = project / "training-datasets/iteration-0/UnaugmentedDataSet_multi_mouseApr12"
    out.mkdir(parents=True)
    path = _save_labels(merged, out / f"CollectedData_dlc_team{suffix}")

    training = read_deeplabcut_labels(path)
    whole = read_deeplabcut_labels(project)
    assert training.skeletons == whole.skeletons
    assert training.skeletons["Skeleton"].edges == ((0, 1), (1, 2), (0, 2))
    assert training.videos == whole.videos
    assert training.videos["m3v1mp4short"].path == (project / "videos/m3v1mp4short.mp4").resolve()
    by_image = {f.image: (f.video, f.frame_index) for f in whole.frames}
    assert {f.image: (f.video, f.frame_index) for f in training.frames} == by_image
    assert list(training.label_files) == [path.relative_to(project).as_posix()]


def _save_labels(table, path):
    """Save a labels table as DeepLabCut does, in the format of ``path``'s suffix (.h5 or .csv); return ``path``."""
    if path.suffix == ".h5":
        table.to_hdf(path, key="df_with_missing", mode="w")
    else:
        table.to_csv(path)
    return path


@pytest.mark.parametrize("individuals", [None, [1, 2]])
def test_labels_whose_bodyparts_and_animals_are_numbers_keep_their_points(tmp_path, individuals):
    # The header's names are read as text; the table's columns keep the numbers: every point was looked up by
    # text and read as missing (2 frames with 0 labeled instances).
    levels = [["me"], *([individuals] if individuals else []), [1, 2, 3], ["x", "y"]]
    names = ["scorer", *(["individuals"] if individuals else []), "bodyparts", "coords"]
    columns = pd.MultiIndex.from_product(levels, names=names)
    values = np.arange(2 * len(columns), dtype="float64").reshape(2, -1)
    index = pd.MultiIndex.from_tuples([("labeled-data", "v", f"img00{i}.png") for i in range(2)])
    (tmp_path / "v").mkdir()
    path = tmp_path / "v" / "CollectedData_me.h5"
    pd.DataFrame(values, columns=columns, index=index).to_hdf(path, key="keypoints")
    labels = read_deeplabcut_labels(path, find_side_files=False)
    for row, frame in enumerate(labels.frames):
        points = np.concatenate([instance.points.reshape(-1) for instance in frame.instances])
        np.testing.assert_array_equal(points, values[row])
        assert [instance.individual for instance in frame.instances] == (
            [str(i) for i in individuals] if individuals else [None]
        )


@needs_shared_data
def test_individuals_are_in_the_projects_order_whatever_the_first_files_columns(tmp_path):
    # They were in the order of the first file's columns: an id (the position in the list) depended on which
    # file came first and how its columns were saved, where docs/training.md promises the project's list.
    import shutil

    project = tmp_path / MULTI_MOUSE_PROJECT.name
    shutil.copytree(MULTI_MOUSE_PROJECT, project, ignore=shutil.ignore_patterns("*.pickle", "*DLC_*", "videos"))
    first = project / "labeled-data/m3v1mp4/CollectedData_dlc_team.h5"
    table = pd.read_hdf(first)
    order = ["single", "individual2", "individual3", "individual1"]
    _save_labels(table[[column for name in order for column in table.columns if column[1] == name]], first)
    first.with_suffix(".csv").unlink()
    training = read_deeplabcut_labels(project)
    assert training.individuals == ["individual1", "individual2", "individual3", "single"]
    frame = next(f for f in training.frames if len(f.instances) == 4)
    assert [i.individual for i in frame.instances] == order  # each frame keeps its file's order
