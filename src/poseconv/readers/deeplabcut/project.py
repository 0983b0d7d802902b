"""The DeepLabCut project around a table: its ``config.yaml`` (bodyparts, skeleton, videos) and its videos.

A project folder holds ``config.yaml`` (``bodyparts`` or, multi-animal, ``multianimalbodyparts`` and
``uniquebodyparts``; ``skeleton`` as pairs of bodypart names; ``video_sets`` keyed by the videos'
paths on the machine that made the project), ``videos/`` and ``labeled-data/<video>/``.
Predictions sit next to their video, often in ``videos/``; the config is then one folder up.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import Skeleton, VideoInfo
from ...model.location import named_file, recorded_file_name, same_content, where_linked
from ...video import VIDEO_SUFFIXES
from ..safety.input_checks import check_input_file
from .config_text import read_config_text
from .skeleton_edges import config_edges, cross_edges, cross_edges_sentence, warn_dropped_edges
from .table import ANIMAL_SKELETON_NAME, UNIQUE_SKELETON_NAME

__all__ = [
    "VIDEO_SUFFIXES",
    "config_bodyparts",
    "config_edges",
    "cross_edges",
    "cross_edges_sentence",
    "find_config_file",
    "find_video",
    "ignore_project_config",
    "load_project_config",
    "load_yaml_config",
    "predictions_skeletons",
    "project_edges",
    "project_identity",
    "project_identity_note",
    "project_sentence",
    "project_skeletons",
    "video_set_crop",
]


def find_config_file(file_path: str | Path) -> Path | None:
    """Find the project ``config.yaml`` next to the predictions or one folder up (``project/videos/``)."""
    # Beside the file as named (a DataLad link's project), not beside its content (given_or_found looks there next).
    path = where_linked(file_path)
    for folder in (path.parent, path.parent.parent):
        candidate = folder / "config.yaml"
        if candidate.is_file():
            return candidate
    return None


def ignore_project_config(config_path: Path, path: Path, scorer: str) -> None:
    """Warn that the project ``config_path`` found beside the model zoo's predictions ``path`` is not used; None.

    ``video_inference_superanimal`` writes beside the video, often in the user's own project, whose
    config (other bodyparts, other skeleton) had no part in the predictions: checked against them, it
    would refuse the file.
    """
    warnings.warn(
        f"{path.name}: {config_path} is ignored: these are predictions of DeepLabCut's model zoo ({scorer}), "
        "made without a project's config.yaml. For the model's skeleton, pass its own config "
        "(deeplabcut/modelzoo/project_configs/<model>.yaml) with config_file_path= (--config).",
        PoseconvWarning,
        stacklevel=4,
    )


def load_yaml_config(path: Path, what: str) -> dict[str, Any]:
    """Read a YAML config that must hold a mapping; ``what`` names it in messages ("DeepLabCut config.yaml").

    UTF-8, or Windows-1252 with a warning (:func:`~.config_text.read_config_text`).

    Raises
    ------
    InvalidSourceFileError
        When the file is not YAML (nor text) or does not hold a mapping.
    """
    import yaml

    try:
        config = yaml.safe_load(read_config_text(path, what, stacklevel=2))
    except (OSError, UnicodeError, yaml.YAMLError) as err:
        raise InvalidSourceFileError(f"{path}: cannot be read as a {what} ({err}).") from err
    if not isinstance(config, dict):
        raise InvalidSourceFileError(f"{path}: a {what} holds a mapping; found {type(config).__name__}.")
    return config


def load_project_config(path: Path) -> dict[str, Any]:
    """Check and read a DeepLabCut project ``config.yaml`` (see :func:`load_yaml_config`).

    The file gets the checks every input gets (:func:`~poseconv.readers.safety.input_checks.check_input_file`).
    """
    check_input_file(path, suffixes={".yaml", ".yml"}, what="DeepLabCut config.yaml")
    return load_yaml_config(path, "DeepLabCut config.yaml")


def project_identity(config: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """Return the project's task and experimenter: its config's ``Task`` and ``scorer`` (None where empty).

    ``create_new_project(project, experimenter)`` writes them so (the project folder is named
    ``<Task>-<scorer>-<date>``, the labels ``CollectedData_<scorer>``); the model zoo's configs leave them empty.
    """

    def text(value: Any) -> str | None:
        # YAML reads `Task: 2019` as a number; a list or a mapping there names nothing.
        plain = isinstance(value, str | int | float) and not isinstance(value, bool)
        return (str(value).strip() or None) if plain else None

    return (text(config.get("Task")), text(config.get("scorer"))) if config else (None, None)


def project_identity_note(config: dict[str, Any] | None) -> dict[str, str | None] | None:
    """Return the reader's ``notes["project_identity"]`` of a config: its task and experimenter; None without."""
    task, experimenter = project_identity(config)
    return {"task": task, "experimenter": experimenter} if task or experimenter else None


