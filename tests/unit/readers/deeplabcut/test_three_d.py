"""DeepLabCut 3D reader: 3D values, the camera views triangulated, the stereo calibration, and clear errors."""

from __future__ import annotations

import pickle
import shutil

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.three_d import (
    find_3d_config_file,
    read_deeplabcut_3d,
)
from poseconv.readers.safety.safe_pickle import load_metadata_pickle
from tests.fixtures.multicamera import (
    DLC_3D_CONFIG,
    DLC_3D_CSV,
    DLC_3D_H5,
    DLC_3D_META,
    DLC_CAMERA_FILES,
)


def _stereo():
    return load_metadata_pickle(DLC_3D_META)["stereo_matrix"]


@pytest.mark.parametrize("path", [DLC_3D_H5, DLC_3D_CSV], ids=["h5", "csv"])
def test_real_3d_session_every_value(path):
    data = read_deeplabcut_3d(path, config_file_path=DLC_3D_CONFIG)

    assert data.source_software == "DeepLabCut"
    assert data.scorer == "DLC_3D"
    assert list(data.cameras) == ["camera-1", "camera-2"]
    assert data.individuals() == ["individual"]
    # 3D: every x, y, z of the file, NaN stays NaN, unit honest.
    table = pd.read_hdf(DLC_3D_H5)
    track = data.pose_3d.tracks[0]
    assert track.positions.shape == (12, 4, 3)
    assert track.confidence is None  # DLC 3D has no likelihood; z is never taken for one.
    for j, part in enumerate(data.pose_3d.skeletons[track.skeleton].nodes):
        for d, axis in enumerate("xyz"):
            np.testing.assert_array_equal(track.positions[:, j, d], table[("DLC_3D", part, axis)].to_numpy())
    assert data.pose_3d.unit == "n.a."
    assert "rectified frame of camera 'camera-1'" in data.pose_3d.reference_frame
    assert "checkerboard" in data.pose_3d.reference_frame
    # Skeleton from the 3D project config.
    skeleton = data.skeleton_for("individual")
    assert skeleton.nodes == ("bodypart1", "bodypart2", "bodypart3", "objectA")
    assert skeleton.edges == ((0, 1), (3, 2))
    # 2D views: the unfiltered files (re-triangulation tells them from the filtered twins).
    assert data.notes["camera_files"] == {camera: str(p) for camera, p in DLC_CAMERA_FILES.items()}
    errors = data.notes["camera_file_choice"]["retriangulation_relative_error"]
    assert errors[""] < 1e-9 < 1e-2 < errors["filtered"]
    for camera, file in DLC_CAMERA_FILES.items():
        source = pd.read_hdf(file)
        view_track = data.views[camera].tracks[0]
        scorer = source.columns.get_level_values("scorer")[0]
        for j, part in enumerate(skeleton.nodes):
            np.testing.assert_array_equal(view_track.positions[:, j, 0], source[(scorer, part, "x")].to_numpy())
            np.testing.assert_array_equal(view_track.positions[:, j, 1], source[(scorer, part, "y")].to_numpy())
            np.testing.assert_array_equal(view_track.confidence[:, j], source[(scorer, part, "likelihood")].to_numpy())
        assert data.views[camera].videos[view_track.video].path.name == f"vid1_{camera}.avi"
    # One clock: 30 fps from camera-1's metadata pickle.
    assert data.timing.rate == 30.0
    assert "camera-1" in data.timing.source


def test_real_calibration_matches_the_pickle():
    data = read_deeplabcut_3d(DLC_3D_H5, config_file_path=DLC_3D_CONFIG)
    stereo = _stereo()
    for index, camera in enumerate(["camera-1", "camera-2"], start=1):
        calibration = data.cameras[camera]
        np.testing.assert_array_equal(calibration.intrinsic_matrix, stereo[f"cameraMatrix{index}"])
        np.testing.assert_array_equal(calibration.distortion_coefficients, stereo[f"distCoeffs{index}"].ravel())
        np.testing.assert_array_equal(calibration.rotation_matrix, stereo[f"R{index}"].T)
        assert calibration.image_size == (640, 480)
        assert calibration.unit == "n.a."
    # The extrinsics reproduce the stereo pair's own R and T (camera-2 relative to camera-1).
    one, two = data.cameras["camera-1"], data.cameras["camera-2"]
    np.testing.assert_allclose(one.translation_vector, 0.0, atol=1e-12)
    np.testing.assert_allclose(two.rotation_matrix @ one.rotation_matrix.T, stereo["R"], atol=1e-12)
    np.testing.assert_allclose(two.translation_vector, stereo["T"].ravel(), atol=1e-12)


def test_camera_names_come_from_the_pickle_without_config(tmp_path):
    for path in [DLC_3D_H5, DLC_3D_META, *DLC_CAMERA_FILES.values()]:
        shutil.copy(path, tmp_path / path.name)
    data = read_deeplabcut_3d(tmp_path / DLC_3D_H5.name)
    assert list(data.cameras) == ["camera-1", "camera-2"]
    assert set(data.views) == {"camera-1", "camera-2"}
    assert find_3d_config_file(tmp_path / DLC_3D_H5.name) is None


def test_given_camera_files_are_used_as_given():
    filtered = {c: p.with_name(p.stem + "filtered.h5") for c, p in DLC_CAMERA_FILES.items()}
    # Given files are used, but the reader says they are not what the 3D point was triangulated from.
    with pytest.warns(PoseconvWarning, match="do not reproduce"):
        data = read_deeplabcut_3d(DLC_3D_H5, config_file_path=DLC_3D_CONFIG, camera_file_paths=filtered)
    assert data.notes["camera_files"] == {c: str(p) for c, p in filtered.items()}


