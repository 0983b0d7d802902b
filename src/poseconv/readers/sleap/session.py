"""Read a SLEAP multi-camera recording session: cameras, 2D poses per view, 3D points.

A multi-view ``.slp`` (SLEAP >= 1.4, sleap-io) holds, next to its videos and
labeled frames, ``sessions``: each a ``RecordingSession`` whose camera group
lists the calibrated cameras (intrinsic ``matrix``, distortion ``dist`` as
``k1, k2, p1, p2, k3``, image ``size`` as width x height, extrinsics as a
Rodrigues vector ``rvec`` and translation ``tvec``, in the sleap-anipose /
aniposelib convention ``x_camera = R(rvec) @ X + tvec``) and maps each camera
to one video. Its ``frame_groups`` group, per frame, the instances of one
animal across views (``InstanceGroup``); from format 2.8 on a group may carry
triangulated 3D points (``Instance3D``, or ``PredictedInstance3D`` with a score
per point).

The 2D poses of each view are read as :func:`poseconv.readers.sleap.read_sleap`
reads them, from the same sleap-io ``Labels`` as the session (same track rules:
a user instance wins over a prediction, instances without a track become
``"untracked"``), so a view here is exactly what the SLEAP interface would write
for that video. An instance group's 3D points and its untracked 2D instances go
to the individual :mod:`~poseconv.readers.sleap.session_groups` names: the track its 2D
instances share, else its identity, else ``"untracked"`` (``"untracked_<k>"`` by order).

A session ``.slp`` without 3D points may have sleap-anipose's triangulation beside it
(``points3d.h5``, see :mod:`poseconv.readers.sleap.anipose`); its points become the
session's 3D poses.

Neither the calibration board's square size nor the unit of ``tvec`` is stored
in the ``.slp``, so 3D points and translations are written with unit ``"n.a."``.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ...errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from ...model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from ...model.multicamera import CameraCalibration, MultiCameraPoseData
from ..multicamera import session_from_parts
from ..safety.input_checks import check_input_file, reads_source
from ..side_files import given_or_found
from .anipose import find_points_3d_file, read_points_3d
from .common import UNTRACKED_TRACK_NAME, check_untracked_option, skeletons_of, sleap_names, slp_header
from .session_groups import GroupNames, group_names, group_scores, identities_of_groups, views_by_group
from .slp_objects import load_labels

__all__ = [
    "SLEAP_3D_CONFIDENCE_DEFINITION",
    "SLEAP_3D_REFERENCE_FRAME",
    "CameraRatesWarning",
    "each_video_advice",
    "has_recording_session",
    "read_sleap_session",
]

SLEAP_3D_REFERENCE_FRAME = (
    "World frame of the SLEAP recording session's camera calibration (sleap-anipose / aniposelib): each "
    "camera maps a world point X into its own frame as R(rvec) @ X + tvec, as stored on its CalibratedCamera. "
    "Origin and axes are those fixed at calibration (usually the calibration board); the length unit is that "
    "of the board's square length, which the .slp file does not record, hence 'n.a.'."
)
SLEAP_3D_CONFIDENCE_DEFINITION = (
    "SLEAP 3D point score (PredictedInstance3D.point_scores) as stored in the .slp file by the "
    "triangulating tool; NaN where the point or the animal is absent or the 3D instance has no scores."
)


def has_recording_session(file_path: str | Path) -> bool:
    """Return True when a ``.slp`` file holds at least one recording session; never raises."""
    import h5py

    try:
        with h5py.File(file_path, "r") as handle:
            sessions = handle.get("sessions_json")
            return sessions is not None and len(sessions) > 0
    except (OSError, ValueError, TypeError, KeyError, RuntimeError):  # a sniffer says yes or no
        return False


def _uncalibrated(camera: Any) -> bool:
    """Whether a sleap-io ``Camera`` holds only its defaults (identity intrinsics, no distortion, at the origin)."""
    return (
        camera.size is None
        and np.array_equal(np.asarray(camera.matrix, dtype="float64"), np.eye(3))
        and not np.any(np.asarray(camera.dist, dtype="float64"))
        and not np.any(np.asarray(camera.rvec, dtype="float64"))
        and not np.any(np.asarray(camera.tvec, dtype="float64"))
    )


def _camera_calibration(camera: Any, name: str, path: Path) -> CameraCalibration:
    if _uncalibrated(camera):
        # A camera named only to group the views (Camera(name=...)): sleap-io's defaults are no calibration.
        return CameraCalibration(
            name=name,
            description=f"Camera '{name}' of the SLEAP recording session in {path.name}, without a calibration.",
        )
    rvec = [float(v) for v in np.asarray(camera.rvec, dtype="float64").ravel()]
    size = tuple(int(v) for v in camera.size) if camera.size is not None else None
    return CameraCalibration(
        name=name,
        intrinsic_matrix=camera.matrix,
        # sleap-io's own Rodrigues conversion, so the matrix is exactly what sleap-io uses.
        rotation_matrix=np.asarray(camera.extrinsic_matrix, dtype="float64")[:3, :3],
        translation_vector=camera.tvec,
        distortion_coefficients=camera.dist,
        image_size=size,
        unit="n.a.",
        description=(
            f"Camera '{name}' of the SLEAP recording session in {path.name} (sleap-anipose calibration). "
            f"Rotation = Rodrigues(rvec) with rvec = {rvec}; translation = tvec, in the unit of the calibration "
            "board (not recorded in the .slp). Distortion: k1, k2, p1, p2, k3."
        ),
    )


def _view(pose: PoseData, video_key: str) -> PoseData:
    """Return the part of ``pose`` that belongs to one video, as its own PoseData."""
    tracks = [track for track in pose.tracks if track.video == video_key]
    used = {track.skeleton for track in tracks}
    return PoseData.from_tracks(
        source_software=pose.source_software,
        source_file=pose.source_file,
        skeletons=[s for name, s in pose.skeletons.items() if name in used],
        videos=[pose.videos[video_key]],
        tracks=tracks,
        timing={video_key: pose.timing[video_key]} if video_key in pose.timing else {},
        source_software_version=pose.source_software_version,
        scorer=pose.scorer,
        unit=pose.unit,
        reference_frame=pose.reference_frame,
        # The video's facts, as the reader noted them: its index in the file, image files or HDF5 dataset (which
        # the view's description names); and what made the poses (SLEAP's predictor, sleap-nn), said as one camera's.
        notes={
            "videos": {video_key: pose.notes.get("videos", {}).get(video_key, {})},
            **({"model": pose.notes["model"]} if pose.notes.get("model") else {}),
        },
    )


def _read_3d(session: Any, pose_2d: PoseData, n_frames: int, names: GroupNames, path: Path) -> PoseData | None:
    """3D points of the session's instance groups as a PoseData, or None when there are none."""
    from sleap_io.model.instance import PredictedInstance3D

    rows: dict[str, list[tuple[int, Any]]] = {}
    for frame, frame_group in sorted(session.frame_groups.items()):
        for group in frame_group.instance_groups:
            if group.instance_3d is not None and group.points is not None:
                rows.setdefault(names[id(group)], []).append((int(frame), group.instance_3d))
    if not rows:
        return None
    n_frames = max(n_frames, *(frame + 1 for entries in rows.values() for frame, _ in entries))
    skeletons: dict[str, Skeleton] = {}
    tracks = []
    for name, entries in rows.items():
        skeleton_objects = {id(inst.skeleton): inst.skeleton for _, inst in entries}
        if len(skeleton_objects) > 1:
            raise InvalidSourceFileError(f"{path}: the 3D instances of '{name}' follow different skeletons.")
        source_skeleton = next(iter(skeleton_objects.values()))
        nodes = tuple(source_skeleton.node_names)
        skeleton = _skeleton_3d(source_skeleton, pose_2d, str(source_skeleton.name or "Skeleton"))
        skeletons[skeleton.name] = skeleton
        positions = np.full((n_frames, len(nodes), 3), np.nan)
        confidence = np.full((n_frames, len(nodes)), np.nan)
        scores = np.full(n_frames, np.nan)
        any_scores = False
        for frame, instance in entries:
            points = np.asarray(instance.points, dtype="float64")
            if points.shape != (len(nodes), 3):
                raise InvalidSourceFileError(
                    f"{path}: the 3D instance of '{name}' in frame {frame} has points of shape {points.shape}, "
                    f"expected ({len(nodes)}, 3)."
                )
            positions[frame] = points
            if isinstance(instance, PredictedInstance3D) and instance.point_scores is not None:
                confidence[frame] = instance.point_scores
                any_scores = True
            if instance.score is not None:
                scores[frame] = instance.score
        tracks.append(
            PoseTrack(
                name=name,
                skeleton=skeleton.name,
                video="3D",
                positions=positions,
                confidence=confidence if any_scores else None,
                confidence_definition=SLEAP_3D_CONFIDENCE_DEFINITION if any_scores else None,
                instance_scores=scores if np.isfinite(scores).any() else None,
            )
        )
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file=path,
        skeletons=list(skeletons.values()),
        videos=[VideoInfo(key="3D")],
        tracks=tracks,
        source_software_version=pose_2d.source_software_version,
        scorer=pose_2d.scorer,
        unit="n.a.",
        reference_frame=SLEAP_3D_REFERENCE_FRAME,
    )


