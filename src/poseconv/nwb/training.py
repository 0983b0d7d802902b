"""Write :class:`~poseconv.model.training.TrainingData` as ndx-pose ``PoseTraining``, and read it back.

The NWB layout, in ``processing["behavior"]``:

* ``Skeletons``: the skeletons, shared with the ``PoseEstimation`` containers of the
  same file (an existing skeleton of the same name and nodes is linked, not copied).
* ``PoseTraining`` (name from ``metadata["Pose"]["PoseTraining"]``):

  - ``source_videos`` (``SourceVideos``): one external-mode ``ImageSeries`` per video
    that exists on this machine, with the path relative to the NWB file, the frame
    times read from the video container (or the frame rate the tool recorded) and its
    camera. An ``ImageSeries`` of the same name already in the file (the video the
    poses were estimated on, in ``acquisition``) is linked instead of added twice.
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
  and values. ndx-pose has no place for these facts; they are what lets
  :func:`read_training` give back exactly what was read, in order.

:func:`read_training` reads any ndx-pose ``PoseTraining`` (also sleap-io's), using the
sources table when present.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError, InvalidSourceFileError, MetadataError, PoseconvWarning
from ..metadata.defaults import video_key
from ..metadata.names import nwb_name, skeleton_nwb_names, unique_name
from ..metadata.training import DEFAULT_POSE_TRAINING_NAME
from ..model import Skeleton, VideoInfo
from ..model.training import LabeledFrame, LabeledInstance, LabelFile, TrainingData
from .devices import get_or_add_device
from .writer import behavior_module, get_or_add_skeleton

__all__ = ["SOURCES_TABLE_SUFFIX", "read_training", "sources_table_name", "write_pose_training"]

SOURCES_TABLE_SUFFIX = "Sources"
# sleap-io names every SkeletonInstance instance_<i> and keeps no track names.
_UNTRACKED_NAME = re.compile(r"instance_(\d+)")
_SOURCE_COLUMNS = {
    "training_frame": "Name of the TrainingFrame in the PoseTraining container.",
    "video": "Key of the video the frame was taken from (the name of its folder or file, without extension).",
    "frame_index": "Index (0-based) of the frame in that video; -1 when the labeling tool does not record it.",
    "image": "The image file the labeler saw, exactly as the labeling tool recorded it; empty for video frames.",
    "label_file": "The file the labels were read from.",
    "source_software": "The labeling tool.",
    "original_video": "The video path the labeling tool recorded (on the labeling machine); empty when none.",
    "row_labels": (
        "DeepLabCut only: how the label file labels its rows, 'column' (one column of image paths) or "
        "'multiindex' (three index columns: labeled-data, video, image)."
    ),
    "value_dtype": "DeepLabCut only: the dtype of the label file's value columns (float64, float32, int64).",
}


def sources_table_name(pose_training_name: str) -> str:
    """Return the name of the table of training-frame sources that goes with a PoseTraining container."""
    return f"{pose_training_name}{SOURCES_TABLE_SUFFIX}"


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


def _find_image_series(nwbfile: Any, behavior: Any, name: str) -> Any:
    """Return the ImageSeries named ``name`` already in the file (acquisition, behavior, a PoseTraining), or None."""
    from pynwb.image import ImageSeries

    candidate = nwbfile.acquisition.get(name)
    if isinstance(candidate, ImageSeries):
        return candidate
    if name in behavior.data_interfaces and isinstance(behavior[name], ImageSeries):
        return behavior[name]
    for container in behavior.data_interfaces.values():
        is_training = getattr(container, "neurodata_type", None) == "PoseTraining"
        videos = container.source_videos if is_training else None
        if videos is not None and name in videos.image_series:
            return videos.image_series[name]
    return None


def _new_image_series(
    nwbfile: Any,
    metadata: Mapping[str, Any],
    entry: Mapping[str, Any],
    info: VideoInfo,
    path: Path,
    relative_to: Path | None,
) -> Any:
    """Return an external ImageSeries of a training video; None (with a warning) when its frame times are unknown."""
    from pynwb.image import ImageSeries

    from ..video import probe_video

    n_frames, frame_size = info.n_frames, info.frame_size
    timing: dict[str, Any] | None = None
    try:
        probe = probe_video(path)
    except InvalidSourceFileError as err:
        warnings.warn(f"{err} The training frames do not link it.", PoseconvWarning, stacklevel=3)
        return None
    if probe is not None:
        n_frames, frame_size = probe.n_frames, probe.frame_size
        probed = probe.timing()
        if probed.rate is not None:
            timing = {"rate": probed.rate, "starting_time": probed.starting_time}
        else:
            timing = {"timestamps": probed.timestamps}
    elif info.fps is not None and n_frames:
        timing = {"rate": float(info.fps), "starting_time": 0.0}
    if timing is None:
        warnings.warn(
            f"{path}: the frame times of this training video are unknown (the video container gives none); "
            "the training frames keep their frame index in the sources table but do not link the video.",
            PoseconvWarning,
            stacklevel=3,
        )
        return None
    external = path.resolve()
    # DANDI and NWB best practice: external files are stored relative to the NWB file.
    external_file = os.path.relpath(external, relative_to.resolve()) if relative_to is not None else str(external)
    kwargs: dict[str, Any] = {
        "name": entry["name"],
        "description": entry.get("description") or f"Behavior video {external.name}.",
        "unit": entry.get("unit") or "Frames",
        "format": "external",
        "external_file": [external_file],
        "starting_frame": [0],
    }
    if "rate" in timing:
        kwargs.update(timing, num_samples=int(n_frames))
    else:
        kwargs.update(timing)
    if frame_size is not None:
        kwargs["dimension"] = [int(frame_size[1]), int(frame_size[0])]
    if entry.get("device_metadata_key") is not None:
        kwargs["device"] = get_or_add_device(nwbfile, metadata, entry["device_metadata_key"])
    return ImageSeries(**kwargs)


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
    from hdmf.common import DynamicTable, VectorData
    from ndx_pose import PoseTraining, SkeletonInstance, SkeletonInstances, SourceVideos, TrainingFrame, TrainingFrames

    pose_metadata = metadata.get("Pose", {})
    entry = dict(pose_metadata.get("PoseTraining") or {})
    name = entry.get("name") or DEFAULT_POSE_TRAINING_NAME
    behavior = behavior_module(nwbfile)
    table_name = sources_table_name(name)
    for taken in (name, table_name):
        if taken in behavior.data_interfaces:
            raise MetadataError(
                f"The file already holds '{taken}' in processing['behavior']; give the training data another name "
                "in metadata['Pose']['PoseTraining']['name']."
            )
    frames = training.frames if max_frames is None else training.frames[:max_frames]

    # Skeletons: one NWB Skeleton per skeleton used, shared with PoseEstimation containers.
    # One animal (no identities, at most one per frame): its skeleton is the Subject's, as for the poses.
    single_animal = all(len(f.instances) <= 1 and all(i.individual is None for i in f.instances) for f in frames)
    skeleton_entries = pose_metadata.get("Skeletons", {})
    skeletons: dict[str, Any] = {}
    default_names = skeleton_nwb_names(list(training.used_skeletons()))
    for skeleton_name in training.used_skeletons():
        model = training.skeletons[skeleton_name]
        skeleton_entry = skeleton_entries.get(skeleton_name) or {
            "name": default_names[skeleton_name],
            "nodes": list(model.nodes),
            "edges": [list(e) for e in model.edges],
        }
        if list(skeleton_entry["nodes"]) != list(model.nodes):
            raise MetadataError(
                f"metadata['Pose']['Skeletons']['{skeleton_name}'] lists nodes {list(skeleton_entry['nodes'])}, but "
                f"the labels in {training.source_file.name} have {list(model.nodes)}; nodes cannot be renamed or "
                "reordered in metadata."
            )
        skeletons[skeleton_name] = get_or_add_skeleton(nwbfile, behavior, skeleton_entry, single_animal)

    # Source videos: link an ImageSeries of the same name, else add one for each video that exists here.
    video_paths = dict(video_paths or {})
    external_videos = metadata.get("Behavior", {}).get("ExternalVideos", {})
    linked: dict[str, Any] = {}
    new_series: list[Any] = []
    for key in dict.fromkeys(frame.video for frame in frames):
        video_entry = external_videos.get(video_key(key))
        series_name = video_entry["name"] if video_entry else nwb_name(f"Video {key}")
        existing = _find_image_series(nwbfile, behavior, series_name)
        if existing is None:
            existing = next((s for s in new_series if s.name == series_name), None)
        if existing is not None:
            linked[key] = existing
            continue
        info = training.videos[key]
        path = video_paths.get(key, info.path)
        if video_entry is None or path is None or not Path(path).is_file():
            continue
        series = _new_image_series(
            nwbfile, metadata, video_entry, info, Path(path), Path(relative_to) if relative_to else None
        )
        if series is not None:
            new_series.append(series)
            linked[key] = series

    individual_ids = {name: i for i, name in enumerate(training.individuals)}
    taken_frames: set[str] = set()
    training_frames = []
    rows: dict[str, list[Any]] = {column: [] for column in _SOURCE_COLUMNS}
    for position, frame in enumerate(frames):
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
            "name": unique_name(_frame_name(frame, position), taken_frames),
            "skeleton_instances": SkeletonInstances(name="skeleton_instances", skeleton_instances=instances),
        }
        annotator = entry.get("annotator") or frame.annotator
        if annotator:
            frame_kwargs["annotator"] = annotator
        if frame.video in linked and frame.frame_index is not None:
            frame_kwargs["source_video"] = linked[frame.video]
            frame_kwargs["source_video_frame_index"] = _index_dtype(frame.frame_index)
        training_frames.append(TrainingFrame(**frame_kwargs))

        layout = training.label_files.get(frame.label_file) if frame.label_file else None
        info = training.videos[frame.video]
        rows["training_frame"].append(frame_kwargs["name"])
        rows["video"].append(frame.video)
        rows["frame_index"].append(-1 if frame.frame_index is None else frame.frame_index)
        rows["image"].append(frame.image or "")
        rows["label_file"].append(frame.label_file or "")
        rows["source_software"].append(training.source_software)
        rows["original_video"].append(info.original_path or "")
        rows["row_labels"].append((layout.row_labels if layout else None) or "")
        rows["value_dtype"].append((layout.value_dtype if layout else None) or "")

    pose_training_kwargs: dict[str, Any] = {
        "name": name,
        "training_frames": TrainingFrames(name="training_frames", training_frames=training_frames),
    }
    if new_series:
        pose_training_kwargs["source_videos"] = SourceVideos(name="source_videos", image_series=new_series)
    pose_training = PoseTraining(**pose_training_kwargs)
    behavior.add(pose_training)
    description = entry.get("description") or (
        f"Where each training frame of '{name}' came from: one row per TrainingFrame, in the order of the label files."
    )
    columns = [
        VectorData(
            name=column,
            description=text,
            data=np.asarray(rows[column], dtype="int64") if column == "frame_index" else rows[column],
        )
        for column, text in _SOURCE_COLUMNS.items()
    ]
    behavior.add(DynamicTable(name=table_name, description=description, columns=columns))
    return pose_training


# -- reading ------------------------------------------------------------------------------------
#
# Two views give the same plain records: h5py on a file on disk (fast: pynwb builds an object per
# group, seconds for a thousand frames, and files written by other tools may cache specs that clash
# with the installed ones), and pynwb objects for a file built in memory.


@dataclass(frozen=True)
class _RawVideo:
    name: str
    external_file: tuple[str, ...]
    dimension: tuple[int, ...]
    rate: float | None
    num_samples: int | None


@dataclass(frozen=True)
class _RawInstance:
    name: str
    id: int | None
    points: np.ndarray
    visible: np.ndarray | None
    skeleton: Skeleton


@dataclass(frozen=True)
class _RawFrame:
    name: str
    annotator: str | None
    video: _RawVideo | None
    frame_index: int | None
    instances: tuple[_RawInstance, ...]


@dataclass(frozen=True)
class _RawTraining:
    name: str
    module: str
    frames: dict[str, _RawFrame]
    sources: dict[str, dict[str, Any]]


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _texts(values: Any) -> list[str]:
    return [_text(v) for v in np.atleast_1d(values).reshape(-1)]


def _choose(where: Any, found: list[tuple[str, str]], name: str | None) -> tuple[str, str]:
    """Pick the (module, container) to read among the PoseTraining containers found."""
    names = [container for _, container in found]
    if not found:
        raise InvalidSourceFileError(f"{where}: holds no PoseTraining (human-labeled training frames).")
    if name is None and len(found) > 1:
        raise InvalidOptionError(f"{where}: holds several PoseTraining containers {names}; choose one with name=...")
    if name is not None and name not in names:
        raise InvalidOptionError(f"{where}: no PoseTraining named {name!r}; it holds {names}.")
    return found[0] if name is None else found[names.index(name)]


def _raw_from_h5(path: Path, name: str | None) -> _RawTraining:
    import h5py

    def kind(obj: Any) -> str | None:
        value = obj.attrs.get("neurodata_type")
        return _text(value) if value is not None else None

    try:
        handle = h5py.File(path, "r")
    except OSError as err:
        raise InvalidSourceFileError(f"{path}: not an HDF5 NWB file ({err}).") from err
    with handle:
        processing = handle.get("processing")
        found = []
        if isinstance(processing, h5py.Group):
            for module_name, module in processing.items():
                for child_name, child in module.items():
                    if isinstance(child, h5py.Group) and kind(child) == "PoseTraining":
                        found.append((module_name, child_name))
        module_name, container_name = _choose(path, found, name)
        module = processing[module_name]
        group = module[container_name]

        videos: dict[str, _RawVideo] = {}
        skeletons: dict[str, Skeleton] = {}

        def linked(parent: Any, wanted: str, link_name: str | None = None) -> tuple[str, Any] | None:
            names = [link_name] if link_name is not None else list(parent)
            for child in names:
                link = parent.get(child, getlink=True)
                if isinstance(link, h5py.SoftLink) and link.path in handle and kind(handle[link.path]) == wanted:
                    return link.path, handle[link.path]
                if link_name is None and isinstance(link, h5py.HardLink) and kind(parent[child]) == wanted:
                    return parent[child].name, parent[child]
            return None

        def video_of(target: tuple[str, Any]) -> _RawVideo:
            where, series = target
            if where not in videos:
                rate = None
                if "starting_time" in series:
                    rate = float(series["starting_time"].attrs["rate"])
                videos[where] = _RawVideo(
                    name=where.rsplit("/", 1)[-1],
                    external_file=tuple(_texts(series["external_file"][()])) if "external_file" in series else (),
                    dimension=tuple(int(d) for d in series["dimension"][()]) if "dimension" in series else (),
                    rate=rate,
                    num_samples=int(series["num_samples"][()]) if "num_samples" in series else None,
                )
            return videos[where]

        def skeleton_of(target: tuple[str, Any]) -> Skeleton:
            where, node = target
            if where not in skeletons:
                edges = np.asarray(node["edges"][()]).reshape(-1, 2) if "edges" in node else np.empty((0, 2))
                skeletons[where] = Skeleton(
                    name=where.rsplit("/", 1)[-1],
                    nodes=tuple(_texts(node["nodes"][()])),
                    edges=tuple((int(a), int(b)) for a, b in edges),
                )
            return skeletons[where]

        frames: dict[str, _RawFrame] = {}
        frames_group = group.get("training_frames")
        for frame_name, frame in frames_group.items() if isinstance(frames_group, h5py.Group) else []:
            if kind(frame) != "TrainingFrame":
                continue
            instances = []
            instances_group = frame.get("skeleton_instances")
            for instance_name, instance in instances_group.items() if instances_group is not None else []:
                if kind(instance) != "SkeletonInstance":
                    continue
                skeleton = linked(instance, "Skeleton")
                if skeleton is None:
                    raise InvalidSourceFileError(f"{path}: {instance.name} links no Skeleton.")
                identifier = instance.attrs.get("id")
                instances.append(
                    _RawInstance(
                        name=instance_name,
                        id=None if identifier is None else int(identifier),
                        points=np.asarray(instance["node_locations"][()], dtype="float64"),
                        visible=np.asarray(instance["node_visibility"][()], dtype="bool")
                        if "node_visibility" in instance
                        else None,
                        skeleton=skeleton_of(skeleton),
                    )
                )
            source = linked(frame, "ImageSeries", "source_video") if "source_video" in frame else None
            index = frame.attrs.get("source_video_frame_index")
            annotator = frame.attrs.get("annotator")
            frames[frame_name] = _RawFrame(
                name=frame_name,
                annotator=_text(annotator) if annotator is not None else None,
                video=video_of(source) if source is not None else None,
                frame_index=None if index is None else int(index),
                instances=tuple(instances),
            )

        sources: dict[str, dict[str, Any]] = {}
        table = module.get(sources_table_name(container_name))
        if isinstance(table, h5py.Group) and kind(table) == "DynamicTable" and "training_frame" in table:
            columns = {
                column: (table[column][()] if column == "frame_index" else _texts(table[column][()]))
                for column in _SOURCE_COLUMNS
                if column in table
            }
            for i, frame_name in enumerate(columns["training_frame"]):
                sources[frame_name] = {column: values[i] for column, values in columns.items()}
    return _RawTraining(name=container_name, module=module_name, frames=frames, sources=sources)


def _raw_from_pynwb(nwbfile: Any, name: str | None) -> _RawTraining:
    from hdmf.common import DynamicTable

    found = []
    for module in nwbfile.processing.values():
        for container in module.data_interfaces.values():
            # By type name: a file read with its cached ndx-pose spec may build its own classes.
            if getattr(container, "neurodata_type", None) == "PoseTraining":
                found.append((module.name, container.name))
    module_name, container_name = _choose("The NWB file", found, name)
    module = nwbfile.processing[module_name]
    container = module[container_name]

    videos: dict[int, _RawVideo] = {}
    skeletons: dict[int, Skeleton] = {}

    def video_of(series: Any) -> _RawVideo:
        if id(series) not in videos:
            videos[id(series)] = _RawVideo(
                name=series.name,
                external_file=tuple(_texts(series.external_file[:])) if series.external_file is not None else (),
                dimension=tuple(int(d) for d in series.dimension[:]) if series.dimension is not None else (),
                rate=float(series.rate) if series.rate is not None else None,
                num_samples=int(series.num_samples) if getattr(series, "num_samples", None) else None,
            )
        return videos[id(series)]

    def skeleton_of(node: Any) -> Skeleton:
        if id(node) not in skeletons:
            edges = np.asarray(node.edges[:]).reshape(-1, 2) if node.edges is not None else np.empty((0, 2))
            skeletons[id(node)] = Skeleton(
                name=node.name, nodes=tuple(_texts(node.nodes[:])), edges=tuple((int(a), int(b)) for a, b in edges)
            )
        return skeletons[id(node)]

    frames: dict[str, _RawFrame] = {}
    training_frames = container.training_frames.training_frames if container.training_frames is not None else {}
    for frame_name, frame in training_frames.items():
        instances = tuple(
            _RawInstance(
                name=instance_name,
                id=None if instance.id is None else int(instance.id),
                points=np.asarray(instance.node_locations[:], dtype="float64"),
                visible=None if instance.node_visibility is None else np.asarray(instance.node_visibility[:], bool),
                skeleton=skeleton_of(instance.skeleton),
            )
            for instance_name, instance in frame.skeleton_instances.skeleton_instances.items()
        )
        index = frame.source_video_frame_index
        frames[frame_name] = _RawFrame(
            name=frame_name,
            annotator=_text(frame.annotator) if frame.annotator else None,
            video=video_of(frame.source_video) if frame.source_video is not None else None,
            frame_index=None if index is None else int(index),
            instances=instances,
        )
    sources: dict[str, dict[str, Any]] = {}
    table = module.data_interfaces.get(sources_table_name(container_name))
    if isinstance(table, DynamicTable) and "training_frame" in table.colnames:
        columns = {column: list(table[column].data[:]) for column in table.colnames if column in _SOURCE_COLUMNS}
        for i, frame_name in enumerate(columns["training_frame"]):
            sources[_text(frame_name)] = {column: values[i] for column, values in columns.items()}
    return _RawTraining(name=container_name, module=module_name, frames=frames, sources=sources)


def _natural(name: str) -> tuple[Any, ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part)


def _video_info(video: _RawVideo | None, key: str, original: str | None, nwb_folder: Path | None) -> VideoInfo:
    if video is None:
        return VideoInfo(key=key, original_path=original)
    recorded = video.external_file[0] if len(video.external_file) == 1 else None
    path = None
    if recorded is not None:
        candidate = Path(recorded)
        if not candidate.is_absolute() and nwb_folder is not None:
            candidate = nwb_folder / candidate
        if candidate.is_file():
            path = candidate.resolve()
    frame_size = None
    if len(video.dimension) == 2 and min(video.dimension) > 0:
        frame_size = (video.dimension[1], video.dimension[0])
    return VideoInfo(
        key=key,
        original_path=original or recorded,
        path=path,
        n_frames=video.num_samples,
        frame_size=frame_size,
        fps=video.rate,
    )


def read_training(nwbfile: Any, *, name: str | None = None) -> TrainingData:
    """Read an ndx-pose ``PoseTraining`` back into :class:`~poseconv.model.training.TrainingData`.

    Parameters
    ----------
    nwbfile : str or pathlib.Path or pynwb.NWBFile
        The path of an NWB file (HDF5; read with h5py, so files written by any tool open), or an
        NWB file object (e.g. one built in memory).
    name : str, optional
        Name of the PoseTraining container; needed only when the file holds several.

    Returns
    -------
    TrainingData
        Frames in the order they were written (from the sources table; for files written by other
        tools, by video, frame index and name), instances by individual then name; plain numpy
        arrays that outlive the file.

    Raises
    ------
    InvalidSourceFileError
        When the file cannot be read or holds no PoseTraining.
    InvalidOptionError
        When ``name`` is not one of its PoseTraining containers, or it holds several and none
        was chosen.
    """
    nwb_path: Path | None = None
    if isinstance(nwbfile, (str, Path)):
        nwb_path = Path(nwbfile)
        if not nwb_path.is_file():
            raise InvalidSourceFileError(f"{nwb_path}: file not found. Check the path of the NWB file.")
        raw = _raw_from_h5(nwb_path, name)
    else:
        raw = _raw_from_pynwb(nwbfile, name)
        source = getattr(nwbfile, "container_source", None)
        nwb_path = Path(source) if source else None
    return _assemble(raw, nwb_path)


def _assemble(raw: _RawTraining, nwb_path: Path | None) -> TrainingData:
    nwb_folder = nwb_path.resolve().parent if nwb_path is not None else None
    # sleap-io names every instance instance_<i> and writes no tracks: there its ids are not identities.
    instance_names = [instance.name for frame in raw.frames.values() for instance in frame.instances]
    ids_are_identities = bool(raw.sources) or not all(_UNTRACKED_NAME.fullmatch(n) for n in instance_names)

    def fallback_order(frame_name: str) -> tuple[Any, ...]:
        frame = raw.frames[frame_name]
        video = frame.video.name if frame.video is not None else ""
        return (video, -1 if frame.frame_index is None else frame.frame_index, _natural(frame_name))

    order = [n for n in raw.sources if n in raw.frames]
    order += sorted((n for n in raw.frames if n not in raw.sources), key=fallback_order)

    skeletons: dict[str, Skeleton] = {}
    videos: dict[str, VideoInfo] = {}
    label_files: dict[str, LabelFile] = {}
    individuals_by_id: dict[int, str] = {}
    software: list[str] = []
    frames: list[LabeledFrame] = []
    for frame_name in order:
        frame = raw.frames[frame_name]
        row = raw.sources.get(frame_name)
        frame_index = frame.frame_index if frame.video is not None else None
        image = label_file = original = None
        key = nwb_name(frame.video.name) if frame.video is not None else "video"
        if row is not None:
            key = row["video"]
            frame_index = None if int(row["frame_index"]) < 0 else int(row["frame_index"])
            image = row["image"] or None
            label_file = row["label_file"] or None
            original = row["original_video"] or None
            software.append(row["source_software"])
            if label_file is not None and label_file not in label_files:
                label_files[label_file] = LabelFile(
                    name=label_file, row_labels=row["row_labels"] or None, value_dtype=row["value_dtype"] or None
                )
        if key not in videos:
            videos[key] = _video_info(frame.video, key, original, nwb_folder)
        instances = []
        ordered = sorted(frame.instances, key=lambda i: (i.id is None, -1 if i.id is None else i.id, _natural(i.name)))
        for instance in ordered:
            known = skeletons.setdefault(instance.skeleton.name, instance.skeleton)
            if known != instance.skeleton:
                raise InvalidSourceFileError(
                    f"{nwb_path or 'The NWB file'}: two skeletons are named {instance.skeleton.name!r} with "
                    "different nodes or edges."
                )
            individual = None
            if instance.id is not None and ids_are_identities:
                # The first name seen for an id is the individual's; "<name>_2" only made a repeat unique.
                individual = individuals_by_id.setdefault(instance.id, instance.name)
            visible = instance.visible if instance.visible is not None else ~np.isnan(instance.points).any(axis=1)
            instances.append(
                LabeledInstance(
                    skeleton=instance.skeleton.name, points=instance.points, visible=visible, individual=individual
                )
            )
        frames.append(
            LabeledFrame(
                video=key,
                frame_index=frame_index,
                instances=tuple(instances),
                image=image,
                annotator=frame.annotator,
                label_file=label_file,
            )
        )
    individuals = list(dict.fromkeys(individuals_by_id[i] for i in sorted(individuals_by_id)))
    for frame in frames:
        for instance in frame.instances:
            if instance.individual is not None and instance.individual not in individuals:
                individuals.append(instance.individual)
    source_software = next((s for s in software if s), "unknown")
    return TrainingData.from_frames(
        source_software=source_software,
        source_file=nwb_path if nwb_path is not None else Path(raw.name),
        skeletons=list(skeletons.values()),
        videos=list(videos.values()),
        frames=frames,
        individuals=individuals,
        label_files=list(label_files.values()),
        notes={"pose_training": raw.name, "module": raw.module},
    )
