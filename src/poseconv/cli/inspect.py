"""``poseconv inspect``: what a pose file or an NWB file holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ._common import DebugOption, QuietOption, apply_flags, command_errors, progress, read_any, stdout_console

__all__ = ["inspect"]


def inspect(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A pose file or an NWB file.", show_default=False)],
    source: Annotated[str | None, typer.Option("--source", "-s", help="dlc or sleap, for pose files.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Show software, skeletons, individuals/tracks, frames, rate, missing data and confidence."""
    apply_flags(quiet, debug)
    with command_errors():
        from ..exporters.summary import summarize_pose

        with progress() as bar:
            bar.add_task(f"Reading {file.name}", total=None)
            summaries = [summarize_pose(pose) for pose in read_any(file, source=source)]
        if as_json:
            typer.echo(json.dumps({"file": str(file), "poses": summaries}, indent=2))
            return
        console = stdout_console()
        if not summaries:
            console.print(f"{file}: no PoseEstimation found.")
        for summary in summaries:
            _print_summary(console, summary)


def _fmt(value: float | None, pattern: str = "{:.3f}") -> str:
    return "-" if value is None else pattern.format(value)


def _print_summary(console: Any, summary: dict[str, Any]) -> None:
    from rich.table import Table

    version = f" {summary['source_software_version']}" if summary["source_software_version"] else ""
    console.print(f"[bold]{summary['source_file']}[/bold]")
    console.print(
        f"  software: {summary['source_software']}{version}   scorer: {summary['scorer'] or '-'}   "
        f"unit: {summary['unit']}   {summary['n_dims']}D"
    )
    for name, skeleton in summary["skeletons"].items():
        edges = ", ".join(f"{skeleton['nodes'][a]}-{skeleton['nodes'][b]}" for a, b in skeleton["edges"]) or "none"
        console.print(
            f"  skeleton {name}: {len(skeleton['nodes'])} nodes ({', '.join(skeleton['nodes'])}); edges: {edges}"
        )
    for key, video in summary["videos"].items():
        if video["rate"] is None:
            timing = "no frame rate recorded (give --fps when converting)"
        else:
            kind = "timestamps, mean rate" if video["timestamps"] else "rate"
            timing = f"{kind} {video['rate']:.6g} Hz, {video['duration']:.3f} s from {video['starting_time']:.6g} s"
        where = video["path"] or video["original_path"] or "not found"
        console.print(f"  video {key}: {video['n_frames']} frames; {timing}; file: {where}")
    for track in summary["tracks"]:
        frames = f"{track['frames_with_pose']}/{track['n_frames']} frames with a pose"
        table = Table(
            title=f"{track['name']} (video {track['video']}): {frames}",
            title_justify="left",
        )
        table.add_column("node")
        table.add_column("missing", justify="right")
        if track["confidence"] is not None:
            for column in ("conf. mean", "min", "median", "max"):
                table.add_column(column, justify="right")
        for node, missing in track["missing_fraction"].items():
            row = [node, _fmt(missing, "{:.1%}")]
            if track["confidence"] is not None:
                stats = track["confidence"][node]
                row += [_fmt(stats["mean"]), _fmt(stats["min"]), _fmt(stats["median"]), _fmt(stats["max"])]
            table.add_row(*row)
        console.print(table)
