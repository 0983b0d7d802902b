"""A pose file's frames against its video's: rows past the video's end left out, frames after the poses' end padded.

:func:`fit_to_video` gives one camera's poses (:class:`~poseconv.pose_source.PoseSource`) and each camera of a
session (:mod:`poseconv.interfaces.multicamera`) the frames of the video probed, the one given else the one
found: SLEAP's poses indexed by frame, and DeepLabCut's tracked files, are padded here, and only here, to its end.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from . import timing
from .errors import PoseconvWarning
from .interfaces.mixin import user_stacklevel
from .model import PoseData, PoseTrack
from .model.frames import LazyArray, is_lazy_array
from .model.track_checks import PER_FRAME
from .readers.deeplabcut.tracked_length import TRACKED_ROWS, to_video_end
from .readers.deeplabcut.unfilled_rows import unfilled_rows_warning
from .video import VideoProbe

__all__ = ["fit_to_video"]

#: Formats whose files index each pose by its frame number, so that a frame with no row has no pose: SLEAP's
#: (``.slp`` labeled frames, CSVs' ``frame_idx``), which end at the last frame holding an instance
#: (``--no-empty-frames``, and SLEAP <= 1.4 records no video length). Other tables' rows are the frames
#: analysed, in order: a shorter one is not known to start at the video's first frame, and is not padded.
FRAME_INDEXED_SOFTWARE = ("SLEAP",)

# Files of FRAME_INDEXED_SOFTWARE whose rows are frame numbers. An analysis .h5's rows are only when the reader
# placed its first row on a known frame (``notes["first_frame"]``): SLEAP's tracking CLI and sleap-io's
# all_frames=False start them at the first labeled frame, which the file does not record.
_FRAME_INDEXED_SUFFIXES = (".slp", ".csv")

# Frames read at once when looking for poses past a video's end.
_SCAN_FRAMES = 65_536


def fit_to_video(pose: PoseData, video: str, probe: VideoProbe, *, where: str | None = None) -> PoseData:
    """Return ``pose`` with the rows of ``video`` past the video's last frame left out, and the video's facts.

    Poses of a format that indexes them by frame (:data:`FRAME_INDEXED_SOFTWARE`) ending before the video
    does, in a file that records no video length, are padded with NaN to its end, as the description and a
    warning say (:func:`_pad_to_video`); a recorded length rules, a video of another length being warned of.

    The rule of :func:`poseconv.timing.check_video_length`: rows past the video with no pose (a
    recorded length the video does not have), or 0 in every column (DeepLabCut 2 leaves x = y =
    likelihood = 0 in the rows of frames its video's header counts and the video does not decode; its
    reader leaves them out when the video is not found, :mod:`poseconv.readers.deeplabcut.unfilled_rows`),
    are left out with a warning; poses past the video are refused as another video's. The video's
    ``n_frames`` is then the probed count when rows were left out, else the recorded one when the video
    has that many frames, else the probed one: the writer gives the video a time for every frame it has.
    The video is the file probed, and the frame size and rate the pose file does not record are the
    probe's: the writer gives the video's ``ImageSeries`` its ``dimension``. One camera's poses
    (:class:`PoseSource`) and each camera of a session (:mod:`poseconv.interfaces.multicamera`) take them
    here, so both write the same.

    Parameters
    ----------
    pose : PoseData
        The poses (one camera's).
    video : str
        The key of the video ``probe`` read.
    probe : VideoProbe
        The video.
    where : str, optional
        The poses' name in messages; their file's name by default.

    Raises
    ------
    InvalidOptionError
        When poses lie past the video's last frame.
    """
    pose = _fit_tracked_rows(pose, video, probe)
    if _ends_before(pose, video, probe):
        pose = _pad_to_video(pose, video, probe, where or pose.source_name)
    n_frames, name = pose.n_frames(video), where or pose.source_name
    last_pose = _last_pose(pose, video, probe.n_frames) if n_frames > probe.n_frames else None
    if last_pose is not None and last_pose >= probe.n_frames and _zero_from(pose, video, probe.n_frames):
        written_for = f"the {probe.n_frames} frames of the video {probe.path}"
        warnings.warn(
            unfilled_rows_warning(name, probe.n_frames, n_frames - 1, written_for),
            PoseconvWarning,
            stacklevel=user_stacklevel(),
        )
        kept = probe.n_frames
    else:
        kept = timing.check_video_length(name, n_frames, probe, last_pose=last_pose, stacklevel=user_stacklevel())
    info = pose.videos[video]
    video_timing = probe.timing()
    # A recorded length past the video's end is not this file's (OpenCV's header count, where fewer frames
    # decode): the video has the frames probed, and the writer gives it a time for each.
    recorded = min(info.n_frames, probe.n_frames) if info.n_frames else probe.n_frames
    counted = dataclasses.replace(
        info,
        path=probe.path,
        n_frames=probe.n_frames if kept < n_frames else recorded,
        frame_size=info.frame_size or probe.frame_size,
        fps=info.fps or (video_timing.rate if video_timing is not None else None),
    )
    tracks = [_over_frames(t, kept) if t.video == video else t for t in pose.tracks] if kept < n_frames else pose.tracks
    return dataclasses.replace(pose, tracks=tracks, videos={**pose.videos, video: counted})


def _last_pose(pose: PoseData, video: str, start: int) -> int:
    """Return the last frame from ``start`` on where a track of ``video`` has a pose; ``start - 1`` when none has."""
    last = start - 1
    for track in pose.tracks:
        if track.video != video:
            continue
        for values in (track.positions, getattr(track.replaced_predictions, "positions", None)):
            for begin in range(start, 0 if values is None else values.shape[0], _SCAN_FRAMES):
                block = np.asarray(values[begin : begin + _SCAN_FRAMES])
                rows = np.flatnonzero(~np.isnan(block.reshape(len(block), -1)).all(axis=1))
                if rows.size:
                    last = max(last, begin + int(rows[-1]))
    return last


def _zero_from(pose: PoseData, video: str, start: int) -> bool:
    """Whether every value (positions, confidence) of every track of ``video`` is 0 from frame ``start`` on."""
    for track in pose.tracks:
        if track.video != video:
            continue
        for values in (track.positions, track.confidence):
            for begin in range(start, 0 if values is None else values.shape[0], _SCAN_FRAMES):
                if np.any(np.asarray(values[begin : begin + _SCAN_FRAMES]) != 0):
                    return False
    return True


def _fit_tracked_rows(pose: PoseData, video: str, probe: VideoProbe) -> PoseData:
    """Return a DeepLabCut tracked file's rows of ``video`` extended with NaN to the end of the video probed.

    Its reader extended them to the frame count the metadata records (:data:`TRACKED_ROWS`): the video probed,
    the one given else the one found, rules over that count (DeepLabCut 3 predicts the frames it decodes; the
    ``nframes`` it records is OpenCV's header count). Rows past a shorter video are left to
    :func:`poseconv.timing.check_video_length`.
    """
    rows = pose.notes.get(TRACKED_ROWS)
    if not rows or rows["video"] != video:
        return pose
    last, n_video = rows["last_row"], probe.n_frames
    target = max(n_video, last + 1)
    if pose.n_frames(video) == target:
        return pose
    tracks = [_over_frames(track, last + 1) if track.video == video else track for track in pose.tracks]
    # The recorded count's sentence goes: the video's is said, with the count recorded when it differs.
    model = pose.notes.get("model") or ""
    if rows["sentence"]:
        model = model.replace(f" {rows['sentence']}", "").replace(rows["sentence"], "").strip()
    videos = pose.videos
    if target == n_video:
        # The video's frames, not the count recorded, are the time base's.
        videos = {**videos, video: dataclasses.replace(videos[video], n_frames=n_video)}
    if target > last + 1:
        tracks = [_over_frames(track, target) if track.video == video else track for track in tracks]
        recorded, recorded_in = rows["recorded"], rows["recorded_in"]
        counted = probe.path.name
        if recorded_in and recorded is not None and recorded != target:
            counted += f"; {recorded_in} records {recorded}, the video header's count"
        model = " ".join(filter(None, (model, to_video_end(last, target, counted))))
    notes = {key: value for key, value in pose.notes.items() if key != "model"}
    return dataclasses.replace(pose, tracks=tracks, notes={**notes, "model": model} if model else notes, videos=videos)


def _ends_before(pose: PoseData, video: str, probe: VideoProbe) -> bool:
    """Whether the poses of ``video`` index their frames, end before the video probed, and record no video length.

    Only then are the frames after the poses' end known to have none: rows that are not frame numbers may start
    after the video's first frame, and a recorded length shorter than the video found says it is another video.
    """
    if pose.source_software not in FRAME_INDEXED_SOFTWARE or pose.n_frames(video) >= probe.n_frames:
        return False
    if pose.videos[video].n_frames:
        return False
    suffix = Path(str(pose.source_file)).suffix.lower()
    return suffix in _FRAME_INDEXED_SUFFIXES or "first_frame" in pose.notes


def _pad_to_video(pose: PoseData, video: str, probe: VideoProbe, where: str) -> PoseData:
    """Return ``pose`` with the frames of ``video`` after its poses' end up to the video's given no pose (NaN).

    Said in the description, as DeepLabCut's tracked files extended to their video's end are: a file indexing its
    poses by frame has none in the frames after its last one, as in those between two of its frames. Warned of
    too: nothing recorded says the video is the one the poses were made on.
    """
    n_frames, n_video = pose.n_frames(video), probe.n_frames
    warnings.warn(
        f"{where}: its poses end at frame {n_frames - 1}, padded with NaN to the {n_video} frames of the video "
        f"{probe.path.name} (check that it is the one they were made on).",
        PoseconvWarning,
        stacklevel=user_stacklevel(),
    )
    sentence = (
        f"{where} holds poses up to frame {n_frames - 1}; the video has {n_video} frames ({probe.path.name}), "
        f"so frames {n_frames} to {n_video - 1} have no pose (NaN)."
    )
    notes = {**pose.notes, "model": " ".join(filter(None, (pose.notes.get("model"), sentence)))}
    videos = {**pose.videos, video: dataclasses.replace(pose.videos[video], n_frames=n_video)}
    tracks = [_over_frames(track, n_video) if track.video == video else track for track in pose.tracks]
    return dataclasses.replace(pose, tracks=tracks, notes=notes, videos=videos)


def _over_frames(track: PoseTrack, n_frames: int) -> PoseTrack:
    """Return ``track`` over ``n_frames`` frames: its first ones, those after its own holding no value (NaN, ...)."""

    def fit(values: Any) -> Any:
        if values is None or values.shape[0] == n_frames:
            return values
        if is_lazy_array(values):
            return _PaddedFrames(values, n_frames, _no_value(np.dtype(values.dtype)))
        if values.shape[0] > n_frames:
            return values[:n_frames]
        values = np.asarray(values)
        fill = np.full((n_frames - len(values), *values.shape[1:]), _no_value(values.dtype), values.dtype)
        return np.concatenate([values, fill])

    return dataclasses.replace(
        track,
        positions=fit(track.positions),
        confidence=fit(track.confidence),
        extra_coords=tuple(dataclasses.replace(c, values=fit(c.values)) for c in track.extra_coords),
        replaced_predictions=track.replaced_predictions and _over_frames(track.replaced_predictions, n_frames),
        **{name: fit(getattr(track, name)) for name in PER_FRAME},
    )


def _no_value(dtype: np.dtype) -> Any:
    """Return what a frame without a pose holds in values of ``dtype``: NaN, False (not user-labeled), -1 (no one)."""
    if dtype.kind == "f":
        return np.nan
    return False if dtype.kind == "b" else -1


class _PaddedFrames(LazyArray):
    """The first ``n_frames`` frames of a lazy array, those past its end holding ``fill``, read from it as asked."""

    def __init__(self, values: LazyArray, n_frames: int, fill: Any) -> None:
        self.values = values
        self.fill = fill
        self.shape = (int(n_frames), *values.shape[1:])
        self.dtype = values.dtype

    @property
    def block_frames(self) -> int | None:
        """Frames the source reads at once; writers align their chunks to it."""
        return getattr(self.values, "block_frames", None)

    def read(self, start: int, stop: int) -> np.ndarray:
        """Return frames ``[start, stop)``: the source's, then ``fill``."""
        stop = min(stop, self.shape[0])
        held = self.values.shape[0]
        read = np.asarray(self.values.read(min(start, held), min(stop, held)))
        padding = np.full((max(stop - max(start, held), 0), *self.shape[1:]), self.fill, self.dtype)
        return np.concatenate([read, padding]) if len(padding) else read

    def select(self, *key: Any) -> LazyArray:
        """Return a view of the trailing dimensions indexed by ``key``, reading nothing."""
        return _PaddedFrames(self.values.select(*key), self.shape[0], self.fill)

    def forget_blocks(self) -> None:
        """Drop what the source keeps from earlier reads."""
        self.values.forget_blocks()

    def head(self, n_frames: int) -> LazyArray:
        """Return the first ``n_frames`` of these frames (see :meth:`LazyArray.head`)."""
        n_frames = min(int(n_frames), self.shape[0])
        return _PaddedFrames(self.values.head(min(n_frames, self.values.shape[0])), n_frames, self.fill)

    def float32_exact(self, n_frames: int | None = None) -> bool:
        """Return whether the first ``n_frames`` frames survive a float32 round trip (the padding's NaN does)."""
        n_frames = self.shape[0] if n_frames is None else min(int(n_frames), self.shape[0])
        return self.values.float32_exact(min(n_frames, self.values.shape[0]))