def _skeleton_3d(source: Any, pose_2d: PoseData, name: str) -> Skeleton:
    """Return the skeleton of 3D poses that follow sleap-io skeleton ``source``.

    The 2D skeleton of the same nodes when there is one, so that 2D and 3D link one Skeleton; else
    ``source`` itself under ``name``.
    """
    nodes = tuple(source.node_names)
    same = next((s for s in pose_2d.skeletons.values() if s.nodes == nodes), None)
    return same if same is not None else skeletons_of([source], [name])[0]


def _anipose_3d(
    points_path: Path,
    *,
    given: bool,
    pose_3d: PoseData | None,
    labels: Any,
    pose_2d: PoseData,
    n_frames: int,
    path: Path,
) -> PoseData | None:
    """Return the 3D poses of sleap-anipose's points3d.h5, unless the .slp holds 3D points of its own."""
    if pose_3d is not None:
        if given:
            raise InvalidSourceFileError(
                f"{path}: holds 3D points of its own, so {points_path.name} would replace them; convert the .slp "
                "alone, or a copy of it without 3D instances with the points3d.h5."
            )
        warnings.warn(
            f"{path.name}: holds 3D points of its own; {points_path} next to it is not used.",
            PoseconvWarning,
            stacklevel=3,
        )
        return pose_3d
    if len(labels.skeletons) != 1:
        raise InvalidSourceFileError(
            f"{path}: has {len(labels.skeletons)} skeletons; sleap-anipose triangulates files of one skeleton, "
            f"so the nodes of {points_path.name} cannot be named."
        )
    skeleton = _skeleton_3d(labels.skeletons[0], pose_2d, "Skeleton")
    # sleap-anipose keeps the tracks of the 2D analysis files: the project's tracks, one slot when there are none.
    _, names = sleap_names([], labels.tracks)
    return read_points_3d(
        points_path,
        track_names=names or [UNTRACKED_TRACK_NAME],
        skeleton=skeleton,
        n_frames=n_frames,
        reference_frame=SLEAP_3D_REFERENCE_FRAME,
    )


