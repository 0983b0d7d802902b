"""Read DeepLabCut predictions (``.h5`` / ``.csv``) and their side files.

The table's layout is described in :mod:`.table`. Next to the table DeepLabCut may leave:

* ``<video><scorer>_meta.pickle`` (DLC >= 2.2; ``..._meta.json`` in newer
  releases) or ``<video><scorer>includingmetadata.pickle`` (DLC 2.0/2.1) with
  fps, frame size and frame count of the analysed video;
* the project ``config.yaml`` one folder up, with the skeleton, bodypart order,
  individuals and the videos of the project (paths on the training machine);
* the video itself, named ``<video>.<ext>``;
* ``<video><scorer>_full.pickle`` (multi-animal models) with every prediction before assembly, and the
  detector's boxes and identity scores no pose series holds: :mod:`.full_pickle` says what is not written.

Files named ``*_skeleton.h5/.csv`` are DeepLabCut's bone analysis (length and
orientation per bone), not keypoints, and are rejected. Metadata pickles are
loaded with :mod:`poseconv.readers.safety.safe_pickle`, never with ``pickle.load``.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import PoseData, PoseTrack, VideoInfo
from ...model.frame_tables import FrameTable
from ...model.frames import ColumnView
from ..safety.input_checks import UNREADABLE_FILE_ERRORS, check_input_file, is_hdf5, reads_source
from ..safety.safe_pickle import load_metadata_pickle
from ..side_files import given_or_found, side_folders
from .filtered import filtered_note
from .full_pickle import full_pickle_note
from .h5_detection import is_deeplabcut_h5
from .live import LIVE_SOFTWARE, live_video_stem, recorded_timing
from .live_flat import flat_bodyparts, open_live_flat
from .meta_values import recorded_frame_count, recorded_rate
from .model_info import (
    CONFIDENCE_DEFINITION,
    WRITER_NOTES,
    DeepLabCutModel,
    analysis_crop,
    confidence_definition,
    describe_model,
    frame_of_reference,
    frame_size_from_meta,
    is_model_zoo,
    is_tracked,
    untracked_detections,
    with_project_identity,
    written_confidence,
)
from .project import (
    VIDEO_SUFFIXES,
    find_config_file,
    find_video,
    ignore_project_config,
    load_project_config,
    predictions_skeletons,
    project_identity_note,
)
from .table import (
    ANIMAL_SKELETON_NAME,
    H5_SUFFIXES,
    SUFFIXES,
    UNIQUE_BODYPARTS_INDIVIDUAL,
    UNIQUE_SKELETON_NAME,
    animal_bodyparts,
    bodypart_coords,
    find_side_file,
    open_predictions,
    open_table,
    predictions_header,
    scorer_span,
)
from .time_lapse import in_image_order, time_lapse_video
from .tracked_length import TRACKED_ROWS, extend_to_recorded_length
from .unfilled_rows import drop_unfilled_rows
from .variants import (
    UNKNOWN_SOFTWARE,
    first_cells,
    keypoint_header_rows,
    positional_software,
    read_csv_rows,
)

__all__ = [
    "CONFIDENCE_DEFINITION",
    "find_metadata_file",
    "is_deeplabcut_file",
    "read_deeplabcut",
]


def is_deeplabcut_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` looks like DeepLabCut keypoint output; never raises.

    Checked: whether the header (CSV) or the pandas table attributes (HDF5) look like DLC.
    """
    path = Path(file_path)
    try:
        if path.suffix.lower() == ".csv":
            rows = read_csv_rows(path)
            cells = first_cells(rows)
            dlc_header = (
                len(cells) >= 3 and cells[0] == "scorer" and "bodyparts" in cells[1:3] and "coords" in cells[2:4]
            )
            # Lightning Pose writes the same header: the catalog's LightningPose format refines this one.
            # DeepLabCut-live's first analyze_live_video wrote a one-row header: frame, <bp>_x, <bp>_y, ...
            return dlc_header or keypoint_header_rows(rows) is not None or bool(flat_bodyparts(rows[0] if rows else []))
        if path.suffix.lower() in H5_SUFFIXES and is_hdf5(path):
            return is_deeplabcut_h5(path)
    except UNREADABLE_FILE_ERRORS:
        # A sniffer says yes or no: a file that cannot be read is not DeepLabCut's.
        return False
    return False


