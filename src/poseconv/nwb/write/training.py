"""Write :class:`~poseconv.model.training.TrainingData` as ndx-pose ``PoseTraining``.

The NWB layout, in ``processing["behavior"]``:

* ``Skeletons``: the skeletons, shared with the ``PoseEstimation`` containers of the
  same file (an existing skeleton of the same name, nodes and edges is linked, not copied).
* ``PoseTraining`` (name from ``metadata["Pose"]["PoseTraining"]``):

  - ``source_videos`` (``SourceVideos``): a link to the external-mode ``ImageSeries`` in
    ``acquisition`` of each video that exists on this machine, with the path relative to
    the NWB file, the frame times read from the video container (or the frame rate the tool
    recorded) and its camera. An ``ImageSeries`` of the same name already in the file (the
    video the poses were estimated on), or of the same file (neuroconv's ``ExternalVideoInterface``
    under its own name), is linked, not added twice. The series are in
    ``acquisition`` because DANDI moves the external files it finds there with the NWB file;
    readers such as sleap-io look for the frames' videos in ``source_videos``.
    Videos that exist only as a path on the labeling machine get no ImageSeries (an
    external file that does not exist is an error for DANDI); their path is kept as
    text in the sources table.
  - ``training_frames`` (``TrainingFrames``): one ``TrainingFrame`` per labeled frame,
    named ``<video>_<image name>`` (DeepLabCut) or ``<video>_frame_<index>`` (SLEAP),
    with ``annotator``, and ``source_video`` + ``source_video_frame_index`` when the
    video has an ImageSeries. Its ``skeleton_instances`` hold one ``SkeletonInstance``
    per labeled animal: named after the individual / track (``instance_<k>`` when it
    has none), ``id`` the index of the individual in the file's list of individuals
    (absent when untracked), ``node_locations`` (NaN where not labeled),
    ``node_visibility`` and the linked skeleton.

* ``<PoseTraining name>Sources`` (a ``DynamicTable``): one row per training frame, in
  the order of the label files, saying where it came from: video, frame index (-1 when
  unknown), the image file as the tool recorded it, the label file, the labeling tool,
  the video path the tool recorded, and how a DeepLabCut label file laid out its rows
  and values, and (``instance_order``) the order of a frame's instances where it is not by id then name,
  as SLEAP keeps them; where some instance has a SLEAP ``Identity`` (sleap-io's re-identification),
  ``identity`` and ``identity_score`` (:data:`poseconv.nwb.layout.IDENTITY_COLUMNS`) give each instance's, in the label
  file's order. Its description is the training description, which says the crop of labels in a crop's pixels
  (the labels' own record of it: their video's ImageSeries may be the predictions'). ndx-pose has no place
  for these facts; they are what lets
  :func:`poseconv.nwb.read.training.read_training` give back exactly what was read, in order.
* ``SkeletonSymmetries``, when a skeleton has symmetries (SLEAP's mirror-image node pairs), as for
  poses (:mod:`.symmetries`).
* ``<PoseTraining name>Individuals`` (a ``DynamicTable``), when an individual's name is not
  an NWB name (``fly/1``): the individuals' names, row ``i`` for ``id`` ``i``
  (:mod:`.source_names`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import MetadataError
from ...metadata.defaults import skeleton_entry as default_skeleton_entry
from ...metadata.defaults import video_key
from ...metadata.names import nwb_name, skeleton_nwb_names, unique_name
from ...metadata.training import DEFAULT_POSE_TRAINING_NAME, labels_crop_of_description, labels_crop_sentence
from ...model.training import LabeledFrame, TrainingData
from ..layout import (
    HEADER_COLUMN,
    HEADER_DESCRIPTION,
    IDENTITY_COLUMNS,
    INSTANCE_ORDER_COLUMN,
    INSTANCE_ORDER_DESCRIPTION,
    SOURCES_TABLE_COLUMNS,
    VISIBILITY_FLAGS_COLUMN,
    VISIBILITY_FLAGS_DESCRIPTION,
    default_instance_order,
    individuals_table_name,
    sources_table_name,
)
from .pose_estimation import behavior_module, get_or_add_skeleton
from .source_names import individuals_table
from .training_videos import frames_past_their_video, video_timing
from .video import external_image_series, image_series_named, image_series_of_file, refuse_a_video_interface_s_video

__all__ = ["write_pose_training"]


def _index_dtype(value: int) -> Any:
    # ndx-pose declares uint8 but hdmf keeps a wider unsigned type; frame indices exceed 255.
    for dtype in (np.uint8, np.uint16, np.uint32):
        if value <= np.iinfo(dtype).max:
            return dtype(value)
    return np.uint64(value)


def _frame_name(frame: LabeledFrame, position: int) -> str:
    if frame.image:
        label = re.split(r"[\\/]", frame.image)[-1]
    elif frame.frame_index is not None:
        label = f"frame_{frame.frame_index}"
    else:
        label = f"image_{position}"
    return nwb_name(f"{frame.video}_{label}")


def _find_image_series(nwbfile: Any, behavior: Any, name: str, key: str | None) -> Any:
    """Return the ImageSeries named ``name`` already in the file (acquisition, behavior, a PoseTraining), or None.

    ``key`` is the video's ``ExternalVideos`` key (None for a default name no entry gives): an object of another
    type holding the name is the metadata error :func:`.video.image_series_named` gives every video.
    """
    # video.image_series_named's rule, the poses' and the training frames' alike: the exact type ImageSeries. A
    # subclass of it (a TwoPhotonSeries, an OpticalSeries) is another kind of images, not the video the labels
    # were placed on; isinstance linked it as their source video, and a poses' video of its name was refused.
    found = image_series_named(nwbfile, name, key)
    if found is not None:
        return found
    for container in behavior.data_interfaces.values():
        is_training = getattr(container, "neurodata_type", None) == "PoseTraining"
        videos = container.source_videos if is_training else None
        if videos is not None and name in videos.image_series:
            return videos.image_series[name]
    return None


def write_pose_training(
    nwbfile: Any,
    training: TrainingData,
    *,
    metadata: Mapping[str, Any],
    video_paths: Mapping[str, Path] | None = None,
    relative_to: str | Path | None = None,
    max_frames: int | None = None,
) -> Any:
    """Add ``training`` to ``nwbfile`` as a ``PoseTraining`` container (see the module docstring).

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        Target file (in memory).
    training : TrainingData
        The labels.
    metadata : mapping
        Metadata in the layout of :mod:`poseconv.metadata.models`; ``Pose.PoseTraining`` names the
        container, ``Pose.Skeletons`` the skeletons (by skeleton name), ``Behavior.ExternalVideos``
        the videos (by :func:`~poseconv.metadata.defaults.video_key`) and ``Devices`` their cameras.
    video_paths : mapping of str to pathlib.Path, optional
        Video file per video key, overriding the files the reader found.
    relative_to : str or pathlib.Path, optional
        Folder the NWB file will be written to, so video paths are stored relative to it.
    max_frames : int, optional
        Write only the first training frames (stub conversions).

    Returns
    -------
    ndx_pose.PoseTraining
        The container added.

    Raises
    ------
    MetadataError
        When the container name is taken, or skeleton metadata renames or reorders nodes.
    """
    from ndx_pose import PoseTraining, SourceVideos, TrainingFrames

    pose_metadata = metadata.get("Pose", {})
    entry = dict(pose_metadata.get("PoseTraining") or {})
    name = entry.get("name") or DEFAULT_POSE_TRAINING_NAME
    behavior = behavior_module(nwbfile)
    table_name = sources_table_name(name)
    individuals = individuals_table(individuals_table_name(name), training.individuals)
    _check_names_free(behavior, (name, table_name) + ((individuals.name,) if individuals is not None else ()))
    frames = training.frames if max_frames is None else training.frames[:max_frames]

    skeletons = _training_skeletons(nwbfile, behavior, training, frames, pose_metadata.get("Skeletons", {}))
    linked, counts = _source_videos(nwbfile, behavior, training, frames, metadata, video_paths, relative_to)
    past = frames_past_their_video(frames, counts)
    # Every video of the labels, one already in acquisition as a link: readers (sleap-io) look for them here.
    listed = list({id(series): series for series in linked.values()}.values())
    individual_ids = {name: i for i, name in enumerate(training.individuals)}
    taken_frames: set[str] = set()
    training_frames = []
    rows: dict[str, list[Any]] = {column: [] for column in SOURCES_TABLE_COLUMNS}
    for position, frame in enumerate(frames):
        frame_name = unique_name(_frame_name(frame, position), taken_frames)
        source_video = linked.get(frame.video) if frame.frame_index is not None and position not in past else None
        annotator = entry.get("annotator") or frame.annotator
        training_frame = _training_frame(
            frame, frame_name, skeletons, individual_ids, source_video=source_video, annotator=annotator
        )
        training_frames.append(training_frame)
        _add_source_row(rows, training, frame, training_frame)

    pose_training_kwargs: dict[str, Any] = {
        "name": name,
        "training_frames": TrainingFrames(name="training_frames", training_frames=training_frames),
    }
    if listed:
        pose_training_kwargs["source_videos"] = SourceVideos(name="source_videos", image_series=listed)
    pose_training = PoseTraining(**pose_training_kwargs)
    behavior.add(pose_training)
    behavior.add(_sources_table(table_name, _sources_description(name, entry.get("description"), training), rows))
    if individuals is not None:
        behavior.add(individuals)
    return pose_training


def _training_skeletons(
    nwbfile: Any, behavior: Any, training: TrainingData, frames: Sequence[LabeledFrame], entries: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the NWB ``Skeleton`` of every skeleton the labels use, shared with ``PoseEstimation`` containers."""
    # One animal (no identities, at most one per frame): its skeleton is the Subject's, as for the poses.
    single_animal = all(len(f.instances) <= 1 and all(i.individual is None for i in f.instances) for f in frames)
    skeletons: dict[str, Any] = {}
    default_names = skeleton_nwb_names(list(training.used_skeletons()))
    for skeleton_name in training.used_skeletons():
        model = training.skeletons[skeleton_name]
        skeleton_entry = entries.get(skeleton_name) or default_skeleton_entry(default_names[skeleton_name], model)
        # The skeleton's symmetries (SLEAP's mirror-image nodes) are the labels', not metadata.
        skeleton_entry = {**skeleton_entry, "symmetries": model.symmetries}
        if list(skeleton_entry["nodes"]) != list(model.nodes):
            raise MetadataError(
                f"metadata['Pose']['Skeletons']['{skeleton_name}'] lists nodes {list(skeleton_entry['nodes'])}, but "
                f"the labels in {training.source_name} have {list(model.nodes)}; nodes cannot be renamed or "
                "reordered in metadata."
            )
        skeletons[skeleton_name] = get_or_add_skeleton(
            nwbfile, behavior, skeleton_entry, single_animal, source_name=skeleton_name
        )
    return skeletons


