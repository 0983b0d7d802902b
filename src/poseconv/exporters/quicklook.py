"""A quick-look figure of poses, to see at a glance whether a conversion is plausible.

One row per track (individual/animal, per video) and three panels:

1. **Trajectories**: every node's path in the image (y grows downward for
   pixel coordinates, as in the video), one colour per node.
2. **Confidence over time**, one line per node (empty when the tool wrote none).
3. **Missing data**: nodes by time, dark where a node is NaN.

Time is in seconds when the frame timing is known, else in frames. The figure
is drawn with matplotlib's Agg canvas directly, so no GUI backend and no global
``pyplot`` state is touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import InvalidOptionError
from ..model import PoseData

__all__ = ["MAX_TRACKS", "write_quicklook_figure"]

#: Tracks drawn at most; a note on the figure says how many were left out.
MAX_TRACKS = 8


def write_quicklook_figure(
    poses: PoseData | Sequence[PoseData], file_path: str | Path, *, max_tracks: int = MAX_TRACKS, dpi: int = 100
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

    Returns
    -------
    pathlib.Path
        The file written.

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
        raise InvalidOptionError("Nothing to plot: the file holds no poses.")
    path = Path(file_path)
    shown = rows[:max_tracks]
    figure = Figure(figsize=(15, 3.4 * len(shown) + 0.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(shown), 3, squeeze=False, width_ratios=[1, 1.6, 1.6])
    for (pose, track), (ax_xy, ax_conf, ax_missing) in zip(shown, axes, strict=True):
        nodes = pose.skeletons[track.skeleton].nodes
        timing = pose.timing.get(track.video)
        if timing is not None and track.n_frames:
            time, time_label = timing.times(track.n_frames), "time (s)"
        else:
            time, time_label = np.arange(track.n_frames), "frame"
        cmap = _node_colours(len(nodes))
        for j, node in enumerate(nodes):
            ax_xy.plot(track.positions[:, j, 0], track.positions[:, j, 1], lw=0.6, color=cmap[j], label=node)
            if track.confidence is not None:
                ax_conf.plot(time, track.confidence[:, j], lw=0.6, color=cmap[j], label=node)
        title = f"{track.name} ({pose.source_software}, video {track.video})"
        ax_xy.set_title(title, fontsize=9, loc="left")
        ax_xy.set_xlabel(f"x ({pose.unit})")
        ax_xy.set_ylabel(f"y ({pose.unit})")
        if pose.unit == "pixels":
            ax_xy.invert_yaxis()
            ax_xy.set_aspect("equal", adjustable="datalim")
        if nodes and len(nodes) <= 12:
            ax_xy.legend(fontsize=6, loc="best", frameon=False)
        ax_conf.set_title("confidence" if track.confidence is not None else "confidence (none stored)", fontsize=9)
        ax_conf.set_xlabel(time_label)
        if track.confidence is not None:
            ax_conf.set_ylim(-0.05, max(1.05, float(np.nanmax(track.confidence, initial=1.0)) + 0.05))
        missing = np.isnan(track.positions).any(axis=2).T if nodes else np.zeros((1, track.n_frames), bool)
        extent = (float(time[0]), float(time[-1]), len(nodes) - 0.5, -0.5) if track.n_frames else None
        ax_missing.imshow(missing, aspect="auto", interpolation="nearest", cmap="Greys", vmin=0, vmax=1, extent=extent)
        fraction = float(missing.mean()) if missing.size else 0.0
        ax_missing.set_title(f"missing (dark): {fraction:.1%} of node-frames", fontsize=9)
        ax_missing.set_yticks(range(len(nodes)), labels=list(nodes), fontsize=6)
        ax_missing.set_xlabel(time_label)
    if len(rows) > len(shown):
        figure.suptitle(f"first {len(shown)} of {len(rows)} tracks shown", fontsize=9)
    try:
        figure.savefig(path, dpi=dpi)
    except ValueError as err:
        raise InvalidOptionError(f"{path}: cannot write this image format ({err}).") from err
    return path


def _node_colours(n: int) -> list[tuple[float, float, float, float]]:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n <= 10 else "viridis"]
    return [cmap(j if n <= 10 else j / max(n - 1, 1)) for j in range(n)]
