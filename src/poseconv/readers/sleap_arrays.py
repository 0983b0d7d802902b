"""A fast path for :func:`poseconv.readers.sleap.read_sleap` on ``.slp`` files: the instance tables read as arrays.

``sleap_io.load_slp`` builds one Python object per instance (and per labeled
frame), which is most of the time of converting a long ``.slp`` (about 14 s for
200,000 frames x 2 tracks). The dense per-track arrays that poseconv writes can
be computed from the file's ``frames``, ``instances``, ``points`` and
``pred_points`` tables with a few vectorised numpy operations instead.

:func:`read_slp_track_arrays` does that for the files it can read exactly as
``read_sleap`` does, and returns None for anything else, so that the caller falls
back to sleap-io: instances without a track, two instances of the same kind and
track in one frame (``read_sleap`` warns about those), a frame listed twice,
instance ids out of order, point counts that differ from the skeleton's, video ids
that are not list indices, recording sessions, or datasets sleap-io reads that this
module does not know. :func:`read_sleap_fast` assembles the
:class:`~poseconv.model.PoseData` around those arrays with the SLEAP reader's own
helpers; the tests check that it equals ``read_sleap`` field for field.

The semantics reproduced (see ``readers/sleap.py``): per frame and track a user
instance wins over the prediction (``predicted_only`` drops user instances);
points not visible are NaN; coordinates of files older than format 1.1 are
shifted by -0.5 px as sleap-io does; confidence is the point score of predicted
instances and NaN for user ones; frames run to the last labeled frame of the video.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .files import frame_count_plausible, reads_source

__all__ = ["read_slp_track_arrays", "read_sleap_fast"]

# Top-level datasets/groups of a .slp that this module accounts for (videoN: embedded images).
_KNOWN_KEYS = {
    "frames",
    "instances",
    "metadata",
    "points",
    "pred_points",
    "suggestions_json",
    "tracks_json",
    "videos_json",
    "sessions_json",
    "provenance_json",
}
_USER, _PREDICTED = 0, 1


def _skeleton_sizes(handle: Any) -> list[int] | None:
    """Return the number of nodes of each skeleton, from the metadata JSON, in file order."""
    raw = handle["metadata"].attrs.get("json")
    if raw is None:
        return None
    metadata = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    skeletons = metadata.get("skeletons")
    if not isinstance(skeletons, list):
        return None
    return [len(skeleton.get("nodes", [])) for skeleton in skeletons]


def _has_repeats(values: np.ndarray) -> bool:
    # A sort and a comparison of neighbours: cheaper than np.unique on hundreds of thousands of keys.
    ordered = np.sort(values)
    return bool(np.any(ordered[1:] == ordered[:-1]))


def read_slp_track_arrays(
    path: str | Path, *, predicted_only: bool = False
) -> tuple[dict[tuple[int, int, int], dict[str, Any]], dict[int, int], int] | None:
    """Dense arrays of every (video, track, skeleton) of a ``.slp``, or None when only sleap-io can read it exactly.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.slp`` file.
    predicted_only : bool, default: False
        Ignore user instances.

    Returns
    -------
    (dict, dict, int) or None
        ``{(video, track, skeleton): {"frames", "positions", "confidence", "instance_scores",
        "tracking_scores", "user_labeled"}}`` where ``frames`` are the frame indices that hold an
        instance and the arrays have one row per such frame; the last labeled frame of each video;
        and the number of videos.
    """
    import h5py

    with h5py.File(path, "r") as handle:
        keys = set(handle.keys())
        if any(key not in _KNOWN_KEYS and not re.fullmatch(r"video\d+", key) for key in keys):
            return None
        if "sessions_json" in handle and len(handle["sessions_json"]):
            return None
        format_id = float(handle["metadata"].attrs.get("format_id", 1.0))
        sizes = _skeleton_sizes(handle)
        n_videos = len(handle["videos_json"]) if "videos_json" in handle else 0
        frames = handle["frames"][()]
        instances = handle["instances"][()]
        fields = instances.dtype.names or ()
        if sizes is None or "track" not in fields:
            return None
        points = {_USER: handle["points"], _PREDICTED: handle["pred_points"]}
        n_instances = len(instances)

        # Which frame row holds each instance (sleap-io slices the instance list by position).
        starts = frames["instance_id_start"].astype("int64")
        ends = frames["instance_id_end"].astype("int64")
        counts = ends - starts
        if np.any(counts < 0) or not np.array_equal(instances["instance_id"], np.arange(n_instances)):
            return None
        # Damaged ranges (ends past the instance table) would make the index arrays below huge.
        if len(frames) and (starts.min() < 0 or ends.max() > n_instances):
            return None
        order = np.argsort(starts, kind="stable")
        if np.any(starts[order][1:] < ends[order][:-1]):
            return None  # an instance in two frames
        video_ids = frames["video"].astype("int64")
        present_videos = set(np.unique(video_ids).tolist())
        if len(frames) and (len(present_videos) != n_videos or max(present_videos) != n_videos - 1):
            return None  # sleap-io remaps sparse video ids; not reproduced here
        if len(frames) and frames["frame_idx"].min() < 0:
            return None  # damaged; the object reader says so
        frame_keys = video_ids * (int(frames["frame_idx"].max(initial=0)) + 1) + frames["frame_idx"].astype("int64")
        if _has_repeats(frame_keys):
            return None  # a frame listed twice
        last_frame: dict[int, int] = {}
        for video in present_videos:
            in_video = video_ids == video
            last_frame[int(video)] = int(frames["frame_idx"][in_video].max())
            if not frame_count_plausible(last_frame[int(video)] + 1, int(np.count_nonzero(in_video))):
                return None  # damaged frame indices; the object reader says so

        row = np.repeat(np.arange(len(frames)), counts)
        # Instance positions start..end of every frame row, concatenated, without a Python loop.
        position = np.arange(int(counts.sum()), dtype="int64") + np.repeat(
            starts - (np.cumsum(counts) - counts), counts
        )
        if position.size and (position.max() >= n_instances):
            return None
        chosen_instances = instances[position]
        kind = chosen_instances["instance_type"].astype("int64")
        track = chosen_instances["track"].astype("int64")
        skeleton = chosen_instances["skeleton"].astype("int64")
        if np.any(track < 0) or np.any(~np.isin(kind, (_USER, _PREDICTED))):
            return None  # untracked instances: read_sleap's identity rules apply
        if np.any(skeleton >= len(sizes)):
            return None
        n_points = (chosen_instances["point_id_end"] - chosen_instances["point_id_start"]).astype("int64")
        if np.any(n_points != np.asarray(sizes)[skeleton]):
            return None
        if np.any(chosen_instances["point_id_start"] < 0):
            return None  # a negative index would silently read other points
        keep = kind == _PREDICTED if predicted_only else np.ones(len(kind), dtype=bool)
        video = video_ids[row][keep]
        frame = frames["frame_idx"].astype("int64")[row][keep]
        kind, track, skeleton = kind[keep], track[keep], skeleton[keep]
        chosen_instances = chosen_instances[keep]
        # One integer per (video, frame, track): frames and tracks are bounded by the file's maxima.
        n_frame_ids = int(frame.max(initial=0)) + 1
        n_track_ids = int(track.max(initial=0)) + 1
        slot = (video * n_frame_ids + frame) * n_track_ids + track
        # Two instances of one kind for one track in one frame: read_sleap warns; leave it to it.
        if _has_repeats(slot * 2 + kind):
            return None
        # A user instance wins over the prediction of its track in its frame.
        overridden = (kind == _PREDICTED) & np.isin(slot, slot[kind == _USER])
        winner = ~overridden
        video, frame, track, skeleton, kind = (
            video[winner],
            frame[winner],
            track[winner],
            skeleton[winner],
            kind[winner],
        )
        chosen_instances = chosen_instances[winner]

        result: dict[tuple[int, int, int], dict[str, Any]] = {}
        point_cache = {k: None for k in (_USER, _PREDICTED)}
        for key in sorted(set(zip(video.tolist(), track.tolist(), skeleton.tolist(), strict=True))):
            v, t, s = key
            mask = (video == v) & (track == t) & (skeleton == s)
            n_nodes = sizes[s]
            order_in_time = np.argsort(frame[mask], kind="stable")
            selected = chosen_instances[mask][order_in_time]
            kinds = kind[mask][order_in_time]
            positions = np.full((len(selected), n_nodes, 2), np.nan)
            confidence = np.full((len(selected), n_nodes), np.nan)
            for instance_kind in (_USER, _PREDICTED):
                which = kinds == instance_kind
                if not which.any():
                    continue
                if point_cache[instance_kind] is None:
                    # One field at a time: contiguous columns, and never the whole record table in memory.
                    names = ("x", "y", "visible", "score") if instance_kind == _PREDICTED else ("x", "y", "visible")
                    dataset = points[instance_kind]
                    point_cache[instance_kind] = {name: dataset.fields(name)[()] for name in names}
                columns = point_cache[instance_kind]
                index = selected["point_id_start"][which].astype("int64")[:, None] + np.arange(n_nodes)
                xy = np.stack([columns["x"][index], columns["y"][index]], axis=-1).astype("float64")
                if format_id < 1.1:
                    xy -= 0.5  # sleap-io's shift of the legacy pixel-corner coordinates
                positions[which] = np.where(columns["visible"][index][..., None], xy, np.nan)
                if instance_kind == _PREDICTED:
                    confidence[which] = columns["score"][index].astype("float64")
            is_predicted = kinds == _PREDICTED
            instance_scores = np.where(is_predicted, selected["score"].astype("float64"), np.nan)
            tracking_scores = selected["tracking_score"].astype("float64") if "tracking_score" in fields else None
            result[key] = {
                "frames": frame[mask][order_in_time],
                "positions": positions,
                "confidence": confidence,
                "instance_scores": instance_scores,
                "tracking_scores": tracking_scores,
                "user_labeled": ~is_predicted,
                "any_predicted": bool(is_predicted.any()),
            }
    return result, last_frame, n_videos


@reads_source("SLEAP file")
def read_sleap_fast(
    file_path: str | Path,
    *,
    video_indices: Sequence[int] | None = None,
    predicted_only: bool = False,
    untracked: str = "error",
) -> Any:
    """Read a SLEAP file like :func:`~poseconv.readers.sleap.read_sleap`, from arrays when the file allows.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A ``.slp`` (analysis ``.h5`` files are passed to ``read_sleap``).
    video_indices, predicted_only, untracked
        As :func:`~poseconv.readers.sleap.read_sleap`.

    Returns
    -------
    PoseData
        Equal to what ``read_sleap`` returns.
    """
    import dataclasses

    from ..model import FrameTiming, PoseData, PoseTrack, Skeleton
    from . import sleap as slow
    from .files import check_frame_count, check_input_file

    path = check_input_file(file_path, suffixes=slow.SUFFIXES, what="SLEAP .slp or analysis .h5")
    slow._check_untracked_option(untracked)
    arrays = None
    if path.suffix.lower() == ".slp":
        header = slow._slp_header(path)
        try:
            arrays = read_slp_track_arrays(path, predicted_only=predicted_only)
        except Exception:
            arrays = None
    if arrays is None:
        return slow.read_sleap(path, video_indices=video_indices, predicted_only=predicted_only, untracked=untracked)
    tracks_arrays, last_frame, n_videos = arrays

    from sleap_io.io import slp as sio_slp

    videos = sio_slp.read_videos(str(path), open_backend=False)
    skeleton_objects = sio_slp.read_skeletons(str(path))
    sleap_tracks = sio_slp.read_tracks(str(path))
    metadata = sio_slp.read_metadata(str(path))
    provenance = dict(sio_slp.read_provenance(str(path), metadata) or {})
    if len(videos) != n_videos:
        return slow.read_sleap(path, video_indices=video_indices, predicted_only=predicted_only, untracked=untracked)

    described = [slow._slp_video_info(video, index, path) for index, video in enumerate(videos)]
    keys = slow._unique([info.key for info, _ in described])
    infos = [dataclasses.replace(info, key=key) for (info, _), key in zip(described, keys, strict=True)]
    selected = slow._select_videos(path, len(infos), keys, video_indices)
    skeleton_names = slow._unique([str(s.name) if s.name else "Skeleton" for s in skeleton_objects])
    track_names = slow._unique([str(t.name) if str(t.name or "") else f"track_{i}" for i, t in enumerate(sleap_tracks)])
    rows = {(v, ("track", t), s): None for (v, t, s) in tracks_arrays if v in selected}
    names = slow._slot_names(rows, track_names, skeleton_names)
    tracks = []
    for v, slot, s in sorted(rows, key=lambda k: (selected.index(k[0]), k[1][0] != "track", k[1][1], k[2])):
        data = tracks_arrays[v, slot[1], s]
        n_frames = max(last_frame[v] + 1, infos[v].n_frames or 0)
        n_nodes = data["positions"].shape[1]
        frames = data["frames"]
        check_frame_count(path, n_frames, last_frame[v] + 1, what=f"frames of video {infos[v].key!r}")
        positions = np.full((n_frames, n_nodes, 2), np.nan)
        positions[frames] = data["positions"]
        user_labeled = np.zeros(n_frames, dtype=bool)
        user_labeled[frames] = data["user_labeled"]
        confidence = instance_scores = None
        if data["any_predicted"]:
            confidence = np.full((n_frames, n_nodes), np.nan)
            confidence[frames] = data["confidence"]
            instance_scores = np.full(n_frames, np.nan)
            instance_scores[frames] = data["instance_scores"]
        tracking_scores = None
        if header["has_tracking_score"] and data["tracking_scores"] is not None:
            tracking_scores = np.full(n_frames, np.nan)
            tracking_scores[frames] = data["tracking_scores"]
        tracks.append(
            PoseTrack(
                name=names[slot, s],
                skeleton=skeleton_names[s],
                video=infos[v].key,
                positions=positions,
                confidence=confidence,
                confidence_definition=slow.SLP_CONFIDENCE_DEFINITION if data["any_predicted"] else None,
                instance_scores=instance_scores,
                tracking_scores=tracking_scores,
                user_labeled=user_labeled,
            )
        )
    skeletons = [
        Skeleton(name=name, nodes=tuple(s.node_names), edges=tuple(tuple(e) for e in s.edge_inds))
        for s, name in zip(skeleton_objects, skeleton_names, strict=True)
    ]
    timing = {
        info.key: FrameTiming(rate=info.fps, source=f"video fps recorded in {path.name}")
        for info in infos
        if info.fps is not None
    }
    version = provenance.get("sleap_version")
    used_tracks = {slot[1] for _, slot, _ in rows}
    notes: dict[str, Any] = {
        "file_kind": "slp",
        "format_id": header["format_id"],
        "predicted_only": predicted_only,
        "untracked": untracked,
        "videos": {info.key: facts for info, (_, facts) in zip(infos, described, strict=True)},
        "selected_videos": [infos[i].key for i in selected],
        "tracks_without_instances": [name for i, name in enumerate(track_names) if i not in used_tracks],
        "provenance": {k: v for k, v in provenance.items() if k != "filename"},
    }
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file=path,
        skeletons=skeletons,
        videos=infos,
        tracks=tracks,
        timing=timing,
        source_software_version=str(version) if version else None,
        scorer=slow._scorer(provenance),
        reference_frame=slow.SLEAP_REFERENCE_FRAME,
        notes=notes,
    )
