"""The multi-camera model checks its invariants once, at construction."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.model import PoseData, PoseTrack, Skeleton, VideoInfo
from poseconv.model.multicamera import CameraCalibration, MultiCameraPoseData


def _pose(nodes, dims, name="mouse", n_frames=4, video="v"):
    return PoseData.from_tracks(
        source_software="Tool",
        source_file="f",
        skeletons=[Skeleton(name="S", nodes=tuple(nodes))],
        videos=[VideoInfo(key=video)],
        tracks=[PoseTrack(name=name, skeleton="S", video=video, positions=np.zeros((n_frames, len(nodes), dims)))],
    )


def test_calibration_shapes_and_units_are_checked():
    camera = CameraCalibration(
        name="cam", intrinsic_matrix=np.eye(3), translation_vector=[1, 2, 3], distortion_coefficients=[[0.1, 0.2]]
    )
    assert camera.translation_vector.dtype == np.float64
    assert camera.distortion_coefficients.shape == (2,)
    assert camera.is_calibrated
    assert not CameraCalibration(name="plain").is_calibrated
    with pytest.raises(ValueError, match=r"intrinsic_matrix must have shape \(3, 3\)"):
        CameraCalibration(name="cam", intrinsic_matrix=np.eye(4))
    with pytest.raises(ValueError, match="translation_vector"):
        CameraCalibration(name="cam", intrinsic_matrix=np.eye(3), translation_vector=[1, 2])
    with pytest.raises(ValueError, match="non-finite"):
        CameraCalibration(name="cam", intrinsic_matrix=np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="unit must be one of"):
        CameraCalibration(name="cam", intrinsic_matrix=np.eye(3), unit="mm")
    with pytest.raises(ValueError, match="without an intrinsic matrix"):
        CameraCalibration(name="cam", rotation_matrix=np.eye(3))
    with pytest.raises(ValueError, match="no '/'"):
        CameraCalibration(name="a/b")


def test_session_invariants():
    cameras = [CameraCalibration(name="left"), CameraCalibration(name="right")]
    data = MultiCameraPoseData.from_parts(
        source_software="Tool",
        source_file="f",
        cameras=cameras,
        views={"right": _pose("abc", 2, n_frames=6), "left": _pose("abc", 2)},
        pose_3d=_pose("abc", 3, n_frames=5),
    )
    assert list(data.views) == ["left", "right"]  # rig order
    assert data.n_frames == 6
    assert data.individuals() == ["mouse"]
    with pytest.raises(KeyError, match="ghost"):
        data.select_individuals(["ghost"])
    with pytest.raises(ValueError, match="unknown cameras"):
        MultiCameraPoseData.from_parts(
            source_software="T", source_file="f", cameras=cameras, views={"top": _pose("abc", 2)}, pose_3d=None
        )
    with pytest.raises(ValueError, match="2D poses"):
        MultiCameraPoseData.from_parts(
            source_software="T", source_file="f", cameras=cameras, views={"left": _pose("abc", 3)}, pose_3d=None
        )
    with pytest.raises(ValueError, match="x, y and z"):
        MultiCameraPoseData.from_parts(
            source_software="T", source_file="f", cameras=cameras, views={}, pose_3d=_pose("abc", 2)
        )
    with pytest.raises(ValueError, match="different nodes"):
        MultiCameraPoseData.from_parts(
            source_software="T",
            source_file="f",
            cameras=cameras,
            views={"left": _pose("ab", 2)},
            pose_3d=_pose("abc", 3),
        )
    with pytest.raises(ValueError, match="Two cameras"):
        MultiCameraPoseData.from_parts(
            source_software="T", source_file="f", cameras=cameras * 2, views={}, pose_3d=None
        )
