"""Read the human labels of a DeepLabCut project (``labeled-data/<video>/CollectedData_<scorer>.h5`` / ``.csv``).

A DeepLabCut project keeps the human labels of each video in its own folder,
``labeled-data/<video>/``, next to the extracted frames (``img0123.png``); one table per folder,
read by :mod:`.labels_table`. This module finds those tables in a project (or takes one), checks
that they agree with each other and with the project's ``config.yaml``, and gathers them into one
:class:`~poseconv.model.training.TrainingData`. The video is matched by stem to the config's
``video_sets``, whose paths (on the labeling machine) are kept as text; the video is linked only
when it exists here, at that path or in the project's ``videos/`` folder. A folder of photos that
is no video's is an image sequence of its labeled images, linked when they are here.

``machinelabels-iter<N>.h5`` files in the same folders are predictions written during
refinement, not human labels; they are refused with a pointer to the CollectedData file. Any other
table given as labels (a ``CollectedData_<scorer>`` file, or a file the user chose to read as labels)
whose likelihood columns hold values is read as labels without them, with a warning, as DeepLabCut
reads it: napari-deeplabcut 0.3.0.0 saved the likelihood of the refined machine labels into
CollectedData (DeepLabCut issue #3319).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import Skeleton, VideoInfo
from ...model.location import require_content, where_linked
from ...model.training import LabeledFrame, LabelFile, TrainingData
from ...video import image_size
from ..safety.input_checks import check_input_file, reads_source
from ..side_files import existing_file, given_or_found
from .csv_header import csv_has_scores, lost_image_column
from .labels_table import LABELED_DATA_FOLDER, frame_index_from_image, frames_of_table, read_deeplabcut_labels_table
from .model_info import WRITER_NOTES
from .project import load_project_config, project_identity_note, project_skeletons, video_set_crop
from .table import (
    ANIMAL_SKELETON_NAME,
    SUFFIXES,
    UNIQUE_SKELETON_NAME,
    animal_bodyparts,
    bodypart_coords,
    single_scorer,
)
from .variants import first_cells, h5_coords, has_labeled_rows, read_csv_rows

__all__ = [
    "ANIMAL_SKELETON_NAME",
    "UNIQUE_SKELETON_NAME",
    "find_collected_data_files",
    "find_project_folder",
    "frame_index_from_image",
    "has_labeled_rows",
    "in_deeplabcut_project",
    "is_deeplabcut_labels_file",
    "read_deeplabcut_labels",
    "read_deeplabcut_labels_table",
]

# The refinement step's predictions (machinelabels-iter<N>.h5), which DeepLabCut never reads as labels.
_MACHINE_LABELS = "machinelabels"
_REFERENCE_FRAME = (
    "(0, 0) is the top-left corner of the labeled image (the video frame DeepLabCut extracted); "
    "x increases to the right and y increases downward, in pixels."
)


def _csv_rows(path: Path) -> list[list[str]] | None:
    """Return a CSV's first rows (its header and a first data row), or None when it cannot be read."""
    try:
        return read_csv_rows(path, n_rows=4)
    except (OSError, UnicodeError):
        return None


