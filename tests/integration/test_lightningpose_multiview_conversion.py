"""Lightning Pose multi-view sessions → NWB from every entry point, read back value for value.

The per-view CSVs are written as Lightning Pose's multi-view prediction writes them (see
:func:`tests.fixtures.lightningpose.write_lp_multiview_session`), with the real ``test_vid.mp4``
as every view's video, and as EKS multi-camera smoothing writes them (with its 3D file).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from pynwb import NWBHDF5IO

from poseconv import LightningPoseMultiViewInterface, PoseNWBConverter, read_multicamera
from poseconv.video import probe_video
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.lightningpose import (
    LP_CALIBRATION,
    LP_SESSION,
    LP_VIDEO,
    LP_VIEWS,
    read_lp_csv,
    write_eks_multicam,
    write_lp_calibration,
    write_lp_multiview_session,
)
from tests.fixtures.nwb import assert_inspector_clean, user_metadata

START = "2024-05-01T10:30:00+02:00"


def assert_session_equals_csvs(path, files, *, times=None):
    """The NWB file holds one multi-camera session whose every view equals its CSV, value for value."""
    (session,) = read_multicamera(path)
    assert session.source_software == "LightningPose"
    assert sorted(session.cameras) == sorted(files)
    for view, csv_path in files.items():
        table = read_lp_csv(csv_path)
        values = table.to_numpy(dtype="float64").reshape(len(table), -1, 3)
        (track,) = session.views[view].tracks
        np.testing.assert_array_equal(np.asarray(track.positions), values[:, :, :2])
        np.testing.assert_array_equal(np.asarray(track.confidence), values[:, :, 2])
    if times is not None:
        np.testing.assert_allclose(session.timing.times(session.n_frames), times)
    return session


@pytest.fixture
def files(tmp_path):
    return write_lp_multiview_session(tmp_path / "model")


@pytest.fixture
def video_times():
    return probe_video(LP_VIDEO).timing().times(994)


def test_interface_writes_one_camera_per_view_timed_by_the_videos(tmp_path, files, video_times):
    interface = LightningPoseMultiViewInterface(file_path=files["top"])
    path = tmp_path / "session.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface))
    assert_inspector_clean(path)
    assert_session_equals_csvs(path, files, times=video_times)
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        assert set(LP_VIEWS) <= set(nwbfile.devices)
        container = nwbfile.processing["behavior"]["MultiCameraPoseEstimation"]
        assert container.source_software == "LightningPose"
        assert len(container.pose_estimations) == len(LP_VIEWS)
        # The model its config names, as a single view's container says it (the views' descriptions lacked it).
        for view in container.pose_estimations.values():
            assert "Model: LightningPose model_type heatmap_multiview" in view.description


def test_cli_converts_the_views_given_together_and_a_folder(tmp_path, files, video_times):
    out = {"files": tmp_path / "files.nwb", "folder": tmp_path / "folder.nwb"}
    results = [
        poseconv_in_process("convert", *inputs, "--source", "lp-multiview", "--session-start-time", START, "-o", target)
        for inputs, target in (
            ((files["top"], files["bot"]), out["files"]),
            ((files["top"].parent,), out["folder"]),
        )
    ]
    for result in results:
        assert result.returncode == 0, result.stderr
    for path in out.values():
        assert_session_equals_csvs(path, files, times=video_times)


def test_cli_gives_one_video_per_view_and_single_view_inputs_stay_apart(tmp_path, files):
    other_video = tmp_path / "elsewhere.mp4"
    other_video.write_bytes(LP_VIDEO.read_bytes())  # a copy (1.7 MB): a link would resolve to the same file
    target = tmp_path / "videos.nwb"
    result = poseconv_in_process(
        "convert", files["bot"], files["top"], "--source", "lp-multiview", "--video", other_video, "--video",
        LP_VIDEO, "--session-start-time", START, "-o", target,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with NWBHDF5IO(target, "r") as io:
        # Each video goes to the view of the file given at its place.
        acquisition = io.read().acquisition
        assert acquisition[f"Video {files['bot'].stem}"].external_file[0].endswith("elsewhere.mp4")
        assert acquisition[f"Video {files['top'].stem}"].external_file[0].endswith("test_vid.mp4")
    several = poseconv_in_process(
        "convert", files["top"], files["bot"], "--source", "lp", "--session-start-time", START, "-o", tmp_path / "x.nwb"
    )
    # A single-view format converts each input on its own, as before.
    assert several.returncode == 0, several.stderr
    assert_session_equals_csvs(target, files)


def test_cli_gives_a_folder_of_views_one_video_per_view(tmp_path, files):
    # Before: "--video was given 2 times for 1 inputs", and -O video_file_paths was refused as --video's.
    other_video = tmp_path / "elsewhere.mp4"
    other_video.write_bytes(LP_VIDEO.read_bytes())
    target = tmp_path / "folder_videos.nwb"
    folder = files["top"].parent
    result = poseconv_in_process(
        "convert", folder, "--source", "lp-multiview", "--video", other_video, "--video", LP_VIDEO,
        "--session-start-time", START, "-o", target,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with NWBHDF5IO(target, "r") as io:
        # In the config's view order (top, bot), as a list of videos given to the interface with a folder.
        acquisition = io.read().acquisition
        assert acquisition[f"Video {files['top'].stem}"].external_file[0].endswith("elsewhere.mp4")
        assert acquisition[f"Video {files['bot'].stem}"].external_file[0].endswith("test_vid.mp4")
    assert_session_equals_csvs(target, files)
    one = poseconv_in_process(
        "convert", folder, "--source", "lp-multiview", "--video", LP_VIDEO, "--session-start-time", START,
        "-o", tmp_path / "one.nwb",
    )  # fmt: skip
    assert one.returncode != 0 and "Traceback" not in one.stderr and "view" in one.stderr, one.stderr


@pytest.mark.parametrize("given", ["one view", "the folder"])
def test_a_run_spec_converts_a_session_from_one_view(tmp_path, files, video_times, given):
    # The folder, as `poseconv convert --source lp-multiview` and the interface take it: before, a
    # spec refused it as "not a file".
    file_path = files["top"] if given == "one view" else files["top"].parent
    spec = {
        "output_folder": "nwb",
        "metadata": {"Subject": {"species": "Mus musculus", "description": "Test animal."}},
        "sessions": [
            {
                "session_id": "lp-multiview",
                "session_start_time": START,
                "subject": {"subject_id": "m1", "sex": "M", "age": "P90D"},
                "pose": [{"file_path": str(file_path), "interface": "lp-multiview"}],
            }
        ],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result = poseconv_in_process("run", path, "-j", "1")
    assert result.returncode == 0, result.stderr
    assert_session_equals_csvs(tmp_path / "nwb/lp-multiview.nwb", files, times=video_times)


def test_one_view_with_dots_in_its_name_finds_the_others_from_every_entry_point(tmp_path):
    # EKS's example predictions are named 180607_004.train_frames=75.rng=0.<view>.csv: the other view was
    # looked for as 180607_004.train_frames=75.rng=0.csv and said missing, from the interface, convert and run.
    files = write_lp_multiview_session(tmp_path / "model", with_videos=False, with_metrics=False)
    for view, path in files.items():
        files[view] = path.rename(path.with_name(f"180607_004.train_frames=75.rng=0.{view}.csv"))
    (tmp_path / "model/config.yaml").unlink()  # the view names come from the user, not a config
    interface = LightningPoseMultiViewInterface(file_path=files["top"], view_names=list(LP_VIEWS))
    assert list(interface.get_metadata()["Pose"]["CalibratedCameras"]) == list(LP_VIEWS)
    result = poseconv_in_process(
        "convert", files["top"], "--source", "lp-multiview", "-O", "view_names=[top, bot]", "--fps", "30",
        "--session-start-time", START, "-o", tmp_path / "convert.nwb",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert_session_equals_csvs(tmp_path / "convert.nwb", files)
    pose = {"file_path": str(files["top"]), "interface": "lp-multiview", "sampling_frequency": 30.0}
    spec = {
        "output_folder": "nwb",
        "metadata": {"Subject": {"species": "Mus musculus", "description": "Test animal."}},
        "sessions": [
            {
                "session_id": "dots",
                "session_start_time": START,
                "subject": {"subject_id": "m1", "sex": "M", "age": "P90D"},
                "pose": [{**pose, "source_data": {"view_names": list(LP_VIEWS)}}],
            }
        ],
    }
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result = poseconv_in_process("run", tmp_path / "spec.yaml", "-j", "1")
    assert result.returncode == 0, result.stderr
    assert_session_equals_csvs(tmp_path / "nwb/dots.nwb", files)


def test_cli_converts_a_folder_whose_found_config_is_another_models(tmp_path, files, video_times):
    # Its keypoints are not the files': refused ("Pass the config ... or none") though none was passed.
    config = tmp_path / "model/config.yaml"
    config.write_text("data:\n  view_names: [top, bot]\n  keypoint_names: [paw1, paw2]\n", encoding="utf-8")
    out = tmp_path / "folder.nwb"
    result = poseconv_in_process(
        "convert", files["top"].parent, "--source", "lp-multiview", "--session-start-time", START, "-o", out
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("is another model's and is not used") == 1, result.stderr
    assert_session_equals_csvs(out, files, times=video_times)


def test_pose_nwb_converter_with_view_names_and_files(tmp_path, files):
    converter_class = type(
        "Converter", (PoseNWBConverter,), {"data_interface_classes": {"Views": LightningPoseMultiViewInterface}}
    )
    source = dict(
        file_path=str(files["bot"]),
        view_file_paths=[str(files["top"])],
        view_names=["bot", "top"],
        sampling_frequency=250.0,
        find_side_files=False,
    )
    converter = converter_class(source_data={"Views": source})
    path = tmp_path / "converter.nwb"
    converter.run_conversion(nwbfile_path=path, metadata=user_metadata(converter))
    # The same kind of file as the interface's (views, no calibration), which that test schema-validates.
    assert_inspector_clean(path, schema_validation=False)
    session = assert_session_equals_csvs(path, files, times=np.arange(994) / 250.0)
    assert list(session.cameras) == ["bot", "top"]


def assert_extra_coords_equal_csv(track, table, nodes):
    """Every extra column of the track (EKS ensemble and posterior variances) equals the CSV's, NaN included."""
    assert track.extra_coords, "the EKS columns were not kept"
    written = set()
    for extra in track.extra_coords:
        for j, node in enumerate(nodes):
            for k, column in enumerate(extra.columns):
                expected = table.xs((node, column), axis=1, level=(1, 2)).to_numpy(dtype="float64")[:, 0]
                np.testing.assert_array_equal(np.asarray(extra.values[:, j, k]), expected)
                written.add(column)
    standard = {"x", "y", "z", "likelihood"}
    assert written == set(table.columns.get_level_values(2)) - standard


