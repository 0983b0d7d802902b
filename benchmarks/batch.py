"""The batch case: many DeepLabCut sessions, ``poseconv run --jobs 2`` against a loop of neuroconv conversions.

    python benchmarks/batch.py prepare                     # 50 sessions of 100,000 frames + the spec
    python benchmarks/batch.py time --runs 3               # both, taking turns; sessions per minute
    python benchmarks/batch.py neuroconv                   # only the neuroconv loop (what ``time`` runs)
    python benchmarks/batch.py time --folder DIR --runs 1  # sessions prepared elsewhere (prepare --folder DIR)

``prepare`` writes ``--sessions`` seeded single-animal DeepLabCut ``.h5`` files of ``--frames`` frames
x 10 body parts (``generate.make_dlc``, a seed per session, DeepLabCut's file naming) into
``benchmarks/.data/batch/`` and a conversion spec ``spec.yaml`` beside them that lists every
session (start time, subject, frame rate, one pose file each).

The two commands timed, each a whole fresh process from start to exit:

* ``poseconv``: ``python -m poseconv.cli run spec.yaml --jobs 2 --overwrite -q`` (the spec is
  checked, then the sessions are converted by two worker processes).
* ``neuroconv``: ``python benchmarks/batch.py neuroconv``: neuroconv 0.10.2's own
  ``DeepLabCutInterface`` in a ``for`` loop over the same sessions in one process, as a user
  would write it: the same start time, subject and frame rate per session, ``run_conversion``
  with its defaults.

``time`` runs them in turn within each repetition (so a change of load hits both alike), with
wall time and peak RSS from the OS for each child (``os.wait4``), as ``run.py`` does, and the peak
memory of the child and all its descendants together (``run.TreeMemory``: their PSS summed, sampled
every 0.1 s; ``wait4`` sees only the largest process, not ``poseconv run``'s workers); it prints
sessions per minute (sessions / median wall time x 60) and saves every run to
``benchmarks/results/batch.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import machine, run_child  # noqa: E402

BATCH = generate.DATA_DIR / "batch"
SESSIONS = 50
FRAMES = 100_000
BODYPARTS = 10
START = "2024-05-01T10:00:00+02:00"


def session_ids(folder: Path = BATCH) -> list[str]:
    """The sessions ``prepare`` wrote into ``folder``, in order."""
    return sorted(path.name.split("DLC_")[0] for path in folder.glob(f"*{generate.SCORER}.h5"))


def pose_file(session_id: str, folder: Path = BATCH) -> Path:
    """The DeepLabCut file of ``session_id`` (DeepLabCut's naming: ``<video><scorer>.h5``)."""
    return folder / f"{session_id}{generate.SCORER}.h5"


def prepare(sessions: int, frames: int, folder: Path = BATCH) -> Path:
    """Write the sessions' DeepLabCut files (kept when cached) and the spec; return the spec's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"*{generate.SCORER}.h5"):
        if stale.name.split("DLC_")[0] >= f"s{sessions:03d}":
            stale.unlink()
    lines = [
        "output_folder: out",
        "metadata:",
        "  NWBFile: {session_description: benchmark}",
        "  Subject: {species: Mus musculus, sex: M, age: P90D}",
        "sessions:",
    ]
    for index in range(sessions):
        session_id = f"s{index:03d}"
        path = pose_file(session_id, folder)
        if not path.exists():
            generate.make_dlc(path, n_frames=frames, n_animals=1, n_bodyparts=BODYPARTS, seed=generate.SEED + index)
            print(f"  {path.name}: {frames:,} frames", file=sys.stderr)
        lines += [
            f"  - session_id: {session_id}",
            f"    session_start_time: {START}",
            f"    subject: {{subject_id: m{index:03d}}}",
            "    pose:",
            f"      - file_path: {path.name}",
            f"        sampling_frequency: {generate.FPS}",
        ]
    spec = folder / "spec.yaml"
    spec.write_text("\n".join(lines) + "\n")
    return spec


def neuroconv_loop(folder: Path = BATCH) -> None:
    """Convert every session with neuroconv's ``DeepLabCutInterface``, one after the other."""
    from neuroconv.datainterfaces import DeepLabCutInterface

    output = folder / "out_neuroconv"
    output.mkdir(exist_ok=True)
    for session_id in session_ids(folder):
        interface = DeepLabCutInterface(file_path=pose_file(session_id, folder), sampling_frequency=generate.FPS)
        metadata = interface.get_metadata()
        metadata["NWBFile"].update(
            session_start_time=datetime.fromisoformat(START), session_id=session_id, session_description="benchmark"
        )
        metadata["Subject"] = {"subject_id": f"m{session_id[1:]}", "species": "Mus musculus", "sex": "M", "age": "P90D"}
        interface.run_conversion(nwbfile_path=output / f"{session_id}.nwb", metadata=metadata, overwrite=True)


def commands(folder: Path = BATCH) -> dict[str, list[str]]:
    """The two whole commands that are timed."""
    spec = str(folder / "spec.yaml")
    return {
        "poseconv": [sys.executable, "-m", "poseconv.cli", "run", spec, "--jobs", "2", "--overwrite", "-q"],
        "neuroconv": [sys.executable, str(Path(__file__).resolve()), "neuroconv", "--folder", str(folder)],
    }


def measure(runs: int, folder: Path = BATCH) -> dict:
    """Time both commands ``runs`` times, taking turns; return every run and the sessions per minute."""
    n_sessions = len(session_ids(folder))
    every = commands(folder)
    results: dict = {tool: {"runs": []} for tool in every}
    for repetition in range(runs):
        for tool, command in every.items():
            run = run_child(command, tree=True)
            results[tool]["runs"].append(run)
            print(f"  {tool} {repetition + 1}/{runs}: {run['wall_s']:.1f} s", file=sys.stderr)
    for tool in results.values():
        wall = statistics.median(run["wall_s"] for run in tool["runs"])
        tool["sessions_per_minute"] = n_sessions / wall * 60
    return {"sessions": n_sessions, "tools": results}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["prepare", "time", "neuroconv"])
    parser.add_argument("--sessions", type=int, default=SESSIONS, help="sessions to prepare")
    parser.add_argument("--frames", type=int, default=FRAMES, help="frames per session")
    parser.add_argument("--folder", type=Path, default=BATCH, help="where the sessions and the spec are")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each command (median reported)")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "batch.json", help="where to save runs")
    args = parser.parse_args(argv)
    if args.step == "prepare":
        print(prepare(args.sessions, args.frames, args.folder))
    elif args.step == "neuroconv":
        neuroconv_loop(args.folder)
    else:
        result = measure(args.runs, args.folder)
        lines = [
            "| tool | wall s (median) | peak RSS MB, largest process (median) | peak PSS MB, all processes (median) "
            "| sessions / min |",
            "|---|---:|---:|---:|---:|",
        ]
        for tool, entry in result["tools"].items():
            wall = statistics.median(run["wall_s"] for run in entry["runs"])
            rss = statistics.median(run["peak_rss_mb"] for run in entry["runs"])
            tree = statistics.median(run["tree_peak_pss_mb"] for run in entry["runs"])
            lines.append(f"| {tool} | {wall:.1f} | {rss:.0f} | {tree:.0f} | {entry['sessions_per_minute']:.1f} |")
        print("\n".join(lines))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps({"machine": machine(), **result}, indent=2))


if __name__ == "__main__":
    main()
