"""Read the poses back out of an NWB file, whoever wrote it.

Every ``PoseEstimation`` group of the file (ndx-pose 0.1 to 0.4) becomes one
track of a :class:`~poseconv.model.PoseData`. The file is read with h5py, not
pynwb, on purpose: files written by other tools cache extension specs that
clash with the installed ones (sleap-io caches ``ndx-multisubjects``), and
ndx-pose 0.4 refuses to build some older files (a ``PoseEstimation`` linking
two cameras). h5py sees the groups as written and resolves links itself.

What is recovered, and how:

* **Track name.** poseconv's default description (``"Poses of 'rat 1'
  estimated with ... on video 'm3v1mp4' ..."``) gives the exact names, as
  does movement's (``"Estimated positions of ... for rat 1 using ..."``); else
  the container name: ``PoseEstimation_<track>`` (poseconv),
  ``track=<track>`` (sleap-io); a common series prefix ``ind1_`` (dlc2nwb);
  otherwise ``"individual"`` (DeepLabCut's single-animal name; neuroconv's
  ``PoseEstimation<Software>`` names no animal).
* **Video.** poseconv's description, else the linked ``source_video``'s
  file name, the first ``original_videos`` entry, or the rest of an IBL-style
  name (``PoseEstimationLeftCamera`` -> ``LeftCamera``).
* **Skeleton.** The linked ``Skeleton`` (0.2+), or the ``nodes``/``edges``
  datasets of the container (0.1); series are matched to nodes by name, by
  their description (poseconv's and neuroconv's), or by neuroconv's
  ``PoseEstimationSeries<Node>`` names.
* **Frames.** When every series of a video shares one time base it is used as
  is (``rate`` and ``starting_time``, or ``timestamps``). sleap-io drops the
  frames where a node is missing and gives each series its own times; then the
  frames of the video are the union of all times, and each value goes to the
  frame with its time (NaN elsewhere), as sleap-io's own reader does.
* **Source facts.** ``source_software`` (+ ``version``), ``scorer``, unit,
  reference frame, confidence and its definition.
* **Extra columns.** The ``<container>ExtraCoords`` time series poseconv writes
  beside a container (LightningPose ensembles; :mod:`poseconv.nwb.extra_coords`)
  become the track's ``extra_coords``.

Containers of one processing module with the same source software, version
and scorer form one :class:`PoseData` (a multi-animal DeepLabCut file written
by poseconv comes back as one PoseData with every individual).

Laziness and lifetime: :func:`open_nwb` returns an :class:`NWBPoseFile` that
keeps the HDF5 file open until it is closed (use it as a context manager). Its
:attr:`~NWBPoseFile.containers` describe every container (names, nodes,
frame counts, timing) after reading only small datasets and timestamps; no
coordinate is read until :meth:`NWBPoseFile.read` loads the containers asked
for, or :meth:`NWBPoseFile.series` hands out the h5py datasets of one node
(valid while the file is open). :func:`read_nwb` opens, reads and closes;
the arrays it returns are plain numpy arrays that outlive the file.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np

from ..errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from ..model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from .extra_coords import read_extra_coords

__all__ = ["NWBPoseFile", "PoseContainerInfo", "SeriesHandle", "open_nwb", "read_nwb"]

#: Track name given to a container whose name and description do not name one (DeepLabCut's own).
DEFAULT_TRACK_NAME = "individual"
# Two frame times closer than this (seconds) are the same frame; video frames are >= 1 ms apart.
_SAME_TIME_TOLERANCE = 1e-6
# Container descriptions that name the animal (and the video): poseconv's, then movement's.
_CONTAINER_DESCRIPTIONS = (
    re.compile(r"^Poses of '(?P<track>.*)' estimated with .*? on video '(?P<video>.*?)', read from "),
    re.compile(r"^Estimated positions of .* for (?P<track>.+?) using \S+\.$"),
)
# neuroconv's series description names the node (poseconv's is matched in _node_of_series).
_NEUROCONV_SERIES_DESCRIPTION = re.compile(r"^Pose estimation series for (?P<node>.+)\.$")
# neuroconv names series "PoseEstimationSeries" + the capitalised node.
_NEUROCONV_SERIES_PREFIX = "PoseEstimationSeries"
_EMPTY_TEXT = ("", "{}", "None", "null")


@dataclass(frozen=True)
class SeriesHandle:
    """The h5py datasets of one ``PoseEstimationSeries``; valid while the file is open.

    Attributes
    ----------
    node : str
        Node the series holds.
    path : str
        HDF5 path of the series group.
    data : h5py.Dataset
        ``(frames, 2|3)`` coordinates as stored (before ``conversion``/``offset``).
    confidence : h5py.Dataset or None
        ``(frames,)`` confidence, when stored.
    conversion, offset : float
        Stored value * conversion + offset gives the value in ``unit``.
    """

    node: str
    path: str
    data: Any
    confidence: Any | None
    conversion: float = 1.0
    offset: float = 0.0

    def load(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Read the coordinates (in ``unit``) and the confidence into numpy arrays."""
        values = np.asarray(self.data[()], dtype="float64")
        if values.ndim == 1:
            values = values[:, None]
        if self.conversion != 1.0 or self.offset != 0.0:
            values = values * self.conversion + self.offset
        confidence = None
        if self.confidence is not None:
            confidence = np.asarray(self.confidence[()], dtype="float64").reshape(-1)
        return values, confidence


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
    # Internal: series paths per node (None for a node without series) and frame index per node.
    _series: tuple[str | None, ...] = field(default=(), repr=False)
    _frames: tuple[np.ndarray | None, ...] = field(default=(), repr=False, compare=False)