def project_sentence(config: dict[str, Any] | None) -> str:
    """Return the sentence a description says of the project's task and experimenter ("" when it names neither).

    Said in every container's description, the file keeps them wherever the NWBFile's experimenter and session
    description come from (the user's metadata, the file appended to).
    """
    task, experimenter = project_identity(config)
    named = [
        f"the task {task!r}" if task else "",
        f"the experimenter (scorer) {experimenter!r}" if experimenter else "",
    ]
    said = " and ".join(filter(None, named))
    return f"The DeepLabCut project's config.yaml names {said}." if said else ""


def _names(value: Any) -> list[str]:
    """Return a config's list of names as text (none for a single string or anything not a list).

    YAML reads ``bodyparts: [1, 2]`` as numbers, and DeepLabCut builds its tables' columns from them, which
    poseconv reads as text: the config's names are compared as text, as the tables' are.
    """
    return [str(name) for name in value] if isinstance(value, (list, tuple)) else []


def config_bodyparts(config: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Return (animal bodyparts, unique bodyparts) from a config, either project kind, as text."""
    if config.get("multianimalproject"):
        return _names(config.get("multianimalbodyparts")), _names(config.get("uniquebodyparts"))
    return _names(config.get("bodyparts")), []


def project_edges(
    config: dict[str, Any],
    config_path: Path,
    animal_parts: list[str],
    unique_parts: list[str],
    *,
    source: str,
    described: str,
    advice: str,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Check a config's bodyparts against a table's and return the skeleton edges of animals and unique bodyparts.

    Parameters
    ----------
    config : dict
        The project config.
    config_path : pathlib.Path
        Its file, for messages.
    animal_parts, unique_parts : list of str
        The table's animal and unique bodyparts.
    source : str
        The table, for messages.
    described, advice : str
        How the message names the table's bodyparts, and what it advises.

    Raises
    ------
    InvalidSourceFileError
        When the config's bodyparts are not the table's.
    """
    config_parts, config_unique = config_bodyparts(config)
    if (
        config_parts
        and set(config_parts) != set(animal_parts)
        and not _grown(config_parts, animal_parts, config_path, source)
    ):
        raise InvalidSourceFileError(f"{config_path}: bodyparts {config_parts} do not match {described}. {advice}")
    unique_differ = unique_parts and config_unique and set(config_unique) != set(unique_parts)
    if unique_differ and not _grown(config_unique, unique_parts, config_path, source):
        raise InvalidSourceFileError(
            f"{config_path}: uniquebodyparts {config_unique} do not match those in {source} {unique_parts}."
        )
    warn_dropped_edges(config, config_path, [*animal_parts, *unique_parts], [*config_parts, *config_unique], source)
    crossing = cross_edges(config, animal_parts, unique_parts)
    if crossing:
        warnings.warn(
            f"{config_path}: skeleton edges {crossing} join an animal's bodypart to a unique bodypart; the animals "
            "and the unique bodyparts have skeletons of their own (ndx-pose keeps one per PoseEstimation, one "
            "PoseEstimation per animal and one for the unique bodyparts), so these edges are left out of both.",
            PoseconvWarning,
            stacklevel=3,
        )
    return config_edges(config.get("skeleton"), animal_parts), config_edges(config.get("skeleton"), unique_parts)


def _grown(config_parts: list[str], table_parts: list[str], config_path: Path, source: str) -> bool:
    """Warn and return True when the config lists every bodypart of the table and more.

    A project's config.yaml grows: bodyparts added (and a network trained again) after a video was
    analysed are in the config, not in the older table, and DeepLabCut keeps one config.yaml.
    """
    added = [part for part in config_parts if part not in set(table_parts)]
    if not table_parts or not set(table_parts) < set(config_parts):
        return False
    warnings.warn(
        f"{config_path}: bodyparts {added} are not in {source} (added to the project after it was made?); "
        "the config's skeleton edges between the bodyparts the file has are kept.",
        PoseconvWarning,
        stacklevel=2,
    )
    return True


def project_skeletons(
    animal_parts: list[str],
    unique_parts: list[str],
    config: dict[str, Any] | None,
    config_path: Path | None,
    *,
    source: str,
    described: str,
    advice: str,
) -> list[Skeleton]:
    """Return the skeletons of a table: the animals' and, in multi-animal projects, the unique bodyparts'.

    Predictions and labels of one project get the same skeletons (same names, nodes and edges), so
    that their NWB files share them.

    Parameters
    ----------
    animal_parts, unique_parts : list of str
        The table's animal and unique bodyparts; a skeleton is made for each list that is not empty.
    config : dict or None
        The project config, whose ``skeleton`` gives the edges (none without a config).
    config_path : pathlib.Path or None
        Its file, for messages.
    source, described, advice : str
        For messages, as in :func:`project_edges`.

    Raises
    ------
    InvalidSourceFileError
        When the config's bodyparts are not the table's.
    """
    animal_edges: list[tuple[int, int]] = []
    unique_edges: list[tuple[int, int]] = []
    if config is not None and config_path is not None:
        animal_edges, unique_edges = project_edges(
            config, config_path, animal_parts, unique_parts, source=source, described=described, advice=advice
        )
    skeletons = []
    if animal_parts:
        skeletons.append(Skeleton(name=ANIMAL_SKELETON_NAME, nodes=tuple(animal_parts), edges=tuple(animal_edges)))
    if unique_parts:
        skeletons.append(Skeleton(name=UNIQUE_SKELETON_NAME, nodes=tuple(unique_parts), edges=tuple(unique_edges)))
    return skeletons


def predictions_skeletons(
    config: dict[str, Any] | None, config_path: Path | None, bodyparts: tuple[list[str], list[str]], path: Path
) -> tuple[list[Skeleton], str]:
    """Return the skeletons of a predictions table (:func:`project_skeletons`) and what descriptions say of its config.

    Parameters
    ----------
    config, config_path
        The project config and its file (None when not found).
    bodyparts : (list of str, list of str)
        The table's animal and unique bodyparts.
    path : pathlib.Path
        The predictions file, for messages.

    Returns
    -------
    (list of Skeleton, str)
        The skeletons, and the sentences naming the project's task and experimenter (:func:`project_sentence`)
        and the config's edges no skeleton holds (:func:`cross_edges_sentence`).
    """
    animal_parts, unique_parts = bodyparts
    skeletons = project_skeletons(
        animal_parts,
        unique_parts,
        config,
        config_path,
        source=path.name,
        described=f"the bodyparts in {path.name} {animal_parts}",
        advice="Pass the config.yaml of the project that produced these predictions "
        "(config_file_path=..., --config), or find_side_files=False to convert without a config.",
    )
    said = (project_sentence(config), cross_edges_sentence(config, animal_parts, unique_parts))
    return skeletons, " ".join(filter(None, said))


def find_video(
    key: str,
    config: dict[str, Any] | None,
    folders: list[Path],
    *,
    resolve_recorded: bool = False,
    beside: Sequence[Path] = (),
    source: str | None = None,
) -> VideoInfo:
    """Describe the video ``key`` (a file stem): its recorded path as text, a local file if one exists.

    Parameters
    ----------
    key : str
        The video's file name without suffix.
    config : dict, optional
        The project config; its ``video_sets`` paths (on the machine that made the project) are kept
        as ``original_path`` and used when the file exists here.
    folders : list of pathlib.Path
        Where to look for ``<key>.<video suffix>`` otherwise.
    resolve_recorded : bool, default: False
        Resolve a recorded path that exists (labels do, predictions keep it as written).
    beside : sequence of pathlib.Path, default: ()
        The folders of poses estimated on the video (predictions): a video ``<key>.<suffix>`` there is the
        one analysed, and wins over the ``video_sets`` paths of that name in other folders.
    source : str, optional
        The poses' file, for warnings.

    Returns
    -------
    VideoInfo
        Key (``"video"`` when empty), original path and the local file (None when not found).
    """
    entries = [recorded for recorded, _ in _video_sets(config, key)]
    if beside:
        # DeepLabCut writes predictions beside the video it analysed (unless destfolder=), and labs name every
        # session's video alike in its own folder (day1/cam.mp4, day2/cam.mp4) while video_sets records the
        # labeled ones only: an entry of that name in another folder is then another session's video.
        chosen = _beside_video(key, entries, beside, resolve_recorded, source)
        if chosen is not None:
            return chosen
    # Entries recorded on another machine (a Windows path, a colleague's disk) say nothing of the files here:
    # only two that exist here and are different files leave the video unknown.
    here = [recorded for recorded in entries if _existing(recorded, False) is not None]
    if beside and len(here) > 1 and not _one_file(here):
        _warn_several(key, here, source)
        return VideoInfo(key=key or "video")
    original = here[0] if here else entries[0] if entries else None
    found = _existing(original, resolve_recorded)
    # A raw .avi often sits beside an .mp4 made from it: the one the config records is the one analysed.
    recorded_suffix = Path(recorded_file_name(original)).suffix.lower() if original else ""
    others: tuple[Path, ...] = ()
    for folder in folders if found is None else []:
        candidates = _videos_in(folder, key, recorded_suffix)
        if candidates:
            found = candidates[0]
            others = tuple(candidates[1:]) if found.suffix.lower() != recorded_suffix else ()
            break
    return VideoInfo(key=key or "video", original_path=original, path=found, others=others)


def _beside_video(
    key: str, entries: list[str], beside: Sequence[Path], resolve_recorded: bool, source: str | None
) -> VideoInfo | None:
    """Return the video ``key`` beside the poses (:func:`find_video`'s ``beside``); None when there is none.

    Its ``original_path`` is the ``video_sets`` path that is this file, or the only one, recorded on another
    machine (nothing says it is another video); a ``video_sets`` video of that name here that is another file
    is warned of and not linked.
    """
    candidates = next((found for folder in beside if (found := _videos_in(folder, key, ""))), [])
    if not candidates:
        return None
    for recorded in entries:
        # The same file, or a copy of it (a project made with copy_videos=True, a folder copied with rsync -L).
        if any(_same_file(recorded, candidate) or same_content(recorded, candidate) for candidate in candidates):
            found = _existing(recorded, resolve_recorded)
            return VideoInfo(key=key or "video", original_path=recorded, path=found)
    elsewhere = [recorded for recorded in entries if _existing(recorded, False) is not None]
    original = entries[0] if len(entries) == 1 and not elsewhere else None
    recorded_suffix = Path(recorded_file_name(original)).suffix.lower() if original else ""
    candidates.sort(key=lambda candidate: candidate.suffix.lower() != recorded_suffix)
    found = candidates[0]
    if elsewhere:
        warnings.warn(
            f"{source or found.name}: linked {found}, the video of that name beside it (DeepLabCut writes "
            f"predictions beside the video it analysed), not {' or '.join(elsewhere)}, which the project's "
            "config.yaml video_sets records under the same name (another session's video?). If the poses were "
            "estimated on another video, give it with video_file_path= (--video).",
            PoseconvWarning,
            stacklevel=6,
        )
    others = tuple(candidates[1:]) if found.suffix.lower() != recorded_suffix else ()
    return VideoInfo(key=key or "video", original_path=original, path=found, others=others)


def _warn_several(key: str, entries: list[str], source: str | None) -> None:
    """Warn that ``video_sets`` records several videos named ``key`` and none is beside the poses ``source``."""
    warnings.warn(
        f"{source or key}: the project's config.yaml video_sets records several videos named {key!r} "
        f"({', '.join(entries)}) and none is beside the file; nothing says which one the poses were estimated "
        "on, so none is linked. Give it with video_file_path= (--video).",
        PoseconvWarning,
        stacklevel=6,
    )


def _existing(recorded: str | None, resolve: bool) -> Path | None:
    """Return the recorded video path when it is a file here (its link's target with ``resolve``); else None."""
    if recorded is None:
        return None
    try:
        if Path(recorded).is_file():
            return where_linked(recorded) if resolve else Path(recorded)
    except OSError:
        # A recorded path this system cannot even look at (too long, bad characters) is not here.
        pass
    return None


def _same_file(recorded: str, path: Path) -> bool:
    """Return True when the recorded path is the file ``path`` here (through links, relative paths)."""
    try:
        return os.path.samefile(recorded, path)
    except (OSError, ValueError):
        return False


def _one_file(entries: list[str]) -> bool:
    """Return True when the recorded paths are all one file here (a path and a link to it)."""
    first = _existing(entries[0], False)
    return first is not None and all(_same_file(recorded, first) for recorded in entries[1:])


def video_set_crop(config: dict[str, Any] | None, key: str) -> tuple[int, int, int, int] | None:
    """Return the ``crop`` of the video ``key`` in the config's ``video_sets``, as DeepLabCut orders it.

    DeepLabCut records every video with a crop, ``"x1, x2, y1, y2"`` (the whole frame unless the user chose
    a region); ``extract_frames(crop=True)`` saves the frames cut to it. None when the video or its crop
    is not recorded, or the crop is not four integers; None too, with a warning when one would cut the
    frames, when several videos of that name (in their own folders) record different crops.
    """
    entries = _video_sets(config, key)
    crops = {recorded: _crop(entry) for recorded, entry in entries}
    if len(set(crops.values())) > 1:
        cutting = {recorded: crop for recorded, crop in crops.items() if crop is not None and crop[0::2] != (0, 0)}
        if cutting:
            warnings.warn(
                f"The project's config.yaml video_sets records several videos named {key!r} with different "
                f"crops ({crops}); nothing says which one's frames are in labeled-data/{key}, so none is "
                "applied: the labels are taken in the whole frames' pixels.",
                PoseconvWarning,
                stacklevel=3,
            )
        return None
    return next(iter(crops.values()), None)


def _crop(entry: Any) -> tuple[int, int, int, int] | None:
    """Return the ``crop`` of one ``video_sets`` entry as four integers; None when it has none."""
    if not isinstance(entry, dict):
        return None
    crop = entry.get("crop")
    values = crop.split(",") if isinstance(crop, str) else crop
    try:
        x1, x2, y1, y2 = (int(str(value).strip()) for value in values)
    except (TypeError, ValueError):
        return None
    return x1, x2, y1, y2


def _video_sets(config: dict[str, Any] | None, key: str) -> list[tuple[str, Any]]:
    """Return the ``video_sets`` paths of the config whose file stem is ``key``, with their entries."""
    return [
        (str(recorded), entry)
        for recorded, entry in ((config or {}).get("video_sets") or {}).items()
        if Path(recorded_file_name(str(recorded))).stem == key
    ]


def _videos_in(folder: Path, key: str, preferred_suffix: str) -> list[Path]:
    """Return the videos named ``key`` in ``folder``, the one with ``preferred_suffix`` first."""
    suffixes = sorted(VIDEO_SUFFIXES, key=lambda suffix: suffix != preferred_suffix)
    found: list[Path] = []
    for suffix in suffixes:
        for candidate in (folder / f"{key}{suffix}", folder / f"{key}{suffix.upper()}"):
            if named_file(candidate):
                if (linked := where_linked(candidate)) not in found:
                    found.append(linked)
                break
    return found
