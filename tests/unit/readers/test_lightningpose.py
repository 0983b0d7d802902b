"""LightningPose reader: every value of the real files, ensemble columns, labels, detection and clear errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from poseconv.catalog import detect_format
from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.readers import infer_source_software, read_pose
from poseconv.readers.deeplabcut import is_deeplabcut_file
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels_table
from poseconv.readers.lightningpose import (
    UNKNOWN_VIDEO,
    is_lightning_pose_file,
    read_lightning_pose,
    read_lightning_pose_labels,
)
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_CSV
from tests.fixtures.lightningpose import (
    AIND_DLC_CSV,
    AIND_LP_CSV,
    EKS_EXTRA_COORDS,
    LP_COLLECTED_DATA,
    LP_CONFIG,
    LP_CSV,
    LP_VIDEO,
    VISIBLE_LABELS_ROWS,
    read_lp_csv,
    write_eks_csv,
    write_visible_labels,
)


def assert_matches_source(pose, path):
    """x, y and likelihood of every keypoint and frame equal pandas' reading of the CSV, bit for bit."""
    table = read_lp_csv(path)
    (track,) = pose.tracks
    scorer = table.columns.get_level_values(0)[0]
    keypoints = list(dict.fromkeys(table.columns.get_level_values(1)))
    assert pose.skeletons[track.skeleton].nodes == tuple(keypoints)
    assert pose.scorer == scorer
    positions, confidence = np.asarray(track.positions), np.asarray(track.confidence)
    assert positions.shape == (len(table), len(keypoints), 2)
    for j, keypoint in enumerate(keypoints):
        for d, axis in enumerate("xy"):
            np.testing.assert_array_equal(positions[:, j, d], table[(scorer, keypoint, axis)].to_numpy())
        np.testing.assert_array_equal(confidence[:, j], table[(scorer, keypoint, "likelihood")].to_numpy())


@pytest.mark.parametrize("path", [LP_CSV, AIND_LP_CSV], ids=["neuroconv-test_vid", "aind-LP"])
def test_real_predictions_every_value(path):
    pose = read_lightning_pose(path)
    assert pose.source_software == "LightningPose"
    assert pose.scorer == "heatmap_tracker"
    assert pose.tracks[0].extra_coords == ()
    assert "likelihood" in pose.tracks[0].confidence_definition.lower()
    # LightningPose records no frame rate: the times come from the video or the user.
    assert pose.timing == {}
    assert_matches_source(pose, path)


def test_video_found_next_to_the_predictions():
    pose = read_lightning_pose(LP_CSV)
    assert pose.videos["test_vid"].path == LP_VIDEO.resolve()
    assert read_lightning_pose(LP_CSV, find_side_files=False).videos["test_vid"].path is None
    assert read_lightning_pose(AIND_LP_CSV).videos["LP.predictions"].path is None


def test_each_csv_is_claimed_by_exactly_one_reader(tmp_path):
    assert infer_source_software(LP_CSV) == "LightningPose"
    assert infer_source_software(AIND_LP_CSV) == "LightningPose"
    assert infer_source_software(write_eks_csv(tmp_path / "eks.csv")) == "LightningPose"
    for dlc in (AIND_DLC_CSV, SINGLE_ANIMAL_CSV):
        assert infer_source_software(dlc) == "DeepLabCut"
        assert not is_lightning_pose_file(dlc)
    # Both sniffers see DeepLabCut's header; the catalog gives the file to LightningPose, which refines it.
    assert is_deeplabcut_file(LP_CSV) and detect_format(LP_CSV).name == "LightningPose"
    # Labels are never detected as predictions of either tool.
    assert not is_lightning_pose_file(LP_COLLECTED_DATA)
    assert read_pose(AIND_LP_CSV, source_software="lp").source_software == "LightningPose"
    assert read_pose(AIND_LP_CSV, source_software="lightning-pose").scorer == "heatmap_tracker"


@pytest.mark.parametrize("scorer", ["heatmap_mhcrnn_tracker", "regression_tracker", "heatmap_multiview_tracker"])
def test_every_lightning_pose_model_type_is_detected(tmp_path, scorer):
    table = read_lp_csv(AIND_LP_CSV).iloc[:5]
    table.columns = table.columns.set_levels([scorer], level=0)
    path = tmp_path / "preds.csv"
    table.to_csv(path)
    assert infer_source_software(path) == "LightningPose"
    assert read_lightning_pose(path).scorer == scorer


