"""Read the user-labeled (human-placed) instances of a SLEAP ``.slp`` as training data.

A ``.slp`` mixes two kinds of instances: *predicted* ones, which a model made
(they carry scores and go to ``PoseEstimation`` through
:func:`poseconv.readers.sleap.read_sleap`), and *user* ones, which a person
placed or corrected in the SLEAP GUI and which SLEAP trains on. Only user
instances are training data; a frame with none is not a training frame.

Each labeled frame keeps its video and frame index, each instance its track
(``individual``; None when untracked; an instance with no track but an ``Identity``,
as sleap-io's re-identification labels them, is the track of that name, as in
predictions), its ``Identity`` (name) and identity score, skeleton, coordinates (exactly as
sleap-io reads them, including the coordinates SLEAP keeps for nodes marked not
visible) and per-node visibility. Skeleton, track and video names are made the
same way as the prediction reader makes them, so the NWB skeletons and source
videos of one file are shared. Videos are described without opening them: the
recorded path is kept as text and a local file is used only when it exists.
Images embedded in a ``.pkg.slp`` are not carried over (the training frames refer
to the video the images came from), nor are a file's recording sessions (cameras and
their calibration), which a warning says, with the way to keep them.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import VideoInfo
from ...model.training import LabeledFrame, LabeledInstance, LabelFile, TrainingData
from ...model.unlinked_videos import EACH_VIDEO, POINT_THE_FILE
from ..safety.input_checks import check_input_file, reads_source
from .common import SLEAP_REFERENCE_FRAME, is_slp_file, skeletons_of, sleap_names, slp_header, warn_other_annotations
from .slp_objects import load_labels, tracks_from_identities
from .videos import describe_videos

__all__ = ["read_sleap_labels", "read_sleap_labels_with_poses"]

# How to link the videos that only a file of their name beside the labels would link, and that several claim
# (:mod:`.videos_by_name`): training labels take no video file (their interface takes neither video_indices nor
# video_file_path), so each video must be where the .slp says it is.
_EACH_VIDEO_FOR_LABELS = f"Training labels take no video_file_path (--video) nor video_indices: {POINT_THE_FILE}."

# The same, for labels converted with the poses of their file (SLEAPPoseInterface's include_training_data): the
# video given with the poses of one video is their training frames' too, and the file's own paths link every one.
_EACH_VIDEO_WITH_POSES = (
    f"Give each video with its poses, one at a time: {EACH_VIDEO} (the training frames of that video take it "
    f"too); or, for every video's poses and training frames at once, {POINT_THE_FILE}."
)


def _warn_sessions(path: Path, labels: Any) -> None:
    """Say that the file's recording sessions are not in its training data, and how to keep them.

    ndx-pose's ``PoseTraining`` holds labeled frames of videos, not cameras: a session's cameras, their
    calibration, the video each recorded and its frame groups (which instances of the views are one animal) would
    otherwise be dropped unsaid. The session reader writes the cameras and their calibration (``CalibratedCamera``
    devices), into the same NWB file too (``--append``).
    """
    sessions = list(getattr(labels, "sessions", None) or [])
    if not sessions:
        return
    n_cameras = sum(len(session.camera_group.cameras) for session in sessions)
    n_groups = sum(len(session.frame_groups) for session in sessions)
    held = [f"{len(sessions)} recording session" + ("s" if len(sessions) > 1 else "")]
    held.append(f"{n_cameras} camera" + ("s" if n_cameras != 1 else ""))
    dropped = "the cameras, their calibration and the video each recorded"
    if n_groups:
        held.append(f"{n_groups} frame group" + ("s" if n_groups > 1 else ""))
        dropped = "the cameras, their calibration, the video each recorded and the frame groups"
    warnings.warn(
        f"{path}: holds {held[0]} ({', '.join(held[1:])}), which training data has no place for: the NWB file "
        f"gets the labeled frames of each video, not {dropped}. To keep the cameras and their calibration, "
        f"convert the file's poses as a session too: poseconv convert {path.name} --source sleap-session "
        "--append <this NWB file> (SLEAPSessionPoseInterface in Python), which writes each camera with its "
        "calibration.",
        PoseconvWarning,
        stacklevel=5,  # the caller of read_sleap_labels, past its input check
    )


def _identity_of(instance: Any) -> dict[str, Any]:
    """Return the ``identity`` (its name) and ``identity_score`` of a sleap-io user instance; None where it has none."""
    identity = getattr(instance, "identity", None)
    score = getattr(instance, "identity_score", None)
    return {
        "identity": str(identity.name) if identity is not None else None,
        "identity_score": float(score) if score is not None else None,
    }


def _labeled_frames(
    labels: Any,
    infos: list[VideoInfo],
    video_facts: list[dict[str, Any]],
    names: tuple[list[str], list[str]],
    label_file: str,
) -> tuple[list[LabeledFrame], int]:
    """Return the frames holding user instances or marked negative, in file order, and the predictions left out."""
    skeleton_names, track_names = names
    video_index = {id(video): i for i, video in enumerate(labels.videos)}
    skeleton_index = {id(s): i for i, s in enumerate(labels.skeletons)}
    track_index = {id(t): i for i, t in enumerate(labels.tracks)}
    frames: list[LabeledFrame] = []
    n_predicted = 0
    for lf in labels.labeled_frames:
        user = list(lf.user_instances)
        n_predicted += len(lf.instances) - len(user)
        if not user and not getattr(lf, "is_negative", False):
            # A frame a user marked as holding no animal (a negative sample) is a label too.
            continue
        v = video_index[id(lf.video)]
        instances = []
        for inst in user:
            track = track_index.get(id(inst.track)) if inst.track is not None else None
            instances.append(
                LabeledInstance(
                    skeleton=skeleton_names[skeleton_index[id(inst.skeleton)]],
                    points=inst.points["xy"].copy(),
                    visible=inst.points["visible"].copy(),
                    individual=track_names[track] if track is not None else None,
                    **_identity_of(inst),
                )
            )
        frame_index = int(lf.frame_idx)
        image_files = video_facts[v].get("image_files")
        image = image_files[frame_index] if image_files and 0 <= frame_index < len(image_files) else None
        frames.append(
            LabeledFrame(
                video=infos[v].key,
                frame_index=frame_index,
                instances=tuple(instances),
                image=image,
                label_file=label_file,
            )
        )
    return frames, n_predicted


@reads_source("SLEAP labels file")
def read_sleap_labels(file_path: str | Path) -> TrainingData:
    """Read the user-labeled instances of a SLEAP ``.slp`` / ``.pkg.slp`` (or SLEAP 1.0 ``.h5``) as training data.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A SLEAP labels file.

    Returns
    -------
    TrainingData
        One labeled frame per SLEAP frame holding user instances, in file order; every video,
        skeleton and track of the file (tracks in file order as ``individuals``).

    Raises
    ------
    InvalidSourceFileError
        When the file is not a readable ``.slp`` or holds no user-labeled instance (a file of
        predictions only has no training data).
    """
    return _read_labels(file_path, advice=_EACH_VIDEO_FOR_LABELS, warn=True)


@reads_source("SLEAP labels file")
def read_sleap_labels_with_poses(file_path: str | Path) -> TrainingData:
    """Read the user-labeled instances of a SLEAP file as :func:`read_sleap_labels`, to convert with its poses.

    For :class:`~poseconv.interfaces.SLEAPPoseInterface` with ``include_training_data=True``: nothing is said
    here of videos linked to no file (:mod:`.videos_by_name`). Their warning, whose way out gives each video's
    poses and training frames their file, is kept in ``notes["videos"][key]`` under
    :data:`~poseconv.model.unlinked_videos.UNLINKED`, for the interface to give once it knows which videos the
    user gave a file (``video_file_path=``), as it does for the poses.

    Parameters
    ----------
    file_path : str or pathlib.Path
        A SLEAP labels file.

    Returns
    -------
    TrainingData
        As :func:`read_sleap_labels` returns it.
    """
    return _read_labels(file_path, advice=_EACH_VIDEO_WITH_POSES, warn=False)


def _read_labels(file_path: str | Path, *, advice: str, warn: bool) -> TrainingData:
    """Read the labels (:func:`read_sleap_labels`); videos linked to no file are said at once when ``warn``.

    ``advice`` ends their warning: how to give each video its file.
    """
    path = check_input_file(file_path, suffixes={".slp", ".h5"}, what="SLEAP .slp labels")
    if path.suffix.lower() == ".h5" and not is_slp_file(path):
        # SLEAP 1.0 saved labels as .h5 in the .slp layout; analysis exports do not say who placed a pose.
        raise InvalidSourceFileError(
            f"{path}: expected a SLEAP .slp labels file (or SLEAP 1.0 labels saved as .h5); this .h5 is an "
            "analysis export or not SLEAP's, and does not record which poses a user placed. Give the .slp file."
        )
    # Negative frames are training data: kept, so not said to be left out.
    warn_other_annotations(path, slp_header(path), training=True)
    labels = load_labels(path)
    _warn_sessions(path, labels)
    # Re-identification labels name their animals by Identity, not Track: they are tracked as the predictions are.
    from_identities = tracks_from_identities(labels)
    infos, video_facts = describe_videos(labels.videos, path, warn=warn, advice=advice)
    skeleton_names, track_names = sleap_names(labels.skeletons, labels.tracks)
    label_file = LabelFile(name=path.name)
    frames, n_predicted = _labeled_frames(labels, infos, video_facts, (skeleton_names, track_names), label_file.name)
    if not frames and not n_predicted:
        raise InvalidSourceFileError(
            f"{path}: holds no labeled instance at all (a project before any frame was labeled, or one with "
            "only suggested frames); label frames in SLEAP first, or give the .slp that holds the labels."
        )
    if not frames:
        raise InvalidSourceFileError(
            f"{path}: holds no user-labeled instance ({n_predicted} predicted); predictions are not training "
            "data. Convert them as poses (read_sleap / SLEAPPoseInterface)."
        )
    skeletons = skeletons_of(labels.skeletons, skeleton_names)
    provenance = dict(labels.provenance or {})
    version = provenance.get("sleap_version")
    return TrainingData.from_frames(
        source_software="SLEAP",
        source_file=path,
        skeletons=skeletons,
        videos=infos,
        frames=frames,
        individuals=track_names,
        label_files=[label_file],
        source_software_version=str(version) if version else None,
        reference_frame=SLEAP_REFERENCE_FRAME,
        notes={
            "videos": {info.key: facts for info, facts in zip(infos, video_facts, strict=True)},
            "n_predicted_instances_ignored": n_predicted,
            **({"tracks_from_identities": from_identities} if from_identities else {}),
        },
    )
