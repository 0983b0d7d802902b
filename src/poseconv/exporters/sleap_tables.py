"""Write the frame, instance and point tables of a ``.slp`` file a block of frames at a time.

A ``.slp`` file keeps its labels in four HDF5 tables: ``frames`` (one row per labeled
frame, with the range of its instances), ``instances`` (type, track, skeleton, score and
the range of its points), ``points`` (user instances) and ``pred_points`` (predicted
instances, with a score per point). sleap-io builds them from one Python object per
instance and per point, which for a long recording takes minutes and gigabytes.
Here sleap-io writes everything else (skeletons, tracks, videos, provenance) from a
``Labels`` without frames, and the four tables are then replaced by tables of the same
dtypes (the ones that sleap-io version writes) filled from the tracks' arrays block by
block, with numpy: rows in the order sleap-io would write them (frames by video and
frame index, instances in track order within a frame, the predictions user instances
replaced first, as SLEAP saves them), the same values, and each user instance's
``from_predicted`` pointing at the prediction it replaced in its frame.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..model import PoseData, PoseTrack
from ..model.frames import read_frames, without_padding
from .video_crop import crop_corner, on_video

__all__ = [
    "NO_TRACKING_SCORE",
    "identity_catalog",
    "instance_present",
    "unopened_video",
    "unscored_is_user",
    "write_label_tables",
]

# sleap-io's codes for instance types.
_USER, _PREDICTED = 0, 1
# Values (frames x tracks x nodes) gathered per block, which bounds memory whatever the number of tracks.
_BLOCK_VALUES = 2**19
_TABLES = ("frames", "instances", "points", "pred_points")
#: The tracking score SLEAP gives an instance without one (files before format 1.2, untracked instances).
NO_TRACKING_SCORE = 0.0
# Rows per chunk of a table of a long recording (about 4 MB of instances).
_CHUNK_ROWS = 65536
# sleap-io's /identity/links rows (SLP format 2.5, sleap_io.io.slp.write_identity_links); its code of instances.
_IDENTITY_LINK = np.dtype([("owner_type", "u1"), ("owner_id", "i8"), ("identity_idx", "i4"), ("identity_score", "f4")])
_OWNER_INSTANCE = 0


def instance_present(
    positions: np.ndarray, scores: tuple[np.ndarray | None, ...] = (), user: np.ndarray | None = None
) -> np.ndarray:
    """Return where a track has an instance: a coordinate, a recorded instance or tracking score, a user flag.

    SLEAP keeps an instance whose points are all missing (a prediction with its score, a user
    instance with every point hidden); the NWB file records it by its scores and user flag
    (:mod:`poseconv.nwb.write.scores`), so it is exported again.

    Parameters
    ----------
    positions : numpy.ndarray
        ``(frames, [tracks,] nodes, dims)``.
    scores : tuple of numpy.ndarray or None
        Recorded instance and tracking scores, ``(frames, [tracks])``, NaN where there is no instance;
        None where the track records none. A mean of point scores is not a record.
    user : numpy.ndarray, optional
        User flags, ``(frames, [tracks])``: 1 for a user instance.

    Returns
    -------
    numpy.ndarray
        ``(frames, [tracks])`` bool.
    """
    present = ~np.all(np.isnan(positions), axis=(-2, -1))
    for values in scores:
        if values is not None:
            present |= ~np.isnan(values)
    if user is not None:
        present |= np.asarray(user) == 1
    return present


def unscored_is_user(software: str | None, track: PoseTrack) -> bool:
    """Return whether an instance of ``track`` without a score for any node is a user instance.

    Only where the track does not record the kind itself (``user_labeled`` None). SLEAP scores every
    predicted point, and its analysis files (and NWB files written from them) give user instances no
    scores: in poses SLEAP estimated, an unscored instance is a user's. Another tool's track with
    confidence values is predictions throughout: a missing value (a NaN likelihood of a DeepLabCut
    file, an interpolated pose) is a prediction without a score, never a human label, which SLEAP would
    train on and prefer over predictions. A track without any confidence (poses of unknown origin)
    stays user instances.

    Parameters
    ----------
    software : str or None
        The poses' ``source_software``.
    track : PoseTrack
        The track.

    Returns
    -------
    bool
        Whether an unscored instance is a user instance.
    """
    return track.confidence is None or _is_sleap(software)


def _is_sleap(software: str | None) -> bool:
    """Return whether ``software`` (a ``source_software``) names SLEAP or its libraries (``SLEAP``, ``sleap-io``)."""
    return bool(software) and str(software).strip().lower().startswith("sleap")


@dataclass
class _Counters:
    frames: int = 0
    instances: int = 0
    points: int = 0
    pred_points: int = 0


def _append(dataset: Any, rows: np.ndarray) -> None:
    if len(rows):
        n = dataset.shape[0]
        dataset.resize((n + len(rows),))
        dataset[n:] = rows


@dataclass
class _Block:
    """The values of one block of frames of the tracks of one video, ``(frames, tracks, ...)``."""

    positions: np.ndarray  # (frames, tracks, width, 2)
    scores: np.ndarray  # (frames, tracks, width) point scores
    valid: np.ndarray  # (tracks, width): the nodes each track has
    instance_scores: np.ndarray  # (frames, tracks), NaN where the track has none
    scored: np.ndarray  # (tracks,): whether the track records instance scores
    tracked: np.ndarray  # (tracks,): whether the track records tracking scores
    tracking_scores: np.ndarray  # (frames, tracks), NaN where the track has none
    user: np.ndarray  # (frames, tracks): 1 user, 0 predicted, NaN where the track does not say
    unscored_user: np.ndarray  # (tracks,): where the track does not say, an instance without scores is a user's
    identities: np.ndarray  # (frames, tracks): index into the file's identities, -1 where none
    identity_scores: np.ndarray  # (frames, tracks), NaN where none


def _gather(tracks: list[PoseTrack], start: int, stop: int, width: int, software: str, identities: list[str]) -> _Block:
    """Return the values of frames ``[start, stop)`` of ``tracks`` (poses ``software`` made), padded to ``width``.

    ``identities`` are the names of the file's identities, which the block's identity indices refer to.
    """
    n = stop - start
    block = _Block(
        positions=np.full((n, len(tracks), width, 2), np.nan),
        scores=np.full((n, len(tracks), width), np.nan),
        valid=np.zeros((len(tracks), width), dtype=bool),
        instance_scores=np.full((n, len(tracks)), np.nan),
        scored=np.array([track.instance_scores is not None for track in tracks], dtype=bool),
        tracking_scores=np.full((n, len(tracks)), np.nan),
        tracked=np.array([track.tracking_scores is not None for track in tracks], dtype=bool),
        user=np.full((n, len(tracks)), np.nan),
        unscored_user=np.array([unscored_is_user(software, track) for track in tracks], dtype=bool),
        identities=np.full((n, len(tracks)), -1, dtype="int64"),
        identity_scores=np.full((n, len(tracks)), np.nan),
    )
    for k, track in enumerate(tracks):
        nodes = track.positions.shape[1]
        block.valid[k, :nodes] = True
        upto = min(stop, track.n_frames)
        if upto <= start:
            continue
        confidence = read_frames(track.confidence, start, upto) if track.confidence is not None else None
        positions, confidence = without_padding(read_frames(track.positions, start, upto), confidence)
        block.positions[: upto - start, k, :nodes] = positions[..., :2]
        if confidence is not None:
            block.scores[: upto - start, k, :nodes] = confidence
        for values, target in (
            (track.instance_scores, block.instance_scores),
            (track.tracking_scores, block.tracking_scores),
            (track.user_labeled, block.user),
        ):
            if values is not None:
                target[: upto - start, k] = read_frames(values, start, upto)
        if track.identities is not None:
            # The track's indices into its identity names, as indices into the file's (-1 stays -1).
            to_file = np.array([*(identities.index(name) for name in track.identity_names), -1], dtype="int64")
            block.identities[: upto - start, k] = to_file[read_frames(track.identities, start, upto, dtype="int64")]
        if track.identity_scores is not None:
            block.identity_scores[: upto - start, k] = read_frames(track.identity_scores, start, upto)
    return block


def _point_rows(
    tables: dict[str, Any],
    counters: _Counters,
    instances: np.ndarray,
    *,
    user: np.ndarray,
    node_mask: np.ndarray,
    points: np.ndarray,
    point_scores: np.ndarray,
) -> None:
    """Append the points of a block's instances to the user and predicted point tables, and set their ranges."""
    for kind, table, rows in (("points", "points", user), ("pred_points", "pred_points", ~user)):
        counts = np.where(rows, node_mask.sum(axis=1), 0)
        ends = getattr(counters, kind) + np.cumsum(counts)
        instances["point_id_start"][rows] = (ends - counts)[rows]
        instances["point_id_end"][rows] = ends[rows]
        picked = node_mask & rows[:, None]
        values = np.zeros(int(picked.sum()), dtype=tables[table].dtype)
        values["x"], values["y"] = points[picked][:, 0], points[picked][:, 1]
        # A point with one coordinate (SLEAP files hold some) stays visible, so that readers keep that coordinate.
        values["visible"] = ~np.isnan(points[picked]).all(axis=1)
        values["complete"] = False
        if kind == "pred_points":
            values["score"] = point_scores[picked]
        _append(tables[table], values)
        setattr(counters, kind, int(getattr(counters, kind) + counts.sum()))


