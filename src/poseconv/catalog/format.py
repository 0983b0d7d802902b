"""A source format: what poseconv needs to know to detect, read and convert one kind of file."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, Literal

from ..errors import PoseconvWarning

__all__ = ["Format", "Kind", "load"]

Kind = Literal["predictions", "session", "labels"]


def load(target: str) -> Any:
    """Import ``package.module:attribute`` (the catalog names readers, sniffers and interfaces so)."""
    module_name, _, attribute = target.partition(":")
    return getattr(import_module(module_name), attribute)


@dataclass(frozen=True)
class Format:
    """One source format and everything poseconv needs to convert it.

    Attributes
    ----------
    name : str
        Display name, unique in the catalog (``"DeepLabCut 3D"``).
    source_software : str
        The tool that writes it, as NWB's ``source_software`` records it (``"DeepLabCut"``).
    kind : {"predictions", "session", "labels"}
        Poses of one camera, a multi-camera session with calibration, or human-labeled training frames.
    aliases : tuple of str
        Short names for ``--source`` and specs (lower case); the first is the one help texts show.
    suffixes : frozenset of str
        File suffixes (lower case, with the dot).
    reader : str
        ``"module:function"`` of the reader, ``read(path, **options)``.
    interface : str or None
        ``"module:Class"`` of its neuroconv interface; None for a format whose interface is made
        from its reader (:func:`interface_class`).
    sniffer : str or None
        ``"module:function"`` of a content check ``sniff(path) -> bool`` that never raises; None for
        a format that is never detected, only chosen.
    refines : tuple of str
        Names of formats this one is a richer reading of: when both claim a file, this one wins,
        and choosing one of those for such a file would drop what this one keeps.
    also_reads : str or None
        ``"module:function"`` of a check ``(path) -> bool`` that never raises: files another format
        claims by their layout, which this one may read when the user chooses it, because nothing
        in them names the tool (files other programs rewrote). None: no such files.
    input_argument : str
        The interface argument that takes the input path.
    accepts_folder : bool
        Whether the input may be a folder (a DeepLabCut project's labeled data).
    inputs_argument : str or None
        The interface argument that takes every input of a command at once (the views of one
        session; the first also goes to ``input_argument``); None when each input is converted alone.
    reader_options : tuple of str
        For a format of one camera's poses: the interface arguments the reader also takes, by the
        same keyword (:class:`~poseconv.pose_source.PoseSource` passes them on).
    individuals_argument : str or None
        For a format of one camera's poses: the interface argument naming the individuals to keep
        (SLEAP calls them tracks); None when the format has no individuals to choose.
    description : str
        One line for help texts and the docs.
    public_names : tuple of str
        Reader functions that ``poseconv`` exports at the top level.
    """

    name: str
    source_software: str
    kind: Kind
    aliases: tuple[str, ...]
    suffixes: frozenset[str]
    reader: str
    interface: str | None = None
    sniffer: str | None = None
    refines: tuple[str, ...] = ()
    also_reads: str | None = None
    input_argument: str = "file_path"
    accepts_folder: bool = False
    inputs_argument: str | None = None
    reader_options: tuple[str, ...] = ()
    individuals_argument: str | None = "individuals"
    description: str = ""
    public_names: tuple[str, ...] = field(default=())

    @property
    def alias(self) -> str:
        """The short name help texts show (``"dlc"``)."""
        return self.aliases[0] if self.aliases else self.name

    @property
    def interface_name(self) -> str:
        """The interface's class name."""
        if self.interface is not None:
            return self.interface.partition(":")[2]
        return "".join(part[:1].upper() + part[1:] for part in self.name.replace("-", " ").split()) + "PoseInterface"

    def sniff(self, path: Path) -> bool:
        """Whether the content of ``path`` is this format; never raises."""
        return self._asks(self.sniffer, "sniffer", path)

    def reads_if_chosen(self, path: Path) -> bool:
        """Whether ``path``, which another format claims, is one this format may read when chosen (``also_reads``)."""
        return self._asks(self.also_reads, "also_reads check", path)

    def _asks(self, check: str | None, role: str, path: Path) -> bool:
        """Answer the content check ``check`` (a dotted name) for ``path``; False for other suffixes; never raises."""
        if check is None or path.suffix.lower() not in self.suffixes:
            return False
        try:
            return bool(load(check)(path))
        except (OSError, ValueError, KeyError):
            # What reading a file of another format (or a damaged one) raises: not this format.
            return False
        except Exception as err:  # noqa: BLE001 - plug-in boundary: a broken check (a plug-in's too) must not
            # stop detection; it says no, and the warning names the format and the error.
            warnings.warn(
                f"The {role} of {self.name} ({check}) failed on {path} ({type(err).__name__}: {err}); "
                "taken as not this format.",
                PoseconvWarning,
                stacklevel=3,
            )
            return False

    def read(self, path: str | Path, **options: Any) -> Any:
        """Read ``path`` with this format's reader, whose caller has checked the format already.

        A built-in reader as ``poseconv`` exports it checks the format itself
        (:mod:`poseconv.readers.public`); its callers here did (``--source``, an interface), so it is not
        done twice, nor its warning given twice.
        """
        reader = load(self.reader)
        return getattr(reader, "reads_unchecked", reader)(path, **options)
