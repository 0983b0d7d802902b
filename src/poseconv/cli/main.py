"""The ``poseconv`` application: global options and the commands, each from its own module.

Only typer is imported here (and the command modules, which import nothing
heavy at module level), so ``poseconv --help`` answers at once.

Exit codes: 0 done; 1 bad input, options or metadata, with one line on stderr;
2 command-line usage errors; 3 an internal error (``--debug`` shows the traceback).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from . import convert, export, inspect, metadata, plot, run, schema, validate
from ._common import EXIT_INTERRUPTED, DebugOption, QuietOption, settings

__all__ = ["app", "main"]

app = typer.Typer(
    name="poseconv",
    help="Convert pose estimation output (DeepLabCut, SLEAP, Lightning Pose) to NWB (ndx-pose), and back out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 ok, 1 bad input (one line on stderr), 2 usage error, 3 internal error.",
)

app.command("convert")(convert.convert)
app.command("inspect")(inspect.inspect)
app.command("metadata")(metadata.metadata)
app.command("schema")(schema.schema)
app.command("export")(export.export)
app.command("plot")(plot.plot)
app.command("run")(run.run)
app.command("validate")(validate.validate)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"poseconv {version('poseconv')}")
        except PackageNotFoundError:
            typer.echo("poseconv (not installed)")
        raise typer.Exit()


@app.callback()
def _global(
    quiet: QuietOption = False,
    debug: DebugOption = False,
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    settings.quiet = quiet
    settings.debug = debug


def _hide_flag_types(command: Any) -> None:
    """Show flags without a ``<bool>`` type: a flag takes no value, and the placeholder says it does."""
    # typer carries its own copy of click: build the context with the command's own class.
    ctx = command.context_class(command, help_option_names=["-h", "--help"])
    for param in [*command.params, command.get_help_option(ctx)]:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        _hide_flag_types(sub)


def _home_expanded(args: list[str]) -> list[str]:
    """Return the arguments with a leading ``~/`` expanded, as the shell does for a word but not for ``--opt=~/x``.

    A path given as ``--video=~/clip.mp4`` (or quoted) reached poseconv as ``~/clip.mp4`` and was
    "not found"; every option and argument of poseconv that starts with ``~/`` is a path.
    """
    import os

    expanded = []
    for arg in args:
        option, equals, value = arg.partition("=") if arg.startswith("--") else ("", "", arg)
        if value.startswith("~/"):
            arg = f"{option}{equals}{os.path.expanduser(value)}"
        expanded.append(arg)
    return expanded


def main() -> None:
    """Run the ``poseconv`` command."""
    import sys

    try:
        command = typer.main.get_command(app)
        _hide_flag_types(command)
    except KeyboardInterrupt:
        # Ctrl-C while the command line is built (a busy machine's first second): no traceback.
        typer.echo("poseconv: interrupted before the command started; nothing was written.", err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    command(args=_home_expanded(sys.argv[1:]))
