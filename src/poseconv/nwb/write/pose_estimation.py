"""Build ndx-pose objects from a :class:`~poseconv.model.PoseData` and its metadata.

One keyword-only entry point, :func:`write_pose_estimation`, using the
ndx-pose 0.4 idioms: ``Skeletons`` in ``processing["behavior"]``, the camera
added to the file first and linked as ``device=``, the external video
``ImageSeries`` in ``acquisition`` linked as ``source_video=``, and the frame
times stored once per video: the first series holds them (or a rate) and every
other series of that video links to it. Series ``data`` and ``confidence`` are
data-chunk iterators (:class:`~poseconv.nwb.write.series_iterators.PoseSeriesIterator`) that read
the track one chunk at a time while the file is written, so memory does not grow with frames.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import MetadataError, PoseconvWarning
from ...metadata.checks import skeleton_clash, skeleton_problems, skeleton_subject_problem
from ...metadata.defaults import track_for_container_key
from ...metadata.names import POSE_ESTIMATION_MEMBERS, SKELETON_LINK_MEMBERS
from ...model import FrameTiming, PoseData, PoseTrack
from ...timing import regular_rate
from ..layout import given_fields
from .container_checks import SHARED_KEYS_HINT, check_container_keys, check_entry
from .devices import lookup
from .extra_coords import write_extra_coords
from .replaced_predictions import write_replaced_predictions
from .scores import write_instance_series
from .source_names import record_skeleton_name
from .symmetries import record_symmetries
from .track_order import record_track_order
from .video import container_camera, get_or_add_external_video, labeled_video

__all__ = [
    "behavior_module",
    "get_or_add_skeleton",
    "pose_estimation_series",
    "series_timing",
    "write_pose_estimation",
]


def behavior_module(nwbfile: Any) -> Any:
    """Return ``processing["behavior"]``, creating it when the file has none."""
    if "behavior" in nwbfile.processing:
        return nwbfile.processing["behavior"]
    return nwbfile.create_processing_module(name="behavior", description="Processed behavioral data.")


def series_timing(timing: FrameTiming, n_frames: int) -> dict[str, Any]:
    """Return the TimeSeries timing of ``n_frames`` frames: a rate when they are regular, else timestamps."""
    if timing.rate is not None:
        return {"rate": float(timing.rate), "starting_time": float(timing.starting_time)}
    timestamps = timing.times(n_frames)
    rate = regular_rate(timestamps)
    if rate is not None:
        return {"rate": rate, "starting_time": float(timestamps[0])}
    return {"timestamps": timestamps}


def _edges_array(edges: list[list[int]], n_nodes: int) -> np.ndarray:
    # A skeleton without edges gets an empty (0, 2) table rather than none: readers such as
    # sleap-io's iterate over the edges without checking that there are any.
    dtype = "uint8" if n_nodes <= np.iinfo("uint8").max + 1 else "uint16"
    return np.asarray(edges, dtype=dtype).reshape(-1, 2)


def get_or_add_skeleton(
    nwbfile: Any, behavior: Any, entry: Mapping[str, Any], single_animal: bool, source_name: str | None = None
) -> Any:
    """Return the skeleton of metadata ``entry``, adding it to ``Skeletons`` when new.

    A skeleton of that name in the file is reused if its nodes and edges match, refused otherwise. A new
    one links the file's Subject when the entry names it or the file holds one animal, and records its
    ``source_name`` (its name in the pose file) when its NWB name differs. The entry's ``symmetries``
    (node index pairs, SLEAP's) the file lacks are recorded for either (:mod:`.symmetries`).
    """
    from ndx_pose import Skeleton, Skeletons

    name = entry["name"]
    if name in SKELETON_LINK_MEMBERS:
        # ndx-pose links a skeleton under its own name next to these members (e.g. the camera 'device').
        raise MetadataError(
            f"A skeleton cannot be named '{name}' in NWB: its link would collide with the member of that name of "
            f"the groups that use it. Give it another name in metadata['Pose']['Skeletons'] (reserved: "
            f"{sorted(SKELETON_LINK_MEMBERS)})."
        )
    problems = skeleton_problems(entry)
    if problems:
        raise MetadataError(
            f"Skeleton {name!r} (metadata['Pose']['Skeletons']) cannot be written: " + " ".join(problems)
        )
    _check_skeletons_container(behavior)
    if "Skeletons" in behavior.data_interfaces and name in behavior["Skeletons"].skeletons:
        existing = behavior["Skeletons"].skeletons[name]
        clash = skeleton_clash(list(existing.nodes[:]), existing.edges[:], entry)
        if clash is not None:
            raise MetadataError(
                f"The file already has a skeleton named '{name}' with {clash}; give this skeleton another name in "
                "metadata['Pose']['Skeletons']."
            )
        record_symmetries(behavior, name, list(entry["nodes"]), entry.get("symmetries", ()))
        return existing
    found = nwbfile.subject.subject_id if nwbfile.subject is not None else None
    wanted = entry.get("subject") if str(entry.get("subject") or "").strip() else None  # "": a form's, not given
    if (said := skeleton_subject_problem(name, wanted, found, single_animal)) is not None:
        warnings.warn(said, PoseconvWarning, stacklevel=2)
    linked = nwbfile.subject is not None and (wanted == found if wanted is not None else single_animal)
    skeleton = Skeleton(
        name=name,
        nodes=list(entry["nodes"]),
        edges=_edges_array(entry.get("edges") or [], len(entry["nodes"])),
        subject=nwbfile.subject if linked else None,
    )
    if "Skeletons" not in behavior.data_interfaces:
        behavior.add(Skeletons(skeletons=[skeleton]))
    else:
        behavior["Skeletons"].add_skeletons(skeleton)
    if source_name is not None:
        record_skeleton_name(behavior, name, source_name)
    record_symmetries(behavior, name, list(entry["nodes"]), entry.get("symmetries", ()))
    return skeleton


def _check_skeletons_container(behavior: Any) -> None:
    """Refuse a file whose ``processing['behavior']['Skeletons']`` is not ndx-pose's (another tool's object)."""
    from ndx_pose import Skeletons

    found = behavior.data_interfaces.get("Skeletons")
    if found is not None and not isinstance(found, Skeletons):
        raise MetadataError(
            f"The file holds a {type(found).__name__} named 'Skeletons' in processing['behavior'], where ndx-pose "
            "keeps the skeletons of the poses; rename it in that file (or write the poses to a new file)."
        )


def pose_estimation_series(
    track: PoseTrack,
    index: int,
    node: str,
    entry: Mapping[str, Any],
    pose: PoseData,
    *,
    n_frames: int,
    timing_source: str,
    times: dict[str, Any],
) -> Any:
    """Build the ``PoseEstimationSeries`` of node ``index`` of ``track``, its values streamed.

    Parameters
    ----------
    track : PoseTrack
        The animal.
    index : int
        Node index in the track's arrays.
    node : str
        Node name, the series' default name.
    entry : mapping
        The node's ``PoseEstimationSeries`` metadata entry (may be empty).
    pose : PoseData
        Gives the default unit and reference frame.
    n_frames : int
        Frames to write.
    timing_source : str
        Where the frame times come from, written in ``comments`` with the storage rule
        (:data:`~poseconv.nwb.write.series_iterators.FLOAT32_WHERE_EXACT`).
    times : dict
        ``rate``/``starting_time`` or ``timestamps`` (an array, or a series to link to).

    Returns
    -------
    ndx_pose.PoseEstimationSeries
        The series.
    """
    from ndx_pose import PoseEstimationSeries

    # Imported here: hdmf (which the iterators subclass) loads only when a file is written.
    from .series_iterators import FLOAT32_WHERE_EXACT, series_values

    n_dims = int(track.positions.shape[2])
    if n_frames < n_dims:
        # The same words for every series, so Python shows them once.
        warnings.warn(
            f"{pose.source_name}: {n_frames} frame(s) of {n_dims}D poses, fewer frames than coordinates: "
            "nwbinspector and dandi validate report check_data_orientation on such series, but they are "
            "written time first, as NWB wants.",
            PoseconvWarning,
            stacklevel=2,
        )

    kwargs: dict[str, Any] = {
        "name": entry.get("name") or node,
        "description": entry.get("description") or f"Position of '{node}'.",
        # Streamed: an iterator reads the frames of one chunk at a time from the track.
        "data": series_values(track.positions, index, n_frames),
        "unit": entry.get("unit") or pose.unit,
        "reference_frame": entry.get("reference_frame") or pose.reference_frame,
        # Descriptions are the user's (neuroconv checks they reach the file unchanged); the comments
        # say where the times come from and why a dataset may be float32.
        "comments": f"Frame times: {timing_source}. {FLOAT32_WHERE_EXACT}",
        **times,
    }
    if track.confidence is not None:
        kwargs["confidence"] = series_values(track.confidence, index, n_frames)
        definition = entry.get("confidence_definition") or track.confidence_definition
        if definition:
            kwargs["confidence_definition"] = definition
    return PoseEstimationSeries(**kwargs)


def write_pose_estimation(
    nwbfile: Any,
    pose: PoseData,
    *,
    metadata: Mapping[str, Any],
    video_paths: Mapping[str, Path] | None = None,
    relative_to: str | Path | None = None,
    max_frames: int | None = None,
) -> list[Any]:
    """Add one ``PoseEstimation`` per metadata container entry of ``pose`` to ``nwbfile``.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        Target file (in memory).
    pose : PoseData
        The poses; its ``timing`` must cover every video written.
    metadata : mapping
        Metadata in the layout of :mod:`poseconv.metadata.models`; each entry of
        ``metadata["Pose"]["PoseEstimations"]`` whose key is a container key of ``pose``
        is written.
    video_paths : mapping of str to pathlib.Path, optional
        Video file per video key, for the external ``ImageSeries``.
    relative_to : str or pathlib.Path, optional
        Folder the NWB file will be written to, so video paths are stored relative to it.
    max_frames : int, optional
        Write only the first frames (stub conversions).

    Returns
    -------
    list of ndx_pose.PoseEstimation
        The containers added.

    Raises
    ------
    MetadataError
        When metadata names unknown keys, or a video has no frame timing.
    """
    pose_metadata = metadata.get("Pose", {})
    containers = pose_metadata.get("PoseEstimations", {})
    tracks = track_for_container_key(pose)
    check_container_keys(pose, containers, tracks)
    context = _Context(
        nwbfile=nwbfile,
        behavior=behavior_module(nwbfile),
        pose=pose,
        metadata=metadata,
        video_paths=dict(video_paths or {}),
        relative_to=Path(relative_to) if relative_to else None,
        single_animal=len({t.name for t in pose.tracks}) == 1,
    )
    written = []
    for key, entry in containers.items():
        track: PoseTrack = tracks[key]
        check_entry(context.behavior, key, entry)
        timing = pose.timing.get(track.video)
        if timing is None:
            raise MetadataError(
                f"No frame times are known for video '{track.video}' of {pose.source_name}: the pose "
                "files record no frame rate. Give the frame rate (sampling_frequency=...) or timestamps."
            )
        n_frames = track.n_frames if max_frames is None else min(track.n_frames, max_frames)
        written.append(_pose_estimation(context, key, entry, track, timing, n_frames))
    # HDF5 lists the containers by name: the order of the tracks is recorded beside them.
    position = {id(track): i for i, track in enumerate(pose.tracks)}
    in_order = sorted(containers.items(), key=lambda item: position[id(tracks[item[0]])])
    # The track each holds as the file names it: one animal may be several containers. SLEAP's untracked
    # instances (poseconv's "untracked" tracks) have no track: "" says so, whatever the reader.
    rows = [(entry["name"], pose.identity(tracks[key]) or "") for key, entry in in_order]
    record_track_order(context.behavior, rows, always=any(tracks[key].track_name is not None for key in containers))
    return written


@dataclass
class _Context:
    """What every container of one :func:`write_pose_estimation` call shares."""

    nwbfile: Any
    behavior: Any
    pose: PoseData
    metadata: Mapping[str, Any]
    video_paths: dict[str, Path]
    relative_to: Path | None
    single_animal: bool
    # The series (or video) holding the frame times of each video; later series link to them.
    first_series_by_video: dict[str, Any] = field(default_factory=dict)

    def times(self, video: str, timing_kwargs: dict[str, Any]) -> dict[str, Any]:
        """Return the timing of a new series of ``video``: a link to the first one's timestamps, when it has them."""
        first = self.first_series_by_video.get(video)
        return {"timestamps": first} if first is not None and "timestamps" in timing_kwargs else timing_kwargs


