"""Finding the ``PoseEstimation`` groups of an NWB file and what each holds, without reading coordinates.

Every ``PoseEstimation`` group of the file (ndx-pose 0.1 to 0.4) becomes a
:class:`PoseContainerInfo`. Besides the names (:mod:`poseconv.nwb.read.pose_names`):

* **Video.** poseconv's description, else the linked ``source_video``'s
  file name, the first ``original_videos`` entry, or the rest of an IBL-style
  name (``PoseEstimationLeftCamera`` -> ``LeftCamera``).
* **Skeleton.** The linked ``Skeleton`` (0.2+), or the ``nodes``/``edges``
  datasets of the container (0.1).
* **Frames.** When every series of a video shares one time base it is used as
  is (``rate`` and ``starting_time``, or ``timestamps``). sleap-io drops the
  frames where a node is missing and gives each series its own times; then the
  frames of the video are the union of all times, and each value goes to the
  frame with its time (NaN elsewhere), as sleap-io's own reader does.
* **Source facts.** ``source_software`` (+ ``version``), ``scorer``, unit,
  reference frame, confidence and its definition.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import FrameTiming, Skeleton
from .frame_times import FrameTimes, corrected_times, times_signature
from .inputs import input_groups
from .pose_cameras import by_camera, camera_of
from .pose_names import (
    DEFAULT_TRACK_NAME,
    common_prefix,
    container_names,
    dlc2nwb_individual,
    file_stem,
    node_of_series,
)
from .replaced_predictions import track_names
from .skeletons import checked_edges, stored_edges, stored_skeleton
from .store import child_groups, is_dataset, linked, member, neurodata_type, open_store, text, texts, visit_groups
from .video_facts import video_facts
from .video_frames import SAME_TIME_TOLERANCE, frames_on_video, union_base

__all__ = ["ContainerScanner", "FrameTimes", "PoseContainerInfo", "same_source", "video_facts"]

# A multi-animal DeepLabCut project's default animal name (neuroconv's skeleton name capitalises it).
_MULTI_ANIMAL_NAME = re.compile(r"individual\d+", re.IGNORECASE)


@dataclass(frozen=True)
class PoseContainerInfo:
    """What one ``PoseEstimation`` holds, read without loading any coordinate.

    Attributes
    ----------
    name : str
        Name of the container in the file.
    path : str
        HDF5 path (``/processing/behavior/PoseEstimation``).
    module : str
        Name of the processing module holding it.
    track : str
        Recovered individual/track name (see the module docstring).
    video : str
        Recovered video key; containers sharing it share frames.
    skeleton : Skeleton
        Nodes (one per series, in skeleton order) and edges.
    n_frames : int
        Frames after aligning the series' times.
    n_dims : int
        2 or 3.
    timing : FrameTiming or None
        Frame times; None when the container has no series.
    source_software, source_software_version, scorer, description : str or None
        As stored.
    unit : str
        Unit of the coordinates.
    reference_frame : str or None
        As stored on the first series.
    confidence_definition : str or None
        As stored on the first series with confidence.
    has_confidence : bool
        Whether any series stores confidence.
    original_video : str or None
        The video file as recorded (``source_video`` external file or ``original_videos[0]``).
    video_path : pathlib.Path or None
        That video on this machine, when it exists (relative paths are relative to the NWB file).
    frame_size : tuple of (int, int) or None
        ``(height, width)`` of the linked source video.
    image_files : tuple of pathlib.Path or None
        A source video of several image files (one per frame): those files, when all exist here.
    video_linked : bool
        ``original_video`` is a file the NWB file links (relative to it), not a path a description names.
    planar_nodes : tuple of str
        Nodes of a 3D container whose series store x and y only (ndx-pose allows it): their z is NaN
        because it was never estimated, not because the node is missing.
    group : int
        The containers of one group are read as one PoseData: one pose file's (:mod:`.inputs`).
    """

    name: str
    path: str
    module: str
    track: str
    video: str
    skeleton: Skeleton
    n_frames: int
    n_dims: int
    timing: FrameTiming | None
    source_software: str | None = None
    source_software_version: str | None = None
    scorer: str | None = None
    description: str | None = None
    unit: str = "pixels"
    reference_frame: str | None = None
    confidence_definition: str | None = None
    has_confidence: bool = False
    original_video: str | None = None
    video_path: Path | None = None
    frame_size: tuple[int, int] | None = None
    image_files: tuple[Path, ...] | None = None
    video_linked: bool = False
    planar_nodes: tuple[str, ...] = ()
    group: int = 0
    # Internal: series paths per node (None for a node without series) and frame index per node.
    _series: tuple[str | None, ...] = field(default=(), repr=False)
    _frames: tuple[np.ndarray | None, ...] = field(default=(), repr=False, compare=False)


@dataclass
class RawContainer:
    """A container as found, before frames are aligned across the containers of its video."""

    name: str
    path: str
    module: str
    track: str | None
    video_hint: str | None
    skeleton: Skeleton
    series: list[str | None]
    times: list[np.ndarray | None]
    timings: list[FrameTiming | None]
    n_dims: int
    facts: dict[str, Any]
    # The animal neuroconv's DeepLabCut interface named in the skeleton, and the recorded video's name:
    # the track and video when the containers of a group name several animals (see ContainerScanner._align).
    animal: str | None = None
    recorded_video: str | None = None
    # Nodes whose series store fewer coordinates than the container's others (x, y beside x, y, z).
    planar_nodes: tuple[str, ...] = ()
    group: int = 0
    # The Device the container links (ndx-pose 0.2's device, 0.1's first of devices): its camera.
    camera: str | None = None


class ContainerScanner:
    """Reads what every ``PoseEstimation`` of an open NWB file holds (see the module docstring).

    Parameters
    ----------
    root : h5py.File or h5py-style group
        The file's root group.
    path : pathlib.Path
        The file, for messages and for video paths stored relative to it.
    """

    def __init__(self, root: Any, path: Path) -> None:
        self._file = root
        self.path = path
        self._times = FrameTimes(path)

    def scan(self) -> dict[str, PoseContainerInfo]:
        """Return every container, by name (``module/name`` when two modules use one name)."""
        # Links are not followed, so a container linked elsewhere is found once.
        groups = visit_groups(self._file, "PoseEstimation")
        raws = [self._read_container(group) for group in groups]
        infos = self._align(raws)
        names: dict[str, PoseContainerInfo] = {}
        clashing = {info.name for info in infos if sum(i.name == info.name for i in infos) > 1}
        for info in infos:
            names[f"{info.module}/{info.name}" if info.name in clashing else info.name] = info
        return names

    def _skeleton_of(
        self, group: Any, series_names: list[str]
    ) -> tuple[list[str], list[tuple[int, int]], str, str | None]:
        """Return (nodes, edges, skeleton name, subject id) from the linked Skeleton or the 0.1 datasets.

        The subject id is that of the ``Subject`` the skeleton links to (ndx-pose 0.2+), if any.
        """
        for key in group:
            if neurodata_type(group[key]) == "Skeleton":
                found = linked(self._file, group, key)
                skeleton = (
                    stored_skeleton(self._file, *found, source=self.path, owner=group.name)
                    if found is not None
                    else None
                )
                if skeleton is not None:
                    subject = linked(self._file, found[1], "subject")
                    subject_id = text(subject[1].get("subject_id")) if subject is not None else None
                    return list(skeleton.nodes), list(skeleton.edges), skeleton.name, subject_id
        nodes = texts(group["nodes"]) if is_dataset(member(group, "nodes")) else []
        edges = stored_edges(group)
        if not nodes:
            nodes = list(series_names)
            edges = np.empty((0, 2))
        return nodes, list(checked_edges(edges, len(nodes), f"{self.path}: {group.name}")), "Skeleton", None

    def _read_container(self, group: Any) -> RawContainer:
        name = PurePosixPath(group.name).name
        module = PurePosixPath(group.name).parent.name
        series_groups = child_groups(group, "PoseEstimationSeries")
        nodes, edges, skeleton_name, subject_id = self._skeleton_of(group, list(series_groups))
        facts = self._container_facts(group)
        recorded_video = facts.pop("video_hint", None)

        track, video_hint, animal = container_names(name, facts, skeleton_name, subject_id)

        # Match series to nodes: by name, by description, by neuroconv's name, by a common prefix (dlc2nwb).
        by_node: dict[str, str] = {}
        descriptions = {key: text(series.attrs.get("description")) for key, series in series_groups.items()}
        for key, description in descriptions.items():
            node = node_of_series(key, description, nodes)
            if node is not None and node not in by_node:
                by_node[node] = key
        prefix = common_prefix(nodes, track, dlc2nwb_individual(descriptions))
        if prefix:
            nodes = [node[len(prefix) :] for node in nodes]
            by_node = {node[len(prefix) :] if node.startswith(prefix) else node: key for node, key in by_node.items()}
            track = track or prefix[:-1]
        unmatched = [key for key in series_groups if key not in by_node.values()]
        if unmatched:
            warnings.warn(
                f"{self.path}: {group.name} has series {unmatched} that are not nodes of its skeleton "
                f"{nodes}; they are read as extra nodes.",
                PoseconvWarning,
                stacklevel=4,
            )
            for key in unmatched:
                nodes.append(key)
                by_node[key] = key
        series_paths = [series_groups[by_node[node]].name if node in by_node else None for node in nodes]

        times, timings, dims = self._series_times(group, series_paths)
        n_dims = max((d for d in dims if d is not None), default=2)
        skeleton = Skeleton(name=skeleton_name, nodes=tuple(nodes), edges=tuple(edges))
        return RawContainer(
            name=name,
            path=group.name,
            module=module,
            track=track,
            video_hint=video_hint or recorded_video,
            skeleton=skeleton,
            series=series_paths,
            times=times,
            timings=timings,
            n_dims=n_dims,
            facts=facts,
            animal=animal,
            recorded_video=recorded_video,
            planar_nodes=tuple(node for node, d in zip(nodes, dims, strict=True) if d is not None and d < n_dims),
            camera=camera_of(self._file, group),
        )

    def _series_times(
        self, group: Any, series_paths: list[str | None]
    ) -> tuple[list[np.ndarray | None], list[FrameTiming | None], list[int | None]]:
        """Return each series' frame times, timing and dimensions (None for a node without series)."""
        times: list[np.ndarray | None] = []
        timings: list[FrameTiming | None] = []
        per_series: list[int | None] = []
        uneven: dict[tuple[int, int], list[str]] = {}
        scored: dict[tuple[int, int], list[str]] = {}
        for series_path in series_paths:
            if series_path is None:
                times.append(None)
                timings.append(None)
                per_series.append(None)
                continue
            series = self._file[series_path]
            shape = series["data"].shape
            per_series.append(shape[1] if len(shape) > 1 else 1)
            t, timing = self._times.of(series, int(shape[0]))
            if t is None:
                raise InvalidSourceFileError(
                    f"{self.path}: {series_path} stores neither timestamps nor a starting time and rate."
                )
            if len(t) != shape[0]:
                # pynwb before 3.0 only warned of it (DLC2NWB's timestamps read from the video can be one off):
                # the samples past the shorter of the two have no time or no value, and are left out, not padded.
                uneven.setdefault((int(shape[0]), len(t)), []).append(series_path.rsplit("/", 1)[-1])
                t = t[: shape[0]]
                timing = FrameTiming(timestamps=t, source="timestamps stored in the NWB file")
            confidence = member(series, "confidence")
            if confidence is not None and confidence.shape[0] != shape[0]:
                # pynwb does not check it: the samples' confidence is read for the samples that have one.
                scored.setdefault((int(shape[0]), int(confidence.shape[0])), []).append(series_path.rsplit("/", 1)[-1])
            times.append(t)
            timings.append(timing)
        for (n_data, n_times), names in uneven.items():
            warnings.warn(
                f"{self.path}: in {group.name}, series {', '.join(names)} store{'s' if len(names) == 1 else ''} "
                f"{n_data} samples of data but {n_times} timestamps; the first {min(n_data, n_times)} are read and "
                f"the last {abs(n_data - n_times)} left out.",
                PoseconvWarning,
                stacklevel=5,
            )
        for (n_data, n_scores), names in scored.items():
            read = f"the first {n_data} confidence values are read and the last {n_scores - n_data} left out"
            if n_scores < n_data:
                read = f"the confidence of the first {n_scores} samples is read; the last {n_data - n_scores} have none"
            warnings.warn(
                f"{self.path}: in {group.name}, series {', '.join(names)} store{'s' if len(names) == 1 else ''} "
                f"{n_data} samples of data but {n_scores} confidence values; {read}. Write the series again with one "
                "confidence value per sample.",
                PoseconvWarning,
                stacklevel=5,
            )
        dims = {d for d in per_series if d is not None}
        n_dims = max(dims) if dims else 2
        if len(dims) > 1:
            warnings.warn(
                f"{self.path}: {group.name} mixes {sorted(dims)}-dimensional series; the missing "
                "coordinates of the lower-dimensional ones are read as NaN.",
                PoseconvWarning,
                stacklevel=5,
            )
        if n_dims not in (2, 3):
            raise InvalidSourceFileError(
                f"{self.path}: {group.name} holds {n_dims}-dimensional positions; expected 2 or 3."
            )
        return times, timings, per_series

    def _container_facts(self, group: Any) -> dict[str, Any]:
        facts: dict[str, Any] = {"description": text(member(group, "description"))}
        software = member(group, "source_software")
        if software is not None:
            facts["source_software"] = text(software)
            facts["source_software_version"] = text(software.attrs.get("version"))
        facts["source_software_version"] = facts.get("source_software_version") or text(
            member(group, "source_software_version")
        )
        facts["scorer"] = text(member(group, "scorer"))
        series = {key: group[key] for key in group if neurodata_type(group[key]) == "PoseEstimationSeries"}
        units = {key: text(child["data"].attrs.get("unit")) or "pixels" for key, child in series.items()}
        facts["unit"] = next(iter(units.values()), None)
        facts["reference_frame"] = next((text(member(child, "reference_frame")) for child in series.values()), None)
        if len(set(units.values())) > 1:  # ndx-pose has a unit per series, poseconv one per container
            warnings.warn(
                f"{self.path}: {group.name} stores its series in different units "
                f"({', '.join(f'{key}: {unit}' for key, unit in units.items())}); all are read as '{facts['unit']}', "
                "the first series' unit. Store the series in one unit to read them together.",
                PoseconvWarning,
                stacklevel=5,
            )
        with_confidence = [child for child in series.values() if member(child, "confidence") is not None]
        if with_confidence:
            facts["confidence_definition"] = text(with_confidence[0]["confidence"].attrs.get("definition"))
        facts.update(video_facts(group, self.path, facts["description"], facts.get("source_software")))
        if facts.get("original_video"):
            facts["video_hint"] = file_stem(facts["original_video"])
        return facts

    def _align(self, raws: list[RawContainer]) -> list[PoseContainerInfo]:
        """Give each container its video key, track name and frame base (see the module docstring)."""
        # One pose file's containers share frames whatever their scorers; two files of one video do not (.inputs).
        numbers = input_groups(self._file, raws)
        groups: dict[int, list[RawContainer]] = {}
        for raw in raws:
            groups.setdefault(numbers[raw.path], []).append(replace(raw, group=numbers[raw.path]))
        infos = []
        for members in groups.values():
            members = _named_animals(members)
            videos: dict[str, list[RawContainer]] = {}
            unhinted = [m for m in members if m.video_hint is None and any(t is not None for t in m.times)]
            share_times = len({times_signature(m.times) for m in unhinted}) <= 1
            for raw in members:
                if all(t is None for t in raw.times):
                    video = raw.video_hint or raw.name
                elif raw.video_hint is not None:
                    video = raw.video_hint
                else:
                    video = "video" if share_times else raw.name
                videos.setdefault(video, []).append(raw)
            split = by_camera(videos)
            # One recorded video in several groups (stored at two rates): each group's animals go by their containers.
            homes = {(raw.facts.get("original_video"), video) for video, group in split.items() for raw in group}
            for video, containers in split.items():
                recorded = {raw.facts.get("original_video") for raw in containers} - {None, ""}
                elsewhere = any(r == o and v != video for r in recorded for o, v in homes)
                infos.extend(self._frame_base(video, containers, elsewhere))
        order = {raw.path: i for i, raw in enumerate(raws)}
        return sorted(infos, key=lambda info: order[info.path])

    def _frame_base(self, video: str, containers: list[RawContainer], split: bool = False) -> list[PoseContainerInfo]:
        # sleap-io's writer stores frame x fps as times, a rate of 0.0 or a truncated rate (see .frame_times).
        sleap_io_layout = any(raw.module.startswith("SLEAP_VIDEO_") for raw in containers)
        fixed, recovered = corrected_times(
            [(raw.series, raw.times, raw.timings) for raw in containers],
            self._times,
            video,
            sleap_io_layout=sleap_io_layout,
        )
        containers = [replace(raw, times=t, timings=tm) for raw, (t, tm) in zip(containers, fixed, strict=True)]
        base, timing, shared = union_base(
            [raw.times for raw in containers], [raw.timings for raw in containers], recovered
        )
        # Times that skip frames are numbered by video frame (see .video_frames), so rows are the video's frames.
        placed = frames_on_video(
            base,
            video_times=next((raw.facts["video_timing"] for raw in containers if raw.facts.get("video_timing")), None),
            recovered_rate=self._times.recovered_rates.get(video) if recovered else None,
            path=self.path,
            video=video,
        )
        frame_of_time = None
        if placed is not None:
            frame_of_time, timing = placed
            shared = False
        n_frames = int(frame_of_time[-1]) + 1 if frame_of_time is not None else len(base)
        infos = []
        # Several unnamed containers of one video are several animals (ndx-pose's README names them by
        # container): each is named by its container, where the default would name only the first; so are those
        # of a video split into groups, which are read as one group when their rates agree.
        alone = sum(raw.track is None for raw in containers) == 1 and not split
        for raw, track in zip(containers, track_names(containers, DEFAULT_TRACK_NAME if alone else None), strict=True):
            frames: list[np.ndarray | None] = []
            for t in raw.times:
                if t is None or shared:
                    frames.append(None)
                else:
                    rows = np.searchsorted(base, t - SAME_TIME_TOLERANCE)
                    frames.append(rows if frame_of_time is None else frame_of_time[rows])
            facts = raw.facts
            infos.append(
                PoseContainerInfo(
                    name=raw.name,
                    path=raw.path,
                    module=raw.module,
                    track=track,
                    video=video,
                    skeleton=raw.skeleton,
                    n_frames=n_frames,
                    n_dims=raw.n_dims,
                    timing=timing,
                    source_software=facts.get("source_software"),
                    source_software_version=facts.get("source_software_version"),
                    scorer=facts.get("scorer"),
                    description=facts.get("description"),
                    unit=facts.get("unit") or "pixels",
                    reference_frame=facts.get("reference_frame"),
                    confidence_definition=facts.get("confidence_definition"),
                    has_confidence=any(member(self._file[p], "confidence") is not None for p in raw.series if p),
                    original_video=facts.get("original_video"),
                    video_path=facts.get("video_path"),
                    frame_size=facts.get("frame_size"),
                    image_files=facts.get("image_files"),
                    video_linked=bool(facts.get("video_linked")),
                    planar_nodes=raw.planar_nodes,
                    group=raw.group,
                    _series=tuple(raw.series),
                    _frames=tuple(frames),
                )
            )
        return infos


