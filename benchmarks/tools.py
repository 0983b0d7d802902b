"""Time the commands users wait on besides the conversion itself, each in a fresh process.

    python benchmarks/tools.py                       # every case, 3 runs each (median reported)
    python benchmarks/tools.py --cases help plot_1m --runs 5

Cases (inputs generate into ``benchmarks/.data``; NWB inputs are written once by ``poseconv convert``):

* ``help``, ``schema``: ``poseconv --help`` / ``poseconv schema``.
* ``metadata_small``, ``inspect_small``, ``inspect_small_nwb``: a 2,330-frame DeepLabCut file
  from ``../shared/data`` and its NWB conversion.
* ``inspect_1m``, ``plot_1m``: the NWB file of ``dlc_1m`` (1,000,000 frames x 10 body parts);
  beside them the h5py floor reads every ``data`` and ``confidence`` dataset of the file.
* ``export_200k``: ``poseconv export --to slp`` of the NWB file of ``slp_200k`` (2 tracks x 13 nodes).
* ``clip_training``: ``SLEAPPoseInterface(clip.slp, include_training_data=True).run_conversion``
  (1,500 frames, 3,000 user instances written as ndx-pose training data); beside it sleap-io's own
  ``save_nwb(..., nwb_format="annotations")`` of the same file.
* ``centered_pair_cli``: ``poseconv convert centered_pair_predictions.slp`` (27 tracks x 24 nodes
  x 1,100 frames); beside it neuroconv 0.10.2's ``SLEAPInterface`` writing one of the tracks, and
  sleap-io's ``save_nwb(..., nwb_format="predictions")`` writing all of them (without scores).

Wall time and peak RSS come from the OS for each child (``os.wait4``), as in ``run.py``.
Results: printed as Markdown and saved to ``benchmarks/results/tools.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import machine, run_child  # noqa: E402

DATA = HERE / ".data"
OUT = DATA / "out"
SHARED = HERE.parent.parent / "shared" / "data"
SMALL_DLC = SHARED / (
    "neuroconv/behavior_testing_data/DLC/open_field_with_video/m3v1mp4DLC_resnet50_openfieldOct30shuffle1_1000.h5"
)
CLIP = SHARED / "sleap/tests/data/tracks/clip.slp"
CENTERED_PAIR = SHARED / "sleap/tests/data/hdf5_format_v1/centered_pair_predictions.slp"
START = "2024-05-03T11:26:42+02:00"
POSECONV = [sys.executable, "-m", "poseconv.cli"]

_CLIP_SCRIPT = """
import warnings
from datetime import UTC, datetime
from poseconv.interfaces import SLEAPPoseInterface
warnings.simplefilter("ignore")
interface = SLEAPPoseInterface(file_path={source!r}, include_training_data=True)
metadata = interface.get_metadata()
metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 3, tzinfo=UTC)
interface.run_conversion(nwbfile_path={output!r}, metadata=metadata, overwrite=True)
"""
_NEUROCONV_SLP_SCRIPT = """
from datetime import UTC, datetime
from neuroconv.datainterfaces import SLEAPInterface
interface = SLEAPInterface(file_path={source!r}, frames_per_second=15.0, track_name="1")
metadata = interface.get_metadata()
metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 3, tzinfo=UTC)
interface.run_conversion(nwbfile_path={output!r}, metadata=metadata, overwrite=True)
"""
# SLEAP's own NWB writer (sleap-io), beside the SLEAP cases: the same hdmf machinery, its own objects.
_SLEAP_IO_SCRIPT = """
import warnings
import sleap_io
warnings.simplefilter("ignore")
sleap_io.save_nwb(sleap_io.load_slp({source!r}), {output!r}, nwb_format={nwb_format!r})
"""
# The floor of reading a pose NWB file: every data and confidence dataset, decompressed, with h5py.
_H5PY_READ_SCRIPT = """
import h5py, numpy as np
def visit(name, item):
    if isinstance(item, h5py.Dataset) and name.rsplit("/", 1)[-1] in ("data", "confidence"):
        np.isnan(item[()]).sum()
with h5py.File({source!r}, "r") as handle:
    handle["processing/behavior"].visititems(visit)
