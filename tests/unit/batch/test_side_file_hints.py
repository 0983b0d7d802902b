"""A spec's pose entry naming a file that no interface converts is not told to name an interface for it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from poseconv.batch.plan import plan_spec

START = "2024-05-01T10:30:00+02:00"
KEYPOINTS = ["paw_l", "paw_r", "nose"]


def test_a_lightning_pose_metrics_file_is_not_told_to_name_an_interface(tmp_path):
    # Lightning Pose writes <predictions stem>_temporal_norm.csv beside the predictions: the problem said
    # what it is, then "Name it with sessions[0].pose[0].interface.", though no interface converts metrics.
    metrics = tmp_path / "s1_temporal_norm.csv"
    pd.DataFrame(np.ones((10, 3)), columns=KEYPOINTS).to_csv(metrics)
    sessions = [{"session_id": "m1", "session_start_time": START, "pose": [{"file_path": str(metrics)}]}]
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({"output_folder": "nwb", "sessions": sessions}), encoding="utf-8")
    (problem,) = plan_spec(spec).problems
    assert problem.location == "sessions[0].pose[0].file_path"
    assert "is a Lightning Pose metrics file" in problem.message
    assert "poseconv converts the predictions, not their metrics." in problem.message
    assert "interface" not in problem.message