def _session(labels: Any, session_index: int, path: Path) -> Any:
    """Return the recording session ``session_index`` of ``labels``, saying so when it holds others."""
    sessions = list(getattr(labels, "sessions", None) or [])
    if not sessions:
        raise InvalidSourceFileError(
            f"{path}: holds no recording session (cameras and calibration); convert it with SLEAPPoseInterface."
        )
    if not 0 <= session_index < len(sessions):
        raise InvalidOptionError(
            f"{path}: session_index {session_index} is out of range; the file holds {len(sessions)} session(s)."
        )
    if len(sessions) > 1:
        # One NWB file holds one session: the others are converted each to its own file.
        others = [i for i in range(len(sessions)) if i != session_index]
        warnings.warn(
            f"{path.name}: holds {len(sessions)} recording sessions; session {session_index} is converted, not "
            f"{others}. Convert each to its own NWB file with session_index=k (a spec's source_data: "
            "{session_index: k}).",
            PoseconvWarning,
            stacklevel=4,
        )
    return sessions[session_index]


def _camera_views(
    session: Any, labels: Any, pose_2d: PoseData, path: Path
) -> tuple[list[CameraCalibration], dict[str, PoseData], dict[str, str]]:
    """Return the session's cameras, the 2D poses of each camera's video, and each camera's video key."""
    key_by_index = {facts.get("index"): key for key, facts in pose_2d.notes.get("videos", {}).items()}
    video_index = {id(video): i for i, video in enumerate(labels.videos)}
    names = [str(camera.name) if camera.name else f"camera{i}" for i, camera in enumerate(session.camera_group.cameras)]
    if len(set(names)) != len(names):
        raise InvalidSourceFileError(f"{path}: the session's cameras have repeated names {names}.")
    cameras = []
    views: dict[str, PoseData] = {}
    camera_videos: dict[str, str] = {}
    for camera, name in zip(session.camera_group.cameras, names, strict=True):
        calibration = _camera_calibration(camera, name, path)
        video = session.get_video(camera)
        if video is None:
            # SLEAP's Sessions tab links the videos to the cameras one at a time: this one is not linked yet.
            calibration = dataclasses.replace(
                calibration,
                description=f"{calibration.description} No video is linked to this camera in the session, so "
                "none of the file's 2D poses is known to be seen by it.",
            )
        cameras.append(calibration)
        key = key_by_index.get(video_index.get(id(video))) if video is not None else None
        if key is None:
            continue
        camera_videos[name] = key
        views[name] = _view(pose_2d, key)
    return cameras, views, camera_videos


