"""DeepLabCut reader: every value, every individual, side files, and clear errors."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import InvalidSourceFileError, PoseconvWarning, UnsupportedFormatError
from poseconv.readers import infer_source_software, read_pose
from poseconv.readers.deeplabcut import is_deeplabcut_file, read_deeplabcut
from tests.fixtures.deeplabcut import (
    COLLECTED_DATA_H5,
    MULTI_ANIMAL_CSV,
    MULTI_ANIMAL_H5,
    OLD_PICKLE_H5,
    RATS_H5,
    SINGLE_ANIMAL_CSV,
    SINGLE_ANIMAL_H5,
    SKELETON_ANALYSIS_H5,
    THREE_D_CSV,
    THREE_D_H5,
    write_dlc_file,
    write_live_gui_file,
)


def _source_frame(path):
    if path.suffix == ".csv":
        header = 4 if "individuals" in path.read_text().splitlines()[1] else 3
        return pd.read_csv(path, header=list(range(header)), index_col=0)
    return pd.read_hdf(path)


def _assert_matches_source(pose, path):
    """Every x, y, (z), likelihood of the source table equals the model's value."""
    frame = _source_frame(path)
    multi = frame.columns.nlevels == 4
    for track in pose.tracks:
        nodes = pose.skeletons[track.skeleton].nodes
        for j, node in enumerate(nodes):
            key = (track.name, node) if multi else (node,)
            sub = frame.xs(key, axis=1, level=list(range(1, 1 + len(key))))
            for d, axis in enumerate(("x", "y", "z")[: track.positions.shape[2]]):
                expected = sub.xs(axis, axis=1, level="coords").iloc[:, 0].to_numpy()
                np.testing.assert_array_equal(track.positions[frame.index.to_numpy(), j, d], expected)
            if "likelihood" in sub.columns.get_level_values("coords"):
                expected = sub.xs("likelihood", axis=1, level="coords").iloc[:, 0].to_numpy()
                np.testing.assert_array_equal(track.confidence[frame.index.to_numpy(), j], expected)
            else:
                assert track.confidence is None


@pytest.mark.parametrize("path", [SINGLE_ANIMAL_H5, SINGLE_ANIMAL_CSV], ids=["h5", "csv"])
def test_single_animal_every_value(path):
    pose = read_deeplabcut(path)
    assert [t.name for t in pose.tracks] == ["individual"]
    assert pose.n_dims == 2 and pose.unit == "pixels"
    _assert_matches_source(pose, path)


@pytest.mark.parametrize("path", [MULTI_ANIMAL_H5, MULTI_ANIMAL_CSV, RATS_H5], ids=["h5", "csv", "rats"])
def test_multi_animal_every_individual_and_unique_bodyparts(path):
    pose = read_deeplabcut(path)
    frame = _source_frame(path)
    assert pose.track_names() == list(dict.fromkeys(frame.columns.get_level_values("individuals")))
    _assert_matches_source(pose, path)


def test_multi_animal_skeletons_from_config():
    pose = read_deeplabcut(MULTI_ANIMAL_H5)
    assert pose.skeletons["Skeleton"].nodes == ("bodypart1", "bodypart2", "bodypart3")
    assert pose.skeletons["Skeleton"].edges == ((0, 1), (1, 2), (0, 2))
    assert pose.skeletons["SkeletonUniqueBodyparts"].nodes == ("corner1", "corner2")
    single = [t for t in pose.tracks if t.name == "single"][0]
    assert single.skeleton == "SkeletonUniqueBodyparts"


def test_side_files_give_fps_frame_size_and_video():
    pose = read_deeplabcut(SINGLE_ANIMAL_H5)
    video = pose.videos["m3v1mp4"]
    assert video.fps == pytest.approx(30.0003, rel=1e-5)
    assert video.frame_size == (480, 640) and video.n_frames == 2330
    assert video.path is not None and video.path.name == "m3v1mp4.mp4"
    timing = pose.timing["m3v1mp4"]
    assert timing.rate == video.fps and "_meta.pickle" in timing.source


