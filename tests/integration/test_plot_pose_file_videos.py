"""`poseconv plot` of a pose file whose poses come from several videos: --container names the video to draw.

A pose file has no containers; the error asking to pick one video named --container, which was then refused
("--container applies to NWB files only").
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.fixtures.video import write_video
from tests.integration.test_cli import assert_one_line_error
from tests.integration.test_cli import poseconv as run

sio = pytest.importorskip("sleap_io")

# Where each video's one animal is (x, y), far apart in the 64 x 48 frames.
AT = {"c1": (10.0, 10.0), "c2": (50.0, 36.0)}


@pytest.fixture(scope="module")
def two_videos(tmp_path_factory):
    """A .slp of predictions on c1.mp4 and c2.mp4 (gray frames beside it), one animal on each, five frames."""
    folder = tmp_path_factory.mktemp("plot_videos")
    skeleton = sio.Skeleton(["nose", "tail"], name="s")
    frames, videos = [], []
    for key, (x, y) in AT.items():
        video = sio.Video(
            filename=str(write_video(folder / f"{key}.mp4", n_frames=5)),
            backend_metadata={"shape": (5, 48, 64, 3), "fps": 20.0},
            open_backend=False,
        )
        videos.append(video)
        points = np.array([[x, y, 0.9], [x + 1, y, 0.9]])
        frames += [
            sio.LabeledFrame(video, i, [sio.PredictedInstance.from_numpy(points, skeleton=skeleton, score=0.9)])
            for i in range(5)
        ]
    path = folder / "two.slp"
    sio.save_slp(sio.Labels(frames, videos=videos, skeletons=[skeleton]), str(path))
    return path


def _drawn(png, xy) -> bool:
    from PIL import Image

    with Image.open(png) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    x, y = (int(v) for v in xy)
    return bool(np.abs(pixels[y - 1 : y + 2, x - 1 : x + 2] - 128).max() > 40)


def test_container_picks_the_video_of_a_pose_file(two_videos, tmp_path):
    png = tmp_path / "c2.png"
    result = run("plot", two_videos, "--video", "--frame", 1, "-c", "c2", "-o", png)
    assert "c2.mp4" in result.stdout + result.stderr
    assert _drawn(png, AT["c2"]) and not _drawn(png, AT["c1"])


def test_several_videos_ask_for_the_container_that_works(two_videos, tmp_path):
    result = run("plot", two_videos, "--video", "--frame", 1, "-o", tmp_path / "p.png", check_rc=None)
    assert_one_line_error(result, "2 videos (c1, c2)", "--container c1")
    unknown = run("plot", two_videos, "--video", "--frame", 1, "-c", "c3", "-o", tmp_path / "p.png", check_rc=None)
    assert_one_line_error(unknown, "two.slp", "c3", "c1, c2")


def test_summary_plot_of_one_video_of_a_pose_file(two_videos, tmp_path):
    run("plot", two_videos, "-c", "c1", "-o", tmp_path / "s.png")
    assert (tmp_path / "s.png").stat().st_size > 0