def is_deeplabcut_labels_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a DeepLabCut labels table; never raises.

    DeepLabCut names every labels table ``CollectedData_<scorer>.h5`` / ``.csv`` (Lightning Pose,
    which reads the same layout, calls it ``CollectedData.csv``); a table in a project's
    ``labeled-data/<video>/`` folder with image-indexed rows counts too.
    """
    path = Path(file_path)
    if path.suffix.lower() not in SUFFIXES or path.name.startswith(_MACHINE_LABELS):
        # machinelabels files are the refinement step's predictions; the predictions reader explains them.
        return False
    rows = _csv_rows(path) if path.suffix.lower() == ".csv" else None
    header = first_cells(rows) if rows is not None else None
    if path.suffix.lower() == ".csv" and (header is None or header[:1] != ["scorer"]):
        # DeepLabCut always writes the scorer row; Lightning Pose's labels may go without it. Labels saved without
        # their image column are claimed, for their reader to say so (see csv_header.lost_image_column).
        return rows is not None and lost_image_column(path, rows)
    if path.name.startswith("CollectedData_"):
        return True
    multi_animal = header is not None and "individuals" in header
    if path.name.startswith("CollectedData") and not in_deeplabcut_project(path) and not multi_animal:
        # Lightning Pose's name (CollectedData.csv) for its single-animal labels: its reader claims it.
        return False
    # In a project, or renamed or moved out of it, a table is labels by its row index (a CSV named so may also
    # be Lightning Pose's: then the user chooses). Rows of images with a likelihood are a model's predictions
    # on them (machinelabels, evaluation results, time-lapse frames): the predictions reader explains those.
    # A likelihood among the coords: a model's predictions, not human labels, unless every likelihood
    # cell of a CSV is empty (labels other tools write in DeepLabCut's layout).
    if not has_labeled_rows(path):
        return False
    return "likelihood" not in h5_coords(path) if rows is None else not csv_has_scores(path, rows)


def in_deeplabcut_project(file_path: str | Path) -> bool:
    """Return True when ``file_path`` sits in ``<project>/labeled-data/<video>/`` next to a ``config.yaml``."""
    path = Path(file_path).absolute()
    return (
        len(path.parents) > 2
        and path.parent.parent.name == "labeled-data"
        and (path.parents[2] / "config.yaml").is_file()
    )


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
    # Above the file as named (a DataLad link in its project), then above the file it links to.
    for path in dict.fromkeys([where_linked(file_path), Path(file_path).resolve()]):
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
        chosen = next((c for c in candidates if scorer is not None and c.stem == f"CollectedData_{scorer}"), None)
        if chosen is not None:
            # DeepLabCut trains on the project scorer's labels only, and says so: so does poseconv.
            others = [c.name for c in candidates if c != chosen]
            warnings.warn(
                f"{folder}: the labels of {others} are not converted: the project's scorer is {scorer!r} "
                f"({chosen.name}), whose labels DeepLabCut trains on. To convert another labeler's, give its file as "
                "the labels (the input of --source dlc-labels, or labeled_data_path=..., --labeled-data).",
                PoseconvWarning,
                stacklevel=4,
            )
            return chosen
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
        ``CollectedData_<scorer>.h5/.csv`` file (its project is the one it is in, as
        :func:`find_project_folder` finds it: a file of ``training-datasets/`` has its project too).

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
    require_content(path)
    if not path.exists():
        raise InvalidSourceFileError(f"{path}: not found. Give a DeepLabCut project folder or a CollectedData file.")
    if path.is_file():
        check_input_file(path, suffixes=SUFFIXES, what="DeepLabCut CollectedData")
        linked = where_linked(path)
        if linked.parent.parent.name == LABELED_DATA_FOLDER:
            return [path], linked.parent.parent.parent
        # Elsewhere in a project: the training set DeepLabCut merges from every video's labels
        # (trainingsetmanipulation.py merge_annotateddatasets writes training-datasets/iteration-<N>/
        # UnaugmentedDataSet_<Task><date>/CollectedData_<scorer>.h5), whose rows name their videos.
        return [path], find_project_folder(path)
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


@dataclass
class _ProjectHeader:
    """What every label file of a project must agree on, taken from the first one."""

    first_file: Path | None = None
    multi_animal: bool = False
    animal_parts: list[str] = field(default_factory=list)
    unique_parts: list[str] = field(default_factory=list)
    individuals: list[str] = field(default_factory=list)


def _file_header(path: Path, frame: Any) -> tuple[str, bool, list[str], list[str], list[str]]:
    """Scorer, multi-animal, individuals, animal bodyparts and unique bodyparts of one labels table."""
    columns = frame.columns
    scorer = single_scorer(columns, path)
    multi = "individuals" in columns.names
    individuals = [str(i) for i in dict.fromkeys(columns.get_level_values("individuals"))] if multi else []
    by_individual = bodypart_coords(columns)
    for parts in by_individual.values():
        for part, part_coords in parts.items():
            if part_coords not in (("x", "y"), ("x", "y", "visible")):
                raise InvalidSourceFileError(
                    f"{path}: bodypart {part!r} has coordinate columns {list(part_coords)}; "
                    "expected x, y (and visible)."
                )
    bodyparts = {individual: list(parts) for individual, parts in by_individual.items()}
    _animals, animal_parts, unique_parts = animal_bodyparts(bodyparts, multi, path)
    return scorer, multi, individuals, animal_parts, unique_parts


def _read_tables(files: list[Path]) -> tuple[list[tuple[Path, Any, LabelFile, str]], _ProjectHeader]:
    """Read every label file, checking that they agree on bodyparts and header layout."""
    header = _ProjectHeader()
    tables = []
    for path in files:
        frame, layout = read_deeplabcut_labels_table(path, drop_scores=not path.name.startswith(_MACHINE_LABELS))
        scorer, multi, individuals, animal_parts, unique_parts = _file_header(path, frame)
        if header.first_file is None:
            header = _ProjectHeader(path, multi, animal_parts, unique_parts)
        elif multi != header.multi_animal:
            raise InvalidSourceFileError(
                f"{path}: is {'multi' if multi else 'single'}-animal labels and {header.first_file} is not; the label "
                "files of one project must have one header layout."
            )
        elif {*animal_parts} != {*header.animal_parts} or {*unique_parts} != {*header.unique_parts}:
            # Another order alone is no difference: the columns are found by name.
            _join_bodyparts(header, path, animal_parts, unique_parts)
        header.individuals.extend(i for i in individuals if i not in header.individuals)
        tables.append((path, frame, layout, scorer))
    return tables, header


def _join_bodyparts(header: _ProjectHeader, path: Path, animal_parts: list[str], unique_parts: list[str]) -> None:
    """Add the bodyparts of ``path`` to the project's, warning that each file lacks some (NaN there).

    A bodypart added to a project part-way is in the label files saved since and not in the older
    ones; DeepLabCut merges them (merge_annotateddatasets), the older frames unlabeled there.
    """
    new = [p for p in animal_parts if p not in header.animal_parts]
    new_unique = [p for p in unique_parts if p not in header.unique_parts]
    header.animal_parts += new
    header.unique_parts += new_unique
    warnings.warn(
        f"{path}: its bodyparts differ from those of {header.first_file} (a bodypart added to the project part-way?). "
        f"They are read together, {[*header.animal_parts, *header.unique_parts]}, each unlabeled in the files "
        "without it, as DeepLabCut merges them; an export gives every file all of them.",
        PoseconvWarning,
        stacklevel=5,
    )


def _writer(tables: list[tuple[Path, Any, LabelFile, str]]) -> str | None:
    """Return the library that wrote every table in DeepLabCut's layout (sleap-io's save_csv format="dlc").

    Such a table's scorer names only its writer, not the software the frames were labeled in.
    """
    writers = {scorer for *_, scorer in tables}
    return writers.pop() if len(writers) == 1 and writers <= set(WRITER_NOTES) else None


def _skeletons(header: _ProjectHeader, config: dict[str, Any] | None, config_path: Path | None) -> list[Skeleton]:
    """Return the skeletons of the labeled bodyparts, with the project config's edges."""
    return project_skeletons(
        header.animal_parts,
        header.unique_parts,
        config,
        config_path,
        source=str(header.first_file),
        described=f"the labeled bodyparts {header.animal_parts} in {header.first_file}",
        advice="Pass the config.yaml of this project (config_file_path=..., --config).",
    )


