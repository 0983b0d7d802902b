r"""Read DeepLabCut labeled data (``labeled-data/<video>/CollectedData_<scorer>.h5`` / ``.csv``).

A DeepLabCut project keeps the human labels of each video in its own folder,
``labeled-data/<video>/``, next to the extracted frames (``img0123.png``): a
table whose columns are the same header as predictions without likelihood
(``scorer / [individuals /] bodyparts / coords`` with coords ``x, y``) and whose
rows are the labeled images. The scorer is the person who labeled. Real files
label their rows in three ways, all read here and all written back the same way
by :mod:`poseconv.exporters.deeplabcut_training`:

* one index column of paths with ``/`` (``labeled-data/video1/img0042.png``);
* the same with Windows ``\\`` separators (projects labeled on Windows);
* three index columns ``labeled-data, video1, img0042.png`` (DeepLabCut >= 2.2).

``.h5`` files hold the table in PyTables ``table`` or ``fixed`` format under any
key (``df_with_missing``; ``calib`` in DeepLabCut's own test data); ``.csv`` files
have 3 or 4 header rows and 1 or 3 index columns. The frame index comes from the
image name (``img0123.png`` is frame 123); images named otherwise keep no index.
The video is matched by stem to the project's ``config.yaml`` ``video_sets``,
whose paths (on the labeling machine) are kept as text; the video is linked only
when it exists here, at that path or in the project's ``videos/`` folder.

``machinelabels-iter<N>.h5`` files in the same folders are predictions written
during refinement, not human labels; they are refused with a pointer to the
CollectedData file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidSourceFileError
from ..model import Skeleton, VideoInfo
from ..model.training import LabeledFrame, LabeledInstance, LabelFile, TrainingData
from .deeplabcut import (
    UNIQUE_BODYPARTS_INDIVIDUAL,
    VIDEO_SUFFIXES,
    config_bodyparts,
    config_edges,
    exact_float_option,
    load_project_config,
    read_csv_rows,
)
from .deeplabcut_variants import csv_coords, has_labeled_rows
from .files import check_input_file, is_hdf5, reads_source
from .safe_pickle import open_pandas_store

__all__ = [
    "ANIMAL_SKELETON_NAME",
    "has_labeled_rows",
    "in_deeplabcut_project",
    "is_deeplabcut_labels_file",
    "UNIQUE_SKELETON_NAME",
    "find_collected_data_files",
    "find_project_folder",
    "frame_index_from_image",
    "read_deeplabcut_labels",
    "read_deeplabcut_labels_table",
]

SUFFIXES = {".h5", ".csv"}
#: Skeleton names shared with :func:`poseconv.readers.deeplabcut.read_deeplabcut`, so that the
#: labels and the predictions of one project link one NWB Skeleton.
ANIMAL_SKELETON_NAME = "Skeleton"
UNIQUE_SKELETON_NAME = "SkeletonUniqueBodyparts"
LABELED_DATA_FOLDER = "labeled-data"
_LEVELS = (("scorer", "bodyparts", "coords"), ("scorer", "individuals", "bodyparts", "coords"))
_HEADER_FIRST_CELLS = ("scorer", "individuals", "bodyparts", "coords")
# DeepLabCut names extracted frames img<index>.<ext>, zero-padded to the digits of the frame count.
_IMAGE_NAME = re.compile(r"img(?P<index>\d+)\.[A-Za-z0-9]+")
_REFERENCE_FRAME = (
    "(0, 0) is the top-left corner of the labeled image (the video frame DeepLabCut extracted); "
    "x increases to the right and y increases downward, in pixels."
)


def frame_index_from_image(image: str) -> int | None:
    r"""Return the video frame index a DeepLabCut image name encodes (``img0123.png`` -> 123), or None.

    Parameters
    ----------
    image : str
        An image path or name, with ``/`` or ``\\`` separators.

    Returns
    -------
    int or None
        The index, or None when the name is not ``img<digits>.<ext>``.
    """
    match = _IMAGE_NAME.fullmatch(re.split(r"[\\/]", image)[-1])
    return int(match["index"]) if match else None


def _split_row_label(label: str) -> list[str]:
    return [part for part in re.split(r"[\\/]", label) if part]


def _scored(path: Path) -> bool:
    """Whether a CSV's coords carry a likelihood: a model's predictions, not human labels."""
    try:
        return path.suffix.lower() == ".csv" and "likelihood" in csv_coords(read_csv_rows(path, n_rows=4))
    except (OSError, UnicodeError, IndexError):
        return False


def is_deeplabcut_labels_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a DeepLabCut labels table; never raises.

    DeepLabCut names every labels table ``CollectedData_<scorer>.h5`` / ``.csv`` (Lightning Pose,
    which reads the same layout, calls it ``CollectedData.csv``); a table in a project's
    ``labeled-data/<video>/`` folder with image-indexed rows counts too.
    """
    path = Path(file_path)
    if path.suffix.lower() not in SUFFIXES or path.name.startswith("machinelabels"):
        # machinelabels files are the refinement step's predictions; the predictions reader explains them.
        return False
    if path.name.startswith("CollectedData_"):
        return True
    if _scored(path):
        # A model's predictions on labeled frames; the predictions reader explains them.
        return False
    if in_deeplabcut_project(path):
        return has_labeled_rows(path)
    if path.name.startswith("CollectedData"):
        # Lightning Pose's name (CollectedData.csv); its reader claims it.
        return False
    # Renamed or moved out of its project, a table is labels by its row index (a CSV named so may
    # also be Lightning Pose's: then the user chooses).
    return has_labeled_rows(path)


