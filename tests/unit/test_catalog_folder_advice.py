"""The message for a folder given as a pose file: the pose files inside it, not Lightning Pose's metrics."""

from __future__ import annotations

from poseconv.catalog import folder_advice


def test_lightning_pose_metrics_and_bounding_boxes_are_not_offered_as_pose_files(tmp_path):
    # A video_preds folder: the predictions, and the metrics and boxes Lightning Pose writes beside them, which
    # were listed as files to give ("test_vid.csv, test_vid_pca_singleview_error.csv, test_vid_temporal_norm.csv").
    folder = tmp_path / "video_preds"
    folder.mkdir()
    names = ["test_vid.csv", "test_vid_temporal_norm.csv", "test_vid_pca_singleview_error.csv"]
    names += ["test_vid_pca_multiview_error.csv", "test_vid_pixel_error.csv", "test_vid_bbox.csv"]
    for name in names:
        (folder / name).write_text("x")
    advice = folder_advice(folder, lambda fmt: f"--source {fmt.aliases[0]}")
    assert "files: test_vid.csv)," in advice
    for name in names[1:]:
        assert name not in advice
