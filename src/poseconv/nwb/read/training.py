"""Read an ndx-pose ``PoseTraining`` back into :class:`~poseconv.model.training.TrainingData`.

Any ndx-pose ``PoseTraining`` is read (also sleap-io's); the sources table poseconv writes
beside it (:mod:`poseconv.nwb.write.training`) gives back the order, videos, image names and
label-file layout exactly as read. The stored groups are read through
:mod:`poseconv.nwb.read.store`, as every reader here does: fast (pynwb builds an object per
group, seconds for a thousand frames) and indifferent to the extension specs other tools cache.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from ...metadata.defaults import UNTIMED_IMAGES_SENTENCE
from ...metadata.names import nwb_name
from ...metadata.training import labels_crop_of_description
from ...metadata.wording import crop_of_description
from ...model import Skeleton, VideoInfo
from ...model.training import LabeledFrame, LabeledInstance, LabelFile, TrainingData
from ...readers.safety.input_checks import require_path_or_nwbfile
from ..layout import (
    HEADER_COLUMN,
    IDENTITY_COLUMNS,
    INSTANCE_ORDER_COLUMN,
    SOURCES_TABLE_COLUMNS,
    VISIBILITY_FLAGS_COLUMN,
    default_instance_order,
    individuals_table_name,
    natural_key,
    sources_table_name,
)
from .pose_names import file_stem
from .skeletons import stored_skeleton
from .store import (
    base_name,
    child_groups,
    damage_named,
    decode,
    is_group,
    linked,
    local_file,
    local_folder,
    member,
    members,
    neurodata_type,
    nwb_location,
    open_nwbfile_object,
    open_store,
    parent_path,
    texts,
)
from .training_rows import with_identities, with_visibility_flags
from .video_facts import image_sequence

__all__ = ["read_training"]

# sleap-io names every SkeletonInstance instance_<i> and keeps no track names.
_UNTRACKED_NAME = re.compile(r"instance_(\d+)")


@dataclass(frozen=True)
class _RawVideo:
    name: str
    external_file: tuple[str, ...]
    dimension: tuple[int, ...]
    rate: float | None
    num_samples: int | None
    # The crop of the video the labels' coordinates are in (its description's CROP_SENTENCE), [x1, y1, x2, y2].
    crop: tuple[int, ...] | None = None


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
    # ndx-pose's source_frame: the Image labeled, stored in the file (its name, and the Images group holding it).
    image: str | None = None
    image_set: str | None = None


@dataclass(frozen=True)
class _RawTraining:
    name: str
    module: str
    frames: dict[str, _RawFrame]
    sources: dict[str, dict[str, Any]]
    # The sources table's description: the training description, saying the crop of labels in a crop's pixels.
    description: str = ""
    # The label file's name of the individual of each id, when NWB names could not say it (a table beside).
    individuals: tuple[str, ...] = ()
    # The subject_id of each row of an ndx-multisubjects SubjectsTable (sleap-io: the instance ids' rows).
    subjects: tuple[str, ...] = ()
    # Labels with no instance yet link no skeleton: the module's (poseconv writes the label file's there).
    unlinked_skeletons: tuple[Skeleton, ...] = ()


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


class _StoredTraining:
    """Reads one stored ``PoseTraining`` into plain records; videos and skeletons are read once each."""

    def __init__(self, root: Any, where: Any) -> None:
        self.root = root
        self.where = where
        self.videos: dict[str, _RawVideo] = {}
        self.skeletons: dict[str, Skeleton] = {}

    def read(self, name: str | None) -> _RawTraining:
        processing = member(self.root, "processing")
        found = []
        if processing is not None and is_group(processing):
            for module_name, module in members(processing):
                found.extend((module_name, child) for child in child_groups(module, "PoseTraining"))
        module_name, container_name = _choose(self.where, found, name)
        module = processing[module_name]
        frames_group = member(module[container_name], "training_frames")
        stored = child_groups(frames_group, "TrainingFrame") if is_group(frames_group) else {}  # None: no frames
        frames = {frame_name: self._frame(frame_name, frame) for frame_name, frame in stored.items()}
        sources_table = member(module, sources_table_name(container_name))
        sources = self._sources(sources_table)
        table = member(module, individuals_table_name(container_name))
        named = texts(table["individual"]) if table is not None and is_group(table) and "individual" in table else ()
        return _RawTraining(
            name=container_name,
            module=module_name,
            frames=frames,
            sources=sources,
            description=decode(sources_table.attrs.get("description", "")) if sources else "",
            individuals=tuple(named),
            subjects=self._subjects(),
            unlinked_skeletons=() if any(f.instances for f in frames.values()) else self._module_skeletons(module),
        )

    def _module_skeletons(self, module: Any) -> tuple[Skeleton, ...]:
        """Return the skeletons of the module's ``Skeletons`` (none when it has none)."""
        found = member(module, "Skeletons")
        nodes = child_groups(found, "Skeleton") if found is not None and is_group(found) else {}
        return tuple(self._skeleton(f"{found.name}/{name}", node) for name, node in nodes.items())

    def _subjects(self) -> tuple[str, ...]:
        """Return the ``subject_id`` column of the file's ndx-multisubjects ``SubjectsTable``; empty without one."""
        general = self.root.get("general")
        if general is None or not is_group(general):
            return ()
        for table in child_groups(general, "SubjectsTable").values():
            if "subject_id" in table:
                return tuple(texts(table["subject_id"]))
        return ()

    def _linked(self, parent: Any, wanted: str) -> tuple[str, Any] | None:
        """Return the member of ``parent`` (a soft link, or a group) whose type is ``wanted``."""
        for child in parent:
            found = linked(self.root, parent, child)
            if found is not None and is_group(found[1]) and neurodata_type(found[1]) == wanted:
                return found
        return None

    def _frame(self, frame_name: str, frame: Any) -> _RawFrame:
        instances = []
        instances_group = member(frame, "skeleton_instances")
        stored = child_groups(instances_group, "SkeletonInstance") if instances_group else {}
        for instance_name, instance in stored.items():
            skeleton = self._linked(instance, "Skeleton")
            if skeleton is None:
                raise InvalidSourceFileError(f"{self.where}: {instance.name} links no Skeleton.")
            identifier = instance.attrs.get("id")
            visible = member(instance, "node_visibility")
            instances.append(
                _RawInstance(
                    name=instance_name,
                    id=None if identifier is None else int(identifier),
                    points=np.asarray(instance["node_locations"][()], dtype="float64"),
                    visible=None if visible is None else np.asarray(visible[()], dtype="bool"),
                    skeleton=self._skeleton(*skeleton),
                )
            )
        source = linked(self.root, frame, "source_video")
        if source is not None and neurodata_type(source[1]) != "ImageSeries":
            source = None
        index = frame.attrs.get("source_video_frame_index")
        annotator = frame.attrs.get("annotator")
        # ndx-pose's other way to name what was labeled: an Image (RGBImage, GrayscaleImage) stored in the file.
        picture = linked(self.root, frame, "source_frame")
        return _RawFrame(
            name=frame_name,
            annotator=decode(annotator) if annotator is not None else None,
            video=self._video(*source) if source is not None else None,
            frame_index=None if index is None else int(index),
            instances=tuple(instances),
            image=base_name(picture[0]) if picture is not None else None,
            image_set=base_name(parent_path(picture[1])) if picture is not None else None,
        )

    def _video(self, where: str, series: Any) -> _RawVideo:
        if where not in self.videos:
            rate = float(series["starting_time"].attrs["rate"]) if "starting_time" in series else None
            description = decode(series.attrs.get("description", ""))
            crop = crop_of_description(description)
            if UNTIMED_IMAGES_SENTENCE in description:
                rate = None  # images numbered at one a second, not a rate the tool recorded
            self.videos[where] = _RawVideo(
                name=base_name(where),
                external_file=tuple(texts(series["external_file"])) if "external_file" in series else (),
                dimension=tuple(int(d) for d in series["dimension"][()]) if "dimension" in series else (),
                rate=rate,
                num_samples=int(series["num_samples"][()]) if "num_samples" in series else None,
                crop=tuple(crop) if crop else None,
            )
        return self.videos[where]

    def _skeleton(self, where: str, node: Any) -> Skeleton:
        if where not in self.skeletons:
            self.skeletons[where] = stored_skeleton(self.root, where, node, source=self.where)
        return self.skeletons[where]

    @staticmethod
    def _sources(table: Any) -> dict[str, dict[str, Any]]:
        """Return the sources table's rows by training-frame name; empty when the file has no such table."""
        if table is None or not is_group(table) or neurodata_type(table) != "DynamicTable":
            return {}
        if "training_frame" not in table:
            return {}
        columns = {
            column: (table[column][()] if column == "frame_index" else texts(table[column]))
            for column in (*SOURCES_TABLE_COLUMNS, HEADER_COLUMN)
            if column in table
        }
        identity, score = IDENTITY_COLUMNS
        ragged = (
            (VISIBILITY_FLAGS_COLUMN, lambda values: np.asarray(values[()], dtype="int8")),
            (INSTANCE_ORDER_COLUMN, texts),
            # SLEAP identities: a name and a score per instance (poseconv.nwb.layout.IDENTITY_COLUMNS).
            (identity, texts),
            (score, lambda values: np.asarray(values[()], dtype="float64")),
        )
        for column, read in ragged:
            if column in table and f"{column}_index" in table:
                # Ragged: one run of values per row, ending where the index says.
                ends = np.asarray(table[f"{column}_index"][()], dtype="int64")
                values = read(table[column])
                starts = np.concatenate([[0], ends[:-1]]) if len(ends) else ends
                columns[column] = [values[a:b] for a, b in zip(starts, ends, strict=True)]
        return {
            frame_name: {column: values[i] for column, values in columns.items()}
            for i, frame_name in enumerate(columns["training_frame"])
        }