def _label_file_key(path: Path, project: Path | None) -> str:
    """Return the label file's name in the NWB file: its path in the project, or its name outside one."""
    if project is not None:
        try:
            return where_linked(path).relative_to(project.resolve()).as_posix()
        except ValueError:
            return path.name
    return path.name


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
    project_config = project / "config.yaml" if project is not None else None
    config_path = given_or_found(config_file_path, find_side_files, existing_file, project_config)
    config = load_project_config(config_path) if config_path is not None else None

    tables, header = _read_tables(files)
    if header.first_file is None:  # pragma: no cover - find_collected_data_files never returns no file
        raise InvalidSourceFileError(f"{project_or_file}: no DeepLabCut label file to read.")
    # An id is a position in the project's list (config.yaml's, then single), not in the first file's columns.
    project_list = (config or {}).get("individuals")
    listed = [str(i) for i in project_list if str(i) in header.individuals] if isinstance(project_list, list) else []
    listed = list(dict.fromkeys(listed))
    header.individuals = [*listed, *(i for i in header.individuals if i not in listed)]
    skeletons = _skeletons(header, config, config_path)
    videos: dict[str, VideoInfo] = {}
    frames, label_files, crops = _frames_of_tables(tables, header, videos, config, project, find_side_files)
    writer = _writer(tables)
    return TrainingData.from_frames(
        source_software=writer or "DeepLabCut",
        source_file=project if project is not None and Path(project_or_file).is_dir() else Path(project_or_file),
        skeletons=skeletons,
        videos=list(videos.values()),
        frames=frames,
        individuals=header.individuals,
        label_files=label_files,
        reference_frame=_REFERENCE_FRAME,
        notes={
            "multi_animal": header.multi_animal,
            "config_file": str(config_path) if config_path else None,
            "project": str(project) if project else None,
            "project_identity": project_identity_note(config),
            "written_by": writer,
            "videos": {video: {"crop": crop} for video, crop in crops.items() if crop},
        },
    )


