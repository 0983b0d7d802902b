r"""Where a Lightning Pose model keeps the videos it predicted on: beside the CSV, or in its config's video folders.

Lightning Pose writes ``<model dir>/video_preds/<video stem>.csv`` but leaves the videos where they
were: after training it predicts on every video of ``eval.test_videos_directory`` (by default
``${data.video_dir}``, the unlabeled videos of ``data.video_dir``). So a model folder's predictions
rarely have their video beside them, and the model's config names the folder that holds it.

The config is saved unresolved (``OmegaConf.save(..., resolve=False)``), so its paths may hold
interpolations such as ``${data.video_dir}`` or ``${data.data_dir}/videos``; those naming another
key of the config are resolved here; others (resolvers such as ``${LP_ROOT_PATH:}``, Lightning Pose's
install folder on the training machine) leave that folder out. Relative paths are resolved as Lightning Pose resolves
them (``utils/io.py``: ``return_absolute_path``, ``return_absolute_data_paths``): training runs in
the model folder (hydra's ``outputs/<date>/<time>``), and a relative ``data.data_dir`` or
``eval.test_videos_directory`` is taken from three folders up (four in a hydra multirun); a relative
``data.video_dir`` from ``data.data_dir``.

A model trained on Windows records Windows paths: a drive or share (``C:\Users\lab\videos``,
``D:/lp/videos``) names no folder here, and is kept as written for the message asking for the video; a
relative path separates its folders with ``\``, which are read as separators where no file has the name
as written (as a batch spec's paths are).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PureWindowsPath
from typing import Any

from ..model import VideoInfo
from ..model.path_hints import is_windows_only, with_folder_separators
from .deeplabcut.project import find_video
from .side_files import side_folders

__all__ = ["config_video_folders", "find_model_video"]

# ${data.video_dir}: another key of the config; anything else in ${...} is a resolver (${LP_ROOT_PATH:}).
_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")
_KEY = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")

# A folder of the config: on this machine (a Path), or a Windows drive or share path as written (text).
_Location = Path | str


def find_model_video(
    path: Path, config: Mapping[str, Any] | None, config_path: Path | None
) -> tuple[VideoInfo, dict[str, Any]]:
    """Find the video of the predictions ``path``: ``<stem>.<video suffix>`` beside it, else in the config's folders.

    Parameters
    ----------
    path : pathlib.Path
        The predictions CSV; its stem is the video's.
    config : mapping, optional
        The model's config, as read; None when there is none (or it was left out).
    config_path : pathlib.Path, optional
        Where the config is (relative paths in it are resolved from the model folder).

    Returns
    -------
    VideoInfo
        The video, with its file when found.
    dict
        The reader's notes of the video (``notes["videos"]``); empty when it was found. Else
        ``{key: {"looked_in": [...]}}`` for the message asking for the video: the folders looked in,
        then each folder the config names that is not on this machine, as ``<folder> (<its keys> of the
        model's config)`` (a Windows path as written, which
        :func:`poseconv.timing.missing_timing_error` says cannot be opened here).
    """
    folders = list(side_folders(path))
    named = _named_folders(config, config_path) if config is not None and config_path is not None else {}
    not_here: list[str] = []
    for location, keys in named.items():
        folder = _existing_folder(location) if isinstance(location, Path) else None
        if folder is None:
            not_here.append(f"{location} ({' and '.join(keys)} of the model's config)")
        elif folder not in folders:
            folders.append(folder)
    video = find_video(path.stem, None, folders)
    if video.path is not None:
        return video, {}
    return video, {video.key: {"looked_in": [str(folder) for folder in folders] + not_here}}


def config_video_folders(config: Mapping[str, Any], config_path: Path) -> list[Path]:
    """Return the folders of videos a Lightning Pose model's config names that exist here, in the order looked in.

    ``eval.test_videos_directory`` (the videos predicted on after training) comes first, then
    ``data.video_dir``. A path naming a video file gives its folder. Paths that cannot be resolved
    (a resolver's interpolation, a relative path without a model folder three levels deep) or are not
    folders on this machine (a model trained elsewhere, a Windows drive) are left out.

    Parameters
    ----------
    config : mapping
        The model's config, as read from its YAML.
    config_path : pathlib.Path
        The config's file (``<model dir>/config.yaml`` or ``<model dir>/.hydra/config.yaml``).

    Returns
    -------
    list of pathlib.Path
        Existing folders, each once.
    """
    folders: list[Path] = []
    for location in _named_folders(config, config_path):
        folder = _existing_folder(location) if isinstance(location, Path) else None
        if folder is not None and folder not in folders:
            folders.append(folder)
    return folders


def _named_folders(config: Mapping[str, Any], config_path: Path) -> dict[_Location, list[str]]:
    """Return the video folders the config names, in :func:`config_video_folders`' order, with the keys naming each.

    Each is a path on this machine (which may not exist), or a Windows drive or share path as written.
    """
    run_folder = _run_folder(config_path)
    data = config.get("data") if isinstance(config.get("data"), Mapping) else {}
    data_dir = _location(_text(config, data.get("data_dir")), run_folder)
    evaluation = config.get("eval") if isinstance(config.get("eval"), Mapping) else {}
    test_videos = evaluation.get("test_videos_directory")
    named: list[tuple[str, _Location | None]] = [
        ("eval.test_videos_directory", _location(_text(config, value), run_folder))
        for value in (test_videos if isinstance(test_videos, list) else [test_videos])
    ]
    named.append(("data.video_dir", _location(_text(config, data.get("video_dir")), data_dir)))
    by_location: dict[_Location, list[str]] = {}
    for key, location in named:
        if location is not None and key not in (keys := by_location.setdefault(location, [])):
            keys.append(key)
    return by_location


def _run_folder(config_path: Path) -> Path | None:
    """Return the folder Lightning Pose resolved relative paths from when it trained this model; None if unknown."""
    model_folder = config_path.parent.parent if config_path.parent.name == ".hydra" else config_path.parent
    parents = model_folder.absolute().parents
    if len(parents) < 3:
        return None
    # return_absolute_path: the working folder (the model folder) minus three levels, minus "multirun" too.
    run_folder = parents[2]
    return run_folder.parent if run_folder.name == "multirun" else run_folder


def _text(config: Mapping[str, Any], value: Any, depth: int = 0) -> str | None:
    """Return a path value with its ``${key}`` interpolations filled in; None when it is not text or cannot be."""
    if not isinstance(value, str) or not value.strip() or depth > 8:
        return None
    parts: list[str] = []
    end = 0
    for match in _INTERPOLATION.finditer(value):
        key = match.group(1).strip()
        if not _KEY.fullmatch(key):
            return None
        target: Any = config
        for name in key.split("."):
            target = target.get(name) if isinstance(target, Mapping) else None
        filled = _text(config, target, depth + 1)
        if filled is None:
            return None
        parts += [value[end : match.start()], filled]
        end = match.end()
    return "".join([*parts, value[end:]]).strip()


def _location(value: str | None, base: _Location | None) -> _Location | None:
    r"""Return ``value`` as a location, relative ones from ``base``; None when there is no value or no base for it.

    A Windows drive or share path (or one relative to such a base) is kept as text: it names no folder here.
    A relative path written on Windows (``data\videos``) has its ``\`` read as folder separators when
    no file has the name as written.
    """
    if value is None:
        return None
    if is_windows_only(value):
        return value
    path = Path(value)
    if not path.is_absolute():
        if isinstance(base, str):
            # Relative to a Windows folder: joined as Lightning Pose joined them there (os.path.join).
            return str(PureWindowsPath(base) / value)
        if base is None:
            return None
        path = base / path
    if (meant := with_folder_separators(value, base)) != value:
        # Written on Windows (data\videos): its \ separate folders, as in a batch spec's paths.
        return _location(meant, base)
    return path


def _existing_folder(path: Path) -> Path | None:
    """Return the folder ``path`` is (or the folder of the video file it is); None when neither is here."""
    try:
        if path.is_dir():
            return path
        return path.parent if path.is_file() else None
    except OSError:
        # A path this system cannot even look at (too long, bad characters) is not here.
        return None
