"""Where a Lightning Pose model keeps the videos it predicted on: beside the CSV, or in its config's video folders.

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
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..model import VideoInfo
from .deeplabcut.project import find_video
from .side_files import side_folders

__all__ = ["config_video_folders", "find_model_video"]

# ${data.video_dir}: another key of the config; anything else in ${...} is a resolver (${LP_ROOT_PATH:}).
_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")
_KEY = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


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
        The reader's notes of the video (``notes["videos"]``): when none was found, the folders looked in
        (``{key: {"looked_in": [...]}}``), for the message asking for the video; else empty.
    """
    folders = list(side_folders(path))
    if config is not None and config_path is not None:
        folders += [folder for folder in config_video_folders(config, config_path) if folder not in folders]
    video = find_video(path.stem, None, folders)
    if video.path is not None:
        return video, {}
    return video, {video.key: {"looked_in": [str(folder) for folder in folders]}}


def config_video_folders(config: Mapping[str, Any], config_path: Path) -> list[Path]:
    """Return the folders of videos a Lightning Pose model's config names that exist here, in the order looked in.

    ``eval.test_videos_directory`` (the videos predicted on after training) comes first, then
    ``data.video_dir``. A path naming a video file gives its folder. Paths that cannot be resolved
    (a resolver's interpolation, a relative path without a model folder three levels deep) or are not
    folders on this machine (a model trained elsewhere) are left out.

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
    run_folder = _run_folder(config_path)
    data = config.get("data") if isinstance(config.get("data"), Mapping) else {}
    data_dir = _absolute(_text(config, data.get("data_dir")), run_folder)
    named: list[Path | None] = []
    evaluation = config.get("eval") if isinstance(config.get("eval"), Mapping) else {}
    test_videos = evaluation.get("test_videos_directory")
    for value in test_videos if isinstance(test_videos, list) else [test_videos]:
        named.append(_absolute(_text(config, value), run_folder))
    named.append(_absolute(_text(config, data.get("video_dir")), data_dir))
    folders: list[Path] = []
    for candidate in named:
        folder = _existing_folder(candidate)
        if folder is not None and folder not in folders:
            folders.append(folder)
    return folders


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


def _absolute(value: str | None, base: Path | None) -> Path | None:
    """Return ``value`` as a path, relative ones from ``base``; None when there is no value or no base for it."""
    if value is None:
        return None
    path = Path(value)
    if path.is_absolute():
        return path
    return base / path if base is not None else None


def _existing_folder(path: Path | None) -> Path | None:
    """Return the folder ``path`` is (or the folder of the video file it is); None when neither is here."""
    try:
        if path is None:
            return None
        if path.is_dir():
            return path
        return path.parent if path.is_file() else None
    except OSError:
        # A path this system cannot even look at (too long, bad characters) is not here.
        return None
