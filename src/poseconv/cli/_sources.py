"""From a command line's input and options to the interface that converts it, through the catalog.

Every format, alias and interface comes from :mod:`poseconv.catalog`; this
module only turns ``--source``, ``--video``, ``--fps``, ... into interface
arguments (the flags' arguments: :mod:`._flags`). Interface modules are imported only when a command needs one, so the
CLI starts fast.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._flags import flag_values, flags_of_arguments, unsupported_flag

__all__ = [
    "check_exists",
    "check_option_keys",
    "detect_source",
    "interface_class",
    "make_interface",
    "pose_metadata",
    "resolve_source",
]


def resolve_source(name: str) -> str:
    """Return the format name for ``name`` (``"dlc"`` -> ``"DeepLabCut"``).

    Raises
    ------
    UnsupportedFormatError
        When the name is unknown; the message lists the accepted ones.
    """
    from ..catalog import get_format

    return get_format(name).name


#: The kinds of input of the commands that take fewer than every kind (``plot`` draws poses over time, no labels).
_COMMAND_KINDS = {"plot": ("predictions", "session")}


def check_exists(path: Path, *, allow_folder: bool = False, command: str = "convert") -> None:
    """Refuse a missing input before any reader guesses at it.

    Parameters
    ----------
    path : pathlib.Path
        The input.
    allow_folder : bool, default: False
        Accept a folder (DeepLabCut labeled data); otherwise the input must be a file.
    command : str, default: "convert"
        The command given it: a folder's advice names the formats of folders that command takes.

    Raises
    ------
    InvalidSourceFileError
        When ``path`` does not exist, or is a folder where a file is needed.
    """
    from ..errors import InvalidSourceFileError
    from ..model.location import require_content

    require_content(path)
    if not path.exists():
        raise InvalidSourceFileError(f"{path}: {'file or folder' if allow_folder else 'file'} not found.")
    if path.is_dir() and not allow_folder:
        from ..catalog import folder_advice

        kinds = _COMMAND_KINDS.get(command, ("predictions", "session", "labels"))
        advice = folder_advice(path, lambda fmt: f"--source {fmt.alias}" if fmt.kind in kinds else None, verb=command)
        raise InvalidSourceFileError(f"{path}: is a directory; {advice}")


def detect_source(path: Path, source: str | None = None, *, command: str = "convert") -> str:
    """Return the format of ``path``: ``source`` resolved and checked against the content, or detected.

    ``command`` is the command given it, for a folder's advice (:func:`check_exists`).

    Raises
    ------
    InvalidSourceFileError
        When ``source`` contradicts the content where data would be lost or mislabelled.
    UnsupportedFormatError
        When the format cannot be detected.
    """
    from ..catalog import check_format, detect_format, get_format
    from ..errors import UnsupportedFormatError

    # The format decides whether a folder is a valid input, so it is resolved first.
    fmt = get_format(source) if source else None
    check_exists(path, allow_folder=fmt is not None and fmt.accepts_folder, command=command)
    if fmt is not None:
        check_format(path, fmt)
        return fmt.name
    try:
        return detect_format(path).name
    except UnsupportedFormatError as err:
        # The library names its keyword; on the command line it is an option.
        from ..catalog import formats

        if err.candidates:
            choices = " or --source ".join(err.candidates)
        else:
            choices = "|".join(fmt.alias for fmt in formats().values() if fmt.kind == "predictions")
        raise UnsupportedFormatError(str(err).replace("source_software=", f"--source {choices}")) from None


def interface_class(software: str) -> type:
    """Import and return the interface class converting files of format ``software`` (a name or alias)."""
    from ..catalog import get_format
    from ..catalog import interface_class as catalog_interface

    return catalog_interface(get_format(software))


def _all_inputs(fmt: Any, path: Path, inputs: list[Path] | None, source: str | None) -> dict[str, Any]:
    """Return the argument taking every input of a format that reads them together (none for one input).

    ``path`` is the interface's own input, checked already.
    """
    from ..errors import InvalidOptionError

    if inputs is None or len(inputs) < 2:
        return {}
    if fmt.inputs_argument is None:
        raise InvalidOptionError(f"{fmt.name} reads one file at a time; {len(inputs)} inputs were given.")
    for other in inputs:
        if other == path:
            continue
        if _left_out(fmt, other):
            # Its reader leaves it out, saying so once, as from Python or a spec; it need only exist.
            check_exists(other)
        else:
            detect_source(other, source)
    return {fmt.inputs_argument: list(inputs)}


def _left_out(fmt: Any, path: Path) -> bool:
    """Whether the reader of ``fmt``, reading every input together, leaves ``path`` out as no input of its own.

    A glob of Lightning Pose's ``video_preds/*.csv`` gives the metrics and bounding boxes written beside the
    views' predictions: the multi-view reader skips them with one warning, where checked alone each is refused.
    """
    if fmt.name != "LightningPose multi-view":
        return False
    from ..readers.lightningpose_config import is_side_output_name

    return is_side_output_name(path)


def _first_read(fmt: Any, path: Path, inputs: list[Path] | None) -> Path:
    """Return the input the interface takes as its own: ``path``, or the first of ``inputs`` its reader reads.

    A shell sorts ``sess1_bot_bbox.csv`` before ``sess1_bot.csv`` in some locales: the first input is then a
    file the reader skips, which as the interface's own input would be refused.
    """
    if not inputs or not _left_out(fmt, path):
        return path
    return next((other for other in inputs if not _left_out(fmt, other)), path)


def _check_options(untracked: str | None, labeled_data: Path | None, training: bool) -> bool:
    """Refuse option values that no input could take; return whether training data is asked for."""
    from ..errors import InvalidOptionError, InvalidSourceFileError

    if untracked not in (None, "error", "by_order"):
        raise InvalidOptionError(f"--untracked {untracked}: give error or by_order.")
    if labeled_data is None:
        return training
    if not labeled_data.exists():
        from ..model.location import input_not_here

        raise InvalidSourceFileError(
            f"--labeled-data {labeled_data}: {input_not_here(labeled_data) or 'file or folder not found.'}"
        )
    # Labels given without --training are surely meant to be written, not ignored.
    return True


def make_interface(
    path: Path,
    *,
    inputs: list[Path] | None = None,
    source: str | None = None,
    video: Path | list[Path] | None = None,
    fps: float | None = None,
    individuals: list[str] | None = None,
    untracked: str | None = None,
    training: bool = False,
    labeled_data: Path | None = None,
    config: Path | None = None,
    source_options: Mapping[str, str] | None = None,
    flagless: bool = False,
) -> Any:
    """Build the interface for ``path`` with the command-line options it takes.

    Parameters
    ----------
    path : pathlib.Path
        Input file (or, for ``--source dlc-labels``, a DeepLabCut project or labeled-data folder).
    inputs : list of pathlib.Path, optional
        Every input, ``path`` first, for a format reading them together (``Format.inputs_argument``).
    source : str, optional
        ``--source``; detected from the file when None.
    video : pathlib.Path or list of pathlib.Path, optional
        ``--video``: the analysed video (a list: one per input of ``inputs``).
    fps : float, optional
        ``--fps``: frame rate when the files record none.
    individuals : list of str, optional
        ``--individuals``: the individuals/tracks to keep.
    untracked : str, optional
        ``--untracked``: several instances without a track in one frame (SLEAP).
    training : bool, default: False
        ``--training``: also read the human-labeled training data (``include_training_data``).
        Label sources (``dlc-labels``, ``sleap-labels``) are training data already.
    labeled_data, config : pathlib.Path, optional
        ``--labeled-data``: the DeepLabCut project or label file of the predictions (``labeled_data_path``;
        implies ``training``); ``--config``: the project's ``config.yaml`` (``config_file_path``).
    source_options : Mapping, optional
        ``--option KEY=VALUE``: any other argument of the interface by name, VALUE as typed.
    flagless : bool, default: False
        The command has none of convert's input flags (``inspect``, ``plot``): ``--option`` gives what
        they give (``untracked``, ``sampling_frequency``), the input aside.

    Returns
    -------
    BasePoseInterface or BaseTrainingDataInterface
        The interface, having read the file.

    Raises
    ------
    InvalidOptionError
        When an option is not one the interface takes, an ``--option`` is refused (a flag gives its
        KEY, the interface takes no KEY, a wrong VALUE), or several inputs are given to a format that
        reads one at a time.
    InvalidSourceFileError
        When the input or the ``--labeled-data`` path does not exist.
    """
    from ..catalog import get_format
    from ..catalog import interface_class as catalog_interface

    training = _check_options(untracked, labeled_data, training)
    if source and inputs:
        path = _first_read(get_format(source), path, inputs)
    fmt = get_format(detect_source(path, source))
    cls = catalog_interface(fmt)
    kwargs: dict[str, Any] = {fmt.input_argument: path, **_all_inputs(fmt, path, inputs, source)}
    given = {"--video": video, "--fps": fps, "--individuals": individuals, "--untracked": untracked}
    given |= {"--labeled-data": labeled_data, "--config": config}
    # Label sources are all training data: --training asks for nothing more of them.
    given["--training"] = True if training and fmt.kind != "labels" else None
    kwargs |= flag_values(cls, fmt, path, given, config)
    if not source_options:
        return cls(**kwargs)
    return _with_source_options(cls, fmt, path, kwargs, source_options, flags_of_arguments(cls, fmt, flagless=flagless))


def _with_source_options(
    cls: type, fmt: Any, path: Path, kwargs: dict[str, Any], source_options: Mapping[str, str], flags: dict[str, str]
) -> Any:
    """Build the interface with the flags' ``kwargs`` and the ``--option`` arguments, checked as a spec's are."""
    from ..errors import InvalidOptionError, PoseconvError
    from ._options import renamed_error
    from ._options import source_options as checked

    if "video_file_paths" in source_options and "video_file_paths" in kwargs:
        raise InvalidOptionError(
            f"{path}: --video and --option video_file_paths both give the videos; give them once: a --video per "
            "view (in the order of the view files given, or of the views), or --option 'video_file_paths={view: "
            "path, ...}' by view name."
        )
    kwargs = {**kwargs, **checked(cls, path, fmt.name, source_options, kwargs, flags)}
    try:
        return cls(**kwargs)
    except PoseconvError as err:
        # The interface names its argument; on the command line it is an --option.
        raise (renamed_error(err, list(source_options)) or err) from None


def check_option_keys(inputs: list[Path], source: str | None, source_options: Mapping[str, str] | None) -> None:
    """Refuse, before any input is read, an ``--option`` KEY the interface of one of ``inputs`` does not take.

    Raises
    ------
    InvalidOptionError
        Naming the first such input, the KEY and what to give instead.
    """
    from ..catalog import get_format
    from ..catalog import interface_class as catalog_interface
    from ._options import refuse_keys

    for path in inputs if source_options else []:
        fmt = get_format(detect_source(path, source))
        cls = catalog_interface(fmt)
        refuse_keys(cls, path, fmt.name, source_options, flags_of_arguments(cls, fmt))


def pose_metadata(
    path: Path,
    *,
    source: str | None = None,
    video: Path | None = None,
    fps: float | None = None,
    individuals: list[str] | None = None,
    untracked: str | None = None,
    training: bool = False,
    labeled_data: Path | None = None,
    config: Path | None = None,
    source_options: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], bool]:
    """Return the metadata the conversion of ``path`` would use, as its interface's ``get_metadata`` does.

    With it, whether the poses lack frame times (no rate recorded, none given, no video found): the
    conversion then needs a rate (``--fps``).

    A file of one camera's poses is read by a :class:`~poseconv.pose_source.PoseSource`, which
    imports no neuroconv (the command answers quickly); the fields neuroconv generates
    (``NWBFile.identifier``, the provenance) are then absent. A session or training labels go
    through their interface, as does a file read with an option a PoseSource does not take
    (``untracked``, ``training``, ``labeled_data``, any ``--option``). The options are those of
    :func:`make_interface`.

    Raises
    ------
    InvalidOptionError
        When an option is not one the format takes.
    """
    from ..catalog import get_format

    fmt = get_format(detect_source(path, source))
    if fmt.kind != "predictions" or untracked is not None or training or labeled_data is not None or source_options:
        # The options a PoseSource does not take (a SLEAP file's untracked instances, the training data, --option).
        given = {"untracked": untracked, "training": training, "labeled_data": labeled_data, "individuals": individuals}
        given["source_options"] = source_options
        interface = make_interface(path, source=source, video=video, fps=fps, config=config, **given)
        return interface.get_metadata(), _lacks_frame_times(interface)
    from ..pose_source import PoseSource

    # Every interface of one camera's poses takes a video and a frame rate; the individuals depend on the format.
    kwargs: dict[str, Any] = {fmt.input_argument: path, "video_file_path": video, "sampling_frequency": fps}
    if individuals is not None:
        if fmt.individuals_argument is None:
            raise unsupported_flag("--individuals", fmt.name)
        kwargs[fmt.individuals_argument] = individuals
    if config is not None:
        if "config_file_path" not in fmt.reader_options:
            raise unsupported_flag("--config", fmt.name)
        kwargs["config_file_path"] = config
    pose_source = PoseSource.from_format(fmt, **kwargs)
    return pose_source.get_pose_metadata(), _lacks_frame_times(pose_source)


def _lacks_frame_times(reader: Any) -> bool:
    """Whether the poses of ``reader`` (a PoseSource or an interface) have a video with no frame times.

    A session has one clock (``session.timing``); labels alone are written without frame times.
    """
    session = getattr(reader, "session", None)
    if session is not None:
        return session.timing is None
    pose = getattr(reader, "pose", None)
    if pose is None:
        return False
    return any(pose.timing.get(track.video) is None for track in pose.tracks)


def read_predictions(fmt: Any, path: Path) -> Any:
    """Return the poses of ``path`` (one camera's predictions) with the frame times ``convert`` writes.

    The reader records the pose file's own rate (DeepLabCut's ``_meta.pickle``); converting takes the
    frame times of a video found beside the poses first (:mod:`poseconv.timing`). ``inspect`` and
    ``plot`` show those: what the NWB file will hold. A file the conversion refuses (its rows go past
    its video's frames) is still shown as read, with a warning saying why converting stops.
    """
    from ..errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
    from ..pose_source import PoseSource

    try:
        return PoseSource.from_format(fmt, **{fmt.input_argument: path}).pose
    except (InvalidSourceFileError, InvalidOptionError) as refused:
        # Read again as the file holds it (a reader's own error is raised here again, as it was).
        data = fmt.read(path)
        warnings.warn(f"converting stops here: {refused}", PoseconvWarning, stacklevel=2)
        return data
