"""The video a pose file was estimated on, and which of its frames each pose frame is.

Finding the video of an NWB file
--------------------------------
The file is opened with :func:`poseconv.nwb.read.store.open_store` (HDF5, Zarr store or URL; no
pynwb, as everywhere in :mod:`poseconv.nwb.read`). For each
``PoseEstimation`` drawn, the places that may name the video are tried in this order:

1. its ``source_video`` link: an external ``ImageSeries`` (what poseconv and neuroconv write); one whose
   frames are stored in the file (neuroconv's ``InternalVideoInterface``) is no video file to draw over:
   :func:`stored_source_video` names it, and without another video the error says so;
2. its ``original_videos`` (ndx-pose 0.1 and DeepLabCut's dlc2nwb: paths only, no frame times);
3. the ``ImageSeries`` of the file recorded by the camera its ``device`` / ``devices`` link names;
4. every other ``ImageSeries`` of ``acquisition`` with an ``external_file``; with several, those whose
   file name is the video the poses name come first.

``external_file`` paths are relative to the NWB file's folder (the NWB and DANDI convention),
absolute ones are used as they are; a file read from a URL has no folder here, so its relative
paths need ``--video-path``. The first that exists wins; when none does,
:func:`find_linked_video` raises an error listing every path it tried and where it found it.
A video given by the user (``--video-path``) replaces the file, not the frame times: the times of
the ``ImageSeries`` found are still used when there is one.

Frame i of the poses and frame j of the video
---------------------------------------------
:func:`video_frame_indices` maps them through time when the video comes with frame times
(an ``ImageSeries``' ``starting_time`` and ``rate``, or its ``timestamps``): pose frame ``i``
taken at ``t_i`` (the pose series' own ``starting_time`` + ``i / rate``, or ``timestamps[i]``)
shows video frame ``j``, the one whose time is nearest ``t_i``; ``starting_time`` offsets of
either series are honoured that way, and so are poses that cover only part of the video or
series that skip frames. A pose time more than half a frame away from every video frame has no
video frame (an error names it). Without frame times of the video (``original_videos``, a pose
file given with ``--video-path``) pose frame ``i`` is video frame ``i``: pose tools write one row per
decoded frame. Last, ``j`` counts across the ``ImageSeries``' external files: the file is the last one
whose ``starting_frame`` is at most ``j``, and the frame within it is ``j - starting_frame``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np

from ..errors import InvalidOptionError, InvalidSourceFileError
from ..model import FrameTiming, PoseData
from ..model.location import require_file

__all__ = [
    "LinkedVideo",
    "StoredVideo",
    "find_linked_video",
    "stored_source_video",
    "stored_source_videos",
    "video_frame_indices",
    "video_of_poses",
]


@dataclass(frozen=True)
class LinkedVideo:
    """A video found for some poses.

    Attributes
    ----------
    files : tuple of pathlib.Path
        The video files, in order (an ``ImageSeries`` may span several).
    starting_frames : tuple of int
        Index of the first frame of each file among all frames of the video.
    timing : FrameTiming or None
        Frame times of the video (from its ``ImageSeries``); None maps pose frame i to video frame i.
    found_through : str
        Where the video was found, for messages.
    """

    files: tuple[Path, ...]
    starting_frames: tuple[int, ...]
    timing: FrameTiming | None
    found_through: str

    def locate(self, video_frame: int) -> tuple[int, int]:
        """Return ``(file index, frame within that file)`` of the video's frame ``video_frame``."""
        file_index = int(np.searchsorted(self.starting_frames, video_frame, side="right")) - 1
        return max(file_index, 0), video_frame - self.starting_frames[max(file_index, 0)]