def test_a_header_without_level_names_is_still_lightning_pose(tmp_path):
    # pandas writes blank first cells for a table whose column levels have no names.
    table = read_lp_csv(AIND_LP_CSV).iloc[:50]
    table.columns = table.columns.set_names([None, None, None])
    path = tmp_path / "preds.csv"
    table.to_csv(path)
    assert detect_format(path).name == "LightningPose"
    with pytest.warns(PoseconvWarning, match="read by position"):
        pose = read_pose(path, source_software="lp")
    assert pose.source_software == "LightningPose" and pose.scorer == "heatmap_tracker"
    named = tmp_path / "named.csv"
    read_lp_csv(AIND_LP_CSV).iloc[:50].to_csv(named)
    assert_matches_source(pose, named)


def test_predictions_re_saved_by_pandas_are_still_lightning_pose(tmp_path):
    # pd.read_csv(path).to_csv(..., index=False) numbers the repeated scorer names (heatmap_tracker.1, ...);
    # before, the file was taken for DeepLabCut's, and --source lp was refused.
    named = tmp_path / "named.csv"
    read_lp_csv(AIND_LP_CSV).iloc[:50].to_csv(named)
    path = tmp_path / "resaved.csv"
    pd.read_csv(named).to_csv(path, index=False)
    assert path.read_text().splitlines()[0].split(",")[2].endswith(".1")
    assert detect_format(path).name == "LightningPose"
    with pytest.warns(PoseconvWarning, match="re-saved by pandas"):
        pose = read_pose(path, source_software="lp")
    assert pose.source_software == "LightningPose" and pose.scorer == "heatmap_tracker"
    assert_matches_source(pose, named)


def test_ensemble_columns_are_kept_by_group(tmp_path):
    path = write_eks_csv(tmp_path / "eks.csv")
    pose = read_pose(path)
    (track,) = pose.tracks
    assert pose.scorer == "ensemble-kalman_tracker"
    assert [(e.name, e.columns, e.unit) for e in track.extra_coords] == [
        ("ens_median", ("x_ens_median", "y_ens_median"), "pixels"),
        ("ens_var", ("x_ens_var", "y_ens_var"), "pixels^2"),
        ("posterior_var", ("x_posterior_var", "y_posterior_var"), "pixels^2"),
    ]
    table = read_lp_csv(path)
    keypoints = pose.skeletons[track.skeleton].nodes
    for extra in track.extra_coords:
        values = np.asarray(extra.values)
        assert values.shape == (994, 17, 2)
        for j, keypoint in enumerate(keypoints):
            for c, column in enumerate(extra.columns):
                np.testing.assert_array_equal(values[:, j, c], table[("ensemble-kalman_tracker", keypoint, column)])
    assert np.isnan(np.asarray(track.extra_coords[0].values)[::50, 0]).all()
    assert_matches_source(pose, path)


def test_columns_of_eks_before_2025_are_described_as_eks_wrote_them(tmp_path):
    # EKS's multi-camera smoother of 2024 wrote x, y, likelihood, x_var, y_var, zscore, nll, ensemble_std;
    # they were kept with "n.a." units and a description that named only the columns.
    extra = ("x_var", "y_var", "zscore", "nll", "ensemble_std")
    pose = read_lightning_pose(write_eks_csv(tmp_path / "eks_v1.csv", extra_coords=extra))
    extras = {e.name: e for e in pose.tracks[0].extra_coords}
    assert [(name, e.columns, e.unit) for name, e in extras.items()] == [
        ("var", ("x_var", "y_var"), "pixels^2"),
        ("zscore", ("zscore",), "n.a."),
        ("nll", ("nll",), "n.a."),
        ("ensemble_std", ("ensemble_std",), "pixels"),
    ]
    assert extras["var"].description.startswith("Posterior variance of the x and y estimates of the Ensemble Kalman")
    assert "z-score" in extras["zscore"].description