def _warn_videos_outside(
    labels: Any,
    session_index: int,
    pose_2d: PoseData,
    camera_videos: dict[str, str],
    cameras: list[CameraCalibration],
    path: Path,
) -> list[str]:
    """Warn about the poses on videos linked to no camera of the session, which are not converted; return their keys.

    sleap-io's ``Labels.videos`` is the project's list and ``RecordingSession`` links only the cameras' videos
    (sleap_io/model/camera.py, ``RecordingSession.add_video``): a project keeps other videos (those of its
    other sessions, converted with their ``session_index``), and SLEAP's GUI links a session's videos to its
    cameras one at a time. A ``MultiCameraPoseEstimation`` has no place for them, and ``--source sleap``
    refuses the file (it would drop the calibration), so the user must hear of them.
    """
    linked = set(camera_videos.values())
    outside = [key for key in pose_2d.videos if key not in linked]
    if not outside:
        return outside
    facts = pose_2d.notes.get("videos", {})
    video_index = {id(video): i for i, video in enumerate(labels.videos)}
    counts = dict.fromkeys(range(len(labels.videos)), 0)
    for frame in labels.labeled_frames:
        if (i := video_index.get(id(frame.video))) is not None:
            counts[i] += len(frame.instances)
    session_of = {
        video_index.get(id(video)): k
        for k, other in enumerate(labels.sessions)
        if k != session_index
        for video in other.videos
    }
    indices = [facts.get(key, {}).get("index") for key in outside]
    others = sorted({session_of[i] for i in indices if i in session_of})
    loose = [(key, i) for key, i in zip(outside, indices, strict=True) if i not in session_of]
    said = []
    if others:
        keys = [key for key, i in zip(outside, indices, strict=True) if i in session_of]
        said.append(
            f"{path}: the poses on video(s) {keys} belong to the file's other recording session(s) {others}, not to "
            f"session {session_index}: convert each session to its own NWB file with session_index=k (poseconv "
            f"convert -O session_index={others[0]}; a spec's source_data: {{session_index: {others[0]}}})."
        )
    if loose:
        listed = ", ".join(f"'{key}' (video index {i}, {counts.get(i, 0)} instances)" for key, i in loose)
        unlinked = [c.name for c in cameras if c.name not in camera_videos]
        why = f"; the session's camera(s) {unlinked} have no video linked yet" if unlinked else ""
        said.append(
            f"{path}: the poses on {len(loose)} video(s) linked to no camera of the recording session are not "
            f"converted: {listed}{why}. Link a camera's video to its camera in SLEAP (Sessions tab) and save; or "
            "convert the poses of those videos on their own, as single-camera poses, from a copy of the file "
            "without its sessions (sleap-io: labels = sleap_io.load_slp(path); labels.sessions.clear(); "
            "labels.save(copy)) with --source sleap (only those videos: SLEAPPoseInterface(video_indices="
            f"{[i for _, i in loose if i is not None]}), in a spec source_data: {{video_indices: [...]}})."
        )
    for message in said:
        warnings.warn(message, PoseconvWarning, stacklevel=4)
    return outside


