"""The pose model every reader produces and every writer consumes.

A :class:`PoseData` is what one pose file says: the skeletons, the videos the
poses were estimated on (with their frame timing), and one :class:`PoseTrack`
per animal and video holding coordinates ``(frames, nodes, dims)`` and
confidence ``(frames, nodes)``, NaN where a node or the whole animal is
missing. Readers build it only through :meth:`PoseData.from_tracks`, which
checks shapes, dtypes and names once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .frames import NO_DETECTION, LazyArray, is_lazy_array
from .location import SourceNamed, location
from .names import require_names, unique_by
from .track_checks import PER_FRAME, checked_extra_coords, checked_per_frame, float64_array

# poseconv's SLEAP readers' names for instances without a track, where no track_name says otherwise.
_UNTRACKED_NAME = re.compile(r"untracked(_\d+)?")

__all__ = ["NO_DETECTION", "ExtraCoords", "FrameTiming", "PoseData", "PoseTrack", "Skeleton", "VideoInfo"]


@dataclass(frozen=True)
class Skeleton:
    """Node names and the edges joining them.

    Attributes
    ----------
    name : str
        Name of the skeleton, unique within a :class:`PoseData`.
    nodes : tuple of str
        Node (body part) names in the order the tool uses.
    edges : tuple of (int, int)
        Pairs of indices into ``nodes``.
    symmetries : tuple of (int, int)
        Pairs of indices into ``nodes`` that are mirror images (SLEAP's symmetries: left and right
        wing), each pair once, lower index first.
    """

    name: str
    nodes: tuple[str, ...]
    edges: tuple[tuple[int, int], ...] = ()
    symmetries: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.nodes, str):  # tuple("ab") would be the nodes 'a' and 'b'
            raise ValueError(
                f"Skeleton {self.name!r}: nodes must be a list of names, got {self.nodes!r}; one node is [name]."
            )
        object.__setattr__(self, "nodes", tuple(str(node) for node in self.nodes))
        object.__setattr__(self, "edges", tuple((int(a), int(b)) for a, b in self.edges))
        pairs = dict.fromkeys(tuple(sorted((int(a), int(b)))) for a, b in self.symmetries)
        object.__setattr__(self, "symmetries", tuple(pairs))
        if len(set(self.nodes)) != len(self.nodes):
            duplicates = sorted({n for n in self.nodes if self.nodes.count(n) > 1})
            raise ValueError(f"Skeleton {self.name!r} has duplicate node names: {duplicates}.")
        for what, (a, b) in [*(("edge", e) for e in self.edges), *(("symmetry", p) for p in self.symmetries)]:
            if not (0 <= a < len(self.nodes) and 0 <= b < len(self.nodes)):
                n = len(self.nodes)
                where = f"Skeleton {self.name!r} has {what} ({a}, {b})"
                raise ValueError(f"{where} but only {n} nodes (indices 0-{n - 1}).")


@dataclass(frozen=True)
class FrameTiming:
    """When each frame of a video was taken, and where that knowledge came from.

    Exactly one of ``rate`` and ``timestamps`` is set.

    Attributes
    ----------
    rate : float or None
        Frames per second when frames are regular.
    starting_time : float
        Time of frame 0 in seconds (used with ``rate``).
    timestamps : numpy.ndarray or None
        One time in seconds per frame when frames are irregular or given.
    source : str
        Human-readable origin, e.g. ``"fps in the DeepLabCut _meta.pickle"``.
    """

    rate: float | None = None
    starting_time: float = 0.0
    timestamps: np.ndarray | None = None
    source: str = "unknown"

    def __post_init__(self) -> None:
        if (self.rate is None) == (self.timestamps is None):
            raise ValueError("FrameTiming needs exactly one of 'rate' and 'timestamps'.")
        if self.rate is not None and not (np.isfinite(self.rate) and self.rate > 0):
            raise ValueError(f"Frame rate must be a positive number, got {self.rate!r}.")
        if self.timestamps is not None:
            object.__setattr__(self, "timestamps", np.asarray(self.timestamps, dtype="float64"))

    def times(self, n_frames: int) -> np.ndarray:
        """Return the time in seconds of each of the first ``n_frames`` frames."""
        if self.timestamps is not None:
            if len(self.timestamps) < n_frames:
                given = len(self.timestamps)
                raise ValueError(f"{given} timestamps were given for {n_frames} frames; give one timestamp per frame.")
            return self.timestamps[:n_frames]
        return self.starting_time + np.arange(n_frames, dtype="float64") / self.rate


@dataclass(frozen=True)
class VideoInfo:
    """A video the poses were estimated on.

    Attributes
    ----------
    key : str
        Identifier of the video within the :class:`PoseData`.
    original_path : str or None
        The path exactly as the pose tool recorded it (often on another machine).
    path : pathlib.Path or None
        The video on this machine, when it was found; never a guess.
    n_frames : int or None
        Frame count as recorded by the tool.
    frame_size : tuple of (int, int) or None
        ``(height, width)`` in pixels.
    fps : float or None
        Frame rate as recorded by the tool.
    image_files : tuple of pathlib.Path, optional
        A video that is a sequence of image files, one per frame (SLEAP's image videos): the
        images on this machine, in frame order, when every one was found (``path`` is None,
        ``original_path`` the first image as recorded).
    others : tuple of pathlib.Path, optional
        Other videos of the same name beside the poses (another suffix, e.g. an ``.mp4`` made from the
        ``.avi``), not linked: nothing recorded said which one was analysed.
    linked_in_nwb : bool, default: False
        ``original_path`` is the external file an NWB file (the poses' source) links, so a relative
        path is relative to that file; not a path the tool recorded and the NWB file only names.
    """

    key: str
    original_path: str | None = None
    path: Path | None = None
    n_frames: int | None = None
    frame_size: tuple[int, int] | None = None
    fps: float | None = None
    image_files: tuple[Path, ...] | None = None
    others: tuple[Path, ...] = ()
    linked_in_nwb: bool = False

    @property
    def local_files(self) -> Path | tuple[Path, ...] | None:
        """The video on this machine: its file, its image files (an image sequence), or None when not here."""
        return self.path if self.path is not None else self.image_files


@dataclass(frozen=True)
class ExtraCoords:
    """One group of per-node columns a tool writes beside x, y and confidence.

    LightningPose ensembles (the Ensemble Kalman Smoother) write, for every keypoint,
    ``x_ens_median, y_ens_median``, ``x_ens_var, y_ens_var`` and
    ``x_posterior_var, y_posterior_var`` after ``x, y, likelihood``; each pair is one group.
    ndx-pose has no place for them; :mod:`poseconv.nwb.write.extra_coords` says where they go.

    Attributes
    ----------
    name : str
        Group name, unique within a track (``"ens_var"``).
    columns : tuple of str
        The column labels exactly as the file names them (``("x_ens_var", "y_ens_var")``).
    values : numpy.ndarray or poseconv.model.frames.LazyArray
        ``(frames, nodes, len(columns))`` float64, NaN where missing; ``nodes`` are the skeleton's, or
        :attr:`nodes` when only some have the group.
    description : str
        What the values are.
    unit : str
        Unit of the values.
    nodes : tuple of str or None
        The nodes that have the group, when only some do (EKS smoothing a subset of the keypoints adds
        its ``zscore`` to those only); None: every node of the skeleton.
    """

    name: str
    columns: tuple[str, ...]
    values: np.ndarray | LazyArray
    description: str = ""
    unit: str = "n.a."
    nodes: tuple[str, ...] | None = None


@dataclass
class PoseTrack:
    """Poses of one animal (individual, track) in one video.

    Attributes
    ----------
    name : str
        Individual / track name (``"individual1"``, ``"track_0"``, ...).
    skeleton : str
        Name of the :class:`Skeleton` the nodes follow.
    video : str
        Key of the :class:`VideoInfo` the frames belong to.
    positions : numpy.ndarray or poseconv.model.frames.LazyArray
        ``(frames, nodes, dims)`` float64, NaN where missing. Readers of long files give a
        :class:`~poseconv.model.frames.LazyArray` (numpy-like indexing, read on demand) so that the
        writer streams it to the file block by block; ``np.asarray`` gives the numpy array.
    confidence : numpy.ndarray or poseconv.model.frames.LazyArray or None
        ``(frames, nodes)`` float64, or None when the tool wrote none.
    confidence_definition : str or None
        What the confidence values mean.
    instance_scores : numpy.ndarray or poseconv.model.frames.LazyArray or None
        ``(frames,)`` float64 score of the whole instance (SLEAP), NaN where absent or unscored;
        None when the tool writes none. ndx-pose has no place for it; kept for exporters.
    tracking_scores : numpy.ndarray or poseconv.model.frames.LazyArray or None
        ``(frames,)`` float64 score of the identity assignment (SLEAP tracker), NaN where absent;
        None when the tool writes none. ndx-pose has no place for it; kept for exporters.
    user_labeled : numpy.ndarray or poseconv.model.frames.LazyArray or None
        ``(frames,)`` bool, True where the pose is a human-placed (user) instance rather than a
        prediction; None when the source does not say.
    identities : numpy.ndarray or poseconv.model.frames.LazyArray or None
        ``(frames,)`` int32: the instance's identity (SLEAP's ``Identity``, sleap-io re-identification),
        an index into ``identity_names``; -1 where it has none or is absent. None when the tool writes none.
    identity_scores : numpy.ndarray or poseconv.model.frames.LazyArray or None
        ``(frames,)`` float64 score of that identity's assignment, NaN where none; None when the tool writes none.
    identity_names : tuple of str
        The names of the identities ``identities`` indexes (the pose file's list of them).
    extra_coords : tuple of ExtraCoords
        Other per-node values of the tool (LightningPose ensemble medians and variances), in file order.
    replaced_predictions : PoseTrack or None
        SLEAP only: the predictions of this animal that a user instance replaced in the same frame
        (the frames where ``user_labeled`` is True and SLEAP also kept the prediction the user
        corrected), as a track of the same name, skeleton, video and frames: positions,
        confidence, instance and tracking scores, NaN in every other frame. None when there are
        none. The pose model holds one pose per animal and frame; these are kept beside it so a
        ``.slp`` written back holds them (and the user instances' ``from_predicted`` links) again.
    track_name : str or None
        The track (individual) as the pose file names it, when ``name`` is not it: one SLEAP track
        whose instances use two skeletons is two PoseTracks ``<track>_<skeleton>`` of one animal;
        ``""`` for instances the file gives no track (SLEAP's ``untracked``). None: ``name`` is it.
    """

    name: str
    skeleton: str
    video: str
    positions: np.ndarray | LazyArray
    confidence: np.ndarray | LazyArray | None = None
    confidence_definition: str | None = None
    instance_scores: np.ndarray | LazyArray | None = None
    tracking_scores: np.ndarray | LazyArray | None = None
    user_labeled: np.ndarray | LazyArray | None = None
    identities: np.ndarray | LazyArray | None = None
    identity_scores: np.ndarray | LazyArray | None = None
    identity_names: tuple[str, ...] = ()
    extra_coords: tuple[ExtraCoords, ...] = ()
    replaced_predictions: PoseTrack | None = None
    track_name: str | None = None

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.positions.shape[0])

    @property
    def placed_by_hand(self) -> bool:
        """Whether every pose was placed by a user: the source tells them from predictions and scored none."""
        return self.user_labeled is not None and self.confidence is None

    def forget_blocks(self) -> None:
        """Drop the blocks the lazy values of this track (and of its replaced predictions) keep from earlier reads."""
        values = [self.positions, self.confidence, *(getattr(self, name) for name in PER_FRAME)]
        for value in [*values, *(coords.values for coords in self.extra_coords)]:
            if is_lazy_array(value):
                value.forget_blocks()
        if self.replaced_predictions is not None:
            self.replaced_predictions.forget_blocks()


@dataclass
class PoseData(SourceNamed):
    """Everything one pose file says; see the module docstring.

    Attributes
    ----------
    source_software : str
        ``"DeepLabCut"``, ``"SLEAP"``, ...
    source_file : pathlib.Path or str
        The file the poses were read from.
    skeletons : dict of str to Skeleton
        By skeleton name.
    videos : dict of str to VideoInfo
        By video key.
    timing : dict of str to FrameTiming
        Frame timing by video key; a video without a known rate is absent.
    tracks : list of PoseTrack
        One per animal and video.
    source_software_version : str or None
        Version of the tool, when the files record it.
    scorer : str or None
        Model / scorer name.
    unit : str
        Unit of the coordinates (``"pixels"`` for image coordinates).
    reference_frame : str
        What the zero point and axes of the coordinates are.
    notes : dict
        Other facts read from the files (cropping, side files used, ...).
    metadata_key : str or None
        Suffix making this file's metadata keys and default object names unique when several
        pose files go into one NWB file (e.g. one per camera).
    """

    source_software: str
    source_file: Path | str
    skeletons: dict[str, Skeleton]
    videos: dict[str, VideoInfo]
    timing: dict[str, FrameTiming]
    tracks: list[PoseTrack]
    source_software_version: str | None = None
    scorer: str | None = None
    unit: str = "pixels"
    reference_frame: str = (
        "(0, 0) is the top-left corner of the video frame; x increases to the right "
        "and y increases downward, in pixels."
    )
    notes: dict[str, Any] = field(default_factory=dict)
    metadata_key: str | None = None

    @classmethod
    def from_tracks(
        cls,
        *,
        source_software: str,
        source_file: str | Path,
        skeletons: Sequence[Skeleton],
        videos: Sequence[VideoInfo],
        tracks: Sequence[PoseTrack],
        timing: Mapping[str, FrameTiming] | None = None,
        **kwargs: Any,
    ) -> PoseData:
        """Build a :class:`PoseData`, checking every invariant once.

        Parameters
        ----------
        source_software : str
            Name of the pose tool.
        source_file : str or pathlib.Path
            The file read.
        skeletons, videos, tracks : sequences
            Model parts; names must be unique.
        timing : mapping, optional
            Frame timing per video key.
        **kwargs
            Other :class:`PoseData` fields.

        Returns
        -------
        PoseData
            The validated model.

        Raises
        ------
        ValueError
            When shapes, names or references disagree.
        """
        skeleton_map = unique_by(skeletons, "name", "skeleton")
        video_map = unique_by(videos, "key", "video")
        seen: set[tuple[str, str]] = set()
        checked_tracks = []
        for track in tracks:
            if track.skeleton not in skeleton_map:
                raise ValueError(f"Track {track.name!r} names unknown skeleton {track.skeleton!r}.")
            if track.video not in video_map:
                raise ValueError(f"Track {track.name!r} names unknown video {track.video!r}.")
            if (track.video, track.name) in seen:
                raise ValueError(f"Track {track.name!r} appears twice for video {track.video!r}.")
            seen.add((track.video, track.name))
            checked_tracks.append(_checked_track(track, skeleton_map[track.skeleton].nodes))
        frames_per_video: dict[str, set[int]] = {}
        for track in checked_tracks:
            frames_per_video.setdefault(track.video, set()).add(track.n_frames)
        for video, counts in frames_per_video.items():
            if len(counts) > 1:
                raise ValueError(f"Tracks of video {video!r} differ in frame count: {sorted(counts)}.")
        timing = dict(timing or {})
        for key in timing:
            if key not in video_map:
                raise ValueError(f"Timing given for unknown video {key!r}.")
        return cls(
            source_software=source_software,
            source_file=location(source_file),
            skeletons=skeleton_map,
            videos=video_map,
            timing=timing,
            tracks=checked_tracks,
            **kwargs,
        )

    @property
    def n_dims(self) -> int:
        """2 for image coordinates, 3 for 3D."""
        return int(self.tracks[0].positions.shape[2]) if self.tracks else 2

    def n_frames(self, video: str) -> int:
        """Return the number of frames of ``video`` (0 when it has no track)."""
        for track in self.tracks:
            if track.video == video:
                return track.n_frames
        return 0

    def identity(self, track: PoseTrack) -> str | None:
        """Return ``track``'s track as the pose file names it; None for instances without one (SLEAP's untracked)."""
        if track.track_name is not None:
            return track.track_name or None
        if self.source_software == "SLEAP" and _UNTRACKED_NAME.fullmatch(track.name):
            return None
        return track.name

    def exported_names(self, tracks: Sequence[PoseTrack]) -> list[str]:
        """Return the names ``tracks`` take in a file of their own (one video's export), in order.

        A SLEAP track whose instances use two skeletons is two tracks here (``fly_S1``, ``fly_S2``): where
        only one of them is among ``tracks``, it is the track as the pose file names it (:meth:`identity`);
        otherwise, and for instances without a track, the track's own name.
        """
        own = [self.identity(track) or track.name for track in tracks]
        names = [name if own.count(name) == 1 else track.name for name, track in zip(own, tracks, strict=True)]
        return names if len(set(names)) == len(names) else [track.name for track in tracks]

    def track_names(self) -> list[str]:
        """Return the unique track names, in file order."""
        return list(dict.fromkeys(track.name for track in self.tracks))

    def select_tracks(self, names: str | Sequence[str]) -> PoseData:
        """Return a copy holding only the tracks named, in file order.

        A name may also be a track as the file names it (:meth:`identity`): every track of it is kept
        (a SLEAP track whose instances use two skeletons).

        Raises
        ------
        KeyError
            When a name is not a track of this file; the message lists those that are.
        """
        names = [names] if isinstance(names, str) else names  # one name, not its letters
        identities = [identity for track in self.tracks if (identity := self.identity(track)) is not None]
        available = list(dict.fromkeys([*self.track_names(), *identities]))
        wanted = require_names(names, available, self.source_file, self.notes.get("absent_tracks"))
        return dataclasses.replace(
            self, tracks=[t for t in self.tracks if t.name in wanted or self.identity(t) in wanted]
        )

    def with_timing(self, video: str, timing: FrameTiming) -> PoseData:
        """Return a copy with the timing of ``video`` replaced."""
        return dataclasses.replace(self, timing={**self.timing, video: timing})


def _checked_track(track: PoseTrack, nodes: tuple[str, ...]) -> PoseTrack:
    """Return ``track`` with its arrays checked against its skeleton's ``nodes`` and as their dtypes."""
    n_nodes = len(nodes)
    positions = float64_array(track.positions, track.name, "positions")
    if positions.ndim != 3 or positions.shape[1] != n_nodes or positions.shape[2] not in (2, 3):
        raise ValueError(
            f"Track {track.name!r}: positions must be (frames, {n_nodes} nodes, 2 or 3), got {positions.shape}."
        )
    confidence = track.confidence
    if confidence is not None:
        confidence = float64_array(confidence, track.name, "confidence")
        if tuple(confidence.shape) != tuple(positions.shape[:2]):
            raise ValueError(f"Track {track.name!r}: confidence must be {positions.shape[:2]}, got {confidence.shape}.")
    per_frame = checked_per_frame(track, positions.shape[0])
    extra_coords = checked_extra_coords(track, positions.shape[0], nodes)
    replaced = track.replaced_predictions
    if replaced is not None:
        same = (replaced.name, replaced.skeleton, replaced.video) == (track.name, track.skeleton, track.video)
        if not same or replaced.replaced_predictions is not None:
            raise ValueError(
                f"Track {track.name!r}: its replaced predictions must have its name, skeleton and video "
                "and no replaced predictions of their own."
            )
        replaced = _checked_track(replaced, nodes)
        if replaced.n_frames != positions.shape[0]:
            raise ValueError(
                f"Track {track.name!r}: its replaced predictions have {replaced.n_frames} frames, "
                f"not {positions.shape[0]}."
            )
    return dataclasses.replace(
        track,
        positions=positions,
        confidence=confidence,
        extra_coords=extra_coords,
        replaced_predictions=replaced,
        **per_frame,
    )
