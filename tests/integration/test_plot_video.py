"""`poseconv plot --video`: poses drawn over the frames of their video, checked pixel by pixel.

The multi-animal DeepLabCut predictions (3 mice + "single", 31 frames) are converted with their
video; the rendered frame must show each individual's colour at its keypoints, and the video's own
pixel where a keypoint is under --pcutoff.
"""

from __future__ import annotations

import shutil

import av
import numpy as np
import pytest

import poseconv
from poseconv.exporters.overlay import overlay_layers
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, MULTI_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data
from tests.integration.test_cli import START, assert_one_line_error
from tests.integration.test_cli import poseconv as run

VIDEO = MULTI_ANIMAL_DIR / "m3v1mp4short.mp4"
FRAME = 12
PCUTOFF = 0.6

pytestmark = needs_shared_data


@pytest.fixture(scope="module")
def nwb_with_video(tmp_path_factory):
    path = tmp_path_factory.mktemp("overlay") / "multi.nwb"
    run("convert", MULTI_ANIMAL_H5, "--video", VIDEO, "-o", path, "--session-start-time", START)
    return path


def _video_frame(index: int) -> np.ndarray:
    with av.open(str(VIDEO)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == index:
                return np.asarray(frame.to_image())
    raise AssertionError(f"the video has no frame {index}")


def _png(path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def _segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    ab = b - a
    t = np.clip(np.dot(p - a, ab) / max(np.dot(ab, ab), 1e-12), 0, 1)
    return float(np.linalg.norm(p - (a + t * ab)))


def test_frame_shows_each_individual_colour_and_not_points_under_pcutoff(nwb_with_video, tmp_path):
    png = tmp_path / "frame.png"
    run("plot", nwb_with_video, "--video", "--frame", FRAME, "--pcutoff", PCUTOFF, "-o", png)
    rendered, original = _png(png), _video_frame(FRAME)
    assert rendered.shape == original.shape
    poses = poseconv.read_nwb(nwb_with_video)
    layers = overlay_layers(poses, poses[0].tracks[0].video)
    assert len({layer.colours[0] for layer in layers}) == len(layers) == 4  # a colour per individual
    drawn, hidden = [], []
    for layer in layers:
        positions, scores = layer.at(FRAME)
        for node, (xy, score) in enumerate(zip(positions, scores, strict=True)):
            if np.isfinite(xy).all():
                (drawn if score >= PCUTOFF else hidden).append((layer, node, xy))
    assert drawn and hidden
    radius = max(2, round(min(rendered.shape[:2]) / 120))
    checked = 0
    for layer, _, xy in drawn:
        others = [o for other, _, o in drawn if other is not layer]
        if all(np.linalg.norm(o - xy) > 2 * radius + 1 for o in others):
            x, y = np.rint(xy).astype(int)
            assert tuple(rendered[y, x]) == layer.colours[0], (layer.track.name, xy)
            checked += 1
    assert checked >= 3
    segments = [
        (positions[a], positions[b])
        for layer, positions, _ in [(lay, lay.at(FRAME)[0], None) for lay in layers]
        for a, b in layer.edges
    ]
    untouched = 0
    for _, _, xy in hidden:
        near_drawn = any(np.linalg.norm(o - xy) <= 2 * radius + 1 for _, _, o in drawn)
        near_edge = any(_segment_distance(xy, a, b) <= radius for a, b in segments if np.isfinite([a, b]).all())
        if not (near_drawn or near_edge):
            x, y = np.rint(xy).astype(int)
            assert tuple(rendered[y, x]) == tuple(original[y, x]), xy
            untouched += 1
    assert untouched >= 1
    # Without the cutoff the same keypoints are drawn.
    run("plot", nwb_with_video, "--video", "--frame", FRAME, "-o", png, "--overwrite")
    everything = _png(png)
    assert any(
        tuple(everything[int(round(xy[1])), int(round(xy[0]))]) != tuple(original[int(round(xy[1])), int(round(xy[0]))])
        for _, _, xy in hidden
    )


def test_frames_to_mp4_has_one_frame_per_pose_frame(nwb_with_video, tmp_path):
    mp4 = tmp_path / "clip.mp4"
    result = run("plot", nwb_with_video, "--video", "--frames", "5:25", "-o", mp4)
    assert "20 frames" in result.stderr
    with av.open(str(mp4)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (640, 480)
        assert sum(1 for _ in container.decode(stream)) == 20


def test_video_not_found_names_what_was_looked_for(nwb_with_video, tmp_path):
    # The external file is stored relative to the NWB file: a copy elsewhere no longer finds it.
    moved = tmp_path / "moved" / "multi.nwb"
    moved.parent.mkdir()
    shutil.copy(nwb_with_video, moved)
    png = tmp_path / "f.png"
    assert_one_line_error(
        run("plot", moved, "--video", "--frame", 0, "-o", png, check_rc=None),
        "video of the poses was not found",
        "m3v1mp4short.mp4",
        "source_video",
        "--video-path",
    )
    run("plot", moved, "--video", "--frame", 0, "-o", png, "--video-path", VIDEO)
    assert _png(png).shape == (480, 640, 3)


def test_pose_file_with_video_path_and_option_errors(tmp_path):
    png = tmp_path / "f.png"
    run("plot", MULTI_ANIMAL_H5, "--frame", 3, "--video-path", VIDEO, "-o", png)
    assert _png(png).shape == (480, 640, 3)
    assert_one_line_error(run("plot", MULTI_ANIMAL_H5, "--video", "-o", tmp_path / "f.jpg", check_rc=None), "--frame N")
    assert_one_line_error(
        run(
            "plot", MULTI_ANIMAL_H5, "--frames", "30:10", "--video-path", VIDEO, "-o", tmp_path / "c.mp4", check_rc=None
        ),
        "selects no frame",
    )


def test_summary_plot_takes_pcutoff(nwb_with_video, tmp_path):
    run("plot", nwb_with_video, "--pcutoff", PCUTOFF, "-o", tmp_path / "summary.png")
    assert (tmp_path / "summary.png").stat().st_size > 0


def test_a_video_shorter_than_the_poses_leaves_no_mp4(nwb_with_video, tmp_path):
    from poseconv.errors import InvalidOptionError
    from poseconv.exporters.linked_video import LinkedVideo
    from poseconv.exporters.overlay import write_overlay_video
    from poseconv.model import FrameTiming

    poses = poseconv.read_nwb(nwb_with_video)
    # Video frame times half a second later than the poses': their last frames are past its end.
    late = LinkedVideo((VIDEO,), (0,), FrameTiming(rate=30.0003, starting_time=-0.5), "test")
    mp4 = tmp_path / "cut.mp4"
    with pytest.raises(InvalidOptionError, match="has 31 frames"):
        write_overlay_video(poses, mp4, video=late, video_key=poses[0].tracks[0].video, frames=range(20, 31))
    assert not mp4.exists()


def test_a_failed_overwrite_of_an_mp4_leaves_the_older_video_as_it_was(nwb_with_video, tmp_path):
    from poseconv.errors import InvalidOptionError
    from poseconv.exporters.linked_video import LinkedVideo
    from poseconv.exporters.overlay import write_overlay_video
    from poseconv.model import FrameTiming

    mp4 = tmp_path / "clip.mp4"
    run("plot", nwb_with_video, "--video", "--frames", "5:8", "-o", mp4)
    before = mp4.read_bytes()
    poses = poseconv.read_nwb(nwb_with_video)
    late = LinkedVideo((VIDEO,), (0,), FrameTiming(rate=30.0003, starting_time=-0.5), "test")
    # Before, the video was written under its own name and deleted on failure: the older one was lost.
    with pytest.raises(InvalidOptionError, match="has 31 frames"):
        write_overlay_video(poses, mp4, video=late, video_key=poses[0].tracks[0].video, frames=range(20, 31))
    assert mp4.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]
