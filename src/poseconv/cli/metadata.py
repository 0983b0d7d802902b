"""``poseconv metadata``: the metadata a conversion would use, as YAML to edit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from ._common import DebugOption, QuietOption, apply_flags, command_errors, progress, split_names

__all__ = ["metadata"]

_HEADER = """\
# Metadata poseconv would write for {name}.
# Edit it, then: poseconv convert {name} -o out.nwb --metadata this.yaml
# NWBFile.session_start_time is required (ISO-8601 with a time zone); see 'poseconv schema' for every field.
"""


def metadata(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="A pose file.", show_default=False)],
    source: Annotated[str | None, typer.Option("--source", "-s", help="dlc or sleap; detected when omitted.")] = None,
    video: Annotated[Path | None, typer.Option("--video", help="The analysed video.")] = None,
    fps: Annotated[float | None, typer.Option("--fps", help="Frame rate (Hz) when the files record none.")] = None,
    individuals: Annotated[list[str] | None, typer.Option("--individuals", "-i", help="Keep only these individuals/tracks.")] = None,
    output_format: Annotated[Literal["yaml", "json"], typer.Option("--format", "-f", help="yaml or json.")] = "yaml",
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Print the metadata the conversion of INPUT would use, ready to edit and pass to --metadata."""
    apply_flags(quiet, debug)
    with command_errors():
        from ._conversion import to_plain
        from ._sources import make_interface

        with progress() as bar:
            bar.add_task(f"Reading {input_file.name}", total=None)
            interface = make_interface(
                input_file, source=source, video=video, fps=fps, individuals=split_names(individuals)
            )
        plain = to_plain(interface.get_metadata())
        if output_format == "json":
            typer.echo(json.dumps(plain, indent=2))
            return
        import yaml

        typer.echo(_HEADER.format(name=input_file.name) + yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), nl=False)
