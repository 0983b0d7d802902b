"""Check converted files against their source, value by value, bit for bit (NaN included).

References are read independently of poseconv: DeepLabCut tables with pandas
(``HDFStore.select`` in row blocks, so the 10 GB multi-animal file fits), SLEAP
files with sleap-io (``Labels.numpy``), or, for files of over 400,000 frames whose
sleap-io objects would not fit in memory, from the point tables with h5py
(``convert.read_slp_tables``). Every ``PoseEstimationSeries`` of an output is
matched to its source columns by individual/track and node name.

    python benchmarks/verify.py INPUT_NAME OUTPUT.nwb [OUTPUT.nwb ...]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import h5py
import numpy as np

BLOCK_BYTES = 128 * 2**20
# Longer .slp files are read with h5py (convert.read_slp_tables), not with sleap-io.
SLEAP_IO_MAX_FRAMES = 400_000
FPS = 30.0  # the rate convert.py gives every tool


def _series(path: Path) -> dict[tuple[str, str], h5py.Group]:
    """Every pose series group of an output, by (container name, series name)."""
    found: dict[tuple[str, str], h5py.Group] = {}
    handle = h5py.File(path, "r")

    def visit(name: str, obj: object) -> None:
        if isinstance(obj, h5py.Group) and "data" in obj:
            kind = obj.attrs.get("neurodata_type")
            parent = obj.parent.attrs.get("neurodata_type")
            if kind == "PoseEstimationSeries" or (kind is None and parent is None and "confidence" in obj):
                found[(obj.parent.name.rsplit("/", 1)[-1], obj.name.rsplit("/", 1)[-1])] = obj

    handle.visititems(visit)
    return found


def _normalize(name: str) -> str:
    """Lower case without separators or neuroconv's prefix: 'PoseEstimationSeriesNode0' -> 'node0'."""
    return re.sub(r"^poseestimationseries", "", re.sub(r"[^a-z0-9]", "", name.lower()))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a = np.ascontiguousarray(a, dtype="float64")
    b = np.ascontiguousarray(b, dtype="float64")
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def verify_dlc(source: Path, outputs: dict[str, Path]) -> dict[str, str]:
    import pandas as pd

    with pd.HDFStore(source, mode="r") as store:
        key = store.keys()[0]
        n_rows = store.get_storer(key).nrows
        columns = store.select(key, start=0, stop=0).columns
        multi = "individuals" in columns.names
        individuals = list(dict.fromkeys(columns.get_level_values("individuals"))) if multi else [None]
        bodyparts = list(dict.fromkeys(columns.get_level_values("bodyparts")))
        block = max(1024, BLOCK_BYTES // (8 * len(columns)))
        report = {}
        for tool, output in outputs.items():
            if not output.exists():
                report[tool] = "no output"
                continue
            series = _series(output)
            plan = []  # (dataset, source column positions)
            for (container, name), group in series.items():
                part = next((p for p in bodyparts if _normalize(name) == _normalize(p)), None)
                individual = None
                if multi:
                    named = [i for i in individuals if _normalize(i) in _normalize(container)]
                    individual = max(named, key=len) if named else None
                if part is None or (multi and individual is None):
                    continue
                prefix = (columns[0][0],) + ((individual,) if multi else ())
                xy = [columns.get_loc((*prefix, part, axis)) for axis in ("x", "y")]
                plan.append((group["data"], xy))
                if "confidence" in group:
                    plan.append((group["confidence"], columns.get_loc((*prefix, part, "likelihood"))))
            expected_series = len(bodyparts) * len(individuals) if tool != "neuroconv" else len(bodyparts)
            written = sum(1 for dataset, _ in plan if dataset.name.endswith("/data"))
            mismatches = 0
            values_checked = 0
            for start in range(0, n_rows, block):
                stop = min(n_rows, start + block)
                values = store.select(key, start=start, stop=stop).to_numpy(dtype="float64")
                for dataset, position in plan:
                    got = dataset[start:stop]
                    want = values[:, position]
                    values_checked += want.size
                    if not _same(got, want):
                        mismatches += 1
            lengths_ok = all(dataset.shape[0] == n_rows for dataset, _ in plan)
            exact = mismatches == 0 and lengths_ok
            report[tool] = (
                f"{'exact' if exact else 'DIFFERS'}: {written} series of {expected_series} in the source, "
                f"{values_checked:,} values compared"
            )
    return report


def _slp_reference(source: Path) -> tuple[np.ndarray, list[str], list[str]]:
    """``(frames, tracks, nodes, 3)`` values of a ``.slp`` (NaN where absent), its track and node names."""
    import sleap_io

    with h5py.File(source, "r") as handle:
        n_frames = len(handle["frames"])
    if n_frames <= SLEAP_IO_MAX_FRAMES:
        labels = sleap_io.load_slp(str(source), open_videos=False)
        array = labels.numpy(return_confidence=True)
        return array, [track.name for track in labels.tracks], [node.name for node in labels.skeletons[0].nodes]
    # sleap-io's objects for millions of instances need tens of GB: read the point tables instead.
    from convert import read_slp_tables

    xy, score = read_slp_tables(source)
    array = np.concatenate([xy, score[..., None]], axis=-1).transpose(1, 0, 2, 3)
    from sleap_io.io import slp

    tracks = [track.name for track in slp.read_tracks(str(source))]
    nodes = list(slp.read_skeletons(str(source))[0].node_names)
    return array, tracks, nodes


def verify_slp(source: Path, outputs: dict[str, Path]) -> dict[str, str]:
    array, tracks, nodes = _slp_reference(source)
    report = {}
    sparse_tools: set[str] = set()
    for tool, output in outputs.items():
        if not output.exists():
            report[tool] = "no output"
            continue
        mismatches, compared, written = [], 0, 0
        for (container, name), group in _series(output).items():
            node = next((n for n in nodes if _normalize(name) == _normalize(n)), None)
            named = [t for t in tracks if _normalize(t) in _normalize(container)]
            track = max(named, key=len) if named else (tracks[0] if len(tracks) == 1 else None)
            if node is None or track is None:
                continue
            t, j = tracks.index(track), nodes.index(node)
            written += 1
            data = group["data"][()]
            want = array[:, t, j, :2]
            frames = np.arange(data.shape[0])
            if "timestamps" in group and data.shape[0] != want.shape[0]:
                # neuroconv writes only the frames where the track has an instance, with their times.
                frames = np.rint(group["timestamps"][()] * FPS).astype("int64")
                sparse_tools.add(tool)
            compared += data.size
            # Frames an output leaves out must be missing (NaN) in the source.
            left_out = np.ones(want.shape[0], dtype=bool)
            left_out[frames] = False
            ok = _same(data, want[frames]) and np.isnan(want[left_out]).all()
            if "confidence" in group:
                confidence = group["confidence"][()]
                compared += confidence.size
                ok = ok and _same(confidence, array[frames, t, j, 2])
            if not ok:
                mismatches.append(f"{track}/{node}")
        status = "exact" if not mismatches else f"DIFFERS in {len(mismatches)} series (e.g. {mismatches[:3]})"
        sparse = " (only the frames where the track has an instance)" if tool in sparse_tools else ""
        report[tool] = (
            f"{status}: {written} series of {len(tracks) * len(nodes)} in the source, {compared:,} values{sparse}"
        )
    return report


def verify_outputs(name: str, source: str | Path, outputs: dict[str, Path]) -> dict[str, str]:
    """Compare every output with the source; return one line per tool."""
    source = Path(source)
    outputs = {tool: Path(path) for tool, path in outputs.items()}
    if source.suffix == ".slp":
        return verify_slp(source, outputs)
    return verify_dlc(source, outputs)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate

    input_name = sys.argv[1]
    paths = {Path(p).stem: Path(p) for p in sys.argv[2:]}
    for tool, line in verify_outputs(input_name, generate.input_path(input_name), paths).items():
        print(f"{tool}: {line}")