def in_deeplabcut_project(file_path: str | Path) -> bool:
    """Return True when ``file_path`` sits in ``<project>/labeled-data/<video>/`` next to a ``config.yaml``."""
    path = Path(file_path).absolute()
    return (
        len(path.parents) > 2
        and path.parent.parent.name == "labeled-data"
        and (path.parents[2] / "config.yaml").is_file()
    )


def read_deeplabcut_labels_table(file_path: str | Path) -> tuple[Any, LabelFile]:
    """Read one CollectedData table with named column levels, and how it lays out its rows.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A ``CollectedData_<scorer>.h5`` or ``.csv``.

    Returns
    -------
    tuple of (pandas.DataFrame, LabelFile)
        The table exactly as pandas reads it, and its layout (``name`` is the file name).

    Raises
    ------
    InvalidSourceFileError
        When the file is not a DeepLabCut labels table (or holds predictions).
    """
    import pandas as pd

    path = check_input_file(file_path, suffixes=SUFFIXES, what="DeepLabCut CollectedData")
    if path.suffix.lower() == ".csv":
        rows = read_csv_rows(path, n_rows=5)
        first_cells = [row[0].strip() if row else "" for row in rows]
        n_header = 0
        for cell in first_cells:
            if cell not in _HEADER_FIRST_CELLS:
                break
            n_header += 1
        if n_header not in (3, 4) or first_cells[0] != "scorer" or first_cells[n_header - 1] != "coords":
            raise InvalidSourceFileError(
                f"{path}: not a DeepLabCut labels CSV. Expected 3 header rows (scorer, bodyparts, coords) or 4 "
                f"(scorer, individuals, bodyparts, coords), found first cells {first_cells[:4]}."
            )
        # Three index columns leave the header's next two cells empty ("scorer,,,Jane,...").
        n_index = 1
        while n_index < len(rows[0]) and rows[0][n_index].strip() == "":
            n_index += 1
        if n_index not in (1, 3):
            raise InvalidSourceFileError(
                f"{path}: {n_index} index columns; DeepLabCut labels have 1 (image path) or 3 "
                "(labeled-data, video, image)."
            )
        try:
            frame = pd.read_csv(
                path, header=list(range(n_header)), index_col=list(range(n_index)), **exact_float_option()
            )
        except Exception as err:
            raise InvalidSourceFileError(f"{path}: cannot be parsed as a DeepLabCut labels CSV ({err}).") from err
        frame.columns = frame.columns.set_names(list(first_cells[:n_header]))
    else:
        if not is_hdf5(path):
            raise InvalidSourceFileError(f"{path}: not an HDF5 file, so not a DeepLabCut CollectedData .h5.")
        try:
            with open_pandas_store(path) as store:
                keys = store.keys()
                if not keys:
                    raise InvalidSourceFileError(f"{path}: holds no pandas table; a CollectedData .h5 holds one.")
                key = "/df_with_missing" if "/df_with_missing" in keys else keys[0]
                frame = store[key]
        except InvalidSourceFileError:
            raise
        except Exception as err:
            raise InvalidSourceFileError(
                f"{path}: cannot be read as a DeepLabCut CollectedData table ({type(err).__name__}: {err})."
            ) from err
        if not isinstance(frame, pd.DataFrame):
            raise InvalidSourceFileError(f"{path}: the table is a {type(frame).__name__}, not a DataFrame.")
    names = tuple(frame.columns.names)
    if names not in _LEVELS:
        raise InvalidSourceFileError(
            f"{path}: column header levels are {list(names)}; DeepLabCut labels have {list(_LEVELS[0])} "
            f"or {list(_LEVELS[1])}."
        )
    coords = set(frame.columns.get_level_values("coords"))
    if "likelihood" in coords:
        raise InvalidSourceFileError(
            f"{path}: has likelihood columns, so it holds machine predictions (DeepLabCut's machinelabels or an "
            "analysis output), not human labels. Give the CollectedData_<scorer> file of the folder."
        )
    if not coords <= {"x", "y"}:
        raise InvalidSourceFileError(
            f"{path}: coordinate columns are {sorted(coords)}; DeepLabCut labels have x and y."
        )
    index = frame.index
    if isinstance(index, pd.MultiIndex):
        if index.nlevels != 3:
            raise InvalidSourceFileError(
                f"{path}: rows are labeled by {index.nlevels} index levels; DeepLabCut uses 1 (image path) or 3 "
                "(labeled-data, video, image)."
            )
        row_labels = "multiindex"
    else:
        if len(index) and not all(isinstance(value, str) for value in index):
            raise InvalidSourceFileError(
                f"{path}: rows are labeled by {index.dtype} values such as {index[0]!r}, not image paths; "
                "this is a predictions file (use read_deeplabcut), not labeled data."
            )
        row_labels = "column"
    dtypes = {str(dtype) for dtype in frame.dtypes}
    non_numeric = [d for d in dtypes if not (d.startswith("float") or d.startswith("int"))]
    if non_numeric:
        raise InvalidSourceFileError(
            f"{path}: label columns hold {non_numeric} values; DeepLabCut labels are numbers (NaN where unlabeled)."
        )
    layout = LabelFile(name=path.name, row_labels=row_labels, value_dtype=dtypes.pop() if len(dtypes) == 1 else None)
    return frame, layout


