"""Read DeepLabCut predictions (``.h5`` / ``.csv``) and their side files.

DeepLabCut writes one table per analysed video: columns are a header of three
levels (``scorer / bodyparts / coords``) for single-animal projects and four
(``scorer / individuals / bodyparts / coords``) for multi-animal ones, where
the pseudo-individual ``single`` holds the unique bodyparts (arena corners and
the like). ``coords`` is ``x, y, likelihood`` for 2D predictions and
``x, y, z`` (no likelihood) for triangulated 3D output. Rows are frames.

Next to the table DeepLabCut may leave:

* ``<video><scorer>_meta.pickle`` (DLC >= 2.2; ``..._meta.json`` in newer
  releases) or ``<video><scorer>includingmetadata.pickle`` (DLC 2.0/2.1) with
  fps, frame size and frame count of the analysed video;
* the project ``config.yaml`` one folder up, with the skeleton, bodypart order,
  individuals and the videos of the project (paths on the training machine);
* the video itself, named ``<video>.<ext>``.

Files named ``*_skeleton.h5/.csv`` are DeepLabCut's bone analysis (length and
orientation per bone), not keypoints, and are rejected. Metadata pickles are
loaded with :mod:`poseconv.readers.safe_pickle`, never with ``pickle.load``.
"""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidSourceFileError, PoseconvWarning
from ..model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from ..model.frames import ArrayTable, ColumnView, FrameTable
from .deeplabcut_model import describe_model, frame_size_from_meta
from .deeplabcut_variants import (
    csv_coords,
    first_row_label,
    h5_keypoint_columns,
    has_labeled_rows,
    keypoint_header_rows,
    labeled_rows_error,
    normalise_columns,
    positional_software,
)
from .files import check_frame_count, check_input_file, is_hdf5, reads_source
from .safe_pickle import load_metadata_pickle, open_pandas_store
from .tables import CsvTable, NotNumericError, open_h5_table

__all__ = [
    "UNIQUE_BODYPARTS_INDIVIDUAL",
    "find_config_file",
    "find_metadata_file",
    "is_deeplabcut_file",
    "read_deeplabcut",
    "read_csv_rows",
    "read_deeplabcut_table",
]

SUFFIXES = {".h5", ".csv"}
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".mpg", ".mpeg", ".wmv", ".m4v")
# DeepLabCut's name for the pseudo-individual that carries unique bodyparts.
UNIQUE_BODYPARTS_INDIVIDUAL = "single"
CONFIDENCE_DEFINITION = (
    "DeepLabCut likelihood: the network's score-map confidence (0 to 1) that the body part "
    "is at the predicted location."
)
_SINGLE_ANIMAL_NAME = "individual"

# Older DLC CSVs carry no level names; a blank first cell must not be mistaken for DLC.
_HEADER_FIRST_CELLS = ("scorer", "individuals", "bodyparts", "coords")


def exact_float_option() -> dict[str, str]:
    # pandas 3 parses floats exactly by default and deprecates the option; pandas 2 needs it.
    import pandas as pd

    return {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def read_csv_rows(path: Path, n_rows: int = 4) -> list[list[str]]:
    """Return the first ``n_rows`` rows of a CSV file as lists of cells (undecodable bytes replaced)."""
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) == n_rows:
                break
    return rows