def _text(value: Any) -> str | None:
    """Decode an HDF5 string (dataset value or attribute) to str; None when empty or absent."""
    if value is None:
        return None
    if hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, np.ndarray):
        value = value[()]
    if isinstance(value, np.ndarray):
        if value.size == 0:
            return None
        value = value.reshape(-1)[0]
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = str(value).strip()
    return None if text in _EMPTY_TEXT else text


def _texts(dataset: Any) -> list[str]:
    if dataset is None:
        return []
    values = np.atleast_1d(dataset[()])
    return [v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v) for v in values.reshape(-1)]


def _type_of(obj: Any) -> str | None:
    value = obj.attrs.get("neurodata_type")
    return value.decode() if isinstance(value, bytes) else value


def _file_stem(recorded: str) -> str:
    # Paths come from other machines: split on both separators.
    name = PureWindowsPath(recorded).name if "\\" in recorded else PurePosixPath(recorded).name
    return name.rsplit(".", 1)[0] if "." in name else name


class _Times:
    """Frame times of series, cached by the dataset they come from (linked timestamps are read once)."""

    def __init__(self, path: Path | str = "") -> None:
        self._cache: dict[str, np.ndarray] = {}
        self._path = path
        self._warned = False

    def of(self, group: Any, n_samples: int) -> tuple[np.ndarray | None, FrameTiming | None]:
        """Return (times, timing) of one series group; (None, None) when it stores neither."""
        if "starting_time" in group:
            start = float(group["starting_time"][()])
            rate = float(group["starting_time"].attrs["rate"])
            source = "rate stored in the NWB file"
            if not (np.isfinite(rate) and rate > 0):
                rate, source = 1.0, self._no_rate(group, rate)
            times = start + np.arange(n_samples, dtype="float64") / rate
            return times, FrameTiming(rate=rate, starting_time=start, source=source)
        if "timestamps" in group:
            link = group.get("timestamps", getlink=True)
            key = getattr(link, "path", None) or f"{group.name}/timestamps"
            if key not in self._cache:
                self._cache[key] = np.asarray(group["timestamps"][()], dtype="float64").reshape(-1)
            times = self._cache[key]
            return times, FrameTiming(timestamps=times, source="timestamps stored in the NWB file")
        return None, None

    def _no_rate(self, group: Any, rate: float) -> str:
        """Warn, once per file, that a series stores no usable rate; return the source of the fallback."""
        if not self._warned:
            self._warned = True
            warnings.warn(
                f"{self._path}: {group.name} stores a frame rate of {rate!r} (some SLEAP writers used by "
                "neuroconv store 0.0 when they cannot tell the rate); its frames are read as frame numbers, "
                "one per second from starting_time. Convert the source file again with its real frame rate "
                "(poseconv convert --fps) to get real times.",
                PoseconvWarning,
                stacklevel=4,
            )
        return f"frame numbers: the NWB file stores a rate of {rate!r}"


@dataclass
class _RawContainer:
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