@dataclass(frozen=True)
class StoredVideo:
    """A ``source_video`` ``ImageSeries`` whose frames are stored in the NWB file, not in a video file.

    Attributes
    ----------
    name : str
        Its path in the file (``/acquisition/<name>``).
    n_frames : int or None
        Frames stored (the first axis of its ``data``); None when ``data`` is no stack of frames.
    timing : FrameTiming or None
        Its frame times.
    """

    name: str
    n_frames: int | None
    timing: FrameTiming | None

    def said(self) -> str:
        """Say it in a sentence's words: ``'/acquisition/cam' (10 frames)``."""
        return f"{self.name!r} ({self.n_frames} frames)" if self.n_frames is not None else repr(self.name)


@dataclass(frozen=True)
class _Candidate:
    """One place that names a video: its recorded paths and, for an ImageSeries, its frames."""

    paths: tuple[str, ...]
    starting_frames: tuple[int, ...]
    timing: FrameTiming | None
    where: str


def _type_of(obj: Any) -> str | None:
    value = obj.attrs.get("neurodata_type")
    return value.decode() if isinstance(value, bytes) else value


def _strings(dataset: Any) -> list[str]:
    values = np.atleast_1d(dataset[()]).reshape(-1)
    return [v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v) for v in values]


def _timing_of(series: Any) -> FrameTiming | None:
    if "starting_time" in series:
        rate = float(series["starting_time"].attrs.get("rate", 0.0))
        if np.isfinite(rate) and rate > 0:
            start = float(series["starting_time"][()])
            return FrameTiming(rate=rate, starting_time=start, source=f"rate of the ImageSeries {series.name}")
    if "timestamps" in series:
        times = np.asarray(series["timestamps"][()], dtype="float64").reshape(-1)
        if len(times):
            return FrameTiming(timestamps=times, source=f"timestamps of the ImageSeries {series.name}")
    return None


def _image_series(series: Any, where: str) -> _Candidate | None:
    if series is None or "external_file" not in series:
        return None
    external = series["external_file"]
    paths = tuple(_strings(external))
    starts = external.attrs.get("starting_frame")
    starting_frames = tuple(int(s) for s in np.atleast_1d(starts)) if starts is not None else (0,)
    if len(starting_frames) != len(paths):
        starting_frames = (0,) if len(paths) == 1 else tuple(range(len(paths)))
    return _Candidate(paths, starting_frames, _timing_of(series), where)


def stored_source_video(nwb: Any, group: Any) -> StoredVideo | None:
    """Return the ``source_video`` of the ``PoseEstimation`` ``group`` when its frames are stored in the file.

    Parameters
    ----------
    nwb : h5py.File or zarr.Group
        The open NWB file (:func:`poseconv.nwb.read.store.open_store`).
    group : h5py.Group or zarr.Group
        The ``PoseEstimation``.

    Returns
    -------
    StoredVideo or None
        None when it links no ``source_video``, or one with an ``external_file`` (a video file).
    """
    from ..nwb.read.store import linked

    found = linked(nwb, group, "source_video")
    if found is None:
        return None
    name, series = found
    if "external_file" in series or "data" not in series:
        return None
    shape = series["data"].shape
    # Frames are (height, width) or (height, width, channels): a stack has 3 or 4 axes.
    n_frames = int(shape[0]) if len(shape) >= 3 else None
    return StoredVideo(name, n_frames, _timing_of(series))


def stored_source_videos(source: str | Path, containers: Sequence[str]) -> dict[str, StoredVideo]:
    """Return, by container, the ``source_video`` of the ``PoseEstimation`` ``containers`` stored in the file.

    Parameters
    ----------
    source : str or pathlib.Path
        The NWB file (HDF5 or Zarr store), or its URL.
    containers : sequence of str
        Paths of ``PoseEstimation`` groups in it.

    Returns
    -------
    dict of str to StoredVideo
        Only the containers whose ``source_video`` holds its frames.
    """
    from ..nwb.read.store import member, nwb_location, open_store

    found = {}
    with open_store(nwb_location(source)) as nwb:
        for name in containers:
            group = member(nwb, name)
            stored = stored_source_video(nwb, group) if group is not None else None
            if stored is not None:
                found[name] = stored
    return found


