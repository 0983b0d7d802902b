"""The quick-look figure is drawn without a GUI and says what it left out."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from matplotlib.legend import Legend

from poseconv.errors import InvalidOptionError
from poseconv.exporters.quicklook import _draw_track, decimate_track, write_quicklook_figure
from poseconv.model.frames import ArrayTable, ColumnView
from poseconv.output import OutputError
from poseconv.testing.mock import mock_pose_data

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_png_is_written(tmp_path):
    path = write_quicklook_figure(mock_pose_data(n_individuals=3, missing_frames=[2]), tmp_path / "q.png", max_tracks=2)
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_svg_and_errors(tmp_path):
    assert write_quicklook_figure([mock_pose_data(rate=None, with_confidence=False)], tmp_path / "q.svg").exists()
    with pytest.raises(InvalidOptionError, match="Nothing to plot"):
        write_quicklook_figure([], tmp_path / "empty.png")
    with pytest.raises(InvalidOptionError, match=r"its suffix \(\.unknownformat\) names no image format"):
        write_quicklook_figure(mock_pose_data(), tmp_path / "q.unknownformat")


def _long_track(n_frames: int = 10_007, n_nodes: int = 3):
    pose = mock_pose_data(n_frames=n_frames, n_nodes=n_nodes)
    track = pose.tracks[0]
    rng = np.random.default_rng(0)
    track.confidence[:] = rng.random(track.confidence.shape)
    track.confidence[rng.random(track.confidence.shape) < 0.2] = np.nan
    track.positions[rng.random(n_frames) < 0.1, 1] = np.nan
    return pose, track


def test_decimation_keeps_each_bins_extremes_and_missing_fraction():
    pose, track = _long_track()
    digest = decimate_track(track, bins=100)
    per_bin = digest.frames_per_bin
    assert per_bin == 101 and len(digest.first_frames) == 100
    for b, first in enumerate(digest.first_frames):
        frames = slice(first, min(first + per_bin, track.n_frames))
        scores = track.confidence[frames]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            np.testing.assert_array_equal(digest.confidence_min[b], np.nanmin(scores, axis=0))
            np.testing.assert_array_equal(digest.confidence_max[b], np.nanmax(scores, axis=0))
        np.testing.assert_allclose(digest.missing[b], np.isnan(track.positions[frames]).any(axis=2).mean(axis=0))
        np.testing.assert_array_equal(digest.positions[b], track.positions[first])


def test_a_short_track_is_drawn_frame_by_frame():
    pose, track = _long_track(n_frames=500)
    digest = decimate_track(track)
    assert digest.frames_per_bin == 1
    np.testing.assert_array_equal(digest.positions, track.positions)


def test_decimation_reads_lazy_tracks_in_blocks():
    pose, track = _long_track(n_frames=200_000, n_nodes=2)
    table = ArrayTable(track.positions.reshape(len(track.positions), -1), block_frames=4096)
    lazy = dataclasses.replace(track, positions=ColumnView(table, np.arange(4).reshape(2, 2)))
    digest = decimate_track(lazy)
    np.testing.assert_array_equal(digest.positions, decimate_track(track).positions)
    assert table.blocks_read == -(-200_000 // 4096)


def test_the_legend_stays_clear_of_the_data(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    pose, track = _long_track(n_nodes=12)
    figure = Figure(figsize=(15, 4), layout="constrained")
    canvas = FigureCanvasAgg(figure)
    axes = figure.subplots(1, 3)
    _draw_track(pose, track, axes)
    canvas.draw()
    renderer = canvas.get_renderer()
    [legend] = [child for ax in axes for child in ax.get_children() if isinstance(child, Legend)]
    box = legend.get_window_extent(renderer)
    for ax in axes:
        assert not box.overlaps(ax.get_window_extent(renderer))


def test_pcutoff_counts_low_confidence_as_missing(tmp_path):
    pose = mock_pose_data(n_frames=20)
    track = pose.tracks[0]
    track.confidence[:] = 0.9
    track.confidence[:5, 0] = 0.1
    digest = decimate_track(track, pcutoff=0.5)
    assert np.isnan(digest.positions[:5, 0]).all() and not np.isnan(digest.positions[5:, 0]).any()
    assert digest.missing[:5, 0].tolist() == [1.0] * 5 and digest.confidence_min[0, 0] == 0.1
    assert write_quicklook_figure(pose, tmp_path / "cut.png", pcutoff=0.5).exists()


def test_a_figure_that_fails_half_written_leaves_the_older_one_and_no_partial_file(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    path = write_quicklook_figure(mock_pose_data(), tmp_path / "q.png")
    before = path.read_bytes()

    def full_disk(self, fname, **kwargs):
        with open(fname, "wb") as handle:
            handle.write(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", full_disk)
    with pytest.raises(OutputError, match=r"q.png: not written, the disk \(or your quota\) has no room left"):
        write_quicklook_figure(mock_pose_data(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["q.png"]


def test_deeplabcut_3_padding_is_missing_not_a_point_at_minus_one():
    # DeepLabCut 3 pads an animal it did not detect with x = y = likelihood = -1; inspect counts it
    # missing, and the plot drew it at (-1, -1) with a confidence of -1.
    pose = mock_pose_data(n_frames=20)
    track = pose.tracks[0]
    track.confidence[:] = 0.9
    track.positions[:4] = -1.0
    track.confidence[:4] = -1.0
    digest = decimate_track(track)
    assert np.isnan(digest.positions[:4]).all() and not np.isnan(digest.positions[4:]).any()
    assert digest.missing[:4].tolist() == [[1.0] * track.positions.shape[1]] * 4 and not digest.missing[4:].any()
    assert np.isnan(digest.confidence_min[:4]).all() and (digest.confidence_min[4:] == 0.9).all()
    # The track itself keeps the values as written.
    assert (track.positions[:4] == -1.0).all() and (track.confidence[:4] == -1.0).all()


def test_pcutoff_leaves_an_in_memory_track_as_it_was():
    pose = mock_pose_data(n_frames=20)
    track = pose.tracks[0]
    track.confidence[:] = 0.1
    before = track.positions.copy()
    decimate_track(track, pcutoff=0.5)
    np.testing.assert_array_equal(track.positions, before)


def test_poses_without_tracks_are_named(tmp_path):
    # "Nothing to plot: the file holds no poses." named no file, also where the poses know theirs.
    pose = dataclasses.replace(mock_pose_data(), tracks=[], source_file=tmp_path / "session.nwb")
    with pytest.raises(InvalidOptionError, match=r"Nothing to plot: session\.nwb holds no poses\."):
        write_quicklook_figure([pose], tmp_path / "empty.png")