def find_project_folder(file_path: str | Path) -> Path | None:
    """Return the DeepLabCut project folder holding ``file_path`` (a predictions file, a label file, ...).

    The project is the nearest folder at or above ``file_path`` with a ``config.yaml`` and a
    ``labeled-data`` folder; None when there is none.

    Parameters
    ----------
    file_path : str or pathlib.Path
        Any file or folder inside a project.

    Returns
    -------
    pathlib.Path or None
        The project folder.
    """
    path = Path(file_path).resolve()
    for folder in (path, *path.parents)[:5]:
        if (folder / "config.yaml").is_file() and (folder / LABELED_DATA_FOLDER).is_dir():
            return folder
    return None


def _pick_label_file(folder: Path, scorer: str | None) -> Path | None:
    for suffix in (".h5", ".csv"):
        candidates = sorted(folder.glob(f"CollectedData_*{suffix}"))
        if not candidates:
            continue
        if len(candidates) == 1:
            return candidates[0]
        if scorer is not None:
            for candidate in candidates:
                if candidate.stem == f"CollectedData_{scorer}":
                    return candidate
        raise InvalidSourceFileError(
            f"{folder}: holds several label files {[c.name for c in candidates]} and none matches the project's "
            f"scorer {scorer!r}; give the one to convert."
        )
    return None


