"""The catalog of formats: the one place that knows every source format poseconv converts.

Each :class:`Format` names a kind of input (DeepLabCut predictions, a SLEAP
recording session, Lightning Pose labels, ...): its aliases, file suffixes, a
content sniffer, its reader, its interface and whether it holds predictions, a
multi-camera session or training labels. Everything else is derived from here:
:func:`poseconv.read_pose`, the command line's ``--source`` choices and help,
the conversion spec's interface names, the package's public names, the docs'
format table and the ``neuroconv.interfaces`` entry points (a test checks that
``pyproject.toml`` and the docs agree with the catalog).

Routing is by content. :func:`detect_format` asks the sniffers of every format
whose suffix fits; when a format and a *refinement* of it both claim a file (a
``.slp`` that is SLEAP predictions and also holds a calibrated recording
session), the refinement wins. :func:`check_format` compares a format the user
chose with what the content is: choosing one that would drop data or label the
software wrongly is an error, any other mismatch a warning.

A new tool is a reader module plus one :class:`Format`: built in
(``BUILTIN_FORMATS`` of :mod:`poseconv.catalog.builtin`), registered at run time
with :func:`register_format`, or published by any package in the ``poseconv.formats``
entry-point group (an entry point that loads a :class:`Format`), which also reaches
worker processes. A format that needs no options of its own has no interface class: :func:`interface_class` gives it one
(:class:`~poseconv.interfaces.generic.ReaderPoseInterface`). See
``docs/adding-a-format.md``.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from importlib.machinery import PathFinder
from pathlib import Path

from ..errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning, UnsupportedFormatError
from .builtin import BUILTIN_FORMATS
from .format import Format, Kind, load
from .hints import extra_column_hint, suffix_hint, video_problem

__all__ = [
    "BUILTIN_FORMATS",
    "ENTRY_POINT_GROUP",
    "Format",
    "check_format",
    "detect_format",
    "folder_advice",
    "format_of_interface",
    "format_table",
    "formats",
    "get_format",
    "interface_class",
    "load",
    "register_format",
    "source_help",
]

#: Entry-point group in which other packages publish formats (each entry point loads a :class:`Format`).
ENTRY_POINT_GROUP = "poseconv.formats"

_CATALOG: dict[str, Format] = {}
_ENTRY_POINTS_LOADED = False


def _add(fmt: Format, *, replace: bool = False) -> None:
    if not fmt.aliases or any(a != a.lower() for a in fmt.aliases):
        raise InvalidOptionError(f"Format {fmt.name!r}: give at least one alias, in lower case.")
    taken = {alias: other.name for other in _CATALOG.values() if other.name != fmt.name for alias in other.aliases}
    clashes = sorted(alias for alias in fmt.aliases if alias in taken)
    if (fmt.name in _CATALOG and not replace) or clashes:
        what = f"aliases {clashes} are" if clashes else "the name is"
        raise InvalidOptionError(f"Format {fmt.name!r} cannot be registered: {what} taken already.")
    _CATALOG[fmt.name] = fmt


for _format in BUILTIN_FORMATS:
    _add(_format)


def _load_entry_points() -> None:
    """Add the formats other packages publish (once per process)."""
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    if not _may_publish_formats():
        return
    from importlib.metadata import entry_points

    for point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            fmt = point.load()
        except Exception as err:  # noqa: BLE001 - plug-in boundary: a broken plug-in (any error on import) must not
            # break every command; the warning names the entry point and the error.
            warnings.warn(f"Format plug-in {point.value!r} cannot be loaded ({err}); skipped.", PoseconvWarning)
            continue
        if not isinstance(fmt, Format):
            warnings.warn(f"Format plug-in {point.value!r} is not a poseconv Format; skipped.", PoseconvWarning)
            continue
        if fmt.name not in _CATALOG:
            _add(fmt)


def _may_publish_formats() -> bool:
    """Whether an installed distribution may publish an entry point of the group; False only when none does.

    Answered without importlib.metadata, whose import and reading of every installed distribution cost
    about 60 ms of each command, ``poseconv --help`` included (the ``--source`` help lists the formats),
    when, as almost always, no plug-in is installed: the ``entry_points.txt`` of each ``.dist-info`` and
    ``.egg-info`` folder on ``sys.path`` is searched for the group's name. What this does not search (a zip
    file or an egg on the path, a finder of distributions other than the path's) answers True, and
    importlib.metadata then reads the entry points.
    """
    if any(hasattr(finder, "find_distributions") and not _searches_the_path(finder) for finder in sys.meta_path):
        return True
    group = ENTRY_POINT_GROUP.encode()
    for entry in sys.path:
        if not isinstance(entry, str) or entry.lower().endswith(".egg"):
            return True
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True  # a zip file: importlib.metadata reads the distributions in it
        except OSError:
            continue  # a folder that is not there: no distributions
        for name in names:
            if name.lower().endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(folder, name, "entry_points.txt"), "rb") as points:
                        if group in points.read():
                            return True
                except OSError:
                    continue  # no entry points (or an .egg-info file, which holds none)
    return False


def _searches_the_path(finder: object) -> bool:
    """Whether a finder of distributions finds those of ``sys.path``'s folders only: Python's, or the backport's."""
    kind = finder if isinstance(finder, type) else type(finder)
    return finder is PathFinder or (kind.__module__, kind.__name__) == ("importlib_metadata", "MetadataPathFinder")


