"""Seeded benchmark inputs, written the way DeepLabCut and SLEAP write them, cached under ``benchmarks/.data/``.

Values follow what the tools store: network outputs are float32, so DeepLabCut's float64 table and
SLEAP's float64 point fields hold float32-precision numbers (this matters for how well they compress).
Animals random-walk in a 640 x 480 frame; a few percent of values are NaN (a body part that was not
found, an animal absent from a stretch of frames) so that exactness checks cover missing data.

Inputs (``python benchmarks/generate.py [name ...]``; no name builds the first two):

* ``dlc_1m``: single-animal DeepLabCut ``.h5``, 1,000,000 frames x 10 bodyparts, written with
  ``DataFrame.to_hdf(key="df_with_missing", format="table")`` as DeepLabCut does.
* ``dlc_100k``: the same for 100,000 frames (to see how peak memory scales with frames).
* ``slp_200k``: SLEAP ``.slp``, 200,000 frames x 2 tracks x 13 nodes, built with sleap-io
  (``Labels.from_numpy`` + ``save_slp``).
* ``dlc_multi``: multi-animal DeepLabCut ``.h5``, 20 animals x 30 bodyparts x 720,000 frames
  (10.4 GB of float64), appended row block by row block with ``HDFStore.append`` in the same
  table layout, since one ``to_hdf`` call would need the whole 10 GB frame in memory.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / ".data"
SEED = 20260607
FPS = 30.0
SCORER = "DLC_resnet50_benchJun7shuffle1_100000"

INPUTS = {
    "dlc_1m": {"kind": "dlc", "n_frames": 1_000_000, "n_animals": 1, "n_bodyparts": 10},
    "dlc_100k": {"kind": "dlc", "n_frames": 100_000, "n_animals": 1, "n_bodyparts": 10},
    "slp_200k": {"kind": "slp", "n_frames": 200_000, "n_tracks": 2, "n_nodes": 13},
    "slp_20k": {"kind": "slp", "n_frames": 20_000, "n_tracks": 2, "n_nodes": 13},
    "slp_2m": {"kind": "slp", "n_frames": 2_000_000, "n_tracks": 2, "n_nodes": 13},
    "dlc_multi": {"kind": "dlc", "n_frames": 720_000, "n_animals": 20, "n_bodyparts": 30},
}
DEFAULT_INPUTS = ("dlc_1m", "slp_200k")


def input_path(name: str) -> Path:
    """Return where input ``name`` is cached (DeepLabCut's naming: ``<video><scorer>.h5``)."""
    spec = INPUTS[name]
    if spec["kind"] == "slp":
        return DATA_DIR / f"{name}.predictions.slp"
    return DATA_DIR / f"{name}{SCORER}.h5"


def _walk(rng: np.random.Generator, n_frames: int, n_series: int, start_frame: int = 0) -> np.ndarray:
    """Float32 random walks, (n_frames, n_series, 2) pixels, reflected into the 640 x 480 frame."""
    size = np.array([640.0, 480.0], dtype="float32")
    steps = rng.normal(0.0, 1.5, size=(n_frames, n_series, 2)).astype("float32")
    start = rng.uniform(0, 1, size=(1, n_series, 2)).astype("float32") * size
    raw = start + np.cumsum(steps, axis=0, dtype="float32")
    # Reflect into [0, size): a triangle wave of period 2 * size.
    period = 2 * size
    folded = np.mod(raw, period)
    return np.where(folded < size, folded, period - folded).astype("float32")


def _blank_runs(rng: np.random.Generator, mask_shape: tuple[int, ...], n_runs: int, max_len: int) -> np.ndarray:
    """A boolean mask over the first axis with ``n_runs`` runs of missing frames per column."""
    mask = np.zeros(mask_shape, dtype=bool)
    n_frames = mask_shape[0]
    columns = int(np.prod(mask_shape[1:]))
    flat = mask.reshape(n_frames, columns)
    for column in range(columns):
        starts = rng.integers(0, n_frames, size=n_runs)
        lengths = rng.integers(1, max_len, size=n_runs)
        for s, n in zip(starts, lengths, strict=True):
            flat[s : s + n, column] = True
    return mask


def _dlc_columns(n_animals: int, n_bodyparts: int):
    import pandas as pd

    bodyparts = [f"bodypart{j}" for j in range(n_bodyparts)]
    coords = ["x", "y", "likelihood"]
    if n_animals == 1:
        return pd.MultiIndex.from_product([[SCORER], bodyparts, coords], names=["scorer", "bodyparts", "coords"])
    individuals = [f"individual{i}" for i in range(n_animals)]
    return pd.MultiIndex.from_product(
        [[SCORER], individuals, bodyparts, coords], names=["scorer", "individuals", "bodyparts", "coords"]
    )


def _dlc_block(rng: np.random.Generator, n_frames: int, n_series: int) -> np.ndarray:
    """Rows of a DeepLabCut table: per series x, y, likelihood, float32 values in float64."""
    xy = _walk(rng, n_frames, n_series)
    likelihood = rng.beta(5.0, 1.0, size=(n_frames, n_series)).astype("float32")
    block = np.empty((n_frames, n_series, 3), dtype="float64")
    block[..., :2] = xy
    block[..., 2] = likelihood
    # DeepLabCut writes NaN where a filtered prediction was dropped; ~1% of frames per series here.
    missing = _blank_runs(rng, (n_frames, n_series), n_runs=max(1, n_frames // 20_000), max_len=400)
    block[missing] = np.nan
    return block.reshape(n_frames, n_series * 3)


def make_dlc(path: Path, *, n_frames: int, n_animals: int, n_bodyparts: int, seed: int = SEED) -> None:
    """Write a DeepLabCut predictions table (``format="table"``), in row blocks when it is large."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    columns = _dlc_columns(n_animals, n_bodyparts)
    n_series = n_animals * n_bodyparts
    tmp = path.with_suffix(".tmp.h5")
    tmp.unlink(missing_ok=True)
    block_rows = max(1, min(n_frames, int(2e9 // (n_series * 3 * 8 * 4))))
    if block_rows >= n_frames:
        frame = pd.DataFrame(_dlc_block(rng, n_frames, n_series), columns=columns)
        frame.to_hdf(tmp, key="df_with_missing", format="table", mode="w")
    else:
        # Each block starts new walks; continuity across blocks does not matter for the benchmark.
        with pd.HDFStore(tmp, mode="w") as store:
            for start in range(0, n_frames, block_rows):
                stop = min(n_frames, start + block_rows)
                values = _dlc_block(rng, stop - start, n_series)
                frame = pd.DataFrame(values, columns=columns, index=pd.RangeIndex(start, stop))
                store.append("df_with_missing", frame, format="table", index=False)
                print(f"  {path.name}: rows {stop:,}/{n_frames:,}", file=sys.stderr)
    tmp.replace(path)


# sleap-io builds an object per instance; longer files are written as segments of this many
# frames and joined table by table (10 sleap-io segments of 200,000 frames need about 2 GB each,
# one 2,000,000-frame Labels more than 20 GB).
SLP_SEGMENT_FRAMES = 200_000


def make_slp(path: Path, *, n_frames: int, n_tracks: int, n_nodes: int, seed: int = SEED) -> None:
    """Write a SLEAP predictions ``.slp`` with sleap-io, tracked instances with point scores."""
    if n_frames > SLP_SEGMENT_FRAMES:
        segments = []
        for k, first in enumerate(range(0, n_frames, SLP_SEGMENT_FRAMES)):
            segment = path.with_name(f"{path.name.split('.')[0]}.part{k}.slp")
            size = min(SLP_SEGMENT_FRAMES, n_frames - first)
            make_slp(segment, n_frames=size, n_tracks=n_tracks, n_nodes=n_nodes, seed=seed + 100 * k)
            segments.append(segment)
        _join_slp(segments, path)
        for segment in segments:
            segment.unlink()
        return
    import sleap_io as sio

    rng = np.random.default_rng(seed)
    xy = _walk(rng, n_frames, n_tracks * n_nodes).reshape(n_frames, n_tracks, n_nodes, 2)
    scores = rng.beta(5.0, 1.0, size=(n_frames, n_tracks, n_nodes)).astype("float32")
    array = np.concatenate([xy.astype("float64"), scores[..., None].astype("float64")], axis=-1)
    # Nodes not found (NaN point, score kept) and stretches where a whole animal is absent.
    lost = _blank_runs(rng, (n_frames, n_tracks, n_nodes), n_runs=max(1, n_frames // 40_000), max_len=50)
    array[..., :2][lost] = np.nan
    absent = _blank_runs(rng, (n_frames, n_tracks), n_runs=max(1, n_frames // 20_000), max_len=300)
    array[absent] = np.nan
    nodes = [f"node{j}" for j in range(n_nodes)]
    skeleton = sio.Skeleton(nodes=nodes, edges=[(nodes[j], nodes[j + 1]) for j in range(n_nodes - 1)], name="skeleton")
    video = sio.Video(filename=str(path.with_name(f"{path.name.split('.')[0]}.mp4")), open_backend=False)
    tracks = [sio.Track(name=f"track_{i}") for i in range(n_tracks)]
    labels = sio.Labels.from_numpy(array, videos=[video], skeletons=[skeleton], tracks=tracks, return_confidence=True)
    score_rng = np.random.default_rng(seed + 1)
    for frame in labels.labeled_frames:
        for instance in frame.instances:
            instance.score = float(np.float32(score_rng.uniform(0.5, 1.0)))
            instance.tracking_score = float(np.float32(score_rng.uniform(0.0, 1.0)))
    tmp = path.with_suffix(".tmp.slp")
    sio.save_slp(labels, str(tmp))
    tmp.replace(path)


def _join_slp(segments: list[Path], path: Path) -> None:
    """Join ``.slp`` files of one video, skeleton and track list into one, frames one after the other."""
    import h5py

    tmp = path.with_suffix(".tmp.slp")
    with h5py.File(segments[0], "r") as first, h5py.File(tmp, "w") as out:
        for key in first:
            if key not in ("frames", "instances", "pred_points"):
                first.copy(first[key], out, name=key)
        for key, value in first.attrs.items():
            out.attrs[key] = value
        tables = {
            key: out.create_dataset(key, shape=(0,), maxshape=(None,), dtype=first[key].dtype, chunks=True)
            for key in ("frames", "instances", "pred_points")
        }
        frame_offset = instance_offset = point_offset = frame_idx_offset = 0
        for segment in segments:
            with h5py.File(segment, "r") as part:
                frames, instances, points = part["frames"][()], part["instances"][()], part["pred_points"][()]
            frames["frame_id"] += frame_offset
            frames["frame_idx"] += frame_idx_offset
            frames["instance_id_start"] += instance_offset
            frames["instance_id_end"] += instance_offset
            instances["instance_id"] += instance_offset
            instances["frame_id"] += frame_offset
            instances["point_id_start"] += point_offset
            instances["point_id_end"] += point_offset
            for key, rows in (("frames", frames), ("instances", instances), ("pred_points", points)):
                table = tables[key]
                table.resize((len(table) + len(rows),))
                table[-len(rows) :] = rows
            frame_offset += len(frames)
            instance_offset += len(instances)
            point_offset += len(points)
            frame_idx_offset = int(frames["frame_idx"].max()) + 1
    tmp.replace(path)


def ensure(name: str, *, force: bool = False) -> Path:
    """Build input ``name`` unless it is cached; return its path."""
    path = input_path(name)
    if path.exists() and not force:
        return path
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    spec = dict(INPUTS[name])
    kind = spec.pop("kind")
    started = time.perf_counter()
    print(f"generating {name} -> {path}", file=sys.stderr)
    if kind == "dlc":
        make_dlc(path, **spec)
    else:
        make_slp(path, **spec)
    print(f"  done in {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"inputs to build, of {sorted(INPUTS)} (default: dlc_1m slp_200k)")
    parser.add_argument("--force", action="store_true", help="rebuild even when cached")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in INPUTS]
    if unknown:
        parser.error(f"unknown inputs {unknown}; choose from {sorted(INPUTS)}")
    for name in args.names or DEFAULT_INPUTS:
        print(ensure(name, force=args.force))


if __name__ == "__main__":
    main()
