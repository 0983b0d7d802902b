"""Inputs that would write the same poses twice: one file given twice, or DeepLabCut's .csv beside its .h5.

DeepLabCut writes each analysis as ``<video>DLC_<scorer>.h5`` and, with ``save_as_csv=True``, the same
table as ``.csv`` beside it, so a shell glob over a videos folder (``poseconv convert videos/*DLC_*``) gives
both; a spec copied from row to row names one pose file in two sessions. Either way the same poses would be
written twice (two containers of one NWB file, or two subjects' data), and the files would look fine.

An input that selects a part of its file (animals: ``individuals``, SLEAP's ``tracks``; SLEAP's videos:
``video_indices``; a SLEAP recording session: ``session_index``) reads that part only: two inputs whose parts
have nothing in common repeat nothing. A multi-animal file split into one NWB file per subject, as DANDI wants
one subject per file, is such a case. Inputs of different kinds (the predictions of a .slp and its training
labels) are not compared.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model.location import is_url
from .readers.deeplabcut.table import UNIQUE_BODYPARTS_INDIVIDUAL

__all__ = ["InputUse", "Repeat", "Repeats", "input_use", "refuse_repeated_inputs", "repeats", "selection_hint"]

#: The arguments that select a part of an input file, as the interfaces name them.
SELECTIONS = ("individuals", "tracks", "video_indices", "session_index")

#: The suffixes of DeepLabCut's tables: one analysis is written as .h5, and also as .csv with save_as_csv.
_TABLE_SUFFIXES = (".h5", ".hdf5", ".csv")


@dataclass(frozen=True)
class InputUse:
    """One input of an NWB file (or of a spec's session): its file, its kind and the part of the file it reads.

    Attributes
    ----------
    label : str
        How a message names the input (a converter's input name, a spec location).
    path : str
        The file as given (a path or a URL).
    writes : str or None
        What the input writes ("poses", "labels"; None for an input that is not poseconv's).
    software : str or None
        The tool that wrote the file, as the catalog says (``"DeepLabCut"``), when known.
    selection : dict
        Each selecting argument given (or defaulted to a value), as a set of what it selects.
    takes : tuple of str
        The selecting arguments the input's interface takes, for the message's advice.
    argument : str
        The argument the file is given as (``file_path``; ``labeled_data_path`` for training labels).
    """

    label: str
    path: str
    writes: str | None
    software: str | None = None
    selection: dict[str, frozenset[Any]] = field(default_factory=dict)
    takes: tuple[str, ...] = ()
    argument: str = "file_path"

    @property
    def holds(self) -> str:
        """What the file holds, as a message says it: ``"labels"`` for training labels, else ``"poses"``."""
        return "labels" if self.writes == "labels" else "poses"

    @functools.cached_property
    def identity(self) -> Any:
        """What names the file: a URL as given, a local file by its device and inode (a link, another spelling).

        A file that cannot be read is named by its resolved path.
        """
        if is_url(self.path):
            return self.path.strip()
        try:
            found = os.stat(self.path)
        except OSError:
            return os.path.normcase(os.path.realpath(self.path))
        return (found.st_dev, found.st_ino)

    @functools.cached_property
    def table(self) -> tuple[str, str] | None:
        """A DeepLabCut table's folder and name without suffix, which its .h5 and its .csv copy share; else None."""
        suffix = Path(self.path).suffix.lower()
        if self.software != "DeepLabCut" or is_url(self.path) or suffix not in _TABLE_SUFFIXES:
            return None
        return os.path.normcase(os.path.realpath(Path(self.path).parent)), Path(self.path).stem


@dataclass(frozen=True)
class Repeat:
    """A later input that reads what an earlier one reads: the same file, or its DeepLabCut copy (``twin``)."""

    earlier: InputUse
    later: InputUse
    twin: bool


def _as_set(value: Any) -> frozenset[Any]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(str(item) if isinstance(item, str) else item for item in value)
    return frozenset([value])


def _defaults(cls: type) -> dict[str, Any]:
    """Return the selecting arguments ``cls.__init__`` takes, with their defaults (None when it has none)."""
    try:
        parameters = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return {}
    found = {}
    for name in SELECTIONS:
        if name in parameters:
            default = parameters[name].default
            found[name] = None if default is inspect.Parameter.empty else default
    return found


def input_use(label: str, cls: type, source_data: Mapping[str, Any]) -> InputUse | None:
    """Return the input an interface of class ``cls`` built from ``source_data`` is, or None when it names no file.

    Parameters
    ----------
    label : str
        How a message names the input.
    cls : type
        The interface class.
    source_data : mapping
        Its arguments (``source_data``): the file under its input argument, and what it selects.
    """
    from .catalog import format_of_interface

    argument = getattr(cls, "input_argument", "file_path")
    path = source_data.get(argument)
    if not isinstance(path, (str, Path)) or not str(path).strip():
        return None
    defaults = _defaults(cls)
    selection = {}
    for name, default in defaults.items():
        value = source_data.get(name, default)
        # Nothing chosen ([] or None) is the whole file, as the readers take it.
        if value is not None and value != [] and value != ():
            selection[name] = _as_set(value)
    fmt = format_of_interface(cls)
    return InputUse(
        label=label,
        path=str(path),
        writes=getattr(cls, "poseconv_writes", None),
        software=getattr(fmt, "source_software", None),
        selection=selection,
        takes=tuple(name for name in defaults if name != "session_index"),
        argument=argument,
    )


def _apart(one: InputUse, other: InputUse) -> bool:
    """Whether two inputs of one file read parts with nothing in common (animals, videos, sessions).

    DeepLabCut's ``single`` holds the unique bodyparts (an arena's corners, a feeder), no animal: a file split
    into one session per animal keeps it in each (``individuals: [mouse1, single]``, ``[mouse2, single]``).
    """
    for name in one.selection:
        if name not in other.selection:
            continue
        mine, theirs = one.selection[name], other.selection[name]
        if name == "individuals" and one.software == "DeepLabCut":
            mine, theirs = mine - {UNIQUE_BODYPARTS_INDIVIDUAL}, theirs - {UNIQUE_BODYPARTS_INDIVIDUAL}
            if not mine or not theirs:
                mine, theirs = one.selection[name], other.selection[name]
        if not mine & theirs:
            return True
    return False


class Repeats:
    """The inputs seen so far, by file, to find an input that reads what an earlier one reads.

    :meth:`find` asks without remembering, so that inputs are compared with earlier groups only (a spec's
    sessions) when :meth:`add` is called once a group is done.
    """

    def __init__(self) -> None:
        self._by_file: dict[Any, list[InputUse]] = {}
        self._by_table: dict[tuple[str, str], list[InputUse]] = {}

    def find(self, use: InputUse) -> Repeat | None:
        """Return the first input seen whose file (or DeepLabCut copy) ``use`` reads too, in a part in common."""
        if use.writes is None:
            return None
        same = [(earlier, False) for earlier in self._by_file.get(use.identity, [])]
        copies = [(earlier, True) for earlier in self._by_table.get(use.table, []) if use.table is not None]
        for earlier, twin in same + copies:
            suffixes = {Path(path).suffix.lower() for path in (earlier.path, use.path)}
            if twin and (len(suffixes) != 2 or ".csv" not in suffixes):
                continue  # a copy is a .csv beside an .h5; the same name again is the same file, said as such
            if earlier.writes == use.writes and not _apart(earlier, use):
                return Repeat(earlier, use, twin=twin)
        return None

    def add(self, use: InputUse) -> None:
        """Remember ``use``."""
        if use.writes is None:
            return
        self._by_file.setdefault(use.identity, []).append(use)
        if use.table is not None:
            self._by_table.setdefault(use.table, []).append(use)


def repeats(uses: Iterable[InputUse]) -> list[Repeat]:
    """Return each input that reads what an earlier one of the same kind reads, with the first such earlier one.

    Parameters
    ----------
    uses : iterable of InputUse
        The inputs, in the order they are given; those of no kind (``writes`` None) are passed over.

    Returns
    -------
    list of Repeat
        One per repeating input, in order.
    """
    seen = Repeats()
    found = []
    for use in uses:
        if (repeat := seen.find(use)) is not None:
            found.append(repeat)
        seen.add(use)
    return found


def selection_hint(use: InputUse, each: str = "input", given_as: str = "") -> str:
    """Return how to give inputs of one file parts of their own ("" when its interface selects nothing).

    Parameters
    ----------
    use : InputUse
        The input.
    each : str, default: "input"
        What each part goes to ("input", "session").
    given_as : str, default: ""
        What comes before an argument's name where it is given (a spec's ``source_data.``).
    """
    animals = [name for name in use.takes if name != "video_indices"]
    kinds = (["animals"] if animals else []) + (["videos"] if "video_indices" in use.takes else [])
    if not kinds:
        return ""
    arguments = [
        f"{kind} ({given_as}{name})" for kind, name in zip(kinds, [*animals[:1], "video_indices"], strict=False)
    ]
    return (
        f"; a file of several {' or '.join(kinds)} can be split: give each {each} its own "
        f"{' or '.join(arguments)}, none in common"
    )


def copy_of(repeat: Repeat) -> str:
    """Return what a DeepLabCut .h5 and its .csv copy are together, as a message says it."""
    one = "analysis" if repeat.later.holds == "poses" else "table of labels"
    return f"are one {one}: DeepLabCut's .csv is a copy of the .h5"


def refuse_repeated_inputs(interfaces: Mapping[str, Any]) -> None:
    """Refuse, before anything is read further or written, inputs of one NWB file that repeat an earlier one.

    Parameters
    ----------
    interfaces : mapping of str to interface
        A converter's interfaces, by name.

    Raises
    ------
    InvalidOptionError
        Naming the file (or the .h5 and its .csv copy), the two inputs and what to do.
    """
    from .errors import InvalidOptionError

    uses = []
    for name, interface in interfaces.items():
        source_data = getattr(interface, "source_data", None)
        use = input_use(name, type(interface), source_data) if isinstance(source_data, Mapping) else None
        if use is not None:
            uses.append(use)
    found = repeats(uses)
    if not found:
        return
    lines = []
    for repeat in found:
        inputs = f"inputs {repeat.earlier.label!r} and {repeat.later.label!r}"
        holds = repeat.later.holds
        if repeat.twin:
            h5, csv = sorted((Path(repeat.earlier.path), Path(repeat.later.path)), key=lambda p: p.suffix == ".csv")
            lines.append(
                f"{h5.parent}: {h5.name} and {csv.name} ({inputs}) {copy_of(repeat)}: give one (a glob ending in "
                f".h5 leaves the copies out); given both, its {holds} would be written twice."
            )
        else:
            lines.append(
                f"{repeat.later.path} is given twice ({inputs}): its {holds} would be written twice, in two "
                f"containers of one file. Give it once{selection_hint(repeat.later)}."
            )
    raise InvalidOptionError("\n".join(lines))
