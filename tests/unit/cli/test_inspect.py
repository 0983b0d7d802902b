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


def test_json_of_a_signed_url_leaves_out_its_signature_and_credential(tmp_path, range_server):
    # "file" kept the URL whole (signature, credential) while the same JSON's source_file left them out.
    import json

    from tests.fixtures.deeplabcut import write_dlc_file

    scorer = "DLC_resnet50_testJan1shuffle1_100"
    source = write_dlc_file(tmp_path / f"s{scorer}.h5", {"nose": np.ones((3, 2))}, likelihood={"nose": np.ones(3)})
    start = "2024-05-01T10:00:00+00:00"
    converted = poseconv_in_process(
        "convert", source, "--fps", 30, "-o", range_server.root / "s.nwb", "-q", "--session-start-time", start
    )
    assert converted.returncode == 0, converted.stderr
    url = range_server.url("s.nwb") + "?X-Amz-Credential=AKIASECRET&X-Amz-Signature=deadbeef"
    result = poseconv_in_process("inspect", url, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["file"] == document["poses"][0]["source_file"] == range_server.url("s.nwb")
    text = poseconv_in_process("inspect", url)
    assert "AKIASECRET" not in text.stdout and "deadbeef" not in text.stdout, text.stdout