def find_collected_data_files(project_or_file: str | Path) -> tuple[list[Path], Path | None]:
    """Return the CollectedData files to read and the project folder (None when not inside one).

    Parameters
    ----------
    project_or_file : str or pathlib.Path
        A project folder, its ``labeled-data`` folder, one ``labeled-data/<video>`` folder, or one
        ``CollectedData_<scorer>.h5/.csv`` file.

    Returns
    -------
    tuple of (list of pathlib.Path, pathlib.Path or None)
        One file per video folder (``.h5`` preferred over its ``.csv`` copy), sorted by folder name.

    Raises
    ------
    InvalidSourceFileError
        When the path does not exist or holds no CollectedData file.
    """
    path = Path(project_or_file)
    if not path.exists():
        raise InvalidSourceFileError(f"{path}: not found. Give a DeepLabCut project folder or a CollectedData file.")
    if path.is_file():
        check_input_file(path, suffixes=SUFFIXES, what="DeepLabCut CollectedData")
        project = (
            path.resolve().parent.parent.parent if path.resolve().parent.parent.name == LABELED_DATA_FOLDER else None
        )
        return [path], project
    scorer = None
    if (path / LABELED_DATA_FOLDER).is_dir():
        project, folders = path, sorted(p for p in (path / LABELED_DATA_FOLDER).iterdir() if p.is_dir())
    elif path.name == LABELED_DATA_FOLDER:
        project, folders = path.parent, sorted(p for p in path.iterdir() if p.is_dir())
    else:
        project = path.resolve().parent.parent if path.resolve().parent.name == LABELED_DATA_FOLDER else None
        folders = [path]
    if project is not None and (project / "config.yaml").is_file():
        scorer = load_project_config(project / "config.yaml").get("scorer")
    files = [f for f in (_pick_label_file(folder, scorer) for folder in folders) if f is not None]
    if not files:
        raise InvalidSourceFileError(
            f"{path}: no labeled-data/<video>/CollectedData_<scorer>.h5 or .csv found. Label frames in "
            "DeepLabCut first, or give the CollectedData file."
        )
    return files, project


def _video_info(key: str, config: dict[str, Any] | None, project: Path | None) -> VideoInfo:
    """Describe the video a labeled-data folder came from: its recorded path as text, a local file if one exists."""
    original = None
    found = None
    for recorded in (config or {}).get("video_sets") or {}:
        name = re.split(r"[\\/]", str(recorded))[-1]
        if Path(name).stem == key:
            original = str(recorded)
            try:
                if Path(original).is_file():
                    found = Path(original).resolve()
            except OSError:
                found = None
            break
    if found is None and project is not None:
        for suffix in VIDEO_SUFFIXES:
            for candidate in (project / "videos" / f"{key}{suffix}", project / "videos" / f"{key}{suffix.upper()}"):
                if candidate.is_file():
                    found = candidate.resolve()
                    break
            if found is not None:
                break
    return VideoInfo(key=key, original_path=original, path=found)


