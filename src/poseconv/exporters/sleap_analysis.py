"""Export the poses of one video to a SLEAP analysis HDF5 file (``.h5``).

The layout is the one SLEAP's "Export Analysis HDF5" and sleap-io's ``save_analysis_h5``
write with their default (``matlab``) axis order, so that SLEAP, sleap-io
(``sleap_io.load_analysis_h5``), MATLAB scripts and movement read it:

==================  ================================  =========  ======================
dataset             shape                             dtype      ``dims`` attribute
==================  ================================  =========  ======================
``tracks``          (n_tracks, 2, n_nodes, n_frames)  float64    track, xy, node, frame
``track_occupancy`` (n_frames, n_tracks)              uint8      frame, track
``point_scores``    (n_tracks, n_nodes, n_frames)     float64    track, node, frame
``instance_scores`` (n_tracks, n_frames)              float64    track, frame
``tracking_scores`` (n_tracks, n_frames)              float64    track, frame
==================  ================================  =========  ======================

plus ``track_names``, ``node_names``, ``edge_names`` and ``edge_inds`` (byte strings and
indices), ``labels_path``, ``video_path``, ``video_ind`` and ``provenance`` (a JSON string),
and the file attributes ``format="analysis"``, ``preset="matlab"``, ``skeleton_name``,
``skeleton_symmetries`` (sleap-io's JSON list of mirror-image node pairs) and ``video_backend_metadata``
(sleap-io's JSON of the video: its frame rate, as the ``.slp`` export records it).

Mapping: track ``k`` of the video is column ``k``; frame ``t`` of a track is frame ``t``; a
track is occupied in a frame where any of its coordinates is not NaN or it records an instance
(:func:`~poseconv.exporters.sleap_tables.instance_present`). Point scores are the confidence
values; the instance score is the track's recorded SLEAP instance score when it has one, else
the mean of its point scores; the tracking score is the recorded one, or SLEAP's 0.0 for an
instance without one. Poses in a crop's pixels (DeepLabCut's ``analyze_videos(cropping=...)``, a sleap-io
virtual crop) are moved by the crop's top-left corner onto the whole video ``video_path`` names
(:mod:`~.video_crop`).
An analysis file holds one skeleton: tracks of different skeletons (DeepLabCut's unique
body parts beside the animals') share one skeleton with every node, NaN where a track has
no such node. A file with a single track that SLEAP left untracked gets no track names, as
SLEAP writes single-animal files. What the layout has no place for (extra per-keypoint columns such as the
Ensemble Kalman Smoother's variances, which poses a user placed, the predictions user instances replaced,
SLEAP identities) is left out with a warning naming it.

The arrays are written a block of frames at a time, so memory does not grow with the recording.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError
from ..model import PoseData, PoseTrack
from ..model.frames import read_frames, without_padding
from ..model.location import recorded_location
from .docstrings import fill_export_docs
from .files import export_path, video_tracks, warn_not_pixels
from .left_out import POSE_EXPORTS, USER_LABELED, pose_values, warn_left_out
from .sleap import sleap_provenance, sleap_video, video_filename
from .sleap_tables import NO_TRACKING_SCORE, instance_present
from .video_crop import crop_corner, on_video

__all__ = ["write_sleap_analysis"]

# Values (frames x tracks x nodes) gathered per block.
_BLOCK_VALUES = 2**20
_MIN_BLOCK_FRAMES = 256
# Frames per HDF5 chunk; blocks are whole chunks where they can be, so no chunk is compressed twice.
_CHUNK_FRAMES = 4096
# Each array's axes (SLEAP's "matlab" order), dtype and the value of frames without the track.
_LAYOUT = {
    "tracks": (("track", "xy", "node", "frame"), "float64", np.nan),
    "track_occupancy": (("frame", "track"), "uint8", 0),
    "point_scores": (("track", "node", "frame"), "float64", np.nan),
    "instance_scores": (("track", "frame"), "float64", np.nan),
    "tracking_scores": (("track", "frame"), "float64", np.nan),
}


def _skeleton_union(pose: PoseData, tracks: list[PoseTrack]) -> tuple[list[str], list[tuple[int, int]], dict]:
    """Return the nodes and edges of one skeleton holding every track's, and each skeleton's node columns."""
    nodes: list[str] = []
    columns: dict[str, np.ndarray] = {}
    for name in dict.fromkeys(track.skeleton for track in tracks):
        for node in pose.skeletons[name].nodes:
            if node not in nodes:
                nodes.append(node)
        columns[name] = np.array([nodes.index(node) for node in pose.skeletons[name].nodes], dtype="int64")
    edges = list(
        dict.fromkeys(
            (int(columns[name][a]), int(columns[name][b])) for name in columns for a, b in pose.skeletons[name].edges
        )
    )
    return nodes, edges, columns


def _track_names(pose: PoseData, tracks: list[PoseTrack]) -> list[str]:
    if len(tracks) == 1 and pose.identity(tracks[0]) is None:
        # SLEAP writes a single-animal file without tracks as no track names.
        return []
    return pose.exported_names(tracks)


def _create(
    handle: Any, name: str, shape: tuple[int, ...], dtype: str, dims: tuple[str, ...], fill: float, chunk_frames: int
) -> Any:
    frames_axis = dims.index("frame")
    chunks = tuple(min(size, chunk_frames) if axis == frames_axis else max(size, 1) for axis, size in enumerate(shape))
    dataset = handle.create_dataset(
        name,
        shape=shape,
        dtype=dtype,
        fillvalue=fill,
        chunks=chunks if all(shape) else None,
        compression="gzip" if all(shape) else None,
    )
    dataset.attrs["dims"] = json.dumps(list(dims))
    return dataset


def _block(
    tracks: list[PoseTrack], columns: dict, n_nodes: int, start: int, stop: int, users: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Positions ``(frames, tracks, nodes, 2)``, point, instance and tracking scores and occupancy of ``start:stop``.

    ``users`` (one per track) is set where the block has a user instance of the track, which the file cannot say.
    """
    n = stop - start
    positions = np.full((n, len(tracks), n_nodes, 2), np.nan)
    scores = np.full((n, len(tracks), n_nodes), np.nan)
    instance = np.full((n, len(tracks)), np.nan)
    tracking = np.full((n, len(tracks)), np.nan)
    occupied = np.zeros((n, len(tracks)), dtype=bool)
    for k, track in enumerate(tracks):
        upto = min(stop, track.n_frames)
        if upto <= start:
            continue
        rows = slice(0, upto - start)
        cols = columns[track.skeleton]
        confidence = read_frames(track.confidence, start, upto) if track.confidence is not None else None
        points, confidence = without_padding(read_frames(track.positions, start, upto), confidence)
        positions[rows, k][:, cols] = points[..., :2]
        if confidence is not None:
            scores[rows, k][:, cols] = confidence
        values = (track.instance_scores, track.tracking_scores, track.user_labeled)
        recorded = [None if v is None else read_frames(v, start, upto) for v in values]
        occupied[rows, k] = instance_present(positions[rows, k], tuple(recorded[:2]), recorded[2])
        users[k] |= recorded[2] is not None and bool(np.any(recorded[2]))
        if recorded[0] is not None:
            instance[rows, k] = recorded[0]
        elif track.confidence is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # frames without any score: NaN
                instance[rows, k] = np.nanmean(scores[rows, k][:, cols], axis=1)
        tracking[rows, k] = recorded[1] if recorded[1] is not None else NO_TRACKING_SCORE
    return positions, scores, instance, tracking, occupied


