"""Time ``poseconv inspect URL`` of an NWB file and an NWB Zarr store served with a network's latency.

    python benchmarks/remote.py                                  # 20 ms per request, 3 runs each
    python benchmarks/remote.py --latency 0.05 --runs 5
    python benchmarks/remote.py --src /path/to/another/checkout/src   # the same, with another poseconv beside

The input is SLEAP's ``centered_pair_predictions.slp`` (27 tracks x 24 nodes x 1,100 frames) from
``../shared/data``, converted once by ``poseconv convert`` into ``benchmarks/.data/remote/`` as an
``.nwb`` file and an ``.nwb.zarr`` store. They are served by the tests' Range server
(``tests/fixtures/http_server.py``, HTTP/1.1 keep-alive, TCP_NODELAY) whose every answer waits ``--latency``
seconds first, as a remote server's does (DANDI's bucket answers in 20-100 ms from a lab); the
server's threads sleep without holding the interpreter, so concurrent requests overlap as they would.
Each run is ``poseconv inspect URL --json`` in a fresh process; wall time and peak RSS from the OS
(``os.wait4``), requests counted by the server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import run_child  # noqa: E402
from tests.fixtures.http_server import RangeServer, range_handler, serving  # noqa: E402
from tools import CENTERED_PAIR, POSECONV, START  # noqa: E402

FOLDER = HERE / ".data" / "remote"
NAMES = ("centered_pair.nwb", "centered_pair.nwb.zarr")


def prepare() -> None:
    """Write the file and the store once."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        if not (FOLDER / name).exists():
            command = [*POSECONV, "convert", str(CENTERED_PAIR), "-o", str(FOLDER / name), "--fps", "15"]
            subprocess.run([*command, "--session-start-time", START, "-q"], cwd=HERE.parent, check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.02, help="seconds each answer waits (default 0.02)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (median reported)")
    parser.add_argument("--src", type=Path, help="another poseconv source tree to time beside this one")
    args = parser.parse_args(argv)
    prepare()
    state = RangeServer(root=FOLDER.resolve(), port=0)

    class Remote(range_handler(state)):
        protocol_version = "HTTP/1.1"  # keep-alive, as S3 and web servers answer
        # Headers and body leave in two writes: with Nagle's algorithm the body waits for the client's delayed
        # ACK of the headers (40 ms on Linux), a delay no real server adds.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            time.sleep(args.latency)
            super().do_GET()

        def do_HEAD(self) -> None:  # noqa: N802 - the name http.server calls
            time.sleep(args.latency)
            super().do_HEAD()

    trees = {"this checkout": HERE.parent / "src", **({str(args.src): args.src} if args.src else {})}
    rows = ["| input | poseconv | wall s (median) | peak RSS MB | requests |", "|---|---|---:|---:|---:|"]
    with serving(state, Remote):
        for name in NAMES:
            runs: dict[str, list] = {tree: [] for tree in trees}
            for _ in range(args.runs):
                for tree, src in trees.items():
                    state.reset()
                    os.environ["PYTHONPATH"] = str(src.resolve())
                    run = run_child([*POSECONV, "inspect", state.url(name), "--json"])
                    runs[tree].append({**run, "requests": len(state.requests)})
            for tree, done in runs.items():
                wall = statistics.median(r["wall_s"] for r in done)
                rss = statistics.median(r["peak_rss_mb"] for r in done)
                rows.append(f"| `{name}` | {tree} | {wall:.2f} | {rss:.0f} | {done[-1]['requests']} |")
    print(f"latency {args.latency * 1000:.0f} ms per request")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
