"""Frame times: the one place that decides when each frame of a pose file was taken.

Order of trust, for every interface (2D, 3D / session, training), the command line and specs:

1. what the user states: timestamps (``set_aligned_timestamps``, ``--timestamps FILE``, a spec's
   ``timestamps_file``) or a rate (``sampling_frequency``, ``--fps``). It wins; when the video
   container or the pose file says otherwise, a warning names their rate.
2. the video container's frame times (a constant rate; per-frame times where a frame is missing; a raw stream's: none);
3. the pose file's own record (DeepLabCut's metadata pickle, SLEAP's video fps, ...);
4. nothing: :func:`missing_timing_error`, a clear error naming the options that fix it.

The source chosen is written in every series' ``comments``. Where a rate stated, the video and the pose file
disagree, the times chosen among them are said (:func:`choose_timing`) when they are used: handed out
(``get_timestamps``), shifted (``set_aligned_starting_time``) or written; not when the user's timestamps replace them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InvalidOptionError, MetadataError, PoseconvWarning
from .model import FrameTiming
from .model.path_hints import is_windows_only
from .timing_text import TIMESTAMP_SUFFIXES, load_timestamps, not_ascending
from .video import HDF5_IMAGE_SUFFIXES, IMAGE_STACK_SUFFIXES, RAW_STREAM_SUFFIXES, VideoProbe

__all__ = [
    "GIVEN_TIMESTAMPS",
    "SAME_CLOCK_RTOL",
    "TIMESTAMP_SUFFIXES",
    "check_offset",
    "check_sync_times",
    "check_timestamps",
    "check_video_length",
    "choose_timing",
    "known_rate",
    "load_timestamps",
    "mapped_source",
    "missing_timing_error",
    "nominal_rate",
    "regular_rate",
    "shift_timing",
    "user_rate",
]

# Relative difference of two rates that is reported: even 0.1 % drifts by 3.6 s over an hour.
_RATE_RTOL = 1e-5
#: Relative difference of two frame rates still taken for one clock: a camera's measured rate (29.97)
#: against a nominal one (30) is 0.1 %; cameras or videos further apart are other clocks.
SAME_CLOCK_RTOL = 0.01
# Given frame times whose rate is this factor off the video's or the file's are said to be (milliseconds...).
_CLOCK_FACTOR = 1.5
# Frame times of a rate below this (frames per second), with no other timing to compare them with, are said to be
# (milliseconds...): any camera up to 1000 fps timed in milliseconds runs at most this fast when read as seconds,
# and video of behaviour is not filmed slower (a time lapse's images are: the message says they need nothing done).
_SLOWEST_CAMERA_FPS = 1.0
#: Relative tolerance under which given timestamps count as regular and are written as a rate: every time
#: within this fraction of a frame step of ``t0 + i / rate`` (plus the rounding of times that large).
REGULAR_RTOL = 1e-9
# Rates written exactly when the times fit them (besides whole numbers): NTSC's 23.976, 29.97 and 59.94 fps.
_NTSC_RATES = (24000 / 1001, 30000 / 1001, 60000 / 1001)
# The source of a rate the user stated (sampling_frequency, --fps, a spec's sampling_frequency): user_rate's.
_STATED_RATE = "sampling_frequency given by the user"
#: The source of frame times the user gives (set_aligned_timestamps, --timestamps, a spec's timestamps_file).
GIVEN_TIMESTAMPS = "timestamps given by the user"


def user_rate(sampling_frequency: float | None, *, what: str = "sampling_frequency") -> FrameTiming | None:
    """Return the timing of a rate the user gave, after checking it.

    Raises
    ------
    InvalidOptionError
        When the rate is not a positive finite number.
    """
    if sampling_frequency is None:
        return None
    if not (np.isfinite(sampling_frequency) and sampling_frequency > 0):
        raise InvalidOptionError(f"{what} must be a positive number (frames per second), got {sampling_frequency!r}.")
    return FrameTiming(rate=float(sampling_frequency), source=f"{what} given by the user")


def nominal_rate(timing: FrameTiming) -> float | None:
    """Return the frame rate of ``timing``: its rate, or the mean rate of its timestamps (None for one frame)."""
    if timing.rate is not None:
        return timing.rate
    times = np.asarray(timing.timestamps, dtype="float64")
    span = float(times[-1] - times[0]) if len(times) > 1 else 0.0
    return (len(times) - 1) / span if span > 0 else None


def known_rate(timing: FrameTiming | None) -> float | None:
    """Return the frame rate of ``timing``: its rate, or the rate its times keep (:func:`regular_rate`); else None.

    For writers of formats that record a rate (SLEAP's video fps, movement's ``fps``): times stored one per
    frame (movement's NWB files, pynwb's) at a regular rate are that rate.
    """
    if timing is None:
        return None
    return timing.rate if timing.rate is not None else regular_rate(np.asarray(timing.timestamps, dtype="float64"))


def regular_rate(timestamps: np.ndarray) -> float | None:
    """Return the rate that reproduces regular ``timestamps`` as ``t0 + i / rate``, or None when they are not regular.

    A whole or NTSC rate (30000/1001, ...) is preferred, so that times ``i / 30`` are written as 30.0, as
    ``--fps 30`` is (1 / the median step gave 30.000000000001705); else ``(n - 1) / (t[-1] - t[0])``. Every
    time must lie within :data:`REGULAR_RTOL` of a step of its place (one vectorised pass, two at most).
    """
    times = np.asarray(timestamps, dtype="float64")
    if len(times) < 2 or not np.isfinite(span := float(times[-1] - times[0])) or span <= 0:
        return None
    mean = (len(times) - 1) / span
    # Float times of this size are off their exact value by up to a few units in the last place.
    tolerance = REGULAR_RTOL / mean + 4 * float(np.spacing(max(abs(times[0]), abs(times[-1]))))
    last = len(times) - 1
    # Only a simple rate that reaches the last time is checked whole.
    simple = [rate for rate in (float(round(mean)), *_NTSC_RATES) if rate > 0]
    candidates = [rate for rate in simple if abs(times[0] + last / rate - times[-1]) <= tolerance][:1] + [mean]
    frames = np.arange(len(times), dtype="float64")
    for rate in candidates:
        if np.max(np.abs(times[0] + frames / rate - times)) <= tolerance:
            return rate
    return None


def _disagree(a: FrameTiming, b: FrameTiming) -> tuple[float, float] | None:
    rate_a, rate_b = nominal_rate(a), nominal_rate(b)
    if rate_a is None or rate_b is None or np.isclose(rate_a, rate_b, rtol=_RATE_RTOL):
        return None
    return rate_a, rate_b


def choose_timing(
    *,
    source_name: str,
    stated: FrameTiming | None,
    video: FrameTiming | None,
    recorded: FrameTiming | None,
    video_name: str | None = None,
) -> tuple[FrameTiming | None, str | None]:
    """Return the frame timing to use, by the order of trust of this module, and what says another rate.

    The caller warns with the sentence when it uses these times (hands them out, shifts or writes them):
    timestamps the user gives afterwards (``set_aligned_timestamps``, ``--timestamps``, a spec's
    ``timestamps_file``) replace them, and a warning that the video's times are used would be false.

    Parameters
    ----------
    source_name : str
        The pose file's name, for messages.
    stated : FrameTiming, optional
        What the user gave (a rate or timestamps).
    video : FrameTiming, optional
        What the video container gives.
    recorded : FrameTiming, optional
        What the pose file records.
    video_name : str, optional
        The video's file name, for messages.

    Returns
    -------
    tuple of (FrameTiming or None, str or None)
        The timing (None when no source gives frame times), and the sentence naming the first source
        whose rate differs from it and the times used (None when none differs).
    """
    chosen = stated or video or recorded
    if chosen is None:
        return None, None
    for other, kind in ((video, "the video"), (recorded, "the pose files")):
        rates = None if other is None or other is chosen else _disagree(chosen, other)
        if rates is None:
            continue
        who = "your" if chosen is stated else "the video's"
        # One sentence: the times used and the first source that disagrees with them.
        return chosen, (
            f"{source_name}: {kind}{f' {video_name}' if other is video and video_name else ''} give"
            f"{'s' if other is video else ''} {rates[1]:g} fps ({other.source}), but {chosen.source} gives "
            f"{rates[0]:g} fps; {who} frame times are used."
        )
    return chosen, None


def check_video_length(
    source_name: str,
    n_frames: int,
    probe: VideoProbe,
    *,
    last_pose: int | None = None,
    stacklevel: int = 3,
) -> int:
    """Refuse a video shorter than the poses; warn about a longer one, or a shorter one every pose fits in.

    Parameters
    ----------
    source_name : str
        The pose file, for messages.
    n_frames : int
        Frames of the poses' time base: the file's rows, or the video length it records when longer.
    probe : VideoProbe
        The video.
    last_pose : int, optional
        The last frame holding a pose (any value of any track), which the caller reads only when
        ``n_frames`` is more than the video's; None: the last frame of the time base.

    Returns
    -------
    int
        Frames of the poses to write: ``n_frames``, or the video's when the time base runs past the
        video's end with no pose there (a recorded length longer than the video).

    Raises
    ------
    InvalidOptionError
        When poses lie past the video's last frame.
    """
    if n_frames <= probe.n_frames:
        if n_frames < probe.n_frames:
            warnings.warn(
                f"{source_name} has poses for {n_frames} frames, the video {probe.path.name} has {probe.n_frames}; "
                f"the poses are taken to be its first {n_frames} frames.",
                PoseconvWarning,
                stacklevel=stacklevel,
            )
        return n_frames
    last = n_frames - 1 if last_pose is None else last_pose
    if last < probe.n_frames:
        # The time base only is longer (a recorded length the video does not have): no pose is lost.
        warnings.warn(
            f"{source_name} records the video as {n_frames} frames, but the video {probe.path} has {probe.n_frames}; "
            f"every pose lies within its frames, so the poses are written for its {probe.n_frames} frames. Check "
            "that it is the video these poses were estimated on.",
            PoseconvWarning,
            stacklevel=stacklevel,
        )
        return probe.n_frames
    fix = "is it the video these poses were estimated on? Pass the right one with video_file_path= (--video)."
    if last == n_frames - 1:
        raise InvalidOptionError(
            f"{source_name} has poses for {n_frames} frames but the video {probe.path} has only {probe.n_frames}; "
            + fix
        )
    raise InvalidOptionError(
        f"{source_name} records the video as {n_frames} frames, with poses up to frame {last}, but the video "
        f"{probe.path} has only {probe.n_frames} (frames 0 to {probe.n_frames - 1}); " + fix
    )


def check_timestamps(
    timestamps: np.ndarray,
    n_frames: int,
    what: str,
    *,
    known: FrameTiming | None = None,
    stacklevel: int = 3,
    video_frames: int | None = None,
    images: bool = False,
) -> np.ndarray:
    """Return a float64 copy of ``timestamps`` after checking there is one finite time per frame.

    A copy: the caller's array (a buffer reused for the next camera, edited after being given) stays theirs,
    and the times checked are the times kept.

    ``video_frames``, the video file's frame count when the poses end before it does (SLEAP predicts up to
    the last frame with an animal): one time per video frame (a camera's TTLs) is taken too; the poses
    use the first ``n_frames`` and the video keeps them all.

    Times that do not increase are warned about, naming the first (neuroconv's interfaces take them).

    A rate of the given times far from the ``known`` one (the video's, the pose file's), or without
    one, below 1 frame per second, is warned about (:func:`_rate_problem`): times in milliseconds,
    or of another camera, give the poses another clock without an error. The frames of ``images`` (a
    time lapse's image files, DeepLabCut's analyze_time_lapse_frames) are taken minutes apart, as slowly
    as their times say: only a ``known`` rate is compared with.

    Raises
    ------
    InvalidOptionError
        When the times are not numbers, the count is wrong or a time is not finite.
    """
    array = _float_copy(timestamps, f"Timestamps for {what} must be an array of numbers (seconds), one per frame")
    counts = {n_frames} if video_frames is None or video_frames <= n_frames else {n_frames, video_frames}
    if array.ndim != 1 or array.shape[0] not in counts:
        given = array.shape[0] if array.ndim == 1 else f"an array of shape {array.shape} of"
        if video_frames is None and array.ndim == 1 and array.shape[0] > n_frames:
            # No video file and no length its pose file records: the poses' own span is all that is known.
            raise InvalidOptionError(
                f"the poses of {what} span {n_frames} frames (up to the last frame the pose file holds), and no video "
                f"file or length recorded beside the poses says how many frames the video has, but {given} timestamps "
                f"were given; give one timestamp per pose frame ({n_frames}), or the video with video_file_path= "
                "(--video) to give one per frame of the video."
            )
        if len(counts) == 1:
            raise InvalidOptionError(
                f"{what} has {n_frames} frames but {given} timestamps were given; give one timestamp per frame."
            )
        raise InvalidOptionError(
            f"the poses of {what} cover its first {n_frames} frames, of the {video_frames} of the video file, but "
            f"{given} timestamps were given; give one timestamp per pose frame ({n_frames}) or per video frame "
            f"({video_frames})."
        )
    if np.any(~np.isfinite(array)):
        raise InvalidOptionError(f"Timestamps for {what} must be finite numbers (seconds).")
    if (problem := not_ascending(array)) is not None:
        # Warned, not refused: neuroconv's interfaces take any aligned times (its alignment tests give jittered
        # ones); a file of times (load_timestamps) is refused.
        warnings.warn(f"Timestamps for {what} {problem}", PoseconvWarning, stacklevel=stacklevel)
    problem = _rate_problem(nominal_rate(FrameTiming(timestamps=array)), known, images=images)
    if problem is not None:
        warnings.warn(f"Timestamps for {what} {problem}", PoseconvWarning, stacklevel=stacklevel)
    return array


def _float_copy(values: Any, refusal: str) -> np.ndarray:
    """Return a float64 copy of ``values`` (the caller's array stays theirs); else refuse them, saying ``refusal``.

    Raises
    ------
    InvalidOptionError
        When ``values`` are not numbers (text, ragged lists): ``refusal`` and the start of what was given.
    """
    try:
        return np.array(values, dtype="float64")
    except (TypeError, ValueError) as err:
        raise InvalidOptionError(f"{refusal}; got {values!r:.60}.") from err


def _rate_problem(given: float | None, known: FrameTiming | None, *, images: bool = False) -> str | None:
    """Return what is implausible in the rate ``given`` of a user's frame times (seconds), or None.

    The times are used either way; a rule for each case, all here: against a ``known`` timing (the
    video's, the pose file's), a rate that is a factor off; against a rate the user stated too, any
    difference (one of the two is lost); with neither, a rate below :data:`_SLOWEST_CAMERA_FPS`, unless
    the frames are ``images`` of a time lapse.
    """
    expected = nominal_rate(known) if known is not None else None
    if not given:
        return None
    if expected and known.source == _STATED_RATE:
        if np.isclose(given, expected, rtol=SAME_CLOCK_RTOL):
            return None
        # The user stated both a rate and times that disagree: the times win, and the rate is not silently lost.
        return (
            f"run at {given:.6g} frames per second, but the sampling_frequency (--fps) given is {expected:.6g}; the "
            "timestamps are used. Give one of the two."
        )
    if expected:
        # Aligned clocks differ from a video's nominal rate by a little (drift, jitter); a factor is a mistake.
        if 1 / _CLOCK_FACTOR < given / expected < _CLOCK_FACTOR:
            return None
        return (
            f"run at {given:.6g} frames per second, but {known.source} gives {expected:.6g} fps; the times given "
            "are used. Are they in seconds, and of this video's frames?"
        )
    if given >= _SLOWEST_CAMERA_FPS or images:
        return None
    return (
        f"run at {given:.6g} frames per second (a frame every {1 / given:.3g} s); the times given are used, as "
        f"seconds. Cameras filming behaviour record faster than {_SLOWEST_CAMERA_FPS:g} frame per second, and times "
        "in milliseconds read as seconds run slower than that (a 30 fps camera's 0, 33, 67, ... run at 0.03 fps): "
        "are they in seconds? Divide times in milliseconds by 1000 (the times of a time lapse's images, taken "
        "slower than that, are right as they are)."
    )


def check_offset(offset: Any, what: str = "aligned_starting_time") -> float:
    """Return ``offset`` (seconds) as a float after checking it is one finite number.

    A Python or numpy number (or a 0-d array) is taken. A NaN comes from a sync computation that found
    no pulse (``np.nanmin`` of an empty selection): written as the series' ``starting_time``, every
    frame would be at NaN.

    Raises
    ------
    InvalidOptionError
        When ``offset`` is text, an array of numbers, a bool, or not finite.
    """
    number = isinstance(offset, int | float | np.number) or (isinstance(offset, np.ndarray) and offset.ndim == 0)
    if not number or isinstance(offset, bool) or not np.issubdtype(np.asarray(offset).dtype, np.number):
        hint = "; convert text read from a file with float()" if isinstance(offset, str) else ""
        if isinstance(offset, np.ndarray | list | tuple):
            hint = "; the first of an array of sync times is times[0]"
        raise InvalidOptionError(
            f"{what} must be one number of seconds, got {offset!r} ({type(offset).__name__}){hint}."
        )
    value = float(offset)
    if not np.isfinite(value):
        raise InvalidOptionError(f"{what} must be a finite number of seconds, got {value!r}: was a sync pulse missing?")
    return value


def check_sync_times(unaligned_timestamps: Any, aligned_timestamps: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return the sync times of ``align_by_interpolation`` as float64 arrays after checking they pair up.

    ``np.interp`` needs as many times on either clock, finite, the interface's own ascending: otherwise
    it fails in its own words or maps frames onto nonsense without an error.

    Raises
    ------
    InvalidOptionError
        When the arrays are not 1-D arrays of as many finite times, or the unaligned ones do not increase.
    """
    arrays = []
    for name, values in (("unaligned_timestamps", unaligned_timestamps), ("aligned_timestamps", aligned_timestamps)):
        array = _float_copy(values, f"align_by_interpolation: {name} must be an array of times (seconds)")
        if array.ndim != 1 or array.size == 0 or not np.all(np.isfinite(array)):
            raise InvalidOptionError(
                f"align_by_interpolation: {name} must be a 1-D array of finite times (seconds), got "
                f"{'shape ' + str(array.shape) if array.ndim != 1 or array.size == 0 else 'NaN or infinite times'}."
            )
        arrays.append(array)
    if arrays[0].size != arrays[1].size:
        raise InvalidOptionError(
            f"align_by_interpolation: {arrays[0].size} unaligned_timestamps but {arrays[1].size} aligned_timestamps; "
            "give the same sync events on both clocks, one time each (this interface's, then the session's)."
        )
    if np.any((steps := np.diff(arrays[0])) <= 0):
        bad = int(np.flatnonzero(steps <= 0)[0])
        raise InvalidOptionError(
            f"align_by_interpolation: unaligned_timestamps must increase (frame times are interpolated between "
            f"them), but sync time [{bad + 1}] ({arrays[0][bad + 1]:.9g} s) is not after sync time [{bad}] "
            f"({arrays[0][bad]:.9g} s)."
        )
    return arrays[0], arrays[1]


def shift_timing(timing: FrameTiming, offset: float) -> FrameTiming:
    """Return ``timing`` with every time moved by ``offset`` seconds (:func:`check_offset` first)."""
    offset = check_offset(offset)
    source = f"{timing.source}, shifted by {offset} s"
    if timing.rate is not None:
        return FrameTiming(rate=timing.rate, starting_time=timing.starting_time + offset, source=source)
    return FrameTiming(timestamps=np.asarray(timing.timestamps) + offset, source=source)


def mapped_source(timing: FrameTiming, n_sync: int) -> str:
    """Return the source of ``timing``'s times mapped through ``n_sync`` sync times (``align_by_interpolation``).

    The times keep saying where they came from (a video container's rate, the user's), as :func:`shift_timing`'s.
    """
    return f"{timing.source}, mapped through {n_sync} sync time{'' if n_sync == 1 else 's'} (align_by_interpolation)"


def missing_timing_error(
    source_name: str,
    what: str = "",
    video: Path | None = None,
    *,
    images: bool = False,
    looked_in: Sequence[str] = (),
    each_video: str = "",
) -> MetadataError:
    """Return the error for pose data with no frame times at all, naming every way to give them.

    ``video`` is the video found, when it gives no frame times either (a TIFF image stack, frames
    stored as images in an HDF5 file, or a file FFmpeg could not read, as the warning before said).
    ``images``: the frames are still images (SLEAP's "Add images", DeepLabCut's analysed images), which
    record no time, found or not. ``looked_in``: where the video was looked for, and folders not here.
    ``each_video``: for poses of several videos, how to give each its file, said instead of ``video_file_path=``.
    """
    if images:
        where = "and image files record no frame times"
    elif video is None:
        where = "and no video was found to read one from" + _where_looked(looked_in)
    elif video.suffix.lower() in HDF5_IMAGE_SUFFIXES:
        where = f"and its frames are images stored in the HDF5 file {video.name}, which records no frame times"
    elif (suffix := video.suffix.lower()) in IMAGE_STACK_SUFFIXES + RAW_STREAM_SUFFIXES:
        kind = "an image stack" if suffix in IMAGE_STACK_SUFFIXES else "a raw video stream"
        where = f"and the video {video.name} records none ({kind} has no frame times)"
    else:
        where = f"and the video {video.name} gives none (it could not be read)"
    return MetadataError(
        f"{source_name}: no frame rate is recorded{f' for {what}' if what else ''}, {where}. Give the rate with "
        "sampling_frequency= (poseconv convert --fps; a spec's sampling_frequency), "
        "or one time per frame with set_aligned_timestamps() (--timestamps FILE; a spec's timestamps_file), or "
        + (f"{each_video}." if each_video else "the video with video_file_path= (--video).")
    )


def _where_looked(looked_in: Sequence[str]) -> str:
    """Say where the video was looked for, then the folders recorded for it that are not here (Windows paths)."""
    here = [entry for entry in looked_in if Path(entry).is_dir()]
    windows = [entry for entry in looked_in if entry not in here and is_windows_only(entry)]
    elsewhere = [entry for entry in looked_in if entry not in here + windows]
    said = [f"looked for it in {', '.join(here)}"] if here else []
    windows_are = "are Windows paths" if windows[1:] else "is a Windows path"
    said += [f"{' and '.join(windows)} {windows_are}, which this computer cannot open"] if windows else []
    said += [f"{' and '.join(elsewhere)} {'are' if elsewhere[1:] else 'is'} not on this computer"] if elsewhere else []
    return f" ({'; '.join(said)})" if said else ""
