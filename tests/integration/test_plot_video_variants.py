"""`poseconv plot --video` over videos cut, short or in other containers: each pose on its own frame.

Each video's frames are numbered (:func:`~tests.unit.exporters.test_overlay_frames.numbered_image`) and
the DeepLabCut predictions beside it put the nose of pose frame ``k`` at ``x = 20 + n``, ``n`` the number
of the ``k``-th frame a decoder shows: a pose drawn on its own frame has its nose at 20 + the number read
off that frame. The poses are plotted from the NWB file they are converted to and from the ``.h5``.
"""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from tests.fixtures.deeplabcut import write_dlc_file
from tests.integration.test_cli import START
from tests.integration.test_cli import poseconv as run
from tests.unit.exporters.test_overlay_frames import frame_number, write_numbered_video

NOSE_Y = 56


def _session(folder, name, pts, **video_options):
    """Write ``name`` (frames numbered, times ``pts``), its predictions beside it and their NWB file."""
    video = write_numbered_video(folder / name, pts, **video_options)
    with av.open(str(video)) as container:
        shown = np.array([frame_number(frame.to_ndarray(format="rgb24")) for frame in container.decode(video=0)])
    nose = np.column_stack([20.0 + shown, np.full(len(shown), NOSE_Y)])
    h5 = write_dlc_file(
        folder / f"{video.stem}DLC_resnet50_testJan1shuffle1_100.h5",
        {"nose": nose, "tail": nose + [10.0, 24.0]},
        likelihood={"nose": np.full(len(shown), 0.9), "tail": np.full(len(shown), 0.8)},
    )
    nwb = folder / f"{video.stem}.nwb"
    run("convert", h5, "--video", video, "-o", nwb, "--session-start-time", START)
    return {"nwb": nwb, "h5": h5}, shown


def _nose_x(rgb: np.ndarray) -> float | None:
    """Return the middle of the coloured columns around the nose's row (the nose's disc), None when none."""
    rows = rgb[NOSE_Y - 1 : NOSE_Y + 2].astype(int)
    coloured = np.flatnonzero((rows.max(axis=2) - rows.min(axis=2)).max(axis=0) > 60)
    return float(coloured.mean()) if len(coloured) else None


def _assert_on_their_frames(images, frames, shown):
    """Each image shows the frame of its pose, with that pose's nose drawn on it."""
    assert len(images) == len(frames)
    for rgb, frame in zip(images, frames, strict=True):
        number = frame_number(rgb)
        assert number == shown[frame], f"pose frame {frame} drawn over frame {number}, not {shown[frame]}"
        nose = _nose_x(rgb)
        assert nose is not None and abs(nose - (20 + number)) <= 1.5, (frame, number, nose)


def _plot_frames(source, tmp_path, frames, shown):
    for frame in frames:
        png = tmp_path / f"{source.stem}_{frame}.png"
        run("plot", source, "--video", "--frame", frame, "-o", png)
        with Image.open(png) as image:
            _assert_on_their_frames([np.asarray(image.convert("RGB"))], [frame], shown)


def _plot_range(source, tmp_path, shown):
    mp4 = tmp_path / f"{source.stem}_all.mp4"
    result = run("plot", source, "--video", "--frames", f"0:{len(shown)}", "-o", mp4)
    assert f"{len(shown)} frames" in result.stderr
    with av.open(str(mp4)) as container:
        images = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    _assert_on_their_frames(images, range(len(shown)), shown)


@pytest.mark.parametrize("source", ["nwb", "h5"])
def test_a_clip_cut_without_reencoding(tmp_path, source):
    # `ffmpeg -ss 1.5 -i src.mp4 -c copy cam.mp4`: the packets before the cut stay, hidden by the edit list.
    # The overlay counted them as frames: pose k + 6 drawn on frame k, 6 frames short, --frame 0 to 5 failed.
    sources, shown = _session(tmp_path, "cam.mp4", range(-6, 20))
    assert shown.tolist() == list(range(6, 26))
    _plot_frames(sources[source], tmp_path, [0, 5, 6, 19], shown)
    _plot_range(sources[source], tmp_path, shown)


@pytest.mark.parametrize("source", ["nwb", "h5"])
def test_a_video_of_one_frame(tmp_path, source):
    # Its ImageSeries has one timestamp: "internal error: IndexError: index 1 is out of bounds".
    sources, shown = _session(tmp_path, "cam.mp4", [0])
    _plot_frames(sources[source], tmp_path, [0], shown)
    _plot_range(sources[source], tmp_path, shown)


@pytest.mark.parametrize("source", ["nwb", "h5"])
def test_an_mpeg_ts_whose_seeks_land_past_its_key_frame(tmp_path, source):
    # Written by PyAV with B-frames: every frame "could not be decoded (the video ends early, ...)".
    sources, shown = _session(
        tmp_path, "cam.ts", [3000 * i for i in range(20)], time_base=Fraction(1, 90000), bframes=2
    )
    assert shown.tolist() == list(range(20))
    _plot_frames(sources[source], tmp_path, [0, 7, 19], shown)
    _plot_range(sources[source], tmp_path, shown)
