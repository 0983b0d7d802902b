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
    "LABEL_SOURCES",
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
    "LightningPose": ("poseconv.interfaces.lightningpose", "LightningPosePoseInterface"),
    # Multi-camera sessions are never detected (a DLC 3D file is also plain DLC): asked for with --source.
    "DeepLabCut 3D": ("poseconv.interfaces.multicamera", "DeepLabCut3DPoseInterface"),
    "SLEAP session": ("poseconv.interfaces.multicamera", "SLEAPSessionPoseInterface"),
    # Human labels (training data), never detected: a DLC label file or a .slp is predictions to the readers.
    "DeepLabCut labels": ("poseconv.interfaces.training", "DeepLabCutTrainingDataInterface"),
    "SLEAP labels": ("poseconv.interfaces.training", "SLEAPTrainingDataInterface"),
    "LightningPose labels": ("poseconv.interfaces.lightningpose", "LightningPoseTrainingDataInterface"),
}
#: Names accepted by ``--source`` (case-insensitive).
ALIASES: dict[str, str] = {
    "dlc": "DeepLabCut",
    "deeplabcut": "DeepLabCut",
    "sleap": "SLEAP",
    "dlc3d": "DeepLabCut 3D",
    "sleap-session": "SLEAP session",
    "dlc-labels": "DeepLabCut labels",
    "sleap-labels": "SLEAP labels",
    "lp": "LightningPose",
    "lightningpose": "LightningPose",
    "lightning-pose": "LightningPose",
    "lp-labels": "LightningPose labels",
}
#: Sources whose input is human-labeled training data -> the interface argument that takes the input.
LABEL_SOURCES: dict[str, str] = {
    "DeepLabCut labels": "labeled_data_path",
    "SLEAP labels": "file_path",
    "LightningPose labels": "file_path",
}
# Sources whose input may be a folder: a DeepLabCut project, its labeled-data folder or one video's folder.
_FOLDER_SOURCES = frozenset({"DeepLabCut labels"})
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


def check_exists(path: Path, *, allow_folder: bool = False) -> None:
    """Refuse a missing input before any reader guesses at it.

    Parameters
    ----------
    path : pathlib.Path
        The input.
    allow_folder : bool, default: False
        Accept a folder (DeepLabCut labeled data); otherwise the input must be a file.

    Raises
    ------
    InvalidSourceFileError
        When ``path`` does not exist, or is a folder where a file is needed.
    """
    from ..errors import InvalidSourceFileError

    if not path.exists():
        raise InvalidSourceFileError(f"{path}: {'file or folder' if allow_folder else 'file'} not found.")
    if path.is_dir() and not allow_folder:
        raise InvalidSourceFileError(
            f"{path}: is a directory; give the pose file inside it "
            "(or --source dlc-labels for the labeled data of a DeepLabCut project)."
        )


def detect_source(path: Path, source: str | None = None) -> str:
    """Return the tool that wrote ``path``: ``source`` resolved, or detected from the file."""
    # The source decides whether a folder is a valid input, so it is resolved first.
    software = resolve_source(source) if source else None
    check_exists(path, allow_folder=software in _FOLDER_SOURCES)
    if software is not None:
        return software
    from ..errors import UnsupportedFormatError
    from ..readers.registry import infer_source_software

    register_optional_readers()
    try:
        return infer_source_software(path)
    except UnsupportedFormatError as err:
        # The library names its keyword; on the command line it is an option.
        raise UnsupportedFormatError(str(err).replace("source_software=", "--source dlc|sleap|lp")) from None


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
    training: bool = False,
    labeled_data: Path | None = None,
) -> Any:
    """Build the interface for ``path`` with the command-line options it takes.

    Parameters
    ----------
    path : pathlib.Path
        Input file (or, for ``--source dlc-labels``, a DeepLabCut project or labeled-data folder).
    source : str, optional
        ``--source``; detected from the file when None.
    video : pathlib.Path, optional
        ``--video``: the analysed video.
    fps : float, optional
        ``--fps``: frame rate when the files record none.
    individuals : list of str, optional
        ``--individuals``: the individuals/tracks to keep.
    training : bool, default: False
        ``--training``: also read the human-labeled training data (``include_training_data``).
        Label sources (``dlc-labels``, ``sleap-labels``) are training data already.
    labeled_data : pathlib.Path, optional
        ``--labeled-data``: the DeepLabCut project or label file of the predictions (``labeled_data_path``);
        implies ``training``.

    Returns
    -------
    BasePoseInterface or BaseTrainingDataInterface
        The interface, having read the file.

    Raises
    ------
    InvalidOptionError
        When an option is not one the interface takes.
    InvalidSourceFileError
        When the input or the ``--labeled-data`` path does not exist.
    """
    from ..errors import InvalidOptionError, InvalidSourceFileError

    software = detect_source(path, source)
    cls = interface_class(software)
    parameters = inspect.signature(cls.__init__).parameters
    path_argument = LABEL_SOURCES.get(software, "file_path")
    kwargs: dict[str, Any] = {path_argument: path}
    if labeled_data is not None:
        if not labeled_data.exists():
            raise InvalidSourceFileError(f"--labeled-data {labeled_data}: file or folder not found.")
        # Labels given without --training are surely meant to be written, not ignored.
        training = True
    # Option -> the interface argument it becomes; the first name the interface takes wins.
    wanted = {
        "--video": (video, ("video_file_path", "video_file_paths")),
        "--fps": (fps, ("sampling_frequency",)),
        "--individuals": (individuals, ("individuals", "tracks")),
        "--labeled-data": (labeled_data, ("labeled_data_path",)),
        # Label sources are all training data: --training asks for nothing more of them.
        "--training": (True if training and software not in LABEL_SOURCES else None, ("include_training_data",)),
    }
    for option, (value, names) in wanted.items():
        if value is None:
            continue
        # The input's own argument is not an option (dlc-labels takes its folder as labeled_data_path).
        name = next((n for n in names if n in parameters and n != path_argument), None)
        if name is None:
            raise InvalidOptionError(f"{option} is not supported for {software} files.")
        kwargs[name] = [value] if name.endswith("_paths") else value
    return cls(**kwargs)