def test_old_includingmetadata_pickle_is_read_without_easydict():
    pose = read_deeplabcut(OLD_PICKLE_H5)
    assert pose.timing["reachingvideo1short"].rate == 30.0
    # The config.yaml records the video on the authors' Windows machine: kept as text only.
    video = pose.videos["reachingvideo1short"]
    assert video.original_path.startswith("C:\\Users")
    assert video.path is not None and video.path.exists()


@pytest.mark.parametrize("path", [THREE_D_H5, THREE_D_CSV], ids=["h5", "csv"])
def test_3d_keeps_z_as_coordinate_not_confidence(path):
    pose = read_deeplabcut(path)
    track = pose.tracks[0]
    assert track.positions.shape == (12, 4, 3)
    assert track.confidence is None
    _assert_matches_source(pose, path)
    assert pose.unit != "pixels"


def test_generated_nan_rows_and_all_nan_bodypart(generated_dlc_single):
    path, written = generated_dlc_single
    pose = read_deeplabcut(path)
    track = pose.tracks[0]
    for j, part in enumerate(("nose", "ear", "tail")):
        np.testing.assert_array_equal(track.positions[:, j, :], written["positions"][part])
        np.testing.assert_array_equal(track.confidence[:, j], written["likelihood"][part])
    assert np.isnan(track.positions[2]).all()
    assert np.isnan(track.positions[:, 2]).all()


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_generated_without_likelihood(tmp_path, suffix):
    positions = {"nose": np.array([[1.5, 2.25], [3.0, np.nan]])}
    path = write_dlc_file(tmp_path / f"vDLC_x{suffix}", positions, scorer="DLC_x")
    track = read_deeplabcut(path).tracks[0]
    assert track.confidence is None
    np.testing.assert_array_equal(track.positions[:, 0, :], positions["nose"])


def test_several_outputs_per_bodypart_are_refused_with_what_to_do(tmp_path):
    # DeepLabCut with num_outputs: 2 in pose_cfg.yaml writes x, y, likelihood, x2, y2, likelihood2.
    columns = pd.MultiIndex.from_product(
        [["DLC_x"], ["nose"], ["x", "y", "likelihood", "x2", "y2", "likelihood2"]],
        names=["scorer", "bodyparts", "coords"],
    )
    path = tmp_path / "vDLC_x.h5"
    pd.DataFrame(np.ones((3, 6)), columns=columns).to_hdf(path, key="df_with_missing", format="table")
    with pytest.raises(InvalidSourceFileError, match="num_outputs > 1 .* again with num_outputs: 1"):
        read_deeplabcut(path)


def test_generated_3d_multi_animal_without_likelihood(tmp_path):
    positions = {("a", "nose"): np.arange(12.0).reshape(4, 3), ("b", "nose"): -np.arange(12.0).reshape(4, 3)}
    path = write_dlc_file(tmp_path / "v_DLC_3D.h5", positions, scorer="DLC_3D")
    pose = read_deeplabcut(path)
    assert pose.track_names() == ["a", "b"]
    np.testing.assert_array_equal(pose.tracks[1].positions[:, 0, :], positions[("b", "nose")])
    assert pose.tracks[0].confidence is None


def test_skipped_frame_numbers_stay_on_their_frames(tmp_path):
    positions = {"nose": np.array([[1.0, 2.0], [3.0, 4.0]])}
    path = write_dlc_file(tmp_path / "vDLC_x.h5", positions, scorer="DLC_x", index=np.array([0, 3]))
    track = read_deeplabcut(path).tracks[0]
    assert track.n_frames == 4
    np.testing.assert_array_equal(track.positions[3, 0], [3.0, 4.0])
    assert np.isnan(track.positions[1:3]).all()


def test_registry_detects_deeplabcut():
    assert infer_source_software(SINGLE_ANIMAL_H5) == "DeepLabCut"
    assert infer_source_software(MULTI_ANIMAL_CSV) == "DeepLabCut"
    assert read_pose(SINGLE_ANIMAL_CSV, source_software="dlc").source_software == "DeepLabCut"


