"""Export poses to a sleap-io ``Labels`` object or a SLEAP ``.slp`` file.

Mapping, track by track and frame by frame:

* every :class:`~poseconv.model.Skeleton` used becomes a ``sleap_io.Skeleton``
  with the same nodes (in order), edges and symmetries;
* every track name becomes one ``sleap_io.Track`` (shared across videos);
* every video becomes a ``sleap_io.Video`` pointing at the video file when it
  is known here, else at the path the tool recorded, else at the video key
  (the video is never opened);
* frame ``t`` of a track becomes an instance in the ``LabeledFrame`` with
  ``frame_idx=t`` of its video where the track has a coordinate in that frame, or
  records an instance there (an instance or tracking score, a user flag: SLEAP keeps
  instances whose points are all missing); elsewhere the animal was not there;
  frames with no instance at all get no ``LabeledFrame``;
* an instance is a user ``Instance`` where the track's ``user_labeled`` says so,
  a ``PredictedInstance`` elsewhere; a track that does not say (not read from
  SLEAP) has a ``PredictedInstance`` where a frame has at least one confidence
  value and a user ``Instance`` where it has none;
* a ``PredictedInstance``'s point scores are the confidence values, its score the
  track's ``instance_scores`` (SLEAP's instance score, which poseconv writes to NWB
  beside the ``PoseEstimation``; NaN stays NaN), else (another tool's track) the mean
  point score; every instance's
  tracking score is the track's ``tracking_scores`` (0.0, SLEAP's value for an
  instance without one, when it has none);
* an instance's ``identity`` (sleap-io's re-identification) and ``identity_score`` are the track's
  ``identities`` and ``identity_scores`` in that frame; the file's identities are those the
  tracks name (:func:`~.sleap_tables.identity_catalog`);
* SLEAP poses in tracks named ``untracked`` / ``untracked_<k>`` (how poseconv's
  SLEAP reader files instances that have no track) get no track;
* a track's ``replaced_predictions`` (SLEAP predictions a user instance replaced)
  become ``PredictedInstance`` objects of the same track in their frames, before the
  instances of the tracks, and the user instance of that track and frame gets
  ``from_predicted`` pointing at it, as SLEAP saves a corrected prediction;
* poses in a crop's pixels (DeepLabCut's ``analyze_videos(cropping=...)``, a sleap-io virtual crop) are
  moved by the crop's top-left corner onto the whole video linked (:mod:`~.video_crop`).

SLEAP instances are 2D; 3D poses are refused. What a SLEAP file has no place for (extra per-keypoint
columns such as the Ensemble Kalman Smoother's variances) is left out with a warning naming it
(:mod:`poseconv.exporters.left_out`).

:func:`write_slp` does not build these objects: sleap-io writes the skeletons,
tracks and videos, and the frame, instance and point tables are written a block of
frames at a time from the tracks' arrays (:mod:`poseconv.exporters.sleap_tables`),
with the same rows sleap-io would write for :func:`to_sleap_labels`.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError, PoseconvWarning
from ..model import PoseData, PoseTrack
from ..model.frames import without_padding
from ..model.location import is_absolute_anywhere, is_url, location_name
from ..model.training import TrainingData
from ..output import atomic_output
from ..timing import known_rate
from .docstrings import fill_export_docs
from .files import export_path, warn_not_pixels
from .left_out import POSE_EXPORTS, pose_values, warn_left_out
from .sleap_tables import NO_TRACKING_SCORE, identity_catalog, instance_present, unopened_video, unscored_is_user
from .video_crop import crop_corner, on_video

__all__ = ["sleap_provenance", "sleap_track_names", "sleap_video", "to_sleap_labels", "video_filename", "write_slp"]

# poseconv's names of SLEAP's untracked instances taken by order (untracked="by_order"), and of a single set.
_UNTRACKED_SLOT = re.compile(r"untracked(_\d+)?")


def video_filename(
    pose: PoseData | TrainingData, key: str, *, named_in: str = "the .slp names it so, relative to the .slp"
) -> str | list[str]:
    """Return what a ``.slp`` names video ``key`` by: the video here, its images, else the path the NWB file records.

    Parameters
    ----------
    pose : PoseData or TrainingData
        The poses or labels read from an NWB file (their ``source_file``), whose ``videos`` hold ``key``.
    key : str
        The video's key.
    named_in : str, default: "the .slp names it so, relative to the .slp"
        How the output names a path recorded relative to an NWB file at a URL, for the warning (the
        SLEAP analysis export's ``video_path`` follows the same rule).
    """
    info = pose.videos[key]
    if info.path is not None:
        return str(info.path)
    if info.image_files:
        return [str(image) for image in info.image_files]
    recorded = info.original_path
    if recorded is None:
        # No video recorded: the key is no path, so it is not put beside the NWB file.
        _warn_stored_video(pose, key)
        return key
    if not (info.linked_in_nwb and _relative_to_nwb(pose, recorded)):
        # A path the tool recorded (the NWB file names it, the converting machine lacked it): as recorded.
        return recorded
    # NWB records a video relative to the NWB file: the .slp elsewhere would name another place.
    if not is_url(pose.source_file):
        return os.path.normpath(Path(pose.source_file).absolute().parent / recorded)
    warnings.warn(
        f"{location_name(pose.source_file)}: video {key!r} is recorded as {recorded!r}, relative to the NWB file at "
        f"{pose.source_file}, which is not on this computer; {named_in}. Put the video there, or point SLEAP to it "
        "when it asks.",
        PoseconvWarning,
        stacklevel=4,
    )
    return recorded


def _warn_stored_video(pose: PoseData | TrainingData, key: str) -> None:
    """Warn when video ``key`` of poses read from an NWB file is a ``source_video`` whose frames the file holds.

    neuroconv's ``InternalVideoInterface`` stores the frames in the NWB file: the export names the video
    by its key, which is no file, and a SLEAP user would otherwise learn it only when SLEAP asks for it.
    """
    from ..nwb.read.store import is_nwb_location
    from .linked_video import stored_source_videos

    containers = getattr(pose, "notes", {}).get("nwb_containers", {})
    of_key = [path for name, path in containers.items() if name.split("/", 1)[0] == key]
    if not of_key or not is_nwb_location(pose.source_file):
        return
    stored = next(iter(stored_source_videos(pose.source_file, of_key).values()), None)
    if stored is None:
        return
    warnings.warn(
        f"{location_name(pose.source_file)}: video {key!r} is the source_video {stored.said()}, whose frames are "
        f"stored in the NWB file, not in a video file; the export names it {key!r}, which is no file. Point SLEAP "
        "to a video file of it when it asks.",
        PoseconvWarning,
        stacklevel=5,
    )


def _relative_to_nwb(pose: PoseData | TrainingData, recorded: str) -> bool:
    """Whether ``recorded`` is a relative video path an NWB file (the poses' source) records."""
    source = str(pose.source_file)
    from_nwb = is_url(source) or source.lower().endswith((".nwb", ".nwb.zarr"))
    return from_nwb and not is_absolute_anywhere(recorded) and not is_url(recorded)


def sleap_video(pose: PoseData, key: str, filename: str | list[str] | None = None) -> Any:
    """Return the ``sleap_io.Video`` of a video key, with the frame rate the poses were written at.

    Not opened: sleap-io then saves what ``backend_metadata`` records (the rate, the shape, an image
    sequence's files), and reads the rest from the file. The shape's frame count is the video's (else the
    poses'), so that the poses read back keep their length where the video is not at hand
    (:func:`~.sleap_tables.unopened_video`).

    Parameters
    ----------
    pose : PoseData
        The poses, whose tracks name ``key``.
    key : str
        The video's key.
    filename : str or list of str, optional
        What the output names the video by, by its own rule (the analysis export's ``video_path``);
        default :func:`video_filename`.
    """
    info = pose.videos.get(key)
    fps = known_rate(pose.timing.get(key)) or (info.fps if info is not None else None)
    n_frames = max(
        [track.n_frames for track in pose.tracks if track.video == key] + [info.n_frames or 0 if info else 0]
    )
    frame_size = info.frame_size if info is not None else None
    shape = (n_frames, *frame_size) if frame_size and n_frames else None
    local = info.path if info is not None else None
    return unopened_video(video_filename(pose, key) if filename is None else filename, fps, shape, local)


def sleap_provenance(pose: PoseData) -> dict[str, Any]:
    """Return the ``provenance`` a SLEAP file exported from ``pose`` records.

    Poses SLEAP predicted keep SLEAP's own keys, which SLEAP, sleap-io and poseconv's readers read
    (:func:`~poseconv.readers.sleap.common.sleap_version_of`, :func:`~poseconv.readers.sleap.common.scorer_of`):
    ``sleap_version`` and ``model_paths`` (SLEAP's inference records the models' paths; NWB keeps their
    folder names, the scorer, which are written as the paths), and what predicted them as the reader said it
    ("Predicted by SLEAP 1.2.8 (TopDownPredictor)."; :func:`~poseconv.readers.sleap.provenance.provenance_said`):
    ``predictor``, sleap-nn's ``sleap_nn_version`` and ``model_type``, a tracking-only run's ``pipeline_type`` and
    ``input_provenance``. Another tool's version and scorer are not SLEAP's and are recorded under poseconv's own
    keys.
    """
    # Imported here: importing the SLEAP readers' package would load every reader of it with the exporters.
    from ..readers.sleap.provenance import provenance_said

    provenance: dict[str, Any] = {
        "source": f"poseconv export of {pose.source_name}",
        "source_software": pose.source_software,
    }
    if str(pose.source_software or "").strip().lower() == "sleap":
        if pose.source_software_version:
            provenance["sleap_version"] = pose.source_software_version
        if pose.scorer:
            # The reader joins the model folder names with ", " (scorer_of).
            provenance["model_paths"] = [name.strip() for name in pose.scorer.split(",") if name.strip()]
        # The note of a .slp read directly, or the containers' descriptions of an NWB file (each says it).
        notes = [pose.notes.get("model"), *pose.notes.get("descriptions", {}).values()]
        said = next(filter(None, map(provenance_said, notes)), {})
        for key, value in said.items():
            provenance.setdefault(key, value)
    else:
        if pose.source_software_version:
            provenance["source_software_version"] = pose.source_software_version
        if pose.scorer:
            provenance["scorer"] = pose.scorer
    return provenance


def sleap_track_names(pose: PoseData) -> dict[str, str | None]:
    """Return the SLEAP track of each track name of ``pose``, in track order; None: no track (untracked).

    Tracks of one animal (:meth:`~poseconv.model.PoseData.identity`) share its SLEAP track where they
    can be one: a SLEAP track split over two skeletons, never two poses of one skeleton in one frame.
    Two pose files of one video converted into one NWB file name their animals alike (``mouse`` and
    ``PoseEstimation_mouse_run2``, whose track is ``mouse`` too): those cannot share a track (two
    instances of one track and skeleton in a frame), and take the names of a file of their own
    (:meth:`~poseconv.model.PoseData.exported_names`). An untracked pose set beside another of its
    video and skeleton is given a track of its own name, unless it is named as poseconv's SLEAP reader
    names untracked instances (``untracked``, ``untracked_<k>`` of ``untracked="by_order"``): several
    untracked instances in a frame of two pose files could not be read back.
    """
    first = {track.name: track for track in reversed(pose.tracks)}
    first = {name: first[name] for name in pose.track_names()}
    seen: dict[str, set[tuple[str, str]]] = {}
    for track in pose.tracks:
        seen.setdefault(track.name, set()).add((track.video, track.skeleton))
    groups: dict[str | None, list[str]] = {}
    for name, track in first.items():
        groups.setdefault(pose.identity(track), []).append(name)
    untracked = groups.pop(None, [])
    # Several untracked sets of one video and skeleton are by_order slots only if all are named so.
    crowded = [name for name in untracked if any(seen[name] & seen[other] for other in untracked if other != name)]
    own = [name for name in crowded if not _UNTRACKED_SLOT.fullmatch(name)]
    shared: list[str] = []  # one track per animal: its first name stands for the group
    for members in groups.values():
        places = [place for name in members for place in seen[name]]
        shared.extend(members[:1] if len(places) == len(set(places)) else members)
    names = dict(zip(shared, pose.exported_names([first[n] for n in shared]), strict=True))
    result: dict[str, str | None] = {}
    for name, track in first.items():
        identity = pose.identity(track)
        if identity is None:
            result[name] = name if name in own else None
        else:
            result[name] = names.get(name, names.get(groups[identity][0]))
    return result


def _labels_without_frames(pose: PoseData) -> tuple[Any, dict[str, Any], dict[str, Any], dict[str, Any], list[str]]:
    """Return a ``sleap_io.Labels`` with skeletons, tracks, videos and provenance but no frames.

    Also its skeletons, tracks (None for instances without a track) and videos by poseconv
    name, and the video keys in the file's order.
    """
    import sleap_io as sio

    if pose.n_dims != 2:
        raise InvalidOptionError(
            f"{pose.source_name}: SLEAP files hold 2D poses; these are {pose.n_dims}D. "
            "Export them to DeepLabCut (--to dlc) instead."
        )
    used = list(dict.fromkeys(track.skeleton for track in pose.tracks))
    skeletons = {
        name: sio.Skeleton(
            nodes=list(pose.skeletons[name].nodes),
            edges=[tuple(e) for e in pose.skeletons[name].edges],
            symmetries=[tuple(pair) for pair in pose.skeletons[name].symmetries],
            name=name,
        )
        for name in used
    }
    by_name: dict[str, Any] = {}
    tracks: dict[str, Any] = {}
    for name, sleap_name in sleap_track_names(pose).items():
        tracks[name] = None if sleap_name is None else by_name.setdefault(sleap_name, sio.Track(name=sleap_name))
    video_keys = list(dict.fromkeys(track.video for track in pose.tracks))
    videos = {key: sleap_video(pose, key) for key in video_keys}
    labels = sio.Labels(
        videos=list(videos.values()),
        skeletons=list(skeletons.values()),
        tracks=list(by_name.values()),
        provenance=sleap_provenance(pose),
        identities=[sio.Identity(name=name) for name in identity_catalog(pose)],
    )
    return labels, skeletons, tracks, videos, video_keys


def _instance_kind(track: PoseTrack, frame: int, confidence: np.ndarray | None, software: str | None) -> dict[str, Any]:
    """Return whether frame ``frame`` of ``track`` is a user instance, and its scores (see the module docstring).

    ``confidence`` is the track's, as exported (:func:`~poseconv.model.frames.without_padding`);
    ``software`` the poses' ``source_software`` (see :func:`~.sleap_tables.unscored_is_user`).
    """
    scores = confidence[frame] if confidence is not None else np.full(track.positions.shape[1], np.nan)
    scores = np.asarray(scores, dtype="float64")
    if track.user_labeled is not None:
        user = bool(track.user_labeled[frame])
    else:
        # No score for any point: a human placed them, where the poses are SLEAP's (it scores every predicted point).
        user = unscored_is_user(software, track) and bool(np.all(np.isnan(scores)))
    if track.instance_scores is not None:
        score = float(track.instance_scores[frame])  # as SLEAP recorded it, NaN too
    else:
        score = float(np.nanmean(scores)) if not np.all(np.isnan(scores)) else np.nan
    tracking = float(track.tracking_scores[frame]) if track.tracking_scores is not None else NO_TRACKING_SCORE
    return {"user": user, "point_scores": scores, "score": score, "tracking_score": tracking}


def _identity_of(track: PoseTrack, frame: int, identities: dict[str, Any]) -> dict[str, Any]:
    """Return the ``identity`` and ``identity_score`` of frame ``frame`` of ``track`` (``identities``: by name)."""
    index = int(track.identities[frame]) if track.identities is not None else -1
    score = float(track.identity_scores[frame]) if track.identity_scores is not None else np.nan
    return {
        "identity": identities[track.identity_names[index]] if index >= 0 else None,
        "identity_score": None if np.isnan(score) else score,
    }


def to_sleap_labels(pose: PoseData) -> Any:
    """Return the poses as a ``sleap_io.Labels``.

    Parameters
    ----------
    pose : PoseData
        The poses (2D).

    Returns
    -------
    sleap_io.Labels
        Labeled frames sorted by video and frame index.

    Raises
    ------
    InvalidOptionError
        When the poses are 3D.
    """
    import sleap_io as sio

    labels, skeletons, tracks, videos, video_keys = _labels_without_frames(pose)
    identities = {identity.name: identity for identity in labels.identities}
    instances: dict[tuple[str, int], list[Any]] = {}
    replaced: dict[tuple[str, str, int], Any] = {}
    for track in [t.replaced_predictions for t in pose.tracks if t.replaced_predictions is not None] + pose.tracks:
        skeleton = skeletons[track.skeleton]
        is_replaced = any(track is t.replaced_predictions for t in pose.tracks)
        values = (track.instance_scores, track.tracking_scores, track.user_labeled)
        recorded = [None if v is None else np.asarray(v, "float64") for v in values]
        confidence = None if track.confidence is None else np.asarray(track.confidence, "float64")
        positions, confidence = without_padding(np.asarray(track.positions, "float64"), confidence)
        positions = on_video(positions, crop_corner(pose, track.video))  # from a crop's pixels to the video's
        present = instance_present(positions, tuple(recorded[:2]), recorded[2])
        for t in np.flatnonzero(present):
            kind = _instance_kind(track, int(t), confidence, pose.source_software)
            common = {"skeleton": skeleton, "track": tracks[track.name], "tracking_score": kind["tracking_score"]}
            common.update(_identity_of(track, int(t), identities))
            if kind["user"] and not is_replaced:
                instance = sio.Instance.from_numpy(positions[t], **common)
                # SLEAP links a user instance to the prediction it was corrected from.
                instance.from_predicted = replaced.get((track.video, track.name, int(t)))
            else:
                instance = sio.PredictedInstance.from_numpy(
                    positions[t], point_scores=kind["point_scores"], score=kind["score"], **common
                )
                if is_replaced:
                    replaced[track.video, track.name, int(t)] = instance
            # sleap-io makes a point visible by its x alone; one with y only (SLEAP files hold some) keeps it, as
            # the streamed tables keep it (sleap_tables.py).
            instance.points["visible"] = ~np.isnan(positions[t]).all(axis=1)
            instances.setdefault((track.video, int(t)), []).append(instance)

    frames = [
        sio.LabeledFrame(video=videos[video], frame_idx=frame_idx, instances=instances[(video, frame_idx)])
        for video in video_keys
        for frame_idx in sorted(t for v, t in instances if v == video)
    ]
    _warn_left_out(pose, None)
    return sio.Labels(
        labeled_frames=frames,
        videos=labels.videos,
        skeletons=labels.skeletons,
        tracks=labels.tracks,
        provenance=labels.provenance,
        identities=labels.identities,
    )


def _warn_left_out(pose: PoseData, path: Path | None) -> None:
    """Name what a SLEAP file has no place for (:mod:`~poseconv.exporters.left_out`), for the exporter's caller."""
    found = pose_values(pose.tracks, skip=POSE_EXPORTS["slp"])
    warn_left_out(pose.source_name, "a SLEAP file", found, to="slp", path=path, stacklevel=3)


@fill_export_docs
def write_slp(
    pose: PoseData, file_path: str | Path, *, overwrite: bool = False, cameras: Sequence[tuple[Any, str | None]] = ()
) -> Path:
    """Write the poses as a SLEAP ``.slp`` file.

    Parameters
    ----------
    pose : PoseData
        The poses (2D).
    file_path : str or pathlib.Path
        Output, ending in ``.slp``.
    {overwrite}
    cameras : sequence of (sleap_io.Camera, str or None), optional
        A recording session's cameras and the key of the video each recorded (None: no video);
        they are written as the file's one ``RecordingSession``
        (:func:`poseconv.exporters.sleap_session.write_slp_session`).

    {file_written}

    Raises
    ------
    InvalidOptionError
        When the suffix is not ``.slp``, the file exists and ``overwrite`` is False, or the poses are 3D.
    """
    import sleap_io as sio

    path = export_path(file_path, overwrite=overwrite, suffixes=(".slp",), kind="a SLEAP file")
    warn_not_pixels(pose, "a SLEAP .slp file")
    import h5py

    from .sleap_tables import write_label_tables

    labels, skeletons, tracks, videos, video_keys = _labels_without_frames(pose)
    if cameras:
        session = sio.RecordingSession(camera_group=sio.CameraGroup(cameras=[camera for camera, _ in cameras]))
        for camera, key in cameras:
            if key is not None:
                session.add_video(videos[key], camera)
        labels.sessions.append(session)
    position = {id(track): i for i, track in enumerate(labels.tracks)}
    track_ids = {name: (-1 if track is None else position[id(track)]) for name, track in tracks.items()}
    with atomic_output(path, overwrite=overwrite) as partial:
        # sleap-io writes what it keeps outside the label tables; the tables are streamed in after.
        sio.save_slp(labels, str(partial), verbose=False)
        # Without a chunk cache a refused write fails where it is made, as an exception: a cache flushed
        # when h5py drops a dataset reports it nowhere, and HDF5 then crashes closing the file.
        with h5py.File(partial, "a", rdcc_nbytes=0) as handle:
            write_label_tables(
                handle,
                pose,
                video_keys=video_keys,
                skeleton_names=list(skeletons),
                track_ids=track_ids,
                identities=[identity.name for identity in labels.identities],
            )
    _warn_left_out(pose, path)
    return path
