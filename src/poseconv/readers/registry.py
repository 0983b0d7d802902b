"""Read any pose file: :func:`read_pose` over the formats of :mod:`poseconv.catalog`.

The catalog knows every format (suffixes, sniffer, reader); this module only
picks the reader for a file and calls it. ``register_reader`` is kept for code
written against poseconv 0.1; new formats go in the catalog.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..catalog import Format, detect_format, formats, get_format, register_format
from ..errors import UnsupportedFormatError
from ..model import PoseData

__all__ = ["infer_source_software", "read_pose", "register_reader", "supported_formats"]


def __getattr__(name: str) -> Any:
    if name == "ReaderSpec":
        warnings.warn(
            "poseconv.readers.registry.ReaderSpec is deprecated; formats are poseconv.catalog.Format entries.",
            DeprecationWarning,
            stacklevel=2,
        )
        return Format
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def supported_formats() -> dict[str, list[str]]:
    """Map each tool to the file suffixes poseconv reads of it (every kind of file: predictions, sessions, labels)."""
    found: dict[str, set[str]] = {}
    for fmt in formats().values():
        found.setdefault(fmt.source_software, set()).update(fmt.suffixes)
    return {name: sorted(suffixes) for name, suffixes in found.items()}


def infer_source_software(file_path: str | Path) -> str:
    """Name the tool that wrote ``file_path`` (``"DeepLabCut"``, ...), from :func:`~poseconv.catalog.detect_format`."""
    return detect_format(file_path).source_software


def read_pose(file_path: str | Path, source_software: str = "auto", **options: Any) -> Any:
    """Read any supported pose file into the pose model.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The pose file.
    source_software : str, default: "auto"
        ``"auto"`` to detect from the content, or a format name / alias (``"dlc"``, ``"sleap"``,
        ``"lp"``, ``"sleap-session"``, ...; see ``poseconv.catalog.formats()``). A choice that the
        content contradicts where data would be lost or mislabelled is an error.
    **options
        Passed to the reader.

    Returns
    -------
    PoseData or MultiCameraPoseData or TrainingData
        Poses; a multi-camera session; or training labels, by the format's kind.
    """
    if source_software == "auto":
        fmt = detect_format(file_path)
    else:
        fmt = get_format(source_software)
        from ..catalog import check_format

        check_format(file_path, fmt, stacklevel=3)
    return fmt.read(file_path, **options)


def register_reader(
    source_software: str, *, suffixes: set[str], sniff: Callable[[Path], bool]
) -> Callable[[Callable[..., PoseData]], Callable[..., PoseData]]:
    """Register the decorated function as a reader (deprecated: add a :class:`poseconv.catalog.Format`).

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
        The decorator.
    """
    warnings.warn(
        "register_reader is deprecated; register a poseconv.catalog.Format with poseconv.catalog.register_format "
        "(see docs/adding-a-format.md).",
        DeprecationWarning,
        stacklevel=2,
    )

    def decorator(function: Callable[..., PoseData]) -> Callable[..., PoseData]:
        from .safety.input_checks import reads_source

        guarded = reads_source(f"{source_software} file")(function)
        target = f"{guarded.__module__}:{guarded.__qualname__}"
        sniffer = f"{sniff.__module__}:{sniff.__qualname__}"
        if "<" in target or "<" in sniffer:
            raise UnsupportedFormatError("register_reader needs module-level functions; use register_format.")
        register_format(
            Format(
                name=source_software,
                source_software=source_software,
                kind="predictions",
                aliases=(source_software.lower(),),
                suffixes=frozenset(s.lower() for s in suffixes),
                reader=target,
                sniffer=sniffer,
                description=f"{source_software} files",
            ),
            replace=True,
        )
        return guarded

    return decorator