def _container_skeleton(context: _Context, entry: Mapping[str, Any], track: PoseTrack) -> Any:
    """Return the skeleton metadata ``entry`` names for ``track``, added to the file; None when it names none."""
    skeleton_key = entry.get("skeleton_metadata_key")
    if skeleton_key is None:
        return None
    pose = context.pose
    skeleton_entry = lookup(
        context.metadata.get("Pose", {}).get("Skeletons", {}), skeleton_key, "skeleton_metadata_key"
    )
    expected_nodes = list(pose.skeletons[track.skeleton].nodes)
    if list(skeleton_entry["nodes"]) != expected_nodes:
        # More nodes than the file's: the skeletons of two inputs merged under one key.
        merged = set(expected_nodes) < set(skeleton_entry["nodes"])
        raise MetadataError(
            f"metadata['Pose']['Skeletons']['{skeleton_key}'] lists nodes {list(skeleton_entry['nodes'])}, "
            f"but '{track.name}' in {pose.source_name} has {expected_nodes}; nodes cannot be "
            "renamed or reordered in metadata." + (f" {SHARED_KEYS_HINT}" if merged else "")
        )
    # The skeleton's symmetries (SLEAP's mirror-image nodes) are the pose file's, not metadata.
    skeleton_entry = {**skeleton_entry, "symmetries": pose.skeletons[track.skeleton].symmetries}
    return get_or_add_skeleton(
        context.nwbfile, context.behavior, skeleton_entry, context.single_animal, source_name=track.skeleton
    )