def same_source(path: Path, entry: dict[str, Any]) -> bool:
    """Return whether ``processing/behavior/<entry's name>`` of the NWB file ``path`` has entry's scorer or software."""
    with open_store(path) as root:
        group = root.get(f"processing/behavior/{entry['name']}")
        held = {key: text(group.get(key)) if group is not None else None for key in ("scorer", "source_software")}
    return any(entry.get(key) is not None and entry.get(key) == value for key, value in held.items())


def _named_animals(members: list[RawContainer]) -> list[RawContainer]:
    """Return the containers of one group with the animals neuroconv's DeepLabCut interface named as tracks.

    neuroconv converts a multi-animal DeepLabCut file with one interface per individual, each
    container named by metadata (``PoseEstimationIndividual1``): the animals of one video, not
    the cameras an IBL-style name would give. Several animals named in the group say so, and so does
    one named as DeepLabCut names a multi-animal project's (``Individual2``); then each such
    container's track is its animal and its video the recorded one (else shared by times). Another
    name alone (the default ``ind1``, a mouse's ID) names no animal: a single-animal file's subject.
    """
    animals = {raw.animal for raw in members if raw.animal is not None}
    if len(animals) < 2 and not all(_MULTI_ANIMAL_NAME.fullmatch(animal) for animal in animals):
        return members
    return [
        raw if raw.animal is None else replace(raw, track=raw.animal, video_hint=raw.recorded_video) for raw in members
    ]