def test_generated_multi_animal_session(generated_dlc_3d_session):
    session = generated_dlc_3d_session
    data = read_deeplabcut_3d(session["path"])
    assert list(data.cameras) == ["left", "right"]
    assert data.individuals() == ["mouse1", "mouse2"]
    assert data.timing is None  # nothing records a frame rate
    assert data.notes["camera_file_choice"]["retriangulation_relative_error"][""] < 1e-9
    for track in data.pose_3d.tracks:
        for j, part in enumerate(("snout", "ear", "tail")):
            np.testing.assert_array_equal(track.positions[:, j], session["points"][(track.name, part)])
    for camera in ("left", "right"):
        for track in data.views[camera].tracks:
            for j, part in enumerate(("snout", "ear", "tail")):
                expected = session["views"][camera]["positions"][(track.name, part)]
                np.testing.assert_array_equal(track.positions[:, j], expected)
    np.testing.assert_allclose(data.cameras["right"].translation_vector, [-2.0, 0.0, 0.0])


def test_no_evidence_between_variants_warns_and_takes_unfiltered(generated_dlc_3d_session):
    session = generated_dlc_3d_session
    table = pd.read_hdf(session["path"])
    table[:] = np.nan
    table.to_hdf(session["path"], key="df_with_missing", format="table", mode="w")
    with pytest.warns(PoseconvWarning, match="no finite 3D point"):
        data = read_deeplabcut_3d(session["path"])
    assert data.notes["camera_files"]["left"] == str(session["views"]["left"]["path"])


def test_views_that_do_not_reproduce_the_3d_points_warn(generated_dlc_3d_session):
    session = generated_dlc_3d_session
    for camera in ("left", "right"):
        session["views"][camera]["path"].unlink()
    # Only the filtered twins are left: they are the camera views, with a warning that they do not fit.
    with pytest.warns(PoseconvWarning, match="do not reproduce"):
        data = read_deeplabcut_3d(session["path"])
    assert data.notes["camera_files"]["left"].endswith("_filtered.h5")
    assert data.notes["retriangulation_relative_error"] > 1e-3


def test_plain_3d_file_alone_is_refused_with_a_pointer(tmp_path):
    alone = shutil.copy(DLC_3D_H5, tmp_path / DLC_3D_H5.name)
    with pytest.raises(InvalidSourceFileError, match="DeepLabCutPoseInterface"):
        read_deeplabcut_3d(alone)
    # The single-file reader still reads it as plain 3D: frames x 3, unit n.a., no confidence.
    pose = read_deeplabcut(alone)
    assert pose.n_dims == 3 and pose.unit == "n.a." and pose.tracks[0].confidence is None


def test_2d_file_is_refused():
    with pytest.raises(InvalidSourceFileError, match="x, y, z"):
        read_deeplabcut_3d(DLC_CAMERA_FILES["camera-1"], metadata_file_path=DLC_3D_META)


def test_metadata_pickle_without_stereo_matrix(tmp_path):
    bad = tmp_path / "vid1_DLC_3D_meta.pickle"
    with bad.open("wb") as handle:
        pickle.dump({"scorer_name": {"camera-1": "x"}}, handle)
    with pytest.raises(InvalidSourceFileError, match="stereo_matrix"):
        read_deeplabcut_3d(DLC_3D_H5, metadata_file_path=bad)


def test_config_and_pickle_disagree_on_cameras(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("camera_names:\n- left\n- right\nscorername_3d: DLC_3D\n", encoding="utf-8")
    with pytest.raises(InvalidSourceFileError, match="camera_names"):
        read_deeplabcut_3d(DLC_3D_H5, config_file_path=config)


def test_unknown_camera_in_camera_file_paths():
    with pytest.raises(InvalidOptionError, match="camera-3"):
        read_deeplabcut_3d(DLC_3D_H5, camera_file_paths={"camera-3": DLC_CAMERA_FILES["camera-1"]})


def _session_at_rates(session: dict, rates: tuple[float, float]) -> None:
    """Give each camera's 2D file of a generated session a ``_meta.pickle`` recording ``rates`` (left, right)."""
    for view, rate in zip(session["views"].values(), rates, strict=True):
        meta = {"data": {"fps": rate, "nframes": 20}}
        path = view["path"]
        with path.with_name(path.stem + "_meta.pickle").open("wb") as handle:
            pickle.dump(meta, handle)


def test_cameras_recording_other_rates_give_the_session_none(generated_dlc_3d_session):
    # The warning said the first camera's rate "is used for every view and the 3D poses", while converting
    # refused the session: a session is written on one clock, which rates 20 % apart do not say.
    _session_at_rates(generated_dlc_3d_session, (30.0, 25.0))
    with pytest.warns(PoseconvWarning, match="different frame rates") as caught:
        data = read_deeplabcut_3d(generated_dlc_3d_session["path"])
    assert data.timing is None
    (message,) = [str(w.message) for w in caught if "different frame rates" in str(w.message)]
    assert "('left' 30 fps, 'right' 25 fps)" in message and "none of them is taken" in message
    assert "--fps" in message and "DeepLabCutPoseInterface" in message and "is used for every view" not in message


def test_cameras_recording_one_clocks_rates_give_the_session_the_first_ones(generated_dlc_3d_session):
    # A measured 29.97 against a nominal 30 is one clock's: the session takes the first camera's times.
    _session_at_rates(generated_dlc_3d_session, (30.0, 29.97))
    with pytest.warns(PoseconvWarning, match="slightly different frame rates"):
        data = read_deeplabcut_3d(generated_dlc_3d_session["path"])
    assert data.timing.rate == 30.0 and "camera 'left'" in data.timing.source
