"""Lightning Pose multi-view sessions: per-view CSVs as Lightning Pose and EKS write them, read as one session."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from poseconv import read_lightning_pose_multiview
from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.readers.lightningpose import read_lightning_pose
from poseconv.readers.lightningpose_config import is_metrics_file_name
from poseconv.readers.lightningpose_multiview import view_names_of_files
from tests.fixtures.lightningpose import (
    EKS_SCORER,
    LP_CALIBRATION,
    LP_SESSION,
    LP_VIEWS,
    lp_view_values,
    read_lp_csv,
    write_eks_multicam,
    write_lp_calibration,
    write_lp_multiview_session,
)


def assert_view_equals_csv(view, csv_path):
    table = read_lp_csv(csv_path)
    keypoints = list(dict.fromkeys(table.columns.get_level_values(1)))
    assert list(view.skeletons[view.tracks[0].skeleton].nodes) == keypoints
    (track,) = view.tracks
    values = table.to_numpy(dtype="float64").reshape(len(table), len(keypoints), -1)
    np.testing.assert_array_equal(np.asarray(track.positions), values[:, :, :2])
    np.testing.assert_array_equal(np.asarray(track.confidence), values[:, :, 2])


@pytest.fixture
def session(tmp_path):
    return write_lp_multiview_session(tmp_path / "model")


def test_one_view_finds_its_siblings_and_the_view_names_in_the_model_config(session):
    data = read_lightning_pose_multiview(session["top"])
    assert list(data.cameras) == list(LP_VIEWS)
    assert not any(camera.is_calibrated for camera in data.cameras.values())
    assert data.pose_3d is None and data.timing is None
    assert data.source_software == "LightningPose" and data.scorer == "heatmap_multiview_tracker"
    for view, path in session.items():
        assert_view_equals_csv(data.views[view], path)
        assert data.views[view].videos[path.stem].path.resolve() == path.with_suffix(".mp4").resolve()
    assert data.notes["config_file"].endswith("config.yaml")


def test_every_way_of_naming_the_views_reads_the_same_session(session):
    folder = session["top"].parent
    expected = read_lightning_pose_multiview(session["top"])
    readings = [
        read_lightning_pose_multiview(session["bot"]),
        read_lightning_pose_multiview(folder),  # the metrics files beside them are skipped
        read_lightning_pose_multiview(session["top"], view_file_paths=list(session.values()), find_side_files=False),
        read_lightning_pose_multiview(session["bot"], view_file_paths=[session["top"]], view_names=list(LP_VIEWS)),
    ]
    for data in readings:
        assert list(data.cameras) == list(LP_VIEWS)
        for view in LP_VIEWS:
            np.testing.assert_array_equal(
                np.asarray(data.views[view].tracks[0].positions), np.asarray(expected.views[view].tracks[0].positions)
            )


@pytest.mark.parametrize(
    "name",
    [
        "180607_004.train_frames=75.rng=0.{view}.csv",  # EKS's example data: <session>.<model>.<view>.csv
        "d2f5a130-b981-4546-8858-c94ae1da75ff.{view}.rng=0.csv",  # IBL: <eid>.<view>.rng=<seed>.csv
        "180607_004.rng=0_{view}.csv",  # <session>_<view>.csv with a dot in the session
    ],
)
def test_one_view_finds_its_siblings_when_the_name_holds_dots(tmp_path, name):
    # The sibling's name replaced the stem's last dotted part (".rng=0.top" -> ".csv"): the bot view was
    # said missing, naming the top view's file as the one found for 'top'.
    for i, view in enumerate(LP_VIEWS):
        lp_view_values(i).to_csv(tmp_path / name.format(view=view))
    data = read_lightning_pose_multiview(tmp_path / name.format(view="top"), view_names=list(LP_VIEWS))
    assert list(data.cameras) == list(LP_VIEWS)
    for view in LP_VIEWS:
        assert_view_equals_csv(data.views[view], tmp_path / name.format(view=view))
    (tmp_path / name.format(view="bot")).unlink()
    missing = name.format(view="bot").replace(".", r"\.")
    with pytest.raises(InvalidSourceFileError, match=rf"{missing}: the predictions of view 'bot' are missing"):
        read_lightning_pose_multiview(tmp_path / name.format(view="top"), view_names=list(LP_VIEWS))


def test_view_names_come_from_the_file_names_without_a_config(tmp_path):
    files = [tmp_path / f"{LP_SESSION}_{view}.csv" for view in ("left", "right", "top_down")]
    assert view_names_of_files(files) == ["left", "right", "top_down"]
    assert view_names_of_files([tmp_path / "multicam_cam0_results.csv", tmp_path / "multicam_cam1_results.csv"]) == [
        "cam0",
        "cam1",
    ]
    # EKS's example data names files <session>.<model>.<view>.csv: the views were "frames=75.rng=0.top", ...
    stems = [f"180607_004.train_frames=75.rng=0.{view}" for view in ("top", "bot")]
    assert view_names_of_files([tmp_path / f"{stem}.csv" for stem in stems]) == ["top", "bot"]
    # A view's own name keeps its hyphen.
    assert view_names_of_files([tmp_path / f"s1_cam-{i}.csv" for i in (1, 2)]) == ["cam-1", "cam-2"]
    with pytest.raises(InvalidSourceFileError, match="Cannot tell the views"):
        view_names_of_files([tmp_path / "a.csv"])


def test_the_files_of_several_sessions_without_view_names_are_refused(tmp_path, session):
    # video_preds/*.csv of a model that predicted two sessions: read as one session of four cameras
    # (s1_top, s1_bot, s2_top, s2_bot) on one clock, without a word; a folder holding them is refused.
    files = []
    for name in ("s1", "s2_day.2"):
        for i, view in enumerate(("top", "bot")):
            files.append(tmp_path / f"{name}_{view}.csv")
            lp_view_values(i).to_csv(files[-1])
    with pytest.raises(InvalidSourceFileError, match=r"look like 2 sessions x 2 views \(s1, s2_day.2 x top, bot"):
        read_lightning_pose_multiview(files[0], view_file_paths=files)
    with pytest.raises(InvalidSourceFileError, match="look like 3 sessions x 2 views"):
        view_names_of_files([tmp_path / f"mouse_{s}_{v}.csv" for s in ("a", "b", "c") for v in ("top", "bot_cam")])
    # Named, they are the views of one session; one session's files, or views named alike but no grid, stay views.
    data = read_lightning_pose_multiview(files[0], view_file_paths=files, view_names=[f.stem for f in files])
    assert list(data.cameras) == [f.stem for f in files]
    assert view_names_of_files(files[:2]) == ["top", "bot"]
    assert view_names_of_files([tmp_path / f"{v}.csv" for v in ("cam_1", "cam_2", "side_1")]) == [
        "cam_1",
        "cam_2",
        "side_1",
    ]


def test_metrics_files_are_never_read_as_poses(session):
    metrics = session["top"].with_name(session["top"].stem + "_temporal_norm.csv")
    assert is_metrics_file_name(metrics) and not is_metrics_file_name(session["top"])
    # train.py's metrics of its predictions on CollectedData_new.csv / _test.csv, in the model folder.
    assert is_metrics_file_name("predictions_top_pixel_error_new.csv")
    assert is_metrics_file_name("predictions_top_pca_singleview_error_test.csv")
    assert not is_metrics_file_name("predictions_top_new.csv")
    # Given as a view, a metrics file is skipped as a folder scan skips it (a glob of video_preds/*.csv gives them).
    metrics.write_text("nose,tail\n1,2\n")
    with (
        pytest.warns(PoseconvWarning, match=r"metrics or bounding-box files.*not read as views"),
        pytest.raises(InvalidSourceFileError, match="no file names the view 'temporal'"),
    ):
        read_lightning_pose_multiview(session["bot"], view_file_paths=[metrics], view_names=["bot", "temporal"])
    with pytest.warns(PoseconvWarning, match=r"_temporal_norm\.csv"):
        data = read_lightning_pose_multiview(session["top"], view_file_paths=[*session.values(), metrics])
    assert list(data.cameras) == list(LP_VIEWS)


def test_a_folder_s_metrics_and_bounding_box_files_are_skipped(session):
    # `litpose create_bbox` writes <video>_bbox.csv into video_preds, beside the predictions; before,
    # the folder was refused as having two files for each view.
    for path in session.values():
        path.with_name(f"{path.stem}_bbox.csv").write_text("frame,x,y,h,w\n0,1,2,3,4\n")
        path.with_name(f"{path.stem}_temporal_norm.csv").write_text("nose,tail\n1,2\n")
        path.with_name(f"{path.stem}_pixel_error_new.csv").write_text("nose,tail\n1,2\n")
    data = read_lightning_pose_multiview(session["top"].parent, view_names=list(LP_VIEWS))
    assert list(data.cameras) == list(LP_VIEWS)
    for view in LP_VIEWS:
        assert data.views[view].tracks[0].positions.shape[0] == data.n_frames


def test_a_found_config_of_other_keypoints_is_left_out_once_and_the_views_named_by_their_files(session):
    # Another model's config in the model folder (predictions copied there): the single-view reader leaves it
    # out with a warning; lp-multiview refused it, telling to pass a config or none though none was passed.
    config = session["top"].parent.parent / "config.yaml"
    config.write_text("data:\n  view_names: [top, bot]\n  keypoint_names: [paw1, paw2]\n", encoding="utf-8")
    folder, files = session["top"].parent, list(session.values())
    for source, options in ((folder, {}), (session["top"], {"view_file_paths": files})):
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            data = read_lightning_pose_multiview(source, **options)
        (warning,) = [str(w.message) for w in said if "keypoint_names" in str(w.message)]
        assert warning.startswith(f"{config}: keypoint_names ['paw1', 'paw2'] differ from the keypoints of")
        assert "not used (nor its view_names ['top', 'bot']: the views are named by their files)" in warning
        assert sorted(data.cameras) == sorted(LP_VIEWS) and data.notes["config_file"] is None
        assert data.notes["view_order"] is None
        for view in LP_VIEWS:
            assert_view_equals_csv(data.views[view], session[view])
    # Named by the user, the views stay so; a config the user gives that does not fit stays an error.
    with pytest.warns(PoseconvWarning, match=r"is another model's and is not used\. Pass the config"):
        data = read_lightning_pose_multiview(folder, view_names=["bot", "top"])
    assert list(data.cameras) == ["bot", "top"] and data.notes["view_order"] == "view_names"
    with pytest.raises(InvalidSourceFileError, match="Pass the config of the model that wrote this file"):
        read_lightning_pose_multiview(folder, config_file_path=config)


def test_views_that_cannot_be_matched_are_refused_with_what_to_do(tmp_path, session):
    lone = tmp_path / "lone"
    lone.mkdir()
    only = lone / f"{LP_SESSION}_top.csv"
    only.write_bytes(session["top"].read_bytes())
    with pytest.raises(InvalidSourceFileError, match="no view names"):
        read_lightning_pose_multiview(only)
    with pytest.raises(InvalidSourceFileError, match=r"predictions of view 'bot' are missing"):
        read_lightning_pose_multiview(only, view_names=["top", "bot"])
    # A folder of views without a config: every command names them with -O; the names are placeholders when
    # the files do not tell them.
    with pytest.raises(InvalidSourceFileError, match=r'-O "view_names=\[<view1>, <view2>, \.\.\.\]"') as refused:
        read_lightning_pose_multiview(lone)
    assert "poseconv convert <session>_<view1>.csv <session>_<view2>.csv ... --source lp-multiview" in str(
        refused.value
    )
    other = session["top"].with_name("mouse2_top.csv")
    other.write_bytes(session["top"].read_bytes())
    with pytest.raises(InvalidSourceFileError, match="several files name the view 'top'"):
        read_lightning_pose_multiview(session["top"].parent)


def test_views_with_different_keypoints_are_not_one_session(tmp_path, session):
    frame = lp_view_values(1)
    frame.columns = frame.columns.set_levels([f"{k}_x" for k in frame.columns.levels[1]], level=1)
    odd = tmp_path / f"{LP_SESSION}_side.csv"
    frame.to_csv(odd)
    with pytest.raises(InvalidSourceFileError, match="not one session"):
        read_lightning_pose_multiview(
            session["top"], view_file_paths=[odd], view_names=["top", "side"], find_side_files=False
        )


def test_eks_multicam_output_reads_its_views_and_its_3d_poses(tmp_path):
    files = write_eks_multicam(tmp_path / "eks")
    for data in (
        read_lightning_pose_multiview(tmp_path / "eks"),
        read_lightning_pose_multiview(files["top"], view_file_paths=list(files.values())),
    ):
        assert sorted(data.cameras) == sorted(LP_VIEWS)  # a folder's files in name order
        assert data.scorer == EKS_SCORER
        track = data.views["bot"].tracks[0]
        assert [e.name for e in track.extra_coords] == ["ens_median", "ens_var", "posterior_var"]
        table = read_lp_csv(tmp_path / "eks/multicam_3d_results.csv")
        values = table.to_numpy(dtype="float64").reshape(len(table), 17, 6)
        (track_3d,) = data.pose_3d.tracks
        np.testing.assert_array_equal(np.asarray(track_3d.positions), values[:, :, :3])
        assert track_3d.confidence is None
        np.testing.assert_array_equal(np.asarray(track_3d.extra_coords[0].values), values[:, :, 3:])
        # The calibration's length unit, which no file records (it was "pixels").
        assert data.pose_3d.unit == "n.a." and "world frame" in data.pose_3d.reference_frame


def test_eks_files_given_with_the_3d_file_among_them_read_as_the_folder(tmp_path):
    # `poseconv convert out/multicam_*.csv --source lp-multiview`: the 3D file, first in name order, was read as
    # a camera named '3d' and the session refused ("the poses of camera '3d' are 3D").
    files = write_eks_multicam(tmp_path / "eks")
    points = tmp_path / "eks/multicam_3d_results.csv"
    folder = read_lightning_pose_multiview(tmp_path / "eks")
    given = sorted([points, *files.values()])
    for data in (
        read_lightning_pose_multiview(given[0], view_file_paths=given),
        read_lightning_pose_multiview(points),  # the 3D file alone: its views are beside it
        read_lightning_pose_multiview(given[0], view_file_paths=given, points_3d_file_path=points),
    ):
        assert list(data.cameras) == list(folder.cameras)
        assert data.notes["points_3d_file"] == str(points)
        assert data.source_file.name != points.name
        np.testing.assert_array_equal(data.pose_3d.tracks[0].positions, folder.pose_3d.tracks[0].positions)
        for view in folder.views:
            np.testing.assert_array_equal(data.views[view].tracks[0].positions, folder.views[view].tracks[0].positions)
    other = tmp_path / "other_3d.csv"
    other.write_bytes(points.read_bytes())
    with pytest.raises(InvalidSourceFileError, match="give one"):
        read_lightning_pose_multiview(given[0], view_file_paths=given, points_3d_file_path=other)


def test_a_3d_file_beside_renamed_views_of_several_sessions_is_not_taken(tmp_path):
    # The Lightning Pose app runs EKS per session into one folder and renames the views <session>_<view>.csv:
    # the one multicam_3d_results.csv there is the last session's, and was written into the first session's file.
    files = write_eks_multicam(tmp_path / "eks")
    renamed = {}
    for session in ("s1", "s2"):
        for view, file in files.items():
            renamed[(session, view)] = tmp_path / "eks" / f"{session}_{view}.csv"
            renamed[(session, view)].write_bytes(file.read_bytes())
    for file in files.values():
        file.unlink()
    s1 = [renamed[("s1", view)] for view in files]
    with pytest.warns(PoseconvWarning, match="may be another session's"):
        data = read_lightning_pose_multiview(s1[0], view_file_paths=s1)
    assert data.pose_3d is None and data.notes["points_3d_file"] is None
    # Given, it is taken; one session's renamed views alone in their folder take it as before.
    points = tmp_path / "eks/multicam_3d_results.csv"
    assert read_lightning_pose_multiview(s1[0], view_file_paths=s1, points_3d_file_path=points).pose_3d is not None
    for view in files:
        renamed[("s2", view)].unlink()
    # Another CSV of the session (frame times) is no other session's views.
    (tmp_path / "eks" / "s1_frame_times.csv").write_text("t\n0.0\n")
    assert read_lightning_pose_multiview(s1[0], view_file_paths=s1).pose_3d is not None


def test_the_3d_file_alone_reads_as_3d_poses(tmp_path):
    write_eks_multicam(tmp_path)
    pose = read_lightning_pose(tmp_path / "multicam_3d_results.csv")
    assert pose.n_dims == 3 and "world frame" in pose.reference_frame and pose.unit == "n.a."


def test_an_individuals_level_is_refused_saying_what_lightning_pose_writes(tmp_path):
    path = tmp_path / "ma.csv"
    path.write_text(
        "scorer,heatmap_tracker,heatmap_tracker\nindividuals,m1,m1\nbodyparts,nose,nose\ncoords,x,y\n0,1.0,2.0\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidSourceFileError, match="writes no multi-animal files"):
        read_lightning_pose(path)


def test_the_session_calibration_is_found_as_lightning_pose_finds_it(tmp_path, session):
    path = write_lp_calibration(tmp_path / "project")  # the config's data.data_dir
    data = read_lightning_pose_multiview(session["top"])
    assert data.notes["calibration_file"] == str(path)
    for view, expected in LP_CALIBRATION.items():
        camera = data.cameras[view]
        np.testing.assert_array_equal(camera.intrinsic_matrix, expected["matrix"])
        np.testing.assert_array_equal(camera.distortion_coefficients, expected["distortions"])
        np.testing.assert_array_equal(camera.translation_vector, expected["translation"])
        assert camera.image_size == tuple(expected["size"])
        rotation = Rotation.from_rotvec(expected["rotation"]).as_matrix()
        np.testing.assert_allclose(camera.rotation_matrix, rotation, rtol=0, atol=1e-12)


def test_eks_multicam_output_finds_the_calibration_beside_it(tmp_path):
    # EKS writes its 3D results only when given the calibration, which users keep beside the output;
    # without a model config it was not found, and no command-line option could give it.
    write_eks_multicam(tmp_path / "eks")
    path = write_lp_calibration(tmp_path / "eks").rename(tmp_path / "eks" / "calibration.toml")
    data = read_lightning_pose_multiview(tmp_path / "eks")
    assert data.notes["calibration_file"] == str(path)
    assert all(camera.is_calibrated for camera in data.cameras.values())
    np.testing.assert_array_equal(data.cameras["top"].intrinsic_matrix, LP_CALIBRATION["top"]["matrix"])


def test_a_fisheye_calibration_keeps_its_four_coefficients(tmp_path):
    # aniposelib writes a fisheye camera with 4 distortions and fisheye = true; it was refused as "not an
    # Anipose camera calibration" (sleap-io's Camera takes 5).
    from poseconv.errors import InvalidOptionError
    from poseconv.exporters.sleap_session import camera_of
    from poseconv.readers.lightningpose_calibration import read_anipose_calibration

    path = write_lp_calibration(tmp_path, fisheye_distortions=[0.1, 0.2, 0.3, 0.4])
    cameras = read_anipose_calibration(path, list(LP_CALIBRATION))
    for camera, expected in zip(cameras, LP_CALIBRATION.values(), strict=True):
        np.testing.assert_array_equal(camera.distortion_coefficients, [0.1, 0.2, 0.3, 0.4])
        rotation = Rotation.from_rotvec(expected["rotation"]).as_matrix()
        np.testing.assert_allclose(camera.rotation_matrix, rotation, rtol=0, atol=1e-12)
        assert "Fisheye lens model" in camera.description
    # SLEAP's cameras take 5 coefficients: a .slp export says so rather than fail inside sleap-io.
    with pytest.raises(InvalidOptionError, match="has 4 distortion coefficients"):
        camera_of(cameras[0])


def test_a_calibration_without_a_view_s_camera_is_refused(tmp_path, session):
    path = tmp_path / "calibration.toml"
    text = (
        '[cam_0]\nname = "side"\nsize = [1, 1]\nmatrix = [[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]]\n'
        "distortions = [0.0, 0, 0, 0, 0]\nrotation = [0.0, 0, 0]\ntranslation = [0.0, 0, 0]\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidSourceFileError, match=r"no camera named \['top', 'bot'\]"):
        read_lightning_pose_multiview(session["top"], calibration_file_path=path)
    path.write_text("[cam_0\n", encoding="utf-8")
    with pytest.raises(InvalidSourceFileError, match="not an Anipose camera calibration"):
        read_lightning_pose_multiview(session["top"], calibration_file_path=path)