def _block_rows(
    tables: dict[str, Any],
    counters: _Counters,
    *,
    video_id: int,
    start: int,
    block: _Block,
    skeleton_ids: np.ndarray,
    track_ids: np.ndarray,
    replaced_in: np.ndarray,
) -> None:
    """Append the rows of one block of frames of one video to the four tables.

    ``replaced_in`` gives, per column, the column of the predictions its user instances replaced
    (-1: none); a user instance's ``from_predicted`` is the replaced prediction of its frame.
    """
    # nonzero gives frame-major, track-minor order.
    present = instance_present(block.positions, (block.instance_scores, block.tracking_scores), block.user)
    frame_rows, track_cols = np.nonzero(present)
    if not len(frame_rows):
        return
    row_of = np.full(present.shape, -1, dtype="int64")
    row_of[frame_rows, track_cols] = np.arange(len(frame_rows))
    node_mask = block.valid[track_cols]  # (instances, width): the nodes each instance has
    points = block.positions[frame_rows, track_cols]  # (instances, width, 2)
    point_scores = block.scores[frame_rows, track_cols]
    # The kind the track records (SLEAP's user_labeled); without it, see unscored_is_user.
    recorded = block.user[frame_rows, track_cols]
    unscored = np.all(np.isnan(point_scores) | ~node_mask, axis=1) & block.unscored_user[track_cols]
    user = np.where(np.isnan(recorded), unscored, recorded == 1)

    instances = np.zeros(len(frame_rows), dtype=tables["instances"].dtype)
    instances["instance_id"] = counters.instances + np.arange(len(frame_rows))
    instances["instance_type"] = np.where(user, _USER, _PREDICTED)
    labeled, first_rows, per_frame = np.unique(frame_rows, return_index=True, return_counts=True)
    instances["frame_id"] = counters.frames + np.searchsorted(labeled, frame_rows)
    instances["skeleton"] = skeleton_ids[track_cols]
    instances["track"] = track_ids[track_cols]
    # SLEAP links a user instance to the prediction it was corrected from, in the same frame.
    source = replaced_in[track_cols]
    linked = np.where(source >= 0, row_of[frame_rows, np.maximum(source, 0)], -1)
    instances["from_predicted"] = np.where(user & (linked >= 0), counters.instances + linked, -1)
    # SLEAP's instance score when the track records them (NaN stays NaN), else the mean point score.
    score = block.instance_scores[frame_rows, track_cols]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: NaN, as wanted
        mean = np.nanmean(np.where(node_mask, point_scores, np.nan), axis=1)
    score = np.where(block.scored[track_cols] | np.isnan(mean), score, mean)
    instances["score"][~user] = score[~user].astype("float32")
    # Where the track records none, SLEAP's own value for an instance without one (sleap-io reads 0.0).
    tracking = np.where(block.tracked[track_cols], block.tracking_scores[frame_rows, track_cols], NO_TRACKING_SCORE)
    instances["tracking_score"] = tracking.astype("float32")
    _point_rows(tables, counters, instances, user=user, node_mask=node_mask, points=points, point_scores=point_scores)

    frames = np.zeros(len(labeled), dtype=tables["frames"].dtype)
    frames["frame_id"] = counters.frames + np.arange(len(labeled))
    frames["video"] = video_id
    frames["frame_idx"] = start + labeled
    frames["instance_id_start"] = counters.instances + first_rows
    frames["instance_id_end"] = counters.instances + first_rows + per_frame
    _append(tables["instances"], instances)
    _append(tables["frames"], frames)
    if "identity_links" in tables:
        _append(tables["identity_links"], _identity_links(block, frame_rows, track_cols, instances["instance_id"]))
    counters.instances += len(frame_rows)
    counters.frames += len(labeled)