def test_unknown_extra_columns_are_kept_not_dropped(tmp_path):
    path = write_eks_csv(tmp_path / "other.csv", extra_coords=("x_smoothed", "y_smoothed", "quality"))
    pose = read_lightning_pose(path)
    extras = {e.name: e for e in pose.tracks[0].extra_coords}
    assert list(extras) == ["smoothed", "quality"]
    assert extras["smoothed"].columns == ("x_smoothed", "y_smoothed")
    assert extras["quality"].columns == ("quality",) and extras["quality"].unit == "n.a."
    table = read_lp_csv(path)
    np.testing.assert_array_equal(
        np.asarray(extras["quality"].values)[:, 3, 0], table[("ensemble-kalman_tracker", "paw4RH_top", "quality")]
    )


def test_config_keypoints_are_checked(tmp_path):
    pose = read_lightning_pose(LP_CSV, config_file_path=LP_CONFIG)
    assert pose.notes["model_type"] == "heatmap" and pose.notes["model_name"] == "my_base_toy_model"
    with pytest.raises(InvalidSourceFileError, match=r"config_mirror-mouse-example.yaml: keypoint_names .* differ"):
        read_lightning_pose(AIND_LP_CSV, config_file_path=LP_CONFIG)


def test_bad_input_names_the_file(tmp_path):
    with pytest.raises(InvalidSourceFileError, match="missing.csv: file not found"):
        read_lightning_pose(tmp_path / "missing.csv")
    with pytest.raises(InvalidSourceFileError, match="missing.csv: file not found"):
        infer_source_software(tmp_path / "missing.csv")

    lines = LP_CSV.read_text().splitlines()
    # A non-numeric cell in frame 2.
    bad = tmp_path / "not_numbers.csv"
    bad.write_text("\n".join([*lines[:5], lines[5].replace(lines[5].split(",")[4], "oops", 1), *lines[6:9]]))
    with pytest.raises(
        InvalidSourceFileError, match="not_numbers.csv: holds values that are not numbers.*LightningPose"
    ):
        read_lightning_pose(bad)
    # A header with the coords row missing.
    wrong = tmp_path / "wrong_header.csv"
    wrong.write_text("\n".join([lines[0], lines[1], *lines[3:6]]))
    with pytest.raises(InvalidSourceFileError, match="wrong_header.csv: not a LightningPose predictions CSV"):
        read_lightning_pose(wrong)
    # A LightningPose metrics file (one header row of keypoint names).
    metrics = tmp_path / "test_vid_temporal_norm.csv"
    pd.DataFrame(np.ones((3, 2)), columns=["nose_top", "obs_top"]).to_csv(metrics)
    with pytest.raises(InvalidSourceFileError, match="test_vid_temporal_norm.csv: has one header row"):
        read_lightning_pose(metrics)
    # Coordinates without y.
    no_y = tmp_path / "no_y.csv"
    table = read_lp_csv(AIND_LP_CSV).iloc[:3]
    table.drop(columns="y", level=2).to_csv(no_y)
    with pytest.raises(InvalidSourceFileError, match="no_y.csv: coordinate columns are"):
        read_lightning_pose(no_y)
    # Frame numbers no recording has (3 rows reaching frame 2**40), refused as DeepLabCut's are.
    sparse = tmp_path / "sparse.csv"
    table.set_axis([0, 5, 2**40]).to_csv(sparse)
    with pytest.raises(InvalidSourceFileError, match="sparse.csv: frame numbers reach frame 1,099,511,627,776"):
        read_lightning_pose(sparse)


def test_labels_every_value_and_no_invented_frame_index():
    training = read_lightning_pose_labels(LP_COLLECTED_DATA, config_file_path=LP_CONFIG)
    table, _ = read_deeplabcut_labels_table(LP_COLLECTED_DATA)
    assert training.source_software == "LightningPose"
    assert training.annotators == ["rick"]
    assert len(training.frames) == len(table) == 90
    # labeled-data/imgNN.png names no video: the frames belong to no known video and have no index.
    assert list(training.videos) == [UNKNOWN_VIDEO]
    assert training.videos[UNKNOWN_VIDEO].path is None
    keypoints = training.skeletons["Skeleton"].nodes
    for row, frame in enumerate(training.frames):
        assert frame.image == table.index[row]
        assert frame.frame_index is None and frame.video == UNKNOWN_VIDEO
        (instance,) = frame.instances
        expected = table.iloc[row].to_numpy().reshape(len(keypoints), 2)
        np.testing.assert_array_equal(instance.points, expected)
        np.testing.assert_array_equal(instance.visible, ~np.isnan(expected).any(axis=1))


