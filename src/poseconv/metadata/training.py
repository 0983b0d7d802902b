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

import re
from pathlib import Path
from typing import Any

from ..model.training import TrainingData
from .defaults import camera_and_video_entries, crop_sentence, skeleton_entry, video_key
from .names import skeleton_nwb_names
from .wording import CROP_SENTENCE, crop_of_description

__all__ = [
    "DEFAULT_POSE_TRAINING_NAME",
    "default_training_metadata",
    "how_labeled",
    "is_other_labels_default_description",
    "labels_crop_of_description",
    "labels_crop_sentence",
    "labels_identity",
    "training_description",
]

DEFAULT_POSE_TRAINING_NAME = "PoseTraining"

# The default training description, in parts: how_labeled's two wordings, the head every default has, the
# annotators' sentence. is_other_labels_default_description tells a default by this shape, needing no memory of
# the defaults given (neuroconv's NWBConverter merges every interface's metadata, so the last interface's default
# description reaches every training source).
_BY_HAND = "labeled by hand in {software}"
_WRITTEN_BY = (
    "labeled (written in DeepLabCut's layout by {writer}, which records neither the software they were "
    "labeled in nor whether each pose was placed by hand)"
)
_HEAD = (
    "Frames {how} to train the pose estimator: {frames} frames of {videos} video(s), {instances} labeled "
    "instances, read from {source}."
)
_ANNOTATORS = " Labeled by {annotators}."


# Words of one sentence: a field of the default description.
_WORDS = r"(?:[^.]|\.(?! )|(?<=\b[A-Z])\. )+?"


def _shape(template: str, **fields: str) -> str:
    """Return a regular expression of ``template``'s text: each ``{field}`` words of one sentence (a corner a number).

    ``fields`` gives some fields their own expression. A field ends before a sentence does (a period and a space
    not after an initial, as in "A. Person"), so a sentence typed after a default is not taken for a file or an
    annotator's name: that description is the user's.
    """
    pattern = re.escape(template)
    for field in re.findall(r"\{(\w+)\}", template):
        default = r"-?\d+" if field in ("x1", "y1", "x2", "y2") else _WORDS
        pattern = pattern.replace(re.escape("{" + field + "}"), fields.get(field, default))
    return pattern


# A description default_training_metadata gives: the head, then the annotators, then the labels' crops.
_DEFAULT_SHAPE = re.compile(
    _shape(_HEAD, how=f"(?:{_shape(_BY_HAND)}|{_shape(_WRITTEN_BY)})", frames=r"\d+", videos=r"\d+", instances=r"\d+")
    + f"(?:{_shape(_ANNOTATORS)})?(?: {_shape(CROP_SENTENCE)})*"
)


def labels_identity(training: TrainingData) -> tuple[str, ...]:
    """Return what tells labels apart: their software, source file and label files (the same labels read twice agree).

    Parameters
    ----------
    training : TrainingData
        The labels.

    Returns
    -------
    tuple of str
        Equal for two readings of the same labels (a DeepLabCut file and its filtered copy read the project's).
    """
    source = training.source_file
    where = str(source.resolve()) if isinstance(source, Path) else str(source)
    return (training.source_software, where, *sorted(training.label_files))


def is_other_labels_default_description(description: str | None, training: TrainingData) -> bool:
    """Whether ``description`` is the default training description of labels other than ``training``.

    It is when it has the shape of what :func:`default_training_metadata` gives (nothing typed beyond it) and is
    not the description these labels get: a description a user wrote, or these labels' own, is kept.

    Parameters
    ----------
    description : str or None
        A ``Pose.PoseTraining`` description, as metadata gives it.
    training : TrainingData
        The labels about to be written.

    Returns
    -------
    bool
        True when ``description`` is a default description that is not the one of ``training``.
    """
    if not description or _DEFAULT_SHAPE.fullmatch(description) is None:
        return False
    return description != training_description(training)


def how_labeled(training: TrainingData) -> str:
    """Say how the frames were labeled: by hand in the labeling software, or what wrote a file that does not say.

    A labels table another library wrote in DeepLabCut's layout (``notes["written_by"]``) records neither the
    software the frames were labeled in nor whether a person placed each pose.
    """
    writer = training.notes.get("written_by")
    if writer:
        return _WRITTEN_BY.format(writer=writer)
    return _BY_HAND.format(software=training.source_software)


def labels_crop_sentence(training: TrainingData, video: str) -> str:
    """Return the sentence of the training description saying the labels of ``video`` are in a crop; "" for none.

    The training description (the ``PoseTraining`` sources table's) is the labels' own: their video's
    ``ImageSeries`` may be the predictions' (one video, described as theirs), whose crop may differ.
    """
    crop = training.notes.get("videos", {}).get(video, {}).get("crop")
    return crop_sentence(crop, what=_labels_of(video), software=training.source_software)


def labels_crop_of_description(description: str, video: str) -> list[int] | None:
    """Return the crop ``[x1, y1, x2, y2]`` a training description says the labels of ``video`` are in, or None.

    Parameters
    ----------
    description : str
        The training description, as :func:`labels_crop_sentence` wrote its sentences into it.
    video : str
        The labels' video key.

    Returns
    -------
    list of int or None
        The crop's corners in the video's pixels; None when the description names no crop of that video.
    """
    # The sentence's words up to its corners name the video ("The labels of 'c1' are in ... of this video "): the
    # corners after them are that video's, not another's of the same description.
    words = CROP_SENTENCE[: CROP_SENTENCE.index("(x {x1}")].format(what=_labels_of(video))
    start = (description or "").find(words)
    return None if start < 0 else crop_of_description(description[start:])


def _labels_of(video: str) -> str:
    return f"labels of '{video}'"


def training_description(training: TrainingData) -> str:
    """Return the default description of ``training``: how and how many frames were labeled, from which file.

    Parameters
    ----------
    training : TrainingData
        The labels.

    Returns
    -------
    str
        The ``Pose.PoseTraining`` description :func:`default_training_metadata` gives.
    """
    description = _HEAD.format(
        how=how_labeled(training),
        frames=len(training.frames),
        videos=len(training.video_keys()),
        instances=training.n_instances,
        source=training.source_name,
    )
    if training.annotators and not training.notes.get("written_by"):
        # A writer's table names the writer where DeepLabCut names the labeler.
        description += _ANNOTATORS.format(annotators=", ".join(training.annotators))
    for video, facts in training.notes.get("videos", {}).items():
        if facts.get("crop"):
            description += " " + labels_crop_sentence(training, video)
    return description


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
    for video, facts in training.notes.get("videos", {}).items():
        # Labels of a cropped video (frames DeepLabCut cropped on extraction, a sleap-io crop) are in the crop's
        # coordinates, while the training frames link the whole video: the video says where, as the description.
        crop = facts.get("crop")
        if crop and video_key(video) in videos:
            videos[video_key(video)]["description"] += " " + crop_sentence(
                crop, what="labels", software=training.source_software
            )
    description = training_description(training)
    return {
        "Devices": devices,
        "Behavior": {"ExternalVideos": videos},
        "Pose": {
            "Skeletons": skeletons,
            "PoseTraining": {"name": DEFAULT_POSE_TRAINING_NAME, "description": description},
        },
    }
