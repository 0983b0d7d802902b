"""Run every benchmark, each conversion in a fresh process, and print the results table.

    python benchmarks/run.py                      # dlc_1m, dlc_100k, slp_200k, slp_20k; 3 runs each
    python benchmarks/run.py --runs 5 --inputs dlc_1m
    python benchmarks/run.py --inputs dlc_multi --tools poseconv --runs 1

For every input, each repetition runs every tool once, in turn (so that a change in
the machine's load hits all tools alike), as ``python benchmarks/convert.py TOOL
INPUT OUTPUT``. The wall time is measured around the child process; peak RSS and CPU
time come from the OS for that child (``os.wait4``). A "startup" process per tool
imports what the tool imports and exits, so the table can also show the time
beyond startup. After timing, the outputs are checked value by value against the
source (every value of every series, bit for bit, NaN included).

Results go to ``benchmarks/results/<input>.json`` and a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

OUT_DIR = HERE / ".data" / "out"
RESULTS_DIR = HERE / "results"
TOOLS = ("neuroconv", "poseconv", "h5py")
DEFAULT_INPUTS = ("dlc_1m", "dlc_100k", "slp_200k", "slp_20k")
# What each tool's process imports before converting anything: its "startup".
STARTUP_IMPORTS = {
    ("neuroconv", "dlc"): "from neuroconv.datainterfaces import DeepLabCutInterface; import ndx_pose",
    ("neuroconv", "slp"): "from neuroconv.datainterfaces import SLEAPInterface; import ndx_pose, sleap_io",
    ("poseconv", "dlc"): "from poseconv.interfaces import DeepLabCutPoseInterface; import ndx_pose",
    ("poseconv", "slp"): "from poseconv.interfaces.sleap import SLEAPPoseInterface; import ndx_pose",
    ("h5py", "dlc"): "import h5py, tables, numpy",
    ("h5py", "slp"): "import h5py, numpy",
}


class TreeMemory:
    """The peak, over time, of the memory of a process and all its descendants together.

    ``wait4`` reports the largest single process: a command whose work is done by worker processes
    (``poseconv run``) would look as small as its planning process. This samples the proportional
    set size (PSS: pages shared between processes, such as a fork server's imports, counted once in
    all) of the whole tree every ``interval`` seconds, with psutil, and keeps the peak of the sum.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        import threading

        self.peak_bytes = 0
        self._pid, self._interval = pid, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self._pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.wait(self._interval):
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for process in tree:
                try:
                    total += process.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
            self.peak_bytes = max(self.peak_bytes, total)

    def stop(self) -> float:
        """Stop sampling; return the peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak_bytes / 2**20


def run_child(args: list[str], *, tree: bool = False) -> dict:
    """Run one child process; return wall time, peak RSS and CPU time the OS reports for it.

    With ``tree``, also the peak memory of the child and its descendants together (:class:`TreeMemory`).
    """
    # The child's output goes to a file, not a pipe: a child printing more than a pipe holds (64 KiB, the JSON of
    # `inspect` on a large file) would wait for a reader while this process waits for it to end.
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=stderr)
        sampler = TreeMemory(process.pid) if tree else None
        # wait4 gives the resources of this child alone (RUSAGE_CHILDREN would mix all children).
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        tree_mb = sampler.stop() if sampler is not None else None
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        error = stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}):\n{error[-3000:]}")
    result = {
        "wall_s": wall,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "load1": os.getloadavg()[0],
    }
    if tree_mb is not None:
        result["tree_peak_pss_mb"] = tree_mb
    return result


def verify(name: str, tools: list[str]) -> dict[str, str]:
    """Check the outputs in a child process (run.py must stay small: children inherit its RSS at fork)."""
    outputs = [str(OUT_DIR / f"{name}.{tool}.nwb") for tool in tools]
    done = subprocess.run(
        [sys.executable, str(HERE / "verify.py"), name, *outputs], capture_output=True, text=True, check=True
    )
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    return {tool: lines.get(f"{name}.{tool}", "not checked") for tool in tools}


def measure(name: str, tools: list[str], runs: int) -> dict:
    """Time every tool on input ``name``; return the raw measurements."""
    source = generate.ensure(name)
    kind = "slp" if source.suffix == ".slp" else "dlc"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    # Tools that do not apply to this kind of input (the SLEAP fast path on DeepLabCut) are skipped.
    tools = [tool for tool in tools if (tool, kind) in STARTUP_IMPORTS]
    results: dict[str, dict] = {tool: {"runs": [], "startup": []} for tool in tools}
    for repetition in range(runs):
        for tool in tools:
            output = OUT_DIR / f"{name}.{tool}.nwb"
            output.unlink(missing_ok=True)
            run = run_child([sys.executable, str(HERE / "convert.py"), tool, str(source), str(output)])
            run["file_mb"] = output.stat().st_size / 1e6
            results[tool]["runs"].append(run)
            startup = run_child([sys.executable, "-c", STARTUP_IMPORTS[(tool, kind)]])
            results[tool]["startup"].append(startup)
            print(
                f"  {name} {tool} run {repetition + 1}/{runs}: {run['wall_s']:.2f} s, "
                f"{run['peak_rss_mb']:.0f} MB peak, {run['file_mb']:.1f} MB file (load {run['load1']:.1f})",
                file=sys.stderr,
            )
    return {"input": name, "source": str(source), "kind": kind, "tools": results}


def summarize(raw: dict) -> dict:
    """Medians per tool."""
    summary = {}
    for tool, data in raw["tools"].items():
        runs = data["runs"]
        summary[tool] = {
            "wall_s": statistics.median(r["wall_s"] for r in runs),
            "cpu_s": statistics.median(r["cpu_s"] for r in runs),
            "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
            "file_mb": statistics.median(r["file_mb"] for r in runs),
            "startup_s": statistics.median(r["wall_s"] for r in data["startup"]),
            "n_runs": len(runs),
            "max_load1": max(r["load1"] for r in runs),
        }
    return summary


def table(raw: dict, summary: dict) -> str:
    """Markdown table of one input, with ratios to poseconv."""
    pose = summary.get("poseconv")
    reference = "poseconv"
    lines = [
        f"**{raw['input']}** (`{Path(raw['source']).name}`, median of {next(iter(summary.values()))['n_runs']} runs)",
        "",
        "| tool | wall s | wall beyond startup s | CPU s | peak RSS MB | file MB | "
        f"wall / {reference} | beyond-startup / {reference} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tool, s in summary.items():
        beyond = s["wall_s"] - s["startup_s"]
        ratio = ratio_beyond = ""
        if pose:
            ratio = f"{s['wall_s'] / pose['wall_s']:.2f}"
            ratio_beyond = f"{beyond / max(1e-9, pose['wall_s'] - pose['startup_s']):.2f}"
        lines.append(
            f"| {tool} | {s['wall_s']:.2f} | {beyond:.2f} | {s['cpu_s']:.2f} | {s['peak_rss_mb']:.0f} | "
            f"{s['file_mb']:.1f} | {ratio} | {ratio_beyond} |"
        )
    return "\n".join(lines)


def machine() -> dict:
    """What ran the benchmarks."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory_gb = int(memory) / 2**20
    except OSError:
        memory_gb = float("nan")
    versions = {}
    packages = ("poseconv", "neuroconv", "pynwb", "hdmf", "ndx-pose", "sleap-io", "h5py", "tables", "pandas", "numpy")
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_gb, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", nargs="+", default=list(DEFAULT_INPUTS), help=f"of {sorted(generate.INPUTS)}")
    parser.add_argument("--tools", nargs="+", default=list(TOOLS), help=f"of {list(TOOLS)}")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per tool (median reported)")
    parser.add_argument("--no-verify", action="store_true", help="skip the value-by-value check of the outputs")
    args = parser.parse_args(argv)
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; {info['os']}", file=sys.stderr)
    RESULTS_DIR.mkdir(exist_ok=True)
    tables = []
    for name in args.inputs:
        raw = measure(name, args.tools, args.runs)
        summary = summarize(raw)
        if not args.no_verify:
            raw["verification"] = verify(name, list(raw["tools"]))
            print(f"  {name} verification: {raw['verification']}", file=sys.stderr)
        raw["summary"] = summary
        raw["machine"] = info
        (RESULTS_DIR / f"{name}.json").write_text(json.dumps(raw, indent=2, default=str))
        tables.append(table(raw, summary))
        if "verification" in raw:
            tables.append("")
            tables.append(f"Exactness: {raw['verification']}")
        tables.append("")
    print("\n".join(tables))


if __name__ == "__main__":
    main()
