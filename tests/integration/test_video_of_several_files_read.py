"""One camera recorded in two files, read back: each file's poses are that file's, in inspect and the exports.

The NWB file of tests/integration/test_video_of_several_files.py (neuroconv's ExternalVideoInterface of both
files, the SLEAP poses of each linking it) was read as an image sequence of two images: ``inspect`` said
"file: 2 images" and 12 frames for the second file's poses, and ``export --to slp`` wrote both files as one image
video, the second file's poses on its frames 6 to 11.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sleap_io as sio
from neuroconv import NWBConverter

from poseconv import PoseNWBConverter
from tests.fixtures.cli import poseconv_in_process
from tests.integration.test_video_of_several_files import (  # noqa: F401 (segments: a fixture)
    FRAMES,
    _convert,
    segments,
    write_segments,
)


@pytest.mark.parametrize("base", [PoseNWBConverter, NWBConverter])
def test_each_file_s_poses_are_read_and_exported_as_that_file_s(segments, tmp_path, base):  # noqa: F811
    files, _ = segments
    _convert(segments, tmp_path, base)
    nwb = tmp_path / "session.nwb"
    shown = poseconv_in_process("inspect", nwb)
    assert shown.returncode == 0, shown.stderr
    assert "images" not in shown.stdout
    for file in files:
        assert f"video {file.stem}: {FRAMES} frames" in shown.stdout
        assert f"file: {file}" in shown.stdout
    out = tmp_path / "back.slp"
    exported = poseconv_in_process("export", nwb, "--to", "slp", out)
    assert exported.returncode == 0, exported.stderr
    labels = sio.load_slp(str(out))
    assert sorted(Path(video.filename).name for video in labels.videos) == [file.name for file in files]
    for video in labels.videos:
        assert video.shape[0] == FRAMES
        # SLEAP's frame_idx of each file, as the .slp converted had them; x is the frame's number there.
        frames = sorted(frame.frame_idx for frame in labels.labeled_frames if frame.video is video)
        assert frames == list(range(FRAMES))
        assert all(f.instances[0].numpy()[0, 0] == f.frame_idx for f in labels.labeled_frames if f.video is video)


def test_validate_compares_each_file_s_poses_with_that_file_s_frames(segments, tmp_path):  # noqa: F811
    # validate added up the frames of both files: every container was said to hold fewer samples than its video.
    from poseconv.validation.pose_checks import check_pose_file

    _convert(segments, tmp_path, PoseNWBConverter)
    problems = check_pose_file(tmp_path / "session.nwb")
    assert [p for p in problems if p.check == "poseconv:video_frame_count"] == []


def test_segments_of_a_camera_s_own_container_are_read_as_linked(tmp_path):
    # The writer linked a .ts file as a segment (any file not a still image); the readers took segments to be
    # files named like .mp4 and read these as a sequence of two images, the poses on its frames 6 to 11.
    files = write_segments(tmp_path, ".ts")
    _convert(files, tmp_path, PoseNWBConverter)
    shown = poseconv_in_process("inspect", tmp_path / "session.nwb")
    assert shown.returncode == 0, shown.stderr
    assert "images" not in shown.stdout
    for file in files[0]:
        assert f"video {file.stem}: {FRAMES} frames" in shown.stdout
