"""One conversion, meant to run in a fresh process: ``python benchmarks/convert.py TOOL INPUT OUTPUT``.

``run.py`` starts this script once per measurement so that imports, reading, writing and exit are
all inside the wall time and the peak RSS the OS reports for the child.

Tools:

* ``neuroconv``: neuroconv 0.10.2's own interface (``DeepLabCutInterface`` / ``SLEAPInterface``)
  with its default ``run_conversion`` (its default backend configuration). neuroconv's SLEAP
  interface writes one track per interface, so it writes ``track_0`` only.
* ``poseconv``: ``DeepLabCutPoseInterface`` / ``SLEAPPoseInterface`` ``run_conversion`` with
  defaults, every individual/track.
* ``h5py``: the floor. Reads the same arrays with the cheapest exact reader (PyTables rows for the
  DeepLabCut table, the ``.slp`` point tables with h5py) and writes one ``(frames, 2)`` data and one
  ``(frames,)`` confidence dataset per node with plain h5py, with poseconv's chunk shape and
  filters (shuffle + gzip at poseconv's level), and nothing else: no NWB structure.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

SESSION_START = datetime(2026, 6, 7, 12, 0, 0, tzinfo=UTC)
FPS = 30.0


def _metadata(interface):
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = SESSION_START
    metadata["NWBFile"].setdefault("session_description", "benchmark")
    return metadata


def neuroconv_dlc(source: Path, output: Path) -> None:
    from neuroconv.datainterfaces import DeepLabCutInterface

    interface = DeepLabCutInterface(file_path=source, sampling_frequency=FPS)
    interface.run_conversion(nwbfile_path=output, metadata=_metadata(interface), overwrite=True)


def neuroconv_slp(source: Path, output: Path) -> None:
    from neuroconv.datainterfaces import SLEAPInterface

    interface = SLEAPInterface(file_path=source, frames_per_second=FPS, track_name="track_0")
    interface.run_conversion(nwbfile_path=output, metadata=_metadata(interface), overwrite=True)


def poseconv_dlc(source: Path, output: Path) -> None:
    from poseconv.interfaces import DeepLabCutPoseInterface

    interface = DeepLabCutPoseInterface(file_path=source, sampling_frequency=FPS)
    interface.run_conversion(nwbfile_path=output, metadata=_metadata(interface), overwrite=True)


def poseconv_slp(source: Path, output: Path) -> None:
    from poseconv.interfaces.sleap import SLEAPPoseInterface

    interface = SLEAPPoseInterface(file_path=source, sampling_frequency=FPS)
    interface.run_conversion(nwbfile_path=output, metadata=_metadata(interface), overwrite=True)


def _floor_write(output: Path, series: dict[str, tuple]) -> None:
    """Write each (data, confidence) pair with poseconv's chunking and filters, nothing else."""
    import h5py

    from poseconv.nwb.write.storage import GZIP_LEVEL, chunk_frames

    with h5py.File(output, "w") as handle:
        for name, (data, confidence) in series.items():
            rows = chunk_frames(data.shape[0])
            options = {"shuffle": True, "compression": "gzip", "compression_opts": GZIP_LEVEL}
            handle.create_dataset(f"{name}/data", data=data, chunks=(rows, data.shape[1]), **options)
            handle.create_dataset(f"{name}/confidence", data=confidence, chunks=(rows,), **options)


def h5py_dlc(source: Path, output: Path) -> None:
    import tables

    with tables.open_file(source, "r") as handle:
        values = handle.root.df_with_missing.table.read(field="values_block_0")
    n_columns = values.shape[1]
    # Column order of the generator: bodypart j holds x, y, likelihood in columns 3j..3j+2.
    series = {f"bodypart{j}": (values[:, 3 * j : 3 * j + 2], values[:, 3 * j + 2]) for j in range(n_columns // 3)}
    _floor_write(output, series)


def read_slp_tables(source: Path) -> tuple:
    """Dense ``(tracks, frames, nodes, 2)`` positions and ``(tracks, frames, nodes)`` scores of a generated ``.slp``.

    Read from the point tables with h5py and numpy alone. Every instance of the generated files
    is a tracked predicted instance of the skeleton's nodes, so no other rule of SLEAP applies.
    """
    import h5py
    import numpy as np

    with h5py.File(source, "r") as handle:
        frames = handle["frames"][:]
        instances = handle["instances"][:]
        points = handle["pred_points"][:]
    n_nodes = int(instances["point_id_end"][0] - instances["point_id_start"][0])
    frame_idx = frames["frame_idx"].astype("int64")
    n_frames = int(frame_idx.max()) + 1
    n_tracks = int(instances["track"].max()) + 1
    counts = (frames["instance_id_end"] - frames["instance_id_start"]).astype("int64")
    frame_of_instance = np.repeat(frame_idx, counts)
    rows = np.repeat(frame_of_instance, n_nodes)
    tracks = np.repeat(instances["track"].astype("int64"), n_nodes)
    nodes = np.tile(np.arange(n_nodes), len(instances))
    starts = np.repeat(instances["point_id_start"].astype("int64"), n_nodes) + nodes
    xy = np.full((n_tracks, n_frames, n_nodes, 2), np.nan)
    score = np.full((n_tracks, n_frames, n_nodes), np.nan)
    visible = points["visible"][starts]
    xy[tracks, rows, nodes, 0] = np.where(visible, points["x"][starts], np.nan)
    xy[tracks, rows, nodes, 1] = np.where(visible, points["y"][starts], np.nan)
    score[tracks, rows, nodes] = points["score"][starts]
    return xy, score


def h5py_slp(source: Path, output: Path) -> None:
    import numpy as np

    xy, score = read_slp_tables(source)
    series = {
        f"track_{t}/node{j}": (np.ascontiguousarray(xy[t, :, j]), np.ascontiguousarray(score[t, :, j]))
        for t in range(xy.shape[0])
        for j in range(xy.shape[2])
    }
    _floor_write(output, series)


TOOLS = {
    ("neuroconv", "dlc"): neuroconv_dlc,
    ("neuroconv", "slp"): neuroconv_slp,
    ("poseconv", "dlc"): poseconv_dlc,
    ("poseconv", "slp"): poseconv_slp,
    ("h5py", "dlc"): h5py_dlc,
    ("h5py", "slp"): h5py_slp,
}


def main() -> None:
    tool, source, output = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    kind = "slp" if source.suffix == ".slp" else "dlc"
    TOOLS[(tool, kind)](source, output)


if __name__ == "__main__":
    main()