def test_labels_with_video_folders_get_video_and_frame(tmp_path):
    table, _ = read_deeplabcut_labels_table(LP_COLLECTED_DATA)
    table = table.iloc[:4].copy()
    table.index = [f"labeled-data/session_{k % 2}/img{100 * k:08d}.png" for k in range(4)]
    path = tmp_path / "CollectedData.csv"
    table.to_csv(path)
    training = read_lightning_pose_labels(path)
    assert [(f.video, f.frame_index) for f in training.frames] == [
        ("session_0", 0),
        ("session_1", 100),
        ("session_0", 200),
        ("session_1", 300),
    ]


def test_labels_errors_name_the_file(tmp_path):
    with pytest.raises(InvalidSourceFileError, match="nope.csv: file not found"):
        read_lightning_pose_labels(tmp_path / "nope.csv")
    with pytest.raises(InvalidSourceFileError, match="test_vid.csv: has likelihood columns"):
        read_lightning_pose_labels(LP_CSV)
    with pytest.raises(InvalidSourceFileError, match="keypoint_names"):
        read_lightning_pose_labels(LP_COLLECTED_DATA, config_file_path=write_config(tmp_path, ["a", "b"]))


def write_config(tmp_path, keypoints):
    import yaml

    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"data": {"keypoint_names": keypoints}, "model": {"model_type": "heatmap"}}))
    return path


def test_hydra_config_found_in_the_model_folder(tmp_path):
    model_dir = tmp_path / "outputs/2024-01-01/12-00-00"
    (model_dir / ".hydra").mkdir(parents=True)
    (model_dir / "video_preds").mkdir()
    keypoints = list(dict.fromkeys(read_lp_csv(AIND_LP_CSV).columns.get_level_values(1)))
    (model_dir / ".hydra/config.yaml").write_text(write_config(tmp_path, keypoints).read_text())
    predictions = model_dir / "video_preds/LP.predictions.csv"
    predictions.write_bytes(AIND_LP_CSV.read_bytes())
    assert read_lightning_pose(predictions).notes["config_file"] == str((model_dir / ".hydra/config.yaml").resolve())
    (model_dir / ".hydra/config.yaml").write_text(write_config(tmp_path, keypoints[::-1]).read_text())
    # A config found by its place that does not fit is another model's: left out, with a warning (a
    # config given that does not fit is an error, test_config_keypoints_are_checked).
    with pytest.warns(
        PoseconvWarning, match=r"differ from the keypoints of LP.predictions.csv .*; the config is not used"
    ):
        assert read_lightning_pose(predictions).notes["config_file"] is None
    assert read_lightning_pose(predictions, find_side_files=False).notes["config_file"] is None
    # Found by a caller (the multi-view reader, which says it once for the session): left out, unsaid here.
    config = model_dir / ".hydra/config.yaml"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_lightning_pose(predictions, config_file_path=config, config_found=True).notes["config_file"] is None
    with pytest.raises(InvalidSourceFileError, match="Pass the config of the model that wrote this file"):
        read_lightning_pose(predictions, config_file_path=config)


def test_a_litpose_train_model_folder_gives_its_config_and_labels(tmp_path):
    # `litpose train` writes <model dir>/config.yaml (no .hydra) and a copy of the labels CSV there;
    # the config's data_dir is the training machine's.
    import yaml

    from poseconv.interfaces import LightningPosePoseInterface

    model_dir = tmp_path / "models/m1"
    (model_dir / "video_preds").mkdir(parents=True)
    predictions = model_dir / "video_preds/test_vid.csv"
    predictions.write_bytes(LP_CSV.read_bytes())
    keypoints = list(dict.fromkeys(read_lp_csv(LP_CSV).columns.get_level_values(1)))
    data = {"data_dir": "/cluster/lab/data", "csv_file": "CollectedData.csv", "keypoint_names": keypoints}
    (model_dir / "config.yaml").write_text(yaml.safe_dump({"data": data, "model": {"model_type": "heatmap"}}))
    columns = pd.MultiIndex.from_product([["rick"], keypoints, ["x", "y"]], names=["scorer", "bodyparts", "coords"])
    pd.DataFrame([np.arange(len(columns), dtype=float)], index=["labeled-data/v/img001.png"], columns=columns).to_csv(
        model_dir / "CollectedData.csv"
    )
    pose = read_lightning_pose(predictions)
    assert pose.notes["config_file"] == str((model_dir / "config.yaml").resolve())
    interface = LightningPosePoseInterface(file_path=predictions, sampling_frequency=30.0, include_training_data=True)
    assert [frame.image for frame in interface.training_data.frames] == ["labeled-data/v/img001.png"]
    # A DeepLabCut project's config.yaml one folder up is not a Lightning Pose config.
    dlc = tmp_path / "project"
    (dlc / "videos").mkdir(parents=True)
    (dlc / "config.yaml").write_text("Task: reaching\nbodyparts: [a, b]\n")
    (dlc / "videos/test_vid.csv").write_bytes(LP_CSV.read_bytes())
    assert read_lightning_pose(dlc / "videos/test_vid.csv").notes["config_file"] is None


