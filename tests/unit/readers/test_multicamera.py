"""What the multi-camera readers share (readers/multicamera.py): the session built from its parts."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.model import PoseData, PoseTrack, Skeleton, VideoInfo
from poseconv.model.multicamera import CameraCalibration
from poseconv.readers.multicamera import session_from_parts


def _pose(video: str, n_dims: int, *, version: str | None, scorer: str | None) -> PoseData:
    return PoseData.from_tracks(
        source_software="SomeTool",
        source_file="poses.h5",
        skeletons=[Skeleton(name="animal", nodes=("nose", "tail"))],
        videos=[VideoInfo(key=video)],
        tracks=[PoseTrack(name="a", skeleton="animal", video=video, positions=np.zeros((3, 2, n_dims)))],
        source_software_version=version,
        scorer=scorer,
    )


def test_the_session_records_the_version_and_scorer_of_the_poses_its_reader_names(tmp_path):
    view = _pose("cam1", 2, version="2.3.9", scorer="DLC_resnet50_2D")
    pose_3d = _pose("3D", 3, version="2.3.10", scorer="DLC_3D")
    path = tmp_path / "session.h5"
    for made_by in (view, pose_3d):
        session = session_from_parts(
            "SomeTool", path, [CameraCalibration(name="cam1")], {"cam1": view}, pose_3d, made_by=made_by, notes={"a": 1}
        )
        assert (session.source_software_version, session.scorer) == (made_by.source_software_version, made_by.scorer)
    assert session.source_software == "SomeTool" and session.notes == {"a": 1} and session.timing is None
    assert list(session.cameras) == ["cam1"] and session.views["cam1"] is view and session.pose_3d is pose_3d


def test_the_session_is_checked_as_the_model_checks_it(tmp_path):
    view_3d = _pose("cam1", 3, version=None, scorer=None)
    with pytest.raises(ValueError, match="camera views hold 2D poses"):
        session_from_parts(
            "SomeTool",
            tmp_path / "s.h5",
            [CameraCalibration(name="cam1")],
            {"cam1": view_3d},
            None,
            made_by=view_3d,
            notes={},
        )