@reads_source("DeepLabCut labels file")
def read_deeplabcut_labels(
    project_or_file: str | Path,
    *,
    config_file_path: str | Path | None = None,
    find_side_files: bool = True,
) -> TrainingData:
    """Read the human labels of a DeepLabCut project (or of one CollectedData file).

    Parameters
    ----------
    project_or_file : str or pathlib.Path
        A project folder (every ``labeled-data/<video>/CollectedData_<scorer>`` file), its
        ``labeled-data`` folder, one video's folder, or one CollectedData ``.h5``/``.csv``.
    config_file_path : str or pathlib.Path, optional
        The project ``config.yaml`` (skeleton edges, videos); found in the project folder
        when not given.
    find_side_files : bool, default: True
        Look for ``config.yaml`` and the videos in the project.

    Returns
    -------
    TrainingData
        One labeled frame per table row in file order, one instance per labeled animal
        (individuals with no labeled node in a frame are left out; the unique bodyparts of a
        multi-animal project are the individual ``"single"`` with their own skeleton).

    Raises
    ------
    InvalidSourceFileError
        When a file is malformed, the files disagree on bodyparts or individuals, or the
        config does not match them; the message names the file.
    """
    files, project = find_collected_data_files(project_or_file)
    config_path = Path(config_file_path) if config_file_path is not None else None
    if config_path is None and find_side_files and project is not None and (project / "config.yaml").is_file():
        config_path = project / "config.yaml"
    config = None
    if config_path is not None:
        check_input_file(config_path, suffixes={".yaml", ".yml"}, what="DeepLabCut config.yaml")
        config = load_project_config(config_path)

    animal_parts: list[str] | None = None
    unique_parts: list[str] = []
    individuals: list[str] = []
    multi_animal: bool | None = None
    first_file: Path | None = None
    tables = []
    for path in files:
        frame, layout = read_deeplabcut_labels_table(path)
        is_multi = "individuals" in frame.columns.names
        columns = frame.columns
        scorers = list(dict.fromkeys(columns.get_level_values("scorer")))
        if len(scorers) != 1:
            raise InvalidSourceFileError(f"{path}: expected one scorer in the header, found {scorers}.")
        if is_multi:
            file_individuals = [str(i) for i in dict.fromkeys(columns.get_level_values("individuals"))]
        else:
            file_individuals = []
        parts_by_individual: dict[str | None, list[str]] = {}
        for individual in file_individuals or [None]:
            sub = columns if individual is None else columns[columns.get_level_values("individuals") == individual]
            parts_by_individual[individual] = [str(p) for p in dict.fromkeys(sub.get_level_values("bodyparts"))]
            for part in parts_by_individual[individual]:
                part_coords = tuple(sub[sub.get_level_values("bodyparts") == part].get_level_values("coords"))
                if part_coords != ("x", "y"):
                    raise InvalidSourceFileError(
                        f"{path}: bodypart {part!r} has coordinate columns {list(part_coords)}; expected x, y."
                    )
        animals = [i for i in parts_by_individual if i != UNIQUE_BODYPARTS_INDIVIDUAL or not is_multi]
        file_animal_parts = parts_by_individual[animals[0]] if animals else []
        for individual in animals:
            if parts_by_individual[individual] != file_animal_parts:
                raise InvalidSourceFileError(
                    f"{path}: individual {individual!r} has bodyparts {parts_by_individual[individual]}, but "
                    f"{animals[0]!r} has {file_animal_parts}; all animals must share one bodypart list."
                )
        file_unique = parts_by_individual.get(UNIQUE_BODYPARTS_INDIVIDUAL, []) if is_multi else []
        if first_file is None:
            first_file, multi_animal = path, is_multi
            animal_parts, unique_parts = file_animal_parts, file_unique
        elif (is_multi, file_animal_parts, file_unique) != (multi_animal, animal_parts, unique_parts):
            raise InvalidSourceFileError(
                f"{path}: its bodyparts ({file_animal_parts}, unique {file_unique}) or header layout differ from "
                f"those of {first_file} ({animal_parts}, unique {unique_parts}); the label files of one project "
                "must agree."
            )
        for individual in file_individuals:
            if individual not in individuals:
                individuals.append(individual)
        tables.append((path, frame, layout, str(scorers[0])))

    if animal_parts is None:  # pragma: no cover - find_collected_data_files never returns no file
        raise InvalidSourceFileError(f"{project_or_file}: no DeepLabCut label file to read.")
    animal_edges: list[tuple[int, int]] = []
    unique_edges: list[tuple[int, int]] = []
    if config is not None:
        config_parts, config_unique = config_bodyparts(config)
        if config_parts and set(config_parts) != set(animal_parts):
            raise InvalidSourceFileError(
                f"{config_path}: bodyparts {config_parts} do not match the labeled bodyparts {animal_parts} in "
                f"{first_file}. Pass the config.yaml of this project (config_file_path=...)."
            )
        if unique_parts and config_unique and set(config_unique) != set(unique_parts):
            raise InvalidSourceFileError(
                f"{config_path}: uniquebodyparts {config_unique} do not match those in {first_file} {unique_parts}."
            )
        animal_edges = config_edges(config.get("skeleton"), animal_parts)
        unique_edges = config_edges(config.get("skeleton"), unique_parts)
    skeletons = []
    animals_present = bool(animal_parts)
    if animals_present:
        skeletons.append(Skeleton(name=ANIMAL_SKELETON_NAME, nodes=tuple(animal_parts), edges=tuple(animal_edges)))
    if unique_parts:
        skeletons.append(Skeleton(name=UNIQUE_SKELETON_NAME, nodes=tuple(unique_parts), edges=tuple(unique_edges)))

    videos: dict[str, VideoInfo] = {}
    frames: list[LabeledFrame] = []
    label_files: list[LabelFile] = []
    for path, table, layout, scorer in tables:
        file_key = path.name
        if project is not None:
            try:
                file_key = path.resolve().relative_to(project.resolve()).as_posix()
            except ValueError:
                file_key = path.name
        label_files.append(LabelFile(name=file_key, row_labels=layout.row_labels, value_dtype=layout.value_dtype))
        frames.extend(
            frames_of_table(
                path,
                table,
                layout,
                scorer=scorer,
                label_file=file_key,
                animal_parts=animal_parts,
                unique_parts=unique_parts,
                videos=videos,
                config=config if find_side_files or config_file_path is not None else None,
                project=project if find_side_files else None,
            )
        )

    return TrainingData.from_frames(
        source_software="DeepLabCut",
        source_file=project if project is not None and Path(project_or_file).is_dir() else Path(project_or_file),
        skeletons=skeletons,
        videos=list(videos.values()),
        frames=frames,
        individuals=individuals,
        label_files=label_files,
        reference_frame=_REFERENCE_FRAME,
        notes={
            "multi_animal": bool(multi_animal),
            "config_file": str(config_path) if config_path else None,
            "project": str(project) if project else None,
        },
    )