@pytest.fixture(scope="module")
def eks_output(tmp_path_factory):
    """EKS multi-camera output (two views and the 3D poses), written once: the tests only read it."""
    folder = tmp_path_factory.mktemp("eks") / "eks"
    return folder, write_eks_multicam(folder)


def test_eks_multicam_writes_its_3d_poses_and_every_ensemble_column(tmp_path, eks_output):
    eks, files = eks_output
    interface = LightningPoseMultiViewInterface(file_path=eks, sampling_frequency=100.0)
    path = tmp_path / "eks.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface))
    assert_inspector_clean(path)
    (session,) = read_multicamera(path)
    table = read_lp_csv(eks / "multicam_3d_results.csv")
    values = table.to_numpy(dtype="float64").reshape(len(table), 17, 6)
    np.testing.assert_array_equal(np.asarray(session.pose_3d.tracks[0].positions), values[:, :, :3])
    nodes = session.pose_3d.skeletons[session.pose_3d.tracks[0].skeleton].nodes
    assert_extra_coords_equal_csv(session.pose_3d.tracks[0], table, nodes)
    for view, csv_path in files.items():
        table = read_lp_csv(csv_path)
        xy = table.to_numpy(dtype="float64").reshape(len(table), 17, 9)[:, :, :2]
        np.testing.assert_array_equal(np.asarray(session.views[view].tracks[0].positions), xy)
        assert_extra_coords_equal_csv(session.views[view].tracks[0], table, nodes)