def _source_videos(
    nwbfile: Any,
    behavior: Any,
    training: TrainingData,
    frames: Sequence[LabeledFrame],
    metadata: Mapping[str, Any],
    video_paths: Mapping[str, Path] | None,
    relative_to: str | Path | None,
) -> tuple[dict[str, Any], dict[str, int]]:
    """Return the ImageSeries of each video key: one of the same name or file in the file, else a new one.

    With them, the frame count of each video file added (read from the file, else the labels file's).
    """
    video_paths = dict(video_paths or {})
    external_videos = metadata.get("Behavior", {}).get("ExternalVideos", {})
    linked: dict[str, Any] = {}
    counts: dict[str, int] = {}
    new_series: list[Any] = []
    for key in dict.fromkeys(frame.video for frame in frames):
        video_entry = external_videos.get(video_key(key))
        series_name = video_entry["name"] if video_entry else nwb_name(f"Video {key}")
        existing = _find_image_series(nwbfile, behavior, series_name, video_key(key) if video_entry else None)
        if existing is None:
            existing = next((s for s in new_series if s.name == series_name), None)
        if existing is not None:
            linked[key] = existing
            continue
        info = training.videos[key]
        path = video_paths.get(key, info.local_files)
        files = [Path(path)] if isinstance(path, (str, Path)) else list(path or [])
        if video_entry is None or not files or not all(file.is_file() for file in files):
            continue
        video_path = files[0] if isinstance(path, (str, Path)) else tuple(files)
        # Another interface's video of this file under a name of its own (neuroconv's ExternalVideoInterface with
        # video_name= or a metadata_key of its own, the labels' entry deferring to it): linked, not written twice.
        existing = image_series_of_file(nwbfile, files, Path(relative_to) if relative_to else None)
        if existing is not None:
            linked[key] = existing
            continue
        refuse_a_video_interface_s_video(metadata, video_key(key), video_entry, video_path, "training frames")
        known = video_timing(info, video_path)
        if known is None:
            continue
        timing, n_frames, frame_size, note = known
        if note:
            video_entry = {**video_entry, "description": " ".join(filter(None, (video_entry.get("description"), note)))}
        series = external_image_series(
            nwbfile,
            metadata,
            video_entry,
            video_path=files,
            relative_to=Path(relative_to) if relative_to else None,
            timing_kwargs=timing,
            n_frames=n_frames,
            frame_size=frame_size,
        )
        # In acquisition, where DANDI (`dandi organize`) finds the external files it moves with the NWB
        # file; PoseTraining's source_videos links it, as it links a video the poses already added.
        nwbfile.add_acquisition(series)
        new_series.append(series)
        linked[key] = series
        if n_frames:
            counts[key] = int(n_frames)
    return linked, counts