def _parse_columns(frame: Any, path: Path) -> tuple[str, dict[str, list[str]], tuple[str, ...]]:
    """Return scorer, bodyparts per individual (file order) and coords."""
    expected = "expected the same (x, y[, z][, likelihood]) for every bodypart."
    scorer, by_individual, coords = predictions_header(frame.columns, path, expected)
    bodyparts = {individual: list(parts) for individual, parts in by_individual.items()}
    accepted = (("x", "y", "likelihood"), ("x", "y"), ("x", "y", "z"), ("x", "y", "z", "likelihood"))
    # Columns sorted by name (df.sort_index(axis=1), which labs run to quiet pandas' lexsort warning) put
    # likelihood first; values are looked up by column name, so any order of the same columns reads alike.
    coords = next((order for order in accepted if sorted(order) == sorted(coords)), coords)
    if coords not in accepted:
        several = "x2" in coords
        raise InvalidSourceFileError(
            f"{path}: coordinate columns are {list(coords)}; expected x, y (and z) with an optional likelihood."
            + (
                " x2, y2, likelihood2 are DeepLabCut's second prediction per bodypart (num_outputs > 1 in "
                "pose_cfg.yaml); poseconv converts one prediction per bodypart: analyse the video again with "
                "num_outputs: 1."
                if several
                else ""
            )
        )
    return scorer, bodyparts, coords


def _lifted_order(path: Path, scorer: str, bodyparts: dict[str, list[str]]) -> dict[str, list[str]]:
    """Return the bodyparts of an FMPose3D ``_3d`` file in the order of its 2D file, when that is beside it.

    DeepLabCut 3.0.1's ``create_empty_df`` puts each bodypart in front of those before it, so the 3D file
    lists them reversed; in the 2D file's (the model's) order, the two files share one skeleton.
    """
    flat = path.with_name(path.stem.removesuffix("_3d") + path.suffix)
    if not scorer.lower().startswith("dlc_fmpose3d") or flat == path or not flat.is_file():
        return bodyparts
    try:
        table = open_table(flat)
        order = list(next(iter(bodypart_coords(table.columns).values()), {}))
        table.close()
    except (InvalidSourceFileError, *UNREADABLE_FILE_ERRORS):
        return bodyparts  # the 2D file only orders the nodes: unreadable, the 3D file's order stays
    return {who: order if set(order) == set(parts) else parts for who, parts in bodyparts.items()}


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
    return find_side_file(file_path, scorer, ("_meta.pickle", "_meta.json", "includingmetadata.pickle"))


def _load_meta(path: Path) -> dict[str, Any]:
    if path.suffix == ".json":
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, ValueError) as err:
            raise InvalidSourceFileError(f"{path}: cannot be read as JSON ({err}).") from err
    else:
        content = load_metadata_pickle(path)
    data = content.get("data", content)
    if not isinstance(data, dict):
        raise InvalidSourceFileError(f"{path}: expected a 'data' mapping in the DeepLabCut metadata.")
    return data


def _producer(frame: FrameTable, scorer: str, model: DeepLabCutModel | None) -> tuple[str, str | None, str | None]:
    """Return the software to record for a predictions table, what its description says of the model, and who wrote it.

    The writer is the program other than DeepLabCut that wrote the table in its layout, as definitions name it
    (None for DeepLabCut's own): its likelihood is not known to be DeepLabCut's, nor its 3D points triangulated.
    """
    if scorer in WRITER_NOTES:
        # movement's and sleap-io's writers name no estimating software: the file says only who wrote it.
        return scorer, WRITER_NOTES[scorer], scorer
    software = positional_software(scorer) if getattr(frame, "positional_levels", False) else "DeepLabCut"
    writer = None if software in ("DeepLabCut", LIVE_SOFTWARE) else software
    writer = "a program the file does not name" if software == UNKNOWN_SOFTWARE else writer
    return software, None if model is None else model.describe(), writer


def _confidence(model: DeepLabCutModel | None, tracked: bool, path: Path, writer: str | None) -> str:
    """Return what the likelihood of a predictions table is: DeepLabCut's model's, else the writer's values."""
    if writer is None:
        return confidence_definition(model, tracked, path)
    return written_confidence("likelihood values of the file", writer)


def _software_version(meta: dict[str, Any] | None, model: DeepLabCutModel | None) -> str | None:
    if meta:
        for key in ("DLC-version", "deeplabcut_version", "dlc_version", "version"):
            if isinstance(meta.get(key), str):
                return meta[key]
    # DeepLabCut 3.x records no version, but only its PyTorch engine writes these scorers and metadata.
    if model is not None and model.engine == "pytorch":
        return "3.x (PyTorch engine; exact version not recorded)"
    return None


@dataclass
class _SideFiles:
    """The project config and the analysis metadata of a predictions file, when found and readable."""

    config_path: Path | None = None
    config: dict[str, Any] | None = None
    meta_path: Path | None = None
    meta: dict[str, Any] | None = None


