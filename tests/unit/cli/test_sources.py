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
