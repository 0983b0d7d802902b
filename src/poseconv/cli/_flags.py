"""Which interface argument each of convert's input flags gives, and what to say when a format takes none.

``--video``, ``--fps``, ``--individuals``, ``--untracked``, ``--labeled-data``, ``--config`` and
``--training`` become the argument the input's interface takes for them; ``--option`` refuses a KEY one of
them gives (:func:`flags_of_arguments`), except for commands that have none of them (``inspect``, ``plot``).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["check_videos_option", "flag_arguments", "flag_values", "flags_of_arguments", "unsupported_flag"]


# The way forward where an option has another form for the same file ({path}: the input; {labels}: a
# Lightning Pose multi-view model's labels files, from its config's data.csv_file, see _lp_view_labels).
_LP_VIEWS_LABELS = (
    " Convert the session without it. A multi-view model's labels are one CSV per view (its config's "
    "data.csv_file); they convert as training data with --source lp-labels, one PoseTraining per view: into the "
    "session's NWB file once it is written "
    "(poseconv convert {labels} --source lp-labels --append session.nwb), or to a file of their own "
    "(-o labels.nwb)."
)
_INSTEAD = {
    ("--training", "SLEAP session"): (
        " A session's user labels convert as training data with --source sleap-labels (poseconv convert "
        "{path} --source sleap-labels), to an NWB file of their own (-o labels.nwb) or into the session's "
        "(--append session.nwb)."
    ),
    ("--training", "LightningPose multi-view"): _LP_VIEWS_LABELS,
    ("--labeled-data", "LightningPose multi-view"): _LP_VIEWS_LABELS,
}


def _lp_view_labels(path: Path | None, config: Path | None) -> str:
    """Return the labels files of the Lightning Pose model of ``path``, quoted for a shell; never raises.

    From the config given (``--config``) or found beside the predictions, as the reader finds it; the
    files as its ``data.csv_file`` names them when they are not here, a pattern when there is no config.
    """
    import shlex

    from ..errors import PoseconvError
    from ..readers.lightningpose import find_config_file, model_labels_files

    try:
        # A folder's config is looked for as a file's in that folder would be (read_lightning_pose_multiview).
        found = config or (find_config_file(path / "_" if path.is_dir() else path) if path else None)
        files = model_labels_files(found) if found else []
    except (OSError, PoseconvError):
        files = []
    return " ".join(shlex.quote(str(file)) for file in files) or "CollectedData_<view1>.csv CollectedData_<view2>.csv"


def unsupported_flag(option: str, software: str, path: Path | None = None, config: Path | None = None) -> Exception:
    import shlex

    from ..errors import InvalidOptionError

    instead = _INSTEAD.get((option, software), "")
    labels = _lp_view_labels(path, config) if "{labels}" in instead else ""
    instead = instead.format(path=shlex.quote(str(path)) if path else "FILE", labels=labels)
    return InvalidOptionError(f"{option} is not supported for {software} files.{instead}")


def flag_arguments(cls: type, fmt: Any) -> dict[str, str | None]:
    """Return the interface argument each flag becomes for ``fmt`` (None: the format takes no such flag)."""
    parameters = inspect.signature(cls.__init__).parameters
    # Option -> the interface arguments it may become; the first name the interface takes wins.
    names = {
        "--video": ("video_file_path", "video_file_paths"),
        "--fps": ("sampling_frequency",),
        "--individuals": (getattr(cls, "individuals_argument", "individuals"),),
        "--untracked": ("untracked",),
        "--labeled-data": ("labeled_data_path",),
        "--config": ("config_file_path",),
        "--training": ("include_training_data",),
    }
    # The input's own argument is not an option (dlc-labels takes its folder as labeled_data_path).
    return {
        option: next((n for n in choices if n in parameters and n != fmt.input_argument), None)
        for option, choices in names.items()
    }


def flags_of_arguments(cls: type, fmt: Any, *, flagless: bool = False) -> dict[str, str]:
    """Return what gives each interface argument on the command line: the inputs, or a flag (refused as --option).

    ``flagless``: the command takes none of the input flags, only the inputs.
    """
    flags = {fmt.input_argument: "INPUT"}
    if fmt.inputs_argument is not None:
        flags[fmt.inputs_argument] = "the INPUT arguments (every view, in order)"
    if flagless:
        return flags
    for option, name in flag_arguments(cls, fmt).items():
        # A session's videos by camera are --option video_file_paths (--video cannot name a camera): a session
        # of one file takes them so only, a session of view files a list by --video too.
        if name is not None and not (name == "video_file_paths" and fmt.kind == "session"):
            flags[name] = option
    if fmt.individuals_argument is not None:
        # --individuals gives the format's own argument, whatever another format calls it (a spec is told the same).
        flags.setdefault("individuals", "--individuals")
        flags.setdefault("tracks", "--individuals")
    return flags


def _videos_by_camera(name: str, fmt: Any) -> bool:
    """Whether ``name`` is the videos by camera of a session of one file, which --video cannot give."""
    return name == "video_file_paths" and fmt.kind == "session" and fmt.inputs_argument is None


def check_videos_option(name: str, fmt: Any) -> None:
    """Refuse --video for a session of one file, whose videos go by camera name (views given as files go in order)."""
    from ..errors import InvalidOptionError

    if not _videos_by_camera(name, fmt):
        return
    raise InvalidOptionError(
        f"--video: a {fmt.name} file has one video per camera, given by camera name, which --video cannot say. "
        "Keep each camera's video where the file records it or next to the file, named as the tool names it "
        "(they are found by name), or give them by camera: --option 'video_file_paths={camera: path}' (a spec's "
        "source_data: {video_file_paths: {camera: path}}, Python's video_file_paths={'camera': path})."
    )


def flag_values(cls: type, fmt: Any, path: Path, given: Mapping[str, Any], config: Path | None) -> dict[str, Any]:
    """Return the interface arguments of the flags ``given`` (flag -> value; None: not given) for ``path``.

    Raises
    ------
    InvalidOptionError
        For a flag the format takes no argument for (with the way forward where there is one), or
        ``--video`` for a session of one file, whose videos go by camera name.
    """
    kwargs: dict[str, Any] = {}
    for option, name in flag_arguments(cls, fmt).items():
        if (value := given[option]) is None:
            continue
        if name is None:
            raise unsupported_flag(option, fmt.name, path, config)
        check_videos_option(name, fmt)
        kwargs[name] = [value] if name.endswith("_paths") and not isinstance(value, list) else value
    return kwargs