def _linked(group: Any, key: str) -> list[Any]:
    """Objects linked from ``group[key]``: one link, or a group of links (ndx-pose's ``devices``)."""
    if key not in group:
        return []
    obj = group[key]
    if _type_of(obj) is None and hasattr(obj, "values"):
        return list(obj.values())
    return [obj]


def _acquisition_series(nwb: Any) -> list[Any]:
    acquisition = nwb.get("acquisition")
    if acquisition is None:
        return []
    return [obj for obj in acquisition.values() if _type_of(obj) == "ImageSeries" and "external_file" in obj]


def _file_name(recorded: str) -> str:
    # Paths come from other machines: split on both separators.
    return PureWindowsPath(recorded).name if "\\" in recorded else PurePosixPath(recorded).name


def _candidates(nwb: Any, group: Any) -> list[_Candidate]:
    """Return the places the PoseEstimation ``group`` names its video by (points 1-3 of the module docstring)."""
    found = []
    source = group.get("source_video")
    if source is not None:
        found.append(_image_series(source, f"the source_video of {group.name}"))
    if "original_videos" in group:
        originals = tuple(_strings(group["original_videos"]))
        if originals:
            found.append(_Candidate(originals[:1], (0,), None, f"the original_videos of {group.name}"))
    devices = _linked(group, "device") + _linked(group, "devices")
    for series in _acquisition_series(nwb):
        if "device" in series and any(series["device"] == device for device in devices):
            found.append(_image_series(series, f"the ImageSeries {series.name} of the device of {group.name}"))
    return [candidate for candidate in found if candidate is not None]


def _acquisition_candidates(nwb: Any, video_key: str | None) -> list[_Candidate]:
    """Every external ImageSeries of ``acquisition``; those of a file named like ``video_key`` first."""
    acquisition = _acquisition_series(nwb)
    # A file may hold one ImageSeries per camera: the one the poses name goes first.
    named = [
        s for s in acquisition if video_key and any(video_key in _file_name(p) for p in _strings(s["external_file"]))
    ]
    found = [_image_series(s, f"the ImageSeries {s.name}") for s in named + [s for s in acquisition if s not in named]]
    return [candidate for candidate in found if candidate is not None]


def _is_absolute(recorded: str) -> bool:
    return Path(recorded).is_absolute()


def _resolve(recorded: str, folder: Path) -> Path:
    path = Path(recorded)
    return path if path.is_absolute() else (folder / path).resolve()


def find_linked_video(
    nwb_path: str | Path,
    containers: Sequence[str],
    *,
    video_key: str | None = None,
    override: str | Path | None = None,
) -> LinkedVideo:
    """Find the video of ``containers`` in an NWB file, as the module docstring says.

    Parameters
    ----------
    nwb_path : str or pathlib.Path
        The NWB file (HDF5 or Zarr store), or its URL (its relative video paths then name nothing
        here: ``override`` is needed).
    containers : sequence of str
        HDF5 paths of the ``PoseEstimation`` groups drawn.
    video_key : str, optional
        The name the poses give their video, to prefer an ``ImageSeries`` of that file.
    override : str or pathlib.Path, optional
        A video given by the user; it replaces the file found (its frame times are kept).

    Returns
    -------
    LinkedVideo
        The video and its frame times.

    Raises
    ------
    InvalidSourceFileError
        When no video is found; the message lists what was looked for.
    """
    from ..nwb.read.store import local_folder, nwb_location, open_store

    nwb_path = nwb_location(nwb_path)
    folder = local_folder(nwb_path)
    with open_store(nwb_path) as nwb:
        candidates = [c for name in containers for c in _candidates(nwb, nwb[name])]
        candidates += _acquisition_candidates(nwb, video_key)
        stored = [s for name in containers if (s := stored_source_video(nwb, nwb[name])) is not None]
    # One ImageSeries is often both the source_video and in acquisition: keep its first mention.
    unique: dict[tuple[str, ...], _Candidate] = {}
    for candidate in candidates:
        unique.setdefault(candidate.paths, candidate)
    candidates = list(unique.values())
    if override is not None:
        override = Path(override)
        require_file(override, "--video-path video")
        # A source_video stored in the file holds the frames of the video given: its frame times hold for it.
        timings = [video.timing for video in stored] + [c.timing for c in candidates if len(c.paths) == 1]
        return LinkedVideo((override,), (0,), next((t for t in timings if t is not None), None), "--video-path")
    tried, relative_to_url = [], []
    for candidate in candidates:
        if folder is None and not all(_is_absolute(path) for path in candidate.paths):
            relative_to_url.extend(path for path in candidate.paths if not _is_absolute(path))
            continue
        files = tuple(_resolve(path, folder or Path.cwd()) for path in candidate.paths)
        if all(file.is_file() for file in files):
            return LinkedVideo(files, candidate.starting_frames, candidate.timing, candidate.where)
        tried.extend(f"{file} (named by {candidate.where})" for file in files if not file.is_file())
    raise _not_found(nwb_path, containers, tried, relative_to_url, stored)