def is_deeplabcut_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` looks like DeepLabCut keypoint output; never raises.

    Checked: whether the header (CSV) or the pandas table attributes (HDF5) look like DLC.
    """
    path = Path(file_path)
    try:
        if path.suffix.lower() == ".csv":
            rows = read_csv_rows(path)
            first_cells = [row[0].strip() if row else "" for row in rows]
            dlc_header = (
                len(first_cells) >= 3
                and first_cells[0] == "scorer"
                and "bodyparts" in first_cells[1:3]
                and "coords" in first_cells[2:4]
            )
            # Lightning Pose writes the same header: the catalog's LightningPose format refines this one.
            return dlc_header or keypoint_header_rows(rows) is not None
        if path.suffix.lower() == ".h5" and is_hdf5(path):
            import h5py

            with h5py.File(path, "r") as handle:
                for key in handle:
                    group = handle[key]
                    if isinstance(group, h5py.Group) and "pandas_type" in group.attrs:
                        # Other tools' tables in DeepLabCut's layout may leave the levels unnamed.
                        return "bodyparts" in _h5_level_names(group) or h5_keypoint_columns(path)
    except Exception:
        return False
    return False


def _h5_level_names(group: Any) -> tuple[str, ...]:
    """Column level names of a pandas HDF5 table, read from its attributes without pandas."""
    names: list[str] = []
    for attr in ("non_index_axes", "axis0_level_names", "columns_level_names"):
        if attr in group.attrs:
            names.append(str(group.attrs[attr]))
    table = group.get("table")
    if table is not None:
        for attr in table.attrs:
            if attr.endswith("_kind") or "names" in attr:
                names.append(str(table.attrs[attr]))
    # Fixed-format frames keep level names on the axis0 datasets' attributes.
    for key in group:
        if key.startswith("axis0"):
            names.append(str(dict(group[key].attrs)))
    blob = " ".join(names)
    found = tuple(level for level in _HEADER_FIRST_CELLS if level in blob)
    if not found:
        # Level names are stored pickled in some pandas versions; fall back to a byte search.
        raw = b" ".join(bytes(str(v), "utf-8") for v in group.attrs.values())
        found = tuple(level for level in _HEADER_FIRST_CELLS if level.encode() in raw)
    return found


def read_deeplabcut_table(file_path: str | Path) -> Any:
    """Read a DeepLabCut table into a pandas DataFrame with named column levels.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A ``.h5`` or ``.csv`` DeepLabCut file.

    Returns
    -------
    pandas.DataFrame
        Columns ``(scorer, [individuals,] bodyparts, coords)``; rows are frames.

    Raises
    ------
    InvalidSourceFileError
        When the file cannot be parsed or its header is not DeepLabCut's.
    """
    import pandas as pd

    path = check_input_file(file_path, suffixes=SUFFIXES, what="DeepLabCut predictions")
    if path.suffix.lower() == ".csv":
        exact_floats = exact_float_option()
        n_header, first_cells = _csv_header_levels(path)
        try:
            frame = pd.read_csv(path, header=list(range(n_header)), index_col=0, **exact_floats)
        except Exception as err:
            raise InvalidSourceFileError(f"{path}: cannot be parsed as a DeepLabCut CSV ({err}).") from err
        frame.columns = frame.columns.set_names(list(first_cells[:n_header]))
        if first_cells[:n_header] != ["scorer"] and not _numeric_index(frame.index) and has_labeled_rows(path):
            scored = "likelihood" in set(frame.columns.get_level_values(-1))
            raise labeled_rows_error(path, frame.index[0], scored=scored)
    else:
        if not is_hdf5(path):
            raise InvalidSourceFileError(f"{path}: not an HDF5 file, so not a DeepLabCut .h5 output.")
        try:
            with open_pandas_store(path) as store:
                keys = store.keys()
                if not keys:
                    raise InvalidSourceFileError(
                        f"{path}: holds no pandas table; DeepLabCut .h5 files hold one "
                        "(key 'df_with_missing' or 'tracks')."
                    )
                frame = store[keys[0]]
        except InvalidSourceFileError:
            raise
        except Exception as err:
            raise InvalidSourceFileError(
                f"{path}: cannot be read as a DeepLabCut .h5 table ({type(err).__name__}: {err}). "
                "If it is a SLEAP analysis file, use the SLEAP reader."
            ) from err
        if not isinstance(frame, pd.DataFrame):
            raise InvalidSourceFileError(f"{path}: the table is a {type(frame).__name__}, not a DataFrame.")
    frame.columns, frame.attrs["positional_levels"] = normalise_columns(frame.columns, path)
    return frame


def _numeric_index(index: Any) -> bool:
    return len(index) == 0 or index.dtype.kind in "iuf"


def _csv_header_levels(path: Path, what: str = "DeepLabCut") -> tuple[int, list[str]]:
    """Return the number of header rows of a DeepLabCut-style CSV (``what`` wrote it) and the first cell of each row."""
    rows = read_csv_rows(path, n_rows=5)
    first_cells = [row[0].strip() if row else "" for row in rows]
    n_header = 0
    for cell in first_cells:
        if cell in _HEADER_FIRST_CELLS:
            n_header += 1
        else:
            break
    if n_header not in (3, 4) or first_cells[0] != "scorer" or first_cells[n_header - 1] != "coords":
        # Other tools' tables in DeepLabCut's layout name the levels otherwise (or not at all).
        positional = keypoint_header_rows(rows)
        if positional is not None:
            return positional, [cell or f"level_{i}" for i, cell in enumerate(first_cells[:positional])]
        raise InvalidSourceFileError(
            f"{path}: not a {what} predictions CSV. Expected 3 header rows "
            "(scorer, bodyparts, coords) or 4 (scorer, individuals, bodyparts, coords), "
            f"found first cells {first_cells[:4]}."
        )
    return n_header, first_cells


def _check_levels(table: FrameTable, path: Path) -> None:
    # Names the levels as DeepLabCut does; remembers whether they were taken by position.
    table.columns, table.positional_levels = normalise_columns(table.columns, path)


def _not_numbers(path: Path, err: Exception, what: str = "DeepLabCut") -> InvalidSourceFileError:
    return InvalidSourceFileError(
        f"{path}: holds values that are not numbers ({err}); {what} writes only numbers or empty cells."
    )


def open_table(path: Path, what: str = "DeepLabCut") -> FrameTable:
    """Open the predictions as a :class:`~poseconv.model.frames.FrameTable` with ``columns`` and ``index``.

    Table-format ``.h5`` files are read in blocks straight from PyTables and CSVs through a
    temporary binary cache, so memory does not grow with the number of frames; other ``.h5``
    layouts (pandas' fixed format) are read whole by pandas. ``what`` names the tool in errors
    (LightningPose writes the same CSVs).
    """
    if path.suffix.lower() == ".csv":
        n_header, first_cells = _csv_header_levels(path, what)
        try:
            table = CsvTable(
                path=path,
                n_header=n_header,
                level_names=list(first_cells[:n_header]),
                read_csv_options=exact_float_option(),
            )
        except NotNumericError as err:
            if has_labeled_rows(path):
                rows = read_csv_rows(path, n_rows=n_header + 1)
                raise labeled_rows_error(
                    path, first_row_label(rows[-1]), scored="likelihood" in csv_coords(rows)
                ) from err
            raise _not_numbers(path, err, what) from err
        except Exception as err:
            raise InvalidSourceFileError(f"{path}: cannot be parsed as a {what} CSV ({err}).") from err
        _check_levels(table, path)
        return table
    if is_hdf5(path):
        table = _open_h5_lazily(path)
        if table is not None:
            _check_levels(table, path)
            return table
    # Anything unusual goes through pandas, which words the errors.
    frame = read_deeplabcut_table(path)
    try:
        values = frame.to_numpy(dtype="float64", copy=False)
    except (TypeError, ValueError) as err:
        raise _not_numbers(path, err) from err
    table = ArrayTable(values)
    table.columns = frame.columns
    table.index = frame.index
    table.positional_levels = bool(frame.attrs.get("positional_levels"))
    return table


def _open_h5_lazily(path: Path) -> FrameTable | None:
    """Return a block reader of a table-format DeepLabCut ``.h5``, or None to let pandas read it."""
    try:
        with open_pandas_store(path) as store:
            keys = store.keys()
        if not keys:
            return None
        table, _reason = open_h5_table(path, keys[0])
        if table is None:
            return None
        table.index = table.frame_index()
    except Exception:
        return None
    return table


def parse_frame_index(frame: Any, path: Path) -> np.ndarray:
    index = frame.index
    try:
        values = np.asarray(index, dtype="int64")
    except (TypeError, ValueError) as err:
        scored = "likelihood" in set(frame.columns.get_level_values("coords"))
        raise labeled_rows_error(path, index[0], scored=scored) from err
    if len(values) and (values.min() < 0 or np.any(np.diff(values) <= 0)):
        raise InvalidSourceFileError(f"{path}: frame numbers are negative, repeated or out of order.")
    return values


def _parse_columns(frame: Any, path: Path) -> tuple[str, dict[str, list[str]], tuple[str, ...]]:
    """Return scorer, bodyparts per individual (file order) and coords."""
    columns = frame.columns
    scorers = list(dict.fromkeys(columns.get_level_values("scorer")))
    if len(scorers) != 1:
        raise InvalidSourceFileError(f"{path}: expected one scorer in the header, found {scorers}.")
    if "individuals" in columns.names:
        individuals = list(dict.fromkeys(columns.get_level_values("individuals")))
    else:
        individuals = [None]
    bodyparts: dict[str, list[str]] = {}
    coords_seen: set[tuple[str, ...]] = set()
    for individual in individuals:
        sub = columns if individual is None else columns[columns.get_level_values("individuals") == individual]
        parts = list(dict.fromkeys(sub.get_level_values("bodyparts")))
        for part in parts:
            part_coords = tuple(sub[sub.get_level_values("bodyparts") == part].get_level_values("coords"))
            coords_seen.add(part_coords)
        bodyparts[_SINGLE_ANIMAL_NAME if individual is None else str(individual)] = [str(p) for p in parts]
    if len(coords_seen) != 1:
        raise InvalidSourceFileError(
            f"{path}: bodyparts have different coordinate columns {sorted(coords_seen)}; "
            "expected the same (x, y[, z][, likelihood]) for every bodypart."
        )
    coords = coords_seen.pop()
    if coords not in (("x", "y", "likelihood"), ("x", "y"), ("x", "y", "z"), ("x", "y", "z", "likelihood")):
        raise InvalidSourceFileError(
            f"{path}: coordinate columns are {list(coords)}; expected x, y (and z) with an optional likelihood."
        )
    return str(scorers[0]), bodyparts, coords


def find_metadata_file(file_path: str | Path, scorer: str) -> Path | None:
    """Find the ``_meta.pickle`` / ``_meta.json`` / ``includingmetadata.pickle`` of a predictions file.

    Parameters
    ----------
    file_path : str or pathlib.Path
        The predictions file.
    scorer : str
        Its scorer, which ends the common prefix of DeepLabCut's file names.

    Returns
    -------
    pathlib.Path or None
        The side file, when one exists.
    """
    path = Path(file_path)
    position = path.stem.find(scorer)
    if position < 0:
        return None
    prefix = path.stem[: position + len(scorer)]
    for name in (f"{prefix}_meta.pickle", f"{prefix}_meta.json", f"{prefix}includingmetadata.pickle"):
        candidate = path.with_name(name)
        if candidate.is_file():
            return candidate
    return None


def find_config_file(file_path: str | Path) -> Path | None:
    """Find the project ``config.yaml`` next to the predictions or one folder up (``project/videos/``)."""
    path = Path(file_path).resolve()
    for folder in (path.parent, path.parent.parent):
        candidate = folder / "config.yaml"
        if candidate.is_file():
            return candidate
    return None


def load_project_config(path: Path) -> dict[str, Any]:
    import yaml

    try:
        with path.open(encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
    except Exception as err:
        raise InvalidSourceFileError(f"{path}: cannot be read as a DeepLabCut config.yaml ({err}).") from err
    if not isinstance(config, dict):
        raise InvalidSourceFileError(
            f"{path}: a DeepLabCut config.yaml holds a mapping; found {type(config).__name__}."
        )
    return config


def _load_meta(path: Path) -> dict[str, Any]:
    if path.suffix == ".json":
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except Exception as err:
            raise InvalidSourceFileError(f"{path}: cannot be read as JSON ({err}).") from err
    else:
        content = load_metadata_pickle(path)
    data = content.get("data", content)
    if not isinstance(data, dict):
        raise InvalidSourceFileError(f"{path}: expected a 'data' mapping in the DeepLabCut metadata.")
    return data


def config_bodyparts(config: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Return (animal bodyparts, unique bodyparts) from a config, either project kind."""
    if config.get("multianimalproject"):
        return list(config.get("multianimalbodyparts") or []), list(config.get("uniquebodyparts") or [])
    parts = config.get("bodyparts") or []
    if isinstance(parts, str):
        parts = []
    return list(parts), []


def config_edges(pairs: Any, nodes: list[str]) -> list[tuple[int, int]]:
    index = {name: i for i, name in enumerate(nodes)}
    edges = []
    for pair in pairs or []:
        if isinstance(pair, (list, tuple)) and len(pair) == 2 and pair[0] in index and pair[1] in index:
            edges.append((index[pair[0]], index[pair[1]]))
    return edges


def find_video(path: Path, video_stem: str, config: dict[str, Any] | None) -> VideoInfo:
    original = None
    found = None
    if config:
        for recorded in config.get("video_sets") or {}:
            name = re.split(r"[\\/]", str(recorded))[-1]
            if Path(name).stem == video_stem:
                original = str(recorded)
                if Path(original).is_file():
                    found = Path(original)
                break
    if found is None:
        for suffix in VIDEO_SUFFIXES:
            for candidate in (
                path.with_name(video_stem + suffix),
                path.with_name(video_stem + suffix.upper()),
            ):
                if candidate.is_file():
                    found = candidate.resolve()
                    break
            if found is not None:
                break
    return VideoInfo(key=video_stem or "video", original_path=original, path=found)


def _software_version(meta: dict[str, Any] | None, model: Any) -> str | None:
    if meta:
        for key in ("DLC-version", "deeplabcut_version", "dlc_version", "version"):
            if isinstance(meta.get(key), str):
                return meta[key]
    # DeepLabCut 3.x records no version, but only its PyTorch engine writes these scorers and metadata.
    if model is not None and model.engine == "pytorch":
        return "3.x (PyTorch engine; exact version not recorded)"
    return None


@reads_source("DeepLabCut file")
def read_deeplabcut(
    file_path: str | Path,
    *,
    config_file_path: str | Path | None = None,
    metadata_file_path: str | Path | None = None,
    find_side_files: bool = True,
) -> PoseData:
    """Read DeepLabCut predictions into a :class:`~poseconv.model.PoseData`.

    Parameters
    ----------
    file_path : str or pathlib.Path
        ``.h5`` or ``.csv`` predictions (single- or multi-animal, 2D or 3D).
    config_file_path : str or pathlib.Path, optional
        The project ``config.yaml``; found next to the file or one folder up when not given.
    metadata_file_path : str or pathlib.Path, optional
        The ``_meta.pickle`` / ``_meta.json`` / ``includingmetadata.pickle``; found by name when not given.
    find_side_files : bool, default: True
        Look for the config, metadata and video next to the predictions.

    Returns
    -------
    PoseData
        One track per individual (the unique bodyparts of multi-animal projects as the
        track ``"single"`` with its own skeleton).

    Raises
    ------
    InvalidSourceFileError
        When the file or a side file is malformed, or the config disagrees with the file.
    """
    path = check_input_file(file_path, suffixes=SUFFIXES, what="DeepLabCut predictions")
    # Only the header and the frame numbers are read here; values are read in blocks when written.
    frame = open_table(path)
    frame_numbers = parse_frame_index(frame, path)
    scorer, bodyparts_by_individual, coords = _parse_columns(frame, path)
    n_dims = 3 if "z" in coords else 2
    has_likelihood = "likelihood" in coords

    config_path = Path(config_file_path) if config_file_path is not None else None
    if config_path is None and find_side_files:
        config_path = find_config_file(path)
    config = None
    if config_path is not None:
        check_input_file(config_path, suffixes={".yaml", ".yml"}, what="DeepLabCut config.yaml")
        config = load_project_config(config_path)

    meta_path = Path(metadata_file_path) if metadata_file_path is not None else None
    if meta_path is None and find_side_files:
        meta_path = find_metadata_file(path, scorer)
    meta = None
    if meta_path is not None:
        check_input_file(meta_path, suffixes={".pickle", ".json"}, what="DeepLabCut metadata")
        try:
            meta = _load_meta(meta_path)
        except InvalidSourceFileError as err:
            # A side file found next to the predictions is optional; one the user named is not.
            if metadata_file_path is not None:
                raise
            warnings.warn(
                f"{err} Converting {path.name} without it: the frame rate and video size it would give are not used.",
                PoseconvWarning,
                stacklevel=2,
            )

    is_multi_animal = "individuals" in frame.columns.names
    animal_names = [
        name for name in bodyparts_by_individual if name != UNIQUE_BODYPARTS_INDIVIDUAL or not is_multi_animal
    ]
    animal_parts = bodyparts_by_individual[animal_names[0]] if animal_names else []
    for name in animal_names:
        if bodyparts_by_individual[name] != animal_parts:
            raise InvalidSourceFileError(
                f"{path}: individual {name!r} has bodyparts {bodyparts_by_individual[name]}, "
                f"but {animal_names[0]!r} has {animal_parts}; all animals must share one bodypart list."
            )
    unique_parts = bodyparts_by_individual.get(UNIQUE_BODYPARTS_INDIVIDUAL, []) if is_multi_animal else []

    skeleton_edges: list[tuple[int, int]] = []
    unique_edges: list[tuple[int, int]] = []
    if config is not None and config_path is not None:
        config_parts, config_unique = config_bodyparts(config)
        if config_parts and set(config_parts) != set(animal_parts):
            raise InvalidSourceFileError(
                f"{config_path}: bodyparts {config_parts} do not match the bodyparts in {path.name} "
                f"{animal_parts}. Pass the config.yaml of the project that produced these predictions "
                "(config_file_path=...), or find_side_files=False to convert without a config."
            )
        if unique_parts and config_unique and set(config_unique) != set(unique_parts):
            raise InvalidSourceFileError(
                f"{config_path}: uniquebodyparts {config_unique} do not match those in {path.name} {unique_parts}."
            )
        skeleton_edges = config_edges(config.get("skeleton"), animal_parts)
        unique_edges = config_edges(config.get("skeleton"), unique_parts)

    position = path.stem.find(scorer)
    video_stem = path.stem[:position] if position > 0 else path.stem
    # 3D outputs separate video and scorer with "_" ("vid1_DLC_3D"); 2D outputs do not.
    if not any(path.with_name(video_stem + suffix).is_file() for suffix in VIDEO_SUFFIXES):
        video_stem = video_stem.rstrip("_") or video_stem
    video = find_video(path, video_stem, config) if find_side_files else VideoInfo(key=video_stem or "video")
    fps = None
    if meta:
        raw_fps = meta.get("fps")
        if isinstance(raw_fps, (int, float)) and np.isfinite(raw_fps) and raw_fps > 0:
            fps = float(raw_fps)
        frame_size = frame_size_from_meta(meta)
        n_frames_meta = meta.get("nframes")
        video = VideoInfo(
            key=video.key,
            original_path=video.original_path,
            path=video.path,
            n_frames=int(n_frames_meta) if isinstance(n_frames_meta, int) else None,
            frame_size=frame_size,
            fps=fps,
        )

    # Rows may skip frames (stubbed or filtered files); frame numbers index the full time base.
    n_frames = int(frame_numbers[-1]) + 1 if len(frame_numbers) else 0
    check_frame_count(path, n_frames, len(frame_numbers))
    if video.n_frames is not None and n_frames > video.n_frames:
        warnings.warn(
            f"{path}: predictions reach frame {n_frames - 1} but {meta_path.name if meta_path else 'the metadata'} "
            f"says the video has {video.n_frames} frames.",
            PoseconvWarning,
            stacklevel=2,
        )
    contiguous = len(frame_numbers) == n_frames
    frame.set_frames(None if contiguous else frame_numbers, n_frames)
    column_position = {column: i for i, column in enumerate(frame.columns)}

    def block(individual: str | None, parts: list[str]) -> tuple[ColumnView, ColumnView | None]:
        # Lazy views of the table's columns: (frames, nodes, dims) and (frames, nodes), NaN where a
        # frame has no row; nothing is read until the values are used.
        axes = ("x", "y", "z")[:n_dims]
        keys = [(scorer, part) if individual is None else (scorer, individual, part) for part in parts]
        position_columns = np.array(
            [[column_position[(*key, axis)] for axis in axes] for key in keys], dtype="intp"
        ).reshape(len(parts), n_dims)
        positions = ColumnView(frame, position_columns)
        confidence = None
        if has_likelihood:
            likelihood_columns = np.array([column_position[(*key, "likelihood")] for key in keys], dtype="intp")
            confidence = ColumnView(frame, likelihood_columns)
        return positions, confidence

    skeleton_name = "Skeleton"
    skeletons = (
        [Skeleton(name=skeleton_name, nodes=tuple(animal_parts), edges=tuple(skeleton_edges))] if animal_names else []
    )

    def track(name: str, skeleton: str, individual: str | None, parts: list[str]) -> PoseTrack:
        positions, confidence = block(individual, parts)
        return PoseTrack(
            name=name,
            skeleton=skeleton,
            video=video.key,
            positions=positions,
            confidence=confidence,
            confidence_definition=CONFIDENCE_DEFINITION if has_likelihood else None,
        )

    tracks = [track(name, skeleton_name, name if is_multi_animal else None, animal_parts) for name in animal_names]
    if unique_parts:
        unique_skeleton = "SkeletonUniqueBodyparts"
        skeletons.append(Skeleton(name=unique_skeleton, nodes=tuple(unique_parts), edges=tuple(unique_edges)))
        tracks.append(track(UNIQUE_BODYPARTS_INDIVIDUAL, unique_skeleton, UNIQUE_BODYPARTS_INDIVIDUAL, unique_parts))

    timing = {}
    if fps is not None:
        timing[video.key] = FrameTiming(rate=fps, source=f"fps recorded by DeepLabCut in {meta_path.name}")

    notes: dict[str, Any] = {
        "multi_animal": is_multi_animal,
        "config_file": str(config_path) if config_path else None,
        "metadata_file": str(meta_path) if meta_path else None,
        "n_rows": int(len(frame_numbers)),
    }
    model = describe_model(path, scorer, meta)
    if model is not None:
        notes["model"] = model.describe()
    reference_frame = (
        "(0, 0) is the top-left corner of the video frame; x increases to the right and y "
        "increases downward, in pixels."
    )
    unit = "pixels"
    if meta and meta.get("cropping"):
        crop = meta.get("cropping_parameters")
        notes["cropping_parameters"] = crop
        reference_frame = (
            "(0, 0) is the top-left corner of the analysed frame; DeepLabCut cropped the video "
            f"to [x1, x2, y1, y2] = {crop} before analysis. x increases to the right and y "
            "increases downward, in pixels."
        )
    if n_dims == 3:
        # nwbinspector accepts "n.a." for a length unit the files do not state.
        unit = "n.a."
        reference_frame = (
            "3D coordinates triangulated by DeepLabCut from calibrated cameras; the origin and axes "
            "are those of the first camera of the stereo calibration and the length unit is that of "
            "the calibration pattern (checkerboard squares unless the calibration says otherwise)."
        )
    return PoseData.from_tracks(
        source_software=positional_software(scorer) if getattr(frame, "positional_levels", False) else "DeepLabCut",
        source_file=path,
        skeletons=skeletons,
        videos=[video],
        tracks=tracks,
        timing=timing,
        source_software_version=_software_version(meta, model),
        scorer=scorer,
        unit=unit,
        reference_frame=reference_frame,
        notes=notes,
    )