def test_extra_columns_must_be_the_same_for_every_keypoint(tmp_path):
    path = write_eks_csv(tmp_path / "eks.csv")
    table = read_lp_csv(path)
    table = table.drop(columns=[("ensemble-kalman_tracker", "nose_top", "x_ens_var")])
    table.to_csv(path)
    with pytest.raises(InvalidSourceFileError, match="eks.csv: bodyparts have different coordinate columns"):
        read_lightning_pose(path)


def test_model_exports(tmp_path):
    import poseconv

    # The exported reader checks that the file is Lightning Pose's, then calls this module's.
    assert poseconv.read_lightning_pose.__wrapped__ is read_lightning_pose
    assert set(EKS_EXTRA_COORDS) <= {
        c for e in read_lightning_pose(write_eks_csv(tmp_path / "e.csv")).tracks[0].extra_coords for c in e.columns
    }


@pytest.mark.parametrize(
    "scorer_cell", ["", "Unnamed: {i}_level_0", "scorer"], ids=["blank", "pandas-placeholder", "lp-app-placeholder"]
)
@pytest.mark.parametrize("index_columns", [1, 3])
def test_labels_without_a_labeler_name(tmp_path, scorer_cell, index_columns):
    # Labels made by script leave the scorer row blank; pandas writes such a row back as
    # "Unnamed: <i>_level_0" cells (Lightning Pose's own test labels). lightning-pose-app's init_label_file
    # (routes/extract_frames.py) writes the word "scorer" in it. Lightning Pose ignores it.
    lead = "," * (index_columns - 1)
    scorers = ",".join(scorer_cell.format(i=i) for i in range(index_columns, index_columns + 4))
    rows = [f"scorer{lead},{scorers}", f"bodyparts{lead},nose,nose,tail,tail", f"coords{lead},x,y,x,y"]
    images = (
        ["labeled-data,v,img001.png", "labeled-data,v,img002.png"]
        if index_columns == 3
        else ["a/img1.png", "a/img2.png"]
    )
    rows += [f"{images[0]},1.5,2,3,4", f"{images[1]},5,6,,"]
    path = tmp_path / "CollectedData.csv"
    path.write_text("\n".join(rows) + "\n")
    training = read_lightning_pose_labels(path)
    assert training.annotators == []
    assert [frame.annotator for frame in training.frames] == ["", ""]
    np.testing.assert_array_equal(training.frames[0].instances[0].points, [[1.5, 2], [3, 4]])
    np.testing.assert_array_equal(training.frames[1].instances[0].visible, [True, False])


def test_labels_with_visible_flags(tmp_path):
    # An empty flag cell too (-1).
    path = write_visible_labels(tmp_path / "CollectedData.csv", "labeled-data/v/img004.png,,,0,,,")
    training = read_lightning_pose_labels(path)
    first, second, third, fourth = training.frames
    np.testing.assert_array_equal(first.instances[0].visibility_flags, [2, 1])
    np.testing.assert_array_equal(first.instances[0].visible, [True, False])
    np.testing.assert_array_equal(first.instances[0].points, [[1.5, 2], [np.nan, np.nan]])
    # A flag 0 keeps the coordinates the file gives; a frame with nothing labeled has no instance.
    np.testing.assert_array_equal(second.instances[0].visibility_flags, [2, 0])
    np.testing.assert_array_equal(second.instances[0].points, [[5, 6], [7, 8]])
    assert third.instances == ()
    np.testing.assert_array_equal(fourth.instances[0].visibility_flags, [0, -1])
    path.write_text("\n".join([*VISIBLE_LABELS_ROWS[:3], "labeled-data/v/img001.png,1,2,3,,,1"]) + "\n")
    with pytest.raises(
        InvalidSourceFileError, match=r"CollectedData.csv: row .*img001.png.* visible flags \[3\.0, 1\.0\]"
    ):
        read_lightning_pose_labels(path)


