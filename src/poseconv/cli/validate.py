"""``poseconv validate``: check NWB files as DANDI does, plus poseconv's checks of the pose data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ..errors import InvalidSourceFileError
from ._common import EXIT_ERROR, DebugOption, QuietOption, apply_flags, command_errors, progress

__all__ = ["validate"]


def validate(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE",
            help="NWB files or NWB Zarr stores to validate, or their http(s):// or s3:// URLs.",
            show_default=False,
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON on stdout.")] = False,
    fail_on: Annotated[
        Literal["critical", "violation", "suggestion"],
        typer.Option(
            "--fail-on",
            help="The least severe finding that fails a file (exit code 1): critical, violation (best-practice "
            "violations, the default, as dandi validate), or suggestion (every finding).",
        ),
    ] = "violation",
    pose_only: Annotated[
        bool, typer.Option("--pose-only", help="Run poseconv's pose checks only, without nwbinspector.")
    ] = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Validate NWB files: nwbinspector with the DANDI configuration, and the pose data.

    The pose checks: skeleton edges name nodes that exist; confidence lies in [0, 1] where its
    definition says it is a probability or a 0 to 1 score; timestamps strictly increase (or the
    rate is positive); external videos resolve relative to the NWB file and have as many frames
    as the poses. One line per file (OK, or the number of problems and the worst importance),
    the problems under it. Exit code 1 when a file has a problem at or above --fail-on.
    """
    apply_flags(quiet, debug)
    with command_errors():
        from ..nwb.read.store import location_name
        from ..validation import FAIL_ON_LEVELS, validate_nwb
        from ..validation.run import require_nwb
        from ._common import input_location

        locations = [input_location(file) for file in files]
        for path in locations:
            # Every file is checked to be NWB before the long inspection of the first one starts.
            try:
                require_nwb(path)
            except InvalidSourceFileError as err:
                raise _pose_file_error(path) or err from None
        threshold = FAIL_ON_LEVELS[fail_on]
        reports = []
        with progress() as bar:
            task = bar.add_task("Validating", total=len(files))
            for path in locations:
                bar.update(task, description=f"Validating {location_name(path)}")
                reports.append(validate_nwb(path, inspector=not pose_only))
                bar.advance(task)
        _print(reports, threshold, as_json)
        if any(report.fails(threshold) for report in reports):
            raise typer.Exit(EXIT_ERROR)


def _pose_file_error(path: Path | str) -> InvalidSourceFileError | None:
    """Return the error for a pose tool's file given to validate, which checks NWB files; None for other files."""
    from ..catalog import detect_format
    from ..errors import PoseconvError

    if not isinstance(path, Path) or not path.is_file():
        return None
    try:
        fmt = detect_format(path)
    except PoseconvError:
        return None
    return InvalidSourceFileError(
        f"{path}: is a pose file ({fmt.description}), not an NWB file; validate checks the NWB files poseconv "
        f"writes. Convert it first (poseconv convert {path.name} -o {path.stem}.nwb), then validate the NWB file."
    )


def _print(reports: list, threshold: str, as_json: bool) -> None:
    """Print the reports on stdout: JSON, or a summary line per file and its problems under it."""
    if as_json:
        import json

        typer.echo(json.dumps([report.to_dict(threshold) for report in reports], indent=2))
        return
    for report in reports:
        typer.echo(report.summary())
        for problem in report.sorted_problems():
            typer.echo(f"  {problem.line()}")