def frames_of_table(
    path: Path,
    table: Any,
    layout: LabelFile,
    *,
    scorer: str,
    label_file: str,
    animal_parts: list[str],
    unique_parts: list[str],
    videos: dict[str, VideoInfo],
    config: dict[str, Any] | None,
    project: Path | None,
    unknown_video: str | None = None,
) -> list[LabeledFrame]:
    """One LabeledFrame per row of one CollectedData table.

    A row label without the ``labeled-data/<video>/`` prefix belongs to the video named by the
    file's folder (DeepLabCut keeps one label file per video folder), or, when ``unknown_video``
    is given, to that video key with no frame index (LightningPose keeps one file for all videos).
    """
    is_multi = "individuals" in table.columns.names
    position = {column: i for i, column in enumerate(table.columns)}
    values = table.to_numpy(dtype="float64")
    # (individual, skeleton, column indices of x and y per node); None is the single animal.
    slots: list[tuple[str | None, str, np.ndarray]] = []
    if is_multi:
        for individual in dict.fromkeys(table.columns.get_level_values("individuals")):
            unique = individual == UNIQUE_BODYPARTS_INDIVIDUAL
            parts = unique_parts if unique else animal_parts
            if not parts:
                continue
            skeleton = UNIQUE_SKELETON_NAME if unique else ANIMAL_SKELETON_NAME
            columns = np.array([[position[(scorer, individual, p, axis)] for axis in "xy"] for p in parts])
            slots.append((str(individual), skeleton, columns))
    else:
        columns = np.array([[position[(scorer, p, axis)] for axis in "xy"] for p in animal_parts])
        slots.append((None, ANIMAL_SKELETON_NAME, columns))

    frames = []
    for row, label in enumerate(table.index):
        image = "/".join(str(part) for part in label) if layout.row_labels == "multiindex" else str(label)
        parts = _split_row_label(image)
        frame_index = frame_index_from_image(image)
        if len(parts) >= 3 and parts[-3] == LABELED_DATA_FOLDER:
            video = parts[-2]
        elif unknown_video is not None:
            video, frame_index = unknown_video, None
        else:
            # A row label without the labeled-data/<video>/ prefix: the folder of the file is the video.
            video = path.resolve().parent.name
        if video not in videos:
            videos[video] = _video_info(video, config, project)
        instances = []
        for individual, skeleton, columns in slots:
            points = values[row][columns]
            labeled = ~np.isnan(points).any(axis=1)
            if not labeled.any():
                continue
            instances.append(LabeledInstance(skeleton=skeleton, points=points, visible=labeled, individual=individual))
        frames.append(
            LabeledFrame(
                video=video,
                frame_index=frame_index,
                instances=tuple(instances),
                image=image,
                annotator=scorer,
                label_file=label_file,
            )
        )
    return frames
