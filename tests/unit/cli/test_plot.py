"""``poseconv plot``: what it says of a file it cannot draw, and the image it draws over (cli/plot.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.paths import needs_shared_data
from tests.integration.test_cli import assert_one_line_error

sio = pytest.importorskip("sleap_io")

START = "2024-05-01T10:00:00+00:00"


def test_a_file_without_poses_is_named(tmp_path):
    # It said "Nothing to plot: the file holds no poses." without naming the file (export and inspect name it).
    from pynwb import NWBHDF5IO, NWBFile, TimeSeries

    nwbfile = NWBFile("s", "x", datetime(2024, 5, 1, tzinfo=UTC))
    nwbfile.add_acquisition(TimeSeries(name="lick", data=np.zeros(10), unit="V", rate=10.0))
    with NWBHDF5IO(str(tmp_path / "session.nwb"), "w") as io:
        io.write(nwbfile)
    result = poseconv_in_process("plot", tmp_path / "session.nwb", "-o", tmp_path / "x.png")
    assert_one_line_error(result, f"{tmp_path / 'session.nwb'}: holds no PoseEstimation to plot.")


def test_a_file_of_labels_says_what_shows_them(tmp_path):
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename="cam.mp4", open_backend=False)
    frames = [
        sio.LabeledFrame(video=video, frame_idx=i, instances=[sio.Instance.from_numpy(np.ones((2, 2)), skeleton)])
        for i in range(2)
    ]
    sio.save_slp(sio.Labels(frames, videos=[video], skeletons=[skeleton]), str(tmp_path / "labels.slp"))
    nwb = tmp_path / "labels.nwb"
    converted = poseconv_in_process(
        "convert", tmp_path / "labels.slp", "--source", "sleap-labels", "-o", nwb, "--session-start-time", START, "-q"
    )
    assert converted.returncode == 0, converted.stderr
    result = poseconv_in_process("plot", nwb, "-o", tmp_path / "x.png")
    assert_one_line_error(
        result, f"{nwb}: holds no PoseEstimation to plot", "(PoseTraining)", "inspect", "export --training"
    )
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(("frame", "image"), [(1, "img001.png"), (2, "img002.png")])
def test_a_frame_of_an_image_sequence_names_its_own_image(tmp_path, frame, image):
    # It drew the right image and said "over img000.png" whatever the frame.
    from tests.unit.cli.test_inspect import write_image_sequence_slp

    source, _ = write_image_sequence_slp(tmp_path)
    nwb = tmp_path / "p.nwb"
    converted = poseconv_in_process("convert", source, "--fps", 30, "-o", nwb, "--session-start-time", START, "-q")
    assert converted.returncode == 0, converted.stderr
    result = poseconv_in_process("plot", nwb, "--frame", frame, "-o", tmp_path / "f.png")
    assert result.returncode == 0, result.stderr
    assert f"pose frame {frame} over {image}" in result.stderr, result.stderr


@needs_shared_data
def test_an_output_without_an_image_suffix_and_a_color_by_without_video_are_said(tmp_path):
    # The summary went to a temporary 'x.partial' and matplotlib's error named the format 'partial'; --color-by
    # was checked only with --video, and without it did nothing.
    from tests.fixtures.deeplabcut import OLD_PICKLE_H5

    summary = poseconv_in_process("plot", OLD_PICKLE_H5, "-o", tmp_path / "summary")
    assert_one_line_error(summary, f"{tmp_path / 'summary'}: its suffix (none) names no image format; end the name in")
    assert "partial" not in summary.stderr and not list(tmp_path.iterdir())
    for value, said in (("bogus", "--color-by must be one of auto, individual, keypoint"), ("keypoint", "add --video")):
        result = poseconv_in_process("plot", OLD_PICKLE_H5, "-o", tmp_path / "x.png", "--color-by", value)
        assert_one_line_error(result, said)
    assert not list(tmp_path.iterdir())


def test_a_source_video_stored_in_the_file_is_not_said_missing(tmp_path):
    # It said the file linked "no source_video, original_videos, ..." although source_video links an ImageSeries
    # whose frames are in the file (neuroconv's InternalVideoInterface).
    from tests.unit.exporters.test_linked_video import write_stored_video_nwb

    path = write_stored_video_nwb(tmp_path / "f.nwb")
    result = poseconv_in_process("plot", path, "--frame", 1, "-o", tmp_path / "f.png")
    assert_one_line_error(
        result, "source_video '/acquisition/cam' (3 frames) is stored in the NWB file", "give one with --video-path"
    )
    assert "no source_video" not in result.stderr