def _side_files(
    path: Path,
    scorer: str,
    config_file_path: str | Path | None,
    metadata_file_path: str | Path | None,
    find_side_files: bool,
) -> _SideFiles:
    found = _SideFiles()
    found.meta_path = given_or_found(metadata_file_path, find_side_files, find_metadata_file, path, scorer)
    if found.meta_path is not None:
        check_input_file(found.meta_path, suffixes={".pickle", ".json"}, what="DeepLabCut metadata")
        try:
            found.meta = _load_meta(found.meta_path)
        except InvalidSourceFileError as err:
            # A side file found next to the predictions is optional; one the user named is not.
            if metadata_file_path is not None:
                raise
            warnings.warn(
                f"{err} Converting {path.name} without it: the frame rate and video size it would give are not used.",
                PoseconvWarning,
                stacklevel=3,
            )
    # After the metadata: DeepLabCut 2.3's model zoo names its model there only, not in the scorer.
    found.config_path = given_or_found(config_file_path, find_side_files, find_config_file, path)
    if config_file_path is None and found.config_path is not None and is_model_zoo(scorer, found.meta):
        found.config_path = ignore_project_config(found.config_path, path, scorer)
    if found.config_path is not None:
        found.config = load_project_config(found.config_path)
    return found


def _video(
    path: Path, scorer: str, side: _SideFiles, find_side_files: bool, covered: int | None
) -> tuple[VideoInfo, float | None]:
    """Return the analysed video (with what the metadata says of it) and its frame rate, when recorded.

    ``covered``: the frames the rows of a file padded to its video's length (a tracked one) cover, against which
    the recorded frame count is checked; None for other files.
    """
    # movement's and sleap-io's writers name files as their users do: their name in a file's is no scorer.
    span = scorer_span(path.stem, scorer) if scorer not in WRITER_NOTES else None
    video_stem = path.stem[: span[0]] if span is not None and span[0] > 0 else path.stem
    if span is None:
        video_stem = live_video_stem(video_stem, scorer)
    # 3D outputs separate video and scorer with "_" ("vid1_DLC_3D"); 2D outputs do not.
    if not any(path.with_name(video_stem + suffix).is_file() for suffix in VIDEO_SUFFIXES):
        video_stem = video_stem.rstrip("_") or video_stem
    if find_side_files:
        # Predictions analysed into another folder (destfolder=) of a project moved from another machine:
        # its config records the video where it was; DeepLabCut keeps a copy in <project>/videos, as labels find it.
        # A video beside the predictions is the one analysed, whatever video_sets records under its name.
        project_videos = [side.config_path.parent / "videos"] if side.config_path is not None else []
        video = find_video(video_stem, side.config, project_videos, beside=side_folders(path), source=path.name)
    else:
        video = VideoInfo(key=video_stem or "video")
    meta = side.meta
    if not meta:
        return video, None
    fps = recorded_rate(meta.get("fps"), side.meta_path, path, found_video=video.path is not None)
    video = dataclasses.replace(
        video,
        n_frames=recorded_frame_count(meta.get("nframes"), side.meta_path, path, covered),
        frame_size=frame_size_from_meta(meta),
        fps=fps,
    )
    return video, fps


def _tracks(
    frame: FrameTable,
    scorer: str,
    coords: tuple[str, ...],
    individuals: tuple[list[str], list[str], list[str]],
    multi_animal: bool,
    video_key: str,
    definition: str,
) -> list[PoseTrack]:
    """One track per individual, whose values are lazy views of the table's columns, ``definition`` their scores'."""
    animals, animal_parts, unique_parts = individuals
    n_dims = 3 if "z" in coords else 2
    has_likelihood = "likelihood" in coords
    column_position = {column: i for i, column in enumerate(frame.columns)}

    def track(name: str, skeleton: str, individual: str | None, parts: list[str]) -> PoseTrack:
        # (frames, nodes, dims) and (frames, nodes) views, NaN where a frame has no row; nothing is
        # read until the values are used.
        keys = [(scorer, part) if individual is None else (scorer, individual, part) for part in parts]
        position_columns = np.array(
            [[column_position[(*key, axis)] for axis in ("x", "y", "z")[:n_dims]] for key in keys], dtype="intp"
        ).reshape(len(parts), n_dims)
        confidence = None
        if has_likelihood:
            likelihood = np.array([column_position[(*key, "likelihood")] for key in keys], dtype="intp")
            confidence = ColumnView(frame, likelihood)
        return PoseTrack(
            name=name,
            skeleton=skeleton,
            video=video_key,
            positions=ColumnView(frame, position_columns),
            confidence=confidence,
            confidence_definition=definition if has_likelihood else None,
        )

    tracks = [track(name, ANIMAL_SKELETON_NAME, name if multi_animal else None, animal_parts) for name in animals]
    if unique_parts:
        tracks.append(
            track(UNIQUE_BODYPARTS_INDIVIDUAL, UNIQUE_SKELETON_NAME, UNIQUE_BODYPARTS_INDIVIDUAL, unique_parts)
        )
    return tracks


