"""``poseconv schema``: the metadata JSON Schema (draft-07)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..catalog import source_help
from ._common import DebugOption, QuietOption, apply_flags, command_errors, status
from ._options import checked_source

__all__ = ["schema"]


def _committed_schema_path() -> Path:
    """``schemas/metadata.schema.json`` of the source checkout poseconv runs from."""
    from ..errors import InvalidOptionError
    from ..metadata.schema import SCHEMA_FILE_NAME

    root = Path(__file__).resolve().parents[3]
    # Only a checkout has src/poseconv next to pyproject.toml; an installed package must never be rewritten.
    checkout = (root / "pyproject.toml").is_file() and (root / "src" / "poseconv").is_dir()
    if not checkout or not (root / "schemas").is_dir():
        raise InvalidOptionError(
            f"poseconv runs from {root / 'src' / 'poseconv' if checkout else Path(__file__).resolve().parents[1]}, "
            "not from a source checkout with a schemas/ folder; give the file to write with --output."
        )
    return root / "schemas" / SCHEMA_FILE_NAME


def schema(
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="SOURCE",
            help=f"Any format --source takes (all use the same metadata): {source_help()}.",
            show_default=False,
            callback=checked_source,
        ),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write", help="Write the schema to --output, or to schemas/ of the source checkout poseconv runs from."
        ),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the schema to this file (implies --write).")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace the --output file if it exists.")] = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Print the JSON Schema of the metadata that 'convert --metadata' accepts."""
    apply_flags(quiet, debug)
    with command_errors():
        from ..metadata.schema import render_metadata_schema

        if source is not None:
            from ._sources import interface_class, resolve_source

            interface_class(resolve_source(source))  # the tool must be convertible
        text = render_metadata_schema()
        if not write and output is None:
            typer.echo(text, nl=False)
            return
        if output is not None:
            from ..exporters.files import export_path

            # The same words as every other command's output (a file there, a missing folder, a folder named
            # as the file); the checkout's schemas/ file is the one --write is for, replaced without asking.
            path = export_path(
                output, overwrite=overwrite, suffixes=(".json",), kind="a JSON Schema", flag="--overwrite"
            )
        else:
            from ..output import check_writable

            path = _committed_schema_path()
            check_writable(path)
        path.write_text(text, encoding="utf-8")
        status(f"Wrote {path}")
