"""What every command shares: error handling, consoles, progress, options and reading any file.

Nothing heavy is imported at module level: ``poseconv --help`` imports this
module, and it must stay fast. pandas, pynwb, neuroconv and friends are
imported inside the functions that need them.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar, cast

import typer

from ..catalog import source_help
from ..errors import InvalidOptionError
from ._consoles import is_tty, stdout_console
from ._options import checked_source

if TYPE_CHECKING:
    from rich.progress import Progress

    from ..model import PoseData
    from ..nwb.read.pose import NWBPoseFile

T = TypeVar("T")

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "DebugOption",
    "QuietOption",
    "SourceFormatOption",
    "command_errors",
    "error_line",
    "input_location",
    "is_nwb",
    "progress",
    "read_any",
    "settings",
    "split_names",
    "status",
    "stdout_console",
    "whole_names",
    "kept_by_name",
]

#: Exit codes: 0 done; 1 bad input, options or metadata (one line on stderr); 2 command-line usage
#: errors (click's own); 3 a bug in poseconv (one line, the traceback with --debug).
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERNAL = 3
#: As a shell reports a command that Ctrl-C (SIGINT) ended: 128 + 2.
EXIT_INTERRUPTED = 130


@dataclass
class Settings:
    """Options that apply to every command; set by the global and the per-command flags."""

    quiet: bool = False
    debug: bool = False


settings = Settings()

QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bars or status messages; errors still go to stderr.")
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the full traceback when something fails.")]
#: ``--source`` of the commands that read one input of any format (inspect, metadata, plot).
SourceFormatOption = Annotated[
    str | None,
    typer.Option(
        "--source", "-s", help=f"The input's format, detected when omitted: {source_help()}.", callback=checked_source
    ),
]


def checked_fps(value: float | None) -> float | None:
    """Check --fps where it is typed, so that the message names the option (a usage error)."""
    if value is None:
        return None
    from ..timing import user_rate

    try:
        user_rate(value, what="--fps")
    except InvalidOptionError as err:
        raise typer.BadParameter(str(err).removeprefix("--fps "), param_hint="--fps") from None
    return value


def apply_flags(quiet: bool, debug: bool) -> None:
    """Record the per-command ``--quiet`` / ``--debug`` on top of the global ones."""
    settings.quiet = settings.quiet or quiet
    settings.debug = settings.debug or debug


def error_line(err: BaseException) -> str:
    """Return ``err`` as one line, for stderr."""
    from pydantic import ValidationError

    if isinstance(err, ValidationError):
        # pydantic: "loc: msg" per problem instead of its multi-line report.
        parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()]
        return "invalid argument: " + "; ".join(parts)
    if isinstance(err, KeyError) and err.args:
        text = str(err.args[0])
    else:
        text = str(err) or type(err).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(err).__name__
    text = lines[0]
    for line in lines[1:]:
        # Lines that end a sentence are followed by the next; others are items of a list.
        text += (" " if text.endswith((".", ":", "?")) else "; ") + line
    return text


def _show_warning(shown: set[str], message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    """Show poseconv's warnings as one line, each once (``shown``); other libraries' only with ``--debug``."""
    from ..errors import PoseconvWarning

    if issubclass(category, PoseconvWarning):
        line = f"poseconv: warning: {error_line(message) if isinstance(message, Warning) else message}"
        # The same check may run at two places of one command (the command line's choice of format, then
        # the interface's own): the user reads it once.
        if line not in shown:
            shown.add(line)
            typer.echo(line, err=True)
    elif settings.debug:
        typer.echo(warnings.formatwarning(message, category, *args[:2]), err=True, nl=False)


def _say_interrupted() -> NoReturn:
    # Outputs are written under a temporary name and put in place when complete (poseconv.output).
    typer.echo(
        "poseconv: interrupted; what was being written is not left behind, and files already there are as they were.",
        err=True,
    )
    raise typer.Exit(EXIT_INTERRUPTED) from None


def _caused_by_ctrl_c(error: BaseException) -> bool:
    """Return whether ``error`` was raised because of a Ctrl-C, which Python may wrap in another error.

    A ``KeyboardInterrupt`` while a class is created (a dataclass of a module being imported) reaches the
    command as ``RuntimeError: Error calling __set_name__``, reported as an internal error before.
    """
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


@contextmanager
def command_errors() -> Iterator[None]:
    """Turn expected failures into one line on stderr and exit code 1; bugs into exit code 3.

    With ``--debug`` the exception propagates, traceback and all.
    """
    from ..errors import PoseconvError, PoseconvWarning
    from ..pynwb_cache import usable_cache_folder
    from ..signals import signals_not_swallowed

    try:
        # From the start: a Ctrl-C while imports or reads drop objects was printed and the command went on.
        with warnings.catch_warnings(), signals_not_swallowed():
            warnings.showwarning = functools.partial(_show_warning, set())
            # Before a command imports pynwb, which fails where it cannot make its cache folder (a read-only HOME).
            if (moved := usable_cache_folder()) is not None:
                warnings.warn(moved, PoseconvWarning, stacklevel=1)
            yield
    except (typer.Exit, typer.Abort):
        raise
    except BrokenPipeError:
        # The reader of the output went away (`poseconv metadata x.h5 | head -1`): typer ends the command
        # quietly, as a pipe's writer should, instead of an error about the output nobody reads.
        raise
    except KeyboardInterrupt:
        if settings.debug:
            raise
        _say_interrupted()
    except (PoseconvError, OSError, ValueError, KeyError) as err:
        if settings.debug:
            raise
        if _caused_by_ctrl_c(err):
            _say_interrupted()
        typer.echo(f"poseconv: error: {error_line(err)}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    except Exception as err:  # noqa: BLE001 - process boundary: the last line of defence of a CLI; the error is
        # shown with its type (the traceback with --debug) and the command exits with EXIT_INTERNAL.
        if settings.debug:
            raise
        if _caused_by_ctrl_c(err):
            _say_interrupted()
        typer.echo(
            f"poseconv: internal error: {type(err).__name__}: {error_line(err)} "
            "(rerun with --debug for the traceback and please report it)",
            err=True,
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def status(message: str) -> None:
    """Print a status line on stderr unless ``--quiet``."""
    if not settings.quiet:
        typer.echo(message, err=True)


@contextmanager
def progress() -> Iterator[Progress]:
    """Show rich progress on stderr; none with ``--quiet`` or when stderr is not a terminal."""
    if settings.quiet or not is_tty(sys.stderr):
        # rich (30 ms to import) is not: a disabled rich Progress draws and prints nothing, as these calls do.
        calls = {name: lambda *_, **__: 0 for name in ("add_task", "update", "advance")}
        yield cast("Progress", SimpleNamespace(**calls))
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    ) as bar:
        yield bar


def split_names(values: Sequence[str] | None) -> list[str] | None:
    """Accept ``-i a -i b`` and ``-i a,b`` alike; None when the option was not given.

    Raises
    ------
    InvalidOptionError
        When the option was given without a name (``-i ""``, as an unset shell variable leaves it):
        keeping every individual would not be what was asked.
    """
    if values is None:
        return None
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        raise InvalidOptionError(
            "--individuals was given no name; name the individuals/tracks to keep, or leave it out."
        )
    return names


def whole_names(values: Sequence[str] | None) -> list[str] | None:
    """Return each ``--individuals`` value as one name when a value holds a comma; None when none does.

    A track may be named with a comma (a SLEAP track ``mouse 1, left``): a value is split at its commas
    (:func:`split_names`), and taken whole when the split names are not the file's.
    """
    if not values or not any("," in value for value in values):
        return None
    return [value.strip() for value in values if value.strip()]


def kept_by_name(build: Callable[[list[str] | None], T], values: Sequence[str] | None) -> tuple[T, list[str] | None]:
    """Return ``build(names)`` and the names of ``--individuals`` it took, trying each reading of the values in turn.

    The values are first taken as typed (split at commas, spaces kept): a track may be named with
    surrounding spaces (a SLEAP track ``'mouse 2 '``), and the exact name is the one meant when the file
    has both. Then, as before, split at commas with the spaces stripped (``-i "a, b"``), and last each
    value whole (:func:`whole_names`): a value split at its commas names no track of a file whose track
    has a comma in its name (SLEAP's ``mouse 1, left``). When no reading names the file's tracks, the
    error is the stripped split names', which lists the file's.
    """
    split = split_names(values)
    readings = [_typed_names(values), split, _typed_whole_names(values), whole_names(values)]
    tried: list[list[str] | None] = []
    split_error: InvalidOptionError | None = None
    for names in readings:
        if (names is None and split is not None) or names in tried:
            continue
        tried.append(names)
        try:
            return build(names), names
        except InvalidOptionError as err:
            if names == split:
                split_error = err
    assert split_error is not None  # The stripped split is always tried, and its error is kept.
    raise split_error from None


def _typed_names(values: Sequence[str] | None) -> list[str] | None:
    """Return the ``--individuals`` values split at their commas with the spaces kept (None when none is given)."""
    if values is None:
        return None
    return [name for value in values for name in value.split(",") if name.strip()]


def _typed_whole_names(values: Sequence[str] | None) -> list[str] | None:
    """Return each ``--individuals`` value whole, spaces kept, when a value holds a comma (see :func:`whole_names`)."""
    if whole_names(values) is None:
        return None
    return [value for value in values or () if value.strip()]


def is_nwb(path: Path | str) -> bool:
    """Whether ``path`` names an NWB file: an ``.nwb`` file, an NWB Zarr store, or a URL (read as NWB)."""
    from ..nwb.read.store import is_nwb_location

    return is_nwb_location(path)


def input_location(value: str | Path) -> Path | str:
    """Return a command's input as the readers take it: a Path, or a str for an ``http(s)://`` / ``s3://`` URL."""
    from ..nwb.read.store import nwb_location

    return nwb_location(value)


def read_any(
    path: Path,
    *,
    source: str | None = None,
    containers: Sequence[str] | None = None,
    command: str = "convert",
) -> list[PoseData]:
    """Read an NWB file (every PoseEstimation) or a pose tool's output into PoseData.

    Parameters
    ----------
    path : pathlib.Path
        ``.nwb`` or any input a reader handles.
    source : str, optional
        Tool name or alias (``dlc``, ``sleap``) to skip detection of an input file.
    containers : sequence of str, optional
        For NWB files: the PoseEstimation containers to read.
    command : str, default: "convert"
        The command reading it, which the advice for a folder given names (``inspect``, ``plot``).

    Returns
    -------
    list of PoseData
        One for an input file, one per group of containers for an NWB file.
    """
    if is_nwb(path):
        from ..nwb.read.pose import open_nwb
        from ..nwb.read.store import damage_named

        with open_nwb(path) as nwb, damage_named(path):
            poses = with_sessions_3d(nwb, containers, lazy=False)
    else:
        if containers:
            raise InvalidOptionError("--container applies to NWB files only.")
        from ..catalog import get_format
        from ._sources import detect_source

        fmt = get_format(detect_source(path, source, command=command))
        if fmt.kind == "labels":
            # Labels are frames a person labeled, not poses over time: no reader of poses takes them.
            raise LabelsNotPosesError(
                f"{path.name} holds {fmt.name} (training labels), no poses over time; "
                "'convert', 'inspect' and 'metadata' take them.",
                fmt.alias,
            )
        if fmt.kind == "predictions":
            from ._sources import read_predictions

            data = read_predictions(fmt, path)
        else:
            data = fmt.read(path)
        poses = session_poses(data) if fmt.kind == "session" else [data]
    return poses


def session_poses(session: Any) -> list[PoseData]:
    """Return a multi-camera session's poses as the commands show them: each camera's 2D poses, then the 3D poses.

    The 3D poses are timed by the session's clock, as the conversion writes them: a 3D file records no rate of
    its own (DeepLabCut's is read from the camera views' side files).
    """
    pose_3d = session.pose_3d
    if pose_3d is not None and not pose_3d.timing and session.timing is not None:
        pose_3d = dataclasses.replace(pose_3d, timing=dict.fromkeys(pose_3d.videos, session.timing))
    return [*session.views.values(), *([pose_3d] if pose_3d is not None else [])]


class LabelsNotPosesError(InvalidOptionError):
    """The input holds training labels where poses over time were wanted; ``source`` is their format's alias."""

    def __init__(self, message: str, source: str) -> None:
        super().__init__(message)
        self.source = source


@contextmanager
def reading(
    path: Path,
    *,
    source: str | None = None,
    containers: Sequence[str] | None = None,
    command: str = "convert",
) -> Iterator[list[PoseData]]:
    """Like :func:`read_any`, but an NWB file's tracks are read lazily while the ``with`` block runs.

    For commands that go through a long recording in blocks (``plot``, ``inspect``,
    ``export``): values are read from the open file when indexed, so memory does not grow
    with the recording.

    Parameters
    ----------
    path : pathlib.Path
        ``.nwb`` or any input a reader handles.
    source, containers, command
        As for :func:`read_any`.

    Yields
    ------
    list of PoseData
        The poses; their NWB arrays are valid inside the block only.
    """
    if not is_nwb(path):
        yield read_any(path, source=source, containers=containers, command=command)
        return
    from ..nwb.read.pose import open_nwb
    from ..nwb.read.store import damage_named

    # Data is read as the block goes: a damaged chunk surfaces there, named by HDF5 alone.
    with open_nwb(path) as nwb, damage_named(path):
        yield with_sessions_3d(nwb, containers, lazy=True)


def with_sessions_3d(nwb: NWBPoseFile, containers: Sequence[str] | None, *, lazy: bool) -> list[PoseData]:
    """Return the poses of the ``PoseEstimation`` containers chosen of an open NWB file, then its sessions' 3D poses.

    The 2D poses of a ``MultiCameraPoseEstimation``'s camera views are ``PoseEstimation`` containers,
    read with the others; its 3D series sit in the session container itself. With them, an NWB file
    gives the commands the same poses as the pose files it was converted from (each camera's 2D
    poses, then the 3D poses). ``containers`` may name sessions as well as ``PoseEstimation``
    containers; a session named gives its 3D poses.

    Parameters
    ----------
    nwb : NWBPoseFile
        The open file (:func:`~poseconv.nwb.read.pose.open_nwb`).
    containers : sequence of str, optional
        The containers chosen; all when None or empty.
    lazy : bool
        Whether the ``PoseEstimation`` poses are read when indexed (see ``NWBPoseFile.read``).

    Returns
    -------
    list of PoseData
        The ``PoseEstimation`` poses, then one PoseData per session with 3D poses.
    """
    sessions = nwb.sessions()
    names = {id(session): set(session.notes.get("containers", [])) for session in sessions}
    chosen = set(containers or ())
    # The names of sessions are not PoseEstimation containers: the reader of those is not asked for them.
    others = [name for name in containers or () if not any(name in found for found in names.values())]
    poses = nwb.read(others or None, lazy=lazy) if not containers or others else []
    for session in sessions:
        if session.pose_3d is not None and session.pose_3d.tracks and (not chosen or names[id(session)] & chosen):
            poses.append(session.pose_3d)
    return poses