def test_labels_without_a_scorer_row_are_lightning_pose_labels(tmp_path):
    # Lightning Pose reads header_rows [0, 1] too (bodyparts, coords), as in its toy data set.
    path = tmp_path / "CollectedData_.csv"
    path.write_text("bodyparts,nose,nose,tail,tail\ncoords,x,y,x,y\nrun1/img1.png,1,2,3,4\nrun1/img2.png,5,6,,\n")
    assert detect_format(path).name == "LightningPose labels"
    training = read_lightning_pose_labels(path)
    assert training.skeletons["Skeleton"].nodes == ("nose", "tail")
    assert [frame.image for frame in training.frames] == ["run1/img1.png", "run1/img2.png"]
    np.testing.assert_array_equal(training.frames[1].instances[0].points, [[5, 6], [np.nan, np.nan]])


@pytest.mark.parametrize(
    "header",
    [
        "bodyparts,nose,nose,tail,tail\ncoords,x,y,x,y\n",
        ",nose,nose,tail,tail\n,x,y,x,y\n",
        ",Jane,Jane,Jane,Jane\n,nose,nose,tail,tail\n,x,y,x,y\n",
    ],
    ids=["no-scorer-row", "no-scorer-row-unnamed", "unnamed-levels"],
)
def test_labels_headers_lightning_pose_reads_come_back_as_they_were(tmp_path, header):
    # Levels without names (pandas writes blank first cells) were refused by every --source; a header
    # without a scorer row was exported with one ("scorer,poseconv,..."), which Lightning Pose, told
    # header_rows [0, 1], would then read as keypoint names.
    from poseconv.exporters.deeplabcut_training import write_deeplabcut_labels

    path = tmp_path / "CollectedData.csv"
    path.write_text(header + "labeled-data/v/img1.png,1.5,2.0,3.0,4.0\nlabeled-data/v/img2.png,5.0,6.0,,\n")
    assert detect_format(path).name == "LightningPose labels"
    training = read_lightning_pose_labels(path)
    assert training.skeletons["Skeleton"].nodes == ("nose", "tail")
    np.testing.assert_array_equal(training.frames[1].instances[0].points, [[5, 6], [np.nan, np.nan]])
    (back,) = write_deeplabcut_labels(training, tmp_path / "back.csv")
    assert back.read_text() == path.read_text()


def test_labels_with_a_tracker_scorer_are_labels(tmp_path):
    # Lightning Pose's converter from SLEAP labels writes the scorer 'lightning_tracker'; before, the file
    # was ambiguous (predictions or labels) and, read as predictions, failed.
    path = tmp_path / "CollectedData.csv"
    rows = "scorer,lightning_tracker,lightning_tracker\nbodyparts,nose,nose\ncoords,x,y\n"
    path.write_text(rows + "labeled-data/vid1/img00000000.png,1.5,2.5\nlabeled-data/vid1/img00000007.png,3.5,4.5\n")
    assert detect_format(path).name == "LightningPose labels"
    training = read_lightning_pose_labels(path)
    assert [frame.frame_index for frame in training.frames] == [0, 7]
    np.testing.assert_array_equal(training.frames[1].instances[0].points, [[3.5, 4.5]])


def test_predictions_on_labeled_frames_are_refused_as_such_under_every_source(tmp_path):
    # Lightning Pose's predictions.csv (rows are images, a last "set" column); before, --source lp said
    # the file "holds DeepLabCut output" and pointed to --source dlc.
    path = tmp_path / "predictions.csv"
    rows = "scorer,heatmap_tracker,heatmap_tracker,heatmap_tracker,set\nbodyparts,nose,nose,nose,\n"
    path.write_text(rows + "coords,x,y,likelihood,\nlabeled-data/vid1/img000.png,1.5,2.5,0.9,train\n")
    assert detect_format(path).name == "LightningPose"
    with pytest.raises(InvalidSourceFileError, match="predictions on separate images"):
        read_pose(path, source_software="lp")
    with pytest.raises(InvalidSourceFileError, match="predictions on separate images"):
        read_pose(path)