def _not_found(
    nwb_path: str | Path,
    containers: Sequence[str],
    tried: list[str],
    relative_to_url: list[str],
    stored: list[StoredVideo],
) -> InvalidSourceFileError:
    """Return the error of :func:`find_linked_video` that found no video: what it looked for, and where."""
    if relative_to_url:
        return InvalidSourceFileError(
            f"{nwb_path}: is read from a URL, and the video of the poses ({', '.join(dict.fromkeys(relative_to_url))}) "
            "is stored relative to it; download the video and pass it with --video-path."
        )
    if stored:
        # An ImageSeries whose frames are in the file (neuroconv's InternalVideoInterface) is no file to draw over.
        videos = ", ".join(dict.fromkeys(video.said() for video in stored))
        looked = f" (looked for {'; '.join(dict.fromkeys(tried))})" if tried else ""
        return InvalidSourceFileError(
            f"{nwb_path}: the source_video {videos} is stored in the NWB file (its frames are inside the file), "
            f"and no video file of it was found{looked}; plot draws over video files: give one with --video-path."
        )
    if not tried:
        return InvalidSourceFileError(
            f"{nwb_path}: links no video to {', '.join(containers)}: no source_video, original_videos, "
            "device ImageSeries or external ImageSeries in acquisition. Pass the video with --video-path."
        )
    return InvalidSourceFileError(
        f"{nwb_path}: the video of the poses was not found; looked for {'; '.join(dict.fromkeys(tried))}. "
        "External files are relative to the NWB file's folder: move the video there, or pass it with --video-path."
    )


def video_frame_indices(
    pose_timing: FrameTiming | None, n_pose_frames: int, frames: Iterable[int], video: LinkedVideo
) -> np.ndarray:
    """Return the video frame shown at each of the pose ``frames`` (see the module docstring).

    Parameters
    ----------
    pose_timing : FrameTiming or None
        Frame times of the poses.
    n_pose_frames : int
        Number of pose frames.
    frames : iterable of int
        Pose frame indices.
    video : LinkedVideo
        The video and its frame times.

    Returns
    -------
    numpy.ndarray
        ``int64`` video frame index per pose frame, counted across the video's files.

    Raises
    ------
    InvalidOptionError
        When a pose frame lies outside the poses or has no video frame at its time.
    """
    frames = np.asarray(list(frames), dtype="int64")
    outside = frames[(frames < 0) | (frames >= n_pose_frames)]
    if len(outside):
        raise InvalidOptionError(
            f"frame {int(outside[0])} is outside the poses, which have {n_pose_frames} frames (0-{n_pose_frames - 1})."
        )
    if video.timing is None or pose_timing is None:
        return frames
    pose_times = pose_timing.times(n_pose_frames)
    times = pose_times[frames]
    timing = video.timing
    if timing.rate is not None:
        exact = (times - timing.starting_time) * timing.rate
        indices = np.rint(exact).astype("int64")
        off = np.abs(exact - indices) > 0.5 + 1e-6
    else:
        stamps = timing.timestamps
        # The video frames either side of each time (the same one at the ends, and for a video of one frame).
        right = np.clip(np.searchsorted(stamps, times), 0, len(stamps) - 1)
        left = np.maximum(right - 1, 0)
        indices = np.where(np.abs(stamps[left] - times) <= np.abs(stamps[right] - times), left, right)
        step = _frame_step(stamps, pose_times)
        off = np.abs(stamps[indices] - times) > step / 2 + 1e-9
    off |= indices < 0
    if off.any():
        first = int(frames[np.argmax(off)])
        raise InvalidOptionError(
            f"pose frame {first} (t = {times[np.argmax(off)]:.6g} s) has no video frame at its time "
            f"({timing.source}); pick frames the video covers."
        )
    return indices