def _video_keys(videos: list[_RawVideo]) -> dict[str, str]:
    """Return each source video's key (by ``ImageSeries`` name) when no ``PoseTrainingSources`` row gives it.

    Its file's stem, as the pose reader keys videos (sleap-io's ``video_0`` would name DeepLabCut's
    labeled-data folder); the series' name for image files, no file, or a stem two series share.
    """
    files = [v for v in videos if v.external_file and image_sequence(list(v.external_file), None) is None]
    stems = {v.name: file_stem(v.external_file[0]) for v in files}
    shared = {stem for stem in stems.values() if list(stems.values()).count(stem) > 1}
    return {v.name: stems[v.name] if stems.get(v.name, "") not in shared | {""} else nwb_name(v.name) for v in videos}


def _video_info(video: _RawVideo | None, key: str, original: str | None, nwb_folder: Path | None) -> VideoInfo:
    if video is None:
        return VideoInfo(key=key, original_path=original)
    recorded = video.external_file[0] if video.external_file else None
    # A sequence of image files, one per frame (SLEAP's image sequences, labels on a folder of photos), or a video.
    sequence = image_sequence(list(video.external_file), nwb_folder)
    path = local_file(video.external_file[0], nwb_folder) if sequence is None and video.external_file else None
    images = sequence if sequence and all(sequence) else None
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
        image_files=images,
    )