class CameraRatesWarning(PoseconvWarning):
    """The cameras of a session record different frame rates; the session's rate must come from the user."""


def _session_timing(pose_2d: PoseData, camera_videos: dict[str, str], path: Path) -> FrameTiming | None:
    """Return the frame rate the session's videos record, or None when none does or they differ.

    SLEAP's frame groups join frame i of every camera, so the session has one clock: every view and the
    3D points are written on the same frame times. Videos recording different rates do not say which one
    that clock is, so none is taken (a warning says what to do); the interfaces refuse to convert such a
    session unless the user gives its rate or frame times.
    """
    timings = {camera: pose_2d.timing[key] for camera, key in camera_videos.items() if key in pose_2d.timing}
    if not timings:
        return None
    first, timing = next(iter(timings.items()))
    rates = {c: t.rate for c, t in timings.items() if t.rate is not None}
    if any(not np.isclose(rate, timing.rate) for rate in rates.values()):
        listed = ", ".join(f"'{camera}' {rate:g} fps" for camera, rate in rates.items())
        indices = camera_video_indices(pose_2d, camera_videos)
        warnings.warn(
            f"{path}: the session's videos record different frame rates ({listed}), but a session has one clock "
            "(SLEAP's frame groups join frame i of every camera), so none of them is taken as the session's. To "
            "convert it, give the session's frame rate (sampling_frequency=..., poseconv convert --fps) or frame "
            f"times (--timestamps), or convert each camera's poses on their own: {each_video_advice(path, indices)}",
            CameraRatesWarning,
            stacklevel=3,
        )
        return None
    return dataclasses.replace(timing, source=f"{timing.source} (camera '{first}')")


def camera_video_indices(pose: PoseData, camera_videos: dict[str, str]) -> dict[str, int]:
    """Return each camera's video index in the ``.slp`` (``video_indices=``), from the notes the reader keeps."""
    facts = pose.notes.get("videos", {})
    indices = {camera: facts.get(key, {}).get("index") for camera, key in camera_videos.items()}
    return {camera: index for camera, index in indices.items() if index is not None}