class NWBPoseFile:
    """An NWB file opened for reading poses; see the module docstring for what is lazy.

    Use :func:`open_nwb` to make one, preferably as a context manager::

        with open_nwb("session.nwb") as nwb:
            print(list(nwb.containers))
            poses = nwb.read(["PoseEstimation_individual1"])

    Attributes
    ----------
    path : pathlib.Path
        The NWB file.
    containers : dict of str to PoseContainerInfo
        Every ``PoseEstimation``, by name (``module/name`` when two modules use one name).
    """

    def __init__(self, path: str | Path) -> None:
        import h5py

        self.path = Path(path)
        if not self.path.exists():
            raise InvalidSourceFileError(f"{self.path}: file not found. Check the path of the NWB file.")
        if self.path.is_dir():
            raise InvalidSourceFileError(
                f"{self.path}: is a directory; poseconv reads NWB files stored in HDF5 (not Zarr) only."
            )
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as err:
            raise InvalidSourceFileError(f"{self.path}: not an HDF5 NWB file ({err}).") from err
        self._times = _Times(self.path)
        try:
            self.containers = self._scan()
        except Exception:
            self._file.close()
            raise

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HDF5 file; datasets handed out by :meth:`series` become invalid."""
        self._file.close()

    def __enter__(self) -> NWBPoseFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scanning -----------------------------------------------------------------------------

    def _find_containers(self) -> list[Any]:
        found = []

        def visit(name: str, obj: Any) -> None:
            if name.startswith("specifications"):
                return
            if _type_of(obj) == "PoseEstimation":
                found.append(obj)

        # visititems does not follow soft links, so a container linked elsewhere is found once.
        self._file.visititems(visit)
        return found

    def _scan(self) -> dict[str, PoseContainerInfo]:
        if "nwb_version" not in self._file.attrs and "general" not in self._file:
            raise InvalidSourceFileError(f"{self.path}: an HDF5 file, but not an NWB file.")
        groups = self._find_containers()
        raws = [self._read_container(group) for group in groups]
        infos = self._align(raws)
        names: dict[str, PoseContainerInfo] = {}
        clashing = {info.name for info in infos if sum(i.name == info.name for i in infos) > 1}
        for info in infos:
            names[f"{info.module}/{info.name}" if info.name in clashing else info.name] = info
        return names

    def _skeleton_of(self, group: Any, series_names: list[str]) -> tuple[list[str], list[tuple[int, int]], str]:
        """Return (nodes, edges, skeleton name) from the linked Skeleton or the 0.1 datasets."""
        for key in group:
            child = group[key]
            if _type_of(child) == "Skeleton":
                nodes = _texts(child.get("nodes"))
                edges = np.asarray(child["edges"][()]).reshape(-1, 2) if "edges" in child else np.empty((0, 2))
                return nodes, [(int(a), int(b)) for a, b in edges], PurePosixPath(child.name).name
        import h5py

        nodes = _texts(group["nodes"]) if isinstance(group.get("nodes"), h5py.Dataset) else []
        edges = np.asarray(group["edges"][()]).reshape(-1, 2) if "edges" in group else np.empty((0, 2))
        if not nodes:
            nodes = list(series_names)
            edges = np.empty((0, 2))
        return nodes, [(int(a), int(b)) for a, b in edges], "Skeleton"

    def _read_container(self, group: Any) -> _RawContainer:
        name = PurePosixPath(group.name).name
        module = PurePosixPath(group.name).parent.name
        series_groups = {key: group[key] for key in group if _type_of(group[key]) == "PoseEstimationSeries"}
        nodes, edges, skeleton_name = self._skeleton_of(group, list(series_groups))
        facts = self._container_facts(group)

        track, video_hint = _names_from_description(facts.get("description"))
        if track is None:
            track, video_hint = _names_from_container_name(name, facts.get("source_software"))

        # Match series to nodes: by name, by description, by neuroconv's name, by a common prefix (dlc2nwb).
        by_node: dict[str, str] = {}
        for key, series in series_groups.items():
            node = _node_of_series(key, _text(series.attrs.get("description")), nodes)
            if node is not None and node not in by_node:
                by_node[node] = key
        prefix = _common_prefix(nodes, track)
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

        times_reader = self._times
        times: list[np.ndarray | None] = []
        timings: list[FrameTiming | None] = []
        dims = set()
        for series_path in series_paths:
            if series_path is None:
                times.append(None)
                timings.append(None)
                continue
            series = self._file[series_path]
            shape = series["data"].shape
            dims.add(shape[1] if len(shape) > 1 else 1)
            t, timing = times_reader.of(series, int(shape[0]))
            if t is None:
                raise InvalidSourceFileError(
                    f"{self.path}: {series_path} stores neither timestamps nor a starting time and rate."
                )
            times.append(t)
            timings.append(timing)
        n_dims = max(dims) if dims else 2
        if len(dims) > 1:
            warnings.warn(
                f"{self.path}: {group.name} mixes {sorted(dims)}-dimensional series; the missing "
                "coordinates of the lower-dimensional ones are read as NaN.",
                PoseconvWarning,
                stacklevel=4,
            )
        if n_dims not in (2, 3):
            raise InvalidSourceFileError(
                f"{self.path}: {group.name} holds {n_dims}-dimensional positions; expected 2 or 3."
            )
        skeleton = Skeleton(name=skeleton_name, nodes=tuple(nodes), edges=tuple(edges))
        return _RawContainer(
            name=name,
            path=group.name,
            module=module,
            track=track,
            video_hint=video_hint or facts.pop("video_hint", None),
            skeleton=skeleton,
            series=series_paths,
            times=times,
            timings=timings,
            n_dims=n_dims,
            facts=facts,
        )

    def _container_facts(self, group: Any) -> dict[str, Any]:
        facts: dict[str, Any] = {"description": _text(group.get("description"))}
        software = group.get("source_software")
        if software is not None:
            facts["source_software"] = _text(software)
            facts["source_software_version"] = _text(software.attrs.get("version"))
        facts["source_software_version"] = facts.get("source_software_version") or _text(
            group.get("source_software_version")
        )
        facts["scorer"] = _text(group.get("scorer"))
        first_series = next((group[k] for k in group if _type_of(group[k]) == "PoseEstimationSeries"), None)
        if first_series is not None:
            facts["unit"] = _text(first_series["data"].attrs.get("unit")) or "pixels"
            facts["reference_frame"] = _text(first_series.get("reference_frame"))
        for key in group:
            child = group[key]
            if _type_of(child) == "PoseEstimationSeries" and "confidence" in child:
                facts["confidence_definition"] = _text(child["confidence"].attrs.get("definition"))
                break
        source_video = group.get("source_video")
        if source_video is not None and "external_file" in source_video:
            external = _texts(source_video["external_file"])
            if external:
                facts["original_video"] = external[0]
            if "dimension" in source_video:
                width, height = (int(v) for v in np.asarray(source_video["dimension"][()]).reshape(-1)[:2])
                facts["frame_size"] = (height, width)
        elif "original_videos" in group:
            originals = _texts(group["original_videos"])
            if originals:
                facts["original_video"] = originals[0]
        if facts.get("original_video"):
            facts["video_hint"] = _file_stem(facts["original_video"])
            candidate = Path(facts["original_video"])
            if not candidate.is_absolute():
                # NWB stores external files relative to the NWB file (DANDI's convention).
                candidate = (self.path.resolve().parent / candidate).resolve()
            facts["video_path"] = candidate if candidate.is_file() else None
        return facts

    def _align(self, raws: list[_RawContainer]) -> list[PoseContainerInfo]:
        """Give each container its video key, track name and frame base (see the module docstring)."""
        groups: dict[tuple, list[_RawContainer]] = {}
        for raw in raws:
            key = (
                raw.module,
                raw.facts.get("source_software"),
                raw.facts.get("source_software_version"),
                raw.facts.get("scorer"),
            )
            groups.setdefault(key, []).append(raw)
        infos = []
        for members in groups.values():
            videos: dict[str, list[_RawContainer]] = {}
            unhinted = [m for m in members if m.video_hint is None and any(t is not None for t in m.times)]
            share_times = len({_times_signature(m) for m in unhinted}) <= 1
            for raw in members:
                if all(t is None for t in raw.times):
                    video = raw.video_hint or raw.name
                elif raw.video_hint is not None:
                    video = raw.video_hint
                else:
                    video = "video" if share_times else raw.name
                videos.setdefault(video, []).append(raw)
            for video, containers in videos.items():
                infos.extend(self._frame_base(video, containers))
        order = {raw.path: i for i, raw in enumerate(raws)}
        return sorted(infos, key=lambda info: order[info.path])

    def _frame_base(self, video: str, containers: list[_RawContainer]) -> list[PoseContainerInfo]:
        all_times = [t for raw in containers for t in raw.times if t is not None]
        timings = [timing for raw in containers for timing in raw.timings if timing is not None]
        first = all_times[0] if all_times else None
        shared = first is not None and all(len(t) == len(first) and np.array_equal(t, first) for t in all_times)
        if not all_times:
            base, timing = np.empty(0), None
        elif shared:
            base, timing = first, timings[0]
        else:
            union = np.unique(np.concatenate(all_times))
            keep = np.concatenate([[True], np.diff(union) > _SAME_TIME_TOLERANCE]) if len(union) else union.astype(bool)
            base = union[keep]
            timing = FrameTiming(
                timestamps=base,
                source="union of the series' times stored in the NWB file (series store different frames)",
            )
        infos = []
        used_tracks: set[str] = set()
        for raw in containers:
            # An animal may be named "" (a description says so); only an unnamed container gets the default.
            track = DEFAULT_TRACK_NAME if raw.track is None else raw.track
            if track in used_tracks:
                track = raw.name
            used_tracks.add(track)
            frames: list[np.ndarray | None] = []
            for t in raw.times:
                if t is None or shared:
                    frames.append(None)
                else:
                    frames.append(np.searchsorted(base, t - _SAME_TIME_TOLERANCE))
            facts = raw.facts
            infos.append(
                PoseContainerInfo(
                    name=raw.name,
                    path=raw.path,
                    module=raw.module,
                    track=track,
                    video=video,
                    skeleton=raw.skeleton,
                    n_frames=int(len(base)),
                    n_dims=raw.n_dims,
                    timing=timing,
                    source_software=facts.get("source_software"),
                    source_software_version=facts.get("source_software_version"),
                    scorer=facts.get("scorer"),
                    description=facts.get("description"),
                    unit=facts.get("unit") or "pixels",
                    reference_frame=facts.get("reference_frame"),
                    confidence_definition=facts.get("confidence_definition"),
                    has_confidence=any(p is not None and "confidence" in self._file[p] for p in raw.series),
                    original_video=facts.get("original_video"),
                    video_path=facts.get("video_path"),
                    frame_size=facts.get("frame_size"),
                    _series=tuple(raw.series),
                    _frames=tuple(frames),
                )
            )
        return infos

    # -- access -------------------------------------------------------------------------------

    def _info(self, container: str) -> PoseContainerInfo:
        if container in self.containers:
            return self.containers[container]
        for info in self.containers.values():
            if container in (info.path, info.path.lstrip("/")):
                return info
        raise InvalidOptionError(
            f"{self.path}: no PoseEstimation named {container!r}; the file holds {sorted(self.containers)}."
        )

    def series(self, container: str, node: str) -> SeriesHandle:
        """Return the h5py datasets of ``node`` in ``container``, without reading them.

        Parameters
        ----------
        container : str
            A key of :attr:`containers` (or the container's HDF5 path).
        node : str
            A node of the container's skeleton.

        Returns
        -------
        SeriesHandle
            Valid while this file is open.
        """
        info = self._info(container)
        if node not in info.skeleton.nodes:
            raise InvalidOptionError(f"{container!r} has no node {node!r}; its nodes are {list(info.skeleton.nodes)}.")
        path = info._series[info.skeleton.nodes.index(node)]
        if path is None:
            raise InvalidOptionError(f"{container!r}: node {node!r} is in the skeleton but has no series.")
        group = self._file[path]
        data = group["data"]
        return SeriesHandle(
            node=node,
            path=path,
            data=data,
            confidence=group.get("confidence"),
            conversion=float(data.attrs.get("conversion", 1.0)),
            offset=float(data.attrs.get("offset", 0.0)),
        )

    def load_track(self, container: str, *, lazy: bool = False) -> PoseTrack:
        """Read one container's coordinates and confidence into a :class:`PoseTrack`.

        With ``lazy=True`` (and series sharing one time base) the arrays are
        :class:`~poseconv.nwb.stored.StoredSeriesArray` views, read when indexed, valid while the file is open.
        """
        info = self._info(container)
        n_nodes = len(info.skeleton.nodes)
        if lazy and all(frames is None for frames in info._frames):
            positions, confidence = self._stored_arrays(container, info)
        else:
            positions = np.full((info.n_frames, n_nodes, info.n_dims), np.nan)
            confidence = np.full((info.n_frames, n_nodes), np.nan) if info.has_confidence else None
        for j, (node, path) in enumerate(zip(info.skeleton.nodes, info._series, strict=True)):
            if path is None or not isinstance(positions, np.ndarray):
                continue
            values, scores = self.series(container, node).load()
            frames = info._frames[j]
            rows = slice(None) if frames is None else frames
            positions[rows, j, : values.shape[1]] = values
            if confidence is not None and scores is not None and len(scores) == len(values):
                confidence[rows, j] = scores
        return PoseTrack(
            name=info.track,
            skeleton=info.skeleton.name,
            video=info.video,
            positions=positions,
            confidence=confidence,
            confidence_definition=info.confidence_definition if info.has_confidence else None,
            # Values ndx-pose has no place for (LightningPose ensembles), written beside the container.
            extra_coords=read_extra_coords(self._file[info.path].parent, info.name, info.skeleton.nodes, info.n_frames),
        )

    def _stored_arrays(self, container: str, info: PoseContainerInfo) -> tuple[Any, Any]:
        from .stored import StoredSeriesArray

        handles = [
            None if path is None else self.series(container, node)
            for node, path in zip(info.skeleton.nodes, info._series, strict=True)
        ]
        scales = [(1.0, 0.0) if h is None else (h.conversion, h.offset) for h in handles]
        positions = StoredSeriesArray([h and h.data for h in handles], info.n_frames, info.n_dims, scales)
        confidence = None
        if info.has_confidence:
            confidence = StoredSeriesArray([h and h.confidence for h in handles], info.n_frames, None)
        return positions, confidence

    def read(self, containers: Sequence[str] | None = None, *, lazy: bool = False) -> list[PoseData]:
        """Load the containers asked for (all by default) into PoseData, grouped as the module docstring says.

        Parameters
        ----------
        containers : sequence of str, optional
            Keys of :attr:`containers` (or HDF5 paths); all when None.
        lazy : bool, default: False
            Give tracks whose positions and confidence are read when indexed (valid while
            the file is open), for tools that go through long recordings in blocks.

        Returns
        -------
        list of PoseData
            One per group of containers, in file order; arrays are numpy copies unless ``lazy``.
        """
        names = list(self.containers) if containers is None else list(containers)
        infos = {name: self._info(name) for name in names}
        grouped: dict[tuple, list[str]] = {}
        for name, info in infos.items():
            key = (info.module, info.source_software, info.source_software_version, info.scorer)
            grouped.setdefault(key, []).append(name)
        return [self._pose(members, infos, lazy) for members in grouped.values()]

    def _pose(self, members: list[str], infos: dict[str, PoseContainerInfo], lazy: bool = False) -> PoseData:
        first = infos[members[0]]
        skeletons: dict[str, Skeleton] = {}
        tracks = []
        for name in members:
            info = infos[name]
            skeleton = info.skeleton
            existing = skeletons.get(skeleton.name)
            if existing is not None and existing != skeleton:
                # Two containers name different skeletons alike (e.g. 0.1 files): keep both apart.
                skeleton = Skeleton(name=f"{skeleton.name}_{info.name}", nodes=skeleton.nodes, edges=skeleton.edges)
            skeletons[skeleton.name] = skeleton
            track = self.load_track(name, lazy=lazy)
            track.skeleton = skeleton.name
            tracks.append(track)
        videos: dict[str, VideoInfo] = {}
        timing: dict[str, FrameTiming] = {}
        for name in members:
            info = infos[name]
            if info.video not in videos:
                videos[info.video] = VideoInfo(
                    key=info.video,
                    original_path=info.original_video,
                    path=info.video_path,
                    frame_size=info.frame_size,
                    fps=info.timing.rate if info.timing is not None else None,
                )
                if info.timing is not None:
                    timing[info.video] = info.timing
        kwargs: dict[str, Any] = {
            "source_software_version": first.source_software_version,
            "scorer": first.scorer,
            "unit": first.unit,
            "notes": {
                "nwb_containers": {f"{infos[n].video}/{infos[n].track}": infos[n].path for n in members},
                "descriptions": {infos[n].track: infos[n].description for n in members},
            },
        }
        if first.reference_frame:
            kwargs["reference_frame"] = first.reference_frame
        return PoseData.from_tracks(
            source_software=first.source_software or "unknown",
            source_file=self.path,
            skeletons=list(skeletons.values()),
            videos=list(videos.values()),
            tracks=tracks,
            timing=timing,
            **kwargs,
        )


def _times_signature(raw: _RawContainer) -> tuple:
    t = next((t for t in raw.times if t is not None), None)
    if t is None:
        return ()
    return (len(t), float(t[0]) if len(t) else None, float(t[-1]) if len(t) else None)


def _names_from_description(description: str | None) -> tuple[str | None, str | None]:
    for pattern in _CONTAINER_DESCRIPTIONS:
        match = pattern.match(description or "")
        if match:
            return match["track"], match.groupdict().get("video")
    return None, None


def _names_from_container_name(name: str, software: str | None) -> tuple[str | None, str | None]:
    """Return (track, video hint) from a container name, as the module docstring lists."""
    if name.startswith("track="):
        return name[len("track=") :] or None, None
    if name.startswith("PoseEstimation_"):
        return name[len("PoseEstimation_") :] or None, None
    rest = name[len("PoseEstimation") :] if name.startswith("PoseEstimation") else ""
    # neuroconv names containers "PoseEstimation<Software>"; the rest names no video then.
    if rest and rest.lower() != (software or "").lower():
        return None, rest
    return None, None


def _node_of_series(key: str, description: str | None, nodes: Sequence[str]) -> str | None:
    """Return the node a series holds, from its description or its name; None when unknown.

    The description comes first: it names the node verbatim, where the series name may be
    the NWB-safe form of another node's name ("a/b" is written as ``a_b``, next to a node
    ``a_b`` written as ``a_b_2``).
    """
    text = description or ""
    # poseconv's "Position of '<node>' of '<track>'.": the longest node that fits, as names may hold quotes.
    quoted = [node for node in nodes if text.startswith((f"Position of '{node}' of '", f"Position of '{node}'."))]
    if quoted:
        return max(quoted, key=len)
    match = _NEUROCONV_SERIES_DESCRIPTION.match(text)
    if match and match["node"] in nodes:
        return match["node"]
    if key in nodes:
        return key
    if key.startswith(_NEUROCONV_SERIES_PREFIX):
        rest = key[len(_NEUROCONV_SERIES_PREFIX) :].lower()
        candidates = [node for node in nodes if node.lower() == rest]
        if len(candidates) == 1:
            return candidates[0]
    return None


def _common_prefix(nodes: list[str], track: str | None) -> str | None:
    """Return ``"<individual>_"`` when every node carries it (dlc2nwb names nodes ``ind1_snout``)."""
    if not nodes:
        return None
    candidates = [f"{track}_"] if track else []
    match = re.match(r"^(ind\d+)_", nodes[0])
    if match:
        candidates.append(match.group(0))
    for prefix in candidates:
        if all(node.startswith(prefix) and len(node) > len(prefix) for node in nodes):
            return prefix
    return None


def open_nwb(path: str | Path) -> NWBPoseFile:
    """Open an NWB file for reading poses lazily; close it (or use ``with``) when done.

    Parameters
    ----------
    path : str or pathlib.Path
        An NWB file stored in HDF5.

    Returns
    -------
    NWBPoseFile
        The open file; see the module docstring for what is read when.

    Raises
    ------
    InvalidSourceFileError
        When the file is missing or not an HDF5 NWB file.
    """
    return NWBPoseFile(path)


def read_nwb(path: str | Path, *, containers: Iterable[str] | None = None) -> list[PoseData]:
    """Read the poses of an NWB file written by poseconv or another tool.

    Parameters
    ----------
    path : str or pathlib.Path
        An NWB file stored in HDF5.
    containers : iterable of str, optional
        Names of the ``PoseEstimation`` containers to read (all when None); only their
        coordinates are read from disk.

    Returns
    -------
    list of PoseData
        One per group of containers (same processing module, source software, version and
        scorer), each holding one track per container; empty when the file holds none.
        The arrays are numpy arrays that stay valid after the file is closed.

    Raises
    ------
    InvalidSourceFileError
        When the file is missing or not an HDF5 NWB file.
    InvalidOptionError
        When a container asked for does not exist; the message lists those that do.

    Examples
    --------
    >>> poses = read_nwb("session.nwb")  # doctest: +SKIP
    >>> poses[0].track_names()  # doctest: +SKIP
    ['individual1', 'individual2', 'individual3', 'single']
    """
    with open_nwb(path) as nwb:
        return nwb.read(None if containers is None else list(containers))
