"""``poseconv inspect``'s text summary."""

from __future__ import annotations

import numpy as np
import pytest

from tests.fixtures.cli import poseconv_in_process

sio = pytest.importorskip("sleap_io")


def test_a_video_recorded_on_another_machine_is_not_shown_as_the_file(tmp_path):
    # It printed "file: C:/lab/cam1.mp4" as it prints a video found here.
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename="C:/lab/cam1.mp4", open_backend=False)
    frame = sio.LabeledFrame(
        video=video, frame_idx=0, instances=[sio.PredictedInstance.from_numpy(np.ones((2, 3)), skeleton=skeleton)]
    )
    sio.save_slp(sio.Labels([frame], videos=[video], skeletons=[skeleton]), str(tmp_path / "p.slp"))
    result = poseconv_in_process("inspect", tmp_path / "p.slp")
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "file: not here (recorded as C:/lab/cam1.mp4)" in said, result.stdout