def test_eks_multicam_exports_every_ensemble_column_back(tmp_path, eks_output):
    # The views' EKS columns are written beside the MultiCameraPoseEstimation; read_nwb (and so the
    # export) looked for them beside each view and dropped them: 12 columns of 36 came back.
    eks, _ = eks_output
    nwb, out = tmp_path / "eks.nwb", tmp_path / "back"
    poseconv_in_process(
        "convert", eks, "--source", "lp-multiview", "--fps", 100, "-o", nwb, "--session-start-time", START
    )
    out.mkdir()
    poseconv_in_process("export", nwb, out / "x.csv", "--to", "dlc", "-q")
    exported = {path.name: path for path in out.iterdir()}
    assert sorted(exported) == ["x_3D.csv", "x_multicam_bot_results.csv", "x_multicam_top_results.csv"]
    for name, path in exported.items():
        source = eks / ("multicam_3d_results.csv" if name == "x_3D.csv" else name.removeprefix("x_"))
        pd.testing.assert_frame_equal(read_lp_csv(path), read_lp_csv(source), check_exact=True)


def test_session_file_names_follow_lightning_pose(files):
    assert sorted(p.name for p in files.values()) == sorted(f"{LP_SESSION}_{view}.csv" for view in LP_VIEWS)


def test_the_session_calibration_becomes_calibrated_cameras(tmp_path, files):
    write_lp_calibration(tmp_path / "project")  # found through the config's data.data_dir
    interface = LightningPoseMultiViewInterface(file_path=files["top"])
    path = tmp_path / "calibrated.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface))
    assert_inspector_clean(path)
    session = assert_session_equals_csvs(path, files)
    for view, expected in LP_CALIBRATION.items():
        camera = session.cameras[view]
        assert camera.is_calibrated
        np.testing.assert_array_equal(camera.intrinsic_matrix, expected["matrix"])
        np.testing.assert_array_equal(camera.translation_vector, expected["translation"])
        np.testing.assert_array_equal(camera.rotation_matrix, interface.session.cameras[view].rotation_matrix)


