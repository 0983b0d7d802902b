"""Which neuroconv interface converts which tool's files: the one place the CLI maps them.

A new tool is one more entry in :data:`INTERFACES` (and its reader registering
itself in :mod:`poseconv.readers.registry`). Interface modules are imported
only when a command needs one, so the CLI starts fast and works before an
optional interface exists.
"""

from __future__ import annotations

import inspect
from importlib import import_module
from pathlib import Path
from typing import Any

__all__ = [
    "ALIASES",
    "INTERFACES",
    "check_exists",
    "detect_source",
    "interface_class",
    "make_interface",
    "register_optional_readers",
    "resolve_source",
]

#: Source software -> (module, class) of its interface.
INTERFACES: dict[str, tuple[str, str]] = {
    "DeepLabCut": ("poseconv.interfaces.deeplabcut", "DeepLabCutPoseInterface"),
    "SLEAP": ("poseconv.interfaces.sleap", "SLEAPPoseInterface"),
    # Multi-camera sessions are never detected (a DLC 3D file is also plain DLC): asked for with --source.
    "DeepLabCut 3D": ("poseconv.interfaces.multicamera", "DeepLabCut3DPoseInterface"),
    "SLEAP session": ("poseconv.interfaces.multicamera", "SLEAPSessionPoseInterface"),
}
#: Names accepted by ``--source`` (case-insensitive).
ALIASES: dict[str, str] = {
    "dlc": "DeepLabCut",
    "deeplabcut": "DeepLabCut",
    "sleap": "SLEAP",
    "dlc3d": "DeepLabCut 3D",
    "sleap-session": "SLEAP session",
}
# Reader modules beyond those the registry loads itself; imported when present.
_OPTIONAL_READERS = ("poseconv.readers.sleap",)


def resolve_source(name: str) -> str:
    """Return the tool name for ``name`` (``"dlc"`` -> ``"DeepLabCut"``).

    Raises
    ------
    InvalidOptionError
        When the name is unknown; the message lists the accepted ones.
    """
    from ..errors import InvalidOptionError

    key = name.strip().lower()
    if key in ALIASES:
        return ALIASES[key]
    for software in INTERFACES:
        if software.lower() == key:
            return software
    raise InvalidOptionError(f"Unknown source {name!r}; choose one of: {', '.join(sorted(ALIASES))}.")


def register_optional_readers() -> None:
    """Import the reader modules that may not exist yet, so they register themselves."""
    for module in _OPTIONAL_READERS:
        try:
            import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise


def check_exists(path: Path) -> None:
    """Refuse a missing input before any reader guesses at it."""
    from ..errors import InvalidSourceFileError

    if not path.exists():
        raise InvalidSourceFileError(f"{path}: file not found.")
    if path.is_dir():
        raise InvalidSourceFileError(f"{path}: is a directory; give the pose file inside it.")


def detect_source(path: Path, source: str | None = None) -> str:
    """Return the tool that wrote ``path``: ``source`` resolved, or detected from the file."""
    check_exists(path)
    if source:
        return resolve_source(source)
    from ..errors import UnsupportedFormatError
    from ..readers.registry import infer_source_software

    register_optional_readers()
    try:
        return infer_source_software(path)
    except UnsupportedFormatError as err:
        # The library names its keyword; on the command line it is an option.
        raise UnsupportedFormatError(str(err).replace("source_software=", "--source dlc|sleap")) from None


def interface_class(software: str) -> type:
    """Import and return the interface class converting ``software`` files.

    Raises
    ------
    UnsupportedFormatError
        When poseconv has no interface for the tool (yet).
    """
    from ..errors import UnsupportedFormatError

    if software not in INTERFACES:
        raise UnsupportedFormatError(f"No interface converts {software} files; supported: {', '.join(INTERFACES)}.")
    module_name, class_name = INTERFACES[software]
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name != module_name:
            raise
        raise UnsupportedFormatError(f"{software} files cannot be converted by this version of poseconv.") from err
    return getattr(module, class_name)


def make_interface(
    path: Path,
    *,
    source: str | None = None,
    video: Path | None = None,
    fps: float | None = None,
    individuals: list[str] | None = None,
) -> Any:
    """Build the interface for ``path`` with the command-line options it takes.

    Parameters
    ----------
    path : pathlib.Path
        Input file.
    source : str, optional
        ``--source``; detected from the file when None.
    video : pathlib.Path, optional
        ``--video``: the analysed video.
    fps : float, optional
        ``--fps``: frame rate when the files record none.
    individuals : list of str, optional
        ``--individuals``: the individuals/tracks to keep.

    Returns
    -------
    BasePoseInterface
        The interface, having read the file.

    Raises
    ------
    InvalidOptionError
        When an option is not one the interface takes.
    """
    from ..errors import InvalidOptionError

    software = detect_source(path, source)
    cls = interface_class(software)
    parameters = inspect.signature(cls.__init__).parameters
    kwargs: dict[str, Any] = {"file_path": path}
    # Option -> the interface argument it becomes; the first name the interface takes wins.
    wanted = {
        "--video": (video, ("video_file_path", "video_file_paths")),
        "--fps": (fps, ("sampling_frequency",)),
        "--individuals": (individuals, ("individuals", "tracks")),
    }
    for option, (value, names) in wanted.items():
        if value is None:
            continue
        name = next((n for n in names if n in parameters), None)
        if name is None:
            raise InvalidOptionError(f"{option} is not supported for {software} files.")
        kwargs[name] = [value] if name.endswith("_paths") else value
    return cls(**kwargs)
