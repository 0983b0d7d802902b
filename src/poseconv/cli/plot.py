"""``poseconv plot``: a quick-look figure of a pose file or an NWB file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..catalog import source_help
from ._common import DebugOption, QuietOption, apply_flags, command_errors, progress, reading, status

SOURCE_HELP = source_help()
__all__ = ["plot"]


def plot(
    file: Annotated[Path, typer.Argument(metavar="NWB|INPUT", help="An NWB file or a pose file.", show_default=False)],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Image to write (.png, .pdf, .svg).", show_default=False)
    ],
    source: Annotated[
        str | None, typer.Option("--source", "-s", help=f"The input's format, detected when omitted: {SOURCE_HELP}.")
    ] = None,
    container: Annotated[
        list[str] | None, typer.Option("--container", "-c", help="NWB: plot only these containers.")
    ] = None,
    max_tracks: Annotated[int, typer.Option("--max-tracks", min=1, help="Draw at most this many tracks.")] = 8,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace OUTPUT if it exists.")] = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Draw trajectories per node, confidence over time and missing data, one row per track."""
    apply_flags(quiet, debug)
    with command_errors():
        from ..errors import InvalidOptionError
        from ..exporters.quicklook import write_quicklook_figure

        if output.exists() and not overwrite:
            raise InvalidOptionError(f"{output}: already exists; pass --overwrite to replace it.")
        with progress() as bar:
            task = bar.add_task(f"Reading {file.name}", total=None)
            # NWB tracks are read a block at a time while drawing; long recordings are decimated.
            with reading(file, source=source, containers=container) as poses:
                bar.update(task, description=f"Drawing {output.name}")
                write_quicklook_figure(poses, output, max_tracks=max_tracks)
        status(f"Wrote {output}")