def test_sniffer_never_raises(tmp_path):
    (tmp_path / "x.h5").write_bytes(b"not hdf5")
    assert not is_deeplabcut_file(tmp_path / "x.h5")
    assert not is_deeplabcut_file(tmp_path / "missing.csv")
    assert not is_deeplabcut_file(SKELETON_ANALYSIS_H5)


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(InvalidSourceFileError, match="missing.h5: file not found"):
        read_deeplabcut(tmp_path / "missing.h5")


def test_not_a_dlc_file(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidSourceFileError, match="notes.csv: not a DeepLabCut predictions CSV"):
        read_deeplabcut(path)
    with pytest.raises(UnsupportedFormatError, match="notes.csv"):
        read_pose(path)


def test_malformed_header(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("scorer,s,s\nbodyparts,a,a\ncoords,x,q\n0,1,2\n")
    with pytest.raises(InvalidSourceFileError, match="bad.csv: coordinate columns are"):
        read_deeplabcut(path)


def test_a_bodypart_named_twice_and_columns_that_differ_are_said_by_bodypart(tmp_path):
    # A config.yaml that listed a bodypart twice gives a header with its columns twice; before, the message
    # was "bodyparts have different coordinate columns [('x', 'y'), ('x', 'y', 'x', 'y')]".
    path = tmp_path / "twice.csv"
    path.write_text("scorer,s,s,s,s,s,s\nbodyparts,nose,nose,paw,paw,paw,paw\ncoords,x,y,x,y,x,y\n0,1,2,3,4,5,6\n")
    with pytest.raises(
        InvalidSourceFileError, match=r"twice.csv: bodypart\(s\) \['paw'\] have their coordinate columns twice"
    ):
        read_deeplabcut(path)
    path.write_text("scorer,s,s,s,s,s\nbodyparts,nose,nose,paw,paw,paw\ncoords,x,y,x,y,q\n0,1,2,3,4,5\n")
    said = r"different coordinate columns \(\['nose'\] have \['x', 'y'\]; \['paw'\] have \['x', 'y', 'q'\]\)"
    with pytest.raises(InvalidSourceFileError, match=said):
        read_deeplabcut(path)


def test_bone_analysis_file_is_rejected():
    with pytest.raises(InvalidSourceFileError, match="_skeleton"):
        read_deeplabcut(SKELETON_ANALYSIS_H5)


def test_labeled_data_is_not_predictions():
    with pytest.raises(InvalidSourceFileError, match="labeled/training data"):
        read_deeplabcut(COLLECTED_DATA_H5)


def test_config_bodyparts_mismatch(tmp_path):
    positions = {"nose": np.zeros((2, 2)), "tail": np.ones((2, 2))}
    path = write_dlc_file(tmp_path / "vDLC_x.h5", positions, scorer="DLC_x")
    config = tmp_path / "config.yaml"
    config.write_text("bodyparts:\n- nose\n- paw\nskeleton:\n- [nose, paw]\n")
    with pytest.raises(InvalidSourceFileError, match=r"config.yaml: bodyparts \['nose', 'paw'\] do not match"):
        read_deeplabcut(path)
    # The same predictions read without side files.
    assert read_deeplabcut(path, find_side_files=False).skeletons["Skeleton"].edges == ()
    # A config that has every bodypart of the file and more (a bodypart added to the project later).
    config.write_text("bodyparts:\n- nose\n- paw\n- tail\nskeleton:\n- [nose, paw]\n- [tail, nose]\n")
    with pytest.warns(PoseconvWarning, match=r"config.yaml: bodyparts \['paw'\] are not in vDLC_x.h5"):
        assert read_deeplabcut(path).skeletons["Skeleton"].edges == ((1, 0),)


def test_config_edges_follow_file_node_order(tmp_path):
    positions = {"tail": np.zeros((2, 2)), "nose": np.ones((2, 2))}
    path = write_dlc_file(tmp_path / "vDLC_x.h5", positions, scorer="DLC_x")
    (tmp_path / "config.yaml").write_text("bodyparts:\n- nose\n- tail\nskeleton:\n- [nose, tail]\n")
    skeleton = read_deeplabcut(path).skeletons["Skeleton"]
    assert skeleton.nodes == ("tail", "nose") and skeleton.edges == ((1, 0),)


class _Exploit:
    def __reduce__(self):
        import os

        return (os.system, ("touch should-never-exist",))


def test_crafted_metadata_pickle_found_beside_the_file_is_skipped_without_running_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    positions = {"nose": np.zeros((2, 2))}
    path = write_dlc_file(tmp_path / "vDLC_x.h5", positions, scorer="DLC_x")
    (tmp_path / "vDLC_x_meta.pickle").write_bytes(pickle.dumps({"data": {"fps": _Exploit(), "nframes": 2}}))
    with pytest.warns(
        PoseconvWarning, match=r"vDLC_x_meta.pickle: not loaded .*refusing to load global 'posix.system'"
    ):
        pose = read_deeplabcut(path)
    assert not (tmp_path / "should-never-exist").exists()
    np.testing.assert_array_equal(pose.tracks[0].positions, np.zeros((2, 1, 2)))
    assert pose.videos[pose.tracks[0].video].fps is None


def test_crafted_metadata_pickle_named_by_the_user_stops_the_conversion(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_dlc_file(tmp_path / "vDLC_x.h5", {"nose": np.zeros((2, 2))}, scorer="DLC_x")
    meta = tmp_path / "vDLC_x_meta.pickle"
    meta.write_bytes(pickle.dumps({"data": {"fps": _Exploit()}}))
    with pytest.raises(InvalidSourceFileError, match="vDLC_x_meta.pickle: not loaded .*refusing to load global"):
        read_deeplabcut(path, metadata_file_path=meta)
    assert not (tmp_path / "should-never-exist").exists()


def test_csv_floats_are_parsed_exactly_as_written():
    """Compare with Python's own float() of each cell of the raw text (independent of pandas)."""
    import csv

    rows = list(csv.reader(MULTI_ANIMAL_CSV.open()))[4:]
    track = read_deeplabcut(MULTI_ANIMAL_CSV).tracks[0]
    # Columns 1-3 are individual1 / bodypart1 x, y, likelihood.
    for row in rows:
        frame = int(row[0])
        for d, cell in enumerate(row[1:3]):
            expected = float(cell) if cell else np.nan
            np.testing.assert_array_equal(track.positions[frame, 0, d], expected)
        np.testing.assert_array_equal(track.confidence[frame, 0], float(row[3]) if row[3] else np.nan)


def test_non_numeric_values_are_a_clear_error(tmp_path):
    path = tmp_path / "vDLC_x.csv"
    path.write_text("scorer,DLC_x,DLC_x,DLC_x\nbodyparts,nose,nose,nose\ncoords,x,y,likelihood\n0,1.0,oops,0.9\n")
    with pytest.raises(InvalidSourceFileError, match="vDLC_x.csv: holds values that are not numbers"):
        read_deeplabcut(path)


def test_truncated_h5_is_a_clear_error(tmp_path):
    path = tmp_path / "vDLC_x.h5"
    path.write_bytes(SINGLE_ANIMAL_H5.read_bytes()[:5000])
    with pytest.raises(InvalidSourceFileError, match="vDLC_x.h5"):
        read_deeplabcut(path)


def test_config_yaml_with_a_python_tag_is_refused_without_running_it(tmp_path, monkeypatch):
    """config.yaml is read with yaml.safe_load: a python/object tag is an error, never a call."""
    monkeypatch.chdir(tmp_path)
    path = write_dlc_file(tmp_path / "vDLC_x.h5", {"nose": np.zeros((2, 2))}, scorer="DLC_x")
    config = tmp_path / "config.yaml"
    config.write_text("bodyparts: !!python/object/apply:os.system ['touch should-never-exist']\n")
    with pytest.raises(InvalidSourceFileError, match="config.yaml"):
        read_deeplabcut(path, config_file_path=config)
    assert not (tmp_path / "should-never-exist").exists()


def test_a_labeled_video_analysed_again_takes_its_own_metadata(tmp_path):
    # DeepLabCut names outputs <video><scorer>: a video made by create_labeled_video already holds the
    # scorer, so the output's name holds it twice, next to the first analysis's files.
    scorer = "DLC_resnet50_openfieldOct30shuffle1_50000"
    rows = f"scorer,{scorer},{scorer},{scorer}\nbodyparts,nose,nose,nose\ncoords,x,y,likelihood\n0,1,2,0.9\n1,3,4,0.8\n"
    path = tmp_path / f"vidB{scorer}_labeled{scorer}.csv"
    path.write_text(rows)
    (tmp_path / f"vidB{scorer}_meta.pickle").write_bytes(pickle.dumps({"data": {"fps": 30.0, "nframes": 50}}))
    (tmp_path / f"vidB{scorer}_labeled{scorer}_meta.pickle").write_bytes(
        pickle.dumps({"data": {"fps": 12.0, "nframes": 2}})
    )
    pose = read_deeplabcut(path)
    assert list(pose.videos) == [f"vidB{scorer}_labeled"]
    assert pose.timing[f"vidB{scorer}_labeled"].rate == 12.0


def test_a_table_a_user_added_to_the_h5_does_not_hide_deeplabcuts(tmp_path):
    from poseconv.catalog import detect_format

    scorer = "DLC_resnet50_openfieldOct30shuffle1_50000"
    columns = pd.MultiIndex.from_product(
        [[scorer], ["nose"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    table = pd.DataFrame(np.arange(12, dtype="float64").reshape(4, 3), columns=columns)
    path = tmp_path / f"vid{scorer}.h5"
    table.to_hdf(path, key="df_with_missing", format="table", mode="w")
    # Sorted before DeepLabCut's key, as pandas lists them.
    pd.DataFrame({"note": ["ok"]}).to_hdf(path, key="aaa_notes", mode="a")
    assert detect_format(path).name == "DeepLabCut"
    (track,) = read_deeplabcut(path).tracks
    np.testing.assert_array_equal(track.positions[:, 0], table[(scorer, "nose")][["x", "y"]].to_numpy())


def test_rows_labelled_frame_and_a_number_are_those_frames(tmp_path):
    # DeepLabCut 2.3's SuperAnimal video inference labels its rows "frame00", "frame01", ... in video order;
    # before, they were taken for images ("predictions on separate images") and refused.

    columns = pd.MultiIndex.from_product(
        [["DLC_snapshot-700000"], ["nose", "tail"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    values = np.arange(12 * 6, dtype="float64").reshape(12, 6)
    frame = pd.DataFrame(values, columns=columns, index=[f"frame{i:02d}" for i in range(12)])
    path = tmp_path / "videoDLC_snapshot-700000.h5"
    frame.to_hdf(path, key="df_with_missing", format="fixed")
    pose = read_deeplabcut(path, find_side_files=False)
    [track] = pose.tracks
    assert track.n_frames == 12
    np.testing.assert_array_equal(np.asarray(track.positions)[:, 1], values[:, 3:5])


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_columns_sorted_by_name_read_alike(tmp_path, suffix):
    # Labs run df.sort_index(axis=1) to quiet pandas' lexsort warning: likelihood then comes before x and y.
    # Before, the file was refused ("coordinate columns are ['likelihood', 'x', 'y']").
    columns = pd.MultiIndex.from_product(
        [["DLC_resnet50_testJan1shuffle1_100"], ["nose", "tail"], ["x", "y", "likelihood"]],
        names=["scorer", "bodyparts", "coords"],
    )
    frame = pd.DataFrame(np.arange(4 * 6, dtype="float64").reshape(4, 6), columns=columns)
    path = tmp_path / f"vidDLC_resnet50_testJan1shuffle1_100{suffix}"
    if suffix == ".h5":
        frame.sort_index(axis=1).to_hdf(path, key="df_with_missing", format="table")
    else:
        frame.sort_index(axis=1).to_csv(path)
    [track] = read_deeplabcut(path, find_side_files=False).tracks
    np.testing.assert_array_equal(
        np.asarray(track.positions)[:, 1], frame[("DLC_resnet50_testJan1shuffle1_100", "tail")][["x", "y"]]
    )
    np.testing.assert_array_equal(
        np.asarray(track.confidence)[:, 0], frame[("DLC_resnet50_testJan1shuffle1_100", "nose", "likelihood")]
    )


def test_3d_poses_a_model_lifted_from_one_camera_are_not_called_triangulated(tmp_path):
    # DeepLabCut 3.0.1's model zoo writes FMPose3D's 3D poses in DeepLabCut's layout, with no calibration.
    path = write_dlc_file(
        tmp_path / "walk_DLC_fmpose3d_humans_3d.h5", {"spine": np.ones((3, 3))}, scorer="DLC_fmpose3d_humans_3d"
    )
    pose = read_deeplabcut(path, find_side_files=False)
    assert pose.n_dims == 3 and "lifted from one camera" in pose.reference_frame
    assert "triangulated" not in pose.reference_frame


def test_fmpose3d_3d_bodyparts_take_the_order_of_its_2d_file(tmp_path):
    # DeepLabCut 3.0.1's create_empty_df puts each bodypart in front of the last: the _3d file lists them
    # reversed. Before, converted with its 2D file, it gave a second skeleton of the same nodes reversed.
    order = ["pelvis", "right_hip", "right_knee"]
    rng = np.random.default_rng(5)
    flat = {("individual1", part): rng.uniform(0, 60, (4, 2)) for part in order}
    write_dlc_file(
        tmp_path / "run_DLC_fmpose3d_humans.h5",
        flat,
        likelihood={key: np.full(4, 0.5) for key in flat},
        scorer="DLC_fmpose3d_humans",
    )
    lifted = {part: rng.normal(0, 1, (4, 3)) for part in reversed(order)}
    path = write_dlc_file(tmp_path / "run_DLC_fmpose3d_humans_3d.h5", lifted, scorer="DLC_fmpose3d_humans_3d")
    pose = read_deeplabcut(path)
    (skeleton,) = pose.skeletons.values()
    assert list(skeleton.nodes) == order
    np.testing.assert_array_equal(
        np.asarray(pose.tracks[0].positions[:]), np.stack([lifted[part] for part in order], axis=1)
    )


def test_deeplabcut_live_gui_poses_are_placed_by_their_frame_times(tmp_path, recwarn):
    path = tmp_path / "session1_DLC.hdf5"
    frame = write_live_gui_file(path)
    assert is_deeplabcut_file(path) and infer_source_software(path) == "DeepLabCut"
    pose = read_deeplabcut(path)
    # The writer is known: nothing read by position is left to doubt.
    assert not [w for w in recwarn if issubclass(w.category, PoseconvWarning)]
    assert pose.source_software == "DeepLabCut-live"
    (track,) = pose.tracks
    nodes = pose.skeletons[track.skeleton].nodes
    assert list(nodes) == ["nose", "tail"]
    for j, node in enumerate(nodes):
        np.testing.assert_array_equal(track.positions[:, j], frame[node][["x", "y"]].to_numpy())
        np.testing.assert_array_equal(track.confidence[:, j], frame[node]["likelihood"].to_numpy())
    timing = pose.timing[track.video]
    frame_time = frame[("frame_time", "")].to_numpy()
    np.testing.assert_array_equal(timing.timestamps, frame_time - frame_time[0])
    assert repr(float(frame_time[0])) in timing.source and "15.0 ms later" in timing.source


def test_moved_project_video_is_found_in_the_project_videos_folder(tmp_path):
    # A project made on Windows, moved here; its predictions analysed into another folder (destfolder=)
    # and its config given. Before, only the predictions' folder was searched: no video linked, no rate.
    project = tmp_path / "proj-me-2024-01-01"
    (project / "videos").mkdir(parents=True)
    (project / "videos" / "trial1.mp4").write_bytes(b"")
    (project / "config.yaml").write_text(
        "Task: proj\nscorer: me\ndate: Jan1\nproject_path: C:\\Users\\me\\proj-me-2024-01-01\n"
        "video_sets:\n  C:\\Users\\me\\proj-me-2024-01-01\\videos\\trial1.mp4:\n    crop: 0, 640, 0, 480\n"
        "bodyparts:\n- nose\n- tail\nskeleton:\n- - nose\n  - tail\n"
    )
    scorer = "DLC_Resnet50_projJan1shuffle1_snapshot_best-200"
    analysed = tmp_path / "analysis"
    analysed.mkdir()
    positions = {"nose": np.ones((3, 2)), "tail": np.zeros((3, 2))}
    path = write_dlc_file(analysed / f"trial1{scorer}.h5", positions, scorer=scorer)
    video = read_deeplabcut(path, config_file_path=project / "config.yaml").videos["trial1"]
    assert video.original_path == "C:\\Users\\me\\proj-me-2024-01-01\\videos\\trial1.mp4"
    assert video.path == (project / "videos" / "trial1.mp4").resolve()


def test_poses_sleap_io_wrote_in_deeplabcuts_layout_name_sleap_io_as_their_writer(tmp_path):
    # sleap-io's save_csv(format="dlc") puts its own name in the scorer row; renumbered by frame, the table
    # is predictions over a video that name no estimating software.
    from poseconv.metadata.defaults import default_pose_metadata

    columns = pd.MultiIndex.from_product(
        [["sleap-io"], ["nose", "tail"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    values = np.arange(18, dtype=float).reshape(3, 6) / 4
    pd.DataFrame(values, columns=columns).to_csv(tmp_path / "poses.csv")
    pose = read_deeplabcut(tmp_path / "poses.csv")
    assert pose.source_software == "sleap-io"
    np.testing.assert_array_equal(np.asarray(pose.tracks[0].positions[:])[:, 1], values[:, 3:5])
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert "Written in DeepLabCut's layout by sleap-io" in container["description"]


def _sessions_project(tmp_path, recorded: list[str]) -> tuple:
    """A project whose config records ``recorded`` (folders under sessions/, each with cam.mp4) in video_sets."""
    project = tmp_path / "proj-me-2024-01-01"
    for day in ("day1", "day2"):
        (project / "sessions" / day).mkdir(parents=True)
        (project / "sessions" / day / "cam.mp4").write_bytes(day.encode())
    video_sets = "".join(f"  {project / 'sessions' / day / 'cam.mp4'}:\n    crop: 0, 640, 0, 480\n" for day in recorded)
    config = project / "config.yaml"
    config.write_text(f"Task: proj\nscorer: me\nvideo_sets:\n{video_sets}bodyparts:\n- nose\n- tail\n")
    return project, config


def _cam_predictions(folder):
    scorer = "DLC_Resnet50_projJan1shuffle1_snapshot_best-200"
    positions = {"nose": np.ones((3, 2)), "tail": np.zeros((3, 2))}
    return write_dlc_file(folder / f"cam{scorer}.h5", positions, scorer=scorer)


def test_the_video_beside_the_predictions_wins_over_another_sessions_video_of_that_name(tmp_path):
    # Every session's video is sessions/<day>/cam.mp4; video_sets records day1's, the one labeled. Before,
    # day2's predictions (beside day2/cam.mp4) linked day1's video, or were refused for its length.
    project, config = _sessions_project(tmp_path, ["day1"])
    path = _cam_predictions(project / "sessions" / "day2")
    with pytest.warns(PoseconvWarning, match=r"linked .*day2.cam\.mp4, the video of that name beside it .* not .*day1"):
        video = read_deeplabcut(path, config_file_path=config).videos["cam"]
    assert video.path == project / "sessions" / "day2" / "cam.mp4"
    assert video.original_path is None  # day1's path is not where this video was recorded


def test_a_video_sets_entry_that_is_the_video_beside_is_kept_as_recorded(tmp_path, recwarn):
    project, config = _sessions_project(tmp_path, ["day1", "day2"])
    path = _cam_predictions(project / "sessions" / "day2")
    video = read_deeplabcut(path, config_file_path=config).videos["cam"]
    recorded = str(project / "sessions" / "day2" / "cam.mp4")
    assert (video.original_path, str(video.path)) == (recorded, recorded)
    assert not [w for w in recwarn if issubclass(w.category, PoseconvWarning)]


def test_predictions_analysed_elsewhere_take_the_only_video_sets_entry_of_their_name(tmp_path, recwarn):
    # destfolder=: nothing beside the predictions; the one video of that name the config records is linked.
    project, config = _sessions_project(tmp_path, ["day1"])
    (tmp_path / "analysis").mkdir()
    path = _cam_predictions(tmp_path / "analysis")
    video = read_deeplabcut(path, config_file_path=config).videos["cam"]
    assert video.path == project / "sessions" / "day1" / "cam.mp4"
    assert not [w for w in recwarn if issubclass(w.category, PoseconvWarning)]


def test_predictions_analysed_elsewhere_link_none_of_several_video_sets_entries_of_their_name(tmp_path):
    project, config = _sessions_project(tmp_path, ["day1", "day2"])
    (project / "videos").mkdir()
    (project / "videos" / "cam.mp4").write_bytes(b"")  # a copy of one of them: which, nothing says
    (tmp_path / "analysis").mkdir()
    path = _cam_predictions(tmp_path / "analysis")
    with pytest.warns(PoseconvWarning, match=r"video_sets records several videos named 'cam' .* none is linked"):
        video = read_deeplabcut(path, config_file_path=config).videos["cam"]
    assert (video.path, video.original_path) == (None, None)


def test_entries_recorded_on_another_machine_do_not_make_a_video_unknown(tmp_path, recwarn):
    # A project moved from Windows with its video added again here: video_sets holds C:\...\cam.mp4 and this
    # machine's path of the same video. Predictions analysed elsewhere (destfolder=) linked it before the
    # video-beside rule; then "several videos named 'cam' ... none is linked".
    project, config = _sessions_project(tmp_path, ["day1"])
    text = config.read_text().replace(
        "video_sets:\n", "video_sets:\n  C:\\lab\\proj\\sessions\\day1\\cam.mp4:\n    crop: 0, 640, 0, 480\n"
    )
    config.write_text(text)
    (tmp_path / "analysis").mkdir()
    path = _cam_predictions(tmp_path / "analysis")
    video = read_deeplabcut(path, config_file_path=config).videos["cam"]
    assert video.path == project / "sessions" / "day1" / "cam.mp4"
    assert not [w for w in recwarn if issubclass(w.category, PoseconvWarning)]


def test_a_copy_of_the_recorded_video_beside_the_predictions_is_that_video(tmp_path, recwarn):
    # copy_videos=True: the project's videos/ holds a copy of the raw video video_sets records; the raw one was
    # analysed in place. Not "another session's video?", and the recorded path is kept.
    project, config = _sessions_project(tmp_path, ["day1"])
    (project / "videos").mkdir()
    (project / "videos" / "cam.mp4").write_bytes((project / "sessions" / "day1" / "cam.mp4").read_bytes())
    path = _cam_predictions(project / "videos")
    video = read_deeplabcut(path, config_file_path=config).videos["cam"]
    assert video.original_path == str(project / "sessions" / "day1" / "cam.mp4")
    assert not [w for w in recwarn if issubclass(w.category, PoseconvWarning)]