def register_format(fmt: Format, *, replace: bool = False) -> Format:
    """Add ``fmt`` to the catalog of this process.

    Parameters
    ----------
    fmt : Format
        The format.
    replace : bool, default: False
        Replace a registered format of the same name.

    Returns
    -------
    Format
        ``fmt``.

    Raises
    ------
    InvalidOptionError
        When its name or an alias is taken.
    """
    _load_entry_points()
    _add(fmt, replace=replace)
    return fmt


def formats() -> dict[str, Format]:
    """Return every format of the catalog by name, built-in ones first."""
    _load_entry_points()
    return dict(_CATALOG)


def folder_advice(folder: Path, choose: Callable[[Format], str | None], *, verb: str = "convert") -> str:
    """Say which files of ``folder`` could be given instead, and how to ``verb`` the folder itself.

    The files are those with a suffix some format reads (not opened), but Lightning Pose's metrics and bounding
    boxes, named after the predictions they were computed from. ``choose`` words the choice of a
    format that takes a folder at the entry point (``--source dlc-labels``), None for one the command
    does not take (``plot`` draws no labels).
    """
    # Imported here: readers import the catalog.
    from ..readers.lightningpose_config import is_side_output_name

    suffixes = {suffix for fmt in formats().values() for suffix in fmt.suffixes}
    try:
        # Lightning Pose's metrics and bounding boxes beside its predictions share their suffix but hold no poses.
        names = sorted(
            p.name
            for p in folder.iterdir()
            if p.suffix.lower() in suffixes and p.is_file() and not is_side_output_name(p)
        )
    except OSError:
        names = []
    kinds = "/".join(sorted(suffixes))
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    files = f"give a pose file inside it (its {kinds} files: {shown})" if names else f"it holds no {kinds} file"
    chosen = {fmt.name: choose(fmt) for fmt in formats().values() if fmt.accepts_folder}
    folders = " or ".join(f"{how} ({name})" for name, how in chosen.items() if how is not None)
    return f"{files}, or {verb} the folder with {folders}." if folders else f"{files}."


