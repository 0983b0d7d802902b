"""How ``poseconv convert`` refuses an option an input cannot take (cli/_sources.py)."""

from __future__ import annotations

import numpy as np
import pytest

from poseconv.cli._sources import make_interface
from poseconv.errors import InvalidOptionError

sio = pytest.importorskip("sleap_io")


def _session_file(path):
    """A .slp with a recording session of two cameras, as sleap-io writes one, with a user-labeled pose."""
    from sleap_io.model.camera import Camera, CameraGroup, RecordingSession

    skeleton = sio.Skeleton(["a", "b"])
    videos = [sio.Video(filename=f"{c}.mp4", open_backend=False) for c in ("left", "right")]
    cameras = [Camera(name=c, size=(64, 48), tvec=np.array([10.0 * i, 0, 0])) for i, c in enumerate(("left", "right"))]
    session = RecordingSession(camera_group=CameraGroup(cameras=cameras))
    for camera, video in zip(cameras, videos, strict=True):
        session.add_video(video, camera)
    frames = [sio.LabeledFrame(video, 0, [sio.Instance.from_numpy(np.ones((2, 2)), skeleton)]) for video in videos]
    sio.save_slp(sio.Labels(frames, videos=videos, skeletons=[skeleton], sessions=[session]), str(path))
    return path


def test_training_of_a_sleap_session_names_the_way_to_its_labels(tmp_path):
    # The refusal was a bare "--training is not supported for SLEAP session files."
    path = _session_file(tmp_path / "rig session.slp")
    with pytest.raises(InvalidOptionError) as raised:
        make_interface(path, training=True)
    message = str(raised.value)
    assert message.startswith("--training is not supported for SLEAP session files.")
    assert f"poseconv convert '{path}' --source sleap-labels" in message
    assert "--append session.nwb" in message
    make_interface(path, source="sleap-labels")  # the way it names is taken


def _lp_multiview_model(folder):
    """A Lightning Pose multi-view model: its config (data.csv_file per view), the views' labels and predictions."""
    import pandas as pd

    keypoints, views = ["nose", "tail"], ("top", "bot")
    (folder / "data").mkdir(parents=True)
    (folder / "model/video_preds").mkdir(parents=True)
    (folder / "model/config.yaml").write_text(
        f"data:\n  data_dir: {folder / 'data'}\n  view_names: [top, bot]\n  keypoint_names: [nose, tail]\n"
        "  csv_file: [CollectedData_top.csv, CollectedData_bot.csv]\nmodel:\n  model_type: heatmap_multiview\n",
        encoding="utf-8",
    )
    for view in views:
        names = ["scorer", "bodyparts", "coords"]
        predicted = pd.MultiIndex.from_product([["heatmap_multiview_tracker"], keypoints, ["x", "y", "likelihood"]])
        pd.DataFrame(np.full((4, 6), 0.5), columns=predicted.set_names(names)).to_csv(
            folder / f"model/video_preds/s1_{view}.csv"
        )
        labeled = pd.MultiIndex.from_product([["anna"], keypoints, ["x", "y"]]).set_names(names)
        pd.DataFrame([[1.0, 2.0, 3.0, 4.0]], index=[f"labeled-data/s1_{view}/img03.png"], columns=labeled).to_csv(
            folder / f"data/CollectedData_{view}.csv"
        )
    return folder / "model/video_preds", [folder / f"data/CollectedData_{view}.csv" for view in views]


def test_training_of_a_lightning_pose_multi_view_session_names_each_view_s_labels(tmp_path):
    # The refusal was a bare "--training is not supported for LightningPose multi-view files."
    predictions, labels = _lp_multiview_model(tmp_path)
    for option in ({"training": True}, {"labeled_data": labels[0]}):
        with pytest.raises(InvalidOptionError) as raised:
            make_interface(predictions, source="lp-multiview", **option)
        message = str(raised.value)
        assert "is not supported for LightningPose multi-view files. Convert the session without it." in message
        assert f"poseconv convert {labels[0]} {labels[1]} --source lp-labels --append session.nwb" in message
    # The way it names is taken (the command line makes one interface per input): each view's labeled frames.
    for path in labels:
        assert len(make_interface(path, source="lp-labels").training_data.frames) == 1


def test_without_a_config_the_multi_view_hint_shows_the_labels_files_form(tmp_path):
    predictions, _labels = _lp_multiview_model(tmp_path)
    (predictions.parent / "config.yaml").unlink()
    with pytest.raises(InvalidOptionError) as raised:
        make_interface(predictions, source="lp-multiview", training=True, config=None)
    assert "poseconv convert CollectedData_<view1>.csv CollectedData_<view2>.csv --source lp-labels" in str(
        raised.value
    )
