"""Default metadata of a multi-camera session (poseconv.metadata.multicamera)."""

from __future__ import annotations

from poseconv import read_lightning_pose_multiview
from poseconv.metadata.multicamera import default_multicamera_metadata
from tests.fixtures.lightningpose import write_eks_multicam
from tests.fixtures.paths import SHARED_DATA, needs_shared_data


def _description(data) -> str:
    (entry,) = default_multicamera_metadata(data)["Pose"]["MultiCameraPoseEstimations"].values()
    return entry["description"]


def test_the_3d_container_names_the_file_its_3d_poses_were_read_from(tmp_path):
    # EKS writes the 3D poses into multicam_3d_results.csv, beside the views' multicam_<view>_results.csv.
    write_eks_multicam(tmp_path / "eks")
    description = _description(read_lightning_pose_multiview(tmp_path / "eks"))
    assert description.startswith("3D poses of 'individual'")
    assert description.endswith("read from multicam_3d_results.csv.")
    assert "multicam_bot_results.csv" not in description and "multicam_top_results.csv" not in description


def test_a_session_without_3d_names_every_view_s_file(tmp_path):
    files = write_eks_multicam(tmp_path / "eks", with_3d=False)
    data = read_lightning_pose_multiview(tmp_path / "eks")
    assert data.pose_3d is None
    description = _description(data)
    assert description.endswith(f"read from {', '.join(files[view].name for view in data.views)}.")


@needs_shared_data
def test_views_a_user_placed_are_not_said_estimated():
    # The one-camera description said poses placed by hand (no scorer); a SLEAP session's views said "estimated with".
    from poseconv.readers.sleap import read_sleap_session

    data = read_sleap_session(SHARED_DATA / "sleap-io.js/tests/data/slp/py_written_28_multiview3d.slp")
    assert all(track.placed_by_hand for view in data.views.values() for track in view.tracks)
    metadata = default_multicamera_metadata(data)
    views = [
        view
        for entry in metadata["Pose"]["MultiCameraPoseEstimations"].values()
        for view in (entry.get("CameraViews") or {}).values()
        if "description" in view and view["description"].startswith("Poses of")
    ]
    assert views and all(" placed by hand in SLEAP on video " in view["description"] for view in views)
    assert not any("scorer" in view for view in views)


@needs_shared_data
def test_views_a_user_placed_are_not_credited_to_the_model_the_file_records():
    # The model sentence (SLEAP's predictor) went into every view's description, poses placed by hand too.
    import dataclasses

    from poseconv.readers.sleap import read_sleap_session

    data = read_sleap_session(SHARED_DATA / "sleap-io.js/tests/data/slp/py_written_28_multiview3d.slp")
    model = "Predicted by SLEAP 1.4.1 (TopDownPredictor)."
    views = {
        camera: dataclasses.replace(view, notes={**view.notes, "model": model}) for camera, view in data.views.items()
    }
    metadata = default_multicamera_metadata(dataclasses.replace(data, views=views))
    described = [
        view["description"]
        for entry in metadata["Pose"]["MultiCameraPoseEstimations"].values()
        for view in (entry.get("CameraViews") or {}).values()
        if view.get("description", "").startswith("Poses of")
    ]
    assert described and not any(model in description for description in described)