def read_training(nwbfile: Any, *, name: str | None = None) -> TrainingData:
    """Read an ndx-pose ``PoseTraining`` back into :class:`~poseconv.model.training.TrainingData`.

    Parameters
    ----------
    nwbfile : str or pathlib.Path or pynwb.NWBFile
        The path of an NWB file (HDF5 or Zarr store; read with h5py / zarr, so files written by any
        tool open), its ``http(s)://`` / ``s3://`` URL, or an NWB file object (e.g. one built in memory).
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
    if require_path_or_nwbfile(nwbfile, "read_training: nwbfile"):
        nwb_path: Path | str | None = nwb_location(nwbfile)
        with open_store(nwb_path) as root, damage_named(nwb_path):
            raw = _StoredTraining(root, nwb_path).read(name)
    else:
        with open_nwbfile_object(nwbfile) as (root, nwb_path), damage_named(nwb_path or "The NWB file"):
            raw = _StoredTraining(root, nwb_path or "The NWB file").read(name)
    return _assemble(raw, nwb_path)


def _assemble(raw: _RawTraining, nwb_path: Path | str | None) -> TrainingData:
    nwb_folder = local_folder(nwb_path) if nwb_path is not None else None
    identity, named = _identity_rule(raw, nwb_path)

    def fallback_order(frame_name: str) -> tuple[Any, ...]:
        frame = raw.frames[frame_name]
        video = frame.video.name if frame.video is not None else ""
        return (video, -1 if frame.frame_index is None else frame.frame_index, natural_key(frame_name))

    order = [n for n in raw.sources if n in raw.frames]
    order += sorted((n for n in raw.frames if n not in raw.sources), key=fallback_order)

    skeletons: dict[str, Skeleton] = {skeleton.name: skeleton for skeleton in raw.unlinked_skeletons}
    videos: dict[str, VideoInfo] = {}
    label_files: dict[str, LabelFile] = {}
    individuals_by_id: dict[int, str] = dict(enumerate(named))
    video_keys = _video_keys([frame.video for frame in raw.frames.values() if frame.video is not None])
    software: list[str] = []
    frames: list[LabeledFrame] = []
    crops: dict[str, dict[str, list[int]]] = {}  # labels in a crop's coordinates: the exports place them on the video
    for frame_name in order:
        frame = raw.frames[frame_name]
        row = raw.sources.get(frame_name)
        frame_index = frame.frame_index if frame.video is not None else None
        image = label_file = original = None
        key = video_keys[frame.video.name] if frame.video is not None else "video"
        if frame.video is None and frame.image_set is not None:
            # Images stored in the file, no video: the frame is named by its image, in the set holding it.
            key, image = frame.image_set, frame.image
        if row is not None:
            key = row["video"]
            frame_index = None if int(row["frame_index"]) < 0 else int(row["frame_index"])
            image = row["image"] or None
            label_file = row["label_file"] or None
            original = row["original_video"] or None
            software.append(row["source_software"])
            if label_file is not None and label_file not in label_files:
                header = row.get(HEADER_COLUMN) or None
                label_files[label_file] = LabelFile(
                    name=label_file,
                    row_labels=row["row_labels"] or None,
                    value_dtype=row["value_dtype"] or None,
                    header=tuple(header.split(",")) if header else None,
                )
        if key not in videos:
            videos[key] = _video_info(frame.video, key, original, nwb_folder)
            # The training description's: a series shared with the predictions is theirs, without the labels' crop.
            crop = labels_crop_of_description(raw.description, key) or (frame.video.crop if frame.video else None)
            crops.update({key: {"crop": list(crop)}} if crop else {})
        order = row.get(INSTANCE_ORDER_COLUMN) if row is not None else None
        instances = _instances(frame, skeletons, individuals_by_id, identity, nwb_path, order or None)
        if row is not None and len(row.get(VISIBILITY_FLAGS_COLUMN, ())):
            instances = with_visibility_flags(instances, row[VISIBILITY_FLAGS_COLUMN])
        if row is not None and all(column in row for column in IDENTITY_COLUMNS):
            instances = with_identities(instances, *(row[column] for column in IDENTITY_COLUMNS))
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
    return TrainingData.from_frames(
        source_software=next((s for s in software if s), "unknown"),
        source_file=nwb_path if nwb_path is not None else Path(raw.name),
        skeletons=list(skeletons.values()),
        videos=list(videos.values()),
        frames=frames,
        individuals=individuals,
        label_files=list(label_files.values()),
        notes={"pose_training": raw.name, "module": raw.module, **({"videos": crops} if crops else {})},
    )


def _identity_rule(raw: _RawTraining, nwb_path: Path | str | None) -> tuple[str | None, tuple[str, ...]]:
    """Return what tells the individuals apart and their names by id, where the file names them.

    The rule is ``"id"``, ``"subject"``, ``"name"`` (of the instance) or None (nothing). poseconv's ids
    are identities, named by the table beside the container. sleap-io names every instance
    ``instance_<i>`` and writes no tracks, unless it wrote an ndx-multisubjects ``SubjectsTable``
    (``use_multisubjects=True``): a tracked instance's id is then its track's row (``subject_id`` the
    track's name), an untracked one's its place in the frame (``"subject"``: an id that is a row, and
    no other's of its frame, is that row's animal). ndx-pose's own example gives both instances of a
    frame the frame number as id, so ids repeat within a frame; its instance names
    (``skeleton1_instance``) are the same across frames and tell the animals apart.
    """
    if raw.sources:
        return "id", raw.individuals
    instances = [frame.instances for frame in raw.frames.values()]
    ids = [[i.id for i in group] for group in instances]
    distinct = all(None not in group and len(set(group)) == len(group) for group in ids)
    if all(_UNTRACKED_NAME.fullmatch(i.name) for group in instances for i in group):
        if not raw.subjects:
            return None, ()
        if not distinct:
            warnings.warn(
                f"{nwb_path or 'The NWB file'}: instances of {raw.name} share an id within a frame (sleap-io writes "
                "an untracked instance's place in its frame, which may be a row of its SubjectsTable "
                f"{list(raw.subjects)}); those instances are read without their animals.",
                PoseconvWarning,
                stacklevel=4,
            )
        return "subject", raw.subjects
    return ("id" if distinct else "name"), raw.individuals


def _instances(
    frame: _RawFrame,
    skeletons: dict[str, Skeleton],
    individuals_by_id: dict[int, str],
    identity: str | None,
    nwb_path: Path | str | None,
    order: Sequence[str] | None = None,
) -> tuple[LabeledInstance, ...]:
    """Return a frame's instances in ``order`` (their names), else by individual then name.

    The instances are identified as :func:`_identity_rule` says.
    """
    instances = []
    by_name = {instance.name: instance for instance in frame.instances}
    names = default_instance_order([(instance.name, instance.id) for instance in frame.instances])
    ids = [instance.id for instance in frame.instances]
    if order is not None and sorted(order) == sorted(by_name):
        names = list(order)  # the label file's order, which the sources table keeps where it is not the default
    for instance in (by_name[name] for name in names):
        known = skeletons.setdefault(instance.skeleton.name, instance.skeleton)
        if known != instance.skeleton:
            raise InvalidSourceFileError(
                f"{nwb_path or 'The NWB file'}: two skeletons are named {instance.skeleton.name!r} with "
                "different nodes or edges."
            )
        individual = instance.name if identity == "name" else None
        if identity == "subject" and ids.count(instance.id) == 1:
            individual = individuals_by_id.get(instance.id)  # None for an id no row has: an untracked instance
        elif identity == "id" and instance.id is not None:
            # The first name seen for an id is the individual's; "<name>_2" only made a repeat unique.
            individual = individuals_by_id.setdefault(instance.id, instance.name)
        visible = instance.visible if instance.visible is not None else ~np.isnan(instance.points).any(axis=1)
        instances.append(
            LabeledInstance(
                skeleton=instance.skeleton.name, points=instance.points, visible=visible, individual=individual
            )
        )
    return tuple(instances)