def test_views_whose_videos_run_at_other_rates_are_refused(tmp_path, files):
    # A rig whose cameras run at different rates (the EKS repository's ibl-paw views: 1000 and 2500 rows): every
    # view was written on the first view's video times, without a word; one view here is re-linked to a 30 fps video.
    from poseconv.errors import InvalidOptionError
    from tests.fixtures.deeplabcut import OPEN_FIELD

    other = files[LP_VIEWS[1]].with_suffix(".mp4")
    other.unlink()
    other.symlink_to(OPEN_FIELD / "m3v1mp4.mp4")
    with pytest.raises(InvalidOptionError, match=r"run at different rates: .*30\.\d* fps.*convert each camera"):
        LightningPoseMultiViewInterface(file_path=files[LP_VIEWS[0]]).get_timestamps()


@pytest.mark.parametrize("given", ["ttl-per-video-frame", "interpolation", "ttl-per-pose-frame"])
def test_views_shorter_than_their_videos_keep_a_time_per_video_frame(tmp_path, files, given):
    # The bot view's CSV holds poses for the first 500 of its video's 994 frames: its video kept only the 500 times
    # of its pose rows (the view's video had no frame count), where a single view's video keeps them all.
    from poseconv.errors import PoseconvWarning

    rows = {"top": 994 if given == "ttl-per-video-frame" else 900, "bot": 500}
    for view, path in files.items():
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(lines[: 3 + rows[view]]))
    with pytest.warns(PoseconvWarning, match=r"has poses for 500 frames, the video \S+_bot.mp4 has 994"):
        interface = LightningPoseMultiViewInterface(file_path=files["top"].parent, view_names=list(files))
    steps = np.random.default_rng(1).uniform(0.0035, 0.0045, 994)  # the videos' 250 fps, jittered
    expected = np.cumsum(steps)
    if given == "interpolation":
        # The videos' rate mapped through three sync pairs off one line: times written one per frame.
        sync, session = np.array([0.0, 2.0, 5.0]), np.array([3.0, 5.0, 8.2])
        interface.align_by_interpolation(sync, session)
        expected = np.interp(probe_video(LP_VIDEO).timing().times(994), sync, session)
    else:
        expected = expected[: 900 if given == "ttl-per-pose-frame" else 994]
        interface.set_aligned_timestamps(expected)
    path = tmp_path / "session.nwb"
    # The first 100 frames of poses; the videos keep every frame's time.
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface), stub_test=True)
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        for view in files:
            np.testing.assert_allclose(nwbfile.acquisition[f"Video {LP_SESSION}_{view}"].timestamps[:], expected)
            poses = nwbfile.processing["behavior"]["MultiCameraPoseEstimation"].pose_estimations.values()
            (pose,) = [pose for pose in poses if pose.source_video.name == f"Video {LP_SESSION}_{view}"]
            (series, *_) = pose.pose_estimation_series.values()
            np.testing.assert_allclose(series.get_timestamps()[:], expected[:100])