def _training_frame(
    frame: LabeledFrame,
    name: str,
    skeletons: Mapping[str, Any],
    individual_ids: Mapping[str, int],
    *,
    source_video: Any,
    annotator: str | None,
) -> Any:
    """Return the ``TrainingFrame`` of one labeled frame, its instances named by individual."""
    from ndx_pose import SkeletonInstance, SkeletonInstances, TrainingFrame

    instances = []
    taken_instances: set[str] = set()
    n_untracked = 0
    for instance in frame.instances:
        kwargs: dict[str, Any] = {}
        if instance.individual is not None:
            instance_name = nwb_name(instance.individual)
            kwargs["id"] = _index_dtype(individual_ids[instance.individual])
        else:
            instance_name = f"instance_{n_untracked}"
            n_untracked += 1
        instances.append(
            SkeletonInstance(
                name=unique_name(instance_name, taken_instances),
                node_locations=instance.points,
                node_visibility=instance.visible,
                skeleton=skeletons[instance.skeleton],
                **kwargs,
            )
        )
    frame_kwargs: dict[str, Any] = {
        "name": name,
        "skeleton_instances": SkeletonInstances(name="skeleton_instances", skeleton_instances=instances),
    }
    if annotator:
        frame_kwargs["annotator"] = annotator
    if source_video is not None:
        frame_kwargs["source_video"] = source_video
        frame_kwargs["source_video_frame_index"] = _index_dtype(frame.frame_index)
    return TrainingFrame(**frame_kwargs)


