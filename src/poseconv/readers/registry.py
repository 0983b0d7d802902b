"""Registry of pose readers: a new source format is one module that registers itself.

Each reader module decorates its ``read_<format>`` function with
:func:`register_reader`, naming the file suffixes it handles and a cheap
content sniffer that never raises. :func:`read_pose` picks the reader for a
file (by suffix, then by sniffing) and calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidSourceFileError, UnsupportedFormatError
from ..model import PoseData
from .files import reads_source

__all__ = [
    "ReaderSpec",
    "infer_source_software",
    "read_pose",
    "register_reader",
    "supported_formats",
]

# Short names accepted on the command line and in specs.
_ALIASES = {
    "dlc": "DeepLabCut",
    "deeplabcut": "DeepLabCut",
    "sleap": "SLEAP",
    "lp": "LightningPose",
    "lightningpose": "LightningPose",
    "lightning-pose": "LightningPose",
}


@dataclass(frozen=True)
class ReaderSpec:
    """A registered reader.

    Attributes
    ----------
    source_software : str
        Name of the tool (``"DeepLabCut"``).
    suffixes : frozenset of str
        File suffixes handled, lower case with the dot.
    sniff : callable
        ``sniff(path) -> bool``; never raises.
    read : callable
        ``read(path, **options) -> PoseData``.
    """

    source_software: str
    suffixes: frozenset[str]
    sniff: Callable[[Path], bool]
    read: Callable[..., PoseData]


_REGISTRY: dict[str, ReaderSpec] = {}


def register_reader(
    source_software: str, *, suffixes: set[str], sniff: Callable[[Path], bool]
) -> Callable[[Callable[..., PoseData]], Callable[..., PoseData]]:
    """Register the decorated function as the reader of ``source_software`` files.

    Parameters
    ----------
    source_software : str
        Name of the tool.
    suffixes : set of str
        Suffixes handled, e.g. ``{".h5", ".csv"}``.
    sniff : callable
        Content check ``sniff(path) -> bool`` that never raises.

    Returns
    -------
    callable
        The decorator; it returns the function wrapped by
        :func:`~poseconv.readers.files.reads_source`, so that a damaged file fails with an
        error naming it.
    """

    def decorator(function: Callable[..., PoseData]) -> Callable[..., PoseData]:
        guarded = reads_source(f"{source_software} file")(function)
        _REGISTRY[source_software] = ReaderSpec(
            source_software=source_software,
            suffixes=frozenset(s.lower() for s in suffixes),
            sniff=sniff,
            read=guarded,
        )
        return guarded

    return decorator


def _load_builtin_readers() -> None:
    # Importing the modules registers them; done lazily so `import poseconv` stays cheap.
    from . import deeplabcut, lightningpose, sleap, sleap_arrays  # noqa: F401


def supported_formats() -> dict[str, list[str]]:
    """Map each supported tool to the file suffixes it reads."""
    _load_builtin_readers()
    return {name: sorted(spec.suffixes) for name, spec in _REGISTRY.items()}


def _file_suffix(path: Path) -> str:
    return path.suffix.lower()


def infer_source_software(file_path: str | Path) -> str:
    """Name the tool that wrote ``file_path``.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A pose file.

    Returns
    -------
    str
        The registered tool name.

    Raises
    ------
    UnsupportedFormatError
        When no reader, or more than one, recognises the file.
    """
    _load_builtin_readers()
    path = Path(file_path)
    if not path.is_file():
        raise InvalidSourceFileError(
            f"{path}: file not found." if not path.exists() else f"{path}: is a directory, not a pose file."
        )
    by_suffix = [spec for spec in _REGISTRY.values() if _file_suffix(path) in spec.suffixes]
    if not by_suffix:
        known = ", ".join(f"{name} ({', '.join(sorted(s.suffixes))})" for name, s in _REGISTRY.items())
        raise UnsupportedFormatError(f"{path}: no reader handles files ending in {path.suffix!r}. Supported: {known}.")
    claimed = [spec.source_software for spec in by_suffix if spec.sniff(path)]
    if len(claimed) == 1:
        return claimed[0]
    if not claimed:
        raise UnsupportedFormatError(
            f"{path}: the file does not look like output of "
            f"{' or '.join(s.source_software for s in by_suffix)}. Check that it is a pose "
            "predictions file (not a video, a bone-analysis '_skeleton' file or an intermediate "
            "pickle), or name the tool explicitly with source_software=."
        )
    raise UnsupportedFormatError(
        f"{path}: the file could be read by several tools ({', '.join(claimed)}); "
        "name the tool explicitly with source_software=."
    )


def read_pose(file_path: str | Path, source_software: str = "auto", **options: Any) -> PoseData:
    """Read any supported pose file into a :class:`~poseconv.model.PoseData`.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The pose file.
    source_software : str, default: "auto"
        ``"auto"`` to detect, or a tool name / alias (``"dlc"``, ``"sleap"``, ``"lp"``).
    **options
        Passed to the reader.

    Returns
    -------
    PoseData
        The poses.
    """
    _load_builtin_readers()
    if source_software == "auto":
        name = infer_source_software(file_path)
    else:
        name = _ALIASES.get(source_software.lower(), source_software)
        if name not in _REGISTRY:
            raise UnsupportedFormatError(
                f"Unknown source software {source_software!r}; choose one of {sorted(_REGISTRY)} or 'auto'."
            )
    return _REGISTRY[name].read(file_path, **options)