def each_video_advice(path: Path, indices: dict[str, int] | None = None) -> str:
    """Say how to convert the poses of each video of a session ``.slp`` on its own, at that video's frame rate.

    ``--source sleap`` refuses a file with a recording session (it would drop the calibration and 3D
    points), so the route is a copy saved without its sessions; ``indices`` names each camera's video index.
    """
    which = (
        " (" + ", ".join(f"'{camera}': video_indices=[{i}]" for camera, i in indices.items()) + ")" if indices else ""
    )
    return (
        f"save a copy of {path.name} without its sessions (sleap-io: labels = sleap_io.load_slp(path); "
        "labels.sessions.clear(); labels.save(copy)) and convert it with --source sleap -O 'video_indices=[k]' "
        f"(SLEAPPoseInterface(video_indices=[k])) for the video k of each camera{which}, each to its own NWB file."
    )


@reads_source("SLEAP session file")
def read_sleap_session(
    file_path: str | Path,
    *,
    session_index: int = 0,
    predicted_only: bool = False,
    untracked: Literal["error", "by_order"] = "error",
    points_3d_file_path: str | Path | None = None,
    find_side_files: bool = True,
) -> MultiCameraPoseData:
    """Read one recording session of a multi-camera SLEAP ``.slp`` file.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A ``.slp`` file with at least one recording session.
    session_index : int, default: 0
        Which session of the file (index into ``labels.sessions``).
    predicted_only : bool, default: False
        Use predicted 2D instances only (see :func:`~poseconv.readers.sleap.read_sleap`).
    untracked : {"error", "by_order"}, default: "error"
        What to do with several instances (or 3D groups) without a track in one frame.
    points_3d_file_path : str or pathlib.Path, optional
        sleap-anipose's triangulated ``points3d.h5`` for this session, for a ``.slp`` without 3D points;
        found next to the ``.slp`` (or one folder up) when not given.
    find_side_files : bool, default: True
        Look for ``points3d.h5`` next to the ``.slp``.

    Returns
    -------
    MultiCameraPoseData
        One calibrated camera per session camera, the 2D poses of each camera's video, and the
        3D points of the session's instance groups (None when there are none).

    Raises
    ------
    InvalidSourceFileError
        When the file has no recording session or its groups cannot be named.
    InvalidOptionError
        When ``session_index`` is out of range.
    """
    path = check_input_file(file_path, suffixes={".slp"}, what="SLEAP .slp labels")
    check_untracked_option(untracked)
    slp_header(path)
    labels = load_labels(path)  # sessions are sleap-io objects; the 2D poses are read from the same Labels
    identities_of_groups(labels, path)
    session = _session(labels, session_index, path)
    names = group_names(session, untracked, {str(t.name) for t in labels.tracks}, path)
    pose_2d = views_by_group(path, labels, session, names, predicted_only, untracked)
    cameras, views, camera_videos = _camera_views(session, labels, pose_2d, path)
    n_frames = max((view.n_frames(camera_videos[c]) for c, view in views.items()), default=0)
    pose_3d = _read_3d(session, pose_2d, n_frames, names, path)
    n_frames = max(n_frames, pose_3d.n_frames("3D") if pose_3d is not None else 0)
    points_path = given_or_found(points_3d_file_path, find_side_files, find_points_3d_file, path)
    if points_path is not None:
        given = points_3d_file_path is not None
        pose_3d = _anipose_3d(
            points_path, given=given, pose_3d=pose_3d, labels=labels, pose_2d=pose_2d, n_frames=n_frames, path=path
        )
    outside = _warn_videos_outside(labels, session_index, pose_2d, camera_videos, cameras, path)
    timing = _session_timing(pose_2d, camera_videos, path)
    notes = {
        "session_index": session_index,
        "n_sessions": len(labels.sessions),
        "camera_videos": camera_videos,
        "videos_outside_session": outside,
        "session_metadata": dict(session.metadata or {}),
        "predicted_only": predicted_only,
        "untracked": untracked,
        "points_3d_file": str(points_path) if pose_3d is not None and points_path is not None else None,
        "instance_group_scores": group_scores(session, names, n_frames, path),
    }
    return session_from_parts("SLEAP", path, cameras, views, pose_3d, made_by=pose_2d, notes=notes, timing=timing)