def _all_tracks(pose: PoseData) -> list[PoseTrack]:
    """Return the tracks of ``pose`` and the replaced predictions they hold."""
    return pose.tracks + [t.replaced_predictions for t in pose.tracks if t.replaced_predictions is not None]


def identity_catalog(pose: PoseData) -> list[str]:
    """Return the names of the identities the tracks (and their replaced predictions) use, in their order."""
    return list(
        dict.fromkeys(
            name for track in _all_tracks(pose) if track.identities is not None for name in track.identity_names
        )
    )


def _identity_links(block: _Block, frame_rows: np.ndarray, track_cols: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Return sleap-io's ``/identity/links`` rows of a block's instances (``ids``) that have an identity."""
    identity = block.identities[frame_rows, track_cols]
    linked = identity >= 0
    links = np.zeros(int(linked.sum()), dtype=_IDENTITY_LINK)
    links["owner_type"] = _OWNER_INSTANCE
    links["owner_id"] = ids[linked]  # joined by the instance's id
    links["identity_idx"] = identity[linked]
    links["identity_score"] = block.identity_scores[frame_rows, track_cols][linked]
    return links


def _row_bounds(pose: PoseData) -> dict[str, int]:
    """Return the most rows each table can get: every track (and replaced predictions) in every frame."""
    tracks = _all_tracks(pose)
    instances = sum(track.n_frames for track in tracks)
    points = sum(track.n_frames * track.positions.shape[1] for track in tracks)
    frames = sum(max((t.n_frames for t in pose.tracks if t.video == key), default=0) for key in pose.videos)
    return {"frames": frames, "instances": instances, "points": points, "pred_points": points}


def write_label_tables(
    handle: Any,
    pose: PoseData,
    *,
    video_keys: list[str],
    skeleton_names: list[str],
    track_ids: dict[str, int],
    identities: Sequence[str] = (),
) -> None:
    """Replace the four label tables of an open ``.slp`` file with the poses' instances, block by block.

    Instances with an identity are linked to it in sleap-io's ``/identity/links`` table.

    Parameters
    ----------
    handle : h5py.File
        The file sleap-io wrote (without frames), open for writing.
    pose : PoseData
        2D poses.
    video_keys : list of str
        Videos in the order of the file's video list.
    skeleton_names : list of str
        Skeletons in the order of the file's skeleton list.
    track_ids : dict of str to int
        Index of each track name in the file's track list; -1 for instances without a track.
    identities : list of str
        The names of the file's identities (:func:`identity_catalog`), which sleap-io wrote.
    """
    tables = {}
    bounds = _row_bounds(pose)
    for name in _TABLES:
        dtype = handle[name].dtype  # the layout this sleap-io version writes
        del handle[name]
        # HDF5 stores whole chunks: a chunk no longer than the table can grow keeps a small export small.
        chunk = max(1, min(_CHUNK_ROWS, bounds[name]))
        tables[name] = handle.create_dataset(name, shape=(0,), maxshape=(None,), dtype=dtype, chunks=(chunk,))
    if any(track.identities is not None for track in _all_tracks(pose)):
        chunk = max(1, min(_CHUNK_ROWS, bounds["instances"]))
        tables["identity_links"] = handle.require_group("identity").create_dataset(
            "links", shape=(0,), maxshape=(None,), dtype=_IDENTITY_LINK, chunks=(chunk,)
        )
    counters = _Counters()
    for video_id, key in enumerate(video_keys):
        owners = [track for track in pose.tracks if track.video == key]
        if not owners:
            continue
        # The predictions user instances replaced come first in their frames, as SLEAP saves them.
        replaced = [track.replaced_predictions for track in owners if track.replaced_predictions is not None]
        tracks = replaced + owners
        replaced_in = np.full(len(tracks), -1, dtype="int64")
        for k, track in enumerate(owners):
            if track.replaced_predictions is not None:
                replaced_in[len(replaced) + k] = next(
                    j for j, r in enumerate(replaced) if r is track.replaced_predictions
                )
        width = max(track.positions.shape[1] for track in tracks)
        block = max(256, _BLOCK_VALUES // max(1, len(tracks) * width))
        skeletons = np.array([skeleton_names.index(track.skeleton) for track in tracks], dtype="int64")
        ids = np.array([track_ids[track.name] for track in tracks], dtype="int64")
        n_frames = max(track.n_frames for track in tracks)
        corner = crop_corner(pose, key)
        for start in range(0, n_frames, block):
            stop = min(n_frames, start + block)
            values = _gather(tracks, start, stop, width, pose.source_software, list(identities))
            values.positions = on_video(values.positions, corner)  # from a crop's pixels to the video's
            values.user[:, : len(replaced)] = 0  # replaced predictions are predictions, scored or not
            _block_rows(
                tables,
                counters,
                video_id=video_id,
                start=start,
                block=values,
                skeleton_ids=skeletons,
                track_ids=ids,
                replaced_in=replaced_in,
            )


def unopened_video(
    source: str | list[str],
    fps: float | None,
    shape: tuple[int, int, int] | None = None,
    local: Path | None = None,
) -> Any:
    """Return a ``sleap_io.Video`` of a file, or of image files (an image sequence), not opened, with its frame rate.

    Unopened, sleap-io saves what ``backend_metadata`` records: the rate, the video's ``shape`` (frames,
    height, width, channels) and ``grayscale``, and for image files the ``filenames`` that make it an image
    sequence (an ``ImageVideo``) when read again (their count is the frame count: without a readable image no
    shape is saved, and SLEAP reads it from the images). The shape and grayscale are those sleap-io reads from
    the ``local`` copy of the video when it reads one (:func:`_video_shape`), else ``shape`` (frames, height,
    width, as the NWB file records them) with 3 channels, SLEAP's default (NWB records no channels), and no
    ``grayscale``. SLEAP's readers take the frame count from the shape: without it, poses read back where the
    video is not at hand end at their last frame holding an instance.
    """
    import sleap_io as sio

    video = sio.Video(filename=source, open_backend=False)
    if isinstance(source, list):
        video.backend_metadata.update(filename=source[0], filenames=list(source))
    if fps is not None and fps > 0:
        video.fps = float(fps)
    read = _video_shape(local) if not isinstance(source, list) else None
    if read is not None:
        frames, height, width, channels = read
        # The poses may run past a video whose frame count its container under-reports.
        frames = max(frames, shape[0]) if shape is not None else frames
        video.backend_metadata.update(shape=[frames, height, width, channels], grayscale=channels == 1)
    elif shape is not None and not isinstance(source, list):
        video.backend_metadata["shape"] = [int(value) for value in shape] + [3]
    return video


def _video_shape(path: Path | None) -> tuple[int, int, int, int] | None:
    """Return ``(frames, height, width, channels)`` of the video at ``path`` as sleap-io reads it; None if unread.

    sleap-io's own reading, so that the export records what SLEAP finds in the file: 1 channel for a
    grayscale video, which it detects from the first frame's colours whatever the stream's pixel format.
    """
    if path is None or not Path(path).is_file():
        return None
    import sleap_io as sio

    try:
        video = sio.load_video(str(path))
    except Exception:  # noqa: BLE001 - any reader's failure: not a video sleap-io reads, SLEAP will say so
        return None
    try:
        frames, height, width, channels = (int(value) for value in video.shape)
    except Exception:  # noqa: BLE001 - a file sleap-io opens but cannot decode a frame of
        return None
    finally:
        video.close()
    return (frames, height, width, channels) if frames > 0 and height > 0 and width > 0 else None