def get_format(name: str) -> Format:
    """Return the format called ``name``: its name, an alias or its interface's class name (any case).

    Raises
    ------
    UnsupportedFormatError
        When no format has that name; the message lists the accepted ones.
    """
    import difflib

    key = name.strip().lower()
    for fmt in formats().values():
        if key in (fmt.name.lower(), fmt.interface_name.lower(), *fmt.aliases):
            return fmt
    choices = sorted(alias for fmt in formats().values() for alias in fmt.aliases)
    close = difflib.get_close_matches(key, choices, n=2, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnsupportedFormatError(f"Unknown source {name!r}.{hint} Choose one of: {', '.join(choices)}.")


def format_of_interface(cls: type) -> Format | None:
    """Return the format converted by interface class ``cls`` (or the catalog class it derives from), or None."""
    by_class = {fmt.interface_name: fmt for fmt in formats().values()}
    named = getattr(cls, "format_name", None)
    if isinstance(named, str):
        return get_format(named)
    for klass in cls.__mro__:
        if klass.__name__ in by_class:
            return by_class[klass.__name__]
    return None


def _claims(path: Path) -> list[Format]:
    """Return the formats whose sniffer claims ``path``, a refinement replacing what it refines."""
    claimed = [fmt for fmt in formats().values() if fmt.sniff(path)]
    refined = {name for fmt in claimed for name in fmt.refines}
    return [fmt for fmt in claimed if fmt.name not in refined]


def detect_format(file_path: str | Path) -> Format:
    """Return the format of ``file_path``, from its content.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A pose file.

    Returns
    -------
    Format
        The one format whose sniffer claims the file (a refinement over what it refines).

    Raises
    ------
    InvalidSourceFileError
        When the file does not exist or is a folder.
    UnsupportedFormatError
        When no format, or more than one, claims the file.
    """
    from ..readers.safety.input_checks import not_a_file_to_read, require_path

    require_path(file_path)
    path = Path(file_path)
    problem = not_a_file_to_read(path)
    if problem is not None:
        raise InvalidSourceFileError(f"{path}: {problem}")
    by_suffix = [fmt for fmt in formats().values() if path.suffix.lower() in fmt.suffixes]
    if not by_suffix:
        known = {suffix for fmt in formats().values() for suffix in fmt.suffixes}
        raise UnsupportedFormatError(
            f"{path}: "
            + (
                video_problem(path, known)
                or f"no reader handles files ending in {path.suffix!r}; poseconv reads {', '.join(sorted(known))}."
                + suffix_hint(path)
            )
        )
    claimed = _claims(path)
    if len(claimed) == 1:
        return claimed[0]
    if not claimed:
        from ..readers.safety.input_checks import check_input_file, is_hdf5

        tools = " or ".join(dict.fromkeys(fmt.source_software for fmt in by_suffix))
        if is_hdf5(path) or path.suffix.lower() == ".csv":
            # A damaged HDF5 file or a CSV saved again by a spreadsheet claims nothing; say what is wrong
            # with it, as with a format named.
            check_input_file(path, suffixes={path.suffix.lower()}, what=f"{tools} output")
        _refuse_other_tool(path, UnsupportedFormatError)
        raise UnsupportedFormatError(
            f"{path}: the file does not look like output of {tools}. Check that it is a pose "
            "predictions file (not a video, a bone-analysis '_skeleton' file or an intermediate "
            "pickle), or name the format explicitly with source_software=." + extra_column_hint(path)
        )
    raise UnsupportedFormatError(
        f"{path}: the file could be read as {' or as '.join(f'{fmt.name} ({fmt.alias})' for fmt in claimed)}; "
        "name the format explicitly with source_software=.",
        candidates=tuple(fmt.alias for fmt in claimed),
    )


def _refuse_other_tool(path: Path, error: type[Exception]) -> None:
    """Raise ``error`` naming the tool when ``path`` is a known tool's file poseconv does not read."""
    from ..readers.other_tools import other_tool_problem

    other = other_tool_problem(path)
    if other is not None:
        raise error(f"{path}: {other}")


def check_format(
    file_path: str | Path,
    chosen: Format,
    *,
    stacklevel: int = 2,
    way_forward: Callable[[Format], str] | None = None,
    partial_reads: bool = False,
) -> None:
    """Compare a format the user chose for ``file_path`` with what the file holds.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The input.
    chosen : Format
        The format chosen (by ``--source``, a spec or the interface class).
    stacklevel : int, default: 2
        Passed to :func:`warnings.warn`.
    way_forward : callable, optional
        ``way_forward(fmt)`` says how to read a file of the format ``fmt`` from where the user chose
        (a reader function names a reader); by default the interface and ``--source``.
    partial_reads : bool, default: False
        Warn of a richer format of the same tool instead of refusing it: the public readers read such files
        before they were checked (``read_deeplabcut`` of a 3D table: x, y, z without the views).

    Raises
    ------
    InvalidSourceFileError
        When the content is another tool's (the software would be labelled wrongly) or a richer
        format of the same tool (a session's calibration, the labels' frames would be dropped).

    Warns
    -----
    PoseconvWarning
        When the content is another format of the same tool and nothing is lost.
    """
    path = Path(file_path)
    if not path.is_file():
        return
    how = way_forward or _how_to_choose
    if path.suffix.lower() not in chosen.suffixes:
        _check_other_suffix(path, chosen, how)
        return
    claimed = _claims(path)
    if not claimed:  # No format's file: the chosen reader would fail on it without saying what it is.
        _refuse_other_tool(path, InvalidSourceFileError)
    if not claimed or chosen in claimed:
        return
    richer = [fmt for fmt in claimed if chosen.name in fmt.refines or fmt.source_software != chosen.source_software]
    if not richer:
        if chosen.sniffer is None:
            # A format never detected is only ever a deliberate choice (SLEAP labels of a .slp): nothing to say.
            return
        # Another reading of the same tool's file that keeps as much.
        warnings.warn(
            f"{path.name}: looks like {claimed[0].name} ({claimed[0].description}); read as {chosen.name} as "
            f"asked. {how(claimed[0])}",
            PoseconvWarning,
            stacklevel=stacklevel,
        )
        return
    _refuse_richer(path, chosen, richer[0], how, partial_reads=partial_reads, stacklevel=stacklevel + 1)


def _refuse_richer(
    path: Path, chosen: Format, found: Format, how: Callable[[Format], str], *, partial_reads: bool, stacklevel: int
) -> None:
    """Refuse a file of ``found``, a richer format of the same tool or another tool's, given as ``chosen``."""
    if chosen.reads_if_chosen(path):
        # The layout is another tool's too but nothing in the file names the tool: the user's choice stands.
        return
    if found.source_software != chosen.source_software:
        why = (
            f"holds {found.source_software} output ({found.description}), but {chosen.name} was chosen, "
            f"which would record '{chosen.source_software}' as the software that made it"
        )
    else:
        why = f"holds {found.name}; read as {chosen.name}, what only {found.name} keeps would be dropped"
        if partial_reads:
            warnings.warn(
                f"{path}: {why}. It is read as {chosen.name} (as before), which a future version will refuse. "
                f"{how(found)}",
                PoseconvWarning,
                stacklevel=stacklevel,
            )
            return
    raise InvalidSourceFileError(f"{path}: {why}. {how(found)}")


def _check_other_suffix(path: Path, chosen: Format, how: Callable[[Format], str]) -> None:
    """Refuse a file whose suffix is not the chosen format's: another tool's file, a video, a side file."""
    # Another tool's file given to this format's interface: name the one that reads it.
    other = next(iter(_claims(path)), None)
    if other is not None:
        raise InvalidSourceFileError(
            f"{path}: holds {other.source_software} output ({other.description}), not {chosen.name}'s. " + how(other)
        )
    # A video, a side file or a project config: what it is and what to give, as when no format is chosen.
    listed = ", ".join(sorted(chosen.suffixes))
    hint = suffix_hint(path)
    problem = video_problem(path, chosen.suffixes) or (
        f"{chosen.name} files end in {listed}, not {path.suffix!r}.{hint}" if hint else None
    )
    if problem is not None:
        raise InvalidSourceFileError(f"{path}: {problem}")


def _how_to_choose(fmt: Format) -> str:
    # Said to Python and command-line users alike: the command line's choice is in the parentheses.
    cli = f"from the command line: --source {fmt.alias}, or no --source, which finds it"
    return f"Convert it with {fmt.interface_name} ({cli})."


def interface_class(fmt: Format) -> type:
    """Return the neuroconv interface class converting ``fmt`` files (importing it).

    A format without an interface of its own gets a subclass of
    :class:`~poseconv.interfaces.generic.ReaderPoseInterface` bound to its reader.

    Raises
    ------
    UnsupportedFormatError
        When the interface cannot be imported.
    """
    if fmt.interface is not None:
        module_name = fmt.interface.partition(":")[0]
        try:
            return load(fmt.interface)
        except (ImportError, AttributeError) as err:
            raise UnsupportedFormatError(
                f"{fmt.name} files cannot be converted: {module_name} does not load ({err})."
            ) from err
    return _reader_interfaces(fmt)


_MADE: dict[str, type] = {}


def _reader_interfaces(fmt: Format) -> type:
    if fmt.name not in _MADE:
        # Named as a string like every interface of the catalog, so that the catalog imports no interface.
        base = load("poseconv.interfaces.generic:ReaderPoseInterface")
        _MADE[fmt.name] = type(
            fmt.interface_name,
            (base,),
            {
                "__doc__": f"Convert {fmt.description} to ndx-pose.",
                "__module__": __name__,
                "format_name": fmt.name,
                "display_name": f"{fmt.name} (poseconv)",
                "associated_suffixes": tuple(sorted(fmt.suffixes)),
                "info": f"Interface for {fmt.description}.",
            },
        )
    return _MADE[fmt.name]


def format_table() -> str:
    """Return the Markdown table of the formats, as the docs show it."""
    lines = [
        "| format | `--source` | kind | files | interface |",
        "|---|---|---|---|---|",
    ]
    for fmt in formats().values():
        aliases = ", ".join(f"`{a}`" for a in fmt.aliases)
        suffixes = ", ".join(sorted(fmt.suffixes)) + (", folder" if fmt.accepts_folder else "")
        lines.append(f"| {fmt.description} | {aliases} | {fmt.kind} | {suffixes} | `{fmt.interface_name}` |")
    return "\n".join(lines) + "\n"


def source_help(kinds: tuple[Kind, ...] = ("predictions", "session", "labels")) -> str:
    """Return the ``--source`` help text: every alias with what it reads."""
    parts = [f"{fmt.alias} ({fmt.name})" for fmt in formats().values() if fmt.kind in kinds]
    return "; ".join(parts)