def _add_source_row(
    rows: dict[str, list[Any]], training: TrainingData, frame: LabeledFrame, training_frame: Any
) -> None:
    """Append the sources-table row of one frame (its ``TrainingFrame``): where it came from, as the tool recorded it.

    Also what ndx-pose has no field for: the order of its instances and their SLEAP identities.
    """
    layout = training.label_files.get(frame.label_file) if frame.label_file else None
    info = training.videos[frame.video]
    rows["training_frame"].append(training_frame.name)
    rows["video"].append(frame.video)
    rows["frame_index"].append(-1 if frame.frame_index is None else frame.frame_index)
    rows["image"].append(frame.image or "")
    rows["label_file"].append(frame.label_file or "")
    rows["source_software"].append(training.source_software)
    rows["original_video"].append(info.original_path or "")
    rows["row_labels"].append((layout.row_labels if layout else None) or "")
    rows["value_dtype"].append((layout.value_dtype if layout else None) or "")
    rows.setdefault(HEADER_COLUMN, []).append(",".join(layout.header) if layout and layout.header else "")
    flags = [instance.visibility_flags for instance in frame.instances if instance.visibility_flags is not None]
    rows.setdefault(VISIBILITY_FLAGS_COLUMN, []).append(np.concatenate(flags) if flags else np.zeros(0, "int8"))
    rows.setdefault(INSTANCE_ORDER_COLUMN, []).append(_instance_order(training_frame))
    identity, score = IDENTITY_COLUMNS
    rows.setdefault(identity, []).append([i.identity or "" for i in frame.instances])
    rows.setdefault(score, []).append(
        [np.nan if i.identity_score is None else i.identity_score for i in frame.instances]
    )


