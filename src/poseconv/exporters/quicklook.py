"""A quick-look figure of poses, to see at a glance whether a conversion is plausible.

One row per track (individual/animal, per video) and three panels:

1. **Trajectories**: every node's path in the image (y grows downward for
   pixel coordinates, as in the video), one colour per node.
2. **Confidence over time**, one line per node (empty when the tool wrote none).
3. **Missing data**: nodes by time, dark where a node is NaN.

Time is in seconds when the frame timing is known, else in frames. The figure
is drawn with matplotlib's Agg canvas directly, so no GUI backend and no global
``pyplot`` state is touched.

Long recordings are decimated before drawing, reading the track a block of frames
at a time (:func:`decimate_track`): frames fall into at most :data:`BINS` bins (about
two per pixel column of a time panel); confidence is drawn as each bin's minimum and
maximum (the line a full plot would cover at that resolution), missing data as each
bin's fraction of missing frames, and trajectories through the first frame of each bin.
The node legend sits to the right of the panels, never over the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError
from ..model import PoseData, PoseTrack
from ..model.frames import read_frames, without_padding
from ..output import OutputError, atomic_output
from .docstrings import fill_export_docs
from .files import missing_nodes, planar_nodes

__all__ = ["BINS", "MAX_TRACKS", "TrackDigest", "decimate_track", "node_colours", "write_quicklook_figure"]

#: Tracks drawn at most; a note on the figure says how many were left out.
MAX_TRACKS = 8
#: Bins of frames at most (about two per pixel column of a time panel at the default size and dpi).
BINS = 1200
# Frames read at once (rounded to whole bins).
_BLOCK_FRAMES = 65536


@dataclass
class TrackDigest:
    """What the figure draws of one track, decimated to bins of ``frames_per_bin`` frames.

    Attributes
    ----------
    first_frames : numpy.ndarray
        ``(bins,)`` first frame of each bin.
    positions : numpy.ndarray
        ``(bins, nodes, dims)`` positions at each bin's first frame.
    confidence_min, confidence_max : numpy.ndarray or None
        ``(bins, nodes)`` smallest and largest confidence of each bin (NaN when none).
    missing : numpy.ndarray
        ``(bins, nodes)`` fraction of the bin's frames where the node is missing.
    frames_per_bin : int
        1 when nothing was decimated.
    """

    first_frames: np.ndarray
    positions: np.ndarray
    confidence_min: np.ndarray | None
    confidence_max: np.ndarray | None
    missing: np.ndarray
    frames_per_bin: int


def decimate_track(
    track: PoseTrack, *, bins: int = BINS, pcutoff: float | None = None, planar: Sequence[int] = ()
) -> TrackDigest:
    """Reduce a track to at most ``bins`` bins of frames, reading it a block at a time.

    Parameters
    ----------
    track : PoseTrack
        The track; its arrays may be lazy.
    bins : int, default: BINS
        Bins at most.
    pcutoff : float, optional
        Positions whose confidence is below it (or NaN) count as missing, as DeepLabCut leaves them
        out of its plots; the confidence itself is kept. Ignored for tracks without confidence.
    planar : sequence of int, optional
        Nodes of a 3D track stored as x, y only (:func:`~poseconv.exporters.files.planar_nodes`): missing only
        where x or y is.

    Returns
    -------
    TrackDigest
        Per-bin first positions, confidence extremes and missing fractions.
    """
    n_frames, n_nodes = track.n_frames, track.positions.shape[1]
    per_bin = max(1, -(-n_frames // max(1, bins)))
    n_bins = -(-n_frames // per_bin)
    block = max(per_bin, _BLOCK_FRAMES // per_bin * per_bin)
    positions = np.full((n_bins, n_nodes, track.positions.shape[2]), np.nan)
    missing = np.zeros((n_bins, n_nodes))
    has_confidence = track.confidence is not None
    low = np.full((n_bins, n_nodes), np.nan) if has_confidence else None
    high = np.full((n_bins, n_nodes), np.nan) if has_confidence else None
    for start in range(0, n_frames, block):
        stop = min(n_frames, start + block)
        first, last = start // per_bin, -(-stop // per_bin)
        confidence = read_frames(track.confidence, start, stop) if has_confidence else None
        # DeepLabCut 3's padding for an undetected animal is missing, not a point at (-1, -1) scored -1.
        values, confidence = without_padding(read_frames(track.positions, start, stop), confidence)
        if pcutoff is not None and confidence is not None:
            # NaN confidence compares False: below any cutoff. A new array: an in-memory track keeps its own.
            values = np.where((confidence >= pcutoff)[..., None], values, np.nan)
        positions[first:last] = values[::per_bin]
        # Bins of whole frames: the last one is padded (not missing) and divided by its real length below.
        gone = np.zeros(((last - first) * per_bin, n_nodes), dtype=bool)
        gone[: len(values)] = missing_nodes(values, None, planar)
        missing[first:last] = gone.reshape(last - first, per_bin, n_nodes).sum(axis=1)
        if has_confidence:
            scores = np.full(((last - first) * per_bin, n_nodes), np.nan)
            scores[: stop - start] = confidence
            scores = scores.reshape(last - first, per_bin, n_nodes)
            # fmin/fmax skip NaN (and give NaN only when the whole bin is NaN), without warnings.
            low[first:last] = np.fmin.reduce(scores, axis=1)
            high[first:last] = np.fmax.reduce(scores, axis=1)
    lengths = np.minimum(per_bin, n_frames - np.arange(n_bins) * per_bin)
    missing /= np.maximum(lengths, 1)[:, None]
    return TrackDigest(np.arange(n_bins) * per_bin, positions, low, high, missing, per_bin)


@fill_export_docs
def write_quicklook_figure(
    poses: PoseData | Sequence[PoseData],
    file_path: str | Path,
    *,
    max_tracks: int = MAX_TRACKS,
    dpi: int = 100,
    pcutoff: float | None = None,
) -> Path:
    """Draw the quick-look figure of ``poses`` to an image file.

    Parameters
    ----------
    poses : PoseData or sequence of PoseData
        The poses (for instance every PoseData read from one NWB file).
    file_path : str or pathlib.Path
        Output image; the suffix picks the format (``.png``, ``.pdf``, ``.svg``).
    max_tracks : int, default: 8
        Draw at most this many tracks.
    dpi : int, default: 100
        Resolution of raster formats.
    pcutoff : float, optional
        Keypoints with a lower confidence are left out of the trajectories and counted as missing
        (see :func:`decimate_track`); the confidence panel marks the cutoff.

    {file_written}

    Raises
    ------
    InvalidOptionError
        When there is nothing to draw or the format is unknown.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    poses = [poses] if isinstance(poses, PoseData) else list(poses)
    rows = [(pose, track) for pose in poses for track in pose.tracks]
    if not rows:
        # Named when known: PoseData without tracks (an NWB file's PoseEstimation without series).
        names = ", ".join(dict.fromkeys(pose.source_name for pose in poses))
        raise InvalidOptionError(f"Nothing to plot: {names or 'the file'} holds no poses.")
    path = Path(file_path)
    # Checked before drawing, and by the name given: the file is saved under a temporary name of its suffix.
    formats = FigureCanvasAgg.get_supported_filetypes()
    if path.suffix.lower().removeprefix(".") not in formats:
        others = ", ".join(f".{name}" for name in sorted(formats) if name not in ("png", "pdf", "svg"))
        raise InvalidOptionError(
            f"{path}: its suffix ({path.suffix or 'none'}) names no image format; end the name in .png, .pdf or "
            f".svg (or {others})."
        )
    shown = rows[:max_tracks]
    figure = Figure(figsize=(15, 3.4 * len(shown) + 0.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(shown), 3, squeeze=False, width_ratios=[1, 1.6, 1.6])
    for (pose, track), row_axes in zip(shown, axes, strict=True):
        _draw_track(pose, track, row_axes, pcutoff=pcutoff)
    if len(rows) > len(shown):
        figure.suptitle(f"first {len(shown)} of {len(rows)} tracks shown", fontsize=9)
    try:
        # Under a temporary name of the same suffix (which chooses the format), renamed when complete.
        with atomic_output(path) as partial:
            figure.savefig(partial, dpi=dpi)
    except OutputError:
        raise
    except ValueError as err:
        raise InvalidOptionError(f"{path}: cannot write this image format ({err}).") from err
    return path


def _draw_track(pose: PoseData, track: PoseTrack, row_axes: Sequence[Any], *, pcutoff: float | None = None) -> None:
    """Draw one track's three panels from its decimated digest; the node legend goes right of the row."""
    ax_xy, ax_conf, ax_missing = row_axes
    nodes = pose.skeletons[track.skeleton].nodes
    digest = decimate_track(track, pcutoff=pcutoff, planar=planar_nodes(pose, track))
    timing = pose.timing.get(track.video)
    if timing is not None and track.n_frames:
        time, time_label = timing.times(track.n_frames)[digest.first_frames], "time (s)"
    else:
        time, time_label = digest.first_frames.astype(float), "frame"
    cmap = node_colours(len(nodes))
    handles = []
    for j, node in enumerate(nodes):
        (line,) = ax_xy.plot(digest.positions[:, j, 0], digest.positions[:, j, 1], lw=0.6, color=cmap[j], label=node)
        handles.append(line)
        if digest.confidence_min is not None:
            # Each bin as a vertical stroke from its minimum to its maximum, as a full plot would look.
            ax_conf.plot(
                np.repeat(time, 2),
                np.column_stack([digest.confidence_min[:, j], digest.confidence_max[:, j]]).reshape(-1),
                lw=0.6,
                color=cmap[j],
            )
    decimated = f", 1 point per {digest.frames_per_bin} frames" if digest.frames_per_bin > 1 else ""
    ax_xy.set_title(f"{track.name} ({pose.source_software}, video {track.video}{decimated})", fontsize=9, loc="left")
    ax_xy.set_xlabel(f"x ({pose.unit})")
    ax_xy.set_ylabel(f"y ({pose.unit})")
    if pose.unit == "pixels":
        ax_xy.invert_yaxis()
        ax_xy.set_aspect("equal", adjustable="datalim")
    if handles:
        # Outside the axes: a legend inside would hide the data it names.
        ax_missing.legend(
            handles=handles,
            fontsize=6,
            frameon=False,
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            ncols=1 + len(handles) // 25,
        )
    has_confidence = digest.confidence_max is not None
    ax_conf.set_title("confidence" if has_confidence else "confidence (none stored)", fontsize=9)
    ax_conf.set_xlabel(time_label)
    cut = pcutoff is not None and has_confidence
    if cut:
        ax_conf.axhline(pcutoff, color="black", lw=0.8, ls="--")
        ax_conf.set_title(f"confidence (pcutoff {pcutoff:g} dashed)", fontsize=9)
    if has_confidence:
        ax_conf.set_ylim(-0.05, max(1.05, float(np.nanmax(digest.confidence_max, initial=1.0)) + 0.05))
    missing = digest.missing.T if nodes else np.zeros((1, len(time)))
    extent = (float(time[0]), float(time[-1]), len(nodes) - 0.5, -0.5) if track.n_frames else None
    ax_missing.imshow(missing, aspect="auto", interpolation="nearest", cmap="Greys", vmin=0, vmax=1, extent=extent)
    fraction = (
        float(np.average(digest.missing.mean(axis=1), weights=_bin_lengths(digest, track.n_frames)))
        if (missing.size and track.n_frames)
        else 0.0
    )
    what = "missing or below pcutoff" if cut else "missing"
    ax_missing.set_title(f"{what} (dark): {fraction:.1%} of node-frames", fontsize=9)
    ax_missing.set_yticks(range(len(nodes)), labels=list(nodes), fontsize=6)
    ax_missing.set_xlabel(time_label)


def _bin_lengths(digest: TrackDigest, n_frames: int) -> np.ndarray:
    return np.minimum(digest.frames_per_bin, n_frames - digest.first_frames)


def node_colours(n: int) -> list[tuple[float, float, float, float]]:
    """Return ``n`` RGBA colours: matplotlib's ``tab10`` up to 10, else ``viridis`` sampled evenly."""
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n <= 10 else "viridis"]
    return [cmap(j if n <= 10 else j / max(n - 1, 1)) for j in range(n)]