def _source_video(
    context: _Context, entry: Mapping[str, Any], track: PoseTrack, timing: FrameTiming, timing_kwargs: dict[str, Any]
) -> Any:
    """Return the external ``ImageSeries`` of the track's video (its timing the poses' ``timing_kwargs``), if named."""
    if entry.get("source_video_metadata_key") is None:
        return None
    nwbfile = context.nwbfile
    info = context.pose.videos[track.video]
    video_frames = info.n_frames or track.n_frames
    # One time per video frame (a camera's TTLs) while the poses end earlier: the video keeps every time.
    short = len(timing_kwargs.get("timestamps", ())) < video_frames
    whole_video = short and timing.timestamps is not None and len(timing.timestamps) == video_frames
    video_timing = series_timing(timing, video_frames) if whole_video else timing_kwargs
    existing_names = set(nwbfile.acquisition)
    source_video = get_or_add_external_video(
        nwbfile,
        context.metadata,
        entry["source_video_metadata_key"],
        video_path=context.video_paths.get(track.video, info.local_files),
        relative_to=context.relative_to,
        timing_kwargs=video_timing,
        n_frames=video_frames,
        frame_size=info.frame_size,
    )
    created_here = source_video.name not in existing_names
    linkable = created_here and not whole_video and source_video.timestamps is not None
    if linkable and track.video not in context.first_series_by_video:
        # The video holds the frame times; every pose series of it links to them.
        context.first_series_by_video[track.video] = source_video
    return source_video