def _sources_description(pose_training_name: str, given: str | None, training: TrainingData) -> str:
    """Return the sources table's description (``given``, else the default), saying the crop of labels in one's pixels.

    The labels' own record of their crop, which :func:`poseconv.nwb.read.training.read_training` reads: their
    video's ImageSeries may be the predictions' (described as theirs), and a description given in metadata may
    leave the default's crop sentences out.
    """
    description = given or (
        f"Where each training frame of '{pose_training_name}' came from: one row per TrainingFrame, in the order "
        "of the label files."
    )
    for video, facts in training.notes.get("videos", {}).items():
        if facts.get("crop") and labels_crop_of_description(description, video) != list(facts["crop"]):
            description += " " + labels_crop_sentence(training, video)
    return description


def _sources_table(name: str, description: str, rows: Mapping[str, list[Any]]) -> Any:
    """Return the table of where each training frame came from (plain hdmf: ndx-pose has no place for it)."""
    from hdmf.common import DynamicTable, VectorData

    columns = [
        VectorData(
            name=column,
            description=text,
            data=np.asarray(rows[column], dtype="int64") if column == "frame_index" else rows[column],
        )
        for column, text in SOURCES_TABLE_COLUMNS.items()
    ]
    if any(rows.get(HEADER_COLUMN, ())):
        # Only when a label file's header is not DeepLabCut's, which every other reader expects.
        columns.append(VectorData(name=HEADER_COLUMN, description=HEADER_DESCRIPTION, data=rows[HEADER_COLUMN]))
    # Ragged: the flags of every node of the frame's instances, none for frames without them.
    flags = rows.get(VISIBILITY_FLAGS_COLUMN, [])
    columns += _ragged_columns(VISIBILITY_FLAGS_COLUMN, VISIBILITY_FLAGS_DESCRIPTION, flags, dtype="int8")
    columns += _ragged_columns(INSTANCE_ORDER_COLUMN, INSTANCE_ORDER_DESCRIPTION, rows.get(INSTANCE_ORDER_COLUMN, []))
    columns += _identity_columns(rows)
    return DynamicTable(name=name, description=description, columns=columns)


def _identity_columns(rows: Mapping[str, list[Any]]) -> list[Any]:
    """Return the ragged identity columns (``layout.IDENTITY_COLUMNS``); none for labels without identities."""
    identity, score = IDENTITY_COLUMNS
    names, scores = rows.get(identity, []), rows.get(score, [])
    if not any(name for run in names for name in run) and all(np.isnan(value) for run in scores for value in run):
        return []
    return [
        *_ragged_columns(identity, IDENTITY_COLUMNS[identity], names),
        *_ragged_columns(
            score, IDENTITY_COLUMNS[score], [np.asarray(run, dtype="float64") for run in scores], "float64"
        ),
    ]


def _instance_order(training_frame: Any) -> list[str]:
    """Return the names of a frame's instances in the label file's order; empty when readers give that order."""
    instances = list(training_frame.skeleton_instances.skeleton_instances.values())
    names = [instance.name for instance in instances]
    default = default_instance_order([(instance.name, instance.id) for instance in instances])
    return [] if names == default else names


def _ragged_columns(name: str, description: str, runs: Sequence[Sequence[Any]], dtype: str | None = None) -> list[Any]:
    """Return a ragged column and its index, one run of values per row; none when every run is empty.

    ``dtype`` stores numeric runs (arrays) as one array of it; without it the runs are texts.
    """
    from hdmf.common import VectorData, VectorIndex

    if not any(len(run) for run in runs):
        return []
    flat = np.concatenate(runs).astype(dtype) if dtype is not None else [item for run in runs for item in run]
    data = VectorData(name=name, description=description, data=flat)
    ends = np.cumsum([len(run) for run in runs]).astype("int64")
    return [data, VectorIndex(name=f"{name}_index", data=ends, target=data)]


def _check_names_free(behavior: Any, names: Sequence[str]) -> None:
    """Refuse names already taken in the behavior module."""
    for taken in names:
        if taken not in behavior.data_interfaces:
            continue
        raise MetadataError(
            f"The file already holds '{taken}' in processing['behavior']; give the training data another name "
            "in metadata['Pose']['PoseTraining']['name']."
        )