@pytest.mark.parametrize(
    ("folder", "name", "said"),
    [
        # On the labeled images: pointed to the videos' predictions and the labels, not to predictions refused.
        (
            "",
            "predictions_pixel_error_new.csv",
            r"metrics file \(pixel error per keypoint and labeled image\).* from predictions_new\.csv .*"
            r"video_preds/<video>\.csv.*--source lp-labels",
        ),
        (
            "",
            "predictions_pca_singleview_error_test.csv",
            r"metrics file \(pca singleview error .* from predictions_test\.csv .*video_preds/<video>\.csv",
        ),
        (
            "image_preds/CollectedData.csv",
            "bbox.csv",
            r"bounding boxes Lightning Pose's create_bbox writes for labeled frames .*"
            r"video_preds/<video>\.csv\) and the labels \(CollectedData\.csv, --source lp-labels\)",
        ),
    ],
)
def test_evaluation_metrics_and_labeled_frames_bounding_boxes_are_named(tmp_path, folder, name, said):
    # train.py copies the metrics of its predictions on CollectedData_new.csv / _test.csv as
    # predictions<metric>_new.csv / _test.csv; create_bbox writes image_preds/<labels csv>/bbox.csv (x, y, h, w).
    # Both got the generic "does not look like output", and --source lp called bbox.csv a metrics file.
    from poseconv.errors import UnsupportedFormatError
    from tests.fixtures.cli import poseconv_in_process

    path = tmp_path / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    images = pd.Index([f"labeled-data/vid1/img{i:03d}.png" for i in range(3)])
    if name == "bbox.csv":
        pd.DataFrame(np.arange(12).reshape(3, 4), index=images, columns=["x", "y", "h", "w"]).to_csv(path)
    else:
        metrics = {"nose_top": [1.5, 2.0, 0.5], "obs_top": [0.1, 0.2, 0.3], "set": "test"}
        pd.DataFrame(metrics, index=images).to_csv(path)
    with pytest.raises(UnsupportedFormatError, match=said):
        detect_format(path)
    word = "bounding boxes" if name == "bbox.csv" else "metrics"
    with pytest.raises(InvalidSourceFileError, match=f"{name}: has one header row .*{word}"):
        read_lightning_pose(path)
    for source in ([], ["--source", "lp"]):
        result = poseconv_in_process("convert", path, "-o", tmp_path / "out.nwb", "--fps", "30", *source)
        assert result.returncode == 1 and word in result.stderr
        assert name != "bbox.csv" or "metrics file" not in result.stderr
    if name == "bbox.csv":
        # Only create_bbox's columns make a bbox.csv Lightning Pose's: another tool's keeps the generic message.
        pd.DataFrame({"minx": [0.0], "miny": [0.0], "maxx": [1.0], "maxy": [1.0]}).to_csv(path, index=False)
        with pytest.raises(UnsupportedFormatError, match="does not look like output") as raised:
            detect_format(path)
        assert "Lightning Pose's" not in str(raised.value)


def test_labels_of_lightning_pose_s_app_export_back_with_its_scorer_row(tmp_path):
    # lightning-pose-app heads its CollectedData "scorer", read as no labeler; exported back, the row was "poseconv".
    import pandas as pd

    from poseconv.exporters.deeplabcut_training import write_deeplabcut_labels

    rows = ["scorer,scorer,scorer", "bodyparts,nose,nose", "coords,x,y", "labeled-data/v/img00000003.jpg,1.5,2.25"]
    path = tmp_path / "CollectedData.csv"
    path.write_text("\n".join(rows) + "\n")
    (written,) = write_deeplabcut_labels(read_lightning_pose_labels(path), tmp_path / "back.csv")
    back = pd.read_csv(written, header=[0, 1, 2], index_col=0)
    pd.testing.assert_frame_equal(back, pd.read_csv(path, header=[0, 1, 2], index_col=0))