def _frames_of_tables(
    tables: list[tuple[Path, Any, LabelFile, str]],
    header: _ProjectHeader,
    videos: dict[str, VideoInfo],
    config: dict[str, Any] | None,
    project: Path | None,
    find_side_files: bool,
) -> tuple[list[LabeledFrame], list[LabelFile], dict[str, list[int] | None]]:
    """Return the frames of every table, the label files, and the crop of each video (:func:`_extraction_crops`)."""
    frames: list[LabeledFrame] = []
    label_files: list[LabelFile] = []
    crops: dict[str, list[int] | None] = {}
    for path, table, layout, scorer in tables:
        file_key = _label_file_key(path, project)
        bodyparts = table.columns.get_level_values("bodyparts").dtype  # numbers in the .h5 (YAML's [1, 2, 3])
        label_files.append(
            replace(layout, name=file_key, bodyparts_dtype=str(bodyparts) if bodyparts.kind in "iu" else None)
        )
        table_frames = frames_of_table(
            path,
            table,
            layout,
            scorer=scorer,
            label_file=file_key,
            animal_parts=header.animal_parts,
            unique_parts=header.unique_parts,
            videos=videos,
            config=config,
            project=project if find_side_files else None,
        )
        table_frames = _image_folder_frames(path, table_frames, videos, project, find_side_files)
        frames.extend(table_frames)
        _extraction_crops(path, table_frames, config, project, crops)
    return frames, label_files, crops


def _image_places(path: Path, image: str, project: Path | None) -> list[Path]:
    """Where the labeled ``image`` (as a row names it) may be: in the project, else beside the label file."""
    parts = re.split(r"[\\/]", image)
    return ([project.joinpath(*parts)] if project is not None else []) + [where_linked(path).parent / parts[-1]]


def _image_folder_frames(
    path: Path, frames: list[LabeledFrame], videos: dict[str, VideoInfo], project: Path | None, find_side_files: bool
) -> list[LabeledFrame]:
    """Return ``frames`` with the images of a folder of photos as the frames ``0 .. n-1`` of an image sequence.

    A ``labeled-data/<name>/`` folder of images never extracted from a video (no ``video_sets`` entry, no
    video of that name, images not named ``img<index>``) labels no video frame. sleap-io's ``load_dlc``
    (io/dlc.py, ``_load_dlc_csv``) makes such a folder an image video of its labeled images; so does
    poseconv, in the order of the table's rows, when every image is here: the images are linked (as
    SLEAP's image sequences are) and the labels export to SLEAP. Without the images, no frame index is
    made up. Each frame keeps its image, which the DeepLabCut export writes back.
    """
    if not find_side_files:
        return frames
    by_video: dict[str, list[LabeledFrame]] = {}
    for frame in frames:
        by_video.setdefault(frame.video, []).append(frame)
    numbered: dict[str, dict[str, int]] = {}
    for key, video_frames in by_video.items():
        info = videos[key]
        if info.original_path is not None or info.local_files is not None:
            continue
        if any(frame.frame_index is not None or frame.image is None for frame in video_frames):
            continue
        images = list(dict.fromkeys(frame.image for frame in video_frames if frame.image is not None))
        here = [next((p for p in _image_places(path, image, project) if p.is_file()), None) for image in images]
        found = tuple(place for place in here if place is not None)
        if len(found) == len(images):
            videos[key] = replace(info, n_frames=len(images), image_files=found)
            numbered[key] = {image: index for index, image in enumerate(images)}
    if not numbered:
        return frames
    return [
        replace(frame, frame_index=numbered[frame.video][frame.image])
        if frame.video in numbered and frame.image is not None
        else frame
        for frame in frames
    ]


def _extraction_crops(
    path: Path, frames: list[LabeledFrame], config: dict[str, Any] | None, project: Path | None, crops: dict
) -> None:
    """Add to ``crops`` the region ``[x1, y1, x2, y2]`` of each video whose frames were cropped on extraction.

    ``extract_frames(crop=True)`` saves each frame cut to the config's ``crop``, and the labels are in those
    images' pixels, while the training frames link the whole video. Nothing records that the crop was
    applied but the images' size: a video is taken as cropped when its crop is not at (0, 0) and one of its
    images (in the project, or beside the label file) has the crop's size. A video checked is ``None``
    in ``crops`` when its frames are whole.
    """
    for frame in frames:
        crop = video_set_crop(config, frame.video) if frame.video not in crops and frame.image else None
        if crop is None or crop[0] == crop[2] == 0:
            crops.setdefault(frame.video, None)
            continue
        places = _image_places(path, frame.image or "", project)
        size = next((size for place in places if (size := image_size(place)) is not None), None)
        if size is not None:
            # The next image of the video is tried when this one is not here.
            x1, x2, y1, y2 = crop
            crops[frame.video] = [x1, y1, x2, y2] if size == (y2 - y1, x2 - x1) else None
