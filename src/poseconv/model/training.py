"""The training-data model: frames a human labeled, as every training reader produces them.

Pose tools are trained on frames a person labeled by hand. A :class:`TrainingData`
holds them the way both DeepLabCut and SLEAP think of them: a list of
:class:`LabeledFrame` (one image: a frame of a video, with the frame index when
it is known, and the image file the labeler saw when the tool keeps one), each
holding :class:`LabeledInstance` s (one animal: its individual / track name when
it has one, its skeleton, the coordinates of every node, NaN where the node was
not labeled, whether each node was marked visible, and SLEAP's ``Identity`` of it where
sleap-io's re-identification names one). Frames stay in the order of the label files,
instances in the order of the frame.

Predictions are never training data; the readers keep only human labels.
Readers build the model only through :meth:`TrainingData.from_frames`, which checks
shapes, names and references once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .location import SourceNamed, location
from .names import unique_by
from .pose import Skeleton, VideoInfo

__all__ = ["LabelFile", "LabeledFrame", "LabeledInstance", "TrainingData"]

#: How a DeepLabCut CollectedData table labels its rows: one column of image paths, or three
#: index columns (``labeled-data``, video, image).
RowLabels = Literal["column", "multiindex"]


@dataclass(frozen=True)
class LabeledInstance:
    """One animal labeled in one frame.

    Attributes
    ----------
    skeleton : str
        Name of the :class:`~poseconv.model.Skeleton` whose nodes ``points`` follows.
    points : numpy.ndarray
        ``(nodes, 2|3)`` float64 coordinates in pixels, NaN where the node was not labeled.
    visible : numpy.ndarray
        ``(nodes,)`` bool, True where the labeler marked the node visible. A node marked
        not visible may still carry coordinates (SLEAP keeps them).
    individual : str or None
        Individual / track name; None when the tool gives the animal no identity
        (single-animal DeepLabCut projects, untracked SLEAP instances).
    visibility_flags : numpy.ndarray or None
        ``(nodes,)`` int8: the labeling tool's own flag of each node when its file has one, as
        Lightning Pose's ``visible`` label column (COCO's 0 not labeled, 1 occluded, 2 visible;
        -1 where the cell is empty); ``visible`` is then ``flags == 2``. None otherwise.
    identity : str or None
        The name of the instance's ``Identity`` in SLEAP (sleap-io's re-identification, SLP format 2.5:
        the known animal, which may differ from the track); None when it has none.
    identity_score : float or None
        The score of that identity's assignment; None where there is none (an identity a user assigned).
    """

    skeleton: str
    points: np.ndarray
    visible: np.ndarray
    individual: str | None = None
    visibility_flags: np.ndarray | None = None
    identity: str | None = None
    identity_score: float | None = None


@dataclass(frozen=True)
class LabeledFrame:
    """One labeled image and the animals labeled in it.

    Attributes
    ----------
    video : str
        Key of the :class:`~poseconv.model.VideoInfo` the image is a frame of.
    frame_index : int or None
        Index of the frame in that video (0-based); None when the tool does not say
        (a DeepLabCut image whose name is not ``img<number>``).
    instances : tuple of LabeledInstance
        The animals labeled, in the tool's order; empty when the labeler saved the frame
        without labels.
    image : str or None
        The image file the labeler saw, exactly as the tool recorded it (a DeepLabCut
        row label such as ``labeled-data/video1/img0042.png``, joined with ``/`` when the
        table uses three index columns); None for frames of a video (SLEAP).
    annotator : str or None
        Who labeled the frame (the DeepLabCut scorer).
    label_file : str or None
        Key of the :class:`LabelFile` the labels were read from.
    """

    video: str
    frame_index: int | None
    instances: tuple[LabeledInstance, ...] = ()
    image: str | None = None
    annotator: str | None = None
    label_file: str | None = None


@dataclass(frozen=True)
class LabelFile:
    """A file the labels were read from, and how it lays them out, so exporters can write it back the same way.

    Attributes
    ----------
    name : str
        The file as shown to users: relative to the DeepLabCut project
        (``labeled-data/video1/CollectedData_Jane.h5``) or the file name (SLEAP).
    row_labels : {"column", "multiindex"} or None
        DeepLabCut only: one index column of image paths, or three index columns.
    value_dtype : str or None
        DeepLabCut only: the dtype of every value column (``"float64"``, ``"float32"``,
        ``"int64"``), None when the columns differ.
    header : tuple of str or None
        CSV labels only: the first cell of each header row, where the file's header is not
        DeepLabCut's (``("bodyparts", "coords")`` without a scorer row, as Lightning Pose's
        ``header_rows: [0, 1]``; ``""`` for a level without a name); None for DeepLabCut's.
    bodyparts_dtype : str or None
        DeepLabCut ``.h5`` only: the dtype of the bodyparts header level where it is not text (``"int64"``: a
        config.yaml listing its bodyparts as YAML numbers, which DeepLabCut's columns keep as integers, while
        the skeleton's nodes are their text); None for text.
    """

    name: str
    row_labels: RowLabels | None = None
    value_dtype: str | None = None
    header: tuple[str, ...] | None = None
    bodyparts_dtype: str | None = None


@dataclass
class TrainingData(SourceNamed):
    """Human-labeled training frames; see the module docstring.

    Attributes
    ----------
    source_software : str
        ``"DeepLabCut"``, ``"SLEAP"``, ...
    source_file : pathlib.Path or str
        The project folder or file the labels were read from.
    skeletons : dict of str to Skeleton
        By skeleton name (the names the prediction readers use, so NWB skeletons are shared).
    videos : dict of str to VideoInfo
        The videos the labeled frames come from, by key.
    frames : list of LabeledFrame
        In file order.
    individuals : list of str
        Every individual / track name the files define, in their order; an instance's
        ``individual`` is one of them.
    label_files : dict of str to LabelFile
        The files read, by key.
    source_software_version : str or None
        Version of the tool, when recorded.
    unit : str
        Unit of the coordinates.
    reference_frame : str
        Where (0, 0) is and which way the axes point.
    notes : dict
        Other facts read from the files.
    """

    source_software: str
    source_file: Path | str
    skeletons: dict[str, Skeleton]
    videos: dict[str, VideoInfo]
    frames: list[LabeledFrame]
    individuals: list[str] = field(default_factory=list)
    label_files: dict[str, LabelFile] = field(default_factory=dict)
    source_software_version: str | None = None
    unit: str = "pixels"
    reference_frame: str = (
        "(0, 0) is the top-left corner of the image; x increases to the right and y increases downward, in pixels."
    )
    notes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_frames(
        cls,
        *,
        source_software: str,
        source_file: str | Path,
        skeletons: Sequence[Skeleton],
        videos: Sequence[VideoInfo],
        frames: Sequence[LabeledFrame],
        individuals: Sequence[str] = (),
        label_files: Sequence[LabelFile] = (),
        **kwargs: Any,
    ) -> TrainingData:
        """Build a :class:`TrainingData`, checking every invariant once.

        Parameters
        ----------
        source_software : str
            Name of the labeling tool.
        source_file : str or pathlib.Path
            The project folder or file read.
        skeletons, videos, frames : sequences
            Model parts; skeleton names and video keys must be unique.
        individuals : sequence of str
            Individual / track names, unique, in the tool's order.
        label_files : sequence of LabelFile
            The files read; names must be unique.
        **kwargs
            Other :class:`TrainingData` fields.

        Returns
        -------
        TrainingData
            The validated model, with points as float64 and visibility as bool arrays.

        Raises
        ------
        ValueError
            When shapes, names or references disagree.
        """
        skeleton_map = unique_by(skeletons, "name", "skeleton")
        video_map = unique_by(videos, "key", "video")
        file_map = unique_by(label_files, "name", "label file")
        individuals = [str(name) for name in individuals]
        if len(set(individuals)) != len(individuals):
            raise ValueError(f"Individual names repeat: {individuals}.")
        checked: list[LabeledFrame] = []
        for position, frame in enumerate(frames):
            where = f"Labeled frame {position} (video {frame.video!r}, frame {frame.frame_index})"
            if frame.video not in video_map:
                raise ValueError(f"{where} names unknown video {frame.video!r}; videos: {sorted(video_map)}.")
            if frame.frame_index is not None and int(frame.frame_index) < 0:
                raise ValueError(f"{where} has a negative frame index.")
            if frame.label_file is not None and frame.label_file not in file_map:
                raise ValueError(f"{where} names unknown label file {frame.label_file!r}.")
            instances = tuple(_checked_instance(i, where, skeleton_map, individuals) for i in frame.instances)
            frame_index = None if frame.frame_index is None else int(frame.frame_index)
            checked.append(dataclasses.replace(frame, frame_index=frame_index, instances=instances))
        n_dims = {instance.points.shape[1] for frame in checked for instance in frame.instances}
        if len(n_dims) > 1:
            raise ValueError("Labeled instances mix 2D and 3D points.")
        return cls(
            source_software=source_software,
            source_file=location(source_file),
            skeletons=skeleton_map,
            videos=video_map,
            frames=checked,
            individuals=individuals,
            label_files=file_map,
            **kwargs,
        )

    @property
    def n_instances(self) -> int:
        """Number of labeled instances over all frames."""
        return sum(len(frame.instances) for frame in self.frames)

    @property
    def annotators(self) -> list[str]:
        """The annotators named by the frames, in order of first appearance."""
        return list(dict.fromkeys(frame.annotator for frame in self.frames if frame.annotator))

    def video_keys(self) -> list[str]:
        """Return the keys of the videos that have labeled frames, in frame order."""
        return list(dict.fromkeys(frame.video for frame in self.frames))

    def frames_of(self, video: str) -> list[LabeledFrame]:
        """Return the labeled frames of ``video``, in file order."""
        return [frame for frame in self.frames if frame.video == video]

    def identities(self) -> list[str]:
        """Return the names of the identities the instances have, in order of first appearance."""
        return list(
            dict.fromkeys(i.identity for frame in self.frames for i in frame.instances if i.identity is not None)
        )

    def used_skeletons(self) -> list[str]:
        """Return the names of the skeletons some instance follows, in skeleton order.

        Labels with no instance at all (a label file saved before any point was placed) use every skeleton:
        its bodyparts are all that is known of them, and leaving them out lost them.
        """
        used = {instance.skeleton for frame in self.frames for instance in frame.instances}
        return [name for name in self.skeletons if name in used or not used]


def _checked_instance(
    instance: LabeledInstance, where: str, skeletons: dict[str, Skeleton], individuals: list[str]
) -> LabeledInstance:
    """Return ``instance`` with points as float64 and visibility as bool, checked against its skeleton."""
    if instance.skeleton not in skeletons:
        raise ValueError(f"{where}: an instance names unknown skeleton {instance.skeleton!r}.")
    if instance.individual is not None and instance.individual not in individuals:
        raise ValueError(
            f"{where}: an instance names individual {instance.individual!r}, which is not one of {individuals}."
        )
    n_nodes = len(skeletons[instance.skeleton].nodes)
    points = np.asarray(instance.points, dtype="float64")
    if points.ndim != 2 or points.shape[0] != n_nodes or points.shape[1] not in (2, 3):
        raise ValueError(
            f"{where}: points must be ({n_nodes} nodes, 2 or 3), got {points.shape} (skeleton {instance.skeleton!r})."
        )
    visible = np.asarray(instance.visible, dtype="bool")
    if visible.shape != (n_nodes,):
        raise ValueError(f"{where}: visible must be ({n_nodes},), got {visible.shape}.")
    flags = instance.visibility_flags
    if flags is not None:
        flags = np.asarray(flags, dtype="int8")
        if flags.shape != (n_nodes,):
            raise ValueError(f"{where}: visibility_flags must be ({n_nodes},), got {flags.shape}.")
    if instance.identity is not None and not isinstance(instance.identity, str):
        raise ValueError(f"{where}: an instance's identity must be a name (str), got {instance.identity!r}.")
    score = instance.identity_score
    score = None if score is None or np.isnan(float(score)) else float(score)
    return dataclasses.replace(instance, points=points, visible=visible, visibility_flags=flags, identity_score=score)