def _write_arrays(
    handle: Any, tracks: list[PoseTrack], columns: dict, n_nodes: int, corner: np.ndarray | None
) -> np.ndarray:
    """Write the arrays of ``_LAYOUT``; return, per track, whether it has user instances (which they cannot hold).

    ``corner``: the crop's corner the positions move by onto the whole video (:func:`~.video_crop.crop_corner`).
    """
    n_frames = max(track.n_frames for track in tracks)
    n_tracks = len(tracks)
    sizes = {"track": n_tracks, "xy": 2, "node": n_nodes, "frame": n_frames}
    block = max(_MIN_BLOCK_FRAMES, _BLOCK_VALUES // max(1, n_tracks * n_nodes))
    if block >= _CHUNK_FRAMES:
        block -= block % _CHUNK_FRAMES
    # Chunks within one block each: with no chunk cache (write_sleap_analysis), a chunk two blocks share is
    # compressed and written twice, and the file keeps the first copy's space.
    out = {
        name: _create(handle, name, tuple(sizes[d] for d in dims), dtype, dims, fill, min(block, _CHUNK_FRAMES))
        for name, (dims, dtype, fill) in _LAYOUT.items()
    }
    users = np.zeros(n_tracks, dtype=bool)
    for start in range(0, n_frames, block):
        stop = min(n_frames, start + block)
        positions, scores, instance, tracking, occupied = _block(tracks, columns, n_nodes, start, stop, users)
        # SLEAP's axis order: frames last, except for the occupancy.
        out["tracks"][..., start:stop] = on_video(positions, corner).transpose(1, 3, 2, 0)
        out["track_occupancy"][start:stop] = occupied.astype("uint8")
        out["point_scores"][..., start:stop] = scores.transpose(1, 2, 0)
        out["instance_scores"][:, start:stop] = np.where(occupied, instance, np.nan).T
        out["tracking_scores"][:, start:stop] = np.where(occupied, tracking, np.nan).T
    return users


def _strings(values: list[str]) -> np.ndarray:
    return np.array([value.encode("utf-8") for value in values]) if values else np.array([], dtype="S1")


def _video_path(pose: PoseData, key: str) -> str:
    """Return the video's file, or its path as recorded; empty when neither is known, as sleap-io writes it.

    A path an NWB file records relative to itself is named as the ``.slp`` export names it
    (:func:`~poseconv.exporters.sleap.video_filename`, the one rule): beside the NWB file when it is on this
    computer; as recorded, with a warning worded for this file, when it was read from a URL.
    """
    info = pose.videos.get(key)
    if info is not None and info.path is not None:
        return str(info.path)
    # The key alone (a file stem, "video") is no path: a reader would look for a file of that name.
    if info is None or not info.original_path:
        return ""
    if info.image_files:
        return info.original_path
    named = video_filename(pose, key, named_in="the analysis file's video_path names it so")
    return str(named)


@fill_export_docs
def write_sleap_analysis(
    pose: PoseData, file_path: str | Path, *, video: str | None = None, overwrite: bool = False
) -> Path:
    """Write the poses of one video as a SLEAP analysis HDF5 file.

    Parameters
    ----------
    pose : PoseData
        2D poses.
    file_path : str or pathlib.Path
        Output, ending in ``.h5``.
    video : str, optional
        The video key whose tracks to write; required when the poses cover several videos.
    {overwrite}

    Returns
    -------
    pathlib.Path
        The file written (under a temporary name until complete).

    Raises
    ------
    InvalidOptionError
        When the suffix is not ``.h5``, the file exists and ``overwrite`` is False, the poses
        are 3D, or ``video`` is missing or unknown.
    """
    import h5py

    from ..output import atomic_output

    path = export_path(file_path, overwrite=overwrite, suffixes=(".h5",), kind="a SLEAP analysis file")
    warn_not_pixels(pose, "a SLEAP analysis file")
    video, tracks = video_tracks(pose, video, why_one="a SLEAP analysis file holds one video")
    if pose.n_dims != 2:
        raise InvalidOptionError(
            f"{pose.source_name}: SLEAP analysis files hold 2D poses; these are {pose.n_dims}D. "
            "Export them to DeepLabCut (--to dlc) instead."
        )
    nodes, edges, columns = _skeleton_union(pose, tracks)
    # No chunk cache: a write refused for room fails where it is made (a cache flushed when h5py drops a
    # dataset reports nowhere, and HDF5 then crashes closing the file).
    with atomic_output(path, overwrite=overwrite) as partial, h5py.File(partial, "w", rdcc_nbytes=0) as handle:
        users = _write_arrays(handle, tracks, columns, len(nodes), crop_corner(pose, video))
        handle["track_names"] = _strings(_track_names(pose, tracks))
        handle["node_names"] = _strings(nodes)
        handle["edge_names"] = (
            np.array([(nodes[a].encode(), nodes[b].encode()) for a, b in edges]) if edges else np.array([], "S1")
        )
        handle["edge_inds"] = np.array(edges, dtype="int64").reshape(-1, 2)
        handle["labels_path"] = recorded_location(pose.source_file)
        video_path = _video_path(pose, video)
        handle["video_path"] = video_path
        handle["video_ind"] = list(dict.fromkeys(track.video for track in pose.tracks)).index(video)
        handle["provenance"] = json.dumps(sleap_provenance(pose))
        handle.attrs["format"] = "analysis"
        handle.attrs["preset"] = "matlab"
        handle.attrs["skeleton_name"] = "+".join(columns)
        # As sleap-io writes them (save_metadata): mirror-image node pairs by name.
        symmetries = (
            tuple(nodes[columns[s][i]] for i in pair) for s in columns for pair in pose.skeletons[s].symmetries
        )
        handle.attrs["skeleton_symmetries"] = json.dumps([list(pair) for pair in dict.fromkeys(symmetries)])
        # As sleap-io's save_analysis_h5 writes it: the frame rate (the .slp export's), which readers take back.
        handle.attrs["video_backend_metadata"] = json.dumps(sleap_video(pose, video, video_path).backend_metadata)
    # The user flags were read while writing: the tracks' arrays are not read again for them.
    users_found = {USER_LABELED: [track.name for track, user in zip(tracks, users, strict=True) if user]}
    found = pose_values(tracks, skip=POSE_EXPORTS["sleap-analysis"], given=users_found)
    warn_left_out(pose.source_name, "a SLEAP analysis file", found, to="sleap-analysis", path=path)
    return path