def _frame_step(video_times: np.ndarray, pose_times: np.ndarray) -> float:
    """Return the time between frames that half a frame is judged by: the video's, else the poses' own.

    A video of one frame has no step of its own; the poses' step stands for it (the poses of a video are
    taken at its frames), and when both are one frame long, nothing says the pose is off its frame.
    """
    for times in (video_times, pose_times):
        if len(times) > 1:
            return float(np.median(np.diff(times)))
    return np.inf


def video_of_poses(
    poses: Sequence[PoseData], source: str | Path, *, override: str | Path | None = None
) -> tuple[str, LinkedVideo]:
    """Return the one video the poses were estimated on, and where it is.

    Parameters
    ----------
    poses : sequence of PoseData
        Poses read from ``source`` (for an NWB file, by :func:`poseconv.read_nwb` or
        :func:`poseconv.open_nwb`, whose PoseData name their containers in ``notes``).
    source : str or pathlib.Path
        The file they were read from: an NWB file is searched as :func:`find_linked_video` says;
        for a pose tool's file the video its reader found is used.
    override : str or pathlib.Path, optional
        A video given by the user (``--video-path``).

    Returns
    -------
    (str, LinkedVideo)
        The poses' key of the video, and the video.

    Raises
    ------
    InvalidOptionError
        When the poses belong to several videos.
    InvalidSourceFileError
        When the video is not found.
    """
    keys = list(dict.fromkeys(track.video for pose in poses for track in pose.tracks))
    if not keys:
        raise InvalidOptionError(f"{source}: holds no poses to draw.")
    from ..nwb.read.store import is_nwb_location, location_name

    if len(keys) > 1:
        # An NWB file's poses are picked by container; a pose file's, which has none, by video (plot's --container).
        pick = (
            "the containers of one with --container"
            if is_nwb_location(source)
            else f"one with --container, naming it (--container {keys[0]})"
        )
        raise InvalidOptionError(
            f"{source}: the poses come from {len(keys)} videos ({', '.join(keys)}); one is drawn at a time: "
            f"pick {pick}."
        )
    key = keys[0]

    if is_nwb_location(source):
        containers = [
            path
            for pose in poses
            for name, path in pose.notes.get("nwb_containers", {}).items()
            if name.split("/", 1)[0] == key
        ]
        return key, find_linked_video(source, containers, video_key=key, override=override)
    if override is not None:
        require_file(Path(override), "--video-path video")
        return key, LinkedVideo((Path(override),), (0,), None, "--video-path")
    found = next((pose.videos[key].path for pose in poses if key in pose.videos and pose.videos[key].path), None)
    if found is None:
        recorded = next((pose.videos[key].original_path for pose in poses if key in pose.videos), None)
        raise InvalidSourceFileError(
            f"{source}: the video of the poses ({recorded or key}) was not found next to it; pass it with --video-path."
        )
    return key, LinkedVideo((Path(found),), (0,), None, f"the video {location_name(source)} names")