def _notes(
    multi_animal: bool,
    n_rows: int,
    side: _SideFiles,
    video: VideoInfo,
    lapse: tuple[VideoInfo, dict] | None,
    tracked_rows: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the reader's notes: side files, rows, and the video's (a time lapse's images, where its size is).

    A tracked file's rows (``tracked_rows``) are kept for the conversion, which fits them to the video it probes,
    given or found (:func:`poseconv.video_span.fit_to_video`).
    """
    notes: dict[str, Any] = {
        "multi_animal": multi_animal,
        "config_file": str(side.config_path) if side.config_path else None,
        "metadata_file": str(side.meta_path) if side.meta_path else None,
        "n_rows": int(n_rows),
        # The session's description and experimenter, as neuroconv's DeepLabCutInterface takes them.
        "project_identity": project_identity_note(side.config),
    }
    if tracked_rows:
        notes[TRACKED_ROWS] = tracked_rows
    if lapse:
        notes.update(lapse[1])
    elif side.meta_path is not None and (video.frame_size or video.n_frames):
        # Said in the descriptions when no video is linked, whose ImageSeries would hold the size.
        notes["videos"] = {video.key: {"size_recorded_in": side.meta_path.name}}
    return notes


def _note_untracked(
    notes: dict[str, Any], path: Path, animals: list[str], model: DeepLabCutModel | None, tracked: bool
) -> None:
    """Note and warn when the animals are each frame's detections in turn, not tracks (:func:`untracked_detections`)."""
    untracked = untracked_detections(path, animals, model, tracked=tracked)
    if untracked is not None:
        # Not "untracked", SLEAP's reader's policy note. The note is about the animals, not the unique
        # bodyparts' track.
        notes["untracked_detections"] = untracked
        notes["untracked_tracks"] = list(animals)
        warnings.warn(f"{path.name}: {untracked}", PoseconvWarning, stacklevel=4)


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
    frame, frame_numbers = open_live_flat(path) or open_predictions(path, images_as_frames=True)
    frame = in_image_order(frame, path)
    scorer, bodyparts, coords = _parse_columns(frame, path)
    bodyparts = _lifted_order(path, scorer, bodyparts)
    side = _side_files(path, scorer, config_file_path, metadata_file_path, find_side_files)
    multi_animal = "individuals" in frame.columns.names
    individuals = animal_bodyparts(bodyparts, multi_animal, path)
    skeletons, edges_note = predictions_skeletons(side.config, side.config_path, individuals[1:], path)
    lapse = time_lapse_video(path, frame.index)
    tracked = is_tracked(path)
    padded = multi_animal and not lapse and tracked
    covered = frame.n_frames if padded else None
    video, fps = (lapse[0], None) if lapse else _video(path, scorer, side, find_side_files, covered)
    meta_name = side.meta_path.name if side.meta_path else None
    model = with_project_identity(describe_model(path, scorer, side.meta), side.config)
    software, model_note, writer = _producer(frame, scorer, model)
    if not (multi_animal or lapse or writer or video.path):  # a video found says where its frames end, probed
        frame_numbers = frame_numbers[: drop_unfilled_rows(frame, path, model, coords=coords, stacklevel=4)]
    tracked_rows = extend_to_recorded_length(frame, frame_numbers, path, video, meta_name, tracks=padded) or {}
    definition = _confidence(model, tracked, path, writer)
    tracks = _tracks(frame, scorer, coords, individuals, multi_animal, video.key, definition)
    timing = recorded_timing(getattr(frame, "clock_columns", None), path, video.key, fps, side.meta_path)
    notes = _notes(multi_animal, len(frame_numbers), side, video, lapse, tracked_rows)
    # Every container's description ends with the "model" note: that filterpredictions smoothed the poses, the
    # config's edges no skeleton holds, and what the _full.pickle beside the file holds that no pose series can.
    kept_aside = full_pickle_note(path, scorer, stacklevel=3) if find_side_files else None
    filtered = filtered_note(path, scorer) if writer is None else None
    model_note = " ".join(filter(None, (model_note, filtered, edges_note, tracked_rows.get("sentence"), kept_aside)))
    if model_note:
        notes["model"] = model_note
    _note_untracked(notes, path, individuals[0], model, tracked)
    crop = analysis_crop(side.meta, side.config, path) if writer is None else None
    unit, reference_frame = frame_of_reference(crop, 3 if "z" in coords else 2, notes, scorer, writer)
    return PoseData.from_tracks(
        source_software=software,
        source_file=path,
        skeletons=skeletons,
        videos=[video],
        tracks=tracks,
        timing=timing,
        source_software_version=_software_version(side.meta, model),
        scorer=scorer,
        unit=unit,
        reference_frame=reference_frame,
        notes=notes,
    )
