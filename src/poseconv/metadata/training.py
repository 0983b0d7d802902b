"""Default metadata for :class:`~poseconv.model.training.TrainingData`.

Training data shares the metadata registries of the poses: its skeletons are
``metadata["Pose"]["Skeletons"]`` entries keyed by skeleton name (the keys the
prediction readers use), its videos ``metadata["Behavior"]["ExternalVideos"]``
entries keyed by :func:`~poseconv.metadata.defaults.video_key`, their cameras
``metadata["Devices"]`` entries keyed by
:func:`~poseconv.metadata.defaults.camera_key`. A project converted with its
predictions therefore writes one skeleton, one camera and one video object,
linked from both the ``PoseEstimation`` and the ``PoseTraining``.
"""

from __future__ import annotations

from typing import Any

from ..model.training import TrainingData
from .defaults import camera_and_video_entries, crop_sentence, skeleton_entry, video_key
from .names import skeleton_nwb_names

__all__ = ["DEFAULT_POSE_TRAINING_NAME", "default_training_metadata", "how_labeled"]

DEFAULT_POSE_TRAINING_NAME = "PoseTraining"


def how_labeled(training: TrainingData) -> str:
    """Say how the frames were labeled: by hand in the labeling software, or what wrote a file that does not say.

    A labels table another library wrote in DeepLabCut's layout (``notes["written_by"]``) records neither the
    software the frames were labeled in nor whether a person placed each pose.
    """
    writer = training.notes.get("written_by")
    if writer:
        return (
            f"labeled (written in DeepLabCut's layout by {writer}, which records neither the software they were "
            "labeled in nor whether each pose was placed by hand)"
        )
    return f"labeled by hand in {training.source_software}"


def default_training_metadata(training: TrainingData, *, video_paths_known: set[str] | None = None) -> dict[str, Any]:
    """Return the default metadata of ``training``: its ``Devices``, ``Behavior`` and ``Pose`` blocks.

    Parameters
    ----------
    training : TrainingData
        The labels.
    video_paths_known : set of str, optional
        Video keys for which a video file exists here, so the training frames can link an
        external ImageSeries of it.

    Returns
    -------
    dict
        Metadata in the layout of :mod:`poseconv.metadata.models`.
    """
    # Only videos that exist here: training frames link no camera without a video.
    devices, videos = camera_and_video_entries(
        training.video_keys(),
        video_paths_known,
        "Behavior video '{video}', from which the training frames were taken.",
        known_only=True,
    )
    skeleton_names = skeleton_nwb_names(list(training.used_skeletons()))
    skeletons = {
        name: skeleton_entry(skeleton_names[name], training.skeletons[name]) for name in training.used_skeletons()
    }
    n_videos = len(training.video_keys())
    description = (
        f"Frames {how_labeled(training)} to train the pose estimator: "
        f"{len(training.frames)} frames of {n_videos} video(s), {training.n_instances} labeled instances, "
        f"read from {training.source_name}."
    )
    if training.annotators and not training.notes.get("written_by"):
        # A writer's table names the writer where DeepLabCut names the labeler.
        description += f" Labeled by {', '.join(training.annotators)}."
    for video, facts in training.notes.get("videos", {}).items():
        # Labels of a cropped video (frames DeepLabCut cropped on extraction, a sleap-io crop) are in the crop's
        # coordinates, while the training frames link the whole video: the video and the labels say where.
        crop = facts.get("crop")
        if crop and video_key(video) in videos:
            videos[video_key(video)]["description"] += " " + crop_sentence(
                crop, what="labels", software=training.source_software
            )
        if crop:
            description += " " + crop_sentence(crop, what=f"labels of '{video}'", software=training.source_software)
    return {
        "Devices": devices,
        "Behavior": {"ExternalVideos": videos},
        "Pose": {
            "Skeletons": skeletons,
            "PoseTraining": {"name": DEFAULT_POSE_TRAINING_NAME, "description": description},
        },
    }
