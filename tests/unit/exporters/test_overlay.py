"""Poses drawn onto a frame: colours, the confidence cutoff, the frame range option."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from poseconv.errors import InvalidOptionError
from poseconv.exporters.overlay import draw_poses, iter_video_frames, overlay_layers, parse_frame_range
from poseconv.model import PoseData, PoseTrack, Skeleton, VideoInfo
from tests.fixtures.paths import SHARED_DATA, needs_shared_data


def _poses(n_tracks: int) -> PoseData:
    positions = np.array([[[20.0, 20.0], [60.0, 20.0], [60.0, 60.0]]])
    tracks = [
        PoseTrack(
            name=f"animal{i}",
            skeleton="s",
            video="v",
            positions=positions + 100 * i,
            confidence=np.array([[0.9, 0.2, np.nan]]),
        )
        for i in range(n_tracks)
    ]
    return PoseData.from_tracks(
        source_software="test",
        source_file="t.h5",
        skeletons=[Skeleton("s", ("a", "b", "c"), ((0, 1), (1, 2)))],
        videos=[VideoInfo("v")],
        tracks=tracks,
    )


def test_colour_per_individual_and_cutoff():
    layers = overlay_layers([_poses(2)], "v")
    assert layers[0].colours[0] != layers[1].colours[0]
    image = draw_poses(Image.new("RGB", (240, 240)), layers, 0, pcutoff=0.5)
    pixels = np.asarray(image)
    assert tuple(pixels[20, 20]) == layers[0].colours[0]
    assert tuple(pixels[120, 120]) == layers[1].colours[0]
    # Below the cutoff (0.2) and NaN confidence: neither the keypoint nor its edges.
    assert tuple(pixels[20, 60]) == (0, 0, 0) and tuple(pixels[20, 40]) == (0, 0, 0)
    assert tuple(pixels[60, 60]) == (0, 0, 0)
    everything = np.asarray(draw_poses(Image.new("RGB", (240, 240)), layers, 0))
    assert tuple(everything[20, 60]) == layers[0].colours[1] and tuple(everything[20, 40]) == layers[0].edge_colour


def test_one_track_is_coloured_per_keypoint():
    layers = overlay_layers([_poses(1)], "v")
    assert len(set(layers[0].colours)) == 3
    assert overlay_layers([_poses(1)], "v", color_by="individual")[0].colours == [layers[0].colours[0]] * 3
    with pytest.raises(InvalidOptionError, match="--color-by"):
        overlay_layers([_poses(1)], "v", color_by="rainbow")
    with pytest.raises(InvalidOptionError, match="Nothing to draw"):
        overlay_layers([_poses(1)], "other")


def test_frame_ranges_read_like_slices():
    assert parse_frame_range("100:200", 1000) == range(100, 200)
    assert parse_frame_range(":5", 10) == range(0, 5)
    assert parse_frame_range("-3:", 10) == range(7, 10)
    for bad in ("100", "a:b", "5:5"):
        with pytest.raises(InvalidOptionError, match="--frames"):
            parse_frame_range(bad, 10)


@needs_shared_data
@pytest.mark.parametrize(
    ("video", "frames"),
    [
        # Key frames that are no clean entry point (the decoder flags what follows as corrupt).
        (SHARED_DATA / "neuroconv/behavior_testing_data/DLC/open_field_with_video/m3v1mp4.mp4", [190, 191]),
        (SHARED_DATA / "sleap/tests/data/json_format_v1/centered_pair_low_quality.mp4", [700, 701, 900]),
    ],
)
def test_seeking_gives_the_frames_a_decode_from_the_start_gives(video, frames):
    import av

    expected = {}
    with av.open(str(video)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index in frames:
                expected[index] = np.asarray(frame.to_image())
            if index >= max(frames):
                break
    got = {index: np.asarray(frame.to_image()) for index, frame in iter_video_frames(video, frames)}
    assert sorted(got) == frames
    for index in frames:
        assert np.array_equal(got[index], expected[index]), index
    with pytest.raises(InvalidOptionError, match="frames; frame 99999"):
        list(iter_video_frames(video, [99999]))


def test_a_0_byte_video_is_said_to_be_empty_not_ffmpeg_s_invalid_data(tmp_path):
    from poseconv.errors import InvalidSourceFileError

    empty = tmp_path / "session.mp4"
    empty.touch()
    with pytest.raises(InvalidSourceFileError, match=r"session\.mp4: is empty \(0 bytes\)"):
        list(iter_video_frames(empty, [0]))


def test_deeplabcut_3_padding_is_not_drawn_even_with_a_crop_s_corner():
    # A node padded with x = y = likelihood = -1 was drawn at (-1, -1), and a crop moved it into the frame.
    poses = _poses(1)
    track = poses.tracks[0]
    track.positions = np.array([[[20.0, 20.0], [-1.0, -1.0], [60.0, 60.0]]])
    track.confidence = np.array([[0.9, -1.0, 0.8]])
    (layer,) = overlay_layers([poses], "v")
    layer.corner = np.array([30.0, 20.0])
    positions, scores = layer.at(0)
    np.testing.assert_array_equal(positions[0], [50.0, 40.0])
    assert np.isnan(positions[1]).all() and np.isnan(scores[1])
    np.testing.assert_array_equal(positions[2], [90.0, 80.0])