def _node_series(
    context: _Context, track: PoseTrack, entries: Mapping[str, Any], n_frames: int, timing: FrameTiming
) -> list[Any]:
    """Return the ``PoseEstimationSeries`` of every node of ``track``; the first of a video holds its frame times."""
    timing_kwargs = series_timing(timing, n_frames)
    series_list = []
    for j, node in enumerate(context.pose.skeletons[track.skeleton].nodes):
        series = pose_estimation_series(
            track,
            j,
            node,
            entries.get(node, {}),
            context.pose,
            n_frames=n_frames,
            timing_source=timing.source,
            times=context.times(track.video, timing_kwargs),
        )
        series_list.append(series)
        context.first_series_by_video.setdefault(track.video, series)
    return series_list


def _pose_estimation(
    context: _Context, key: str, entry: Mapping[str, Any], track: PoseTrack, timing: FrameTiming, n_frames: int
) -> Any:
    """Add the ``PoseEstimation`` of metadata ``entry`` (container ``key``) and its extra coords; return it."""
    from ndx_pose import PoseEstimation

    pose = context.pose
    timing_kwargs = series_timing(timing, n_frames)
    skeleton = _container_skeleton(context, entry, track)
    source_video = _source_video(context, entry, track, timing, timing_kwargs)
    device = container_camera(context.nwbfile, context.metadata, entry, source_video)

    series_entries = entry.get("PoseEstimationSeries", {})
    nodes = pose.skeletons[track.skeleton].nodes
    missing = [node for node in series_entries if node not in nodes]
    if missing:
        raise MetadataError(
            f"metadata['Pose']['PoseEstimations']['{key}']['PoseEstimationSeries'] names {missing}, "
            f"which are not body parts of '{track.name}'; body parts: {list(nodes)}."
        )
    series_list = _node_series(context, track, series_entries, n_frames, timing)

    clashes = sorted({series.name for series in series_list} & (POSE_ESTIMATION_MEMBERS | {skeleton.name}))
    if clashes:
        raise MetadataError(
            f"metadata['Pose']['PoseEstimations']['{key}']['PoseEstimationSeries'] names series {clashes}, "
            f"which a PoseEstimation already holds (its members {sorted(POSE_ESTIMATION_MEMBERS)} and the "
            f"link to skeleton '{skeleton.name}'); give them other names."
        )
    container = PoseEstimation(
        **given_fields(
            entry,
            name=entry["name"],
            pose_estimation_series=series_list,
            skeleton=skeleton,
            device=device,
            source_video=source_video,
            labeled_video=labeled_video(context.nwbfile, context.metadata, entry.get("labeled_video_metadata_key")),
        )
    )
    context.behavior.add(container)
    # ndx-pose has no place for per-node values beyond x, y (, z) and confidence: a
    # BehavioralTimeSeries beside the container keeps them (see poseconv.nwb.write.extra_coords).
    write_extra_coords(
        context.behavior,
        track,
        nodes,
        pose_estimation_name=entry["name"],
        n_frames=n_frames,
        times=context.times(track.video, timing_kwargs),
        timing_source=timing.source,
    )
    # Nor for SLEAP's per-frame instance scores, tracking scores and user/predicted kinds.
    write_instance_series(
        context.behavior,
        track,
        pose_estimation_name=entry["name"],
        n_frames=n_frames,
        times=context.times(track.video, timing_kwargs),
        timing_source=timing.source,
    )
    if track.replaced_predictions is not None:
        # SLEAP predictions a user instance of the track replaced: a container of the same form beside it.
        write_replaced_predictions(
            context.behavior,
            track,
            like=container,
            owner=entry["name"],
            entry=entry,
            series=_node_series(context, track.replaced_predictions, series_entries, n_frames, timing),
            timing={
                "n_frames": n_frames,
                "times": context.times(track.video, timing_kwargs),
                "timing_source": timing.source,
            },
        )
    return container