"""


def _nwb(name: str, source: Path) -> Path:
    """The NWB file of ``source``, written once with ``poseconv convert``."""
    path = DATA / f"{name}.nwb"
    if not path.exists():
        command = [*POSECONV, "convert", str(source), "-o", str(path), "--fps", "30", "--session-start-time", START]
        subprocess.run([*command, "-q"], cwd=HERE.parent, check=True)
    return path


CASES = (
    "help",
    "schema",
    "metadata_small",
    "inspect_small",
    "inspect_small_nwb",
    "inspect_1m",
    "plot_1m",
    "export_200k",
    "clip_training",
    "centered_pair_cli",
)


def case_commands(name: str) -> dict[str, list[str]]:
    """The poseconv command of case ``name`` and, where one exists, what it is compared with.

    Only the inputs this case needs are generated (the 1M-frame and 200k-frame files take a minute).
    """
    OUT.mkdir(parents=True, exist_ok=True)
    python = [sys.executable, "-c"]
    if name in ("help", "schema"):
        return {"poseconv": [*POSECONV, "--help" if name == "help" else "schema"]}
    if name in ("metadata_small", "inspect_small"):
        return {"poseconv": [*POSECONV, name.removesuffix("_small"), str(SMALL_DLC)]}
    if name == "inspect_small_nwb":
        return {"poseconv": [*POSECONV, "inspect", str(_nwb("small", SMALL_DLC))]}
    if name in ("inspect_1m", "plot_1m"):
        nwb_1m = _nwb("dlc_1m", generate.ensure("dlc_1m"))
        command = [*POSECONV, "inspect", str(nwb_1m)]
        if name == "plot_1m":
            command = [*POSECONV, "plot", str(nwb_1m), "-o", str(OUT / "plot_1m.png"), "--overwrite"]
        return {"poseconv": command, "h5py floor": [*python, _H5PY_READ_SCRIPT.format(source=str(nwb_1m))]}
    if name == "export_200k":
        nwb_200k = _nwb("slp_200k", generate.ensure("slp_200k"))
        return {
            "poseconv": [*POSECONV, "export", str(nwb_200k), str(OUT / "export_200k.slp"), "--to", "slp", "--overwrite"]
        }
    if name == "clip_training":
        return {
            "poseconv": [*python, _CLIP_SCRIPT.format(source=str(CLIP), output=str(OUT / "clip.nwb"))],
            "sleap-io save_nwb (annotations)": [
                *python,
                _SLEAP_IO_SCRIPT.format(source=str(CLIP), output=str(OUT / "clip_sio.nwb"), nwb_format="annotations"),
            ],
        }
    return {
        "poseconv": [
            *POSECONV,
            *("convert", str(CENTERED_PAIR), "-o", str(OUT / "centered_pair.nwb")),
            *("--overwrite", "--session-start-time", START),
        ],
        "neuroconv (1 track)": [
            *python,
            _NEUROCONV_SLP_SCRIPT.format(source=str(CENTERED_PAIR), output=str(OUT / "centered_pair_nc.nwb")),
        ],
        "sleap-io save_nwb (all tracks)": [
            *python,
            _SLEAP_IO_SCRIPT.format(
                source=str(CENTERED_PAIR), output=str(OUT / "centered_pair_sio.nwb"), nwb_format="predictions"
            ),
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES, metavar="CASE", help=f"of {CASES}")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per case (median reported)")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "tools.json", help="where to save the runs")
    args = parser.parse_args(argv)
    results = {}
    for name in args.cases:
        commands = case_commands(name)
        results[name] = {tool: [] for tool in commands}
        for repetition in range(args.runs):
            for tool, command in commands.items():
                run = run_child(command)
                results[name][tool].append(run)
                print(f"  {name} {tool} {repetition + 1}/{args.runs}: {run['wall_s']:.2f} s", file=sys.stderr)
    lines = ["| case | tool | wall s (median) | peak RSS MB (median) |", "|---|---|---:|---:|"]
    for name, tools in results.items():
        for tool, runs in tools.items():
            wall = statistics.median(r["wall_s"] for r in runs)
            rss = statistics.median(r["peak_rss_mb"] for r in runs)
            lines.append(f"| `{name}` | {tool} | {wall:.2f} | {rss:.0f} |")
    print("\n".join(lines))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"machine": machine(), "cases": results}, indent=2))


if __name__ == "__main__":
    main()
