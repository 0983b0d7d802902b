"""``poseconv inspect``'s text summary."""

from __future__ import annotations

import numpy as np
import pytest

from tests.fixtures.cli import poseconv_in_process

sio = pytest.importorskip("sleap_io")

START = "2024-05-01T10:00:00+00:00"


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
    converted = poseconv_in_process(
        "convert", source, "--fps", 30, "-o", range_server.root / "s.nwb", "-q", "--session-start-time", START
    )
    assert converted.returncode == 0, converted.stderr
    url = range_server.url("s.nwb") + "?X-Amz-Credential=AKIASECRET&X-Amz-Signature=deadbeef"
    result = poseconv_in_process("inspect", url, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["file"] == document["poses"][0]["source_file"] == range_server.url("s.nwb")
    text = poseconv_in_process("inspect", url)
    assert "AKIASECRET" not in text.stdout and "deadbeef" not in text.stdout, text.stdout


def write_image_sequence_slp(folder, *, user: bool = False):
    """Write ``folder/p.slp`` of poses (or, ``user``, labels) on a video of three PNG images (``imgs/img00k.png``)."""
    from PIL import Image

    (folder / "imgs").mkdir()
    images = []
    for k in range(3):
        images.append(folder / "imgs" / f"img{k:03d}.png")
        Image.fromarray(np.full((48, 64, 3), 40 * k, np.uint8)).save(images[-1])
    skeleton = sio.Skeleton(["a", "b"])
    video = sio.Video.from_filename([str(image) for image in images])
    points = np.array([[1.0, 2.0], [3.0, 4.0]])

    def instance():
        if user:
            return sio.Instance.from_numpy(points, skeleton=skeleton)
        return sio.PredictedInstance.from_numpy(points, point_scores=np.array([0.5, 0.5]), score=0.5, skeleton=skeleton)

    frames = [sio.LabeledFrame(video=video, frame_idx=k, instances=[instance()]) for k in range(3)]
    sio.Labels(frames, videos=[video], skeletons=[skeleton]).save(str(folder / "p.slp"))
    return folder / "p.slp", images


@pytest.mark.parametrize("user", [False, True])
def test_an_image_sequence_whose_images_are_all_here_is_not_said_missing(tmp_path, user):
    # It said "file: not here (recorded as imgs/img000.png)": an image sequence has images, not one file
    # (VideoInfo.image_files, path None). So did the training summary's "source video".
    source, images = write_image_sequence_slp(tmp_path, user=user)
    nwb = tmp_path / "p.nwb"
    options = ("--source", "sleap-labels") if user else ("--fps", 30)
    converted = poseconv_in_process("convert", source, *options, "-o", nwb, "--session-start-time", START, "-q")
    assert converted.returncode == 0, converted.stderr
    result = poseconv_in_process("inspect", nwb)
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "not here" not in said, result.stdout
    assert f"file: 3 images, all here (first: {images[0]})" in said, result.stdout


def test_a_pose_file_is_inspected_without_the_nwb_training_reader(tmp_path, monkeypatch):
    # The reader of an NWB file's PoseTraining was imported for every pose file, which has none.
    import sys

    from tests.fixtures.deeplabcut import write_dlc_file

    source = write_dlc_file(
        tmp_path / "sDLC_resnet50_testJan1shuffle1_100.h5", {"nose": np.ones((3, 2))}, likelihood={"nose": np.ones(3)}
    )
    monkeypatch.setitem(sys.modules, "poseconv.nwb.read.training", None)  # importing it fails
    result = poseconv_in_process("inspect", source)
    assert result.returncode == 0, result.stderr
    assert "nose" in result.stdout


def test_a_source_video_stored_in_the_file_is_not_said_not_found(tmp_path):
    # neuroconv's InternalVideoInterface keeps the frames in the NWB file: inspect said "file: not found".
    import json

    from tests.unit.exporters.test_linked_video import write_stored_video_nwb

    path = write_stored_video_nwb(tmp_path / "f.nwb")
    result = poseconv_in_process("inspect", path)
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "file: stored in the NWB file (/acquisition/cam, 3 frames)" in said and "not found" not in said, said
    document = json.loads(poseconv_in_process("inspect", path, "--json").stdout)
    video = next(iter(document["poses"][0]["videos"].values()))
    assert video["stored_in_file"] == {"name": "/acquisition/cam", "n_frames": 3}


def test_a_narrow_terminal_gets_each_node_whole_with_its_values_one_per_line():
    # At 40 columns every node name and number was cut to 'bo…' / '0.…'.
    from io import StringIO

    from rich.console import Console

    from poseconv.cli.inspect import _node_table

    stats = {"mean": 0.549, "min": 0.41, "median": 0.591, "max": 1.0}
    nodes = ("bodypart1", "bodypart2", "a_very_long_node_name_from_a_lab_of_many_words")
    track = {"missing_fraction": dict.fromkeys(nodes, 0.125), "confidence": dict.fromkeys(nodes, stats)}

    def shown(width):
        console = Console(file=StringIO(), width=width, no_color=True)
        console.print(_node_table(console, track, "mouse"))
        return console.file.getvalue()

    narrow = shown(40)
    assert "…" not in narrow and "│ bodypart1 " in narrow, narrow
    assert all(value in narrow for value in ("missing 12.5%", "conf. mean 0.549", "min 0.410", "max 1.000"))
    # A name longer than its column folds over lines, whole.
    node_column = "".join(line.split("│")[1].strip() for line in narrow.splitlines() if line.startswith("│"))
    assert "a_very_long_node_name_from_a_lab_of_many_words" in node_column, narrow
    # As wide as a column per value needs: one row per node, as before.
    wide = shown(160)
    assert "conf. mean (posed) ┃   min ┃ median ┃   max" in wide and "│ bodypart1 " in wide, wide
    assert "│   12.5% │              0.549 │ 0.410 │  0.591 │ 1.000 │" in wide, wide
